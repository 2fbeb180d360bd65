"""The position-based editor: changes to an object become minimal text edits in the file's own style."""
from __future__ import annotations

import pytest

from k8slint.fixer.render import Flow, FlowList, plain_ok, scalar
from k8slint.fixer.source import Document, SourceError, compose_documents
from k8slint.fixer.yamledit import Conflict, Editor, FixRefused, apply_edits, check_overlaps
from k8slint.model import Edit
from k8slint.yamlread import parse_documents


def _editor(text: str, doc: int = 0, item=()) -> Editor:
    value = parse_documents(text)[doc].value
    for part in item:
        value = value[part]
    return Editor(Document(text, compose_documents(text)[doc]), item, value)


def edit(text: str, change, doc: int = 0, item=()) -> str:
    """Apply `change(editor)` to the object of document `doc`; check the result reads back as intended."""
    editor = _editor(text, doc, item)
    with editor.fix("test"):
        change(editor)
    out = apply_edits(text, editor.edits())
    value = parse_documents(out)[doc].value
    for part in item:
        value = value[part]
    assert value == editor.data, out
    return out


def test_scalars_keep_their_quoting_and_the_comment_after_them():
    text = 'apiVersion: "extensions/v1beta1"   # old\nkind: Deployment\nmetadata: {name: \'web\'}\n'
    out = edit(text, lambda e: (e.set(("apiVersion",), "apps/v1"), e.set(("metadata", "name"), "api")))
    assert out == 'apiVersion: "apps/v1"   # old\nkind: Deployment\nmetadata: {name: \'api\'}\n'


def test_strings_that_would_read_as_something_else_are_quoted():
    assert scalar("true") == '"true"' and scalar("yes") == '"yes"' and scalar("0777") == '"0777"'
    assert scalar("1.20") == '"1.20"' and scalar("2024-01-01") == '"2024-01-01"' and scalar("") == '""'
    assert scalar("apps/v1") == "apps/v1" and scalar(80) == "80" and scalar(True) == "true"
    assert not plain_ok("a, b", flow=True) and plain_ok("a, b") and not plain_ok("- x") and not plain_ok("a: b")


def test_new_keys_follow_the_indentation_of_their_siblings():
    text = "kind: Pod\nmetadata:\n    name: p\nspec:\n    containers:\n        -   name: a\n            image: b\n"
    out = edit(text, lambda e: e.set(("spec", "containers", 0, "securityContext", "seccompProfile"),
                                     {"type": "RuntimeDefault"}))
    assert out.endswith("            image: b\n            securityContext:\n                seccompProfile:\n"
                        "                    type: RuntimeDefault\n")


def test_lists_follow_the_file_s_sequence_style():
    flush = "kind: X\nspec:\n  a:\n  - 1\n"
    assert edit(flush, lambda e: e.set(("spec", "b"), ["x", "z"])).endswith("  b:\n  - x\n  - z\n")
    indented = "kind: X\nspec:\n  a:\n    - 1\n"
    assert edit(indented, lambda e: e.set(("spec", "b"), ["x"])).endswith("  b:\n    - x\n")
    assert edit(indented, lambda e: e.set(("spec", "c"), FlowList(["v1"]))).endswith("  c: [v1]\n")


def test_inserting_before_a_key_goes_above_the_comments_that_lead_into_it():
    text = "kind: D\nspec:\n  replicas: 1\n  # the pod template\n  template: {}\n"
    out = edit(text, lambda e: e.set(("spec", "selector"), {"matchLabels": Flow({"app": "x"})}, before="template"))
    assert out == ("kind: D\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {app: x}\n  # the pod template\n"
                   "  template: {}\n")


def test_deleting_entries_takes_their_lines_and_keeps_the_rest():
    text = "kind: D\nspec:\n  a: 1  # one\n  b:\n    c: 2\n\n  # about d\n  d: 3\n"
    assert edit(text, lambda e: e.delete(("spec", "b"))) == "kind: D\nspec:\n  a: 1  # one\n\n  # about d\n  d: 3\n"
    assert edit(text, lambda e: [e.delete(("spec", k)) for k in "abd"]) == "kind: D\nspec:\n  {}\n"


def test_first_key_of_a_list_item_can_be_deleted_replaced_or_preceded():
    text = "kind: P\nitems:\n- a: 1\n  b: 2\n- c: 3\n"
    assert edit(text, lambda e: e.delete(("items", 0, "a"))) == "kind: P\nitems:\n- b: 2\n- c: 3\n"
    assert edit(text, lambda e: e.delete(("items", 1, "c"))) == "kind: P\nitems:\n- a: 1\n  b: 2\n- {}\n"
    assert edit(text, lambda e: e.set(("items", 0, "z"), 0, before="a")) == \
        "kind: P\nitems:\n- z: 0\n  a: 1\n  b: 2\n- c: 3\n"
    assert edit(text, lambda e: e.replace(("items", 0, "a"), "x", {"w": 1})) == \
        "kind: P\nitems:\n- x:\n    w: 1\n  b: 2\n- c: 3\n"


def test_flow_mappings_are_edited_in_flow_style():
    text = "kind: X\nm: {a: 1, b: 2, c: 3}\ne: {}\n"
    assert edit(text, lambda e: e.delete(("m", "a"))) == "kind: X\nm: {b: 2, c: 3}\ne: {}\n"
    assert edit(text, lambda e: e.delete(("m", "b"))) == "kind: X\nm: {a: 1, c: 3}\ne: {}\n"
    assert edit(text, lambda e: e.delete(("m", "c"))) == "kind: X\nm: {a: 1, b: 2}\ne: {}\n"
    assert edit(text, lambda e: [e.delete(("m", k)) for k in "abc"]) == "kind: X\nm: {}\ne: {}\n"
    assert edit(text, lambda e: e.set(("e", "k"), {"x": [1, "w", "no"]})) == \
        'kind: X\nm: {a: 1, b: 2, c: 3}\ne: {k: {x: [1, w, "no"]}}\n'
    assert edit(text, lambda e: e.set(("m", "z"), "a,b", before="b")) == \
        'kind: X\nm: {a: 1, z: "a,b", b: 2, c: 3}\ne: {}\n'


def test_json_documents_get_json_in_their_own_layout():
    text = '{\n    "kind": "X",\n    "spec": {\n        "a": 1\n    },\n    "m": {"b": 2}\n}\n'
    out = edit(text, lambda e: (e.set(("spec", "new"), {"k": [1]}), e.set(("m", "c"), "yes"),
                                e.rename(("spec", "a"), "A")))
    assert out == ('{\n    "kind": "X",\n    "spec": {\n        "A": 1,\n        "new": {\n            "k": [\n'
                   '                1\n            ]\n        }\n    },\n    "m": {"b": 2, "c": "yes"}\n}\n')


def test_null_values_become_mappings_and_crlf_and_a_missing_final_newline_survive():
    text = "kind: P\r\nmetadata:\r\n  name: p\r\n  annotations:   # none yet\r\nspec: {}"
    out = edit(text, lambda e: (e.set(("metadata", "annotations", "a"), "b"), e.set(("spec", "x"), 1),
                                e.set(("status",), {"phase": "Running"})))
    assert out == ("kind: P\r\nmetadata:\r\n  name: p\r\n  annotations:\r\n    a: b   # none yet\r\nspec: {x: 1}\r\n"
                   "status:\r\n  phase: Running")


def test_moved_text_keeps_its_comments_and_relative_indentation():
    text = "kind: C\nspec:\n  validation:\n    schema:\n      type: object   # root\n      properties:\n" \
           "        a: {type: string}\n  versions:\n  - name: v1\n"

    def move(e):
        schema = e.extract(("spec", "validation", "schema"))
        e.delete(("spec", "validation"))
        e.set(("spec", "versions", 0, "schema"), schema)
    assert edit(text, move) == ("kind: C\nspec:\n  versions:\n  - name: v1\n    schema:\n      type: object   # root\n"
                                "      properties:\n        a: {type: string}\n")


def test_a_renamed_key_is_found_under_its_new_name():
    text = "kind: H\nspec:\n  target:\n    name: x\n"
    out = edit(text, lambda e: (e.rename(("spec", "target"), "describedObject"),
                                e.set(("spec", "target"), {"type": "Value"}),
                                e.set(("spec", "describedObject", "kind"), "Ingress")))
    assert out == "kind: H\nspec:\n  describedObject:\n    name: x\n    kind: Ingress\n  target:\n    type: Value\n"


def test_a_fix_touching_what_another_fix_changed_is_refused_and_rolled_back():
    text = "kind: X\nspec:\n  a: 1\n  b: 2\n"
    editor = _editor(text)
    with editor.fix("first"):
        editor.set(("spec", "a"), 10)
    with pytest.raises(Conflict):
        with editor.fix("second"):
            editor.set(("spec", "b"), 20)
            editor.delete(("spec", "a"))
    assert editor.data == {"kind": "X", "spec": {"a": 10, "b": 2}}
    assert apply_edits(text, editor.edits()) == "kind: X\nspec:\n  a: 10\n  b: 2\n"


def test_nodes_shared_through_anchors_or_merged_keys_are_never_edited():
    shared = "kind: X\na: &x {k: 1}\nb: *x\n"
    editor = _editor(shared)
    with pytest.raises(SourceError):
        editor.set(("b", "k"), 2)
    merged = "kind: X\nbase: &b {k: 1}\nm:\n  <<: *b\n  own: 2\n"
    editor = _editor(merged)
    with pytest.raises(FixRefused):
        editor.delete(("m", "k"))
    editor.set(("m", "own"), 3)  # an explicit key of the same mapping is fine
    tagged = "kind: X\na: !!str 1\n"
    with pytest.raises(FixRefused):
        _editor(tagged).set(("a",), "2")


def test_list_items_of_a_list_document_are_edited_in_place():
    text = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: batch/v1beta1\n  kind: CronJob\n  metadata: {name: c}\n"
    out = edit(text, lambda e: e.set(("apiVersion",), "batch/v1"), item=("items", 0))
    assert out == "apiVersion: v1\nkind: List\nitems:\n- apiVersion: batch/v1\n  kind: CronJob\n  metadata: {name: c}\n"


def test_overlapping_edits_are_detected_and_inserts_keep_their_order():
    with pytest.raises(FixRefused):
        check_overlaps([Edit(0, 5, "x"), Edit(3, 8, "y")])
    check_overlaps([Edit(0, 5, "x"), Edit(5, 5, "y"), Edit(5, 5, "z"), Edit(5, 9, "")])
    assert apply_edits("0123456789", [Edit(5, 5, "a"), Edit(5, 5, "b"), Edit(5, 7, ""), Edit(0, 1, "X")]) == \
        "X1234ab789"


def test_offsets_are_characters_not_bytes():
    text = "# Größe 😀\nkind: D\nmetadata: {name: café, note: \"日本語 😀\"}\nspec:\n  a: ü\n"
    out = edit(text, lambda e: (e.set(("spec", "b"), "é"), e.set(("metadata", "name"), "naïve"),
                                e.delete(("spec", "a"))))
    assert out == "# Größe 😀\nkind: D\nmetadata: {name: naïve, note: \"日本語 😀\"}\nspec:\n  b: é\n"
