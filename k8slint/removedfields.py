"""Fields a Kubernetes release removed from the schema of a kind that earlier releases knew.

kubectl validates strictly by default (client-side before 1.27, server-side field validation from 1.27), so
such a field (`metadata.clusterName` from 1.25, Service `spec.topologyKeys` from 1.22) is refused even when
unknown fields are otherwise not reported (without --strict): it is not a typo but a field the target
dropped. Lint, fix and the upgrade report say the same about it (SCH002 with `extra["last_known"]`).

Cheap by construction: `schemas/removed-fields.json` (derived from the embedded schemas by `derive`, written by
tools/build_schemas.py, checked against the schemas by tests/test_removed_fields.py) lists, per definition
and property, the minors that no longer have it and the last one that did; a few dozen entries. Per
(minor, apiVersion, kind) the schema graph is walked once for the paths that reach those definitions, and
an object is then looked at along those paths only (a trie: most objects cost a dictionary look-up or two).
"""
from __future__ import annotations

import json
import threading
import weakref

from .model import format_json_path
from .schemastore import SchemaStore, _ref_target, default_store
from .versions import KubeVersion

FILE = "removed-fields.json"
FORMAT = 1
_ANY = "*"  # a list item or map value in a path pattern
_LEAF = ""  # trie key of the removed properties at a node: {property: last minor that knew it}


def _open(node: dict) -> bool:
    """Does this object node accept any key (a map, or one that keeps unknown fields)?"""
    return isinstance(node.get("additionalProperties"), dict) or node.get("additionalProperties") is True \
        or node.get("x-kubernetes-preserve-unknown-fields") is True or not isinstance(node.get("properties"), dict)


def derive(store: SchemaStore) -> dict:
    """{definition: {property: {minor without it: last earlier minor with it}}} over the embedded minors.
    Only definitions that stay closed structs count (a property of a map or open object is never unknown);
    the comparison is by definition name, so a kind whose definition was renamed (1.7) is not compared."""
    minors = [str(v) for v in store.versions()]
    maps = {m: store._version_map(m) for m in minors}
    found: dict = {}
    for i, minor in enumerate(minors):
        for name, content in maps[minor].items():
            current = store._def(minor, name)
            if _open(current):
                continue
            have = current["properties"]
            last_known: dict = {}
            for earlier in minors[:i]:  # oldest first, so the newest earlier minor that had it wins
                if maps[earlier].get(name, content) == content:
                    continue
                for prop in store._def(earlier, name).get("properties") or ():
                    if prop not in have:
                        last_known[prop] = earlier
            for prop, last in last_known.items():
                found.setdefault(name, {}).setdefault(prop, {})[minor] = last
    return {"format": FORMAT, "definitions": {n: {p: found[n][p] for p in sorted(found[n])} for n in sorted(found)}}


class RemovedFields:
    """The removed fields of kinds in one schema store, found in objects."""

    def __init__(self, store: SchemaStore | None = None):
        self.store = store or default_store()
        self._table: dict | None = None
        self._tries: dict = {}  # (minor, apiVersion, kind) -> trie or None
        self._lock = threading.Lock()

    def _removed(self, minor: str) -> dict:
        """{definition: {property: last minor that knew it}} for the properties `minor` removed."""
        if self._table is None:
            try:
                with open(self.store._root / FILE, "rb") as fh:
                    data = json.loads(fh.read())
            except FileNotFoundError:  # a store without the derived table (test stores): nothing removed
                data = {"format": FORMAT, "definitions": {}}
            if data.get("format") != FORMAT:
                raise ValueError(f"{self.store._root / FILE}: unsupported format {data.get('format')!r}")
            by_minor: dict = {}
            for name, props in data["definitions"].items():
                for prop, minors in props.items():
                    for m, last in minors.items():
                        by_minor.setdefault(m, {}).setdefault(name, {})[prop] = last
            self._table = by_minor
        return self._table.get(minor, {})

    def trie(self, version, api_version: str, kind: str):
        """The path trie of removed fields of this kind in this minor (None when there are none)."""
        key = (version, api_version, kind)
        try:
            return self._tries[key]
        except KeyError:
            with self._lock:
                if key not in self._tries:
                    self._tries[key] = self._build(str(KubeVersion.parse(version)), api_version, kind)
            return self._tries[key]

    def _build(self, minor: str, api_version: str, kind: str):
        removed = self._removed(minor)
        if not removed:
            return None
        try:
            root = self.store.definition_name(minor, api_version, kind)
        except ValueError:  # a minor that is not embedded: nothing known
            return None
        if root is None:
            return None
        reaches = self._reaching(minor, root, set(removed))
        if root not in reaches:
            return None
        trie: dict = {}
        self._walk(minor, {"$ref": "#/$defs/" + root}, trie, removed, reaches, ())
        return _compiled(trie) if trie else None

    def _reaching(self, minor: str, root: str, targets: set) -> set:
        """The definitions reachable from `root` through which a target definition can be reached."""
        edges: dict = {}
        todo = [root]
        while todo:
            name = todo.pop()
            if name in edges:
                continue
            definition = self.store._def(minor, name)
            edges[name] = _refs(definition, set()) if definition is not None else set()
            todo.extend(edges[name] - set(edges))
        reaching = {n for n in edges if n in targets}
        grew = True
        while grew:
            grew = False
            for name, refs in edges.items():
                if name not in reaching and refs & reaching:
                    reaching.add(name)
                    grew = True
        return reaching

    def _walk(self, minor: str, node: dict, trie: dict, removed: dict, reaches: set, stack: tuple) -> None:
        ref = node.get("$ref")
        if ref is not None:
            name = _ref_target(ref)
            if name not in reaches or name in stack:  # nothing to find there, or a cycle
                return
            definition = self.store._def(minor, name)
            if definition is None:
                return
            if name in removed:
                trie.setdefault(_LEAF, {}).update(removed[name])
            self._walk(minor, definition, trie, removed, reaches, stack + (name,))
            return
        for prop, child in (node.get("properties") or {}).items():
            if isinstance(child, dict):
                self._descend(minor, child, trie, prop, removed, reaches, stack)
        for key in ("items", "additionalProperties"):
            if isinstance(node.get(key), dict):
                self._descend(minor, node[key], trie, _ANY, removed, reaches, stack)
        for key in ("anyOf", "oneOf", "allOf"):
            for child in node.get(key) or ():
                if isinstance(child, dict):
                    self._walk(minor, child, trie, removed, reaches, stack)

    def _descend(self, minor, child, trie, step, removed, reaches, stack) -> None:
        sub: dict = {}
        self._walk(minor, child, sub, removed, reaches, stack)
        if sub:
            _merge(trie.setdefault(step, {}), sub)

    def find(self, version, api_version: str, kind: str, data) -> list:
        """[(path of a removed field present in `data`, last minor that knew it)]."""
        return find_in(self.trie(version, api_version, kind), data)


def find_in(trie, data) -> list:
    """The removed fields present in `data` along one kind's trie (see RemovedFields.trie)."""
    if trie is None or not isinstance(data, dict):
        return []
    out: list = []
    _match(trie, data, (), out)
    return out


def removed_message(path: tuple, last: str) -> str:
    """The SCH002 message of a removed field (lint's, fix's and the report's words)."""
    gone = KubeVersion.parse(last).next()
    where = format_json_path(path[:-1]) or "the top level"
    return (f"unknown field {path[-1]!r} in {where}: Kubernetes {gone} removed it ({last} was the last version to "
            "know it), and kubectl, which validates strictly by default, refuses it")


def _refs(node, found: set) -> set:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                found.add(_ref_target(value))
            else:
                _refs(value, found)
    elif isinstance(node, list):
        for value in node:
            _refs(value, found)
    return found


def _merge(into: dict, other: dict) -> None:
    for key, value in other.items():
        if key == _LEAF:
            into.setdefault(_LEAF, {}).update(value)
        else:
            _merge(into.setdefault(key, {}), value)


def _compiled(trie: dict) -> tuple:
    """A trie node as (removed properties here, (key, node) of named children, node of any item or value):
    matched once per object, so it is kept to tuples."""
    return (tuple(trie.get(_LEAF, {}).items()),
            tuple((k, _compiled(v)) for k, v in trie.items() if k not in (_LEAF, _ANY)),
            _compiled(trie[_ANY]) if _ANY in trie else None)


def _match(node: tuple, value, path: tuple, out: list) -> None:
    leaves, children, any_item = node
    if isinstance(value, dict):
        for prop, last in leaves:
            if prop in value:
                out.append((path + (prop,), last))
        for key, sub in children:
            child = value.get(key)
            if child is not None:
                _match(sub, child, path + (key,), out)
        if any_item is not None:
            for k, v in value.items():
                _match(any_item, v, path + (k,), out)
    elif any_item is not None and isinstance(value, list):
        for i, item in enumerate(value):
            _match(any_item, item, path + (i,), out)


_BY_STORE: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def removed_fields(store: SchemaStore | None = None) -> RemovedFields:
    """The (cached) removed fields of a schema store, the installed one by default."""
    store = store or default_store()
    found = _BY_STORE.get(store)
    if found is None:
        found = _BY_STORE.setdefault(store, RemovedFields(store))
    return found
