"""A lower bound of the API server's static cost estimate of a CRD rule, from the checked expression.

The API server refuses a rule whose estimated cost exceeds 10,000,000 and a schema whose rules together
(each multiplied by how many times its node can occur) exceed 100,000,000. Its estimate is dominated by
comprehensions (`all`, `exists`, `map` ...): each runs as many times as its list or map can have entries,
`maxItems` / `maxProperties` when the schema gives them, otherwise as many as the smallest entry allows in a
3 MiB request. This module counts those iterations the same way and every other step at most as dearly as
the API server does (string functions at 1 whatever their length, the lists extension's calls as its
estimators count them), so what it reports the API server refuses too; a rule it passes may still be
refused for costs it leaves out (regexes on long strings, `in` on long lists)."""
from __future__ import annotations

from .env import KEYS, SORT_BY
from .types import escape

PER_RULE_LIMIT = 10_000_000
PER_CRD_LIMIT = 100_000_000
MAX_REQUEST = 3 * 1024 * 1024
_MIN_SIZES = {"string": 2, "bytes": 2, "duration": 3, "bool": 4, "int": 1, "double": 1, "dyn": 1}
_FREE_CALLS = ("_&&_", "_||_", "_?_:_", "@not_strictly_false", "!_", "_[_]")
_MAX_DEPTH = 200


# -- protobuf wire format (the checked expression comes serialized) --------------------------------------

def _fields(data: bytes) -> dict:
    """{field number: [values]}: ints for varints, bytes for length-delimited fields."""
    out: dict = {}
    pos, end = 0, len(data)
    while pos < end:
        key, pos = _varint(data, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(data, pos)
        elif wire == 2:
            size, pos = _varint(data, pos)
            value, pos = data[pos:pos + size], pos + size
        elif wire == 1:
            value, pos = data[pos:pos + 8], pos + 8
        elif wire == 5:
            value, pos = data[pos:pos + 4], pos + 4
        else:
            raise ValueError(f"unexpected wire type {wire}")
        out.setdefault(number, []).append(value)
    return out


def _varint(data: bytes, pos: int) -> tuple:
    result = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


def _one(fields: dict, number: int, default=b""):
    values = fields.get(number)
    return values[0] if values else default


def checked_expression(serialized: bytes) -> dict:
    """The `expr` of the cel.expr.CheckedExpr inside the Any that Expression.serialize() gives."""
    checked = _fields(_one(_fields(serialized), 2))
    return _fields(_one(checked, 4))


# -- sizes from the schema ---------------------------------------------------------------------------------

def min_size(node) -> int:
    """The smallest JSON a value of this schema node takes (as the API server estimates it)."""
    if not isinstance(node, dict) or node.get("x-kubernetes-int-or-string") is True:
        return 1
    kind = node.get("type")
    if kind == "string":
        return {"byte": 2, "duration": 3, "date": 12, "date-time": 21}.get(node.get("format"), 2)
    if kind == "boolean":
        return 4
    if kind in ("integer", "number"):
        return 1
    if kind == "object" and not isinstance(node.get("additionalProperties"), dict):
        props = node.get("properties") if isinstance(node.get("properties"), dict) else {}
        required = node.get("required") if isinstance(node.get("required"), list) else []
        return 2 + sum(len(name) + min_size(props[name]) + 4 for name in required
                       if isinstance(name, str) and isinstance(props.get(name), dict)
                       and props[name].get("default") is None)
    return 2


def max_entries(node) -> int | None:
    """How many items (or entries) a list (or map) of this schema can have in one request."""
    if not isinstance(node, dict):
        return None
    if node.get("type") == "array":
        if isinstance(node.get("maxItems"), int):
            return max(0, node["maxItems"])
        return (MAX_REQUEST - 2) // (min_size(node.get("items")) + 1)
    if node.get("type") == "object" and isinstance(node.get("additionalProperties"), dict):
        if isinstance(node.get("maxProperties"), int):
            return max(0, node["maxProperties"])
        return (MAX_REQUEST - 2) // (min_size(node["additionalProperties"]) + 6)
    return None


def cardinality_factor(node) -> int | None:
    """How many times the children of this node can occur per occurrence of it (None: unbounded)."""
    if isinstance(node, dict) and node.get("type") == "array":
        return max(0, node["maxItems"]) if isinstance(node.get("maxItems"), int) else None
    if isinstance(node, dict) and node.get("type") == "object" and isinstance(node.get("additionalProperties"), dict):
        return max(0, node["maxProperties"]) if isinstance(node.get("maxProperties"), int) else None
    return 1


def unbounded_cardinality(node) -> int:
    return MAX_REQUEST // (min_size(node) + 1)


# -- the estimate ------------------------------------------------------------------------------------------

def estimate(expr: dict, names: dict) -> int:
    """A lower bound of the cost of a checked expression; `names` maps identifiers to schema nodes."""
    return _Estimator(names).cost(expr, 0)


class _Estimator:
    def __init__(self, names: dict):
        self.names = dict(names)

    def cost(self, expr: dict, depth: int) -> int:
        if depth > _MAX_DEPTH:
            return 0
        if 4 in expr:  # identifier
            return 1
        if 5 in expr:  # select
            select = _fields(_one(expr, 5))
            return self.cost(_fields(_one(select, 1)), depth + 1)
        if 6 in expr:  # call
            call = _fields(_one(expr, 6))
            function = _one(call, 2).decode("utf-8", "replace")
            parts = ([_fields(_one(call, 1))] if 1 in call else []) + [_fields(a) for a in call.get(3, [])]
            costs = [self.cost(p, depth + 1) for p in parts]
            if function == "_?_:_" and len(costs) == 3:
                return costs[0] + max(costs[1], costs[2])
            return sum(costs) + (0 if function in _FREE_CALLS else 1) + self._list_call(function, parts, depth)
        if 7 in expr:  # list literal
            return sum(self.cost(_fields(e), depth + 1) for e in _fields(_one(expr, 7)).get(1, []))
        if 8 in expr:  # map or message literal
            entries = [_fields(e) for e in _fields(_one(expr, 8)).get(2, [])]
            return sum(self.cost(_fields(_one(e, k)), depth + 1) for e in entries for k in (3, 4) if k in e)
        if 9 in expr:
            return self._comprehension(_fields(_one(expr, 9)), depth)
        return 0

    def _list_call(self, function: str, parts: list, depth: int) -> int:
        """What the lists extension's calls cost beyond the call itself, as its estimators count: the size
        of the list they make (lists.range's argument, unbounded unless a constant), twice its square for
        sort and distinct."""
        if function == "lists.range" and len(parts) == 1:
            size = _constant_int(parts[0])
            return _UNBOUNDED if size is None else max(0, size)
        if function not in ("distinct", "sort", "reverse", "flatten", "slice", SORT_BY) or not parts:
            return 0
        size = max_entries(self.node_of(parts[0], depth + 1)) or 0
        if function == "slice" and len(parts) == 3:
            start, end = _constant_int(parts[1]) or 0, _constant_int(parts[2])
            size = max(0, (size if end is None else end) - start)
        return 2 * size * size if function in ("distinct", "sort", SORT_BY) else size

    def _comprehension(self, comp: dict, depth: int) -> int:
        range_expr = _fields(_one(comp, 2))
        init = _fields(_one(comp, 4))
        accu = _one(comp, 3).decode("utf-8", "replace")
        elements = _fields(_one(range_expr, 7)).get(1, []) if 7 in range_expr else None
        if elements == []:  # cel.bind(name, value, body): the name stands for the value's node
            self.names[accu] = self.node_of(init, depth + 1)
            # binding a name to a name (how `self` is bound here) costs nothing: the API server has no such step
            bound = 0 if 4 in init else self.cost(init, depth + 1)
            return bound + self.cost(_fields(_one(comp, 7)), depth + 1)
        total = self.cost(range_expr, depth + 1) + self.cost(init, depth + 1)
        iterated = self.node_of(range_expr, depth + 1)
        count = max_entries(iterated) or 0
        var = _one(comp, 1).decode("utf-8", "replace")
        if isinstance(iterated, dict) and iterated.get("type") == "array":
            self.names[var] = iterated.get("items")
        else:
            self.names[var] = None  # a map's keys, or a list no schema describes
        step = self.cost(_fields(_one(comp, 5)), depth + 1) + self.cost(_fields(_one(comp, 6)), depth + 1)
        return total + count * max(1, step) + self.cost(_fields(_one(comp, 7)), depth + 1)

    def node_of(self, expr: dict, depth: int):
        """The schema node an expression's value comes from, when it is a plain path from a name."""
        if depth > _MAX_DEPTH:
            return None
        if 4 in expr:
            return self.names.get(_one(_fields(_one(expr, 4)), 1).decode("utf-8", "replace"))
        if 5 in expr:
            select = _fields(_one(expr, 5))
            if _one(select, 3, 0):
                return None  # has(): a bool
            return _property(self.node_of(_fields(_one(select, 1)), depth + 1),
                             _one(select, 2).decode("utf-8", "replace"))
        if 6 in expr:
            call = _fields(_one(expr, 6))
            if _one(call, 2) == KEYS.encode() and len(call.get(3, [])) == 1:  # a two-variable comprehension's range
                return self.node_of(_fields(call[3][0]), depth + 1)
            if _one(call, 2) == b"_[_]" and len(call.get(3, [])) == 2:
                container = self.node_of(_fields(call[3][0]), depth + 1)
                if isinstance(container, dict) and container.get("type") == "array":
                    return container.get("items")
                if isinstance(container, dict) and isinstance(container.get("additionalProperties"), dict):
                    return container["additionalProperties"]
        return None


_UNBOUNDED = 2 ** 64 - 1  # the estimate of a size nothing bounds


def _constant_int(expr: dict) -> int | None:
    """An int literal's value (protobuf's int64 is a two's complement varint)."""
    if 3 not in expr:
        return None
    const = _fields(_one(expr, 3))
    if 3 not in const:
        return None
    value = _one(const, 3, 0)
    return value - 2 ** 64 if value >= 2 ** 63 else value


def _property(node, escaped: str):
    if not isinstance(node, dict):
        return None
    if isinstance(node.get("additionalProperties"), dict):
        return node["additionalProperties"]  # m.key on a map
    props = node.get("properties") if isinstance(node.get("properties"), dict) else {}
    for name, sub in props.items():
        if isinstance(name, str) and escape(name) == escaped:
            return sub
    if escaped in ("apiVersion", "kind"):
        return {"type": "string"}
    return None


def exceeds(cost: int, limit: int) -> str:
    factor = cost / limit
    shown = "more than 100x" if factor > 100 else f"{factor:.1f}x"
    return (f"exceeds budget by factor of {shown} (try simplifying the rule, or adding maxItems, maxProperties, "
            "and maxLength where arrays, maps, and strings are declared)")
