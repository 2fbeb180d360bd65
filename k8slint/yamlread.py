"""The fast parse path: YAML or JSON text -> plain JSON values with the source span of every node.

libyaml (through PyYAML's C parser) builds the node graph with positions; we turn nodes into JSON values
ourselves so that scalars follow Kubernetes' YAML 1.1 rules (see yamlscalars), duplicate keys, unsafe tags
and alias bombs become problems we report instead of exceptions, and nothing is ever constructed from a tag.
ruamel.yaml's round-trip mode is kept for what needs comments (fixes), not for reading.
"""
from __future__ import annotations

import bisect
import math
import os
import re
from collections.abc import Mapping

from .lazyre import lazy
from .model import FACTORY, Span, field, record
from .yamlscalars import (MERGE, NON_FINITE_WORDS, YAML11_ONLY_BOOLEANS, key_text, non_finite_problem,
                          resolve_plain, resolve_tagged)

try:  # the compiled reader of simple documents (k8slint/_yamlfast.c); built where libyaml's headers were
    from . import _yamlfast as _fast
except ImportError:  # a pure-Python wheel, or no libyaml on this machine: the Python readers do it all
    _fast = None
# K8SLINT_PURE_PYTHON=1 turns the compiled reader off, as it does the compiled validator (tests run both)
_use_fast = not os.environ.get("K8SLINT_PURE_PYTHON")
_WANT_KEY = 1  # _yamlfast asks for a key (0: a value)
_MAX_FINDS = 16  # span lookups of one document walked in C before it is composed instead

PLAIN_TAG = _PLAIN = "?"  # tag we give plain, untagged scalars so that we resolve them ourselves
# Plain scalars repeat a lot across manifests; their reading never depends on where they are.
_PLAIN_KEYS: dict = {}
_PLAIN_VALUES: dict = {}
_CACHE_LIMIT = 100_000
_MISSING = object()
_STD = "tag:yaml.org,2002:"
_STD_COLLECTIONS = {_STD + "map", _STD + "seq", _STD + "omap", _STD + "set"}

# Limits that keep hostile input from exhausting the machine. libyaml composes recursively in C, so a
# document nested deeper than this is refused before parsing (a 100,000-deep flow list crashes it).
MAX_DEPTH = 1000
# Deepest document we convert and check. Real manifests stay under ~60 levels (CRD schemas nest deepest);
# every later stage (validators included) recurses over the JSON view, so it must stay well inside Python's
# recursion limit. A recursive alias (`&a [*a]`) is caught here too.
MAX_VALUE_DEPTH = 128
# Aliases may repeat a subtree; refuse a document once alias expansion alone has produced this many nodes
# (a "billion laughs" bomb reaches it in milliseconds; real manifests use a handful of small anchors).
MAX_ALIAS_NODES = 100_000
_DEEP_INDENT = lazy(r"^[ \t-]{%d}" % MAX_DEPTH, re.M)
_BRACKETS = lazy(r"[\[\]{}]")
_DOC_START = lazy(r"^---(?=[ \t\r\n]|$)|^\.\.\.(?=[ \t\r\n]|$)", re.M)


# the tags PyYAML's BaseResolver gives scalars, sequences and mappings by default
_STR_TAG, _SEQ_TAG, _MAP_TAG = _STD + "str", _STD + "seq", _STD + "map"


# PyYAML: imported on first use, not with this module. The compiled reader takes the common documents
# without it (a one-file lint never imports it, ~10 ms of its start); what it leaves to the Python readers
# (libyaml's events or node graph, through PyYAML), the fixer's node graph and spans looked up in composed
# nodes import it. `yaml` is a stand-in until then: its first attribute lookup imports PyYAML and defines
# the names below (_pyyaml), and from then on `yaml` is PyYAML itself.
_PYYAML_NAMES = ("BaseResolver", "_ParserBase", "_Parser", "_ScalarNode", "_ScalarEvent", "_AliasEvent",
                 "_MapStart", "_SeqStart", "_MapEnd", "_SeqEnd", "_OPEN_EVENTS", "_CLOSE_EVENTS", "_DocStart")
_pyyaml_loaded = False


class _PyYAMLStandIn:
    """`yaml` until PyYAML is imported: any attribute imports it (and replaces this stand-in)."""

    def __getattr__(self, name):
        return getattr(_pyyaml(), name)


yaml = _PyYAMLStandIn()


def _pyyaml():
    """Import PyYAML and define what reading through it needs as this module's globals; returns PyYAML."""
    global _pyyaml_loaded
    g = globals()
    if _pyyaml_loaded:
        return g["yaml"]
    import yaml as pyyaml
    from yaml.resolver import BaseResolver

    try:  # libyaml is bundled with PyYAML's wheels; fall back to the pure-Python parser if it is missing
        from yaml._yaml import CParser as parser_base
    except ImportError:  # pragma: no cover - only on exotic platforms
        from yaml.composer import Composer
        from yaml.parser import Parser
        from yaml.reader import Reader
        from yaml.scanner import Scanner

        class parser_base(Reader, Scanner, Parser, Composer):  # type: ignore[no-redef]
            def __init__(self, stream):
                Reader.__init__(self, stream)
                Scanner.__init__(self)
                Parser.__init__(self)
                Composer.__init__(self)

    scalar_node, sequence_node = pyyaml.ScalarNode, pyyaml.SequenceNode

    class _Parser(parser_base, BaseResolver):
        def __init__(self, text: str):
            parser_base.__init__(self, text)
            BaseResolver.__init__(self)
            # libyaml's composer calls these around every node; we register no path resolvers, so they would
            # do nothing, in two Python calls per node. Built-in no-ops of the same arity cost a fraction.
            self.descend_resolver = {}.get
            self.ascend_resolver = tuple

        def resolve(self, kind, value, implicit):
            """Plain scalars keep a tag of their own (resolved later, by yamlscalars); the rest get the tag
            BaseResolver would give them without path resolvers, without its look-ups."""
            if kind is scalar_node:
                return _PLAIN if implicit[0] else _STR_TAG
            return _SEQ_TAG if kind is sequence_node else _MAP_TAG

    _Parser.__qualname__ = "_Parser"
    g.update(yaml=pyyaml, BaseResolver=BaseResolver, _ParserBase=parser_base, _Parser=_Parser,
             _ScalarNode=scalar_node, _ScalarEvent=pyyaml.ScalarEvent, _AliasEvent=pyyaml.AliasEvent,
             _MapStart=pyyaml.MappingStartEvent, _SeqStart=pyyaml.SequenceStartEvent,
             _MapEnd=pyyaml.MappingEndEvent, _SeqEnd=pyyaml.SequenceEndEvent,
             _OPEN_EVENTS=(pyyaml.SequenceStartEvent, pyyaml.MappingStartEvent),
             _CLOSE_EVENTS=(pyyaml.SequenceEndEvent, pyyaml.MappingEndEvent), _DocStart=pyyaml.DocumentStartEvent)
    _pyyaml_loaded = True
    return pyyaml


def __getattr__(name: str):
    """The names _pyyaml defines, asked for from outside (tests, the fixer) before anything here needed them."""
    if name in _PYYAML_NAMES:
        _pyyaml()
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _new_parser(text: str):
    """A libyaml parser of `text` (_Parser, looked up at each call: tests replace it)."""
    if not _pyyaml_loaded:
        _pyyaml()
    return _Parser(text)


@record
class Problem:
    """Something wrong with the text itself; the loader turns it into a finding."""

    rule_id: str
    message: str
    line: int
    column: int
    path: tuple = ()

    def __init__(self, rule_id, message, line, column, path=()):
        self.rule_id = rule_id
        self.message = message
        self.line = line
        self.column = column
        self.path = path


def node_span(node, line_offset: int = 0, index_offset: int = 0) -> Span:
    """A node's position in the whole text (offsets apply when a chunk of the text was parsed alone)."""
    s, e = node.start_mark, node.end_mark
    return Span(s.line + 1 + line_offset, s.column + 1, s.index + index_offset, e.index + index_offset)


class SpanIndex(Mapping):
    """JsonPath -> Span, found on demand by walking the composed nodes of a document.

    Spans are only needed for the few nodes a finding or a fix points at, so none are computed while
    reading; a lookup follows the path through the node tree (the last of duplicate keys wins, as in the
    JSON view; content that came through a `<<` merge key is located at that `<<` key)."""

    def __init__(self, root, line_offset: int, index_offset: int, keys: bool, root_span: Span | None = None):
        self._root = root  # a node, or a _LazyRoot that composes the document on the first lookup
        self._line_offset = line_offset
        self._index_offset = index_offset
        self.keys = keys
        self._root_span = root_span  # the document's own span, known without composing (every resource asks)

    def _resolve(self):
        if isinstance(self._root, _LazyRoot):
            self._root, self._line_offset, self._index_offset = self._root.get()

    @property
    def root(self):
        self._resolve()
        return self._root

    @property
    def line_offset(self) -> int:
        self._resolve()
        return self._line_offset

    @property
    def index_offset(self) -> int:
        self._resolve()
        return self._index_offset

    def span_of(self, node) -> Span:
        return node_span(node, self.line_offset, self.index_offset)

    def _find(self, path: tuple):
        """(key node or None, value node) at `path`, or None when the source has no such node."""
        key_node, node = None, self.root
        for part in path:
            if node is None:
                return None
            if isinstance(node, yaml.SequenceNode):
                if not isinstance(part, int) or not 0 <= part < len(node.value):
                    return None
                key_node, node = None, node.value[part]
            elif isinstance(node, yaml.MappingNode):
                found = _lookup_key(node, part)
                if found is None:
                    return None
                key_node, node = found
                if node is None:  # merged content: stop at the `<<` key
                    return (key_node, key_node) if part == path[-1] else None
            else:
                return None
        return key_node, node

    def __getitem__(self, path):
        if not path and self._root_span is not None:
            if self.keys:  # the document itself sits under no key
                raise KeyError(path)
            return self._root_span
        root = self._root
        if root.__class__ is _LazyRoot and root.simple:  # the compiled reader walks to it, if it may
            found = root.find(tuple(path))
            if found is not NotImplemented:
                span = None if found is None else found[0] if self.keys else found[1]
                if span is None:
                    raise KeyError(path)
                return span
        found = self._find(tuple(path))
        if found is None:
            raise KeyError(path)
        key_node, node = found
        target = key_node if self.keys else node
        if target is None:
            raise KeyError(path)
        return self.span_of(target)

    def __iter__(self):  # every path of the document (rarely needed; lookups do not use it)
        def walk(node, path):
            yield path
            if isinstance(node, yaml.SequenceNode):
                for i, item in enumerate(node.value):
                    yield from walk(item, path + (i,))
            elif isinstance(node, yaml.MappingNode):
                last = {}  # the last of duplicate keys wins, as in the JSON view
                for k, v in node.value:
                    if isinstance(k, yaml.ScalarNode) and not (k.value == "<<" and k.tag == _PLAIN):
                        last[node_key(k)] = v
                for key, v in last.items():
                    yield from walk(v, path + (key,))
        if self.root is not None:
            seen = set()
            for path in walk(self.root, ()):
                if path not in seen and (not self.keys or path):
                    seen.add(path)
                    yield path

    def __len__(self):
        return sum(1 for _ in self)


class _Chunk:
    """The text one parser read, shared by its documents' _LazyRoots: whether a document can be cut out of
    it, and (where not) its documents composed once for all of them (a lookup per document must not cost a
    scan or a parse of the whole text each)."""

    def __init__(self, text: str):
        self.text = text
        self._cuttable = None
        self._roots = None

    def cuttable(self) -> bool:
        """No directives (they belong to the stream before `---`) and no byte-order mark (libyaml does not
        count it in its positions: a cut would be one off)."""
        if self._cuttable is None:
            self._cuttable = not self.text.startswith("\ufeff") and not _DIRECTIVE.search(self.text)
        return self._cuttable

    def root(self, n: int):
        """The root node of the n-th document of the whole text (None if it does not compose)."""
        if self._roots is None:
            self._roots = []
            parser = _new_parser(self.text)
            try:
                while parser.check_node():
                    self._roots.append(parser.get_node())
            except yaml.YAMLError:
                pass  # the documents after a broken one are not looked up here
            finally:
                parser.dispose()
        return self._roots[n] if n < len(self._roots) else None


class _LazyRoot:
    """The root node of one document read from events, composed from its own text when a span is first
    looked up (most documents never need one). A document is cut at the start of its first line."""

    def __init__(self, chunk: _Chunk, line: int, line_start: int, end_index: int, ordinal: int,
                 line_offset: int, index_offset: int, simple: bool = False):
        self.chunk, self.end, self.ordinal = chunk, end_index, ordinal
        self.start = line_start  # where its first line starts (0-based index and line in the chunk)
        self.line = line
        self.line_offset, self.index_offset = line_offset, index_offset
        self.found = None
        self.simple = simple  # read by the compiled reader: find() may walk its events instead of composing
        self.finds = None  # path -> find()'s answer

    def _text(self) -> str:
        text = self.chunk.text
        line_end = text.find("\n", self.end)
        return text[self.start:len(text) if line_end < 0 else line_end]

    def find(self, path: tuple):
        """(key span or None, value span) of the node at `path`, None when there is none, found by walking
        the document's events in C (no nodes built); NotImplemented where composing must answer: a text
        that cannot be cut, a document already composed, or one looked up at more than _MAX_FINDS paths
        (each walk re-reads the document up to the node, so a document with many findings is composed)."""
        finds = self.finds
        if finds is None:
            finds = self.finds = {}
        got = finds.get(path, _MISSING)
        if got is not _MISSING:
            return got
        if self.found is not None or len(finds) >= _MAX_FINDS or not self.chunk.cuttable():
            return NotImplemented
        got = _fast.find_node(self._text(), path, _PLAIN_KEYS, _scalar_key)
        if got is NotImplemented:
            return got
        if got is not None:
            lines, at = self.line_offset + self.line, self.index_offset + self.start
            key, value = got
            got = (None if key is None else Span(key[0] + 1 + lines, key[1] + 1, key[2] + at, key[3] + at),
                   Span(value[0] + 1 + lines, value[1] + 1, value[2] + at, value[3] + at))
        finds[path] = got
        return got

    def get(self) -> tuple:
        """(root node, line offset, index offset) of the document."""
        if self.found is None:
            roots = None
            if self.chunk.cuttable():
                try:
                    roots = compose_documents(self._text())
                except yaml.YAMLError:
                    roots = None
            if roots:  # the first document of its own text is this one
                self.found = (roots[0], self.line_offset + self.line, self.index_offset + self.start)
            else:
                self.found = (self.chunk.root(self.ordinal), self.line_offset, self.index_offset)
        return self.found


def node_key(key_node) -> str:
    """The JSON key a mapping key node becomes."""
    if not isinstance(key_node, yaml.ScalarNode):
        return complex_key_text(key_node)
    if key_node.tag == _PLAIN:
        known = _PLAIN_KEYS.get(key_node.value)  # what reading the document made of this key text
        if known is not None:
            return known
    return _scalar_key(key_node.tag, key_node.value)


def _scalar_key(tag: str, text: str) -> str:
    """The JSON key a scalar key with this (resolved) tag names, uncached (_yamlfast.find_node asks too)."""
    if tag == _PLAIN:
        value = resolve_plain(text)
        return "<<" if value is MERGE else key_text(value)
    if tag.startswith(_STD) and tag != _STD + "str":
        return key_text(resolve_tagged(tag, text)[0])
    return text


def complex_key_text(key_node) -> str:
    return f"<complex key at line {key_node.start_mark.line + 1}>"


def _lookup_key(node, key):
    """(key node, value node) for `key` in a mapping node; (merge key node, None) when the key only comes
    from a `<<` merge; None when absent."""
    found = None
    merge_key = None
    for k, v in node.value:
        name = node_key(k)
        if name == key:
            found = (k, v)
        elif name == "<<" and isinstance(k, yaml.ScalarNode) and k.tag == _PLAIN and merge_key is None:
            sources = v.value if isinstance(v, yaml.SequenceNode) else [v]
            if any(isinstance(src, yaml.MappingNode) and _lookup_key(src, key) for src in sources):
                merge_key = k
    if found is not None:
        return found
    return (merge_key, None) if merge_key is not None else None


@record
class ParsedDocument:
    """One document read: its JSON value, the spans of its values and keys, what is wrong with its text."""

    index: int
    value: object
    value_spans: Mapping
    key_spans: Mapping
    span: Span
    problems: list = field(default_factory=list)
    notes: list = field(default_factory=list)  # (kind, path, text): e.g. ("yaml11-bool", path, "yes")

    def __init__(self, index, value, value_spans, key_spans, span, problems=FACTORY, notes=FACTORY):
        self.index = index
        self.value = value
        self.value_spans = value_spans
        self.key_spans = key_spans
        self.span = span
        self.problems = [] if problems is FACTORY else problems
        self.notes = [] if notes is FACTORY else notes


_NO_SPANS: dict = {}


class _Refused(Exception):
    def __init__(self, problem: Problem):
        self.problem = problem


def _tag(tag: str) -> str:
    """How a user writes the tag: tag:yaml.org,2002:python/object -> !!python/object."""
    return "!!" + tag[len(_STD):] if tag.startswith(_STD) else tag


class _Converter:
    """Turns one composed document into JSON values, recording spans, notes and problems."""

    def __init__(self, line_offset: int, index_offset: int):
        self.problems: list = []
        self.notes: list = []
        self.alias_nodes = 0  # nodes produced while re-expanding an alias
        self.alias_depth = 0
        self.visited: set = set()  # ids of collection nodes already converted once
        self.active: set = set()  # ids of the collection nodes being converted (the current path)
        self.line_offset = line_offset
        self.index_offset = index_offset

    def span(self, node) -> Span:
        return node_span(node, self.line_offset, self.index_offset)

    def problem(self, rule_id: str, message: str, node, path: tuple):
        sp = self.span(node)
        self.problems.append(Problem(rule_id, message, sp.line, sp.column, path))

    def convert(self, node, path: tuple, depth: int):
        if self.alias_depth:
            self.alias_nodes += 1
            if self.alias_nodes > MAX_ALIAS_NODES:
                sp = self.span(node)
                raise _Refused(Problem(
                    "YML006", f"YAML aliases expand this document by more than {MAX_ALIAS_NODES:,} nodes "
                    "(an alias bomb?); refused", sp.line, sp.column, path))
        if depth > MAX_VALUE_DEPTH:
            sp = self.span(node)
            raise _Refused(Problem("YML006", f"document nested deeper than {MAX_VALUE_DEPTH} levels; refused",
                                   sp.line, sp.column, path))
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, path)
        if id(node) in self.active:  # an alias (or merge) inside the very node it names: endless
            sp = self.span(node)
            raise _Refused(Problem("YML006", "a YAML alias refers to a node that contains it (a recursive "
                                   "alias or merge key); refused", sp.line, sp.column, path))
        if node.tag not in _STD_COLLECTIONS:
            self.problem("YML005", f"YAML tag {_tag(node.tag)} is not allowed in a Kubernetes manifest; "
                         "the value was read as if it had no tag", node, path)
        reentered = id(node) in self.visited
        if reentered:
            self.alias_depth += 1
        else:
            self.visited.add(id(node))
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                fast = not self.alias_depth
                return [self.plain(item, path + (i,))
                        if fast and item.__class__ is _ScalarNode and item.tag == _PLAIN
                        else self.convert(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
            return self.mapping(node, path, depth)
        finally:
            self.active.discard(id(node))
            if reentered:
                self.alias_depth -= 1

    def scalar(self, node, path: tuple):
        return self.scalar_of(node.tag, node.value, node, path)

    def scalar_of(self, tag: str, text: str, node, path: tuple):
        """The JSON value of a scalar with this (resolved) tag; `node` (or event) places its problems."""
        if tag == _PLAIN:
            value = resolve_plain(text)
            if value is MERGE:
                return "<<"
            if isinstance(value, bool) and text in YAML11_ONLY_BOOLEANS:
                self.notes.append(("yaml11-bool", path, text))
            elif isinstance(value, float) and not math.isfinite(value):
                if text in NON_FINITE_WORDS:
                    self.problem("YML001", non_finite_problem(text), node, path)
                    self.notes.append(("non-finite", path, text))
                return text  # JSON has no NaN or infinity; keep the text (an overflowing numeral is one, as in Go)
            return value
        if tag == "tag:yaml.org,2002:str" or tag == "!":
            return text
        if tag.startswith(_STD):
            value, problem = resolve_tagged(tag, text)
            if problem:
                self.problem("YML005", f"{problem}; the value was read as a string", node, path)
            elif isinstance(value, float) and not math.isfinite(value):
                self.problem("YML001", non_finite_problem(text), node, path)
                self.notes.append(("non-finite", path, text))
                return text
            return value
        self.problem("YML005", f"YAML tag {_tag(tag)} is not allowed in a Kubernetes manifest; "
                     "the value was read as a string", node, path)
        return text

    def plain(self, node, path: tuple):
        """A plain scalar value, through a cache: most values repeat (names, images, ports, `true`)."""
        text = node.value
        value = _PLAIN_VALUES.get(text, _MISSING)
        if value is _MISSING:
            value = self.scalar(node, path)
            # YAML 1.1-only booleans carry a per-path note, non-finite words a per-place problem
            if not (isinstance(value, bool) and text in YAML11_ONLY_BOOLEANS) and text not in NON_FINITE_WORDS:
                if len(_PLAIN_VALUES) > _CACHE_LIMIT:
                    _PLAIN_VALUES.clear()
                _PLAIN_VALUES[text] = value
        return value

    def key(self, key_node, path: tuple):
        """The JSON key of a mapping key node; MERGE for a plain `<<`."""
        if key_node.__class__ is _ScalarNode and key_node.tag == _PLAIN:
            text = key_node.value
            key = _PLAIN_KEYS.get(text)
            if key is None:
                if text in NON_FINITE_WORDS:  # a key is formatted (".inf"), not encoded as JSON: no error
                    key = key_text(resolve_plain(text))
                else:
                    resolved = self.scalar(key_node, path + ("<key>",))
                    if resolved == "<<":
                        return MERGE
                    key = key_text(resolved)
                    if text in YAML11_ONLY_BOOLEANS:  # its note is per place: read it every time
                        return key
                if len(_PLAIN_KEYS) > _CACHE_LIMIT:
                    _PLAIN_KEYS.clear()
                _PLAIN_KEYS[text] = key
            return key
        if isinstance(key_node, yaml.ScalarNode):
            return key_text(self.scalar(key_node, path + ("<key>",)))
        self.problem("YML005", "a mapping key must be a scalar; this complex key was turned into text",
                     key_node, path)
        return complex_key_text(key_node)

    def mapping(self, node, path: tuple, depth: int) -> dict:
        out: dict = {}
        merged: dict = {}
        fast = not self.alias_depth  # inside an alias every node is counted, so no shortcuts there
        firsts = None  # key -> its first key node, once a duplicate shows up
        for key_node, value_node in node.value:
            key = self.key(key_node, path)
            if key is MERGE:
                for source in self.merge_sources(value_node, path, depth):
                    for k, v in source.items():
                        merged.setdefault(k, v)
                continue
            if key in out:
                if firsts is None:  # built once per mapping: a search per duplicate would be quadratic
                    firsts = {}
                    for k, _ in node.value:
                        firsts.setdefault(node_key(k), k)
                self.problem("YML002", f"duplicate key {key!r} (first at line {self.span(firsts[key]).line}); "
                             "Kubernetes silently keeps the last value", key_node, path + (key,))
            if fast and value_node.__class__ is _ScalarNode and value_node.tag == _PLAIN:
                out[key] = self.plain(value_node, path + (key,))
            else:
                out[key] = self.convert(value_node, path + (key,), depth + 1)
        for k, v in merged.items():
            if k not in out:  # explicit keys win over merged ones
                out[k] = v
        return out

    def merge_sources(self, node, path: tuple, depth: int) -> list:
        nodes = node.value if isinstance(node, yaml.SequenceNode) else [node]
        sources = []
        for n in nodes:
            if isinstance(n, yaml.MappingNode):
                # through convert, so that a merged alias is counted like any other alias (a chain of
                # `<<: [*m, *m]` doubles the work at every step) and a merge of itself is caught
                sources.append(self.convert(n, path, depth + 1))
            else:
                self.problem("YML005", "a merge key (<<) needs a mapping or a list of mappings", n, path)
        return sources


class _NotSimple(Exception):
    """A document the event reader leaves to the node reader (anchors, aliases, merge keys, duplicate keys,
    collection tags, complex keys, deep nesting): rare in manifests, and each needs the node graph."""


_NO_KEY = object()  # a mapping waiting for its next key


def _plain_key(conv: _Converter, text: str, event, path: tuple) -> str | None:
    """The JSON key of a plain key scalar _PLAIN_KEYS does not hold (cached unless its note is per place);
    None for `<<` (a merge key: not simple). `event` places its problems."""
    if text in NON_FINITE_WORDS:  # a key is formatted (".inf"), not encoded as JSON: no error
        found = key_text(resolve_plain(text))
    else:
        resolved = conv.scalar_of(_PLAIN, text, event, path)
        if resolved == "<<":
            return None
        found = key_text(resolved)
    if text not in YAML11_ONLY_BOOLEANS:  # its note is per place
        if len(_PLAIN_KEYS) > _CACHE_LIMIT:
            _PLAIN_KEYS.clear()
        _PLAIN_KEYS[text] = found
    return found


def _plain_value(conv: _Converter, text: str, event, path: tuple):
    """The JSON value of a plain scalar _PLAIN_VALUES does not hold (cached unless it carries a note or a
    problem, which are per place)."""
    value = conv.scalar_of(_PLAIN, text, event, path)
    if not (isinstance(value, bool) and text in YAML11_ONLY_BOOLEANS) and text not in NON_FINITE_WORDS:
        if len(_PLAIN_VALUES) > _CACHE_LIMIT:
            _PLAIN_VALUES.clear()
        _PLAIN_VALUES[text] = value
    return value


def _events_value(conv: _Converter, get_event):
    """(value, first event, last event) of the document whose events `get_event` gives next, built straight
    from libyaml's events without composing nodes: the same values, notes and problems as
    _Converter.convert for the documents it takes; raises _NotSimple for the others."""
    # open collections, outermost first: (container, is it a mapping, the key or index it holds in its parent)
    stack: list = []
    container, is_map, key = None, False, None  # the innermost open collection; a mapping's pending key
    first = root = None

    def container_key():
        return key if is_map else len(container)

    def path(last=()):  # the JSON path of the node at hand (only built for a note or a problem)
        head = tuple(entry[2] for entry in stack[1:])
        return head + last if last else head + (container_key(),) if container is not None else ()

    while True:
        event = get_event()
        cls = event.__class__
        if cls is _ScalarEvent:
            if event.anchor is not None:
                raise _NotSimple
            tag, text = event.tag, event.value
            if tag is None or tag == "!":
                tag = _PLAIN if event.implicit[0] else _STR_TAG
            if is_map and key is _NO_KEY:  # a mapping key
                if tag is _PLAIN:
                    found = _PLAIN_KEYS.get(text)
                    if found is None:
                        found = _plain_key(conv, text, event, path(("<key>",)))
                        if found is None:
                            raise _NotSimple
                else:
                    found = key_text(conv.scalar_of(tag, text, event, path(("<key>",))))
                if found in container:
                    raise _NotSimple
                key = found
                continue
            if tag is _PLAIN:
                value = _PLAIN_VALUES.get(text, _MISSING)
                if value is _MISSING:
                    value = _plain_value(conv, text, event, path())
            elif tag is _STR_TAG:
                value = text
            else:
                value = conv.scalar_of(tag, text, event, path())
            if container is None:
                return value, event, event
            if is_map:
                container[key] = value
                key = _NO_KEY
            else:
                container.append(value)
        elif cls is _MapStart or cls is _SeqStart:
            if event.anchor is not None or (event.tag is not None and event.tag != "!") \
                    or (is_map and key is _NO_KEY) or len(stack) >= MAX_VALUE_DEPTH:
                raise _NotSimple
            new = {} if cls is _MapStart else []
            if container is None:
                first, root = event, new
                stack.append((None, False, None))
            else:
                stack.append((container, is_map, key if is_map else len(container)))
                if is_map:
                    container[key] = new
                else:
                    container.append(new)
            container, is_map, key = new, cls is _MapStart, _NO_KEY
        elif cls is _MapEnd or cls is _SeqEnd:
            container, is_map, key = stack.pop()
            if container is None:
                return root, first, event
            if is_map:
                key = _NO_KEY
        else:  # an alias
            raise _NotSimple


def _maybe_deep(text: str) -> bool:
    """A cheap test that lets through every text nested deeper than MAX_DEPTH (and some that are not:
    a line of spaces, brackets in a string or a comment); _too_deep then measures."""
    if _DEEP_INDENT.search(text):
        return True
    if text.count("[") + text.count("{") < MAX_DEPTH:
        return False
    depth = 0
    for m in _BRACKETS.finditer(text):
        depth += 1 if m.group() in "[{" else -1
        if depth > MAX_DEPTH:
            return True
        depth = max(depth, 0)
    return False


def _too_deep(text: str) -> int | None:
    """Line number where the YAML nesting (collections inside collections, as parsed) goes deeper than
    MAX_DEPTH, or None. libyaml composes recursively in C, so this is measured on its event stream, which is
    flat, before anything is composed; only texts the cheap test lets through pay for it."""
    if not _maybe_deep(text):
        return None
    parser = _new_parser(text)
    depth = 0
    try:
        while True:
            event = parser.get_event()
            if event is None:
                return None
            if isinstance(event, _OPEN_EVENTS):
                depth += 1
                if depth > MAX_DEPTH:
                    return event.start_mark.line + 1
            elif isinstance(event, _CLOSE_EVENTS):
                depth -= 1
    except yaml.YAMLError as exc:
        if depth >= MAX_DEPTH - 1 or "nesting" in str(getattr(exc, "problem", "")):  # libyaml's own limit
            mark = getattr(exc, "problem_mark", None)
            return mark.line + 1 if mark is not None else 1
        return None  # a syntax error first: composing stops there too, no deeper than we got
    finally:
        parser.dispose()


def compose_documents(text: str) -> list:
    """The root node of every document of `text` (the fixer edits at these nodes' positions).
    Raises yaml.YAMLError when the text does not parse."""
    roots = []
    parser = _new_parser(text)
    try:
        while parser.check_node():
            roots.append(parser.get_node())
    finally:
        parser.dispose()
    return roots


def _error_problem(exc: yaml.YAMLError, line_offset: int) -> Problem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    what = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    context_mark = getattr(exc, "context_mark", None)
    if context and context_mark is not None and context_mark is not mark:
        context += f" started at line {context_mark.line + 1 + line_offset}, column {context_mark.column + 1}"
    message = f"YAML syntax error: {what}" + (f" ({context})" if context else "")
    message = " ".join(message.split())  # one finding, one line: PyYAML's texts may hold line breaks
    if mark is None:
        return Problem("YML001", message, 1 + line_offset, 1)
    return Problem("YML001", message, mark.line + 1 + line_offset, mark.column + 1)


def _parse_chunk(text: str, line_offset: int, index_offset: int, first_index: int) -> tuple:
    """Parse all documents of `text`. Returns (documents, the YAMLError that stopped the parser or None if
    the whole chunk parsed); the documents are those complete before the error.
    Values are built from libyaml's events (no node graph, the spans composed on demand); a text with a
    document the event reader leaves to the node reader is read again by _parse_chunk_nodes.
    The compiled reader (_yamlfast) goes first where it is built; it leaves what it does not take to these."""
    if _fast is not None and _use_fast:
        docs = _parse_chunk_fast(text, line_offset, index_offset, first_index)
        if docs is not None:
            return docs, None
    docs = []
    parser = _new_parser(text)
    get_event = parser.get_event
    chunk = _Chunk(text)
    try:
        get_event()  # the stream's start
        while True:
            begin = get_event()
            if begin.__class__ is not _DocStart:
                break
            conv = _Converter(line_offset, index_offset)
            value, first, last = _events_value(conv, get_event)
            end = get_event()  # the document's end, where the next one may start
            start_mark, end_mark = first.start_mark, last.end_mark
            begin_mark = begin.start_mark
            root = _LazyRoot(chunk, begin_mark.line, begin_mark.index - begin_mark.column, end.end_mark.index,
                             len(docs), line_offset, index_offset)
            span = Span(start_mark.line + 1 + line_offset, start_mark.column + 1, start_mark.index + index_offset,
                        end_mark.index + index_offset)
            docs.append(ParsedDocument(
                first_index + len(docs), value, SpanIndex(root, line_offset, index_offset, False, span),
                SpanIndex(root, line_offset, index_offset, True, span), span, conv.problems, conv.notes))
    except _NotSimple:
        parser.dispose()
        return _parse_chunk_nodes(text, line_offset, index_offset, first_index)
    except yaml.YAMLError as exc:
        return docs, exc
    finally:
        parser.dispose()
    return docs, None


class _Mark:
    __slots__ = ("line", "column", "index")

    def __init__(self, line: int, column: int, index: int):
        self.line, self.column, self.index = line, column, index


class _Place:
    """Where a scalar the compiled reader asks about stands: what _Converter needs of an event."""
    __slots__ = ("start_mark", "end_mark")

    def __init__(self, line: int, column: int, index: int, end_index: int):
        self.start_mark = _Mark(line, column, index)
        self.end_mark = _Mark(line, column, end_index)  # only its index is read


def _parse_chunk_fast(text: str, line_offset: int, index_offset: int, first_index: int) -> list | None:
    """_parse_chunk through the compiled reader: its documents, or None when the text holds one it leaves
    to the Python readers (or does not parse to its end: they report the error)."""
    convs: dict = {}

    def conv_of(doc: int) -> _Converter:
        conv = convs.get(doc)
        if conv is None:
            conv = convs[doc] = _Converter(line_offset, index_offset)
        return conv

    def resolve(want: int, doc: int, tag: str, text: str, path: tuple, line: int, column: int, index: int,
                end: int):
        """A scalar the caches do not hold, or one with a tag: _events_value's own answers."""
        conv, place = conv_of(doc), _Place(line, column, index, end)
        if want == _WANT_KEY:
            if tag == _PLAIN:
                return _plain_key(conv, text, place, path)
            return key_text(conv.scalar_of(tag, text, place, path))
        if tag == _PLAIN:
            return _plain_value(conv, text, place, path)
        return conv.scalar_of(tag, text, place, path)

    read = _fast.read_chunk(text, _PLAIN_KEYS, _PLAIN_VALUES, resolve, MAX_VALUE_DEPTH)
    if read is None:
        return None
    chunk = _Chunk(text)
    docs = []
    for n, (value, line, column, index, end, begin_line, begin_column, begin_index, doc_end) in enumerate(read):
        conv = convs.get(n)
        root = _LazyRoot(chunk, begin_line, begin_index - begin_column, doc_end, n, line_offset, index_offset, True)
        span = Span(line + 1 + line_offset, column + 1, index + index_offset, end + index_offset)
        docs.append(ParsedDocument(
            first_index + n, value, SpanIndex(root, line_offset, index_offset, False, span),
            SpanIndex(root, line_offset, index_offset, True, span), span,
            conv.problems if conv else [], conv.notes if conv else []))
    return docs


def _parse_chunk_nodes(text: str, line_offset: int, index_offset: int, first_index: int) -> tuple:
    """_parse_chunk through the node graph: for what needs it (aliases, merge keys, duplicate keys ...)."""
    docs = []
    parser = _new_parser(text)
    try:
        while parser.check_node():
            node = parser.get_node()
            conv = _Converter(line_offset, index_offset)
            start = conv.span(node)
            try:
                value = conv.convert(node, (), 0)
            except _Refused as refused:
                conv.problems.append(refused.problem)
                value = None
            docs.append(ParsedDocument(first_index + len(docs), value,
                                       SpanIndex(node, line_offset, index_offset, keys=False),
                                       SpanIndex(node, line_offset, index_offset, keys=True),
                                       start, conv.problems, conv.notes))
    except yaml.YAMLError as exc:
        return docs, exc
    finally:
        parser.dispose()
    return docs, None


def _error_index(exc: yaml.YAMLError, default: int) -> int:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    return mark.index if mark is not None else default


# Broken documents reported one by one per input; a user gains nothing from 300,000 copies of one error,
# and each costs a finding in every output. The rest are still parsed (the valid documents among them are
# checked) and summed up in one finding (BrokenDocuments.summary).
MAX_BROKEN_DOCUMENTS = 100


@record
class BrokenDocuments:
    """The broken documents of one input: how many were reported, how many more were only counted."""

    limit: int = MAX_BROKEN_DOCUMENTS
    reported: int = 0
    skipped: int = 0
    first_skipped_line: int = 0
    last_skipped_line: int = 0

    def __init__(self, limit=MAX_BROKEN_DOCUMENTS, reported=0, skipped=0, first_skipped_line=0, last_skipped_line=0):
        self.limit = limit
        self.reported = reported
        self.skipped = skipped
        self.first_skipped_line = first_skipped_line
        self.last_skipped_line = last_skipped_line

    def take(self) -> bool:
        """True while a broken document is still to be reported one by one."""
        if self.reported < self.limit:
            self.reported += 1
            return True
        return False

    def skip(self, line: int) -> None:
        self.skipped += 1
        self.first_skipped_line = self.first_skipped_line or line
        self.last_skipped_line = line

    def summary(self) -> Problem | None:
        """The one problem that stands for the documents not reported one by one, or None."""
        if not self.skipped:
            return None
        more = "document" if self.skipped == 1 else "documents"
        return Problem("YML001", f"{self.skipped:,} more {more} with YAML errors (lines "
                       f"{self.first_skipped_line}-{self.last_skipped_line}) are not reported one by one: only "
                       f"the first {self.limit} broken documents of a file are; the valid documents among them "
                       "were checked", self.first_skipped_line, 1)


# The loader's YML003 one by one for the first documents of a file that are no Kubernetes objects; the rest in one
# finding. A finding costs a few hundred bytes: 16 MiB of `---\na: 1\n` made 1.8 million of them (1.6 GB), as broken
# documents would have made without their own limit (MAX_BROKEN_DOCUMENTS).
MAX_NOT_OBJECTS = 100


class NotObjects(BrokenDocuments):
    """The documents (and List items) of one input that are no Kubernetes objects, counted as broken
    documents are (take, skip), summed up in their own words (YML003)."""

    def __init__(self, limit: int = MAX_NOT_OBJECTS):
        super().__init__(limit)

    def summary(self) -> Problem | None:
        if not self.skipped:
            return None
        more = "document that is" if self.skipped == 1 else "documents that are"
        return Problem("YML003", f"{self.skipped:,} more {more} not a Kubernetes object (lines "
                       f"{self.first_skipped_line}-{self.last_skipped_line}) are not reported one by one: only "
                       f"the first {self.limit} of a file are; all of them were skipped", self.first_skipped_line, 1)


def parse_documents(text: str, line_offset: int = 0, index_offset: int = 0, first_index: int = 0,
                    broken: BrokenDocuments | None = None) -> list:
    """Every document of a YAML (or JSON) text. A broken document yields a ParsedDocument whose value is
    None and whose problems say what is wrong; the other documents are still returned. The offsets place
    `text` inside a larger text (see document_chunks): positions and document indices are then the larger
    text's. `broken` counts broken documents across calls (the pieces of one input): past its limit they
    are only counted, and the caller reports its summary; without it, the summary is the last document."""
    if _fast is not None and _use_fast:
        # the compiled reader refuses anything deep itself (MAX_VALUE_DEPTH), so it needs no scan for depth
        # first; a text it leaves (rare) costs it one more try in _parse_chunk, cheap next to the Python readers
        docs = _parse_chunk_fast(text, line_offset, index_offset, first_index)
        if docs is not None:
            return docs
    deep = _maybe_deep(text)
    if not deep:
        docs, error = _parse_chunk(text, line_offset, index_offset, first_index)
        if error is None:
            return docs
        stream = _json_stream(text)
        if stream is not None:
            return _parse_json_stream(text, stream, line_offset, index_offset, first_index)
    else:
        docs, error = [], None
    own = broken is None
    broken = BrokenDocuments() if own else broken
    docs = _parse_recovering(text, line_offset, index_offset, first_index, deep, broken,
                             None if deep else (docs, error))
    if own and broken.skipped:
        problem = broken.summary()
        docs.append(ParsedDocument(first_index + len(docs), None, _NO_SPANS, _NO_SPANS,
                                   Span(problem.line, problem.column), [problem]))
    return docs


def _parse_recovering(text: str, line_offset: int, index_offset: int, first_index: int, deep: bool,
                      broken: BrokenDocuments, first: tuple | None) -> list:
    """The documents of a text libyaml does not parse in one go. A syntax error stops libyaml for the rest
    of the stream, and a document nested too deep must not take the others with it, so each broken
    document is parsed alone and the text again from the `---` after it. The stretch one parser gets
    doubles while it parses cleanly and starts again at one document after an error: a text with a few
    errors costs a few parsers, one where every document is broken one small parser per document (never a
    re-read of the rest, which would be quadratic). Texts that may nest too deep are measured and parsed
    one document at a time.
    `first` = (documents, error) of a parse of the whole text already made."""
    docs = []
    bounds = [m.start() for m in _DOC_START.finditer(text)]
    if not bounds or bounds[0] != 0:
        bounds.insert(0, 0)
    bounds.append(len(text))
    chunks = len(bounds) - 1
    k, window, chunk_line, counted = 0, 1, line_offset, 0
    while k < chunks:
        start = bounds[k]
        chunk_line += text.count("\n", counted, start)  # counted on from the last stretch: linear in the text
        counted = start
        if deep:
            deep_line = _too_deep(text[start:bounds[k + 1]])
            if deep_line is not None:
                line = deep_line + chunk_line
                docs.append(ParsedDocument(first_index + len(docs), None, _NO_SPANS, _NO_SPANS, Span(line, 1), [
                    Problem("YML006", f"nesting deeper than {MAX_DEPTH} levels; refused", line, 1)]))
                k += 1
                continue
        if first is not None:  # the whole text, parsed once already
            stop, (got, error), first = chunks, first, None
        else:
            stop = min(chunks, k + (1 if deep else window))
            got, error = _parse_chunk(text[start:bounds[stop]], chunk_line, index_offset + start,
                                      first_index + len(docs))
        if error is None:
            docs.extend(got)
            k, window = stop, window * 2
            continue
        at = start + _error_index(error, 0)
        if stop - k > 1 and not bounds[k] <= at < bounds[k + 1]:
            # Keep the documents before the broken one and parse that one alone, as if the text were cut
            # at its `---` (so a piece of a large input gets the same finding as the whole). The error is in
            # the broken document, or right at the `---` after it (an unclosed bracket or quote); a document
            # of the next one starts after that `---`, while an empty document before it starts on it.
            # (An error inside the stretch's first document is what that document alone gives: handled below.)
            bad = min(max(bisect.bisect_left(bounds, at) - 1, k), stop - 1)
            if bad > k:
                limit = index_offset + bounds[bad]
                docs.extend(d for d in got if d.span.start <= limit)
            k, window = bad, 1
            continue
        if got and _NO_DOCUMENT_START in str(getattr(error, "problem", "")):
            # text went on after a complete document without `---`: the two are one mis-indented document
            # (`  apiVersion: v1` above `kind: X`), so its head is not an object of its own (one problem,
            # one finding: the syntax error)
            got.pop()
        docs.extend(got)
        if broken.take():
            problem = _error_problem(error, chunk_line)
            docs.append(ParsedDocument(first_index + len(docs), None, _NO_SPANS, _NO_SPANS,
                                       Span(problem.line, problem.column), [problem]))
        else:
            broken.skip(chunk_line + text.count("\n", start, at) + 1)
        k, window = k + 1, 1
    return docs


_NO_DOCUMENT_START = "did not find expected <document start>"


def _json_stream(text: str) -> list | None:
    """(start, end) of each value when `text` is two or more JSON objects back to back (`{...}{...}` or one
    per line, as `kubectl apply -f` accepts them), else None. Used only once the YAML reading failed."""
    import json
    body = text.lstrip("\ufeff \t\r\n")
    if not body.startswith("{"):
        return None
    decoder, bounds, at = json.JSONDecoder(), [], len(text) - len(body)
    while at < len(text):
        try:
            _, end = decoder.raw_decode(text, at)
        except ValueError:
            return None
        bounds.append((at, end))
        at = end
        while at < len(text) and text[at] in " \t\r\n":
            at += 1
    return bounds if len(bounds) > 1 else None


def _parse_json_stream(text: str, bounds: list, line_offset: int, index_offset: int, first_index: int) -> list:
    """Each object of a JSON stream as its own document, at its own position: the text of its first line
    before it is blanked (so columns stay right), the lines above it are counted as an offset."""
    docs, line = [], 0
    counted = 0
    for start, end in bounds:
        line += text.count("\n", counted, start)
        counted = start
        line_start = text.rfind("\n", 0, start) + 1
        chunk = " " * (start - line_start) + text[start:end]
        chunk_docs, error = _parse_chunk(chunk, line_offset + line, index_offset + line_start,
                                         first_index + len(docs))
        docs.extend(chunk_docs)
        if error is not None:
            problem = _error_problem(error, line_offset + line)
            docs.append(ParsedDocument(first_index + len(docs), None, _NO_SPANS, _NO_SPANS,
                                       Span(problem.line, problem.column), [problem]))
    return docs


_OTHER_LINE_BREAKS = lazy("\r(?!\n)|[\x85\u2028\u2029]")
_DIRECTIVE = lazy(r"^%", re.M)


def document_chunks(text: str, min_chars: int, max_documents: int | None = None) -> list:
    """(start, end) pieces of `text`, cut at `---` / `...` lines, each at least `min_chars` long (but the
    last) or holding `max_documents` document markers, so that a large file can be read and checked a piece
    at a time. YAML forbids document markers inside scalars, so every piece parses exactly as it does within
    the whole. One piece when the text is small, or uses directives or line breaks other than \n and \r\n
    (positions are counted in \n)."""
    if (len(text) <= min_chars and max_documents is None) or _DIRECTIVE.search(text) \
            or _OTHER_LINE_BREAKS.search(text):
        return [(0, len(text))]
    pieces, start, markers = [], 0, 0
    for m in _DOC_START.finditer(text):
        markers += 1
        if m.start() - start >= min_chars or (max_documents is not None and markers > max_documents):
            pieces.append((start, m.start()))
            start, markers = m.start(), 1
    pieces.append((start, len(text)))
    return pieces
