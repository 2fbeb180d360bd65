"""The result cache: a second run over unchanged files reuses the stored findings without parsing, and a
change of one byte, one option, one rule table or one CRD elsewhere is never answered from the cache."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import REPO, run_cli
from crdfactory import crd
from k8slint import loader, resultcache

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: "nginx:1.25", resources: {limits: {memory: 1Gi}}, typo: 1}]
"""
CRD = crd("{type: object, properties: {spec: {type: object, properties: {size: {type: %s}}}}}", group="a.io",
          kind="Widget")
WIDGET = "apiVersion: a.io/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: big}\n"


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("K8SLINT_NO_CACHE", raising=False)
    monkeypatch.setenv("K8SLINT_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture
def parses(monkeypatch):
    """The files the loader parsed in this process."""
    seen: list = []
    real = loader._load_documents

    def counting(text, file, result, top_level, *args, **kwargs):
        if top_level:
            seen.append(file.rsplit("/", 1)[-1])
        return real(text, file, result, top_level, *args, **kwargs)

    monkeypatch.setattr(loader, "_load_documents", counting)
    return seen


def _tree(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "deploy.yaml").write_text(DEPLOYMENT)
    (src / "old.yaml").write_text("apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: old}\n")
    (src / "widget.yaml").write_text(WIDGET)
    (src / "z-crd.yaml").write_text(CRD % "integer")
    return src


def _lint(*args):
    return run_cli(["lint", "-k", "1.30", "-f", "json", "-j", "1", *map(str, args)])


def test_a_second_run_reuses_every_result_and_says_the_same(tmp_path, cache_dir, parses):
    src = _tree(tmp_path)
    first = _lint("--strict", src)
    assert sorted(set(parses)) == ["deploy.yaml", "old.yaml", "widget.yaml", "z-crd.yaml"]
    parses.clear()
    second = _lint("--strict", src)
    assert parses == []  # nothing parsed
    assert (second.code, second.out) == (first.code, first.out)
    for fmt in ("text", "sarif", "junit", "github", "gitlab"):
        args = ["lint", "-k", "1.30", "--strict", "-j", "1", "-f", fmt, str(src)]
        cached = run_cli(args)
        assert cached.out == run_cli(args + ["--no-cache"]).out


def test_one_changed_byte_is_checked_again(tmp_path, cache_dir, parses):
    src = _tree(tmp_path)
    first = _lint(src)
    (src / "deploy.yaml").write_text(DEPLOYMENT.replace("replicas: 2", "replicas: x"))
    parses.clear()
    second = _lint(src)
    assert parses == ["deploy.yaml"]
    assert second.out != first.out and "replicas" in second.out


def test_one_changed_option_is_not_answered_from_the_cache(tmp_path, cache_dir, parses):
    src = _tree(tmp_path)
    outputs = {}
    for option in (("--no-strict",), ("--strict",), ("--strict", "--ignore", "API"), ("--strict", "-k", "1.21")):
        parses.clear()
        outputs[option] = json.loads(_lint(*option, src).out)
        assert parses, f"{option} was answered from the cache"
    rules = {o: {f["rule_id"] for f in out["findings"]} for o, out in outputs.items()}
    assert "SCH002" in rules[("--strict",)] and "SCH002" not in rules[("--no-strict",)]
    assert not any(r.startswith("API") for r in rules[("--strict", "--ignore", "API")])
    assert outputs[("--strict", "-k", "1.21")]["findings"] != outputs[("--strict",)]["findings"]


def test_a_crd_in_another_file_is_part_of_the_key(tmp_path, cache_dir, parses):
    src = _tree(tmp_path)
    first = json.loads(_lint(src).out)
    assert any(f["object"]["kind"] == "Widget" for f in first["findings"] if f["object"])
    (src / "z-crd.yaml").write_text(CRD % "string")  # now "big" is a valid size
    parses.clear()
    second = json.loads(_lint(src).out)
    assert sorted(parses) == ["widget.yaml", "z-crd.yaml"]  # widget.yaml unchanged, but its CRD changed
    assert not any(f["object"]["kind"] == "Widget" for f in second["findings"] if f["object"])
    crd = tmp_path / "crd.yaml"
    crd.write_text(CRD % "integer")
    (src / "z-crd.yaml").unlink()
    parses.clear()
    third = json.loads(_lint("--crd", crd, src).out)  # the same CRD from --crd: checked again, found again
    assert "widget.yaml" in parses
    assert any(f["object"]["kind"] == "Widget" for f in third["findings"] if f["object"])


def test_a_changed_rule_table_or_module_changes_the_context(tmp_path, monkeypatch):
    rules = tmp_path / "rules"
    shutil.copytree(REPO / "rules", rules)
    monkeypatch.setattr(resultcache, "rules_dir", lambda: rules)
    resultcache.code_and_data_fingerprint.cache_clear()
    before = resultcache.code_and_data_fingerprint()
    table = rules / "api-versions.yaml"
    table.write_bytes(table.read_bytes().replace(b'"1.16"', b'"1.17"', 1))
    resultcache.code_and_data_fingerprint.cache_clear()
    changed_rule = resultcache.code_and_data_fingerprint()
    assert changed_rule != before
    module = tmp_path / "pkg" / "k8slint"
    shutil.copytree(REPO / "k8slint", module, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(resultcache, "__file__", str(module / "resultcache.py"))
    resultcache.code_and_data_fingerprint.cache_clear()
    copied = resultcache.code_and_data_fingerprint()
    engine = module / "engine.py"
    engine.write_text(engine.read_text() + "\n# one more line\n")
    resultcache.code_and_data_fingerprint.cache_clear()
    edited = resultcache.code_and_data_fingerprint()
    assert edited != copied
    (module / "_yamlfast.cpython-311-x86_64-linux-gnu.so").write_bytes(b"a rebuilt compiled reader")
    resultcache.code_and_data_fingerprint.cache_clear()
    with_compiled = resultcache.code_and_data_fingerprint()
    assert with_compiled != edited  # compiled modules count too
    (module / "apiserver" / "pods.py").write_text("# a module in a subpackage\n")
    resultcache.code_and_data_fingerprint.cache_clear()
    assert resultcache.code_and_data_fingerprint() != with_compiled
    resultcache.code_and_data_fingerprint.cache_clear()


def test_no_cache_reads_and_writes_nothing(tmp_path, cache_dir, parses):
    src = _tree(tmp_path)
    run_cli(["lint", "-k", "1.30", "-j", "1", "--no-cache", str(src)])
    assert not cache_dir.exists()
    _lint(src)
    assert cache_dir.exists()
    parses.clear()
    run_cli(["lint", "-k", "1.30", "-j", "1", "--no-cache", "-f", "json", str(src)])
    assert sorted(set(parses)) == ["deploy.yaml", "old.yaml", "widget.yaml", "z-crd.yaml"]


def test_a_broken_shard_is_ignored_and_rewritten(tmp_path, cache_dir, parses):
    src = _tree(tmp_path)
    first = _lint(src)
    for shard in cache_dir.rglob("*.pickle"):
        shard.write_bytes(b"not a pickle")
    parses.clear()
    assert _lint(src).out == first.out and len(set(parses)) == 4
    parses.clear()
    assert _lint(src).out == first.out and parses == []


def test_concurrent_runs_share_the_cache_safely(tmp_path, cache_dir):
    src = tmp_path / "many"
    src.mkdir()
    for i in range(60):
        (src / f"f{i:02}.yaml").write_text(DEPLOYMENT.replace("name: web}", f"name: web{i}}}"))
    env = {k: v for k, v in os.environ.items() if k != "K8SLINT_NO_CACHE"}
    env["PYTHONPATH"] = str(REPO)
    cmd = [sys.executable, "-m", "k8slint.cli", "lint", "-k", "1.30", "--strict", "-f", "json", str(src)]
    expected = subprocess.run(cmd + ["--no-cache"], env=env, capture_output=True, text=True).stdout
    runs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, text=True) for _ in range(4)]
    outputs = [p.communicate()[0] for p in runs]
    assert all(out == expected for out in outputs)
    assert subprocess.run(cmd, env=env, capture_output=True, text=True).stdout == expected
    assert not list(cache_dir.rglob("*.k8slint-tmp"))
