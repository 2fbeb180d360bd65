"""The built wheel, not only the checkout: it stays within the size budget, carries the rules and schemas,
installs into a fresh virtual environment and runs there (dependencies come from PyPI)."""
from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from conftest import REPO

WHEEL_BUDGET = 3 * 1024 * 1024


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(REPO)], check=True,
                   capture_output=True, timeout=600)
    [built] = out.glob("k8slint-*.whl")
    return built


def test_wheel_size_and_content(wheel):
    assert wheel.stat().st_size <= WHEEL_BUDGET, f"wheel is {wheel.stat().st_size:,} bytes"
    names = zipfile.ZipFile(wheel).namelist()
    assert "k8slint/data/rules/api-versions.yaml" in names
    assert "k8slint/data/docs/rules/SCH001.md" in names  # the pages SARIF's helpUri points at
    assert "k8slint/data/schemas/index.json" in names and "k8slint/data/schemas/PROVENANCE.json" in names
    assert sum(1 for n in names if n.startswith("k8slint/data/schemas/versions/")) == 31
    assert not any(n.startswith(("tests/", "bench/", "tools/")) for n in names)


def test_wheel_installs_and_runs_from_anywhere(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    py = env_dir / "bin" / "python"
    subprocess.run([str(py), "-m", "pip", "install", "--quiet", str(wheel)], check=True, timeout=900)
    exe = env_dir / "bin" / "k8slint"
    elsewhere = tmp_path / "work"
    elsewhere.mkdir()
    (elsewhere / "old.yaml").write_text("apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: i}\n")
    versions = subprocess.run([str(exe), "versions"], cwd=elsewhere, capture_output=True, text=True, check=True)
    assert versions.stdout.split()[0] == "1.7" and versions.stdout.split()[-1] == "1.37"
    lint = subprocess.run([str(exe), "lint", "-k", "1.30", "old.yaml"], cwd=elsewhere, capture_output=True,
                          text=True)
    assert lint.returncode == 1 and "was removed in 1.22" in lint.stdout, lint.stdout + lint.stderr
    module = subprocess.run([str(py), "-c", "import k8slint.datadir as d; print(d.rules_dir())"], cwd=elsewhere,
                            capture_output=True, text=True, check=True)
    assert "site-packages" in module.stdout  # the installed copy, not a checkout
