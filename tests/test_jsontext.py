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
