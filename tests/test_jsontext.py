"""The JSON formats' text, joined in batches (k8slint.jsontext), is json.dumps' text byte for byte."""
from __future__ import annotations

import json

from k8slint import jsontext


def test_batched_text_is_json_dumps_text(monkeypatch):
    monkeypatch.setattr(jsontext, "_BATCH", 7)  # many batches, joined at every kind of chunk
    doc = {"findings": [{"rule_id": f"R{i}", "line": i, "ok": i % 2 == 0, "none": None, "ratio": i / 3,
                         "text": "é\u2028\"\\\n", "empty": [], "nested": {"a": [1, {"b": {}}]}} for i in range(50)]}
    assert jsontext.dumps(doc) == json.dumps(doc, indent=2, ensure_ascii=False)
    assert jsontext.dumps([]) == "[]" and jsontext.dumps("x") == '"x"'


from enum import IntEnum

from hypothesis import given, settings, strategies as st

_LEAVES = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
_VALUES = st.recursive(_LEAVES, lambda inner: st.lists(inner, max_size=5)
                       | st.dictionaries(st.text(max_size=8), inner, max_size=5), max_leaves=40)


@settings(max_examples=300, deadline=None)
@given(_VALUES)
def test_any_json_value_is_written_as_json_dumps_writes_it(value):
    assert jsontext.dumps(value) == json.dumps(value, indent=2, ensure_ascii=False)


def test_batches_of_the_fast_writer_join_to_the_same_text(monkeypatch):
    monkeypatch.setattr(jsontext, "_BATCH", 3)
    doc = {"a": [1, 2.5, float("nan"), float("inf"), -float("inf"), True, None, "x\u2028"], "b": {}, "c": [[]],
           "d": (1, 2)}
    assert jsontext.dumps(doc) == json.dumps(doc, indent=2, ensure_ascii=False)


class _Level(IntEnum):
    HIGH = 3


def test_values_the_fast_writer_does_not_know_go_to_jsons_encoder():
    for doc in ({1: "int key"}, {"k": _Level.HIGH}, [{None: 1, 2.5: 2, True: 3}]):
        assert jsontext.dumps(doc) == json.dumps(doc, indent=2, ensure_ascii=False)
    cycle: list = []
    cycle.append(cycle)
    try:
        jsontext.dumps(cycle)
    except ValueError as exc:
        assert "ircular" in str(exc)
    else:
        raise AssertionError("a circular document was written")
