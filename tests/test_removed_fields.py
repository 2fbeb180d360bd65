"""A field the target removed (an earlier release knew it) is an error without --strict too, and lint, fix
and report say the same about it; typos stay a --strict matter."""
from __future__ import annotations

import json

import pytest

from conftest import REPO, run_cli
from k8slint.removedfields import FILE, derive, removed_fields
from k8slint.schemastore import default_store

CONFIGMAP = """apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  clusterName: east
data: {a: b}
"""

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx}]
      volumes:
      - name: scratch
        ephemeral:
          readOnly: true
          volumeClaimTemplate:
            metadata: {clusterName: east}
            spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
"""


def lint(path, *args) -> list:
    result = run_cli(["lint", "--format", "json", *args, path])
    return json.loads(result.out)["findings"]


def test_the_committed_table_is_what_the_schemas_say():
    committed = json.loads((REPO / "schemas" / FILE).read_text())
    assert committed == derive(default_store())
    assert committed["definitions"]["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"]["clusterName"]["1.25"] == "1.24"


def test_every_entry_is_known_at_its_last_minor_and_unknown_at_its_minor():
    store = default_store()
    for name, props in json.loads((REPO / "schemas" / FILE).read_text())["definitions"].items():
        for prop, minors in props.items():
            for minor, last in minors.items():
                assert prop not in store.definition(minor, name)["properties"], (name, prop, minor)
                assert prop in store.definition(last, name)["properties"], (name, prop, last)


def test_removed_field_is_an_error_without_strict(write):
    path = write("cm.yaml", CONFIGMAP)
    found = lint(path, "-k", "1.26")
    assert [(f["rule_id"], f["severity"], f["line"], f["json_path"], f["last_known"]) for f in found] == \
        [("SCH002", "error", 5, "metadata.clusterName", "1.24")]
    assert "Kubernetes 1.25 removed it" in found[0]["message"]
    assert lint(path, "-k", "1.24") == []  # 1.24 still knows it
    strict = lint(path, "--strict", "-k", "1.26")  # the same finding, the same words
    assert [(f["rule_id"], f["message"]) for f in strict] == [(f["rule_id"], f["message"]) for f in found]


def test_a_typo_is_still_reported_with_strict_only(write):
    path = write("cm.yaml", CONFIGMAP.replace("clusterName", "clustrName"))
    assert lint(path, "-k", "1.26") == []
    assert [f["rule_id"] for f in lint(path, "--strict", "-k", "1.26")] == ["SCH002"]


def test_removed_fields_deep_inside_an_object(write):
    path = write("deploy.yaml", DEPLOYMENT)
    found = lint(path, "-k", "1.30")
    assert [(f["json_path"], f["last_known"]) for f in found] == [
        ("spec.template.spec.volumes[0].ephemeral.readOnly", "1.20"),
        ("spec.template.spec.volumes[0].ephemeral.volumeClaimTemplate.metadata.clusterName", "1.24")]
    # (1.23 still had clusterName, and its API server refuses it in a claim template: SRV025, not a removal)
    assert [f["json_path"] for f in lint(path, "-k", "1.23") if not f["rule_id"].startswith("SRV")] == \
        ["spec.template.spec.volumes[0].ephemeral.readOnly"]


def test_a_field_rule_reports_it_once(write):
    path = write("svc.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: s}\n"
                             "spec:\n  topologyKeys: ['*']\n  ports: [{port: 80}]\n")
    for args in (("-k", "1.30"), ("--strict", "-k", "1.30")):
        assert [f["rule_id"] for f in lint(path, *args)] == ["FLD047"]


def test_custom_resources_are_left_to_their_crd():
    fields = removed_fields()
    assert fields.find("1.30", "example.com/v1", "Widget", {"metadata": {"clusterName": "x"}}) == []
    assert fields.find("1.30", "v1", "ConfigMap", {"metadata": {"clusterName": "x"}}) == \
        [(("metadata", "clusterName"), "1.24")]


@pytest.mark.parametrize("start", ["1.24", "1.26"])
def test_report_agrees_with_lint(write, start):
    """Blocking in the report exactly when lint -k TARGET errs, whether or not the start knew the field."""
    path = write("cm.yaml", CONFIGMAP)
    result = run_cli(["report", "--from", start, "--to", "1.28", "--format", "json", path])
    report = json.loads(result.out)
    (obj,) = report["objects"]
    assert obj["status"] == "blocking"
    assert [(i["rule_id"], i["json_path"]) for i in obj["issues"]] == [("SCH002", "metadata.clusterName")]
    assert [(f["rule_id"], f["json_path"]) for f in lint(path, "-k", "1.28")] == [("SCH002", "metadata.clusterName")]


CRONJOB = """apiVersion: batch/v1beta1
kind: CronJob
metadata:
  name: nightly
  clusterName: east   # from the 1.16 days
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: job, image: busybox}]
"""


def test_fix_drops_a_field_the_api_server_ignored(write):
    path = write("cm.yaml", CONFIGMAP)
    result = run_cli(["fix", "-k", "1.26", "--write", path])
    assert "fixed SCH002 ConfigMap/settings: drop metadata.clusterName" in result.out
    assert "clusterName" not in path.read_text()
    assert lint(path, "-k", "1.26") == []
    assert "Nothing to fix" in run_cli(["fix", "-k", "1.26", "--write", path]).out


def test_the_migration_of_a_removed_api_drops_it_too(write):
    path = write("cronjob.yaml", CRONJOB)
    assert [f["rule_id"] for f in lint(path, "-k", "1.30")] == ["API059"]  # not validated as written at 1.30
    result = run_cli(["fix", "-k", "1.30", "--write", path])
    assert "drop metadata.clusterName" in result.out
    text = path.read_text()
    assert text.startswith("apiVersion: batch/v1\n") and "clusterName" not in text
    assert lint(path, "--strict", "-k", "1.30") == []


def test_a_field_that_may_still_act_is_dropped_only_with_unsafe_fixes(write):
    path = write("deploy.yaml", DEPLOYMENT)
    result = run_cli(["fix", "-k", "1.30", "--write", path])
    assert "unsafe fix not applied" in result.out and "readOnly: true" in path.read_text()
    assert "clusterName" not in path.read_text()  # the safe one went
    run_cli(["fix", "-k", "1.30", "--write", "--unsafe-fixes", path])
    assert "readOnly" not in path.read_text()
    assert lint(path, "--strict", "-k", "1.30") == []
