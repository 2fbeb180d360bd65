"""A non-string value in an enumerated field is one finding (the type error), not a type error and an enum
error at the same node; a string outside the set still fails on its value."""
from __future__ import annotations

import json

import pytest

SLIPS = """apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  restartPolicy: %s
  containers:
  - name: c
    image: nginx
    imagePullPolicy: %s
    ports: [{containerPort: 80, protocol: %s}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  selector: {matchExpressions: [{key: app, operator: %s, values: [web]}]}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: nginx}]}
"""


def schema_findings(cli, write, text: str, version: str) -> list:
    result = cli(["lint", "-k", version, "-f", "json", write("slips.yaml", text)])
    return [f for f in json.loads(result.out)["findings"] if f["rule_id"] == "SCH001"]


@pytest.mark.parametrize("version", ["1.9", "1.23", "1.37"])
def test_wrong_type_is_reported_once_as_a_type_error(cli, write, version):
    found = schema_findings(cli, write, SLIPS % ("true", "false", "5", "1"), version)
    paths = [f["json_path"] for f in found]
    assert len(paths) == len(set(paths)) == 4, found  # one finding per field
    assert all("expected string, got" in f["message"] for f in found), found
    assert not any("is not one of" in f["message"] for f in found), found


@pytest.mark.parametrize("version", ["1.23", "1.37"])
def test_a_string_outside_the_set_still_fails_on_its_value(cli, write, version):
    found = schema_findings(cli, write, SLIPS % ("always", "sometimes", "udp", "in"), version)
    assert len(found) == 4 and all("is not one of" in f["message"] for f in found), found
    assert schema_findings(cli, write, SLIPS % ("Always", "Never", "UDP", "In"), version) == []
