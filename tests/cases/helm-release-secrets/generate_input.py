"""Writes releases.yaml: what `kubectl get secrets -n prod -l owner=helm -o yaml` shows for a few Helm 3
releases (plus one ordinary Secret). Run it from this folder after changing the manifests below."""
import yaml

from k8slint.sources import encode_release

MANIFEST_V1 = """---
# Source: shop/templates/deployment.yaml
apiVersion: extensions/v1beta1
kind: Deployment
metadata:
  name: shop
spec:
  replicas: "one"
"""

MANIFEST_V2 = """---
# Source: shop/templates/serviceaccount.yaml
apiVersion: v1
kind: ServiceAccount
metadata:
  name: shop
---
# Source: shop/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: shop
spec:
  ports:
    - port: 80
      targetPort: http
  selector:
    app.kubernetes.io/name: shop
---
# Source: shop/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: shop
  template:
    metadata:
      labels:
        app.kubernetes.io/name: shop
    spec:
      containers:
        - name: shop
          image: registry.example.com/shop:1.5.0
          ports:
            - name: http
              containerPort: http
---
# Source: shop/templates/hpa.yaml
apiVersion: autoscaling/v2beta2
kind: HorizontalPodAutoscaler
metadata:
  name: shop
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: shop
  minReplicas: 2
  maxReplicas: 6
"""

HOOK = """apiVersion: batch/v1
kind: Job
metadata:
  name: shop-migrate
  annotations:
    "helm.sh/hook": pre-upgrade
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: registry.example.com/shop:1.5.0
          args: migrate
"""


def record(revision: int, status: str, manifest: str, hooks=()) -> dict:
    return {
        "name": "shop",
        "namespace": "prod",
        "version": revision,
        "info": {"first_deployed": "2024-04-30T08:00:00Z", "last_deployed": "2024-05-02T10:11:12Z",
                 "deleted": "", "description": "Upgrade complete", "status": status},
        "chart": {"metadata": {"apiVersion": "v2", "name": "shop", "version": f"0.{revision}.0",
                               "appVersion": "1.5.0"}, "templates": [], "values": {}},
        "config": {},
        "manifest": manifest,
        "hooks": list(hooks),
    }


def secret(name: str, release_name: str, revision: int, status: str | None, data: str) -> dict:
    labels = {"modifiedAt": "1714644672", "name": release_name, "owner": "helm", "version": str(revision)}
    if status is not None:
        labels["status"] = status
    return {"apiVersion": "v1", "kind": "Secret", "type": "helm.sh/release.v1", "data": {"release": data},
            "metadata": {"name": name, "namespace": "prod", "labels": labels, "resourceVersion": "4821",
                         "creationTimestamp": "2024-05-02T10:11:12Z"}}


hook = {"name": "shop-migrate", "kind": "Job", "path": "shop/templates/migrate-job.yaml", "manifest": HOOK,
        "events": ["pre-upgrade"], "weight": 0, "delete_policies": ["before-hook-creation"]}
items = [
    secret("sh.helm.release.v1.shop.v1", "shop", 1, "superseded",
           encode_release(record(1, "superseded", MANIFEST_V1))),
    secret("sh.helm.release.v1.shop.v2", "shop", 2, "deployed",
           encode_release(record(2, "deployed", MANIFEST_V2, [hook]))),
    # labels stripped: the record's info.status decides (failed: skipped)
    secret("sh.helm.release.v1.shop.v3", "shop", 3, None, encode_release(record(3, "failed", MANIFEST_V1))),
    # a damaged record: reported, not a traceback
    secret("sh.helm.release.v1.legacy.v7", "legacy", 7, "deployed", "bm90IGEgcmVsZWFzZSByZWNvcmQ="),
    {"apiVersion": "v1", "kind": "Secret", "type": "Opaque", "data": {"password": "aHVudGVyMg=="},
     "metadata": {"name": "shop-db", "namespace": "prod"}},
]
with open("releases.yaml", "w") as fh:
    yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": items, "metadata": {"resourceVersion": ""}}, fh,
                   width=1000)
