"""The SRV checks on input that is not a plain manifest: objects read back from a cluster, `kind: List` items,
Helm release records, and odd values where a type is wrong or a value is null."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from k8slint.sources import HELM_RELEASE_SECRET_TYPE, encode_release
from k8slint.versions import embedded_versions
from test_apiserver import lint

DATA = Path(__file__).resolve().parent / "data"
DUMPS = ("apiserver-cluster-dump.yaml", "apiserver-cluster-dump-storage-net.yaml")


@pytest.mark.parametrize("version", [str(v) for v in embedded_versions()])
def test_cluster_dumps_draw_no_srv_finding_on_any_version(version):
    """status, managedFields, uid, resourceVersion, generated names, claimRefs and the defaults the server
    filled in (clusterIP, nodePort, terminationMessagePath, volumeMode, updateStrategy ...) are valid as the
    server stored them, whatever the version."""
    for name in DUMPS:
        findings = lint((DATA / name).read_text(), version)
        assert not [(f.rule_id, f.json_path, f.message) for f in findings if f.rule_id.startswith("SRV")], name


BROKEN = """apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {tier: -web-}}
spec:
  replicas: -1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: website}}
    spec:
      containers: [{name: web, image: nginx, ports: [{containerPort: 70000}]}]
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: disk-1}
spec: {capacity: {storage: 1Gi}, accessModes: [ReadWriteOnce], local: {path: /mnt/ssd}}
"""


def _srv(text: str) -> list:
    return sorted((f.rule_id, f.json_path) for f in lint(text, "1.37") if f.rule_id.startswith("SRV"))


def test_list_items_and_helm_release_records_get_the_same_checks():
    plain = _srv(BROKEN)
    assert {r for r, _ in plain} == {"SRV005", "SRV023", "SRV041", "SRV044", "SRV122"}, plain
    documents = list(yaml.safe_load_all(BROKEN))
    as_list = yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": documents})
    assert _srv(as_list) == plain
    manifest = "".join(f"---\n# Source: web/templates/t{i}.yaml\n" + yaml.safe_dump(d) for i, d in enumerate(documents))
    record = {"name": "web", "namespace": "prod", "version": 2, "manifest": manifest, "info": {"status": "deployed"},
              "chart": {"metadata": {"name": "web", "version": "1.0.0"}}}
    release = {"apiVersion": "v1", "kind": "Secret", "type": HELM_RELEASE_SECRET_TYPE,
               "metadata": {"name": "sh.helm.release.v1.web.v2", "namespace": "prod",
                            "labels": {"owner": "helm", "name": "web", "status": "deployed", "version": "2"}},
               "data": {"release": encode_release(record)}}
    assert _srv(yaml.safe_dump(release, width=10_000)) == plain


def test_odd_values_give_one_finding_per_node_and_no_cascade():
    """A label value that is a number, a selector that is a string, an empty template, nulls: the schema
    reports a wrong type once, an SRV check reports only what the API server would refuse besides, and
    nothing is reported twice at one node."""
    text = (DATA / "apiserver-odd-values.yaml").read_text()
    findings = lint(text, "1.37")
    at_node: dict = {}
    for f in findings:
        if f.severity.name == "ERROR":
            at_node.setdefault((f.line, f.json_path), []).append(f.rule_id)
    cascades = {node: rules for node, rules in at_node.items() if len(rules) > 1}
    assert not cascades, cascades
    srv = sorted((f.rule_id, f.json_path) for f in findings if f.rule_id.startswith("SRV"))
    assert srv == [("SRV035", "spec.jobTemplate.spec.template"), ("SRV035", "spec.template"),
                   ("SRV040", "spec.selector"), ("SRV070", "spec.ports"),
                   ("SRV122", "spec"), ("SRV122", "spec.accessModes"), ("SRV122", "spec.capacity")], srv
