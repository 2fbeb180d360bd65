"""The report migrates an object in memory from its own document's text (fixer.inmemory.document_regions)
where the file splits simply, instead of composing every document of the file: every output format must be
exactly that of composing the whole text, and each region must compose into the nodes the whole text has."""
from __future__ import annotations

import pytest

from conftest import REPO, run_cli
from k8slint.fixer import inmemory
from k8slint.fixer.inmemory import document_regions
from k8slint.yamlread import compose_documents

FIXTURES = [REPO / d for d in ("examples", "tests/cases", "tests/fixes", "tests/report_cases")]

DEPLOYMENT = ("apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n"
              "  replicas: {replicas}\n  template:\n    metadata: {{labels: {{a: b}}}}\n"
              "    spec:\n      containers:\n      - name: c\n        image: i\n")


def _report(paths, monkeypatch, per_document: bool, fmt: str, *extra) -> tuple:
    monkeypatch.setattr(inmemory.FileMigrator, "per_document", per_document)
    result = run_cli(["report", "--from", "1.16", "--to", "1.30", "-f", fmt, "-j", "1", *extra, *map(str, paths)])
    return result.code, result.out, result.err


def _tricky_files(tmp_path) -> list:
    """Multi-document files: the split kind, and each kind that must go to the whole composition."""
    one, two = DEPLOYMENT.format(name="a", replicas=2), DEPLOYMENT.format(name="b", replicas="x")
    texts = {
        "split.yaml": f"# head comment\n---\n{one}# trailing comment\n---   \n{two}",
        "implicit-first.yaml": f"{one}---\n{two}---\n{one.replace('name: a', 'name: c')}",
        "indented-json.yaml": one + '---\n{"apiVersion": "extensions/v1beta1", "kind": "Deployment",\n'
                              ' "metadata": {"name": "j"}, "spec": {"template": {"spec": {"containers":\n'
                              '   [{"name": "c", "image": "i"}]}}}}\n',
        "directive.yaml": f"%YAML 1.1\n---\n{one}---\n{two}",
        "document-end.yaml": f"{one}...\n---\n{two}",
        "tagged.yaml": f"{one}--- !!map\n{two}",
        "anchor.yaml": f"{one}---\n{two.replace('image: i', 'image: &img i')}",
        "empty-document.yaml": f"{one}---\n---\n{two}",
        "crlf.yaml": f"{one}---\n{two}".replace("\n", "\r\n"),
        "four-space.yaml": f"{one.replace('  ', '    ')}---\n{two}",
    }
    paths = []
    for name, text in texts.items():
        path = tmp_path / name
        path.write_bytes(text.encode())
        paths.append(path)
    return paths


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "json"])
def test_report_of_every_fixture_is_the_same_as_composing_whole_files(monkeypatch, fmt):
    whole = _report(FIXTURES, monkeypatch, False, fmt)
    assert whole[1]
    assert _report(FIXTURES, monkeypatch, True, fmt) == whole


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_report_of_tricky_multi_document_files_is_the_same(tmp_path, monkeypatch, fmt):
    paths = _tricky_files(tmp_path)
    whole = _report(paths, monkeypatch, False, fmt, "--strict")
    if fmt == "json":
        assert '"after-migration"' in whole[1] and '"fix": "safe"' in whole[1]
    assert _report(paths, monkeypatch, True, fmt, "--strict") == whole


def test_regions_are_found_only_where_the_text_splits_simply(tmp_path):
    found = {p.name: document_regions(p.read_bytes().decode()) for p in _tricky_files(tmp_path)}
    assert [len(found[n]) for n in ("split.yaml", "implicit-first.yaml", "indented-json.yaml", "four-space.yaml")] \
        == [2, 3, 2, 2]
    for name in ("directive.yaml", "document-end.yaml", "tagged.yaml", "anchor.yaml", "empty-document.yaml",
                 "crlf.yaml"):
        assert found[name] is None, name


def _shape(node, base: int) -> tuple:
    """A node's tree as the fixer sees it: kinds, tags, values, styles, columns, offsets from `base`."""
    marks = (node.start_mark.index - base, node.end_mark.index - base, node.start_mark.column)
    if not isinstance(node.value, list):  # a scalar
        return (type(node).__name__, node.tag, node.value, node.style, marks)
    children = tuple((_shape(c[0], base), _shape(c[1], base)) if isinstance(c, tuple) else _shape(c, base)
                     for c in node.value)
    return (type(node).__name__, node.tag, node.flow_style, marks, children)


def test_each_region_composes_into_the_whole_texts_nodes(tmp_path):
    texts = [p.read_bytes().decode() for p in _tricky_files(tmp_path)]
    texts += [p.read_bytes().decode("utf-8", "replace") for d in FIXTURES for p in sorted(d.rglob("*.y*ml"))
              if p.is_file()]
    split = 0
    for text in texts:
        regions = document_regions(text)
        if regions is None:
            continue
        try:
            roots = compose_documents(text)
        except Exception:  # noqa: BLE001 - a broken fixture: the report refuses it on both paths
            continue
        assert len(roots) == len(regions)
        for (start, end), root in zip(regions, roots):
            own = compose_documents(text[start:end])
            assert len(own) == 1
            assert _shape(own[0], 0) == _shape(root, start)
            split += 1
    assert split > 20


def test_an_object_without_findings_is_judged_as_the_whole_way_would(monkeypatch):
    """analyse_object answers an object without findings at once: the same ObjectReport as judge_object."""
    from k8slint.upgrade import analyse
    seen = []
    original = analyse.Analyser.analyse_object

    def both(self, resource, anchor, findings, state):
        got = original(self, resource, anchor, findings, state)
        if not findings:  # compared now: the report numbers its objects later
            seen.append((got, self.judge_object(resource, anchor, findings, state), repr(got)))
        return got

    monkeypatch.setattr(analyse.Analyser, "analyse_object", both)
    _report(FIXTURES, monkeypatch, True, "json")
    assert len(seen) > 20
    assert [(text, whole) for _, whole, text in seen if text != repr(whole)] == []
    assert "valid" in {quick.validity.result for quick, _, _ in seen}


def test_plain_ok_answers_from_its_memo_as_it_would_again(monkeypatch):
    """The fixer's plain_ok (which the report's migrations ask about every key and value they write)
    remembers its answers: each is the one the check itself gives, the first time and the next."""
    from k8slint.fixer import render
    monkeypatch.setattr(render, "_PLAIN_OK", {})
    monkeypatch.setattr(render, "_PLAIN_OK_SIZE", 8)
    texts = ["apps/v1", "yes", "on", "2001-12-14", "1e3", "0x1F", "a, b", "- x", "a: b", "null", "~", " x", "x #y",
             "v1.2", "1.20", "=", "<<", "*a", "!t", "plain words", ""]
    for _ in range(3):
        for text in texts:
            for flow in (False, True):
                assert render.plain_ok(text, flow) == render._plain_ok(text, flow), (text, flow)
    assert 0 < len(render._PLAIN_OK) <= 8
