#!/usr/bin/env python3
"""Real CRDs, their own example resources, and our near-misses, through k8slint's CRD verdict.

    python tools/crd_examples_check.py [--gateway-api PATH] [--cert-manager PATH] [--envoy-gateway PATH]
                                       [--keda PATH] [-k 1.33]

Each PATH is a checkout of that project (nothing of it is stored in k8slint). For each project the script
loads its CRDs, lints every example object those CRDs define (all must pass: no CRD or SCH error), then
lints near-misses of ours, each built to break one CEL rule of a CRD (all must fail with CRD007). It prints
the commit of each checkout, the counts, and every disagreement; the exit code is 1 when there is one."""
from __future__ import annotations

import argparse
import glob
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from k8slint.engine import LintOptions, lint  # noqa: E402
from k8slint.model import Severity  # noqa: E402
from k8slint.versions import KubeVersion  # noqa: E402

GW = "gateway.networking.k8s.io/v1"
PROJECTS = {
    "gateway-api": {
        "crds": ["config/crd/standard/*.yaml", "config/crd/experimental/*.yaml"],
        "examples": ["examples/standard/**/*.yaml"],
        "near_misses": [
            ("HTTPRoute with two URLRewrite filters",
             f"apiVersion: {GW}\nkind: HTTPRoute\nmetadata: {{name: nm}}\nspec:\n  parentRefs: [{{name: gw}}]\n"
             "  rules:\n    - filters:\n        - {type: URLRewrite, urlRewrite: {hostname: a.example}}\n"
             "        - {type: URLRewrite, urlRewrite: {hostname: b.example}}\n      backendRefs: [{name: s, port: 80}]\n"),
            ("HTTPRoute filter whose type does not match its field",
             f"apiVersion: {GW}\nkind: HTTPRoute\nmetadata: {{name: nm}}\nspec:\n  parentRefs: [{{name: gw}}]\n"
             "  rules:\n    - filters:\n        - {type: RequestRedirect, urlRewrite: {hostname: a.example}}\n"),
            ("Gateway HTTP listener with tls",
             f"apiVersion: {GW}\nkind: Gateway\nmetadata: {{name: nm}}\nspec:\n  gatewayClassName: c\n"
             "  listeners:\n    - {name: web, port: 80, protocol: HTTP, tls: {certificateRefs: [{name: c}]}}\n"),
            ("HTTPRoute path match with a query string",
             f"apiVersion: {GW}\nkind: HTTPRoute\nmetadata: {{name: nm}}\nspec:\n  parentRefs: [{{name: gw}}]\n"
             "  rules:\n    - matches: [{path: {type: PathPrefix, value: '/a?b=c'}}]\n"),
        ],
    },
    "cert-manager": {
        "crds": ["deploy/crds/*.yaml"],
        "examples": ["test/fixtures/*.yaml"],
        "near_misses": [
            ("Issuer venafi with both tpp and cloud",
             "apiVersion: cert-manager.io/v1\nkind: Issuer\nmetadata: {name: nm}\nspec:\n  venafi:\n"
             "    zone: z\n    tpp: {url: 'https://tpp.example', credentialsRef: {name: c}}\n"
             "    cloud: {apiTokenSecretRef: {name: t, key: k}}\n"),
        ],
    },
    "envoy-gateway": {
        "crds": ["charts/gateway-crds-helm/templates/generated/*.yaml"],
        "helm_wrapped": True,  # each CRD file sits inside `{{- if ... }}` ... `{{- end }}` lines
        "examples": ["examples/kubernetes/**/*.yaml", "test/e2e/testdata/*.yaml"],
        "near_misses": [
            ("ClientTrafficPolicy with two client IP detection methods",
             "apiVersion: gateway.envoyproxy.io/v1alpha1\nkind: ClientTrafficPolicy\nmetadata: {name: nm}\nspec:\n"
             "  targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: g}]\n"
             "  clientIPDetection:\n    xForwardedFor: {numTrustedHops: 1}\n    customHeader: {name: x-real-ip}\n"),
            ("ClientTrafficPolicy with both numTrustedHops and trustedCIDRs",
             "apiVersion: gateway.envoyproxy.io/v1alpha1\nkind: ClientTrafficPolicy\nmetadata: {name: nm}\nspec:\n"
             "  targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: g}]\n"
             "  clientIPDetection:\n    xForwardedFor: {numTrustedHops: 1, trustedCIDRs: ['10.0.0.0/8']}\n"),
        ],
    },
    "keda": {
        "crds": ["config/crd/bases/*.yaml"],
        "examples": ["config/samples/*.yaml"],
        # a placeholder sample: `template:` is null, the API server drops the null, then requires the field
        "known_invalid": {"config/samples/keda_v1alpha1_scaledjob.yaml"},
        "near_misses": [
            ("ScaledObject with minReplicaCount above maxReplicaCount",
             "apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata: {name: nm}\nspec:\n"
             "  scaleTargetRef: {name: web}\n  minReplicaCount: 5\n  maxReplicaCount: 2\n"
             "  triggers: [{type: cpu, metadata: {value: '50'}}]\n"),
        ],
    },
}


def _files(root: str, patterns: list) -> list:
    out = []
    for pattern in patterns:
        out += glob.glob(os.path.join(root, pattern), recursive=True)
    return sorted(set(out))


_UNWRAPPED = tempfile.TemporaryDirectory()


def _unwrapped(paths: tuple) -> tuple:
    """Copies of Helm-wrapped CRD files without their template lines (`{{- if ... }}`, `{{- end }}`)."""
    out = []
    for i, path in enumerate(paths):
        with open(path) as fh:
            text = "".join(line for line in fh if not line.lstrip().startswith("{{"))
        copy = os.path.join(_UNWRAPPED.name, f"{i:03}-{os.path.basename(path)}")
        with open(copy, "w") as fh:
            fh.write(text)
        out.append(copy)
    return tuple(out)


def _commit(root: str) -> str:
    return subprocess.run(["git", "-C", root, "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip() \
        or "unknown"


def check(name: str, root: str, version: KubeVersion) -> int:
    spec = PROJECTS[name]
    crds = tuple(_files(root, spec["crds"]))
    if spec.get("helm_wrapped"):
        crds = _unwrapped(crds)
    options = LintOptions(version, crd_files=crds)
    crd_findings = [f for f in lint(list(crds), LintOptions(version)).findings
                    if f.rule_id.startswith("CRD") and f.severity == Severity.ERROR]
    examples = _files(root, spec["examples"])
    result = lint(examples, options) if examples else None
    custom = list(result.findings) if result else []
    kinds = _custom_kinds(crds, version)
    checked = [o for _f, o in (result.objects if result else []) if (o.api_version, o.kind) in kinds]
    known = {os.path.join(root, p) for p in spec.get("known_invalid", ())}
    wrong = [f for f in custom if f.obj and (f.obj.api_version, f.obj.kind) in kinds and f.file not in known
             and f.severity == Severity.ERROR and f.rule_id.startswith(("CRD", "SCH"))]
    missed = []
    with tempfile.TemporaryDirectory() as tmp:
        for title, text in spec["near_misses"]:
            path = os.path.join(tmp, "near-miss.yaml")
            with open(path, "w") as fh:
                fh.write(text)
            found = [f for f in lint([path], options).findings if f.rule_id == "CRD007"]
            if not found:
                missed.append(title)
    print(f"{name} {_commit(root)}: {len(crds)} CRD files ({len(crd_findings)} CRD errors), "
          f"{len(checked)} example objects of their kinds ({len(known)} known invalid), {len(wrong)} false errors; "
          f"{len(spec['near_misses']) - len(missed)}/{len(spec['near_misses'])} near-misses rejected")
    for f in crd_findings:
        print(f"  CRD error: {f.file}:{f.line}: {f.rule_id} {f.message}")
    for f in wrong:
        print(f"  false error: {f.file}:{f.line}: {f.rule_id} {f.message}")
    for title in missed:
        print(f"  near-miss passed: {title}")
    return len(wrong) + len(missed) + len(crd_findings)


def _custom_kinds(crd_files: tuple, version: KubeVersion) -> set:
    from k8slint.crds import crd_versions
    from k8slint.loader import load_path
    kinds = set()
    for path in crd_files:
        for r in load_path(path, 64 * 1024 * 1024).resources:
            if r.kind == "CustomResourceDefinition":
                kinds |= {(v.api_version, v.kind) for v in crd_versions(r.data, "")}
    return kinds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name in PROJECTS:
        parser.add_argument(f"--{name}", dest=name.replace("-", "_"), metavar="PATH")
    parser.add_argument("-k", "--kube-version", default="1.33")
    opts = parser.parse_args()
    version = KubeVersion.parse(opts.kube_version)
    problems = 0
    ran = 0
    for name in PROJECTS:
        root = getattr(opts, name.replace("-", "_"))
        if root:
            ran += 1
            problems += check(name, root, version)
    if not ran:
        parser.error("give at least one checkout")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
