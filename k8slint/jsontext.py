"""Indented JSON text of a large document without listing every piece of it first, and quickly.

json.dumps with `indent` runs the pure-Python encoder: a chain of generators yielding every token, whose
encode() makes a list of every chunk (millions for the report of a large file: about four times the text in
memory) before joining them. Our documents are plain JSON values (str keys, str/int/float/bool/None leaves),
so one recursive function writes them, with the C string encoder for strings, and joins its pieces in
batches as they come; anything else (a non-str key, another type) goes to json's own encoder, which words
or refuses it. The text is json.dumps(doc, indent=2, ensure_ascii=False)'s byte for byte (a test compares)."""
from __future__ import annotations

import json
from json.encoder import encode_basestring

_BATCH = 1 << 16
_INDENT = "  "
_FLOAT_REPR = float.__repr__
_SPECIAL_FLOATS = {float("inf"): "Infinity", float("-inf"): "-Infinity"}


class _NotPlain(Exception):
    """A value the fast writer leaves to json's encoder."""


def dumps(doc) -> str:
    """json.dumps(doc, indent=2, ensure_ascii=False), byte for byte."""
    try:
        return _Writer().text(doc)
    except (_NotPlain, RecursionError):  # RecursionError: json's encoder words a circular reference
        return _batched(doc)


def _batched(doc) -> str:
    joined, batch = [], []
    for chunk in json.JSONEncoder(ensure_ascii=False, indent=2).iterencode(doc):
        batch.append(chunk)
        if len(batch) >= _BATCH:
            joined.append("".join(batch))
            batch.clear()
    joined.append("".join(batch))
    return "".join(joined)


class _Writer:
    __slots__ = ("joined", "out")

    def __init__(self):
        self.joined, self.out = [], []

    def text(self, doc) -> str:
        self.value(doc, "\n")
        self.joined.append("".join(self.out))
        return "".join(self.joined)

    def value(self, value, newline: str) -> None:
        """Write `value`; `newline` is the line break plus the indentation of the line it sits on."""
        out = self.out
        cls = value.__class__
        if cls is str:
            out.append(encode_basestring(value))
        elif value is None:
            out.append("null")
        elif value is True:
            out.append("true")
        elif value is False:
            out.append("false")
        elif cls is int:
            out.append(int.__repr__(value))
        elif cls is float:
            if value != value:
                out.append("NaN")
            else:
                out.append(_SPECIAL_FLOATS.get(value) or _FLOAT_REPR(value))
        elif cls is dict:
            if not value:
                out.append("{}")
                return
            inner = newline + _INDENT
            first = True
            for key, item in value.items():
                if key.__class__ is not str:
                    raise _NotPlain
                out.append(("{" if first else ",") + inner + encode_basestring(key) + ": ")
                first = False
                self.value(item, inner)
            out.append(newline + "}")
        elif cls is list or cls is tuple:
            if not value:
                out.append("[]")
                return
            inner = newline + _INDENT
            first = True
            for item in value:
                out.append(("[" if first else ",") + inner)
                first = False
                self.value(item, inner)
            out.append(newline + "]")
        else:
            raise _NotPlain
        if len(out) >= _BATCH:
            self.joined.append("".join(out))
            out.clear()
