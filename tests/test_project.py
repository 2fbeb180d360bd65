"""Project checks: the set-up commands, generated docs, module layering, rule documentation and coverage."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from conftest import CASES, REPO
from k8slint.rules import all_rules
from k8slint.docgen import generated_files

README = (REPO / "README.md").read_text()


def _readme_commands() -> list:
    return re.findall(r"```sh\n(.+?)\n```", README.split("## Using it")[0], re.S)


def test_readme_starts_with_the_two_setup_commands_and_ci_runs_the_test_one():
    commands = _readme_commands()
    assert len(commands) == 2, commands
    run_examples, run_tests = commands
    assert run_examples.startswith("pip install . && k8slint lint examples/")
    assert "pytest" in run_tests
    ci = (REPO / ".ci" / "run").read_text()
    assert run_tests in ci.splitlines(), "the test command in .ci/run must be the README's"
    assert "venv" in ci


def test_generated_rule_docs_are_fresh():
    docs = REPO / "docs" / "rules"
    expected = generated_files()
    stale = [name for name, text in expected.items()
             if not (docs / name).exists() or (docs / name).read_text() != text]
    extra = sorted(p.name for p in docs.glob("*.md") if p.name not in expected)
    assert not stale and not extra, (f"docs/rules is stale ({len(stale)} files differ, extra: {extra}); "
                                     "run `python -m k8slint.docgen`")


# Each module may import only the modules listed before it (data flows down this list).
LAYERS = ["lazyre", "digests", "model", "printable", "jsontext", "datadir", "projectroot", "versions", "yamlscalars", "yamlread", "sources", "discover", "repocrds",
          "listitems", "loader", "atomic", "cpus",
          "intranges", "schemastore", "removedfields", "re2regex", "apisyntax", "schemaformats", "crds", "cel", "crd", "catalog", "enumscope", "fasterrors", "fastengine", "validation", "identified", "listkeys", "apiserver", "rules", "config", "suppress", "resultcache", "kustomize_inputs", "linter", "engine", "fixer", "upgrade",
          "docgen", "report", "cli", "__main__"]

# Inside the command line, the same rule one level down: codes <- app, options, params, fastlint <- lintrun <-
# the commands <- main.
CLI_LAYERS = [{"codes"}, {"app", "options", "params", "fastlint"}, {"lintrun", "fixrun"}, {"lint", "fix", "report", "info"},
              {"main"}, {"__init__", "__main__"}]


def _layer(module: str) -> str:
    parts = module.split(".")
    layer = parts[1] if len(parts) > 1 else ""
    return layer


def test_imports_only_point_down_the_layers():
    package = REPO / "k8slint"
    problems = []
    for path in package.rglob("*.py"):
        rel = path.relative_to(REPO).with_suffix("")
        module = ".".join(rel.parts)
        if module.endswith("__init__"):
            module = module[: -len(".__init__")]
        own = _layer(module)
        if own not in LAYERS:
            if own:
                problems.append(f"{module}: not in LAYERS")
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            targets = []
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = module.split(".")
                    is_pkg = path.name == "__init__.py"
                    base = base[: len(base) - node.level + (1 if is_pkg else 0)]
                    name = ".".join(base + ([node.module] if node.module else []))
                    targets = [name] if node.module else [f"{name}.{a.name}" for a in node.names]
                else:
                    targets = [node.module or ""]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            for target in targets:
                if not target.startswith("k8slint."):
                    continue
                other = _layer(target)
                if other == own or other not in LAYERS:
                    continue
                if LAYERS.index(other) > LAYERS.index(own):
                    problems.append(f"{module} imports {target} (a later layer)")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.id)
def test_every_rule_is_documented(rule):
    meta = rule.meta
    assert re.fullmatch(r"[A-Z]{3}\d{3}", meta.id)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9.]+)*", meta.name), meta.name
    for section in ("what", "why", "example", "fix"):
        assert getattr(meta.docs, section).strip(), f"{meta.id} has no '{section}' doc"


def test_rule_names_are_unique():
    names = [r.meta.name for r in all_rules()]
    assert len(names) == len(set(names))


def test_every_builtin_rule_has_a_golden_case():
    outputs = "".join(p.read_text() for p in CASES.glob("*/expected.out"))
    missing = [r.id for r in all_rules() if r.id[:3] in ("YML", "SCH", "CRD") and r.id not in outputs]
    assert not missing, f"no golden case shows {missing}"


def test_api_rule_docs_say_what_fix_does():
    from k8slint.docgen import documented
    from k8slint.rules import find_rule
    ingress = documented(find_rule("API040")).meta.docs.fix_safety
    assert ingress.startswith("safe — `k8slint fix` migrates it by default (Ingress to networking.k8s.io/v1")
    psp = documented(find_rule("API065")).meta.docs.fix_safety
    assert psp.startswith("no automatic fix")
    assert documented(find_rule("FLD001")).meta.docs.fix_safety.startswith("Unsafe")  # FLD rules keep their own


def test_the_command_line_modules_import_one_way():
    rank = {name: i for i, names in enumerate(CLI_LAYERS) for name in names}
    package = REPO / "k8slint" / "cli"
    seen, problems = set(), []
    for path in sorted(package.glob("*.py")):
        own = path.stem
        seen.add(own)
        assert own in rank, f"k8slint/cli/{path.name} is not in CLI_LAYERS"
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                names = [node.module] if node.module else [a.name for a in node.names]
                for name in names:
                    target = name.split(".")[0]
                    if target in rank and rank[target] >= rank[own] and target != own:
                        problems.append(f"cli.{own} imports cli.{target}")
    assert {"app", "options", "lint", "fix", "report", "info", "main"} <= seen
    assert not problems, problems


@pytest.mark.parametrize("module", ["k8slint", "k8slint.cli"])
def test_python_dash_m_runs_the_command_line(module):
    import subprocess
    import sys
    done = subprocess.run([sys.executable, "-m", module, "--version"], cwd=REPO, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("k8slint ")


def test_tests_never_install_system_packages():
    """A test command must not change the system: no test runs a system package manager (.ci/run may)."""
    managers = {"apt-get", "apt", "dnf", "yum", "apk", "zypper", "brew"}
    found = []
    for path in (p for p in (REPO / "tests").glob("*.py") if p.name != "test_project.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and node.value in managers:
                found.append(f"{path.name}:{node.lineno}: {node.value}")
    assert not found, found


def test_python_dash_m_k8slint_runs_the_command_line():
    import subprocess
    import sys
    done = subprocess.run([sys.executable, "-m", "k8slint", "--version"], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("k8slint ")
