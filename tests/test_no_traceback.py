"""No command ever prints a traceback: every command and every format of it, run in-process on empty, clean
and broken inputs, with equal and adjacent versions (a report from 1.30 to 1.30 has no hop at all).

An exception escaping `main` fails the test by itself; the assertions add that the exit code is one of the
documented ones and that the output is a report, not an error dump."""
from __future__ import annotations

import json

import pytest

from conftest import run_cli

CLEAN = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {mode: fast}\n"
BROKEN = ("apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: three\n"
          "  template:\n    spec:\n      containers: [{name: web, image: nginx}]\n"
          "---\napiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n"
          "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a\ndata: [\n")

INPUTS = ("empty-dir", "empty-file", "empty-stdin", "clean", "clean-stdin", "broken")
VERSIONS = {"equal": ("1.30", "1.30"), "adjacent": ("1.29", "1.30"), "oldest": ("1.7", "1.7")}
LINT_FORMATS = ("text", "json", "sarif", "junit", "github", "gitlab")
FIX_FORMATS = LINT_FORMATS  # fix takes every format of lint
REPORT_FORMATS = ("text", "markdown", "html", "json")


def _input(kind: str, tmp_path):
    """(path argument, stdin text) for one kind of input."""
    if kind == "empty-dir":
        (tmp_path / "nothing").mkdir()
        return tmp_path / "nothing", None
    if kind == "empty-file":
        (tmp_path / "empty.yaml").write_text("")
        return tmp_path / "empty.yaml", None
    if kind.endswith("stdin"):
        return "-", "" if kind == "empty-stdin" else CLEAN
    (tmp_path / f"{kind}.yaml").write_text(CLEAN if kind == "clean" else BROKEN)
    return tmp_path / f"{kind}.yaml", None


def _check(result, fmt: str, kind: str):
    assert "Traceback" not in result.out + result.err, result.out + result.err
    assert result.code in (0, 1), (result.code, result.err)
    assert result.out.strip(), result.err
    if kind == "broken":
        assert result.code == 1
    if kind.startswith("empty"):  # nothing to lint is a failure (YML010) unless --allow-empty
        assert result.code == 1 and "YML010" in result.out + result.err, result.out
    if fmt in ("json", "sarif", "gitlab"):
        json.loads(result.out)
    if fmt in ("junit", "html"):
        assert result.out.lstrip().startswith("<"), result.out[:200]


@pytest.mark.parametrize("versions", VERSIONS)
@pytest.mark.parametrize("kind", INPUTS)
@pytest.mark.parametrize("fmt", LINT_FORMATS)
def test_lint(fmt, kind, versions, tmp_path):
    current, target = VERSIONS[versions]
    path, stdin = _input(kind, tmp_path)
    result = run_cli(["lint", "-f", fmt, "-k", target, "--current-version", current, path],
                     stdin=stdin)
    _check(result, fmt, kind)


@pytest.mark.parametrize("versions", VERSIONS)
@pytest.mark.parametrize("kind", INPUTS)
@pytest.mark.parametrize("fmt", FIX_FORMATS)
def test_fix(fmt, kind, versions, tmp_path):
    current, target = VERSIONS[versions]
    path, stdin = _input(kind, tmp_path)
    result = run_cli(["fix", "-f", fmt, "-k", target, "--current-version", current, path],
                     stdin=stdin)
    _check(result, fmt, kind)


@pytest.mark.parametrize("versions", VERSIONS)
@pytest.mark.parametrize("kind", INPUTS)
@pytest.mark.parametrize("fmt", REPORT_FORMATS)
def test_report(fmt, kind, versions, tmp_path):
    start, end = VERSIONS[versions]
    path, stdin = _input(kind, tmp_path)
    result = run_cli(["report", "-f", fmt, "--from", start, "--to", end, path], stdin=stdin)
    _check(result, fmt, kind)


@pytest.mark.parametrize("args", [["rules"], ["rules", "--select", "SCH"], ["explain", "API021"],
                                  ["explain", "duplicate-key"], ["versions"], ["config"], ["--version"], ["--help"],
                                  ["lint", "--help"], ["fix", "--help"], ["report", "--help"]])
def test_other_commands(args, tmp_path):
    result = run_cli(args, cwd=tmp_path)
    assert "Traceback" not in result.out + result.err
    assert result.code == 0, result.err
    assert result.out.strip()
