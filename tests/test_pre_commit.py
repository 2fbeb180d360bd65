"""The hooks in .pre-commit-hooks.yaml, driven by the real pre-commit tool through `pre-commit try-repo`
on a throw-away git repository (pre-commit installs k8slint from this checkout into its own environment,
from PyPI, once per test session)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import REPO

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

BROKEN = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: \"three\"\n"
CLEAN = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {mode: fast}\n"
OLD = ("# the reverse proxy\napiVersion: networking.k8s.io/v1beta1\nkind: Ingress\nmetadata:\n  name: web\n"
       "spec:\n  ingressClassName: nginx\n  rules:\n    - host: web.example.com\n      http:\n        paths:\n"
       "          - path: /\n            backend:\n              serviceName: web  # the frontend\n"
       "              servicePort: 80\n")


def test_hook_definitions():
    hooks = {h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) == {"k8slint", "k8slint-fix"}
    assert hooks["k8slint"]["entry"] == "k8slint lint"
    assert hooks["k8slint-fix"]["entry"] == "k8slint fix --write"
    assert all(h["types_or"] == ["yaml", "json"] and h["language"] == "python" for h in hooks.values())


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory):
    return tmp_path_factory.mktemp("pre-commit-home")


def _repo(tmp_path: Path, files: dict) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    for name, text in files.items():
        (repo / name).write_text(text)
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True, env=env)
    subprocess.run(["git", "add", "."], cwd=repo, check=True, env=env)
    return repo


def _try_repo(repo: Path, hook: str, files: list, home: Path, *args: str):
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    env.pop("VIRTUAL_ENV", None)
    cmd = [sys.executable, "-m", "pre_commit", "try-repo", str(REPO), hook, "--verbose", "--files", *files]
    if args:
        cmd[cmd.index("--verbose"):cmd.index("--verbose")] = []
    return subprocess.run(cmd, cwd=repo, env=env, capture_output=True, text=True, timeout=900)


def test_lint_hook_fails_on_a_broken_manifest_and_passes_a_clean_one(tmp_path, pre_commit_home):
    repo = _repo(tmp_path, {"broken.yaml": BROKEN, "clean.yaml": CLEAN})
    broken = _try_repo(repo, "k8slint", ["broken.yaml"], pre_commit_home)
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "broken.yaml:5:13: error SCH001 spec.replicas: expected integer" in broken.stdout
    clean = _try_repo(repo, "k8slint", ["clean.yaml"], pre_commit_home)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "Passed" in clean.stdout


def test_fix_hook_rewrites_the_file(tmp_path, pre_commit_home):
    repo = _repo(tmp_path, {"ingress.yaml": OLD})
    result = _try_repo(repo, "k8slint-fix", ["ingress.yaml"], pre_commit_home)
    fixed = (repo / "ingress.yaml").read_text()
    assert fixed != OLD, result.stdout + result.stderr
    assert "apiVersion: networking.k8s.io/v1" in fixed
    assert "# the reverse proxy" in fixed and "# the frontend" in fixed
    assert result.returncode == 1  # pre-commit fails a hook that modified files
    assert "files were modified by this hook" in result.stdout
