"""Set and map lists as the API server's CEL values for custom resources have them (apiserver
pkg/cel/common/valuesunstructured.go). `==` / `!=`: a list with `x-kubernetes-list-type: set` equals a list
with the same elements in any order, one with `x-kubernetes-list-type: map` a list with the same entries by
key in any order, and objects and atomic lists compare field by field and item by item under their
schema, so the set and map semantics hold inside them too. `+`: a set list gains the other list's elements
it does not hold (a union), a map list's entries are replaced by the other list's entries of the same key
and the others appended (a merge). The left operand decides: its value's Equal and Add run, so
`self.set == [2, 1]` ignores order and `[2, 1] == self.set` does not.

The runtime here compares and concatenates lists in order, so a checked expression whose `==`, `!=` or
`+` has a left operand that is a path from `self` to such a node is rewritten to call k8slint's
functions, which get the node's schema by index (see with_schema_equality)."""
from __future__ import annotations

from . import wire
from .library import LibraryError, cel_equal
from .types import MAX_DEPTH, escape

EQUALS, NOT_EQUALS, ADD = "k8slintSchemaEquals", "k8slintSchemaNotEquals", "k8slintSchemaAdd"
_OPERATORS = {b"_==_": EQUALS, b"_!=_": NOT_EQUALS, b"_+_": ADD}
_LIST_TYPES = ("set", "map")
_NODES: list = []  # the schema nodes the rewritten calls name, by index (kept alive, so ids stay unique)
_INDEX: dict = {}  # id(node) -> index in _NODES
_MAX_NODES = 100_000


def has_keyed_lists(node, depth: int = 0) -> bool:
    """Whether a set or map list is in the node's value (then `==` on it is not the runtime's)."""
    if not isinstance(node, dict) or depth > MAX_DEPTH:
        return False
    if node.get("type") == "array" and node.get("x-kubernetes-list-type") in _LIST_TYPES:
        return True
    props = node.get("properties")
    children = list(props.values()) if isinstance(props, dict) else []
    children += [node.get("items"), node.get("additionalProperties")]
    return any(has_keyed_lists(child, depth + 1) for child in children)


def _index_of(node, built_entries: bool) -> int:
    index = _INDEX.get((id(node), built_entries))
    if index is None:
        index = _INDEX[(id(node), built_entries)] = len(_NODES)
        _NODES.append((node, built_entries))
    return index


# -- the semantics -----------------------------------------------------------------------------------------

def equal(node, a, b, depth: int = 0) -> bool:
    """a == b where a is a value of the schema node; LibraryError where the API server's CEL gives an error
    (a set list of lists or maps, a list compared with what is not a list)."""
    if a is None or b is None:
        return a is None and b is None
    if depth > MAX_DEPTH or not has_keyed_lists(node):
        return cel_equal(a, b)
    if isinstance(a, list):
        if not isinstance(b, list):
            raise LibraryError(f"no such overload: list == {_kind(b)}")
        list_type, items = node.get("x-kubernetes-list-type"), node.get("items")
        if list_type == "set":
            return _set_equal(a, b)
        if list_type == "map":
            keys = node.get("x-kubernetes-list-map-keys")
            return _map_list_equal(items, keys if isinstance(keys, list) else [], a, b, depth)
        return len(a) == len(b) and all(equal(items, x, y, depth + 1) for x, y in zip(a, b))
    if isinstance(a, dict):
        if not isinstance(b, dict):
            raise LibraryError(f"no such overload: map == {_kind(b)}")
        if len(a) != len(b):
            return False
        for key, value in a.items():
            sub = _field_schema(node, key)
            if sub is None:  # a field the schema does not name: compared as plain data, when both have it
                if key in b and not cel_equal(value, b[key]):
                    return False
            elif key not in b or not equal(sub, value, b[key], depth + 1):
                return False
        return True
    return cel_equal(a, b)


def _field_schema(node: dict, key: str):
    extra = node.get("additionalProperties")
    if isinstance(extra, dict):
        return extra
    props = node.get("properties") if isinstance(node.get("properties"), dict) else {}
    if key in props:
        return props[key]
    return next((sub for name, sub in props.items() if isinstance(name, str) and escape(name) == key), None)


def _key(value):
    """A set element's identity: its type and value, as a Go interface value compares (1 and 1.0 differ)."""
    if isinstance(value, (list, dict)):
        raise LibraryError("listSet operations are only supported on lists of scalar values")
    try:
        hash(value)
    except TypeError:
        return type(value).__name__, repr(value)
    return type(value).__name__, value


def _set_equal(a: list, b: list) -> bool:
    if len(a) != len(b):
        return False
    elements = {_key(x) for x in a}
    seen = set()
    for y in b:
        key = _key(y)
        if key not in elements:
            return False
        seen.add(key)
    return len(seen) == len(elements)


def _map_key(entry: dict, keys: list) -> tuple:
    # upstream looks each key up in the raw object under its escaped name, so a key whose name CEL escapes
    # (`namespace`, `x-y`) is never found there: every entry has nothing for it
    return tuple(_scalar_key(entry.get(k)) if isinstance(k, str) and escape(k) == k else None for k in keys)


def _scalar_key(value):
    if isinstance(value, (list, dict)):
        return "composite", repr(value)
    return _key(value)


def _map_list_equal(items, keys: list, a: list, b: list, depth: int) -> bool:
    if len(a) != len(b):
        return False
    entries = {_map_key(e, keys): e for e in a if isinstance(e, dict)}
    seen = set()
    for entry in b:
        if not isinstance(entry, dict):
            return False
        key = _map_key(entry, keys)
        if key not in entries or not equal(items, entries[key], entry, depth + 1):
            return False
        seen.add(key)
    return len(seen) == len(entries)


def _kind(value) -> str:
    return {bool: "bool", int: "int", float: "double", str: "string", bytes: "bytes"}.get(type(value), "dyn")


def _keyed(node) -> bool:
    return (isinstance(node, dict) and node.get("type") == "array"
            and node.get("x-kubernetes-list-type") in _LIST_TYPES)


def _rewritten(function: bytes, node) -> str | None:
    """k8slint's function for an operator whose left operand is a value of `node`, or None."""
    if function == b"_+_":
        return ADD if _keyed(node) else None
    return _OPERATORS.get(function) if has_keyed_lists(node) else None


def add(a, b, index: int) -> list:
    node, _built = _NODES[index]
    if not isinstance(b, list):
        raise LibraryError(f"no such overload: list + {_kind(b)}")
    if node.get("x-kubernetes-list-type") == "set":
        held = {_key(x) for x in a}
        out = list(a)
        for y in b:
            key = _key(y)
            if key not in held:
                held.add(key)
                out.append(y)
        return out
    keys = node.get("x-kubernetes-list-map-keys")
    keys = keys if isinstance(keys, list) else []
    position = {_map_key(e, keys): i for i, e in enumerate(a) if isinstance(e, dict)}
    out = list(a)
    for entry in b:  # entries of a key the left list lacks are appended, each of them
        at = position.get(_map_key(entry, keys)) if isinstance(entry, dict) else None
        if at is None:
            out.append(entry)
        else:
            out[at] = entry
    return out


def equals(a, b, index: int) -> bool:
    node, built_entries = _NODES[index]
    if built_entries and isinstance(a, list) and isinstance(b, list):
        # a map list's Equal finds the other list's entries by key in their raw objects; a map the rule
        # builds ({'name': 'a'}) has none, so it matches no entry: only two empty lists are equal
        return not a and not b
    return equal(node, a, b)


def not_equals(a, b, index: int) -> bool:
    try:
        return not equals(a, b, index)
    except LibraryError:
        return True  # `!=` is true unless `==` gives true, an error included


# -- the rewrite -------------------------------------------------------------------------------------------

def with_schema_equality(serialized: bytes, self_node, overloads: dict) -> bytes | None:
    """The serialized checked expression with each `==` / `!=` whose left operand is a path from `self` to
    a node holding set or map lists calling k8slint's functions with that node's index; None when there is
    none. `overloads`: function name -> its overload ids (the reference map must name them)."""
    top = wire.parse(serialized)
    checked = wire.parse(wire.first(top, 2, b""))
    if not _any_call(wire.first(checked, 4, b""), {"self": self_node}, 0):
        return None  # most rules: a read of the tree, nothing written
    ids = [wire.first(wire.parse(entry), 1, 0) for n, _w, entry in checked if n == 3]
    rewrite = _Rewrite(max(ids, default=0) + 1)
    expr = rewrite.expr(wire.first(checked, 4, b""), {"self": self_node}, 0)
    if not rewrite.calls:
        return None
    out = []
    for number, kind, value in checked:
        if number == 4:
            value = expr
        elif number == 2:  # reference_map entry: the call's reference names k8slint's function
            entry = wire.parse(value)
            function = rewrite.calls.get(wire.first(entry, 1, 0))
            if function is not None:
                reference = [(1, 2, function.encode())] + [(3, 2, oid.encode()) for oid in overloads[function]]
                value = wire.encode([(1, 0, wire.first(entry, 1, 0)), (2, 2, wire.encode(reference))])
        out.append((number, kind, value))
    return wire.encode([(n, k, wire.encode(out) if n == 2 else v) for n, k, v in top])


class _Rewrite:
    def __init__(self, next_id: int):
        self.next_id = next_id
        self.calls: dict = {}  # call id -> the function it now calls
        self.seen = 0

    def expr(self, data: bytes, names: dict, depth: int) -> bytes:
        self.seen += 1
        if depth > MAX_DEPTH or self.seen > _MAX_NODES:
            return data
        fields = wire.parse(data)
        out = []
        for number, kind, value in fields:
            if number == 5:  # select: operand
                value = self._message(value, {1}, names, depth)
            elif number == 6:
                value = self._call(wire.first(fields, 2, 0), value, names, depth)
            elif number == 7:  # list literal: elements
                value = self._message(value, {1}, names, depth)
            elif number == 8:  # map or message literal: entries' keys and values
                value = wire.encode([(n, k, wire.encode([(n2, k2, self.expr(v2, names, depth + 1) if n2 in (3, 4)
                                                          else v2) for n2, k2, v2 in wire.parse(v)])
                                      if n == 2 else v) for n, k, v in wire.parse(value)])
            elif number == 9:
                value = self._comprehension(value, names, depth)
            out.append((number, kind, value))
        return wire.encode(out)

    def _message(self, data: bytes, expr_fields: set, names: dict, depth: int) -> bytes:
        return wire.encode([(n, k, self.expr(v, names, depth + 1) if n in expr_fields else v)
                            for n, k, v in wire.parse(data)])

    def _call(self, call_id: int, data: bytes, names: dict, depth: int) -> bytes:
        fields = wire.parse(data)
        function = wire.first(fields, 2, b"")
        args = [v for n, _k, v in fields if n == 3]
        replaced = None
        if function in _OPERATORS and len(args) == 2 and wire.first(fields, 1) is None:
            node = node_of(args[0], names, depth)
            replaced = _rewritten(function, node)
            if replaced:
                self.calls[call_id] = replaced
                built = node.get("x-kubernetes-list-type") == "map" and _has_map_literal(args[1])
        out = [(n, k, (replaced.encode() if replaced and n == 2 else
                       self.expr(v, names, depth + 1) if n in (1, 3) else v)) for n, k, v in fields]
        if replaced:
            constant = wire.encode([(3, 0, _index_of(node, built))])  # Constant.int64_value
            out.append((3, 2, wire.encode([(2, 0, self.next_id), (3, 2, constant)])))
            self.next_id += 1
        return wire.encode(out)

    def _comprehension(self, data: bytes, names: dict, depth: int) -> bytes:
        fields = wire.parse(data)
        inner = _scope(fields, names, depth)
        out = []
        for number, kind, value in fields:
            if number in (2, 4):
                value = self.expr(value, names, depth + 1)
            elif number in (5, 6, 7):
                value = self.expr(value, inner, depth + 1)
            out.append((number, kind, value))
        return wire.encode(out)


def _any_call(data: bytes, names: dict, depth: int) -> bool:
    """Whether the expression has an `==` / `!=` that with_schema_equality rewrites."""
    if depth > MAX_DEPTH:
        return False
    fields = wire.parse(data)
    children, scoped = [], []
    for number, _kind, value in fields:
        if number in (5, 7):  # select operand, list elements
            children += [v for n, _k, v in wire.parse(value) if n == 1]
        elif number == 6:
            call = wire.parse(value)
            args = [v for n, _k, v in call if n == 3]
            if (wire.first(call, 2) in _OPERATORS and len(args) == 2 and wire.first(call, 1) is None
                    and _rewritten(wire.first(call, 2), node_of(args[0], names, depth))):
                return True
            children += [v for n, _k, v in call if n in (1, 3)]
        elif number == 8:
            children += [v2 for n, _k, v in wire.parse(value) if n == 2
                         for n2, _k2, v2 in wire.parse(v) if n2 in (3, 4)]
        elif number == 9:
            comp = wire.parse(value)
            inner = _scope(comp, names, depth)
            children += [v for n, _k, v in comp if n in (2, 4)]
            scoped += [v for n, _k, v in comp if n in (5, 6, 7)]
            return (any(_any_call(c, names, depth + 1) for c in children)
                    or any(_any_call(c, inner, depth + 1) for c in scoped))
    return any(_any_call(c, names, depth + 1) for c in children)


def _scope(comp: list, names: dict, depth: int) -> dict:
    """The names inside a comprehension's loop and result: its variables stand for what they range over."""
    iter_var = wire.first(comp, 1, b"").decode("utf-8", "replace")
    accu = wire.first(comp, 3, b"").decode("utf-8", "replace")
    inner = dict(names)
    elements = wire.first(wire.parse(wire.first(comp, 2, b"")), 7)
    if elements is not None and not wire.parse(elements):  # cel.bind(accu, init, result)
        inner[accu] = node_of(wire.first(comp, 4, b""), names, depth)
        return inner
    ranged = node_of(wire.first(comp, 2, b""), names, depth)
    is_list = isinstance(ranged, dict) and ranged.get("type") == "array"
    inner[iter_var] = ranged.get("items") if is_list else None
    inner[accu] = None
    iter_var2 = wire.first(comp, 8)
    if iter_var2:
        inner[iter_var2.decode("utf-8", "replace")] = None
    return inner


def _has_map_literal(data: bytes) -> bool:
    """Whether the expression is a list literal (in dyn() or not) with a map literal among its elements."""
    fields = wire.parse(data)
    call = wire.first(fields, 6)
    if call is not None:
        call = wire.parse(call)
        args = [v for n, _k, v in call if n == 3]
        return wire.first(call, 2) == b"dyn" and len(args) == 1 and _has_map_literal(args[0])
    elements = wire.first(fields, 7)
    if elements is None:
        return False
    for number, _kind, element in wire.parse(elements):
        struct = wire.first(wire.parse(element), 8) if number == 1 else None
        if struct is not None and not wire.first(wire.parse(struct), 1):  # no message name: a map
            return True
    return False


def node_of(data: bytes, names: dict, depth: int):
    """The schema node of an expression that is a path from a name (selections, indexes), or None."""
    if depth > MAX_DEPTH:
        return None
    fields = wire.parse(data)
    ident = wire.first(fields, 4)
    if ident is not None:
        return names.get(wire.first(wire.parse(ident), 1, b"").decode("utf-8", "replace"))
    select = wire.first(fields, 5)
    if select is not None:
        select = wire.parse(select)
        if wire.first(select, 3, 0):
            return None  # has()
        parent = node_of(wire.first(select, 1, b""), names, depth + 1)
        if not isinstance(parent, dict):
            return None
        return _field_schema(parent, wire.first(select, 2, b"").decode("utf-8", "replace"))
    call = wire.first(fields, 6)
    if call is not None:
        call = wire.parse(call)
        args = [v for n, _k, v in call if n == 3]
        if wire.first(call, 2) == b"_+_" and len(args) == 2:  # a list's sum keeps the left list's kind
            left = node_of(args[0], names, depth + 1)
            return left if isinstance(left, dict) and left.get("type") == "array" else None
        if wire.first(call, 2) == b"_[_]" and len(args) == 2:
            container = node_of(args[0], names, depth + 1)
            if isinstance(container, dict) and container.get("type") == "array":
                return container.get("items")
            if isinstance(container, dict) and isinstance(container.get("additionalProperties"), dict):
                return container["additionalProperties"]
    return None
