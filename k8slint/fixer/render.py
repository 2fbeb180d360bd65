"""JSON values -> YAML or JSON text in the style of the surrounding file.

Scalars are written plain when Kubernetes (YAML 1.1, see yamlscalars) and any other YAML reader would read
them back as the same value, double-quoted otherwise. Collections are written in block style with the
file's indentation, or in flow style inside flow collections; JSON documents get JSON.
"""
from __future__ import annotations

import json
import re

import yaml

from ..yamlscalars import resolve_plain


class Flow(dict):
    """A mapping to be written in flow style ({a: b}) even in a block context."""


class FlowList(list):
    """A list to be written in flow style ([a, b]) even in a block context."""


class Moved:
    """Text taken from the source (a subtree that moves elsewhere): written re-indented, comments and all.

    `text` is the node's text starting at its first key (block) or bracket (flow); `column` is the column its
    first line had in the source; `value` is its JSON value (what the result must contain)."""

    def __init__(self, text: str, column: int, value, block: bool):
        self.text, self.column, self.value, self.block = text, column, value, block

    def reindented(self, column: int, newline: str) -> list:
        """The lines of the text moved from `self.column` to `column`."""
        lines = self.text.replace("\r\n", "\n").split("\n")
        out = [lines[0]]
        delta = column - self.column
        for line in lines[1:]:
            if not line.strip():
                out.append("")
            elif delta >= 0:
                out.append(" " * delta + line)
            else:
                cut = min(-delta, len(line) - len(line.lstrip(" ")))
                out.append(line[cut:])
        return out


class Commented:
    """A value that carries a comment from the text it replaces (`# ...` after it, in block style)."""

    def __init__(self, value, comment: str):
        self.value, self.comment = value, comment

    def __deepcopy__(self, memo):
        import copy
        return Commented(copy.deepcopy(self.value, memo), self.comment)


def plain_value(value):
    """The JSON value behind Flow / Moved / Commented wrappers."""
    if isinstance(value, Commented):
        return plain_value(value.value)
    if isinstance(value, Moved):
        return value.value
    if isinstance(value, dict):
        return {k: plain_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain_value(v) for v in value]
    return value


_INDICATORS = set("-?:,[]{}#&*!|>'\"%@`")
_FLOW_UNSAFE = re.compile(r"[,\[\]{}]")


_PLAIN_OK: dict = {}  # (text, flow) -> plain_ok's answer: keys and values repeat, PyYAML's reader is slow
_PLAIN_OK_SIZE = 20_000  # answers kept at most (then forgotten all at once)


def plain_ok(text: str, flow: bool = False) -> bool:
    """Can this string be written without quotes and be read back as the same string everywhere?"""
    key = (text, flow)
    known = _PLAIN_OK.get(key)
    if known is None:
        if len(_PLAIN_OK) >= _PLAIN_OK_SIZE:
            _PLAIN_OK.clear()
        known = _PLAIN_OK[key] = _plain_ok(text, flow)
    return known


def _plain_ok(text: str, flow: bool) -> bool:
    if not text or text != text.strip() or "\n" in text or "\t" in text or "\r" in text:
        return False
    if text[0] in _INDICATORS or ": " in text or " #" in text or text.endswith(":"):
        return False
    if flow and _FLOW_UNSAFE.search(text):
        return False
    if resolve_plain(text) != text or not isinstance(resolve_plain(text), str):
        return False
    try:  # YAML 1.1 timestamps and the like, for readers other than Kubernetes
        return yaml.safe_load(text) == text
    except yaml.YAMLError:
        return False


def scalar(value, flow: bool = False, style: str | None = None) -> str:
    """A scalar's text. `style` keeps the quoting of the scalar being replaced: None (plain), "'" or '"'."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    text = str(value)
    if style == "'" and "\n" not in text:
        return "'" + text.replace("'", "''") + "'"
    if style == '"' or not plain_ok(text, flow):
        return json.dumps(text, ensure_ascii=False)
    return text


def key(name: str, flow: bool = False, style: str | None = None, json_keys: bool = False) -> str:
    if json_keys:
        return json.dumps(name, ensure_ascii=False)
    return scalar(name, flow, style)


def flow(value, json_keys: bool = False, key_style: str | None = None, value_style: str | None = None) -> str:
    """A value on one line in flow style ({a: 1, b: [x, y]}), or JSON."""
    value = plain_value(value)
    if json_keys:
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key(k, True, key_style)}: {flow(v, False, key_style, value_style)}"
                               for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(flow(v, False, key_style, value_style) for v in value) + "]"
    return scalar(value, flow=True, style=value_style)


class BlockWriter:
    """Block-style YAML lines for new entries, with the file's indentation step and sequence indentation."""

    def __init__(self, step: int = 2, sequence_indent: int = 2, newline: str = "\n",
                 key_style: str | None = None, value_style: str | None = None):
        self.step = max(step, 1)
        self.sequence_indent = sequence_indent
        self.newline = newline
        self.key_style = key_style  # quote new keys like their siblings: None, "'" or '"'
        self.value_style = value_style  # and new string values

    def styled(self, key_style: str | None, value_style: str | None) -> "BlockWriter":
        return BlockWriter(self.step, self.sequence_indent, self.newline, key_style, value_style)

    def _key(self, name: str) -> str:
        return key(name, style=self.key_style)

    def _flow(self, value) -> str:
        return flow(value, False, self.key_style, self.value_style)

    def _scalar(self, value) -> str:
        return scalar(value, style=self.value_style)

    def entries(self, items: list, column: int) -> list:
        """Lines for `key: value` pairs whose keys start at `column` (the first line is indented too)."""
        lines = []
        for name, value in items:
            lines.extend(self.entry(name, value, column))
        return lines

    def entry(self, name: str, value, column: int) -> list:
        pad = " " * column
        head = f"{pad}{self._key(name)}:"
        if isinstance(value, Commented):
            lines = self.entry(name, value.value, column)
            return [lines[0] + value.comment] + lines[1:]
        if isinstance(value, Moved):
            if not value.block:
                return [f"{head} " + value.reindented(column + len(self._key(name)) + 2, self.newline)[0]] + \
                    value.reindented(column + len(self._key(name)) + 2, self.newline)[1:]
            inner = column + (self.sequence_indent if value.text.startswith("-") else self.step)
            return [head] + [" " * inner + line if i == 0 else line
                             for i, line in enumerate(value.reindented(inner, self.newline))]
        if isinstance(value, (Flow, FlowList)) or (isinstance(value, (dict, list)) and not value):
            return [f"{head} {self._flow(value)}"]
        if isinstance(value, dict):
            return [head] + self.entries(list(value.items()), column + self.step)
        if isinstance(value, list):
            return [head] + self.items(value, column + self.sequence_indent)
        return [f"{head} {self._scalar(value)}"]

    def items(self, values: list, column: int) -> list:
        """Lines for the items of a block sequence whose dashes are at `column`."""
        lines = []
        pad = " " * column
        for value in values:
            if isinstance(value, dict) and value and not isinstance(value, Flow):
                inner = self.entries(list(value.items()), column + 2)
                lines.append(pad + "- " + inner[0][column + 2:])
                lines.extend(inner[1:])
            elif isinstance(value, list) and value and not isinstance(value, FlowList):
                inner = self.items(value, column + 2)
                lines.append(pad + "- " + inner[0][column + 2:])
                lines.extend(inner[1:])
            elif isinstance(value, Commented):
                inner = self.items([value.value], column)
                lines.append(inner[0] + value.comment)
                lines.extend(inner[1:])
            elif isinstance(value, Moved):
                moved = value.reindented(column + 2, self.newline)
                lines.append(pad + "- " + moved[0])
                lines.extend(moved[1:])
            else:
                text = self._flow(value) if isinstance(value, (dict, list)) else self._scalar(value)
                lines.append(pad + "- " + text)
        return lines

    def text(self, lines: list) -> str:
        return "".join(line + self.newline for line in lines)


def json_value(value, column: int, step: int, newline: str, multiline: bool, compact: bool = False) -> str:
    """A JSON value whose first character sits at `column`, pretty-printed like the file when it is
    (`compact`: without spaces after , and :, like a minified file)."""
    value = plain_value(value)
    if not multiline:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":") if compact else None)
    text = json.dumps(value, ensure_ascii=False, indent=step)
    lines = text.split("\n")
    return newline.join([lines[0]] + [" " * column + line for line in lines[1:]])
