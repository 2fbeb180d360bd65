"""A custom resource may reuse a built-in kind's name (Knative's serving.knative.dev Service, an operator's Job):
the API server judges it by its CRD, so the built-in kind's own checks (SRV070's Service ports, SRV035's pod
template, SRV044's Job counts) never apply to it. The checks every object meets (metadata: SRV002) still do."""
from __future__ import annotations

import json
from pathlib import Path

DATA = Path(__file__).parent / "data" / "custom-kinds-with-builtin-names.yaml"


def _found(cli, version: str) -> list:
    result = cli(["lint", "--strict", "-k", version, "-f", "json", str(DATA)])
    return [(f["line"], f["rule_id"]) for f in json.loads(result.out)["findings"]]


def test_custom_resources_named_like_builtin_kinds_meet_only_the_checks_of_every_object(cli):
    for version in ("1.16", "1.30", "1.37"):
        assert _found(cli, version) == [(48, "SRV002")], version


def test_the_builtin_kinds_of_the_same_names_are_still_judged(cli, write):
    path = write("builtin.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: hello}\nspec: {}\n---\n"
                                 "apiVersion: batch/v1\nkind: Job\nmetadata: {name: nightly}\n"
                                 "spec: {parallelism: -1, template: {spec: {restartPolicy: Never, containers: "
                                 "[{name: a, image: b}]}}}\n")
    result = cli(["lint", "--strict", "-k", "1.30", "-f", "json", str(path)])
    ids = {f["rule_id"] for f in json.loads(result.out)["findings"]}
    assert {"SRV070", "SRV044"} <= ids
