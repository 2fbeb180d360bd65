"""`k8slint report` shows what the target's API server refuses beyond the schema (SRV errors) as blocking,
dated along the path, the same verdict as `lint -k T`."""
from __future__ import annotations

import json

from conftest import run_cli

SERVICE = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n"
# two env sources: refused from 1.34, where fileKeyRef became a source (before, an unknown field)
POD = """apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: c
    image: busybox
    env:
    - name: A
      valueFrom:
        configMapKeyRef: {name: cm, key: a}
        fileKeyRef: {path: a.env, volumeName: v, key: a}
"""
OLD_DEPLOYMENT = """apiVersion: extensions/v1beta1
kind: Deployment
metadata: {name: d}
spec:
  replicas: -1
  template:
    metadata: {labels: {app: d}}
    spec:
      containers: [{name: c, image: nginx}]
"""


def report(path, start, end) -> dict:
    result = run_cli(["report", "--from", start, "--to", end, "--format", "json", path])
    assert result.err == ""
    return json.loads(result.out)


def lint_errors(path, version, lines=False) -> set:
    found = json.loads(run_cli(["lint", "-k", version, "--format", "json", path]).out)["findings"]
    return {(f["rule_id"], f["json_path"]) + ((f["line"],) if lines else ()) for f in found
            if f["severity"] == "error"}


def test_a_refusal_already_there_blocks(write):
    path = write("svc.yaml", SERVICE)
    data = report(path, "1.28", "1.30")
    (obj,) = data["objects"]
    assert obj["status"] == "blocking" and obj["breaks_at"] == "1.28"
    assert [(i["rule_id"], i["type"], i["since"], i["json_path"]) for i in obj["issues"]] == \
        [("SRV070", "server", "1.28", "spec.ports")]
    assert {(i["rule_id"], i["json_path"], i["line"]) for i in obj["issues"]} == lint_errors(path, "1.30", lines=True)
    assert [c["object"] for c in data["already"]["invalid"]] == [obj["id"]]


def test_a_refusal_is_dated_by_the_first_version_that_refuses(write):
    path = write("pod.yaml", POD)
    data = report(path, "1.32", "1.34")
    (issue,) = data["objects"][0]["issues"]
    assert (issue["rule_id"], issue["type"], issue["since"], issue["blocking"]) == ("SRV032", "server", "1.34", True)
    assert lint_errors(path, "1.33") == set()
    assert ("SRV032", issue["json_path"]) in lint_errors(path, "1.34")
    assert [h["to"] for h in data["hops"] if h["invalid"]] == ["1.34"]
    text = run_cli(["report", "--from", "1.32", "--to", "1.34", path]).out
    assert "1 API-server refusal" in text and "refused by the API server from 1.34" in text
    # the plan puts it before the cluster reaches 1.34
    ((cluster, change),) = [(step["cluster"], c) for step in data["plan"]["steps"] for c in step["changes"]]
    assert (cluster, change["rule_id"], change["removed_in"]) == ("1.33", "SRV032", "1.34")


def test_an_object_whose_api_is_gone_is_judged_as_migrated(write):
    path = write("deploy.yaml", OLD_DEPLOYMENT)
    (obj,) = report(path, "1.15", "1.17")["objects"]
    assert [(i["rule_id"], i["type"], i["since"]) for i in obj["issues"]] == \
        [("API021", "api", "1.16"), ("SRV044", "server", "1.15")]


def test_an_object_the_api_server_refuses_is_never_called_valid(write):
    """Schema-valid but refused (SRV070): every format says refused, none says "valid in 1.30"."""
    path = write("svc.yaml", SERVICE)
    (obj,) = report(path, "1.28", "1.30")["objects"]
    assert obj["validity"] == {"result": "invalid", "checked": "as-written", "api_version": "v1", "note": None,
                               "schema": "valid", "refused_by": ["SRV070"]}
    words = "refused by the 1.30 API server (SRV070); schema valid in 1.30 as written"
    for fmt in ("text", "markdown", "html"):
        out = run_cli(["report", "--from", "1.28", "--to", "1.30", "--format", fmt, "--no-color", path]).out
        assert words in out, fmt
        assert "· valid in 1.30" not in out and "| valid in 1.30" not in out and ": valid in 1.30" not in out
    fine = write("ok.yaml", SERVICE + "  ports: [{port: 80}]\n")
    (obj,) = report(fine, "1.28", "1.30")["objects"]
    assert obj["validity"]["result"] == "valid" and obj["validity"]["refused_by"] == []
