"""The fast paths give byte-identical output in every format: results answered from the result cache,
checked in forked workers, or checked here one file at a time are the same, on every fixture of the
repository at once (so that CRDs in some fixtures serve custom resources in others)."""
from __future__ import annotations

import pytest

from conftest import REPO
from k8slint.discover import discover
from k8slint.engine import LintOptions, lint
from k8slint.report import FORMATS, render
from k8slint.versions import resolve

FIXTURES = [str(REPO / d) for d in ("examples", "tests/cases", "tests/fixes", "tests/report_cases")
            if (REPO / d).is_dir()]


def _outputs(options, jobs: int) -> dict:
    result = lint(discover(FIXTURES), options, jobs=jobs)
    return {fmt: render(fmt, result, colour=False) for fmt in FORMATS}


@pytest.mark.parametrize("strict", [False, True])
def test_every_format_is_the_same_on_every_path(tmp_path, monkeypatch, strict):
    monkeypatch.delenv("K8SLINT_NO_CACHE", raising=False)
    monkeypatch.setenv("K8SLINT_CACHE_DIR", str(tmp_path / "cache"))
    options = LintOptions(target=resolve("1.30"), strict=strict)
    reference = _outputs(options, jobs=1)  # no cache, one process
    assert '"findings": []' not in reference["json"]
    cached = LintOptions(target=resolve("1.30"), strict=strict, cache=True)
    filled = _outputs(cached, jobs=2)  # workers, filling the cache
    assert any((tmp_path / "cache").rglob("*.pickle"))
    answered = _outputs(cached, jobs=2)  # from the cache
    from k8slint import loader
    parsed: list = []
    real = loader._load_documents
    monkeypatch.setattr(loader, "_load_documents", lambda *a, **k: parsed.append(a[1]) or real(*a, **k))
    answered_here = _outputs(cached, jobs=1)
    monkeypatch.setattr(loader, "_load_documents", real)
    # the second run parsed nothing
    assert not parsed, parsed[:5]
    forked = _outputs(options, jobs=2)
    for fmt in FORMATS:
        assert filled[fmt] == reference[fmt], fmt
        assert answered[fmt] == reference[fmt], fmt
        assert answered_here[fmt] == reference[fmt], fmt
        assert forked[fmt] == reference[fmt], fmt


@pytest.mark.parametrize("select", [("API",), ("SRV", "FLD", "YML")])
def test_a_selection_skips_validation_and_keeps_the_full_runs_findings(monkeypatch, select):
    """Without a SCH or CRD rule selected nothing is validated, and the findings are the full run's."""
    files = discover(FIXTURES)
    full = lint(files, LintOptions(target=resolve("1.30"), strict=True), jobs=1)
    from k8slint.validation import Validator
    monkeypatch.setattr(Validator, "check", lambda *a: pytest.fail("validated without a SCH or CRD rule"))
    selected = lint(files, LintOptions(target=resolve("1.30"), strict=True, select=select), jobs=1)
    expected = [f for f in full.findings if f.rule_id.startswith(select)]
    assert expected
    assert [f.as_dict() for f in selected.findings] == [f.as_dict() for f in expected]


def test_fix_reads_a_file_with_nothing_to_fix_once(tmp_path, monkeypatch):
    """An untouched file is parsed and linted once, without the node tree edits need; its remaining
    findings are lint's."""
    from k8slint import fixer, loader
    from k8slint.fixer import apply
    path = tmp_path / "cm.yaml"
    path.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, labels: {a: -x}}\ndata: {a: 1}\n")
    options = LintOptions(target=resolve("1.30"), strict=True)
    parsed, composed = [], []
    real_load, real_compose = loader._load_documents, apply.compose_documents
    monkeypatch.setattr(loader, "_load_documents", lambda *a, **k: parsed.append(1) or real_load(*a, **k))
    monkeypatch.setattr(apply, "compose_documents", lambda *a: composed.append(1) or real_compose(*a))
    run = fixer.run_fix([str(path)], fixer.FixOptions(options))
    assert (len(parsed), composed) == (1, [])
    assert not run.files[0].changed
    linted = lint([str(path)], options)
    assert [f.as_dict() for f in run.result.findings] == [f.as_dict() for f in linted.findings] != []


def test_fix_reads_rbac_ahead_only_for_a_pod_security_policy(tmp_path):
    """RBAC grants serve only the fix of a PodSecurityPolicy; with one in another file they still name the
    namespaces it is granted in, without one RBAC files are fixed like the others (not read ahead)."""
    from k8slint import fixer
    from k8slint.fixer.apply import _preload_paths
    psp, rbac = (REPO / "tests/fixes/psp/before/psp.yaml").read_text().split("---\n# who may use it")
    (tmp_path / "a-psp.yaml").write_text(psp)
    (tmp_path / "b-rbac.yaml").write_text("# who may use it" + rbac)
    paths = [str(tmp_path / "a-psp.yaml"), str(tmp_path / "b-rbac.yaml")]
    assert _preload_paths(paths, 1 << 20) == paths[1:]
    assert _preload_paths(paths[1:], 1 << 20) == []
    run = fixer.run_fix(paths, fixer.FixOptions(LintOptions(target=resolve("1.30"))))
    assert any("(shop)" in (f.suggestion or "") for f in run.result.findings), run.result.findings


def test_fix_looks_ahead_at_a_plain_file_once(tmp_path, monkeypatch):
    """Choosing the files to read first looks at each file once; only the few that may matter twice more."""
    from k8slint.fixer import apply
    plain, crd = tmp_path / "a.yaml", tmp_path / "b.yaml"
    plain.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n")
    crd.write_text("apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n")
    looked: list = []
    real = apply.mentions
    monkeypatch.setattr(apply, "mentions", lambda p, *a: looked.append(p) or real(p, *a))
    assert apply._preload_paths([str(plain), str(crd)], 1 << 20) == [str(crd)]
    assert looked.count(str(plain)) == 1 and looked.count(str(crd)) == 3


def test_fix_parses_a_file_too_large_to_fix_once(tmp_path, monkeypatch):
    """A file over fix's size limit is linted as read, once (two parses held two copies in memory)."""
    from k8slint import fixer, loader
    path = tmp_path / "big.yaml"
    path.write_text("apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {name: d}\n"
                    + "".join(f"# padding line {i}\n" for i in range(30)))
    options = LintOptions(target=resolve("1.30"), max_file_size=1000)
    assert 1000 * fixer.apply.LINT_BYTES_PER_BYTE // fixer.apply.FIX_BYTES_PER_BYTE < path.stat().st_size < 1000
    parsed = []
    real = loader._load_documents
    monkeypatch.setattr(loader, "_load_documents", lambda *a, **k: parsed.append(1) or real(*a, **k))
    run = fixer.run_fix([str(path)], fixer.FixOptions(options))
    assert len(parsed) == 1
    assert [f.rule_id for f in run.result.findings].count("YML020") == 1
    assert "API" in {f.rule_id[:3] for f in run.result.findings}  # still linted
