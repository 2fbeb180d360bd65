#!/usr/bin/env python3
"""Speed of custom resources with CEL rules: 10,000 HTTPRoutes against Gateway API's HTTPRoute CRD
(CEL included) beside 10,000 Deployments, each through `k8slint lint` as a user runs it.

    python bench/crd_cel.py PATH/TO/gateway-api-checkout [--count 10000] [--runs 3]

The CRD is read from the checkout (config/crd/standard/gateway.networking.k8s.io_httproutes.yaml; nothing
of it is stored here); the objects are generated. Prints wall seconds (median of the runs) and the ratio."""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROUTE = """apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: route-{i}
  namespace: team-{team}
spec:
  parentRefs:
    - name: gateway-{team}
      sectionName: https
  hostnames: ["app-{i}.example.com"]
  rules:
    - matches:
        - path: {{type: PathPrefix, value: /api/{i}}}
          headers:
            - {{name: x-tenant, value: "{team}"}}
      filters:
        - type: RequestHeaderModifier
          requestHeaderModifier:
            add: [{{name: x-route, value: "{i}"}}]
      backendRefs:
        - {{name: api-{i}, port: 8080, weight: 90}}
        - {{name: api-canary-{i}, port: 8080, weight: 10}}
    - matches:
        - path: {{type: Exact, value: /healthz}}
      backendRefs:
        - {{name: health, port: 80}}
---
"""

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-{i}
  namespace: team-{team}
  labels: {{app: web-{i}}}
spec:
  replicas: 2
  selector:
    matchLabels: {{app: web-{i}}}
  template:
    metadata:
      labels: {{app: web-{i}}}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports: [{{containerPort: 8080}}]
          resources:
            requests: {{cpu: 100m, memory: 128Mi}}
---
"""


def _write(root: str, name: str, template: str, count: int, per_file: int = 100) -> str:
    folder = os.path.join(root, name)
    os.makedirs(folder)
    for start in range(0, count, per_file):
        with open(os.path.join(folder, f"{start:06}.yaml"), "w") as fh:
            fh.write("".join(template.format(i=i, team=i % 20) for i in range(start, min(count, start + per_file))))
    return folder


def _time(args: list, runs: int) -> tuple:
    walls, last = [], None
    for _ in range(runs):
        started = time.perf_counter()
        last = subprocess.run([sys.executable, "-m", "k8slint", *args], capture_output=True, text=True)
        walls.append(time.perf_counter() - started)
    return statistics.median(walls), last


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gateway_api", help="a checkout of kubernetes-sigs/gateway-api")
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", default="1")
    opts = parser.parse_args()
    crd = os.path.join(opts.gateway_api, "config/crd/standard/gateway.networking.k8s.io_httproutes.yaml")
    commit = subprocess.run(["git", "-C", opts.gateway_api, "rev-parse", "HEAD"], capture_output=True,
                            text=True).stdout.strip() or "unknown"
    with tempfile.TemporaryDirectory() as root:
        routes = _write(root, "routes", ROUTE, opts.count)
        deployments = _write(root, "deployments", DEPLOYMENT, opts.count)
        common = ["lint", "-k", "1.33", "--jobs", opts.jobs, "-f", "json", "--no-cache"]  # every run checks
        dep_wall, dep = _time(common + [deployments], opts.runs)
        route_wall, route = _time(common + ["--crd", crd, routes], opts.runs)
    for name, result in (("deployments", dep), ("httproutes", route)):
        if result.returncode not in (0, 1) or '"findings": []' not in result.stdout.replace(" ", " "):
            print(f"{name}: exit {result.returncode}; findings expected to be none:\n{result.stdout[:2000]}"
                  f"{result.stderr[:2000]}")
    print(f"gateway-api {commit}")
    print(f"{opts.count:,} Deployments: {dep_wall:.2f} s wall (median of {opts.runs}, --jobs {opts.jobs})")
    print(f"{opts.count:,} HTTPRoutes (CRD with CEL): {route_wall:.2f} s wall")
    print(f"ratio: {route_wall / dep_wall:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
