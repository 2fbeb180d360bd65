"""The fast path of `lint` (k8slint/cli/fastlint.py) reads arguments exactly as typer does: the same values
reach the command's body, and every list it does not read exactly goes to typer."""
from __future__ import annotations

import io
import sys

import pytest

from k8slint.cli import fastlint, fixrun, lintrun
from conftest import run_cli


def _click_lint_params(command: str = "lint"):
    import typer

    from k8slint.cli.main import _app_for
    return typer.main.get_command(_app_for([command])).commands[command].params


@pytest.mark.parametrize("command", ["lint", "fix"])
def test_the_table_is_the_typer_declaration_of_lint(command):
    table, defaults = {"lint": (fastlint.OPTIONS, fastlint.DEFAULTS),
                       "fix": (fastlint.FIX_OPTIONS, fastlint.FIX_DEFAULTS)}[command]
    declared = {}
    for param in _click_lint_params(command):
        if param.param_type_name == "argument":
            assert param.name == "paths" and param.nargs == -1 and param.required
            continue
        type_name = type(param.type).__name__
        if param.is_flag:
            kinds = [fastlint.TRUE] * len(param.opts) + [fastlint.FALSE] * len(param.secondary_opts)
        elif param.multiple:
            kinds = [fastlint.MULTI] * len(param.opts)
        else:
            kind = {"IntParamType": fastlint.INT, "TyperPath": fastlint.PATH,
                    "StringParamType": fastlint.STR}[type_name]
            kinds = [kind] * len(param.opts)
        for name, kind in zip(param.opts + param.secondary_opts, kinds):
            declared[name] = (param.name, kind)
        assert defaults[param.name] == param.default, param.name
        if param.envvar:  # typer reads it: the fast path steps aside while it is set
            assert param.envvar in fastlint.TYPER_ENVIRONMENT
    assert declared == table
    assert set(defaults) == {p.name for p in _click_lint_params(command)} - {"paths"}


def _matrix(tmp_path):
    f = tmp_path / "a.yaml"
    f.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")
    g = tmp_path / "b.yaml"
    g.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n")
    cfg = tmp_path / "k.yaml"
    cfg.write_text("strict: true\n")
    f, g, cfg, d = str(f), str(g), str(cfg), str(tmp_path)
    fast = [
        ["lint", f],
        ["lint", "--strict", "-k", "1.30", f],
        ["lint", "-k", "1.30", "--no-strict", "--strict", f, g],
        ["lint", f, "--strict", g, "-k", "1.29"],
        ["lint", "--kubernetes-version=1.29", "--target-version", "1.28", f],
        ["lint", "--select", "SCH,API", "--select=YML001", "--ignore", "X", "--ignore", "", f],
        ["lint", "--crd", d, "--crd=" + f, "--schema-location", "x/{{.Group}}", f],
        ["lint", "-o", str(tmp_path / "out.txt"), "--root", d, "--config", cfg, f],
        ["lint", "--output=" + str(tmp_path / "missing" / "o.txt"), "--root=", f],
        ["lint", "-j", "2", "--max-file-size", "1000", f],
        ["lint", "--jobs=0", "--jobs", "007", f],
        ["lint", "--allow-empty", "--follow-links", "--no-cache", "--color", "--no-color", "--discover-crds",
         "--no-discover-crds", "--ignore-missing-schemas", f],
        ["lint", "-f", "json", "--fail-on", "warning", "--current-version", "1.20", "--docs-url", "https://x",
         "--format=sarif", f],
        ["lint", "-"],
        ["lint", "-", f, "-k", "v1.30.2"],
        ["lint", "--format", "nope", f],
        ["lint", "-k", "1.99", f],
        ["lint", "--no-strict", "no-such-file.yaml"],
    ]
    typer_only = [
        ["lint"], ["lint", "--strict"], ["lint", "--help"], ["lint", "-h", f], ["lint", f, "--help"],
        ["lint", "-k1.30", f], ["lint", "--", f], ["lint", "--strict=true", f], ["lint", "-j", "x", f],
        ["lint", "-j", "-1", f], ["lint", "--jobs= 4", f], ["lint", "-j", "+4", f], ["lint", "-o", "-", f],
        ["lint", "--bogus", f], ["lint", "-k"], ["lint", f, "-k"], ["lint", "", f], ["lint", "-sk", "1.30", f],
        ["lint", "--strict", "--select", "--ignore", f], ["lint", "--no-cache=1", f], ["lint", "--sel", "X", f],
        ["--version"], ["lint2", f], ["fix", f], [],
    ]
    return fast, typer_only


def _record(args, fast: bool, stdin: str = ""):
    seen = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(lintrun, "run", lambda **values: seen.append(values) or 0)
        patch.setattr(fixrun, "run", lambda *values, **named: seen.append((values, named)) or 0)
        patch.setattr(fastlint, "parse_fix", fastlint.parse_fix if fast else lambda args: None)
        if not fast:
            patch.setattr(fastlint, "parse", lambda args: None)
        result = run_cli(args, stdin=stdin)
    return result.code, result.out, result.err, seen


def test_typer_and_the_fast_path_pass_the_same_values(tmp_path):
    fast, typer_only = _matrix(tmp_path)
    for args in fast:
        assert fastlint.parse(args) is not None, args
        by_fast = _record(args, fast=True)
        by_typer = _record(args, fast=False)
        assert by_fast == by_typer, args
        assert len(by_fast[3]) == 1, args
    for args in typer_only:
        assert fastlint.parse(args) is None, args


def test_the_fast_path_steps_aside_for_what_typer_reads_from_the_environment(tmp_path, monkeypatch):
    f = tmp_path / "a.yaml"
    f.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")
    monkeypatch.setenv("K8SLINT_DOCS_URL", "https://docs.example")
    assert fastlint.parse(["lint", str(f)]) is None
    code, _, _, seen = _record(["lint", str(f)], fast=True)  # typer answers
    assert code == 0 and seen[0]["docs_url"] == "https://docs.example"
    monkeypatch.delenv("K8SLINT_DOCS_URL")
    monkeypatch.setenv("_K8SLINT_COMPLETE", "bash_complete")
    assert fastlint.parse(["lint", str(f)]) is None


@pytest.mark.parametrize("case", ["valid", "invalid", "bad-version", "bad-format", "missing", "stdin"])
def test_both_paths_print_the_same_and_exit_alike(tmp_path, monkeypatch, case):
    f = tmp_path / "a.yaml"
    f.write_text("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\nspec: {replicas: x}\n"
                 if case == "invalid" else "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")
    args = {"valid": ["lint", "--strict", "-k", "1.30", str(f)], "invalid": ["lint", "-f", "json", str(f)],
            "bad-version": ["lint", "-k", "0.1", str(f)], "bad-format": ["lint", "-f", "x", str(f)],
            "missing": ["lint", str(tmp_path / "nope.yaml")], "stdin": ["lint", "-"]}[case]
    stdin = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: s}\n"
    by_fast = run_cli(args, stdin=stdin)
    monkeypatch.setattr(fastlint, "parse", lambda args: None)
    by_typer = run_cli(args, stdin=stdin)
    assert (by_fast.code, by_fast.out, by_fast.err) == (by_typer.code, by_typer.out, by_typer.err)


def test_ctrl_c_in_the_body_is_a_quiet_130_on_both_paths(tmp_path, monkeypatch):
    f = tmp_path / "a.yaml"
    f.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")

    def interrupted(**values):
        raise KeyboardInterrupt
    for fast in (True, False):
        monkeypatch.setattr(lintrun, "run", interrupted)
        if not fast:
            monkeypatch.setattr(fastlint, "parse", lambda args: None)
        result = run_cli(["lint", str(f)])
        monkeypatch.undo()
        assert (result.code, result.err) == (130, ""), fast


@pytest.mark.parametrize("command", ["lint", "fix"])
def test_a_one_file_lint_imports_neither_typer_nor_click(tmp_path, command):
    import json
    import subprocess

    from conftest import REPO
    f = tmp_path / "a.yaml"
    f.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n" if command == "lint" else
                 "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: a}\n")
    probe = ("import io, json, sys, contextlib\nfrom k8slint.cli import main\n"
             "with contextlib.redirect_stdout(io.StringIO()):\n    code = main(sys.argv[1:])\n"
             "print(json.dumps([code, sorted(sys.modules)]))")
    out = subprocess.run([sys.executable, "-c", probe, command, "--strict", "-k", "1.30", str(f)], cwd=REPO,
                         capture_output=True, text=True, check=True).stdout
    code, modules = json.loads(out.splitlines()[-1])
    assert code == 0 and ("k8slint.cli.fixrun" in modules) == (command == "fix")
    assert not {m for m in modules if m.split(".")[0] in ("typer", "click")}


def _fix_matrix(tmp_path):
    f = tmp_path / "a.yaml"
    f.write_text("apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: a}\n")
    f, d = str(f), str(tmp_path)
    fast = [
        ["fix", f], ["fix", "-k", "1.30", "--write", f], ["fix", "--diff", "--no-diff", "--unsafe-fixes", f],
        ["fix", "--current-version", "1.20", "-k", "1.30", "-f", "json", "-o", str(tmp_path / "o.json"), f, d],
        ["fix", "--strict", "--select", "API", "--ignore=FLD", "-j", "2", "--fail-on", "warning", f],
        ["fix", "-"],
    ]
    typer_only = [["fix"], ["fix", "--help"], ["fix", "--no-cache", f], ["fix", "--write=1", f], ["fix", "--", f],
                  ["fix", "-k"], ["fix", "--wri", f]]
    return fast, typer_only


def _positional(args_named):
    """fixrun.run's arguments, as typer's fix passes them (by position) or the fast path (by name)."""
    import inspect
    values, named = args_named
    names = list(inspect.signature(fixrun.run).parameters)
    return dict(zip(names, values), **named)


def test_typer_and_the_fast_path_pass_the_same_values_to_fix(tmp_path):
    fast, typer_only = _fix_matrix(tmp_path)
    for args in fast:
        assert fastlint.parse_fix(args) is not None and fastlint.parse(args) is None, args
        by_fast = _record(args, fast=True)
        by_typer = _record(args, fast=False)
        assert by_fast[:3] == by_typer[:3], args
        assert [_positional(v) for v in by_fast[3]] == [_positional(v) for v in by_typer[3]], args
        assert len(by_fast[3]) == 1, args
    for args in typer_only:
        assert fastlint.parse_fix(args) is None, args


@pytest.mark.parametrize("case", ["preview", "write", "json", "nothing", "bad-version", "stdin"])
def test_both_paths_of_fix_print_the_same_and_exit_alike(tmp_path, monkeypatch, case):
    old = "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: a}\nspec: {backend: {serviceName: s, servicePort: 80}}\n"

    def run(fast: bool):
        f = tmp_path / ("fast" if fast else "typer") / "a.yaml"
        f.parent.mkdir(exist_ok=True)
        f.write_text(old if case != "nothing" else "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")
        args = {"preview": ["fix", "-k", "1.30", str(f)], "write": ["fix", "-k", "1.30", "--write", str(f)],
                "json": ["fix", "-f", "json", "--unsafe-fixes", str(f)], "nothing": ["fix", str(f)],
                "bad-version": ["fix", "-k", "0.1", str(f)], "stdin": ["fix", "-k", "1.30", "-"]}[case]
        with pytest.MonkeyPatch.context() as patch:
            if not fast:
                patch.setattr(fastlint, "parse_fix", lambda args: None)
            result = run_cli(args, stdin=old)
        clean = lambda text: text.replace(str(f.parent), "DIR")
        return result.code, clean(result.out), clean(result.err), f.read_text()
    by_fast, by_typer = run(True), run(False)
    assert by_fast == by_typer
    assert by_fast[0] in (0, 1, 2) and (case != "write" or "networking.k8s.io/v1" in by_fast[3])
