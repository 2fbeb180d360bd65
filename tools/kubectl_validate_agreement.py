#!/usr/bin/env python3
"""Agreement of k8slint with the API server answers recorded in kubectl-validate's test cases.

usage: tools/kubectl_validate_agreement.py CHECKOUT [-k VERSION] [--verbose]

CHECKOUT is a checkout of https://github.com/kubernetes-sigs/kubectl-validate. Each document of its
`testcases/manifests/*.yaml` starts with a comment holding the API server's answer (a metav1.Status:
"Success" or "Failure"); documents with nothing in them are expected to pass. Every document is linted on
its own with `k8slint lint --strict` (kubectl applies with strict field validation), with the CRDs of
`testcases/crds/` given as --crd, and counted as agreeing when k8slint reports an error exactly when the API
server refused it. Prints one line per document and totals for built-in kinds and for custom resources
(CRD objects counted with them: they belong to the CRD checks). The recorded answers come from
kubectl-validate, which runs the schema but not the handwritten validation of built-in kinds; where that
makes them differ from the API server's code, KNOWN_DIFFERENCES says why. Nothing is copied or downloaded;
tests never run this script.
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from k8slint.apiserver.metadata import BUILTIN_GROUPS, group_of  # noqa: E402

_SEPARATOR = re.compile(r"^---\s*(#.*)?$")

# Documents where k8slint answers otherwise on purpose, checked against the API server's code. kubectl-validate
# runs the OpenAPI schema only, not the handwritten validation of built-in kinds, so its recorded answer is not
# always the API server's. Each is still counted as a disagreement; the reason is printed beside it.
KNOWN_DIFFERENCES = {
    "error_x_list_map_duplicate_key.yaml#0":
        "a plain create accepts duplicate map-list keys of a built-in kind (recent servers warn); only "
        "server-side apply fails: k8slint reports it as the SCH007 warning",
    "configmap.yaml#0":
        "core's ValidateObjectMeta refuses a finalizer without a '/' unless it is a standard one "
        "(validateKubeFinalizerName): 'finalizers.compute.linkedin.com' is neither, so SRV008 is an error",
}


def documents(text: str) -> list:
    docs, current = [], []
    for line in text.split("\n"):
        if _SEPARATOR.match(line):
            docs.append("\n".join(current))
            current = []
        else:
            current.append(line)
    docs.append("\n".join(current))
    return docs


def expectation(doc: str) -> str | None:
    """'Success', 'Failure' or None (no leading answer: an empty document, expected to pass)."""
    lines = []
    for line in doc.split("\n"):
        if not lines and not line.strip():
            continue
        if not line.startswith("#"):
            break
        lines.append(line[1:])
    if not lines:
        return None
    try:
        return json.loads("\n".join(lines)).get("status")
    except ValueError:
        return None


def is_empty(doc: str) -> bool:
    return all(not line.strip() or line.lstrip().startswith("#") for line in doc.split("\n"))


def classify(doc: str) -> str:
    api = re.search(r"^apiVersion:\s*(\S+)", doc, re.M)
    kind = re.search(r"^kind:\s*(\S+)", doc, re.M)
    if not api:
        return "empty"
    if kind and kind.group(1) == "CustomResourceDefinition":
        return "custom"
    return "built-in" if group_of(api.group(1).strip("'\"")) in BUILTIN_GROUPS else "custom"


def lint(path: Path, crds: list, version: str | None) -> list:
    args = [sys.executable, "-m", "k8slint.cli", "lint", "--strict", "-f", "json", str(path)]
    for crd in crds:
        args += ["--crd", str(crd)]
    if version:
        args += ["-k", version]
    out = subprocess.run(args, capture_output=True, text=True, cwd=REPO)
    try:
        report = json.loads(out.stdout)
    except ValueError:
        sys.exit(f"k8slint gave no JSON for {path}: {out.stderr.strip()[:500]}")
    return [f for f in report.get("findings", []) + report.get("problems", []) if f.get("severity") == "error"]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("checkout", type=Path)
    parser.add_argument("-k", "--kube-version", default=None, help="target version (default: k8slint's)")
    parser.add_argument("--verbose", action="store_true", help="print k8slint's errors for each document")
    args = parser.parse_args(argv)
    cases = args.checkout / "testcases"
    if not (cases / "manifests").is_dir():
        parser.error(f"{args.checkout} holds no testcases/manifests (not a kubectl-validate checkout?)")
    crds = sorted(p for p in (cases / "crds").glob("*.yaml"))
    totals: dict = {}
    on_purpose: list = []
    with tempfile.TemporaryDirectory() as tmp:
        for path in sorted((cases / "manifests").glob("*.yaml")):
            for i, doc in enumerate(documents(path.read_text(encoding="utf-8"))):
                if i > 0 and is_empty(doc) and not doc.strip():
                    continue  # the empty tail after a final separator
                wanted = expectation(doc) or "Success"
                target = Path(tmp) / f"{path.stem}-{i}.yaml"
                target.write_text(doc, encoding="utf-8")
                errors = lint(target, crds, args.kube_version) if not is_empty(doc) else []
                got = "Failure" if errors else "Success"
                group = classify(doc)
                agree = got == wanted
                if not agree and f"{path.name}#{i}" in KNOWN_DIFFERENCES:
                    on_purpose.append(f"{path.name}#{i}")
                seen, ok = totals.get(group, (0, 0))
                totals[group] = (seen + 1, ok + agree)
                why = "" if agree else KNOWN_DIFFERENCES.get(f"{path.name}#{i}", "")
                print(f"{'agree   ' if agree else 'DISAGREE'} {group:8} {path.name}#{i}: recorded "
                      f"{wanted}, k8slint {got}" + (f" (on purpose: {why})" if why else ""))
                if args.verbose or not agree:
                    for f in errors[:5]:
                        print(f"           {f['rule_id']} {f['message'][:160]}")
    print()
    for group in ("built-in", "custom", "empty"):
        if group in totals:
            seen, ok = totals[group]
            print(f"{group:8}: {ok} of {seen} documents agree")
    seen = sum(s for s, _ in totals.values())
    ok = sum(o for _, o in totals.values())
    print(f"all     : {ok} of {seen} documents agree ({len(on_purpose)} of the others on purpose)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
