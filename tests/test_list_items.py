"""A large `kind: List` document is read, checked, fixed and reported one item at a time (see listitems): every
output must be exactly that of reading the List whole, and what cannot be cut safely is read whole."""
from __future__ import annotations

import json
import re
import shutil
from collections import Counter

import pytest

from conftest import run_cli
from k8slint import loader
from k8slint.listitems import ListCut, cut_items

WHOLE = 1 << 30


def _pieces_of(monkeypatch, piece_chars: int) -> None:
    monkeypatch.setattr(loader, "PIECE_CHARS", piece_chars)
    monkeypatch.setattr(loader.load_pieces, "__defaults__", (loader.DEFAULT_MAX_FILE_SIZE, piece_chars))


def _item(i: int, pad: str = "") -> str:
    """One List item (at column 0, its lines indented by `pad` more) with what a fix, a finding or a place
    can get wrong: a removed API, schema errors, a YAML 1.1 boolean, a duplicate key, suppressions."""
    api = "extensions/v1beta1" if i % 3 == 0 else "apps/v1"
    lines = [f"- apiVersion: {api}", "  kind: Deployment", "  metadata:", f"    name: d{i}",
             f"    annotations: {{k8slint.io/ignore: \"{'SCH002' if i % 5 == 0 else 'FLD'}\"}}",
             "  spec:", f"    replicas: {'x' if i % 7 == 0 else 2}", f"    bogus: {i}",
             "    paused: yes" if i % 4 == 1 else "    paused: false"]
    if i % 3:
        lines.append("    selector: {matchLabels: {a: b}}")
    if i % 11 == 5:
        lines += ["    minReadySeconds: 1", "    minReadySeconds: 2"]
    lines += ["    template:", "      metadata: {labels: {a: b}}", "      spec:", "        containers:",
              "        - name: c", "          image: i", "          args: |", "            - not an item",
              "            kind: not a key"]
    return "".join(pad + line + "\n" for line in lines)


def list_text(n: int = 40, pad: str = "", trailer: bool = False, crlf: bool = False) -> str:
    """A List of `n` items; `pad`: the items' dashes indented; `trailer`: kind after the items, as kubectl
    writes it."""
    parts = ["# k8slint: ignore=SCH001\napiVersion: v1\n", "" if trailer else "kind: List\n", "items:\n"]
    for i in range(n):
        if i % 6 == 2:
            parts.append(f"# before item {i}\n\n")
        parts.append(_item(i, pad))
        if i == 9:
            parts.append(f"{pad}- just a string\n")
        if i == 12:
            parts.append(f"{pad}- apiVersion: v1\n{pad}  kind: List\n{pad}  items:\n"
                         f"{pad}  - {{apiVersion: v1, kind: ConfigMap, metadata: {{name: inner}}, data: {{a: 1}}}}\n")
    if trailer:
        parts.append("kind: List\nmetadata:\n  resourceVersion: \"\"\n")
    text = "".join(parts)
    return text.replace("\n", "\r\n") if crlf else text


def _run(args, monkeypatch, piece_chars: int) -> tuple:
    _pieces_of(monkeypatch, piece_chars)
    result = run_cli([*args[:1], "-j", "1", *args[1:]])
    return result.code, result.out, result.err


SHAPES = {"plain": {}, "indented": {"pad": "  "}, "trailer": {"trailer": True}, "crlf": {"crlf": True}}


@pytest.mark.parametrize("shape", SHAPES)
def test_a_list_is_cut_into_its_items(shape):
    text = list_text(**SHAPES[shape])
    cut = cut_items(text)
    assert isinstance(cut, ListCut) and len(cut.items) == 42
    starts = [s for s, _, _ in cut.items]
    assert all(text[b - 1] == "-" and text[s:b - 1].strip(" ") == "" for s, _, b in cut.items)
    assert all(end == nxt for (_, end, _), nxt in zip(cut.items, starts[1:]))


@pytest.mark.parametrize("shape", SHAPES)
def test_lint_of_a_list_in_items_is_the_same_as_whole(tmp_path, monkeypatch, shape):
    path = tmp_path / "list.yaml"
    path.write_bytes(list_text(**SHAPES[shape]).encode())
    whole = _run(["lint", "-k", "1.30", "--strict", "-f", "json", str(path)], monkeypatch, WHOLE)
    found = {f["rule_id"] for f in json.loads(whole[1])["findings"]}
    assert found >= {"API021", "SCH002", "YML002", "YML003"}, found
    assert _run(["lint", "-k", "1.30", "--strict", "-f", "json", str(path)], monkeypatch, 1) == whole


def test_items_read_in_pieces_are_found_as_documents_of_their_own(tmp_path, monkeypatch):
    """The objects' findings are those of the same items as separate documents, at the List's lines."""
    text = list_text(20)
    path = tmp_path / "list.yaml"
    path.write_text(text)
    docs = tmp_path / "docs.yaml"
    docs.write_text("# k8slint: ignore=SCH001\n" + "".join(
        "---\n" + "".join(line[2:] if line.startswith(("- ", "  ")) else "\n"
                          for line in text[start:end].splitlines(keepends=True))
        for start, end, _ in cut_items(text).items))

    def objects(p, size):
        out = json.loads(_run(["lint", "-k", "1.30", "--strict", "-f", "json", str(p)], monkeypatch, size)[1])
        return Counter((f["rule_id"], f["message"]) for f in out["findings"] if not f["rule_id"].startswith("Y"))
    assert objects(path, 1) == objects(docs, WHOLE)
    assert objects(path, 1)[("API021", next(m for r, m in objects(docs, WHOLE) if r == "API021"))]


def test_load_pieces_yields_one_item_at_a_time(tmp_path):
    path = tmp_path / "list.yaml"
    path.write_text(list_text(30))
    pieces = loader.load_pieces(str(path), piece_chars=1)
    first = next(pieces)
    assert first.item[0] == ("items", 0) and len(first.resources) == 1
    assert first.resources[0].item_path == ("items", 0) and first.resources[0].span(("kind",)).line == 6
    rest = list(pieces)
    assert len(rest) == 31
    assert [r.item_path for p in rest for r in p.resources][-2:] == [("items", 30), ("items", 31)]
    nested = rest[13]
    assert nested.item[0] == ("items", 14) and nested.resources[0].item_path == ("items", 14, "items", 0)


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_report_of_a_list_in_items_is_the_same_as_whole(tmp_path, monkeypatch, fmt):
    path = tmp_path / "list.yaml"
    path.write_text(list_text(trailer=True))
    args = ["report", "--from", "1.16", "--to", "1.30", "--strict", "-f", fmt, str(path)]
    whole = _run(args, monkeypatch, WHOLE)
    assert "safe" in whole[1]
    assert _run(args, monkeypatch, 1) == whole


@pytest.mark.parametrize("shape", SHAPES)
def test_fix_of_a_list_in_items_writes_the_same_bytes(tmp_path, monkeypatch, shape):
    source = tmp_path / "in"
    source.mkdir()
    (source / "list.yaml").write_bytes(list_text(**SHAPES[shape]).encode())

    def written(size):
        copy = tmp_path / f"out-{size}"
        shutil.copytree(source, copy)
        result = _run(["fix", "-k", "1.30", "-f", "json", "--unsafe-fixes", "--write", str(copy)], monkeypatch,
                      size)
        return result[0], result[1].replace(str(copy), "DIR"), (copy / "list.yaml").read_bytes()
    whole = written(WHOLE)
    assert b"extensions/v1beta1" not in whole[2] and b"# before item 8" in whole[2]
    assert written(1) == whole
    preview = _run(["fix", "-k", "1.30", "--unsafe-fixes", str(source)], monkeypatch, WHOLE)
    assert len(re.findall(r"^\+ *- apiVersion: apps/v1\r?$", preview[1], re.M)) == 14
    assert _run(["fix", "-k", "1.30", "--unsafe-fixes", str(source)], monkeypatch, 1) == preview


FALLBACKS = {
    "alias": ("apiVersion: v1\nkind: List\nitems:\n- &a {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n"
              "- *a\n"),
    "flow items": "apiVersion: v1\nkind: List\nitems: [{apiVersion: v1, kind: ConfigMap, metadata: {name: a}}]\n",
    "not a list": "apiVersion: v1\nkind: ConfigMap\nitems:\n- a: 1\n- b: 2\n",
    "two documents": "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: ConfigMap}\n---\na: 1\n",
    "quoted across an item line": ("apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n"
                                   "  metadata: {name: a}\n  data:\n    a: \"one\n- two\"\n"),
    "flow across an item line": ("apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n"
                                 "  metadata: {name: a}\n  data: {a: b,\n- c: d}\n"),
    "empty item": "apiVersion: v1\nkind: List\nitems:\n-\n- {apiVersion: v1, kind: ConfigMap}\n",
    "tab before an item": "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: ConfigMap}\n\t- {a: 1}\n",
    "two items keys": "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: ConfigMap}\nitems:\n- a: 1\n",
    "directive": "%YAML 1.1\n---\napiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: ConfigMap}\n",
    "broken item": "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: [ConfigMap\n- {a: 1}\n",
    "deep": "apiVersion: v1\nkind: List\nitems:\n- a:\n" + "".join(" " * (2 * k + 4) + f"k{k}:\n" for k in range(60)),
}


@pytest.mark.parametrize("name", FALLBACKS)
def test_what_cannot_be_cut_is_read_whole(tmp_path, monkeypatch, name):
    text = FALLBACKS[name]
    assert cut_items(text) is None
    path = tmp_path / "list.yaml"
    path.write_text(text)
    pieces = list(loader.load_pieces(str(path), piece_chars=1))
    assert len(pieces) == 1 or name == "two documents"
    whole = _run(["lint", "-k", "1.30", "-f", "json", str(path)], monkeypatch, WHOLE)
    assert _run(["lint", "-k", "1.30", "-f", "json", str(path)], monkeypatch, 1) == whole


def test_a_small_list_is_read_whole():
    text = list_text(3)
    assert cut_items(text) is not None and loader.piece_plan(text, "x.yaml") is None


def json_list(n: int = 30, indent: int | None = 2) -> str:
    items = []
    for i in range(n):
        api = "extensions/v1beta1" if i % 3 == 0 else "apps/v1"
        spec = {"replicas": "x" if i % 7 == 0 else 2, "bogus": i,
                "template": {"metadata": {"labels": {"a": "b"}}, "spec": {"containers": [{"name": "c", "image": "i"}]}}}
        if i % 3:
            spec["selector"] = {"matchLabels": {"a": "b"}}
        items.append({"apiVersion": api, "kind": "Deployment", "metadata": {"name": f"d{i}"}, "spec": spec})
        if i == 4:
            items.append("just a string")
    return json.dumps({"apiVersion": "v1", "items": items, "kind": "List", "metadata": {"resourceVersion": ""}},
                      indent=indent) + "\n"


def test_a_json_list_is_cut_into_its_items():
    text = json_list()
    cut = cut_items(text)
    assert len(cut.items) == 31
    assert all(text[b] in '{"' and text[s:b].strip(" ") == "" for s, _, b in cut.items)


@pytest.mark.parametrize("separators", [None, (",", ":")])
def test_a_one_line_json_list_is_cut_inside_its_line(separators):
    """`kubectl get -o json` indents, but the API server's own answer (curl, client libraries, jq -c) is one
    line: each item after the first starts where the one before it ends, and is read from there."""
    text = json.dumps(json.loads(json_list()), separators=separators) + "\n"
    cut = cut_items(text)
    assert len(cut.items) == 31 and text.count("\n") == 1
    assert cut.items[0][0] == 0 and all(s == b and text[b] in '{"' for s, _, b in cut.items[1:])
    whole, items = loader.load_text(text, "x.json"), list(loader.load_pieces("x.json", piece_chars=1,
                                                                           data=text.encode()))
    assert len(items) == 31
    assert [(f.rule_id, f.line, f.column) for p in items for f in p.findings] == \
        [(f.rule_id, f.line, f.column) for f in whole.findings]
    spans = [(r.item_path, r.span(("spec", "replicas")), r.span(("metadata", "name"), prefer_key=True))
             for r in whole.resources]
    assert [(r.item_path, r.span(("spec", "replicas")), r.span(("metadata", "name"), prefer_key=True))
            for p in items for r in p.resources] == spans
    assert spans[-1][1].column > 1000 and spans[-1][1].line == 1


@pytest.mark.parametrize("indent", [2, None])
@pytest.mark.parametrize("command", ["lint", "report", "fix"])
def test_a_json_list_in_items_is_the_same_as_whole(tmp_path, monkeypatch, command, indent):
    path = tmp_path / "list.json"
    path.write_text(json_list(indent=indent))
    args = {"lint": ["lint", "-k", "1.30", "--strict", "-f", "json"],
            "report": ["report", "--from", "1.16", "--to", "1.30", "-f", "json"],
            "fix": ["fix", "-k", "1.30", "--unsafe-fixes", "-f", "json"]}[command] + [str(path)]
    whole = _run(args, monkeypatch, WHOLE)
    assert "apps/v1" in whole[1]
    assert _run(args, monkeypatch, 1) == whole


@pytest.mark.parametrize("shape", ["plain", "trailer"])
def test_a_large_list_on_stdin_is_read_item_by_item_with_the_same_findings(monkeypatch, shape):
    """stdin is read whole (load_text), yet a large List's items are still parsed one by one."""
    text = list_text(**SHAPES[shape])
    monkeypatch.setattr(loader, "PIECE_CHARS", 1 << 30)
    whole = loader.load_text(text, "<stdin>")
    monkeypatch.setattr(loader, "PIECE_CHARS", 1)
    items = loader.load_text(text, "<stdin>")
    assert [(f.rule_id, f.line, f.column, f.json_path) for f in items.findings] == \
        [(f.rule_id, f.line, f.column, f.json_path) for f in whole.findings]
    assert [(r.item_path, r.data, r.span(("kind",))) for r in items.resources] == \
        [(r.item_path, r.data, r.span(("kind",))) for r in whole.resources]
    (doc,), (whole_doc,) = items.documents, whole.documents
    assert doc.value == whole_doc.value and list(doc.value) == list(whole_doc.value)
    assert doc.value_spans[("items", 3, "kind")] == whole_doc.value_spans[("items", 3, "kind")]
    outputs: dict = {}
    for size in (1 << 30, 1):
        monkeypatch.setattr(loader, "PIECE_CHARS", size)
        for command in (["lint", "-k", "1.30", "--strict", "-f", "json", "-"],
                        ["report", "--from", "1.16", "--to", "1.30", "-f", "json", "-"],
                        ["fix", "-k", "1.30", "--unsafe-fixes", "-f", "json", "-"]):
            out = run_cli(command, stdin=text)
            assert outputs.setdefault(tuple(command), (out.code, out.out)) == (out.code, out.out), command


def test_tabs_inside_items_are_cut(tmp_path, monkeypatch):
    text = list_text(30).replace("          args: |\n            - not an item\n",
                                 "          args: |\n            - not\tan item\n")
    assert "\t" in text and cut_items(text) is not None
    path = tmp_path / "list.yaml"
    path.write_text(text)
    whole = _run(["lint", "-k", "1.30", "--strict", "-f", "json", str(path)], monkeypatch, WHOLE)
    assert _run(["lint", "-k", "1.30", "--strict", "-f", "json", str(path)], monkeypatch, 1) == whole


def _documents_around(list_body: str) -> str:
    return ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: first}\ndata: {on: yes}\n---\n" + list_body +
            "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: Bad}\nspec: {replicas: x}\n")


def test_a_large_list_among_other_documents_is_read_item_by_item(tmp_path):
    """A List that is one document of several (a dump with a Namespace first, say) is cut into its items
    too, at its place: document indices, lines and findings are those of the file read whole."""
    text = _documents_around(list_text(30, trailer=True))
    plan = loader.piece_plan(text, "x.yaml", 1)
    assert [type(entry).__name__ for entry in plan] == ["tuple", "ListCut", "tuple"]
    pieces = list(loader.load_pieces("x.yaml", piece_chars=1, data=text.encode()))
    assert len(pieces) == len(plan[1].items) + 2 and {r.doc_index for p in pieces[1:-1] for r in p.resources} == {1}
    whole = loader.load_text(text, "x.yaml")
    assert [(r.doc_index, r.item_path, r.span(("kind",))) for p in pieces for r in p.resources] == \
        [(r.doc_index, r.item_path, r.span(("kind",))) for r in whole.resources]


@pytest.mark.parametrize("command", ["lint", "report", "fix", "fix --write"])
def test_a_list_among_other_documents_gives_what_reading_it_whole_gives(tmp_path, monkeypatch, command):
    source = tmp_path / "in"
    source.mkdir()
    (source / "all.yaml").write_text(_documents_around(list_text(trailer=True)))
    args = {"lint": ["lint", "-k", "1.30", "--strict", "-f", "json"],
            "report": ["report", "--from", "1.16", "--to", "1.30", "-f", "json"],
            "fix": ["fix", "-k", "1.30", "--unsafe-fixes"],
            "fix --write": ["fix", "-k", "1.30", "--unsafe-fixes", "--write", "-f", "json"]}[command]

    def outcome(size):
        copy = tmp_path / f"out-{size}"
        shutil.copytree(source, copy)
        code, out, err = _run(args + [str(copy)], monkeypatch, size)
        return code, out.replace(str(copy), "DIR"), err.replace(str(copy), "DIR"), (copy / "all.yaml").read_bytes()
    whole = outcome(WHOLE)
    assert ("apps/v1" in whole[1] + whole[3].decode()) and "SRV" in whole[1] + whole[2] or command != "lint"
    assert outcome(1) == whole


def test_a_large_diff_is_matched_item_by_item_in_a_list_among_documents(monkeypatch):
    """fix's diff of a large text pairs documents, and the items of a large List document among them, so
    that difflib never matches a whole huge List; the diff is the one difflib gives for the whole text."""
    from k8slint.fixer import apply
    monkeypatch.setattr(loader, "PIECE_CHARS", 1)
    text = _documents_around(list_text(12, trailer=True))
    lines = apply._Lines(text)
    starts = lines.documents()
    assert len(starts) == 3 + len(cut_items(list_text(12, trailer=True)).items) and starts == sorted(starts)
    fixed = text.replace("extensions/v1beta1", "apps/v1")
    monkeypatch.setattr(apply, "LARGE_DIFF_CHARS", 1 << 30)
    plain = apply.unified_diff("x.yaml", text, fixed)
    monkeypatch.setattr(apply, "LARGE_DIFF_CHARS", 0)
    assert apply.unified_diff("x.yaml", text, fixed) == plain and plain.count("@@ -") == 4


def test_without_a_large_list_the_pieces_are_whole_documents_as_before():
    """The plan of a multi-document text without a large List is document_chunks' pieces, and a large List
    after many small documents is still found alone."""
    from k8slint.yamlread import document_chunks
    small = "".join(f"---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{i}}}\n" for i in range(300))
    assert loader.piece_plan(small, "x.yaml", 1000) == document_chunks(small, 1000)
    plan = loader.piece_plan(small + "---\n" + list_text(30), "x.yaml", 1000)
    assert [type(e).__name__ for e in plan[-2:]] == ["tuple", "ListCut"] and plan[:-2] == document_chunks(small, 1000)[:-1]
