"""The compiled YAML reader (k8slint/_yamlfast.c) gives what the Python readers give: the same values,
problems, notes and spans on every YAML and JSON file of the repository, on the hostile inputs of the suite
and on generated manifests; what it does not take it hands back to them.

Skipped where the extension was not built (no libyaml headers), unless K8SLINT_REQUIRE_YAMLFAST is set
(.ci/run sets it): then its absence is a failure."""
from __future__ import annotations

import os
import subprocess
import sys
import types

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from k8slint import yamlread
from test_hostile import HOSTILE
from test_hostile_property import ODD_SCALARS, SIZED
from test_yaml_events import AWKWARD, FILES, REPO, _read

REQUIRED = bool(os.environ.get("K8SLINT_REQUIRE_YAMLFAST"))


@pytest.fixture(autouse=True)
def compiled():
    if yamlread._fast is None:
        if REQUIRED:
            pytest.fail("K8SLINT_REQUIRE_YAMLFAST is set but k8slint._yamlfast does not import")
        pytest.skip("k8slint._yamlfast was not built here (python hatch_build.py builds it in place)")


def _documents(text: str, fast: bool, monkeypatch, paths=None) -> tuple:
    """(what _read gives, how many texts the compiled reader took, how many lookups it answered) with the
    compiled reader on or off; with `paths` (per document), the spans of those paths looked up one by one
    in documents read afresh (_read lists every path first, which composes the document)."""
    taken, walked = [], []
    real = yamlread._fast

    def read_chunk(*args):
        got = real.read_chunk(*args)
        taken.append(got is not None)
        return got

    def find_node(*args):
        got = real.find_node(*args)
        walked.append(got is not NotImplemented)
        return got

    with monkeypatch.context() as patch:
        patch.setattr(yamlread, "_use_fast", fast)
        patch.setattr(yamlread, "_fast", types.SimpleNamespace(read_chunk=read_chunk, find_node=find_node))
        read = _read(text, yamlread._parse_chunk)
        took = sum(taken)
        looked = None
        if paths is not None:
            yamlread._PLAIN_KEYS.clear()
            yamlread._PLAIN_VALUES.clear()
            docs = yamlread.parse_documents(text, 2, 7)
            looked = [[(p, d.value_spans.get(p), d.key_spans.get(p)) for p in wanted]
                      for d, wanted in zip(docs, paths)]
        return read, took, sum(walked), looked


def _probes(read: list) -> list:
    """Per document: every path it has (from _read's listing), and some it has not."""
    out = []
    for *_, spans in read:
        have = [p for p, _ in spans[0]][:60] if spans else []
        out.append(have + [p + extra for p in have[:8] for extra in (("zz",), (0,), (99,), (True,))] + [(1 << 70,)])
    return out


def _same(text: str, monkeypatch) -> int:
    """Both readers agree on `text` (values, problems, notes, spans listed and spans looked up one by one);
    returns how many texts the compiled reader took."""
    python, none, _, _ = _documents(text, False, monkeypatch)
    paths = _probes(python)
    _, _, _, python_looked = _documents(text, False, monkeypatch, paths)
    compiled, taken, _, compiled_looked = _documents(text, True, monkeypatch, paths)
    assert none == 0
    assert compiled == python
    assert compiled_looked == python_looked
    return taken


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_compiled_reader_matches_python_reader_on_repository_files(path, monkeypatch):
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        pytest.skip("not UTF-8: the loader refuses it before parsing")
    _same(text, monkeypatch)


# explicit keys in flow sequences: the system's libyaml 0.2.5 accepts `[ ? ] ]`, PyYAML's newer bundled one not
EXPLICIT_KEYS = ["a: [ ? ] ]\n", "a: [ ? ]\n", "a: [ ? x ]\n", "a: [ ? x : y ]\n", "a: [ x: y ]\n", "? a\n: b\n",
                 "a: {? b}\n", "a: [?]\n", "a: '?'\n# what? \n"]


@pytest.mark.parametrize("text", AWKWARD + EXPLICIT_KEYS)
def test_compiled_reader_matches_python_reader_on_awkward_texts(text, monkeypatch):
    _same(text, monkeypatch)


def _decoded(data) -> str | None:
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_compiled_reader_matches_python_reader_on_hostile_files(name, monkeypatch):
    text = _decoded(HOSTILE[name])
    if text is None:
        pytest.skip("not UTF-8: the loader refuses it before parsing")
    _same(text, monkeypatch)


@pytest.mark.parametrize("family", sorted(SIZED))
def test_compiled_reader_matches_python_reader_on_sized_hostile_families(family, monkeypatch):
    build, smallest, largest, _ = SIZED[family]
    for size in (smallest, largest):
        _same(build(size), monkeypatch)


def test_compiled_reader_takes_simple_documents_and_leaves_the_rest(monkeypatch):
    assert _same("a: 1\nb: [x, {c: on}]\n---\n- 'q'\n- .inf\n", monkeypatch) == 1
    for other in ("a: &x 1\nb: *x\n", "a: 1\na: 2\n", "a: {<<: {b: 1}}\n", "? [k]\n: v\n", "a: !!map {b: 1}\n",
                  "a: [unclosed\n", "".join("  " * i + f"k{i}:\n" for i in range(140)) + "  " * 140 + "v\n"):
        assert _same(other, monkeypatch) == 0, other


def test_spans_of_simple_documents_are_found_by_walking_events_not_by_composing(monkeypatch):
    text = "a: 1\n---\nb:\n  c: [x, {d: on}]\n  'e': !!str f\n"
    python, _, _, _ = _documents(text, False, monkeypatch)
    paths = [[("b", "c", 1, "d"), ("b", "e"), ("b", "zz"), ("b", "c", 7)]] * 2
    _, _, walked, looked = _documents(text, True, monkeypatch, paths)
    assert walked >= 5
    [(_, d_value, d_key), (_, e_value, _), (_, missing, _), _] = looked[1]
    assert (d_value.line, d_value.column, d_key.column, e_value.column, missing) == (6, 14, 11, 8, None)  # (line offset 2)
    doc = yamlread.parse_documents(text)[1]
    assert doc.value_spans[("b", "c")].column == 6 and doc.value_spans._root.found is None  # nothing composed


def test_a_document_looked_up_at_many_paths_is_composed_once(monkeypatch):
    text = "".join(f"k{i}: {i}\n" for i in range(100))
    doc = yamlread.parse_documents(text)[0]
    assert [doc.key_spans[(f"k{i}",)].line for i in range(100)] == list(range(1, 101))
    assert doc.key_spans._root.__class__ is not yamlread._LazyRoot  # composed after _MAX_FINDS walks


def test_compiled_reader_keeps_notes_and_problems_in_place(monkeypatch):
    text = "on: yes\nx: [.inf, !!int 12, !!bool maybe, !custom t, ! 5, \"s\"]\n.nan: y\n"
    assert _same(text, monkeypatch) == 1
    doc = yamlread.parse_documents(text)[0]
    assert ("yaml11-bool", ("<key>",), "on") in doc.notes and ("yaml11-bool", ("true",), "yes") in doc.notes
    assert [(p.rule_id, p.line, p.column, p.path) for p in doc.problems] == [
        ("YML001", 2, 5, ("x", 0)), ("YML005", 2, 21, ("x", 2)), ("YML005", 2, 35, ("x", 3))]


# Generated manifests: block and flow collections whose scalars are drawn from words that resolve oddly in
# YAML 1.1, quoted and tagged forms, and the constructs the compiled reader hands back (anchors, aliases,
# merge keys, duplicates), written out as text so that both readers see the very same characters.
WORDS = ["yes", "on", "No", "y", "~", "null", "0777", "0x1F", "1_000", "1e3", "-.5", ".inf", "-.Inf", ".NaN", "12:30",
         "2024-01-01", "3.0", "+12", "0b101", "1e400", "true", "web", "nginx:1.25", "'quoted'", '"dq\\n"', "!!str 5",
         "!!int 7", "!!float x", "! bare", "!x tag", "&a anchored", "*a", "<<", "|\n  block\n", ">-\n  folded\n",
         "\"\\u263a\"", "caf\u00e9", "\U0001F600", "''", "-", "a b", "x#y", "[]", "{}"]
KEYS = ["a", "b", "name", "on", "y", "1", "1.0", "0x1", "~", "<<", "'q'", '"k"', "!!str k", "true", "a", "Y"]
scalars = st.sampled_from(WORDS)
keys = st.sampled_from(KEYS)
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.lists(st.tuples(keys, inner), max_size=4)), max_leaves=20)


def _block(value, indent: int) -> str:
    pad = " " * indent
    if isinstance(value, str):
        return " " + value.replace("\n", "\n" + pad + "  ") + "\n"
    if not value:
        return " []\n"
    lines = "\n"
    for item in value:
        if isinstance(item, tuple):
            lines += f"{pad}{item[0]}:{_block(item[1], indent + 2)}"
        else:
            lines += f"{pad}-{_block(item, indent + 2)}"
    return lines


def _flow(value) -> str:
    if isinstance(value, str):
        return value if "\n" not in value and not value.startswith(("|", ">")) else "'x'"
    if value and isinstance(value[0], tuple):
        return "{" + ", ".join(f"{k}: {_flow(v)}" if isinstance(k, str) else _flow(k) for k, v in value) + "}"
    return "[" + ", ".join(_flow(v[1]) if isinstance(v, tuple) else _flow(v) for v in value) + "]"


@given(st.lists(st.tuples(st.booleans(), st.lists(st.tuples(keys, values), min_size=1, max_size=5)),
                min_size=1, max_size=3))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_compiled_reader_matches_python_reader_on_generated_manifests(monkeypatch, docs):
    parts = []
    for flow, mapping in docs:
        parts.append(_flow(mapping) + "\n" if flow else _block(mapping, 0).lstrip("\n"))
    _same("---\n".join(parts), monkeypatch)


@given(st.lists(st.sampled_from(ODD_SCALARS + WORDS), min_size=1, max_size=8))
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_compiled_reader_matches_python_reader_on_odd_scalars(monkeypatch, lines):
    _same("".join(f"k{i}: {line}\n" if ": " not in line else line + "\n" for i, line in enumerate(lines)),
          monkeypatch)


@given(st.text(alphabet=st.sampled_from(list("ab:- \n\t[]{}\"'&*!|>#%@`,~0123456789.\\<\r?")), max_size=120))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_compiled_reader_matches_python_reader_on_random_text(monkeypatch, text):
    _same(text, monkeypatch)  # mostly broken YAML: where the compiled reader must hand the text back


def test_the_installed_package_has_the_extension(tmp_path):
    """The installed k8slint (not this checkout) carries the extension; where k8slint is not installed
    (running from a checkout) there is nothing to check."""
    probe = ("import importlib.util, sys\n"
             "spec = importlib.util.find_spec('k8slint')\n"
             "if spec is None: sys.exit(3)\n"
             "import k8slint._yamlfast\n")
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True)
    if done.returncode == 3:
        pytest.skip("k8slint is not installed in this interpreter")
    assert done.returncode == 0, done.stderr


def test_without_the_extension_or_with_pure_python_the_python_readers_read_it_all(tmp_path):
    """An extension that does not load (no libyaml.so on the machine) is no error, and
    K8SLINT_PURE_PYTHON=1 turns it off: either way documents read as before."""
    probe = ("import sys\n"
             "class Refuse:\n"
             "    def find_spec(self, name, path=None, target=None):\n"
             "        if name == 'k8slint._yamlfast' and sys.argv[1] == 'missing':\n"
             "            raise ImportError('libyaml-0.so.2: cannot open shared object file')\n"
             "sys.meta_path.insert(0, Refuse())\n"
             "from k8slint import yamlread\n"
             "[doc] = yamlread.parse_documents('a: [1, on]\\n')\n"
             "print(yamlread._fast is None, yamlread._use_fast, doc.value, doc.key_spans[('a',)].line)\n")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("K8SLINT_PURE_PYTHON", None)
    outs = []
    for case, extra in (("missing", {}), ("pure", {"K8SLINT_PURE_PYTHON": "1"}), ("built", {})):
        done = subprocess.run([sys.executable, "-c", probe, case], cwd=tmp_path, env={**env, **extra},
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        outs.append(done.stdout.split(" ", 2))
    assert outs == [["True", "True", "{'a': [1, True]} 1\n"], ["False", "False", "{'a': [1, True]} 1\n"],
                    ["False", "True", "{'a': [1, True]} 1\n"]]
