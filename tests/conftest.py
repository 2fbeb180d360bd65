"""Shared test helpers: run the CLI in-process (fast) the way a user runs it."""
from __future__ import annotations

import io
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CASES = Path(__file__).resolve().parent / "cases"


@dataclass
class CliResult:
    code: int
    out: str
    err: str


def run_cli(args, cwd=None, stdin: str | bytes | None = None) -> CliResult:
    from k8slint.cli import main

    old_cwd = os.getcwd()
    old_streams = sys.stdin, sys.stdout, sys.stderr
    data = stdin.encode() if isinstance(stdin, str) else (stdin or b"")
    sys.stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
    sys.stdout, sys.stderr = io.StringIO(), io.StringIO()
    try:
        if cwd is not None:
            os.chdir(cwd)
        code = main([str(a) for a in args])
        return CliResult(code, sys.stdout.getvalue(), sys.stderr.getvalue())
    finally:
        os.chdir(old_cwd)
        sys.stdin, sys.stdout, sys.stderr = old_streams


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture
def write(tmp_path):
    """write("name.yaml", text) -> path inside a fresh temporary directory."""
    def _write(name: str, text: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path
    return _write


@pytest.fixture(autouse=True, scope="session")
def _no_result_cache():
    """The suite never reads or writes the user's result cache (tests that test it point it elsewhere)."""
    old = os.environ.get("K8SLINT_NO_CACHE")
    os.environ["K8SLINT_NO_CACHE"] = "1"
    yield
    if old is None:
        os.environ.pop("K8SLINT_NO_CACHE", None)
    else:
        os.environ["K8SLINT_NO_CACHE"] = old
