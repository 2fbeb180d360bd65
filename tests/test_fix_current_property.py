"""Property: for random (C, T) pairs and random manifests from the test fixtures, `fix --current-version C
-k T --write` never writes a file that `lint -k C` rejects where it accepted the original: no object gets an
error at C that it did not have before (a removed API, a field C does not know, a schema error)."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO
from k8slint.engine import Linter, LintOptions
from k8slint.fixer import FixOptions, run_fix
from k8slint.loader import load_path
from k8slint.model import Severity
from k8slint.versions import KubeVersion, embedded_versions

TESTS = Path(__file__).resolve().parent
SKIP = {"case.yaml", "expected.out", "README.md"}
FIXTURES = sorted(p for root in (TESTS / "fixes", TESTS / "data" / "era-2019", REPO / "examples")
                  for p in root.rglob("*") if p.is_file() and p.suffix in (".yaml", ".yml", ".json")
                  and p.name not in SKIP and "/after/" not in p.as_posix())
VERSIONS = [v for v in embedded_versions() if KubeVersion(1, 12) <= v]


def _errors(path: Path, version: KubeVersion) -> set:
    """(object, rule) of every error lint -k version (strict, as kubectl 1.27+ validates) reports."""
    linter = Linter(LintOptions(target=version, strict=True))
    loaded = load_path(str(path), 10 * 1024 * 1024)
    linter.register_crds(loaded)
    return {((f.obj.kind, f.obj.namespace, f.obj.name) if f.obj else None, f.rule_id)
            for f in linter.check_file(loaded) if f.severity == Severity.ERROR}


@st.composite
def cases(draw):
    fixture = draw(st.sampled_from(FIXTURES))
    i = draw(st.integers(0, len(VERSIONS) - 1))
    j = draw(st.integers(i, len(VERSIONS) - 1))
    return fixture, VERSIONS[i], VERSIONS[j], draw(st.booleans())


def test_there_are_fixtures_and_versions():
    assert len(FIXTURES) >= 30 and len(VERSIONS) >= 20


@settings(max_examples=int(os.environ.get('K8SLINT_PROPERTY_EXAMPLES', '30')), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=cases())
def test_fix_for_a_running_cluster_never_writes_what_it_rejects(case, tmp_path_factory):
    fixture, current, target, unsafe = case
    work = tmp_path_factory.mktemp("fix") / fixture.name
    shutil.copyfile(fixture, work)
    before = _errors(work, current)
    run_fix([str(work)], FixOptions(LintOptions(target=target, current=current), unsafe=unsafe, write=True))
    new = _errors(work, current) - before
    assert not new, f"fix --current-version {current} -k {target} wrote what lint -k {current} rejects: {sorted(new)}"
