"""A run on some files knows every CRD of the repository (--discover-crds, what the pre-commit hook uses),
and --crd / the configuration's `crd` take files, directories and globs."""
from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from conftest import run_cli
from crdfactory import crd
from k8slint.repocrds import crd_files

CRD = crd({"type": "object", "properties": {"spec": {"type": "object", "properties": {"size": {"type": "integer"}}}}},
          group="example.com", kind="Widget")
JSON_CRD = ('{"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition", "metadata": '
            '{"name": "gadgets.example.com"}, "spec": {"group": "example.com", "names": {"kind": "Gadget", '
            '"plural": "gadgets"}, "scope": "Namespaced", "versions": [{"name": "v1", "served": true, '
            '"storage": true, "schema": {"openAPIV3Schema": {"type": "object"}}}]}}')
WIDGET = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: big}\n"
ROLE = ("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\nrules:\n"
        "  - apiGroups: [apiextensions.k8s.io]\n    resources: [customresourcedefinitions]\n    verbs: [get]\n"
        "# kinds we manage: CustomResourceDefinition\n")
BROKEN_CRD = CRD.replace("kind: Widget", "kind: Broken").replace("widgets", "brokens") + "  bad: [\n"


def _tree(root, git: bool):
    files = {"crds/widget.yaml": CRD, "crds/gadget.json": JSON_CRD, "apps/widget.yaml": WIDGET,
             "rbac/role.yaml": ROLE, ".hidden/crd.yaml": CRD, "vendor/crd.yaml": CRD, "crds/README.md": CRD,
             "crds/kustomization.yaml": CRD, "crds/broken.yaml": BROKEN_CRD}
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    if git:
        subprocess.run(["git", "init", "-q"], cwd=root, check=True)
        (root / ".gitignore").write_text("ignored/\n")
        (root / "ignored").mkdir()
        (root / "ignored" / "crd.yaml").write_text(CRD)
    return root


@pytest.mark.parametrize("git", [False, pytest.param(True, marks=pytest.mark.skipif(
    shutil.which("git") is None, reason="git is not installed"))])
def test_crd_files_are_the_manifests_a_walk_would_lint(tmp_path, git):
    root = _tree(tmp_path, git)
    exclude = lambda path: "vendor" in path.parts  # noqa: E731
    found = [os.path.relpath(p, root) for p in crd_files(root, exclude)]
    assert found == ["crds/broken.yaml", "crds/gadget.json", "crds/widget.yaml"]


def test_git_and_walk_agree(tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = _tree(tmp_path, True)
    (root / "ignored").rename(root / "kept")  # not ignored any more: both find it
    assert crd_files(root, git=True) == crd_files(root, git=False)


def test_discover_crds_validates_a_custom_resource_against_a_crd_outside_the_input(tmp_path):
    _tree(tmp_path, git=False)
    (tmp_path / ".git").mkdir()  # the repository root: run from a sub-directory
    alone = run_cli(["lint", "apps/widget.yaml"], cwd=tmp_path)
    assert alone.code == 0 and "SCH005" in alone.out
    found = run_cli(["lint", "--discover-crds", "widget.yaml"], cwd=tmp_path / "apps")
    assert found.code == 1, found.out + found.err
    assert found.out.startswith('widget.yaml:4:14: error SCH001 spec.size: expected integer, got string "big"')
    # the broken CRD elsewhere is not reported by a run that does not lint it, and costs no verdict
    assert "broken.yaml" not in found.out
    whole = run_cli(["lint", "."], cwd=tmp_path)
    assert 'apps/widget.yaml:4:14: error SCH001' in whole.out
    # the configuration can turn it on
    (tmp_path / ".k8slint.yaml").write_text("discover-crds: true\n")
    configured = run_cli(["lint", "apps/widget.yaml"], cwd=tmp_path)
    assert configured.code == 1 and "SCH001" in configured.out
    off = run_cli(["lint", "--no-discover-crds", "apps/widget.yaml"], cwd=tmp_path)
    assert off.code == 0 and "SCH005" in off.out


def test_discover_crds_in_fix_and_report(tmp_path):
    _tree(tmp_path, git=False)
    fixed = run_cli(["fix", "--discover-crds", "apps/widget.yaml"], cwd=tmp_path)
    assert fixed.code == 1 and "SCH001" in fixed.out
    report = run_cli(["report", "--from", "1.29", "--to", "1.30", "--discover-crds", "-f", "json",
                      "apps/widget.yaml"], cwd=tmp_path)
    assert report.code == 1, report.err


def test_crd_globs_files_and_directories(tmp_path):
    _tree(tmp_path, git=False)
    for crd in ("crds/*.yaml", "crds/**/widget.yaml", "crds", "crds/widget.yaml"):
        out = run_cli(["lint", "--crd", crd, "apps/widget.yaml"], cwd=tmp_path)
        assert "SCH001" in out.out, (crd, out.out, out.err)
    (tmp_path / ".k8slint.yaml").write_text("crd: ['crds/w*.yaml']\n")
    out = run_cli(["lint", "widget.yaml"], cwd=tmp_path / "apps")
    assert "SCH001" in out.out, out.out + out.err


def test_a_crd_entry_that_matches_nothing_names_where_it_was_given(tmp_path):
    (tmp_path / "w.yaml").write_text(WIDGET)
    out = run_cli(["lint", "--crd", "nothing/*.yaml", "w.yaml"], cwd=tmp_path)
    assert out.code == 2 and "--crd: no file matches nothing/*.yaml" in out.err
    (tmp_path / ".k8slint.yaml").write_text("crd: [crds/]\n")
    out = run_cli(["lint", "w.yaml"], cwd=tmp_path)
    assert out.code == 2
    assert f"{tmp_path / '.k8slint.yaml'}:1:1: crd: path does not exist" in out.err
