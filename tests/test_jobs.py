"""--jobs spreads files over processes; the output is the same, in the same order, whatever N is, and CRDs
in one file still serve custom resources in every other file."""
from __future__ import annotations

import json

from conftest import run_cli

CRD = """apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: ws.a.io}
spec:
  group: a.io
  scope: Namespaced
  names: {kind: W, plural: ws}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec: {type: object, properties: {n: {type: integer}}}
"""


def _corpus(tmp_path):
    for i in range(70):
        body = [f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{i}}}\ndata: {{k: v}}\n"]
        if i % 7 == 0:
            body.append(f"apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: d{i}}}\nspec: {{replicas: x}}\n")
        if i % 11 == 0:
            body.append(f"apiVersion: a.io/v1\nkind: W\nmetadata: {{name: w{i}}}\nspec: {{n: notanumber}}\n")
        if i % 13 == 0:
            body.append("apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: old}\n")
        (tmp_path / f"f{i:03}.yaml").write_text("---\n".join(body))
    (tmp_path / "zz-crd.yaml").write_text(CRD)


def test_output_is_identical_whatever_the_number_of_jobs(tmp_path):
    _corpus(tmp_path)
    outputs = {}
    for jobs in ("1", "2", "3"):
        result = run_cli(["lint", "-k", "1.30", "-f", "json", "--jobs", jobs, str(tmp_path)])
        assert result.code == 1
        outputs[jobs] = result.out
    assert outputs["1"] == outputs["2"] == outputs["3"]
    findings = json.loads(outputs["2"])["findings"]
    # the CRD in the last file validated the custom resources of the files before it
    assert sum(1 for f in findings if f["object"] and f["object"]["kind"] == "W") == 7
    assert all(f["rule_id"] != "SCH005" for f in findings)


def test_jobs_must_be_positive(tmp_path):
    (tmp_path / "a.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")
    assert run_cli(["lint", "--jobs", "0", str(tmp_path)]).code == 2


def test_workers_end_quietly(tmp_path):
    import subprocess
    import sys

    from conftest import REPO
    _corpus(tmp_path)
    proc = subprocess.run([sys.executable, "-m", "k8slint", "lint", "-k", "1.30", "--jobs", "2", str(tmp_path)],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1 and proc.stderr == ""
