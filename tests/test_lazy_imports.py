"""Start-up cost: `k8slint --version` and a one-file lint import only what they use (a pre-commit hook
pays this on every call)."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import REPO

PROBE = """
import io, json, sys, contextlib
from k8slint.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main(ARGS)
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def _modules_after(args) -> tuple:
    out = subprocess.run([sys.executable, "-c", PROBE.replace("ARGS", repr(args))], cwd=REPO,
                         capture_output=True, text=True, check=True).stdout
    data = json.loads(out.strip().splitlines()[-1])
    return data["code"], set(data["modules"])


def test_version_imports_no_engine():
    code, modules = _modules_after(["--version"])
    assert code == 0
    heavy = {"yaml", "jsonschema", "jsonschema_rs", "k8slint.engine", "k8slint.schemastore", "ruamel.yaml",
             "urllib.request"}
    assert not heavy & modules, sorted(heavy & modules)


def test_one_valid_file_does_not_import_python_jsonschema(tmp_path):
    path = tmp_path / "cm.yaml"
    path.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n")
    _modules_after(["lint", "--strict", "-k", "1.30", str(path)])  # a cold derived cache is written (tempfile)
    code, modules = _modules_after(["lint", "--strict", "-k", "1.30", str(path)])
    assert code == 0
    assert "jsonschema_rs" in modules  # the compiled engine answered
    unused = ({"jsonschema", "urllib.request", "ruamel.yaml", "multiprocessing", "k8slint.fixer",
              "_hashlib",  # (OpenSSL through hashlib: see k8slint/digests.py)
              "tempfile", "glob"})  # (for writes, and for --crd globs)
    assert not unused & modules, sorted(unused & modules)


# What a one-file lint (a pre-commit hook's call) never imports, from the repository root (whose pyproject.toml
# names k8slint but holds no table of ours) and from a directory without one: each costs start-up time.
NOT_FOR_ONE_FILE = {
    "yaml",  # PyYAML: the compiled reader (_yamlfast) reads the file; PyYAML only for what it leaves
    "tomllib",  # no configuration table to read
    "ruamel", "ruamel.yaml", "typer", "click",  # the fast path of lint reads the arguments
    "dataclasses", "inspect",  # @record classes (k8slint.model) register with dataclasses only when asked
    "packaging", "pickle",  # versions read their own numbers; no result cache with K8SLINT_NO_CACHE
    "difflib",  # only for a field the schema does not know ("did you mean ...")
    "k8slint.listitems", "k8slint.atomic", "k8slint.fixer", "k8slint.upgrade", "jsonschema", "multiprocessing",
    # the checks of CRDs and custom resources: no CRD in the file
    "k8slint.crd.defaults_check", "k8slint.crd.normalise", "k8slint.crd.spec_check", "k8slint.schemaformats",
    "email.utils", "socket", "datetime",  # what jsonschema-rs's build date would import (k8slint.fastengine)
}


@pytest.mark.parametrize("where", ["repository", "elsewhere"])
def test_a_one_file_lint_imports_none_of_what_it_does_not_need(tmp_path, where):
    path = tmp_path / "deploy.yaml"
    path.write_text(DEPLOYMENT)
    cwd = REPO if where == "repository" else tmp_path
    probe = PROBE.replace("ARGS", repr(["lint", "--strict", "-k", "1.30", str(path)]))
    for _ in range(2):  # the first run may write the derived caches (rule tables, schema bundles): atomic
        done = subprocess.run([sys.executable, "-c", probe], cwd=cwd, capture_output=True, text=True, check=True,
                              env={**os.environ, "K8SLINT_NO_CACHE": "1", "PYTHONPATH": str(REPO)})
    data = json.loads(done.stdout.strip().splitlines()[-1])
    assert data["code"] == 0
    modules = set(data["modules"])
    assert "jsonschema_rs" in modules and "k8slint.validation" in modules  # it did validate
    assert not NOT_FOR_ONE_FILE & modules, sorted(NOT_FOR_ONE_FILE & modules)


DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports: [{containerPort: 80}]
        resources: {limits: {cpu: 500m, memory: 128Mi}}
"""


def test_a_named_command_builds_only_its_own_click_command(monkeypatch, tmp_path, capsys):
    import typer

    from k8slint.cli import main
    built = []
    real = typer.main.get_command
    monkeypatch.setattr(typer.main, "get_command", lambda typer_app: built.append(real(typer_app)) or built[-1])
    path = tmp_path / "cm.yaml"
    path.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n")
    assert main(["lint", "--strict", "-k1.30", str(path)]) == 0  # (an attached value: typer, not the fast path)
    assert sorted(built[-1].commands) == ["lint"]
    assert main(["--help"]) == 0  # the root's help lists every command
    assert {"lint", "fix", "report", "rules", "explain"} <= set(built[-1].commands)
    assert "report" in capsys.readouterr().out


EXIT_PROBE = """
import atexit, sys, threading, time
from k8slint.cli.main import exit_now

class Torn:
    def __del__(self):
        print("torn down")

kept = Torn()  # freed only by the interpreter's teardown
atexit.register(lambda: print("atexit ran"))
print("buffered", end="")  # still in stdout's buffer: exit_now must flush it
if "thread" in sys.argv:
    threading.Thread(target=lambda: (time.sleep(0.2), print("thread done"))).start()
exit_now(3)
"""


def test_the_program_ends_without_the_interpreter_teardown_but_with_its_output_and_atexit():
    done = subprocess.run([sys.executable, "-c", EXIT_PROBE], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 3
    assert done.stdout.startswith("buffered") and "atexit ran" in done.stdout
    assert "torn down" not in done.stdout  # the teardown (a tenth of a one-file lint) was skipped
    with_thread = subprocess.run([sys.executable, "-c", EXIT_PROBE, "thread"], cwd=REPO, capture_output=True,
                                 text=True)
    assert with_thread.returncode == 3 and "thread done" in with_thread.stdout  # another thread: waited for


def test_under_a_profiler_the_program_exits_normally_so_that_the_profile_is_written(tmp_path):
    out = tmp_path / "prof.out"
    probe = tmp_path / "probe.py"
    probe.write_text(EXIT_PROBE)
    done = subprocess.run([sys.executable, "-m", "cProfile", "-o", str(out), str(probe)], cwd=REPO,
                          capture_output=True, text=True)
    assert "atexit ran" in done.stdout  # (cProfile's own exit code is its own)
    assert out.is_file() and out.stat().st_size > 0  # cProfile writes it after the program returns


def test_the_digests_are_hashlibs():
    import hashlib

    from k8slint import digests
    data = b"apiVersion: v1\nkind: ConfigMap\n"
    assert digests.sha256(data).hexdigest() == hashlib.sha256(data).hexdigest()
    assert digests.blake2b(data, digest_size=20).hexdigest() == hashlib.blake2b(data, digest_size=20).hexdigest()


def test_every_lazy_pattern_compiles_and_answers_as_the_compiled_one():
    import importlib
    import pkgutil
    import re

    import pytest

    import k8slint
    from k8slint.lazyre import PATTERNS, lazy
    for info in pkgutil.walk_packages(k8slint.__path__, "k8slint."):  # every module-level pattern made
        if not info.name.endswith("__main__"):
            importlib.import_module(info.name)
    assert len(PATTERNS) > 10
    for pattern in PATTERNS:
        pattern.compiled()  # a typo in a pattern fails here, not in the run that first meets its input
    fresh = lazy(r"(\w+)=(\d+)", re.I)
    reference = re.compile(r"(\w+)=(\d+)", re.I)
    text = "a=1 B=22 c=x"
    assert fresh.search(text).groups() == reference.search(text).groups()  # first use: compiled
    assert [m.span() for m in fresh.finditer(text)] == [m.span() for m in reference.finditer(text)]
    assert fresh.sub(r"\2", text) == reference.sub(r"\2", text) and fresh.pattern == reference.pattern
    assert "search" in vars(fresh)  # looked up on the instance from then on
    with pytest.raises(AttributeError):
        fresh.nonexistent
