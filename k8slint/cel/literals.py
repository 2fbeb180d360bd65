"""Checks the API server's CEL makes of a checked expression's literals beyond what the C++ checker here
makes: list and map literals must be homogeneous (cel.HomogeneousAggregateLiterals, in every Kubernetes
CEL environment), where the C++ checker types `[1, 'a']` as a list of dyn."""
from __future__ import annotations

from .cost import _fields, _one

_DYN = b"\n\x00"  # cel.expr.Type{dyn: {}}
_NULL_FIELD = 2  # Type.null: assignable to message and wrapper types, left to the checker
_WRAPPER_FIELD = 4
_NAMES = {b"\x18\x01": "bool", b"\x18\x02": "int", b"\x18\x03": "uint", b"\x18\x04": "double",
          b"\x18\x05": "string", b"\x18\x06": "bytes"}
_MAX_NODES = 100_000


def mixed_literal(serialized: bytes) -> str | None:
    """The type mismatch of the first list or map literal whose elements (keys, values) differ in type,
    in the checker's words; None when every literal is homogeneous."""
    checked = _fields(_one(_fields(serialized), 2))
    types = {}
    for entry in checked.get(3, []):
        fields = _fields(entry)
        types[_one(fields, 1, 0)] = _one(fields, 2)
    stack, seen = [_fields(_one(checked, 4))], 0
    while stack and seen < _MAX_NODES:
        expr = stack.pop()
        seen += 1
        if 7 in expr:  # list literal
            elements = [_fields(e) for e in _fields(_one(expr, 7)).get(1, [])]
            found = _mismatch([types.get(_one(e, 2, 0), _DYN) for e in elements])
            if found:
                return found
            stack.extend(elements)
        elif 8 in expr and not _one(_fields(_one(expr, 8)), 1):  # a map literal (a message literal has a name)
            entries = [_fields(e) for e in _fields(_one(expr, 8)).get(2, [])]
            keys = [_fields(_one(e, 3)) for e in entries if 3 in e]
            values = [_fields(_one(e, 4)) for e in entries if 4 in e]
            found = (_mismatch([types.get(_one(k, 2, 0), _DYN) for k in keys])
                     or _mismatch([types.get(_one(v, 2, 0), _DYN) for v in values]))
            if found:
                return found
            stack.extend(keys + values)
        else:
            stack.extend(_children(expr))
    return None


def _mismatch(element_types: list) -> str | None:
    """cel-go joins the types in order: each must be assignable to the first; dyn anywhere, null and
    wrappers are left alone (assignable in ways this comparison of encodings cannot tell)."""
    known = [t for t in element_types if _DYN not in t and _one(_fields(t), _NULL_FIELD, None) is None
             and _WRAPPER_FIELD not in _fields(t)]
    for t in known[1:]:
        if t != known[0]:
            return f"expected type '{_name(known[0])}' but found '{_name(t)}'"
    return None


def _name(encoded: bytes) -> str:
    return _NAMES.get(encoded, "a different type")


def _children(expr: dict) -> list:
    if 5 in expr:  # select
        return [_fields(_one(_fields(_one(expr, 5)), 1))]
    if 6 in expr:  # call: target and arguments
        call = _fields(_one(expr, 6))
        return ([_fields(_one(call, 1))] if 1 in call else []) + [_fields(a) for a in call.get(3, [])]
    if 9 in expr:  # comprehension: range, init, condition, step, result
        comp = _fields(_one(expr, 9))
        return [_fields(_one(comp, n)) for n in (2, 4, 5, 6, 7) if n in comp]
    return []
