"""The hooks in .pre-commit-hooks.yaml, driven by the real pre-commit tool through `pre-commit try-repo`
on a throw-away git repository (pre-commit installs k8slint from this checkout into its own environment,
from PyPI, once per test session). Outside a git checkout (an unpacked sdist) the hooks are tried from a
committed copy of the source tree, since pre-commit only installs hooks from a git repository."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import REPO
from crdfactory import crd

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

BROKEN = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: \"three\"\n"
CLEAN = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {mode: fast}\n"
OLD = ("# the reverse proxy\napiVersion: networking.k8s.io/v1beta1\nkind: Ingress\nmetadata:\n  name: web\n"
       "spec:\n  ingressClassName: nginx\n  rules:\n    - host: web.example.com\n      http:\n        paths:\n"
       "          - path: /\n            backend:\n              serviceName: web  # the frontend\n"
       "              servicePort: 80\n")


CRD = crd("{type: object, properties: {spec: {type: object, properties: {size: {type: integer}}}}}",
          group="example.com", kind="Widget")
WIDGET = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: big}\n"
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.invalid"}


def test_hook_definitions():
    hooks = {h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) == {"k8slint", "k8slint-fix"}
    assert hooks["k8slint"]["entry"] == "k8slint lint --discover-crds --allow-empty"
    assert hooks["k8slint-fix"]["entry"] == "k8slint fix --write --discover-crds --allow-empty"
    assert all(h["types_or"] == ["yaml", "json"] and h["language"] == "python" for h in hooks.values())
    # one process sees every file a commit touches (pre-commit would otherwise split them over several)
    assert all(h["require_serial"] is True for h in hooks.values())


@pytest.mark.parametrize("path", [".pre-commit-config.yaml", ".github/workflows/ci.yml", "docker-compose.yml",
                                  "compose.yaml", "charts/web/Chart.yaml", "charts/web/values.yaml",
                                  "charts/web/values-prod.yaml", ".gitlab-ci.yml"])
def test_hooks_leave_out_files_that_are_not_manifests(path):
    for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text()):
        assert re.search(hook["exclude"], path), (hook["id"], path)


@pytest.mark.parametrize("path", ["deploy/web.yaml", "k8s/configmap-values.yaml", "compose-ingress.yaml",
                                  "charts/web/templates/deployment.yaml", "manifests/app.json"])
def test_hooks_keep_manifests(path):
    for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text()):
        assert not re.search(hook["exclude"], path), (hook["id"], path)


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory):
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory) -> Path:
    """Where pre-commit takes the hooks from: this checkout, or a committed copy of its sources."""
    inside = subprocess.run(["git", "rev-parse", "--is-inside-work-tree"], cwd=REPO, capture_output=True, text=True)
    if inside.returncode == 0 and inside.stdout.strip() == "true":
        return REPO
    copy = tmp_path_factory.mktemp("k8slint-source") / "k8slint"
    shutil.copytree(REPO, copy, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", ".pytest_cache"))
    env = {**os.environ, **GIT_ENV}
    for cmd in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-q", "-m", "source"]):
        subprocess.run(cmd, cwd=copy, check=True, env=env)
    return copy


def _repo(tmp_path: Path, files: dict) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
    env = {**os.environ, **GIT_ENV}
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True, env=env)
    subprocess.run(["git", "add", "."], cwd=repo, check=True, env=env)
    return repo


def _try_repo(repo: Path, hook: str, files: list, home: Path, source: Path):
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    env.pop("VIRTUAL_ENV", None)
    cmd = [sys.executable, "-m", "pre_commit", "try-repo", str(source), hook, "--verbose", "--files", *files]
    return subprocess.run(cmd, cwd=repo, env=env, capture_output=True, text=True, timeout=900)


def test_lint_hook_fails_on_a_broken_manifest_and_passes_a_clean_one(tmp_path, pre_commit_home, hook_repo):
    repo = _repo(tmp_path, {"broken.yaml": BROKEN, "clean.yaml": CLEAN})
    broken = _try_repo(repo, "k8slint", ["broken.yaml"], pre_commit_home, hook_repo)
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "broken.yaml:5:13: error SCH001 spec.replicas: expected integer" in broken.stdout
    clean = _try_repo(repo, "k8slint", ["clean.yaml"], pre_commit_home, hook_repo)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "Passed" in clean.stdout


def test_lint_hook_knows_the_crds_of_the_repository(tmp_path, pre_commit_home, hook_repo):
    """A commit that touches only a custom resource is judged against its CRD elsewhere in the repository
    (before, the resource got SCH005, an info, and the commit passed)."""
    repo = _repo(tmp_path, {"crds/widget.yaml": CRD, "apps/widget.yaml": WIDGET})
    alone = _try_repo(repo, "k8slint", ["apps/widget.yaml"], pre_commit_home, hook_repo)
    assert alone.returncode == 1, alone.stdout + alone.stderr
    assert 'apps/widget.yaml:4:14: error SCH001 spec.size: expected integer, got string "big"' in alone.stdout


def test_fix_hook_rewrites_the_file(tmp_path, pre_commit_home, hook_repo):
    repo = _repo(tmp_path, {"ingress.yaml": OLD})
    result = _try_repo(repo, "k8slint-fix", ["ingress.yaml"], pre_commit_home, hook_repo)
    fixed = (repo / "ingress.yaml").read_text()
    assert fixed != OLD, result.stdout + result.stderr
    assert "apiVersion: networking.k8s.io/v1" in fixed
    assert "# the reverse proxy" in fixed and "# the frontend" in fixed
    assert result.returncode == 1  # pre-commit fails a hook that modified files
    assert "files were modified by this hook" in result.stdout
