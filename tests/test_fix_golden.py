"""Golden fixes: every folder under tests/fixes holds `case.yaml` (the target version and extra arguments of
`k8slint fix`), the inputs under `before/`, the expected files under `after/` and `expected.out`, what
`k8slint fix --write` prints. Adding a case needs no test code. Set K8SLINT_REGENERATE=1 to rewrite `after/`
and `expected.out` on purpose (then review the diff: the after/ files are the promise to users)."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import run_cli

FIXES = Path(__file__).resolve().parent / "fixes"
CASES = sorted(p for p in FIXES.iterdir() if (p / "case.yaml").exists())
REGENERATE = bool(os.environ.get("K8SLINT_REGENERATE"))


def _spec(case: Path) -> dict:
    return yaml.safe_load((case / "case.yaml").read_text())


def _files(root: Path) -> dict:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _fix(case: Path, work: Path, *extra: str, write: bool = True):
    spec = _spec(case)
    args = ["fix", *(["--write"] if write else []), "-k", spec["target"], *spec.get("args", []), *extra, "."]
    return run_cli(args, cwd=work)


def _copy(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_fix_writes_the_expected_files(case, tmp_path):
    work = _copy(case / "before", tmp_path / "work")
    result = _fix(case, work)
    output = result.out + (f"[stderr]\n{result.err}" if result.err else "") + f"[exit {result.code}]\n"
    if REGENERATE:
        shutil.rmtree(case / "after", ignore_errors=True)
        shutil.copytree(work, case / "after")
        (case / "expected.out").write_text(output)
    assert _files(work) == _files(case / "after"), f"fixed files of {case.name} differ from after/"
    assert output == (case / "expected.out").read_text(), f"output of {case.name} changed"
    assert result.code == _spec(case).get("exit", result.code)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_fixed_files_validate_for_the_target_version(case, tmp_path):
    """Strict validation for the target: no schema error, and only the removals listed as manual remain."""
    spec = _spec(case)
    result = run_cli(["lint", "--strict", "-k", spec["target"], "-f", "json", "."], cwd=case / "after")
    import json
    findings = json.loads(result.out)["findings"]
    errors = sorted({f["rule_id"] for f in findings if f["severity"] == "error"})
    assert not [e for e in errors if e.startswith(("SCH", "YML"))], findings
    assert set(errors) <= set(spec.get("remaining", [])), errors


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_fixing_again_changes_nothing(case, tmp_path):
    work = _copy(case / "after", tmp_path / "work")
    before = _files(work)
    result = _fix(case, work)
    assert _files(work) == before
    assert ": fixed " not in result.out, result.out


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_preview_changes_nothing_and_announces_the_same_fixes(case, tmp_path):
    work = _copy(case / "before", tmp_path / "work")
    before = _files(work)
    result = _fix(case, work, write=False)
    assert _files(work) == before
    expected = (case / "expected.out").read_text()
    fixed = [line.replace(": fixed ", ": ", 1) for line in expected.splitlines() if ": fixed " in line]
    announced = [line.replace(": would fix ", ": ", 1) for line in result.out.splitlines() if ": would fix " in line]
    assert announced == fixed
    changed = _files(case / "after") != before
    assert ("--- a/" in result.out) == changed


def test_there_are_golden_fixes():
    assert len(CASES) >= 10
