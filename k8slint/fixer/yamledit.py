"""Position-based editing of one object in a YAML or JSON text, the way a careful person edits by hand.

An `Editor` works on one resource of a composed document (see source). Fixes call `set`, `delete`,
`rename` and `extract` with JSON paths; the editor keeps the JSON value the object must have afterwards
(`data`) and the changes to source nodes; `edits()` has them turned into `Edit`s (replace text[start:end])
at the positions the parser reported (see layout). Only the changed nodes are rewritten: comments, key
order, quoting, indentation, line ends and every other byte stay as they were.

- scalars keep their quoting; new keys are written like their siblings (block with the file's
  indentation step and sequence style, flow on one line, or JSON in JSON documents);
- a deleted entry takes its own lines with it; new entries go after the last entry, or before a named one;
- each fix runs in a transaction (`with editor.fix(tag)`): when it raises, its changes are undone; a fix
  that touches a node another fix already changed raises `Conflict` (overlapping edits are dropped, never
  merged by guesswork).
"""
from __future__ import annotations

import copy
import re
from contextlib import contextmanager

import yaml

from .layout import FixRefused, apply_edits, check_overlaps, layout_edits
from .render import Commented, Moved, plain_value
from .source import Document, NodeMemo, SourceError

__all__ = ["Conflict", "Editor", "FixRefused", "apply_edits", "check_overlaps"]

_ANCHOR_OR_TAG = re.compile(r"(?:^|[\s\[{,:-])[&*!][^\s,\[\]{}]+")


class Conflict(FixRefused):
    """The fix would change text another fix already changes."""


_MISSING = object()


class _Record:
    """A key inserted into a source mapping: its name, its (live) value, and where it goes."""

    def __init__(self, name: str, value, before, tag: str):
        self.name, self.value, self.before, self.tag = name, value, before, tag


class Editor:
    def __init__(self, doc: Document, base: tuple, data: dict):
        self.doc = doc
        self.base = tuple(base)
        found = doc.find(self.base)
        if found is None or not isinstance(found[1], yaml.MappingNode):
            raise SourceError("the object is not a mapping in the source")
        self.root = found[1]
        self.tag = ""
        self._memo = doc.node_memo()
        self.state = {
            "data": copy.deepcopy(data),
            "sets": {},      # id(value node) -> [node, parent node, value, tag]
            "renames": {},   # id(key node) -> [key node, mapping node, new name, tag]
            "deletes": {},   # id(key node) -> [key node, mapping node, tag]
            "inserts": {},   # id(mapping node) -> [mapping node, [_Record ...]]
            "claims": {},    # id(node) -> tag of the fix that changed it
        }

    # ---------------------------------------------------------------------------------------- public

    @property
    def data(self) -> dict:
        """The object as it will be once every change so far is applied."""
        return self.state["data"]

    def get(self, path, default=None):
        node = self.data
        for part in path:
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
                node = node[part]
            else:
                return default
        return node

    def is_flow(self, path) -> bool:
        """Is the node at `path` written in flow style ({...} or [...]) in the source?"""
        try:
            loc = self._locate(tuple(path))
        except SourceError:
            return False
        return bool(loc and loc[0] == "source" and self.doc.is_flow(loc[2]))

    def has(self, path) -> bool:
        return self.get(path, _MISSING) is not _MISSING

    @contextmanager
    def fix(self, tag: str):
        """Run one fix: on any exception its changes are rolled back and the exception propagates."""
        saved = copy.deepcopy(self.state, NodeMemo(self._memo))
        self.tag = tag
        try:
            yield self
        except BaseException:
            self.state = saved
            raise
        finally:
            self.tag = ""

    def set(self, path, value, before: str | None = None) -> None:
        """Give `path` this value, creating missing mappings on the way. `before`: for a new key, the
        sibling it is written before (default: after the last one)."""
        path = tuple(path)
        if not path:
            raise FixRefused("cannot replace a whole object")
        loc = self._locate(path)
        if loc is None:
            parent = path[:-1]
            if not isinstance(self.get(parent), dict):
                if self.get(parent) is not None and self.has(parent):
                    raise FixRefused(f"{_fmt(parent)} is not a mapping")
                self.set(parent, {})
            self._insert(path, value, before)
        elif loc[0] == "source":
            _, key_node, node, parent_node = loc
            self._claim(node)
            if node.start_mark.index < len(self.doc.text) and self.doc.text[node.start_mark.index] in "&!*":
                raise FixRefused(f"{_fmt(path)} carries a YAML anchor or tag")
            if isinstance(node, yaml.ScalarNode) and node.style in ("|", ">") and isinstance(value, (dict, list)):
                raise FixRefused(f"{_fmt(path)} is a block scalar")
            self.state["sets"][id(node)] = [node, parent_node, value, self.tag]
        elif loc[0] == "record":
            record = loc[1]
            if record.tag != self.tag:
                raise Conflict(f"{_fmt(path)} is written by the fix for {record.tag}")
            record.value = value
        else:
            _, container, name = loc
            container[name] = value
        _set_in(self.data, path, plain_value(copy.deepcopy(value, {})))

    def setdefault(self, path, value, before: str | None = None) -> bool:
        """Set `path` only when it is absent; True when it was set."""
        if self.has(path):
            return False
        self.set(path, value, before)
        return True

    def delete(self, path) -> None:
        path = tuple(path)
        loc = self._locate(path)
        if loc is None:
            return
        if loc[0] == "source":
            _, key_node, node, parent_node = loc
            if key_node is None:
                raise FixRefused(f"cannot delete the list item {_fmt(path)}")
            self._claim(key_node)
            self._claim(node)
            self.state["deletes"][id(key_node)] = [key_node, parent_node, self.tag]
        elif loc[0] == "record":
            mapping, records = self.state["inserts"][id(loc[2])]
            records.remove(loc[1])
        else:
            _, container, name = loc
            del container[name]
        _delete_in(self.data, path)

    def comment(self, path) -> str:
        """The comment after the scalar at `path` on its line ("  # like this"), or "" when there is none."""
        try:
            loc = self._locate(tuple(path))
        except SourceError:
            return ""
        if not loc or loc[0] != "source" or not isinstance(loc[2], yaml.ScalarNode) or loc[2].style in ("|", ">"):
            return ""
        text = self.doc.text
        end = loc[2].end_mark.index
        rest = text[end:self.doc.line_end(end)].rstrip("\r\n")
        return rest.rstrip() if rest.lstrip().startswith("#") and rest[:1] in (" ", "\t") else ""

    def replace(self, path, new_name: str, value) -> None:
        """Put `new_name: value` where the key at `path` is (before the key that follows it), and delete it.
        A comment after the old value follows it into the new one (or onto the new key's line)."""
        path = tuple(path)
        comment = self.comment(path)
        if comment:
            value = _carry_comment(value, self.get(path), comment)
        parent = self.get(path[:-1])
        siblings = list(parent.keys()) if isinstance(parent, dict) else []
        following = siblings[siblings.index(path[-1]) + 1:] if path[-1] in siblings else []
        self.delete(path)
        self.set(path[:-1] + (new_name,), value, before=following[0] if following else None)

    def rename(self, path, new_name: str) -> None:
        """Rename the key at `path` (its value, comments and position stay)."""
        path = tuple(path)
        if self.has(path[:-1] + (new_name,)):
            raise FixRefused(f"{_fmt(path[:-1] + (new_name,))} already exists")
        loc = self._locate(path)
        if loc is None:
            raise FixRefused(f"{_fmt(path)} does not exist")
        if loc[0] == "source":
            _, key_node, node, parent_node = loc
            if key_node is None:
                raise FixRefused(f"{_fmt(path)} is not a mapping key")
            self._claim(key_node)
            self.state["renames"][id(key_node)] = [key_node, parent_node, new_name, self.tag]
        elif loc[0] == "record":
            loc[1].name = new_name
        else:
            _, container, name = loc
            _rename_key(container, name, new_name)
        _rename_key(self.get(path[:-1]), path[-1], new_name)

    def extract(self, path, copy_only: bool = False):
        """The subtree at `path` as text that can be written elsewhere (comments included), with the
        changes made inside it so far; a plain value when it is a scalar or not written in the source.
        `copy_only`: the subtree also stays where it is (then changes inside it make it a plain value)."""
        path = tuple(path)
        value = copy.deepcopy(self.get(path))
        loc = self._locate(path)
        if loc is None or loc[0] != "source":
            return value
        node = loc[2]
        if isinstance(node, yaml.ScalarNode) or id(node) in self.state["sets"]:
            return value
        doc = self.doc
        if doc.is_flow(node):
            start, end, column, block = node.start_mark.index, node.end_mark.index, node.start_mark.column, False
        else:
            if not doc.first_on_line(node.start_mark.index):
                return value
            start, end = doc.line_start(node.start_mark.index), doc.line_end(doc.content_end(node))
            column, block = node.start_mark.column, True
        inside, outside = self._split_state(start, end)
        if copy_only and any(inside[table] for table in inside):
            return value
        inner = layout_edits(self.doc, {**self.state, **inside})
        if any(e.start < start or e.end > end for e in inner) or \
                any(e.start < end and e.end > start for e in layout_edits(self.doc, {**self.state, **outside})):
            raise FixRefused(f"{_fmt(path)} is changed in a way that cannot be moved")
        text = doc.text[start:end]
        if _ANCHOR_OR_TAG.search(text):
            if copy_only:
                return value  # a copy must not define an anchor twice: write the value instead
            if text.lstrip()[:1] in "&!":
                raise FixRefused(f"{_fmt(path)} carries a YAML anchor or tag")
        for e in sorted(inner, key=lambda e: (e.start, e.end), reverse=True):
            text = text[:e.start - start] + e.text + text[e.end - start:]
        if not copy_only:
            self.state = {**self.state, **outside}
        if block:
            text = text[column:].rstrip("\r\n")
        return Moved(text, column, value, block)

    def edits(self) -> list:
        """The text edits for every change, sorted; raises FixRefused when two of them overlap."""
        edits = layout_edits(self.doc, self.state)
        check_overlaps(edits)
        return edits

    # ------------------------------------------------------------------------------------- locating

    def _claim(self, node) -> None:
        owner = self.state["claims"].get(id(node))
        if owner is not None and owner != self.tag:
            raise Conflict(f"it changes text the fix for {owner} changes")
        self.state["claims"][id(node)] = self.tag

    def _entries(self, mapping) -> list:
        """(current name, key node, value node) of a source mapping's live entries."""
        out = []
        renames, deletes = self.state["renames"], self.state["deletes"]
        for entry in self.doc.entries(mapping):
            if id(entry.key_node) in deletes:
                continue
            name = renames[id(entry.key_node)][2] if id(entry.key_node) in renames else entry.key
            out.append((name, entry.key_node, entry.value_node))
        return out

    def _records(self, mapping) -> list:
        return self.state["inserts"].get(id(mapping), [None, []])[1]

    def _locate(self, path: tuple):
        """Where `path` lives: ("source", key node, node, parent node), ("record", record, _, mapping),
        ("new", container, key) inside a value being written, or None when absent."""
        node, key_node, parent = self.root, None, None
        for i, part in enumerate(path):
            if id(node) in self.state["sets"]:
                return self._in_value(self.state["sets"][id(node)][2], path[i:])
            if isinstance(node, yaml.MappingNode):
                record = next((r for r in self._records(node) if r.name == part), None)
                if record is not None:
                    if i == len(path) - 1:
                        return ("record", record, None, node)
                    return self._in_value(record.value, path[i + 1:])
                if id(node) in self.doc.shared:
                    raise SourceError("it is shared with another place through a YAML anchor and alias")
                found = next(((k, v) for name, k, v in self._entries(node) if name == part), None)
                if found is None:
                    if id(node) in self.doc.merged and self.has(path[:i + 1]):
                        raise FixRefused(f"{_fmt(path[:i + 1])} comes from a YAML merge key (<<)")
                    return None
                parent, (key_node, node) = node, found
            elif isinstance(node, yaml.SequenceNode):
                if not isinstance(part, int) or not 0 <= part < len(node.value):
                    return None
                parent, key_node, node = node, None, node.value[part]
            else:
                return None
        if id(node) in self.doc.shared:
            raise SourceError("it is written through a YAML anchor and alias, which other places share")
        return ("source", key_node, node, parent)

    @staticmethod
    def _in_value(value, rest: tuple):
        container = value
        for part in rest[:-1]:
            if isinstance(container, dict) and part in container:
                container = container[part]
            elif isinstance(container, list) and isinstance(part, int) and 0 <= part < len(container):
                container = container[part]
            else:
                return None
        if not rest:
            return None
        last = rest[-1]
        if isinstance(container, dict) and last in container:
            return ("new", container, last)
        if isinstance(container, list) and isinstance(last, int) and 0 <= last < len(container):
            return ("new", container, last)
        return None

    def _insert(self, path: tuple, value, before: str | None) -> None:
        parent = self._locate(path[:-1]) if path[:-1] else ("source", None, self.root, None)
        name = path[-1]
        if parent is None:
            raise FixRefused(f"{_fmt(path[:-1])} does not exist")
        if parent[0] == "source" and id(parent[2]) in self.state["sets"]:
            parent = ("new", {"": self.state["sets"][id(parent[2])][2]}, "")
        if parent[0] == "source":
            mapping = parent[2]
            if not isinstance(mapping, yaml.MappingNode):
                raise FixRefused(f"{_fmt(path[:-1])} is not a mapping in the source")
            anchor = None
            if before is not None:
                anchor = next((k for n, k, v in self._entries(mapping) if n == before), None)
            records = self.state["inserts"].setdefault(id(mapping), [mapping, []])[1]
            records.append(_Record(name, value, anchor, self.tag))
            return
        target = parent[1].value if parent[0] == "record" else parent[1][parent[2]]
        if not isinstance(target, dict):
            raise FixRefused(f"{_fmt(path[:-1])} is not a mapping")
        if before is not None and before in target:
            items = list(target.items())
            target.clear()
            for k, v in items:
                if k == before:
                    target[name] = value
                target[k] = v
        else:
            target[name] = value

    def _split_state(self, start: int, end: int) -> tuple:
        """The change tables split into (changes of nodes inside [start, end), the others)."""
        inside, outside = {}, {}
        for table in ("sets", "renames", "deletes", "inserts"):
            inside[table], outside[table] = {}, {}
            for k, v in self.state[table].items():
                where = inside if start <= v[0].start_mark.index < end else outside
                where[table][k] = v
        return inside, outside

    # --------------------------------------------------------------------------------------- edits

def _carry_comment(value, old, comment: str):
    """`value` with `comment` attached to its first scalar equal to `old` (or to the whole value)."""
    def walk(node):
        if isinstance(node, dict):
            for k, v in node.items():
                found = walk(v)
                if found is not None:
                    node[k] = found
                    return node
            return None
        if isinstance(node, (Commented, Moved, list)):
            return None
        return Commented(node, comment) if node == old and type(node) is type(old) else None

    copied = copy.deepcopy(value, {})
    if isinstance(copied, dict) and walk(copied) is not None:
        return copied
    if not isinstance(copied, dict):
        found = walk(copied)
        if found is not None:
            return found
    return Commented(copied, comment)


def _fmt(path: tuple) -> str:
    from ..model import format_json_path
    return format_json_path(path) or "the object"


def _set_in(data, path: tuple, value) -> None:
    node = data
    for part in path[:-1]:
        if isinstance(node, dict):
            if not isinstance(node.get(part), (dict, list)):
                node[part] = {}
            node = node[part]
        else:
            node = node[part]
    node[path[-1]] = value


def _delete_in(data, path: tuple) -> None:
    node = data
    for part in path[:-1]:
        node = node[part]
    if isinstance(node, dict):
        node.pop(path[-1], None)


def _rename_key(container, old: str, new: str) -> None:
    if not isinstance(container, dict) or old not in container:
        return
    items = list(container.items())
    container.clear()
    for k, v in items:
        container[new if k == old else k] = v
