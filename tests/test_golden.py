"""Golden cases: every folder under tests/cases holds a `case.yaml` (the command line and the expected exit
code), its input files and `expected.out` (what the command prints). Adding a case needs no test code.
Set K8SLINT_REGENERATE=1 to rewrite the expected files on purpose (then review the diff)."""
from __future__ import annotations

import os

import pytest
import yaml

from conftest import CASES, run_cli

CASE_DIRS = sorted(p for p in CASES.iterdir() if (p / "case.yaml").exists())


@pytest.mark.parametrize("case", CASE_DIRS, ids=[p.name for p in CASE_DIRS])
def test_golden_case(case):
    spec = yaml.safe_load((case / "case.yaml").read_text())
    stdin = (case / spec["stdin"]).read_text() if spec.get("stdin") else None
    result = run_cli(spec["args"], cwd=case, stdin=stdin)
    expected_file = case / "expected.out"
    actual = result.out + (f"[stderr]\n{result.err}" if result.err else "") + f"[exit {result.code}]\n"
    if os.environ.get("K8SLINT_REGENERATE"):
        expected_file.write_text(actual)
    assert actual == expected_file.read_text(), f"golden output of {case.name} changed"
    assert result.code == spec["exit"]


def test_cases_exist():
    assert len(CASE_DIRS) >= 10
