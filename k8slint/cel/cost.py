"""The API server's static cost estimate of a CRD rule, from the checked expression, or a lower bound of it.

The API server refuses a rule whose estimated cost exceeds 10,000,000 and a schema whose rules together
(each multiplied by how many times its node can occur) exceed 100,000,000. Its estimate (cel-go's
estimator with the Kubernetes libraries' own) charges 1 per identifier, field selection and most calls,
10 / 30 / 40 per list / map / message literal, a tenth of the strings' size for string work (==, +,
startsWith, contains: the product of both, matches and find: the product with a quarter of the regex's
length), and runs comprehensions (`all`, `exists`, `map` ...) as many times as their list or map can have
entries: `maxItems` / `maxProperties` when the schema gives them, otherwise as many as the smallest entry
allows in a 3 MiB request; `map()` and `filter()` give lists of that many items. Strings are `maxLength` x 4
bytes long, or the longest enum value, or a whole request. This module follows it step by step (the
overloads and types come from the checked expression); where it cannot tell a size (the result of
`string()`, a list no schema sizes) it counts nothing, so what it reports the API server refuses too.
bench/cel_cost_ratio.py compares it with the API server's recorded estimates."""
from __future__ import annotations

import math
from functools import lru_cache

from . import wire
from .env import KEYS, MERGE, SORT_BY, TO_MAP
from .types import escape

PER_RULE_LIMIT = 10_000_000
PER_CRD_LIMIT = 100_000_000
MAX_REQUEST = 3 * 1024 * 1024
_MIN_SIZES = {"string": 2, "bytes": 2, "duration": 3, "bool": 4, "int": 1, "double": 1, "dyn": 1}
_FREE_CALLS = ("_&&_", "_||_", "_?_:_", "@not_strictly_false", "!_", "_[_]")
_MAX_DEPTH = 200


# -- protobuf wire format (the checked expression comes serialized) --------------------------------------

@lru_cache(maxsize=65536)  # the estimator reads a nested expression's bytes again at each level above it
def _fields(data: bytes) -> dict:
    """{field number: [values]}: ints for varints, bytes for length-delimited fields (shared: read only)."""
    out: dict = {}
    for number, _wire, value in wire.parse(data):
        out.setdefault(number, []).append(value)
    return out


def _one(fields: dict, number: int, default=b""):
    values = fields.get(number)
    return values[0] if values else default


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

STRING_FACTOR, REGEX_FACTOR = 0.1, 0.25  # cost per character traversed, and per regex character
_LIST_LITERAL, _MAP_LITERAL, _MESSAGE_LITERAL = 10, 30, 40
_LAZY = ("_&&_", "_||_")  # only their arguments cost
_SIZED_COMPARE = ("_<_", "_<=_", "_>_", "_>=_")  # on strings and bytes: as dear as the shorter operand
_PRIMITIVE_STRING, _PRIMITIVE_BYTES = 5, 6
_SCALAR = "scalar"  # a value of size 1 (numbers, booleans, timestamps ... that no schema sizes)
_DATE_SIZES = {"date-time": 32, "duration": 32, "date": 10}  # the API server's longest JSON of each


def estimate(expr: dict, names: dict) -> int:
    """A lower bound of the cost of a checked expression; `names` maps identifiers to schema nodes. The
    root `expr` from checked_expression() carries the checked expression's overloads and types."""
    return _Estimator(names, expr.get("refs", {}), expr.get("types", {})).cost(expr, 0)[0]


def checked_expression(serialized: bytes) -> dict:
    """The `expr` of the cel.expr.CheckedExpr inside the Any that Expression.serialize() gives, with its
    reference map ({expr id: (function name, [overload ids])}) as "refs" and its type map ({expr id: (type
    kind field, its value)}) as "types"."""
    checked = _fields(_one(_fields(serialized), 2))
    expr = dict(_fields(_one(checked, 4)))
    refs, types = {}, {}
    for entry in checked.get(2, []):
        entry = _fields(entry)
        ref = _fields(_one(entry, 2))
        refs[_one(entry, 1, 0)] = (_one(ref, 1).decode("utf-8", "replace"),
                                   [o.decode("utf-8", "replace") for o in ref.get(3, [])])
    for entry in checked.get(3, []):
        entry = _fields(entry)
        kind = _fields(_one(entry, 2))
        if kind:
            number = min(kind)
            types[_one(entry, 1, 0)] = (number, kind[number][0])
    expr["refs"], expr["types"] = refs, types
    return expr


def node_size(node) -> int | None:
    """The largest size (characters, items, entries) the API server estimates a value of this node has;
    None when no schema says. Numbers, booleans and objects count 0, as the API server sizes them."""
    if not isinstance(node, dict):
        return None
    if node.get("x-kubernetes-int-or-string") is True:
        return MAX_REQUEST - 2
    kind = node.get("type")
    if kind == "string":
        fmt = node.get("format")
        if fmt in _DATE_SIZES:
            return _DATE_SIZES[fmt]
        if isinstance(node.get("maxLength"), int) and not isinstance(node["maxLength"], bool):
            # maxLength counts characters; a character is up to 4 bytes of the request
            return max(0, node["maxLength"]) * (1 if fmt == "byte" else 4)
        enum = node.get("enum")
        if isinstance(enum, list) and enum and all(isinstance(v, str) for v in enum):
            return max(len(v) for v in enum)
        return MAX_REQUEST - 2
    if kind in ("array", "object"):
        entries = max_entries(node)
        return 0 if entries is None else entries
    if kind in ("integer", "number", "boolean"):
        return 0
    return None


def _traversal(size, factor: float) -> int:
    """What the API server charges to traverse `size` characters (float, then rounded up, as it computes)."""
    return math.ceil(float(size) * factor) if size else 0


def _shorter(a, b):
    """The smaller of two sizes (None: unbounded); 0 when neither is known, to stay a lower bound."""
    if a is None and b is None:
        return 0
    return b if a is None else a if b is None else min(a, b)


def _plus(a, b):
    return (a or 0) + (b or 0)


class _Estimator:
    """Costs and sizes of the checked expression's nodes, as cel-go's cost estimator (with the Kubernetes
    libraries' estimators) gives them; where a size is unknown it counts nothing, so the result stays at
    or below the API server's estimate."""

    def __init__(self, names: dict, refs: dict, types: dict):
        self.names = dict(names)
        self.sizes: dict = {}  # comprehension variables whose size is known but not from a schema node
        self.refs, self.types = refs, types
        # inside the map() that k8slint writes for transformMap / transformMapEntry: upstream inserts into a
        # map, with no list literal and no list concatenation per iteration
        self.inserting = 0

    def _type(self, expr: dict):
        return self.types.get(_one(expr, 2, 0))

    def _scalar(self, expr: dict) -> bool:
        kind = self._type(expr)
        return kind is not None and (kind[0] == 2 or (kind[0] == 3 and kind[1] in (1, 2, 3, 4))
                                     or (kind[0] == 5 and kind[1] in (2, 3)))

    def _sized(self, expr: dict) -> bool:
        kind = self._type(expr)
        return kind is not None and kind[0] == 3 and kind[1] in (_PRIMITIVE_STRING, _PRIMITIVE_BYTES)

    def _default_size(self, expr: dict):
        return 1 if self._scalar(expr) else None

    def cost(self, expr: dict, depth: int) -> tuple:
        """(cost, size) of one expression."""
        if depth > _MAX_DEPTH:
            return 0, None
        if 3 in expr:  # constant
            const = _fields(_one(expr, 3))
            for number in (6, 7):  # string, bytes
                if number in const:
                    value = _one(const, number)
                    return 0, len(value.decode("utf-8", "replace")) if number == 6 else len(value)
            return 0, 1
        if 4 in expr:  # identifier
            name = _one(_fields(_one(expr, 4)), 1).decode("utf-8", "replace")
            if name in self.sizes:
                return 1, self.sizes[name]
            size = node_size(self.names.get(name))
            return 1, size if size is not None else self._default_size(expr)
        if 5 in expr:  # select
            select = _fields(_one(expr, 5))
            operand = _fields(_one(select, 1))
            if _one(select, 3, 0):
                return 0, 1  # has(): the API server charges no presence test
            cost, _size = self.cost(operand, depth + 1)
            node = self.node_of(operand, depth + 1)
            kind = self._type(operand)
            if (isinstance(node, dict) and node.get("type") == "object") or (kind and kind[0] in (7, 9, 10)):
                cost += 1
            # a map's value by name: the API server finds no schema size on that path and sizes it by type
            on_map = isinstance(node, dict) and isinstance(node.get("additionalProperties"), dict)
            size = None if on_map else node_size(self.node_of(expr, depth))
            return cost, size if size is not None else self._default_size(expr)
        if 6 in expr:
            return self._call(expr, depth)
        if 7 in expr:  # list literal
            elements = _fields(_one(expr, 7)).get(1, [])
            base = 0 if self.inserting else _LIST_LITERAL
            return sum(self.cost(_fields(e), depth + 1)[0] for e in elements) + base, len(elements)
        if 8 in expr:  # map or message literal
            struct = _fields(_one(expr, 8))
            entries = [_fields(e) for e in struct.get(2, [])]
            inner = sum(self.cost(_fields(_one(e, k)), depth + 1)[0] for e in entries for k in (3, 4) if k in e)
            return inner + (_MESSAGE_LITERAL if _one(struct, 1) else _MAP_LITERAL), len(entries)
        if 9 in expr:
            return self._comprehension(_fields(_one(expr, 9)), depth)
        return 0, None

    def _call(self, expr: dict, depth: int) -> tuple:
        call = _fields(_one(expr, 6))
        function = _one(call, 2).decode("utf-8", "replace")
        target = _fields(_one(call, 1)) if 1 in call else None
        args = [_fields(a) for a in call.get(3, [])]
        parts = ([target] if target is not None else []) + args
        inserting = function in (TO_MAP, MERGE)
        self.inserting += inserting
        measured = [self.cost(p, depth + 1) for p in parts]
        self.inserting -= inserting
        costs, sizes = [c for c, _ in measured], [s for _, s in measured]
        spent = sum(costs)
        overloads = self.refs.get(_one(expr, 2, 0), ("", []))[1]
        if function.startswith("k8slint") or function.startswith("__k8slint"):
            own, size = 0, None  # k8slint's own helpers (rewritten comprehensions, format calls) add nothing
        elif function in _LAZY:
            own, size = 0, 1
        elif function == "_?_:_" and len(costs) == 3:
            return costs[0] + max(costs[1], costs[2]), _larger(sizes[1], sizes[2])
        elif function == "_[_]" or function == "_[?_]":
            own = 0 if any(self._k8slint_value(p) for p in parts[:1]) else 1
            size = node_size(self.node_of(expr, depth))
            size = size if size is not None else self._default_size(expr)
        elif function in ("_==_", "_!=_") or (function in _SIZED_COMPARE and len(parts) == 2
                                                 and self._sized(parts[0])):
            own, size = _traversal(_shorter(sizes[0], sizes[1]), STRING_FACTOR), 1
        elif function == "_+_" and "add_list" in overloads:
            own, size = (0 if self.inserting else 1), _plus(sizes[0], sizes[1])
        elif function == "_+_" and ("add_string" in overloads or "add_bytes" in overloads):
            size = _plus(sizes[0], sizes[1])
            own = _traversal(size, STRING_FACTOR)
        elif function == "@in" and "in_list" in overloads:
            own, size = sizes[1] or 0, 1
        else:
            own, size = self._library_call(function, overloads, target, sizes, parts, depth)
        own += self._list_call(function, parts, depth)
        return spent + own, size if size is not None else self._default_size(expr)

    def _library_call(self, function: str, overloads: list, target, sizes: list, parts: list, depth: int) -> tuple:
        """(own cost, result size) of the standard and Kubernetes library functions that charge by size."""
        member = target is not None
        first = sizes[0] if sizes else None
        second = sizes[1] if len(sizes) > 1 else None
        if member and function in ("startsWith", "endsWith") and len(sizes) == 2:
            return _traversal(second, STRING_FACTOR), 1
        if member and function == "contains" and "contains_string" in overloads:
            return _traversal(first, STRING_FACTOR) * _traversal(second, STRING_FACTOR), 1
        if member and function in ("matches", "find", "findAll") and len(sizes) >= 2:
            cost = _traversal(first, STRING_FACTOR) * _traversal(second, REGEX_FACTOR)
            return cost, (1 if function == "matches" else first)
        if member and function in ("lowerAscii", "upperAscii", "substring", "trim"):
            return _traversal(first, STRING_FACTOR), first
        if member and function in ("replace", "split"):
            return _traversal(first, 2 * STRING_FACTOR), (first if function == "replace" else _split_size(
                first, parts))
        if member and function == "join" and self._sized_items(parts[0], depth):
            items = self.node_of(parts[0], depth + 1)
            size = (first or 0) * (node_size(items.get("items")) or 0)
            if len(sizes) > 1 and first:
                size += (second or 0) * (first - 1)
            return _traversal(size, STRING_FACTOR), size
        if member and function in ("isSorted", "sum", "max", "min", "indexOf", "lastIndexOf"):
            items = self.node_of(parts[0], depth + 1)
            if isinstance(items, dict) and items.get("type") == "array":
                element = 1 + (_traversal(node_size(items.get("items")), STRING_FACTOR)
                               if self._string_node(items.get("items")) else 0)
                return (first or 0) * element, None
            if self._sized(parts[0]):
                return _traversal(first, STRING_FACTOR), None
        if not member and function == "url" and len(sizes) == 1:
            return _traversal(first, STRING_FACTOR), first
        if not member and function in ("cidr", "isIP", "isCIDR", "ip", "quantity", "isQuantity", "semver",
                                       "isSemver") and sizes and self._sized(parts[0]):
            return _traversal(first, STRING_FACTOR), None
        if not member and function == "ip.isCanonical" and sizes:
            return _traversal(first, 2 * STRING_FACTOR), None
        return 1, None

    @staticmethod
    def _string_node(node) -> bool:
        return isinstance(node, dict) and (node.get("type") == "string" and node.get("format") not in _DATE_SIZES)

    def _sized_items(self, expr: dict, depth: int) -> bool:
        node = self.node_of(expr, depth + 1)
        return isinstance(node, dict) and node.get("type") == "array" and self._string_node(node.get("items"))

    def _k8slint_value(self, expr: dict) -> bool:
        """An identifier or call of k8slint's own rewriting (the list a two-variable comprehension binds)."""
        if 4 in expr:
            return _one(_fields(_one(expr, 4)), 1).decode("utf-8", "replace").startswith(("k8slint", "__k8slint"))
        if 6 in expr:
            return _one(_fields(_one(expr, 6)), 2).decode("utf-8", "replace").startswith("k8slint")
        return False

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

    def _comprehension(self, comp: dict, depth: int) -> tuple:
        range_expr = _fields(_one(comp, 2))
        init = _fields(_one(comp, 4))
        accu = _one(comp, 3).decode("utf-8", "replace")
        elements = _fields(_one(range_expr, 7)).get(1, []) if 7 in range_expr else None
        if elements == []:  # cel.bind(name, value, body): the name stands for the value's node
            self.names[accu] = self.node_of(init, depth + 1)
            init_cost, init_size = self.cost(init, depth + 1)
            if init_size is not None and self.names[accu] is None:
                self.sizes[accu] = init_size
            # k8slint's own binds (self, a rewritten comprehension's receiver and element) are no step of
            # the API server's: they cost nothing beyond what upstream pays once for the receiver
            if accu.startswith(("k8slint", "__k8slint")) or self._k8slint_value(init) or (
                    4 in init and self._k8slint_value(init)) or _indexes_k8slint(init, self):
                bound = 0 if (4 in init or 6 in init and self._k8slint_value(init)
                              or _indexes_k8slint(init, self)) else init_cost
            elif 4 in init and _one(_fields(_one(init, 4)), 1).decode("utf-8", "replace").startswith("__k8slint"):
                bound = 0
            else:
                bound = _LIST_LITERAL + init_cost
            result_cost, result_size = self.cost(_fields(_one(comp, 7)), depth + 1)
            return bound + result_cost, result_size
        range_cost, range_size = self.cost(range_expr, depth + 1)
        init_cost, _ = self.cost(init, depth + 1)
        iterated = self.node_of(range_expr, depth + 1)
        count = max_entries(iterated)
        if count is None:
            count = range_size or 0
        var = _one(comp, 1).decode("utf-8", "replace")
        if isinstance(iterated, dict) and iterated.get("type") == "array":
            self.names[var] = iterated.get("items")
        else:
            self.names[var] = None  # a map's keys, or a list no schema describes
        self.sizes.pop(var, None)
        step = self.cost(_fields(_one(comp, 5)), depth + 1)[0] + self.cost(_fields(_one(comp, 6)), depth + 1)[0]
        result_cost, result_size = self.cost(_fields(_one(comp, 7)), depth + 1)
        if 7 in init or 8 in init:  # map(), filter(): as many entries as iterations
            result_size = count
        return range_cost + init_cost + count * step + result_cost, result_size

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
            if _one(call, 2) in (b"_[_]", b"_[?_]") and len(call.get(3, [])) == 2:
                container = self.node_of(_fields(call[3][0]), depth + 1)
                if isinstance(container, dict) and container.get("type") == "array":
                    return container.get("items")
                if isinstance(container, dict) and isinstance(container.get("additionalProperties"), dict):
                    return container["additionalProperties"]
        return None


def _indexes_k8slint(expr: dict, estimator: _Estimator) -> bool:
    """`k8slintRangeN[i]`: the element a rewritten two-variable comprehension binds."""
    if 6 not in expr:
        return False
    call = _fields(_one(expr, 6))
    args = [_fields(a) for a in call.get(3, [])]
    return _one(call, 2) == b"_[_]" and len(args) == 2 and estimator._k8slint_value(args[0])


def _larger(a, b):
    return None if a is None or b is None else max(a, b)


def _split_size(size, parts: list):
    """split()'s result: as many items as characters, or the constant limit it is given."""
    if len(parts) > 2:
        limit = _constant_int(parts[2])
        if limit is not None:
            return limit
    return size


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
