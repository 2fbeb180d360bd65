"""Hostile input, second round (issue 17): each case once hung, blew up or crashed. Every one must finish
fast, in-process, with a finding on the offending place and without hiding the other documents."""
from __future__ import annotations

import time

import pytest

from conftest import run_cli
from k8slint import yamlread
from k8slint.loader import load_pieces, load_text
from k8slint.sources import find_unrendered_template
from k8slint.yamlread import MAX_BROKEN_DOCUMENTS
from k8slint.yamlscalars import resolve_plain

CM = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: %s}\ndata:\n"
OTHER = "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: other}\ndata: {a: b}\n"


def _load(text: str, seconds: float = 5.0):
    # CPU time, not wall time: quadratic work shows either way, and a machine busy with other work (a CI
    # runner, the rest of the suite in parallel) does not inflate it several times over
    start = time.process_time()
    loaded = load_text(text, "x.yaml")
    assert time.process_time() - start < seconds
    return loaded


def _ids(loaded) -> list:
    return [f.rule_id for f in loaded.findings]


def test_merge_key_bomb_is_refused_quickly():
    lines = ["  m0: &m0 {a: 1, b: 2}"] + [f"  m{i}: &m{i} {{<<: [*m{i - 1}, *m{i - 1}]}}" for i in range(1, 31)]
    loaded = _load(CM % "bomb" + "\n".join(lines) + "\n" + OTHER)
    assert "YML006" in _ids(loaded)
    assert [r.name for r in loaded.resources] == ["other"]


@pytest.mark.parametrize("text", ["data: &a {<<: *a}\n", "data: &a {x: {<<: *a}}\n", "data: &a [*a]\n",
                                  "data: &a {<<: [{b: 1}, *a]}\n"])
def test_recursive_alias_or_merge_is_a_finding(text):
    loaded = _load(CM.replace("data:\n", "") % "rec" + text + OTHER)
    refused = [f for f in loaded.findings if f.rule_id == "YML006"]
    assert refused and "recursive" in refused[0].message
    assert [r.name for r in loaded.resources] == ["other"]


def test_many_duplicate_keys_cost_linear_time():
    text = CM % "dup" + "".join(f"  k{i}: v\n" for i in range(50_000)) + "  dup: v\n" * 50_000
    loaded = _load(text)
    dups = [f for f in loaded.findings if f.rule_id == "YML002"]
    assert len(dups) == 49_999 and "first at line 50005" in dups[0].message


def test_three_hundred_thousand_broken_documents():
    # a few seconds (one small parser per broken document, one finding for all but the first 100);
    # quadratic work would take minutes (bench/broken_documents.py times the CLI)
    loaded = _load("---\n@\n" * 300_000 + OTHER, seconds=30)
    broken = [f for f in loaded.findings if f.rule_id == "YML001"]
    assert len(broken) == MAX_BROKEN_DOCUMENTS + 1
    assert [f.line for f in broken[:2]] == [2, 4] and broken[-2].line == 2 * MAX_BROKEN_DOCUMENTS
    summary = broken[-1]
    assert summary.line == 2 * MAX_BROKEN_DOCUMENTS + 2 and "\n" not in summary.message
    assert f"{300_000 - MAX_BROKEN_DOCUMENTS:,} more documents" in summary.message and "-600000)" in summary.message
    assert [r.name for r in loaded.resources] == ["other"]  # the valid document after them is still checked


def test_alternating_broken_and_valid_documents():
    text = "".join(f"---\n@{i}\n---\n" + CM % f"c{i}" + "  a: b\n" for i in range(300))  # 8 lines each
    loaded = _load(text)
    broken = [f for f in loaded.findings if f.rule_id == "YML001"]
    assert [f.line for f in broken[:-1]] == [8 * i + 2 for i in range(MAX_BROKEN_DOCUMENTS)]
    assert "cannot start any token" in broken[0].message and "200 more documents" in broken[-1].message
    assert [r.name for r in loaded.resources] == [f"c{i}" for i in range(300)]
    assert [r.doc_span.line for r in loaded.resources[:3]] == [4, 12, 20]
    assert [r.doc_index for r in loaded.resources[:3]] == [1, 3, 5]


def test_broken_documents_are_counted_per_input_across_pieces():
    text = "---\n@\n" * 300 + OTHER + "---\n@\n" * 300
    pieces = list(load_pieces("-", data=text.encode(), piece_chars=600))
    assert len(pieces) > 2
    broken = [f for p in pieces for f in p.findings if f.rule_id == "YML001"]
    assert len(broken) == MAX_BROKEN_DOCUMENTS + 1 and "500 more documents" in broken[-1].message
    assert broken[-1] in pieces[-1].findings
    assert [r.name for p in pieces for r in p.resources] == ["other"]
    whole = load_text(text, "<stdin>")
    assert [(f.line, f.message) for f in whole.findings] == [(f.line, f.message) for f in broken]


def test_recovery_after_an_error_keeps_every_valid_document_and_its_place():
    docs = [CM % f"n{i}" + "  a: b\n" for i in range(50)]
    docs[7] = "a: [1, 2\n"  # an open bracket: the error is found at the next `---`
    docs[30] = "@\n"
    text = "---\n" + "---\n".join(docs)
    lines = text.split("\n")
    loaded = _load(text)
    broken = [f for f in loaded.findings if f.rule_id == "YML001"]
    assert [f.line for f in broken] == [lines.index("a: [1, 2") + 2, lines.index("@") + 1]
    assert [r.name for r in loaded.resources] == [f"n{i}" for i in range(50) if i not in (7, 30)]
    assert loaded.resources[-1].doc_span.line == lines.index("metadata: {name: n49}") - 1
    assert [r.doc_index for r in loaded.resources][6:8] == [6, 8]  # the broken ones keep their place


@pytest.mark.parametrize("template", ["a: {}\n", 'a: "{}"\n', "a: '{}'\n", "a: 1  # {}\n", "# {}\n"])
def test_template_scan_of_many_unclosed_actions_is_linear(template):
    text = template.format("{{ " * 40_000)
    start = time.process_time()  # CPU time: a busy machine does not inflate it
    find_unrendered_template(text)
    assert time.process_time() - start < 2


def test_template_actions_still_recognised():
    assert find_unrendered_template('a: "{{- .Values.x -}}"\n').reason == "helm-object"
    assert find_unrendered_template('a: "{{ $labels.instance }}"\n') is None
    assert find_unrendered_template("a: 1 # {{ .Values.x }}\n") is None
    assert find_unrendered_template("{{- if .Values.x }}\na: 1\n{{- end }}\n").reason == "structure"


@pytest.mark.parametrize("digits", [4301, 5000, 100_000])
def test_huge_integers_are_strings_as_for_go(digits):
    assert resolve_plain("9" * digits) == float("inf")  # the reader keeps non-finite numbers as their text
    loaded = _load(CM % "n" + "  a: " + "9" * digits + "\n")
    assert loaded.resources[0].data["data"]["a"] == "9" * digits
    assert resolve_plain("0x" + "f" * 16) == (1 << 64) - 1 and resolve_plain("00005") == 5


@pytest.mark.parametrize("line", [" " * 1000, "  e: " + "-" * 1000, "#" + " " * 1000 + "x", "  a: \"" + "[" * 1001 + "\"",
                                  "  b: '" + "{" * 1001 + "'", "  c: 1 # " + "[" * 1001, "  d: |\n    " + "-" * 1500])
def test_nesting_guard_counts_real_depth_only(line):
    loaded = _load(CM % "flat" + "  x: y\n" + line + "\n" + OTHER)
    assert "YML006" not in _ids(loaded), loaded.findings
    assert sorted(r.name for r in loaded.resources) == ["flat", "other"]


@pytest.mark.parametrize("deep", ["a: " + "[" * 1200 + "]" * 1200 + "\n", "- " * 1200 + "x\n",
                                  "".join(" " * i + f"k{i}:\n" for i in range(1200)) + " " * 1200 + "v\n"])
def test_a_deep_document_is_refused_alone(deep):
    loaded = _load(CM % "first" + "  a: b\n---\n" + deep + OTHER)
    refused = [f for f in loaded.findings if f.rule_id == "YML006"]
    assert refused and refused[0].line >= 6
    assert sorted(r.name for r in loaded.resources) == ["first", "other"]


@pytest.mark.parametrize("text", ["a: b\x07c\n", "a: [\n b: c\n", "a: 'x\n", "\t- a\n"])
def test_syntax_error_messages_are_one_line(text):
    loaded = _load(text)
    assert loaded.findings and all("\n" not in f.message for f in loaded.findings)


@pytest.mark.parametrize("args", [["fix", "-k", "1.30"], ["fix", "-k", "1.30", "--write"],
                                  ["report", "--from", "1.28", "--to", "1.30"]])
def test_fix_and_report_parse_a_broken_file_once(args, tmp_path, monkeypatch):
    path = tmp_path / "broken.yaml"
    text = "---\n@\n" * 1_000 + OTHER
    path.write_text(text)
    parsed = []
    real = yamlread._parse_recovering
    monkeypatch.setattr(yamlread, "_parse_recovering", lambda *a: parsed.append(a[0]) or real(*a))
    result = run_cli([*args, "-j", "1", str(path)])
    assert result.code == 1 and "900 more documents with YAML errors" in result.out
    assert parsed == [text]  # read once: no second pass over 1,000 broken documents for the final lint
    assert path.read_text() == text


@pytest.mark.parametrize("shape", ["documents", "list items", "pieces"])
def test_documents_that_are_no_objects_are_reported_one_by_one_up_to_a_limit(shape):
    """16 MiB of `---\\na: 1\\n` made 1.8 million YML003 findings (1.6 GB): the first MAX_NOT_OBJECTS are
    reported, the rest in one finding with their count and lines, and the objects among them are checked."""
    from k8slint.yamlread import MAX_NOT_OBJECTS
    n = MAX_NOT_OBJECTS + 150
    if shape == "list items":
        text = "apiVersion: v1\nkind: List\nitems:\n" + "- just a string\n" * n + "- " + OTHER[4:].replace("\n", "\n  ")
        loaded = _load(text)
        findings, names = loaded.findings, [r.name for r in loaded.resources]
        first, last = 4 + MAX_NOT_OBJECTS, 3 + n
    else:
        text = "---\na: 1\n" * n + OTHER
        if shape == "pieces":
            pieces = list(load_pieces("x.yaml", piece_chars=64, data=text.encode()))
            assert len(pieces) > 10
            findings, names = [f for p in pieces for f in p.findings], [r.name for p in pieces for r in p.resources]
        else:
            loaded = _load(text)
            findings, names = loaded.findings, [r.name for r in loaded.resources]
        first, last = 2 * MAX_NOT_OBJECTS + 2, 2 * n
    skipped = [f for f in findings if f.rule_id == "YML003"]
    assert len(skipped) == MAX_NOT_OBJECTS + 1 and names == ["other"]
    summary = skipped[-1]
    assert f"150 more documents that are not a Kubernetes object (lines {first}-{last})" in summary.message
    assert summary.line == first


def test_a_short_text_of_thousands_of_documents_is_read_in_pieces_of_a_bounded_count():
    """The parsed form of a document costs a few hundred bytes beyond its text: a megabyte of tiny documents
    read whole took 200 MB. Pieces hold at most loader.PIECE_DOCUMENTS documents, whatever their size."""
    from k8slint import loader
    text = "".join(f"---\napiVersion: v1\nkind: Namespace\nmetadata: {{name: n{i}}}\n" for i in range(5000))
    assert len(text) < loader.PIECE_CHARS
    pieces = list(load_pieces("x.yaml", data=text.encode()))
    assert len(pieces) == 3 and all(len(p.documents) <= loader.PIECE_DOCUMENTS for p in pieces)
    whole = load_text(text, "x.yaml")
    assert [(r.name, r.doc_index, r.doc_span) for p in pieces for r in p.resources] == \
        [(r.name, r.doc_index, r.doc_span) for r in whole.resources]
