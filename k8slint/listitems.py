"""A `kind: List` document cut into the texts of its items, so that a huge List (a `kubectl get -o yaml`
dump) is read, checked, fixed and reported one item at a time, like the documents of a multi-document file.

Reading the List whole costs about 40 times its size (its values, and the node graph that placing the items
composes); an item at a time, the memory is that of one item. The cut is made only where it is provably
the whole document's reading: the List's mapping is in block style at column 0, its `items:` key is one
line of its own followed by a block sequence, and each item is the text from its `- ` line to the next
one; or it is JSON (`kubectl get -o json`), each item where json's scanner finds it: from the start of its
line, or from its own first character when it starts on the line where the item before it ends (JSON on one
line, as the API server answers; loader shifts the columns of that first line). A List that is one document
of several is cut the same way (loader.piece_plan asks about each large document).
Each item text parses alone (checked, in C, before any item is used: a cut inside a multi-line quoted
scalar or flow collection leaves an unterminated one), and the rest of the document (the List without its
items) parses to a mapping whose kind is a List and whose `items` is empty. Anything else (aliases, which
may name an anchor of another item; a line break other than \\n; directives; nesting near the
depth limits) is read whole, as before.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from collections.abc import Mapping


def _check_parser():
    """libyaml's parser (raw_parse: events counted in C, no Python objects), or None without libyaml (every
    List is then read whole). PyYAML is imported here, on the first large text: a run whose files are all
    small (a pre-commit hook's) never imports it."""
    try:
        from yaml._yaml import CParser
    except ImportError:  # pragma: no cover - without libyaml every List is read whole
        return None
    return CParser

# (patterns start at a line break so that the scan of a large text is a search for a literal)
_ITEMS_LINE = re.compile(r"\nitems:[ ]*(?:#[^\n]*)?\r?\n")
_DOC_MARK = re.compile(r"\n(?:---|\.\.\.)(?=[ \t\r\n]|$)")
# byte-order marks, other line breaks, directives (a tab needs no test: a line that starts with one ends the
# items, and the rest must then read as the List without them)
_UNSAFE_CHARS = ("\ufeff", "\x85", "\u2028", "\u2029", "\n%")
_CR = re.compile(r"\r(?!\n)")
_ALIAS_BEFORE = re.compile(r"(?:^|[:\-\[{,?])[ ]*\Z")  # what may come before a `*` that starts an alias
_FIRST_ITEM = re.compile(r"(?:[ ]*(?:#[^\n]*)?\r?\n)*([ ]*)-(?:[ ]|\r?\n)")
_DEEP = re.compile(r"\n[ -]{100}")  # block nesting this deep: near MAX_VALUE_DEPTH with the List around
_BRACKETS = re.compile(r"[\[\]{}]")
MAX_FLOW_DEPTH = 20


@dataclass
class ListCut:
    """Where the items of a List document are: (start, end, body) per item. Its text runs from `start`, the
    start of a line, to `end`; what comes before `body` on its first line is not the item's (the `- ` of a
    YAML item, the `[` or `,` before a JSON one) and is blanked when the item is read alone."""

    items: list
    hole: tuple = (0, 0)  # (start, end) of the items' text: the List without it parses with `items` empty


def moved(cut: ListCut, by: int) -> ListCut:
    """The cut of a List document found in its own text, at its place in a longer text (`by` characters in)."""
    return ListCut([(s + by, e + by, b + by) for s, e, b in cut.items], (cut.hole[0] + by, cut.hole[1] + by))


def list_without_items(text: str, cut: ListCut) -> str:
    return text[:cut.hole[0]] + text[cut.hole[1]:]


def item_text(text: str, start: int, end: int, body: int) -> str:
    """The item's text as a document of its own: its first line blanked before `body`, so that every index
    (from `start`) and column stays where it was; an item that starts inside a line is its text from `start`
    (= `body`), its first line's columns shifted by shifted()."""
    return " " * (body - start) + text[body:end]


_CUTS: list = []  # (text, its cut) of the last texts cut: fix asks of one text several times
_CUTS_KEPT = 2


def cut_items(text: str) -> ListCut | None:
    """The items of `text` when it is one List document, in YAML block style or in JSON, that can be read an
    item at a time (see the module doc), else None. (Remembered for the last texts asked about: fix asks
    while choosing how to read a file, reading it, re-reading it fixed and diffing both; a cut of a huge
    List takes a second. The cut is never changed by its users.)"""
    for known, cut in _CUTS:
        if known is text or (len(known) == len(text) and known == text):
            return cut
    cut = _cut(text)
    _CUTS.insert(0, (text, cut))
    del _CUTS[_CUTS_KEPT:]
    return cut


def _cut(text: str) -> ListCut | None:
    check_parser = _check_parser()
    if check_parser is None or text.startswith("%") or any(c in text for c in _UNSAFE_CHARS) \
            or ("\r" in text and _CR.search(text)) or _may_alias(text) or _DEEP.search(text) \
            or _flow_depth(text) >= MAX_FLOW_DEPTH:
        return None
    cut = _cut_json(text) if text.startswith("{", _JSON_SPACE.match(text).end()) else _cut_yaml(text)
    if cut is None:
        return None
    from yaml import YAMLError
    for start, end, body in cut.items:
        try:
            if check_parser(item_text(text, start, end, body)).raw_parse() <= 2:
                return None  # an empty item: null in the List, no document alone
        except YAMLError:
            return None
    return cut


def _cut_yaml(text: str) -> ListCut | None:
    """A List in block style: its items, from each `- ` line at their indentation to the next."""
    if _DOC_MARK.search(text):
        return None  # more than one document: cut at `---` instead (yamlread.document_chunks); one at the start is fine
    keys = list(_ITEMS_LINE.finditer("\n" + text))
    if len(keys) != 1:
        return None
    region = keys[0].end() - 1  # in `text`, without the "\n" put before it
    first = _FIRST_ITEM.match(text, region)
    if first is None:
        return None
    indent = len(first.group(1))
    # the lines that end an item or the items: not blank, not a comment, indented no deeper than the dashes
    edge = re.compile(r"^(?![ ]{%d}| *(?:#|\r?$))[^\n]" % (indent + 1), re.M)
    item_start = re.compile(r"[ ]{%d}-(?:[ ]|\r?$)" % indent, re.M)
    items, start, end = [], None, len(text)
    for m in edge.finditer(text, region):
        at = m.start()
        if not item_start.match(text, at):
            end = at
            break
        if start is not None:
            items.append((start, at, start_dash))
        start, start_dash = at, at + indent
    if start is None:
        return None
    items.append((start, end, start_dash))
    if not _skeleton_is_a_list(text[:region] + text[end:], None):
        return None
    return ListCut([(s, e, dash + 1) for s, e, dash in items], (region, end))


_JSON_SPACE = re.compile(r"[ \r\n]*")
MAX_JSON_LEAD = 4096  # characters before an item on its first line that its own text blanks


def _cut_json(text: str) -> ListCut | None:
    """A List in JSON: its items where json's scanner finds them (each on lines of its own: no item starts on
    the line where the one before it ends)."""
    import json
    from json.decoder import scanstring
    decoder, keys, items = json.JSONDecoder(), set(), None
    at = _JSON_SPACE.match(text).end() + 1  # past the `{`
    try:
        while True:
            at = _JSON_SPACE.match(text, at).end()
            if text.startswith("}", at) and not keys:
                break
            if not text.startswith('"', at):
                return None
            key, at = scanstring(text, at + 1)
            if key in keys:
                return None
            keys.add(key)
            at = _JSON_SPACE.match(text, at).end()
            if not text.startswith(":", at):
                return None
            at = _JSON_SPACE.match(text, at + 1).end()
            if key == "items":
                if not text.startswith("[", at):
                    return None
                items, opened, at, closed = [], at + 1, at + 1, None
                while closed is None:
                    at = _JSON_SPACE.match(text, at).end()
                    if text.startswith("]", at) and not items:
                        closed = at
                        break
                    _, end = decoder.raw_decode(text, at)
                    # (searched back to the item before only: a one-line List would make this quadratic)
                    line_start = text.rfind("\n", items[-1][1] if items else 0, at) + 1
                    if (items and not line_start) or at - line_start > MAX_JSON_LEAD:
                        line_start = at  # on the line where the item before it ends (one-line JSON): from here
                    items.append((line_start, end, at))
                    at = _JSON_SPACE.match(text, end).end()
                    if text.startswith("]", at):
                        closed = at
                    elif not text.startswith(",", at):
                        return None
                    at += 1
                hole = (opened, closed)
                skeleton = text[:opened] + text[closed:]
                at = closed + 1
            else:
                _, at = decoder.raw_decode(text, at)
            at = _JSON_SPACE.match(text, at).end()
            if text.startswith("}", at):
                break
            if not text.startswith(",", at):
                return None
            at += 1
    except ValueError:  # not JSON after all: read whole (YAML)
        return None
    if not items or text[at + 1:].strip(" \r\n") or not _skeleton_is_a_list(skeleton, []):
        return None
    return ListCut(items, hole)


def _may_alias(text: str) -> bool:
    """Is there a `*` where an alias could start (more: `a-*` too, which only sends the text down the
    whole path)? An alias may name an anchor of another item."""
    at = text.find("*")
    while at >= 0:
        if _ALIAS_BEFORE.search(text, max(0, text.rfind("\n", 0, at) + 1, at - 200), at):
            return True
        at = text.find("*", at + 1)
    return False


def _flow_depth(text: str) -> int:
    """How deep flow collections nest (brackets in strings counted too: an overestimate, never less)."""
    if text.count("[") + text.count("{") < MAX_FLOW_DEPTH:
        return 0
    depth = deepest = 0
    for m in _BRACKETS.finditer(text):
        depth = depth + 1 if m.group() in "[{" else max(depth - 1, 0)
        deepest = max(deepest, depth)
    return deepest


def _skeleton_is_a_list(skeleton: str, empty) -> bool:
    """Does the List without its items read as a List whose `items` is empty, with nothing to say about it?"""
    from .sources import is_kustomize_config
    from .yamlread import parse_documents
    docs = parse_documents(skeleton)
    if len(docs) != 1 or docs[0].problems or docs[0].notes:
        return False
    value = docs[0].value
    if not isinstance(value, dict) or "items" not in value or value["items"] != empty:
        return False
    kind = value.get("kind")
    return isinstance(kind, str) and kind.endswith("List") and not is_kustomize_config(value)


class Prefixed(Mapping):
    """The spans of an item read alone, looked up by the paths of the whole document (`prefix` + path); `shift`
    = (line, columns): the item's first line, and how far right of its own text's columns it stands there
    (what precedes an item inside a line, which its own text leaves out)."""

    def __init__(self, spans: Mapping, prefix: tuple, shift: tuple = (0, 0)):
        self._spans, self._prefix, self._n, self._shift = spans, prefix, len(prefix), shift

    def __getitem__(self, path):
        path = tuple(path)
        if path[:self._n] != self._prefix:
            raise KeyError(path)
        return shifted(self._spans[path[self._n:]], self._shift)

    def __iter__(self):
        return (self._prefix + p for p in self._spans)

    def __len__(self):
        return len(self._spans)


def shifted(span, shift: tuple):
    """`span` (a Span, or anything with line and column) as it stands in the whole text: moved right by
    shift[1] columns when it is on the item's first line, shift[0]."""
    line, columns = shift
    if not columns or span.line != line:
        return span
    return dataclasses.replace(span, column=span.column + columns)


class ItemSpans(Mapping):
    """The spans of a List read an item at a time, by the whole document's paths: item i's under ("items", i)."""

    def __init__(self, items: list):
        self._items = items  # Prefixed spans of each item

    def __getitem__(self, path):
        path = tuple(path)
        if len(path) < 2 or path[0] != "items" or not isinstance(path[1], int) or not 0 <= path[1] < len(self._items):
            raise KeyError(path)
        return self._items[path[1]][path]

    def __iter__(self):
        return (p for spans in self._items for p in spans)

    def __len__(self):
        return sum(len(spans) for spans in self._items)
