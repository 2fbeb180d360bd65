"""REF rules: apiVersions named inside objects (tests/cases/api-references holds the lint golden case)."""
from __future__ import annotations

import json
from pathlib import Path

CASE = Path(__file__).resolve().parent / "cases" / "api-references" / "refs.yaml"

HPA = """apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: extensions/v1beta1, kind: Deployment, name: web}  # the old group
  minReplicas: 1
  maxReplicas: 3
"""


def _rules(out: str) -> list:
    return [f["rule_id"] for f in json.loads(out)["findings"] if f["rule_id"].startswith("REF")]


def test_references_are_quiet_while_the_version_is_served(cli):
    result = cli(["lint", "-k", "1.15", "-f", "json", CASE])
    assert _rules(result.out) == []
    assert _rules(cli(["lint", "-k", "1.16", "-f", "json", CASE]).out) == ["REF001", "REF001", "REF002", "REF003"]
    assert _rules(cli(["lint", "-k", "1.22", "-f", "json", CASE]).out).count("REF003") == 2  # ingresses too


def test_fix_points_the_reference_at_the_version_serving_it(cli, write):
    path = write("hpa.yaml", HPA)
    result = cli(["fix", "-k", "1.30", "--write", path])
    assert "fixed REF001 HorizontalPodAutoscaler/web: point spec.scaleTargetRef at apps/v1" in result.out
    assert "scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}  # the old group" in path.read_text()
    assert cli(["lint", "--strict", "-k", "1.30", path]).code == 0


def test_the_report_agrees_with_lint_on_references(cli):
    lint = json.loads(cli(["lint", "-k", "1.30", "-f", "json", CASE]).out)
    report = json.loads(cli(["report", "--from", "1.15", "--to", "1.30", "-f", "json", CASE]).out)
    blocking_in_lint = {(f["object"]["kind"], f["object"]["name"]) for f in lint["findings"]
                        if f["rule_id"].startswith("REF") and f["severity"] == "error"}
    blocking_in_report = {(o["kind"], o["name"]) for o in report["objects"] if o["status"] == "blocking"}
    assert blocking_in_lint == blocking_in_report == {("HorizontalPodAutoscaler", "web"),
                                                      ("ValidatingWebhookConfiguration", "image-policy")}
    issues = [i for o in report["objects"] for i in o["issues"] if i["rule_id"] == "REF001"]
    assert {(i["since"], i["fix"]) for i in issues} == {("1.16", "safe")}
