#!/usr/bin/env python3
"""Speed of custom resources with CEL rules: 10,000 HTTPRoutes against Gateway API's HTTPRoute CRD
(CEL included) beside 10,000 Deployments, each through `k8slint lint` as a user runs it.

    python bench/crd_cel.py PATH/TO/gateway-api-checkout [--count 10000] [--runs 3]

The CRD is read from the checkout (config/crd/standard/gateway.networking.k8s.io_httproutes.yaml; nothing
of it is stored here); the objects are generated. The two inputs alternate run by run, so that a busy machine
slows both sides of a pair alike; prints the medians of wall and CPU seconds and of the per-pair ratios."""
from __future__ import annotations

import argparse
import os
import resource
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


def _run(args: list) -> tuple:
    """(wall seconds, CPU seconds of the child, the completed process)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "k8slint", *args], capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), done


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
        # Deployments and HTTPRoutes alternate, so that a busy machine slows both sides of each pair alike
        pairs = []
        for _ in range(opts.runs):
            dep_wall, dep_cpu, dep = _run(common + [deployments])
            route_wall, route_cpu, route = _run(common + ["--crd", crd, routes])
            pairs.append((dep_wall, route_wall, dep_cpu, route_cpu))
    for name, result in (("deployments", dep), ("httproutes", route)):
        if result.returncode not in (0, 1) or '"findings": []' not in result.stdout.replace(" ", " "):
            print(f"{name}: exit {result.returncode}; findings expected to be none:\n{result.stdout[:2000]}"
                  f"{result.stderr[:2000]}")
    print(f"gateway-api {commit}")
    median = statistics.median
    print(f"{opts.count:,} Deployments: {median(p[0] for p in pairs):.2f} s wall, {median(p[2] for p in pairs):.2f} s "
          f"CPU (median of {opts.runs}, --jobs {opts.jobs})")
    print(f"{opts.count:,} HTTPRoutes (CRD with CEL): {median(p[1] for p in pairs):.2f} s wall, "
          f"{median(p[3] for p in pairs):.2f} s CPU")
    print(f"ratio (median of the pairs): {median(p[1] / p[0] for p in pairs):.2f}x wall, "
          f"{median(p[3] / p[2] for p in pairs):.2f}x CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
