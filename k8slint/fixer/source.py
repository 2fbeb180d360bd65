"""The source side of a fix: a document's YAML node tree with positions, styles and line helpers.

The loader's JSON view says what an object means; editing needs where each node is written and how
(block or flow, plain or quoted, which indentation). This module composes the text again with libyaml
and answers those questions for a JSON path. Nothing here changes text.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import yaml

from ..yamlread import PLAIN_TAG, compose_documents, node_key
from ..yamlscalars import resolve_plain

__all__ = ["compose_documents", "key_of", "SourceError"]


class SourceError(Exception):
    """The text cannot be edited safely at this place (the reason is shown to the user)."""


def key_of(node) -> str | None:
    """The JSON key a mapping key node stands for (as the loader computes it); None for `<<` and complex keys."""
    if not isinstance(node, yaml.ScalarNode):
        return None
    key = node_key(node)
    return None if key == "<<" and node.tag == PLAIN_TAG else key


@dataclass
class Entry:
    """One `key: value` of a mapping node."""

    key: str
    key_node: object
    value_node: object


@dataclass
class Document:
    """One composed document and what its text looks like (indentation, line ends, JSON or YAML)."""

    text: str
    root: object
    shared: set = field(default_factory=set)  # ids of nodes reachable twice (YAML anchors and aliases)
    merged: set = field(default_factory=set)  # ids of mappings that use a `<<` merge key
    # the line break inserted text uses; None: the text's own. A piece of a larger text (see
    # loader.load_pieces) is given the whole text's, so that it is edited as the whole would be.
    newline: str | None = None

    def __post_init__(self):
        seen: set = set()
        stack = [self.root]
        while stack:
            node = stack.pop()
            if id(node) in seen:
                self.shared.add(id(node))
                continue
            seen.add(id(node))
            if isinstance(node, yaml.MappingNode):
                for k, v in node.value:
                    if key_of(k) is None:
                        self.merged.add(id(node))
                    stack.append(v)
            elif isinstance(node, yaml.SequenceNode):
                stack.extend(node.value)
        self.newline = self.newline or newline_of(self.text)
        self.indent_step, self.sequence_indent = _indentation(self)

    def node_memo(self) -> dict:
        """{id(node): node} for every node (and the document itself): what a deepcopy memo must hold so that
        it never copies them. Shared: give deepcopy a NodeMemo over it, never the dict itself."""
        if not hasattr(self, "_memo"):
            memo = {id(self): self}
            stack = [self.root]
            while stack:
                node = stack.pop()
                if id(node) in memo:
                    continue
                memo[id(node)] = node
                if isinstance(node, yaml.MappingNode):
                    for k, v in node.value:
                        memo[id(k)] = k
                        stack.append(v)
                elif isinstance(node, yaml.SequenceNode):
                    stack.extend(node.value)
            self._memo = memo
        return self._memo

    # ------------------------------------------------------------------------------------------ nodes

    def entries(self, node) -> list:
        """The explicit entries of a mapping node, in source order (the last of duplicate keys wins)."""
        out: dict = {}
        for k, v in node.value:
            name = key_of(k)
            if name is not None:
                out.pop(name, None)
                out[name] = Entry(name, k, v)
        return list(out.values())

    def find(self, path: tuple):
        """(key node or None, value node) at `path`; None when the source has no explicit node there."""
        key_node, node = None, self.root
        for part in path:
            if id(node) in self.shared:
                raise SourceError("it is written through a YAML anchor and alias, which other places share")
            if isinstance(node, yaml.SequenceNode):
                if not isinstance(part, int) or not 0 <= part < len(node.value):
                    return None
                key_node, node = None, node.value[part]
            elif isinstance(node, yaml.MappingNode):
                entry = next((e for e in self.entries(node) if e.key == part), None)
                if entry is None:
                    if id(node) in self.merged:
                        raise SourceError("it comes from a YAML merge key (<<)")
                    return None
                key_node, node = entry.key_node, entry.value_node
            else:
                return None
        if id(node) in self.shared:
            raise SourceError("it is written through a YAML anchor and alias, which other places share")
        return key_node, node

    @staticmethod
    def is_flow(node) -> bool:
        return bool(getattr(node, "flow_style", False))

    def is_null(self, node) -> bool:
        return isinstance(node, yaml.ScalarNode) and node.tag == PLAIN_TAG and resolve_plain(node.value) is None

    def start(self, node) -> int:
        return node.start_mark.index

    def content_end(self, node) -> int:
        """Where the node's own text ends: block collections stop at their last child, not at the next token."""
        if isinstance(node, yaml.ScalarNode):
            if node.style in ("|", ">"):
                region = self.text[node.start_mark.index:node.end_mark.index]
                return node.start_mark.index + len(region.rstrip())
            return node.end_mark.index
        if self.is_flow(node) or not node.value:
            return node.end_mark.index
        if isinstance(node, yaml.SequenceNode):
            return self.content_end(node.value[-1])
        last_key, last_value = node.value[-1]
        return max(last_key.end_mark.index, self.content_end(last_value))

    def key_column(self, mapping) -> int:
        """0-based column of the keys of a block mapping."""
        return mapping.value[0][0].start_mark.column

    # ------------------------------------------------------------------------------------------ lines

    def line_start(self, pos: int) -> int:
        return self.text.rfind("\n", 0, pos) + 1

    def line_end(self, pos: int) -> int:
        """Position just after the line break of the line holding `pos` (the text's end if it has none)."""
        nl = self.text.find("\n", pos)
        return len(self.text) if nl < 0 else nl + 1

    def first_on_line(self, pos: int) -> bool:
        return not self.text[self.line_start(pos):pos].strip()

    def line_indent(self, pos: int) -> int:
        start = self.line_start(pos)
        line = self.text[start:self.line_end(pos)]
        return len(line) - len(line.lstrip(" "))

    def is_json(self) -> bool:
        """A JSON document (a flow mapping whose keys are double-quoted)."""
        root = self.root
        if not isinstance(root, yaml.MappingNode) or not self.is_flow(root) or not root.value:
            return False
        return root.value[0][0].style == '"'


_ABSENT = object()


class NodeMemo(dict):
    """A deepcopy memo over a document's node_memo: look-ups fall back to it, what deepcopy adds stays here.
    (A copy of the node memo for every fix cost a document's size each time: quadratic in a List of
    thousands of objects.)"""

    def __init__(self, base: dict):
        super().__init__()
        self.base = base

    def get(self, key, default=None):
        found = dict.get(self, key, _ABSENT)
        return self.base.get(key, default) if found is _ABSENT else found

    def __missing__(self, key):
        return self.base[key]


_LAST_NEWLINE: list = [None, "\n"]  # (text, its newline): the pieces of one input ask about the same text


def newline_of(text: str) -> str:
    if text is _LAST_NEWLINE[0]:  # a scan of the whole text per piece would be quadratic in a List's items
        return _LAST_NEWLINE[1]
    newline = "\r\n" if "\r\n" in text else "\n"
    if len(text) > 1 << 16:
        _LAST_NEWLINE[:] = [text, newline]
    return newline


def _indentation(doc: Document) -> tuple:
    """(indentation step, extra indentation of block sequences under a key) most used in the document."""
    steps: Counter = Counter()
    seq: Counter = Counter()
    stack = [doc.root]
    seen: set = set()
    while stack:
        node = stack.pop()
        if id(node) in seen or doc.is_flow(node):
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            column = node.start_mark.column
            for k, v in node.value:
                if isinstance(v, yaml.MappingNode) and v.value and not doc.is_flow(v) \
                        and v.start_mark.line > k.start_mark.line:
                    steps[v.value[0][0].start_mark.column - column] += 1
                elif isinstance(v, yaml.SequenceNode) and v.value and not doc.is_flow(v) \
                        and v.start_mark.line > k.start_mark.line:
                    seq[v.start_mark.column - column] += 1
                stack.append(v)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    step = max((s for s, _ in steps.most_common() if s > 0), key=lambda s: steps[s], default=2)
    if doc.is_json():
        step = _json_step(doc) or step
    seq_indent = seq.most_common(1)[0][0] if seq else step
    return step, max(seq_indent, 0)


def _json_step(doc: Document) -> int | None:
    root = doc.root
    first_key = root.value[0][0]
    if first_key.start_mark.line == root.start_mark.line:
        return None
    return first_key.start_mark.column - doc.line_indent(root.start_mark.index) or None
