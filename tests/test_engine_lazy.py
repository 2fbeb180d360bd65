"""A run whose files are all in the result cache never builds a Linter: the rules, the validators and
jsonschema_rs are not imported, nor is the YAML reader and PyYAML (a pre-commit hook on unchanged files
pays only for reading them)."""
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from k8slint.crd.registry import CrdRegistry
from k8slint.engine import EMPTY_CRD_STATE

ROOT = Path(__file__).resolve().parent.parent

HEAVY = ("k8slint.linter", "k8slint.rules", "k8slint.validation", "k8slint.apiserver", "jsonschema_rs",
         "k8slint.yamlread", "k8slint.listitems", "yaml", "k8slint.catalog")

RUN = textwrap.dedent("""
    import json, sys
    from k8slint.cli.main import main
    sys.argv = ["k8slint"] + sys.argv[1:]
    try:
        code = main()
    except SystemExit as exc:
        code = exc.code
    heavy = sorted(m for m in sys.modules if m.startswith(%r))
    print(json.dumps({"code": code, "heavy": heavy}), file=sys.stderr)
""" % (HEAVY,))


def _run(tmp_path, *args):
    env = dict(os.environ, K8SLINT_CACHE_DIR=str(tmp_path / "cache"), PYTHONPATH=str(ROOT))
    env.pop("K8SLINT_NO_CACHE", None)
    proc = subprocess.run([sys.executable, "-c", RUN, *args], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=120)
    return proc.stdout, json.loads(proc.stderr.strip().splitlines()[-1])


def test_empty_registry_state_is_the_state_of_a_run_without_crds():
    assert CrdRegistry().state() == EMPTY_CRD_STATE


def test_cache_hit_imports_no_rules_and_gives_the_same_output(tmp_path):
    (tmp_path / "d.yaml").write_text("apiVersion: extensions/v1beta1\nkind: Deployment\n"
                                     "metadata: {name: x}\nspec: {}\n")
    args = ("lint", "--strict", "-k", "1.30", "d.yaml")
    first_out, first = _run(tmp_path, *args)
    assert first["heavy"]  # a miss checks the file
    again_out, again = _run(tmp_path, *args)
    assert again["heavy"] == []
    assert (again_out, again["code"]) == (first_out, first["code"])
    assert first["code"] != 0 and "extensions/v1beta1" in first_out


def test_a_cache_hit_with_select_still_checks_the_patterns(tmp_path):
    (tmp_path / "s.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
    _run(tmp_path, "lint", "s.yaml")
    out, result = _run(tmp_path, "lint", "--select", "NOSUCHRULE", "s.yaml")
    assert result["code"] != 0
