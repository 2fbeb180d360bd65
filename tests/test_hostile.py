"""Hostile and broken input: a corpus the test generates itself, run through the real command line.
Never a traceback, always exit 0, 1 or 2, bounded time; and property tests over the loader."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO
from k8slint.loader import load_text

DEPLOY = ("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web  # the web tier\n  labels: {app: web}\n"
          "spec:\n  replicas: 2\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n"
          "      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx\n"
          "          env:\n            - {name: A, value: \"1\"}\n")


def _bomb() -> str:
    lines = ["apiVersion: v1", "kind: ConfigMap", "metadata: {name: lol}", "a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    return "\n".join(lines) + "\n"


HOSTILE = {
    "alias-bomb.yaml": _bomb(),
    "deep-flow.yaml": "a: " + "[" * 100_000 + "]" * 100_000 + "\n",
    "deep-block.yaml": "- " * 20_000 + "x\n",
    "deep-map.yaml": "".join(" " * i + f"k{i}:\n" for i in range(1500)),
    "long-line.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: long}\ndata: {a: " + "x" * 2_000_000 + "}\n",
    "binary.yaml": b"\x7fELF\x02\x01\x01\x00\x00\x00" + bytes(range(256)) * 20,
    "latin1.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: caf\xe9}\n".encode("latin-1"),
    "bom.yaml": DEPLOY.encode("utf-8-sig"),
    "utf16.yaml": DEPLOY.encode("utf-16"),
    "utf16-no-bom.yaml": DEPLOY.encode("utf-16-le"),
    "crlf.yaml": DEPLOY.replace("\n", "\r\n"),
    "tabs.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: tabs\n",
    "unterminated-string.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: \"open\n",
    "unterminated-flow.yaml": "apiVersion: v1\nkind: ConfigMap\ndata: {a: [1, 2\n---\n" + DEPLOY,
    "duplicate-keys.yaml": DEPLOY.replace("  replicas: 2\n", "  replicas: 2\n  replicas: three\n"),
    "merge-keys.yaml": "base: &b {app: web}\n---\n" + DEPLOY.replace("labels: {app: web}\n    spec:",
                                                                   "labels: {<<: {app: web}, tier: x}\n    spec:"),
    "python-tags.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: t}\n"
                        "data: {a: !!python/object/apply:os.system [\"touch /tmp/k8slint-pwned\"]}\n",
    "scalar-docs.yaml": "42\n---\n- a\n- b\n---\n\"text\"\n---\nnull\n",
    "wrong-types.yaml": "apiVersion: [v1]\nkind: 3\n---\napiVersion: v1\nkind: {a: b}\n---\napiVersion: v1\n"
                        "kind: ConfigMap\nmetadata: oops\n---\napiVersion: v1\nkind: Pod\n",
    "helm-template.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n"
                          "spec:\n  replicas: {{ .Values.replicas }}\n{{- if .Values.x }}\n  paused: true\n{{- end }}\n",
    "kustomization.yaml": "resources: [deploy.yaml]\ncommonLabels: {team: a}\n",
    "values.yaml": "replicaCount: 3\nimage: {repository: nginx, tag: stable}\n",
    "empty.yaml": "",
    "only-comments.yaml": "# nothing here\n---\n# nor here\n",
    "control-chars.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: \x07bell}\n",
    "huge-int.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: n}\ndata: {a: 99999999999999999999999999}\n",
    "odd-keys.yaml": "? [complex, key]\n: value\n? {a: b}\n: c\n",
    "recursive-alias.yaml": "a: &a [*a]\n",
    "unknown-directive.yaml": "%FOO bar\n---\na: 1\n",
    "json-broken.json": '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "j"',
    "nul-in-middle.yaml": "apiVersion: v1\nkind: ConfigMap\n" + "\x00" + "metadata: {name: x}\n",
}


def _write_corpus(root: Path) -> None:
    for name, content in HOSTILE.items():
        path = root / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    (root / "dangling.yaml").symlink_to(root / "does-not-exist.yaml")
    loop = root / "loop"
    loop.mkdir()
    (loop / "again").symlink_to(root)
    (root / ".git").mkdir()
    (root / ".git" / "config.yaml").write_text("not: [linted")


def _run(args, timeout=60):
    env = {**os.environ, "PYTHONFAULTHANDLER": "1"}
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "k8slint", *args], cwd=REPO, capture_output=True,
                          text=True, timeout=timeout, env=env)
    return proc, time.monotonic() - start


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    _write_corpus(root)
    return root


@pytest.mark.parametrize("name", sorted(HOSTILE) + ["dangling.yaml"])
def test_each_hostile_file_gives_findings_not_a_traceback(corpus, name):
    proc, seconds = _run(["lint", "-k", "1.30", "--strict", str(corpus / name)])
    assert "Traceback" not in proc.stderr and "Fatal Python error" not in proc.stderr, proc.stderr
    assert proc.returncode in (0, 1, 2), proc.stderr
    assert seconds < 20
    assert not Path("/tmp/k8slint-pwned").exists()


def test_whole_hostile_directory_in_one_run(corpus):
    proc, seconds = _run(["lint", "-k", "1.30", "-f", "json", str(corpus)])
    assert "Traceback" not in proc.stderr and proc.returncode == 1, proc.stderr
    import json
    findings = json.loads(proc.stdout)["findings"]
    files = {Path(f["file"]).name for f in findings}
    for name in ("alias-bomb.yaml", "deep-flow.yaml", "binary.yaml", "latin1.yaml", "duplicate-keys.yaml",
                 "python-tags.yaml", "helm-template.yaml", "dangling.yaml", "utf16-no-bom.yaml"):
        assert name in files, name
    assert not any(".git" in f["file"] for f in findings)  # hidden directories are skipped
    assert not any("kustomization.yaml" in f["file"] for f in findings)
    assert all(f["line"] >= 1 and f["column"] >= 1 for f in findings)


def test_file_over_the_size_limit_is_refused(corpus):
    proc, _ = _run(["lint", "--max-file-size", "1000", str(corpus / "long-line.yaml")])
    assert proc.returncode == 1 and "YML006" in proc.stdout and "--max-file-size" in proc.stdout


def test_twenty_thousand_files(tmp_path):
    for d in range(20):
        sub = tmp_path / f"d{d:02}"
        sub.mkdir()
        for i in range(1000):
            (sub / f"cm{i:04}.yaml").write_text(f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{i}}}\n")
    proc, seconds = _run(["lint", "-k", "1.30", str(tmp_path)], timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "in 20000 files (20000 resources)" in proc.stdout
    assert seconds < 120


FIXTURE_LINES = DEPLOY.splitlines(keepends=True)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from(list("ab:- \n\t[]{}\"'&*!|>#%@`,?~0123456789.\\<\r")), max_size=200))
def test_loader_never_crashes_on_random_yaml(text):
    _check_loaded(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, len(DEPLOY)), st.sampled_from(
    [":", "- ", "[", "]", "{", "}", "\"", "'", "\t", "\n", "&a ", "*a", "<<: *a\n", "!!python/name:os ", "---\n",
     "  ", "#", "\x00", "\ufeff", "yes"])), max_size=6))
def test_loader_never_crashes_on_mutated_fixtures(edits):
    text = DEPLOY
    for position, insert in edits:
        text = text[:position] + insert + text[position:]
    _check_loaded(text)


def _check_loaded(text: str) -> None:
    loaded = load_text(text, "x.yaml")
    lines = len(re.split("\r\n|[\r\n\x85\u2028\u2029]", text)) + 1  # YAML's line breaks, not only \n
    for f in loaded.findings:
        assert 1 <= f.line <= lines and f.column >= 1, (f, text)
    for r in loaded.resources:
        root = r.span(())
        assert 1 <= root.line <= lines
        for path in list(r.value_spans)[:50]:
            span = r.value_spans[path]
            assert 1 <= span.line <= lines and 0 <= span.start <= len(text)
