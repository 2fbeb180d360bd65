"""A deployed Helm release whose stored manifest holds a removed API: lint and report say so per release and
name the way out (`helm mapkubeapis`), since fixing the chart alone leaves the next `helm upgrade` failing."""
from __future__ import annotations

import json

import yaml

from conftest import run_cli
from k8slint.sources import HELM_RELEASE_SECRET_TYPE, encode_release

DEPLOYMENT = """---
# Source: shop/templates/deployment.yaml
apiVersion: extensions/v1beta1
kind: Deployment
metadata: {name: shop}
spec:
  template:
    metadata: {labels: {app: shop}}
    spec:
      containers: [{name: shop, image: nginx}]
"""
HPA = """---
# Source: api/templates/hpa.yaml
apiVersion: autoscaling/v2beta2
kind: HorizontalPodAutoscaler
metadata: {name: api}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}
  minReplicas: 1
  maxReplicas: 3
"""


def secret(name: str, namespace: str, revision: int, status: str, manifest: str) -> dict:
    record = {"name": name, "namespace": namespace, "version": revision, "manifest": manifest,
              "info": {"status": status}, "chart": {"metadata": {"name": name, "version": "1.0.0"}}}
    return {"apiVersion": "v1", "kind": "Secret", "type": HELM_RELEASE_SECRET_TYPE,
            "metadata": {"name": f"sh.helm.release.v1.{name}.v{revision}", "namespace": namespace,
                         "labels": {"owner": "helm", "name": name, "status": status, "version": str(revision)}},
            "data": {"release": encode_release(record)}}


def dump(write):
    items = [secret("shop", "prod", 4, "deployed", DEPLOYMENT), secret("shop", "prod", 3, "superseded", DEPLOYMENT),
             secret("api", "ops", 9, "deployed", HPA)]
    return write("dump.yaml", yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": items}, width=10_000))


def test_lint_names_mapkubeapis_per_release(write):
    path = dump(write)
    found = json.loads(run_cli(["lint", "-k", "1.30", "--format", "json", path]).out)["findings"]
    removals = {f["file"]: f["suggestion"] for f in found if f["rule_id"].startswith("API")}
    assert sorted(removals) == ["helm:ops/api@9:api/templates/hpa.yaml", "helm:prod/shop@4:shop/templates/deployment.yaml"]
    assert "`helm mapkubeapis shop --namespace prod`" in removals["helm:prod/shop@4:shop/templates/deployment.yaml"]
    assert "Helm release prod/shop (revision 4)" in removals["helm:prod/shop@4:shop/templates/deployment.yaml"]
    assert "`helm mapkubeapis api --namespace ops`" in removals["helm:ops/api@9:api/templates/hpa.yaml"]


def test_a_plain_manifest_gets_no_helm_advice(write):
    path = write("deploy.yaml", DEPLOYMENT.split("\n", 2)[2])
    (f,) = [f for f in json.loads(run_cli(["lint", "-k", "1.30", "--format", "json", path]).out)["findings"]
            if f["rule_id"].startswith("API")]
    assert "mapkubeapis" not in (f["suggestion"] or "")


def test_an_api_still_served_needs_no_mapping(write):
    path = dump(write)
    found = json.loads(run_cli(["lint", "-k", "1.24", "--format", "json", path]).out)["findings"]
    (hpa,) = [f for f in found if f["file"].startswith("helm:ops/api")]
    assert hpa["severity"] == "warning" and "mapkubeapis" not in (hpa["suggestion"] or "")


def test_report_plans_mapkubeapis_per_release(write):
    path = dump(write)
    report = json.loads(run_cli(["report", "--from", "1.24", "--to", "1.30", "--format", "json", path]).out)
    issues = {o["name"]: i for o in report["objects"] for i in o["issues"] if i["type"] == "api"}
    shop, api = issues["shop"], issues["api"]
    assert shop["helm_release"]["name"] == "shop" and shop["helm_release"]["revision"] == 4
    assert shop["fix"] is None and "helm mapkubeapis shop --namespace prod" in shop["action"]
    assert "helm mapkubeapis api --namespace ops" in api["action"]
    changes = [c["change"] for step in report["plan"]["steps"] for c in step["changes"]]
    assert any(c.endswith("then `helm mapkubeapis api --namespace ops`") for c in changes)
