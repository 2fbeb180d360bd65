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


APISERVICES = """apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: {name: v1beta1.batch}
spec: {group: batch, version: v1beta1, groupPriorityMinimum: 17400, versionPriority: 9, service: null}
---
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata:
  name: v1beta1.policy
  labels: {kube-aggregator.kubernetes.io/automanaged: "true"}
spec: {group: policy, version: v1beta1, groupPriorityMinimum: 17600, versionPriority: 1}
---
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: {name: v1beta1.extensions}
spec:
  group: extensions
  version: v1beta1
  service: {name: legacy-api, namespace: ops}
  groupPriorityMinimum: 100
  versionPriority: 1
"""


def test_a_hand_made_local_apiservice_for_a_removed_group_version(cli, write):
    """REF005: only the local one without the automanaged label (the API server deletes a labelled one,
    and an extension server behind spec.service may serve any group)."""
    path = write("apiservices.yaml", APISERVICES)
    assert _rules(cli(["lint", "-k", "1.24", "-f", "json", path]).out) == []  # batch/v1beta1 served up to 1.24
    found = [f for f in json.loads(cli(["lint", "-k", "1.25", "-f", "json", path]).out)["findings"]]
    assert [(f["rule_id"], f["severity"], f["line"], f["column"], f["object"]["name"]) for f in found] == [
        ("REF005", "warning", 4, 31, "v1beta1.batch")]
    assert "removed in 1.25" in found[0]["message"]
    report = json.loads(cli(["report", "--from", "1.24", "--to", "1.25", "-f", "json", path]).out)
    issues = [i for o in report["objects"] for i in o["issues"] if i["rule_id"] == "REF005"]
    assert [(i["since"], i["blocking"], i["fix"]) for i in issues] == [("1.25", False, None)]
