"""Documents built straight from libyaml's events are the documents built from the node graph: the same
values, problems, notes and spans, on every YAML file of the repository and on hand-made awkward texts."""
from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from k8slint import yamlread
from k8slint.yamlread import parse_documents

REPO = Path(__file__).resolve().parents[1]
FILES = sorted(p for top in ("tests", "examples") for p in (REPO / top).rglob("*")
               if p.suffix in (".yaml", ".yml", ".json") and p.is_file())

AWKWARD = [
    "a: 1\n---\nb: [1, {c: d}]\n...\n---\n",
    "--- |\n  scalar doc\n...\n---\n--- []\n1.5: f\n",  # an empty document, then one run on without ---
    "--- {flow: doc}\n--- # comment\nx: 'q'\n",
    "s: &a {t: u}\nv: *a\n---\nw:\n  <<: {x: 1}\n  y: 2\n",  # anchors, aliases, merge keys
    "z: 1\nz: 2\n---\nok: 1\n",  # a duplicate key
    "? [complex]\n: key\n---\nplain: yes\non: 1\ny: n\n",  # a complex key; YAML 1.1 booleans
    "p: !!int 12\nq: !!str 12\nr: !custom x\nii: ! foo\njj: !!map {a: 1}\nb: !!binary aGVsbG8=\n",
    "aa: .inf\nbb: 0777\ncc: 1_000\ndd: ~\nee:\n- 1\n- on\n- - nested\n  - list\nhh: 2024-01-01\n",
    "%YAML 1.1\n---\na: 1\n---\nb: 2\n",  # a directive
    "a: 1\r\nb:\r\n  - c\r\n---\r\nd: e\r\n",
    "a: 1\n---\nkk: [unclosed\n---\nb: 2\n",  # a syntax error between two good documents
    "  apiVersion: v1\nkind: X\n---\nc: 3\n",  # a mis-indented head
    "ac: &x 1\nad: &x 2\n",  # a duplicate anchor: a composer error
    "a: *undefined\n",
    "".join("  " * i + f"k{i}:\n" for i in range(140)) + "  " * 140 + "v\n",  # deeper than the JSON view takes
    "# head\n\n\nkind: A\nspec:\n  x: 1\n# tail",
    "",
    "---\n---\n",
]


def _read(text: str, reader) -> list:
    """(value, span, problems, notes, index, value spans, key spans) of each document, with the given chunk
    reader and empty scalar caches (a cached scalar carries no note; both readers must start alike)."""
    yamlread._PLAIN_KEYS.clear()
    yamlread._PLAIN_VALUES.clear()
    real = yamlread._parse_chunk
    yamlread._parse_chunk = reader
    try:
        docs = parse_documents(text, 2, 7)
    finally:
        yamlread._parse_chunk = real
    out = []
    for d in docs:
        spans = None
        if not any(p.rule_id == "YML006" for p in d.problems):  # an alias bomb has too many paths to list
            spans = ([(p, d.value_spans.get(p)) for p in itertools.islice(d.value_spans, 20_000)],
                     [(p, d.key_spans.get(p)) for p in itertools.islice(d.key_spans, 20_000)])
        out.append((repr(d.value), d.span, d.problems, d.notes, d.index, spans))
    return out


@pytest.fixture(autouse=True)
def _python_readers(monkeypatch):
    """This file compares the two Python readers (tests/test_yaml_compiled.py the compiled one with them)."""
    monkeypatch.setattr(yamlread, "_use_fast", False)


def _same(text: str):
    assert _read(text, yamlread._parse_chunk) == _read(text, yamlread._parse_chunk_nodes)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_event_reader_matches_node_reader_on_repository_files(path):
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        pytest.skip("not UTF-8: the loader refuses it before parsing")
    _same(text)


@pytest.mark.parametrize("text", AWKWARD)
def test_event_reader_matches_node_reader_on_awkward_texts(text):
    _same(text)


def test_spans_are_composed_only_when_looked_up():
    doc = parse_documents("a: 1\n---\nb:\n  c: [x, y]\n")[1]
    assert isinstance(doc.value_spans._root, yamlread._LazyRoot)
    assert doc.value_spans[("b", "c", 1)].line == 4 and doc.key_spans[("b", "c")].column == 3


def test_yaml11_boolean_key_noted_wherever_it_appears():
    # the key cache used to swallow the note after the first file that had such a key
    for _ in range(2):
        assert ("yaml11-bool", ("<key>",), "on") in parse_documents("on: 1\n")[0].notes


@pytest.mark.parametrize("head", ["%YAML 1.1\n---\n", ""])
def test_looking_up_every_document_reads_the_text_a_bounded_number_of_times(head, monkeypatch):
    # a span per document must not cost a scan or a parse of the whole text each (quadratic on a big file)
    text = head + "".join(f"a{i}: {i}\n---\n" for i in range(300))
    docs = parse_documents(text)
    parsers, searches = [], []
    real_parser, real_directive = yamlread._Parser, yamlread._DIRECTIVE

    class Counting(real_parser):
        def __init__(self, text):
            parsers.append(len(text))
            super().__init__(text)

    class Directive:
        def search(self, text):
            searches.append(len(text))
            return real_directive.search(text)

    monkeypatch.setattr(yamlread, "_Parser", Counting)
    monkeypatch.setattr(yamlread, "_DIRECTIVE", Directive())
    for i, doc in enumerate(docs[:-1]):
        assert doc.key_spans[(f"a{i}",)].line == 2 * i + 1 + 2 * bool(head)
    assert len(searches) <= 1
    assert sum(parsers) <= 3 * len(text)  # each document's own text once, or the whole text once
