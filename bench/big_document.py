#!/usr/bin/env python3
"""Peak memory of `k8slint lint`, `fix` and `report` on one huge document of about 16 MiB (the default
--max-file-size): a YAML `kind: List` (a `kubectl get -o yaml` dump), the same List as JSON (indented, and
on one line), the YAML List after another document, a ConfigMap
with huge data and a CRD with a huge schema; the YAML List also through stdin. The issue's target: no
command over 300 MB on a 16 MiB file, and under 10 times the file's size plus 100 MB.

    python bench/big_document.py [--mib 15.5] [--only list-yaml,list-json,...]

Run from the checkout to measure. Prints peak MB (each run's own maximum resident set) and wall and CPU
seconds per command and input; not a timed test."""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

COMMANDS = {"lint": ["lint", "--strict", "-k", "1.30", "-j", "1"], "fix": ["fix", "-k", "1.30", "-j", "1"],
            "report": ["report", "--from", "1.16", "--to", "1.30", "-j", "1"]}


def deployment(i: int) -> dict:
    api = "extensions/v1beta1" if i % 40 == 0 else "apps/v1"
    name = f"app-{i}"
    return {"apiVersion": api, "kind": "Deployment",
            "metadata": {"name": name, "namespace": f"ns-{i % 17}", "labels": {"app": name, "tier": "web"}},
            "spec": {"replicas": 1 + i % 5, "selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}},
                                  "spec": {"containers": [{
                                      "name": "main", "image": f"registry.example.com/{name}:1.{i % 9}",
                                      "ports": [{"name": "http", "containerPort": 8080}],
                                      "env": [{"name": f"VAR_{k}", "value": f"value-{i}-{k}"} for k in range(6)],
                                      "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}}}]}}}}


def to_yaml(value, indent: int = 0) -> str:
    """Block-style YAML as kubectl writes it (sequences not indented under their key)."""
    pad = " " * indent
    out = []
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(v, (dict, list)) and v:
                out.append(f"{pad}{k}:\n" + to_yaml(v, indent + (2 if isinstance(v, dict) else 0)))
            else:
                out.append(f"{pad}{k}: {json.dumps(v)}\n")
    else:
        for v in value:
            body = to_yaml(v, indent + 2) if isinstance(v, (dict, list)) else f"{pad}  {json.dumps(v)}\n"
            out.append(pad + "- " + body[indent + 2:])
    return "".join(out)


def items_for(size: int, render) -> list:
    items, total, i = [], 0, 0
    while total < size:
        item = deployment(i)
        total += len(render(item))
        items.append(item)
        i += 1
    return items


def inputs(size: int, tmp: str) -> dict:
    paths = {}
    items = items_for(size - 200, lambda d: to_yaml([d]))
    text = "apiVersion: v1\nkind: List\nitems:\n" + to_yaml(items) + "metadata:\n  resourceVersion: \"\"\n"
    paths["list-yaml"] = text
    paths["list-json"] = json.dumps({"apiVersion": "v1", "kind": "List", "items": items[:int(len(items) * 0.5)],
                                     "metadata": {"resourceVersion": ""}}, indent=2) + "\n"
    # the API server's own answer (curl, jq -c): the List on one line
    paths["list-json-line"] = json.dumps({"apiVersion": "v1", "kind": "List",
                                          "items": items_for(size - 200, lambda d: json.dumps(d) + ", "),
                                          "metadata": {"resourceVersion": ""}}) + "\n"
    # a dump whose List follows another document
    paths["list-in-docs"] = ("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n---\n"
                             + paths["list-yaml"])
    chunk = "line of configuration data " * 40 + "\n"
    data = {f"file-{k}.conf": chunk * 12 for k in range(size // (len(chunk) * 12))}
    paths["configmap"] = to_yaml({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "huge"},
                                  "data": {k: v[:-1] for k, v in data.items()}})
    props = {f"field{k}": {"type": "object", "description": "a field of the huge schema " * 3,
                           "properties": {f"leaf{j}": {"type": "string", "maxLength": 64} for j in range(8)}}
             for k in range(size // 850)}
    paths["crd"] = to_yaml({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
                            "metadata": {"name": "huges.example.com"},
                            "spec": {"group": "example.com", "scope": "Namespaced",
                                     "names": {"plural": "huges", "singular": "huge", "kind": "Huge"},
                                     "versions": [{"name": "v1", "served": True, "storage": True,
                                                   "schema": {"openAPIV3Schema": {"type": "object",
                                                                                  "properties": props}}}]}})
    out = {}
    for name, text in paths.items():
        path = os.path.join(tmp, name + (".json" if "json" in name else ".yaml"))
        with open(path, "w") as fh:
            fh.write(text)
        out[name] = path
    return out


TIME = "/usr/bin/time"


def run(args: list, path: str, stdin: bool = False) -> tuple:
    """(peak MB, wall seconds, CPU seconds, exit code) of one run. The peak is measured by /usr/bin/time
    where there is one: a child forked from this process starts with its resident set counted (the
    generated inputs), which the kernel reports as the child's own peak."""
    command = [sys.executable, "-m", "k8slint", *args, "-" if stdin else path]
    start = time.perf_counter()
    with open(path, "rb") as fh, tempfile.NamedTemporaryFile("r") as out:
        if os.path.exists(TIME):
            command = [TIME, "-f", "%M %U %S", "-o", out.name, *command]
        child = subprocess.Popen(command, stdin=fh if stdin else subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL, env={**os.environ, "K8SLINT_NO_CACHE": "1"})
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        measured = out.read().split()
    code = os.waitstatus_to_exitcode(status)
    if len(measured) >= 3:
        return int(measured[-3]) / 1024, wall, float(measured[-2]) + float(measured[-1]), code
    return usage.ru_maxrss / 1024, wall, usage.ru_utime + usage.ru_stime, code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=float, default=15.5, help="size of each input (default 15.5 MiB)")
    parser.add_argument("--only", default="", help="comma-separated inputs: list-yaml,list-json,list-json-line,list-in-docs,configmap,crd,stdin")
    options = parser.parse_args()
    wanted = set(filter(None, options.only.split(",")))
    with tempfile.TemporaryDirectory() as tmp:
        paths = inputs(int(options.mib * 1024 * 1024), tmp)
        cases = [(name, path, False) for name, path in paths.items()] + [("stdin", paths["list-yaml"], True)]
        print(f"{'input':10} {'MB':>6}  " + "  ".join(f"{c:>22}" for c in COMMANDS))
        for name, path, stdin in cases:
            if wanted and name not in wanted:
                continue
            size = os.path.getsize(path) / 1e6
            cells = []
            for args in COMMANDS.values():
                peak, wall, cpu, code = run(args, path, stdin)
                cells.append(f"{peak:6.0f} MB {wall:5.1f}s {cpu:5.1f}cpu")
            print(f"{name:10} {size:6.1f}  " + "  ".join(cells), flush=True)


if __name__ == "__main__":
    main()
