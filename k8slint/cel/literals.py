"""Checks the API server's CEL makes of a checked expression's literals beyond what the C++ checker here
makes: list and map literals must be homogeneous (cel.HomogeneousAggregateLiterals, in every Kubernetes
CEL environment), where the C++ checker types `[1, 'a']` as a list of dyn; and from 1.30 (base.go's
ASTValidators, introduced in 1.29) a constant argument of duration(), timestamp() or matches() must be
valid, which the C++ runtime only finds when the rule runs."""
from __future__ import annotations

from ..re2regex import RegexError, compile_re2
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


def invalid_literal_argument(serialized: bytes, convert) -> str | None:
    """The first duration('...'), timestamp('...') or matches('...') whose constant argument is invalid, in
    the validators' words; `convert(function, text)` raises ValueError for a duration or timestamp that
    does not convert."""
    checked = _fields(_one(_fields(serialized), 2))
    stack, seen = [_fields(_one(checked, 4))], 0
    while stack and seen < _MAX_NODES:
        expr = stack.pop()
        seen += 1
        if 6 in expr:
            call = _fields(_one(expr, 6))
            function = _one(call, 2).decode("utf-8", "replace")
            args = [_fields(a) for a in call.get(3, [])]
            problem = _check_call(function, 1 in call, args, convert)
            if problem:
                return problem
        stack.extend(_children(expr) if 7 not in expr and 8 not in expr else _literal_children(expr))
    return None


def _check_call(function: str, member: bool, args: list, convert) -> str | None:
    if function in ("duration", "timestamp") and not member and len(args) == 1:
        text = _constant_string(args[0])
        if text is not None:
            try:
                convert(function, text)
            except ValueError:
                return f"invalid {function} argument"
    if function == "matches" and args:  # the first argument besides the receiver, in either form, as upstream
        text = _constant_string(args[0])
        if text is not None:
            try:
                compile_re2(text)
            except RegexError:
                return "invalid matches argument"
    return None


def _constant_string(expr: dict) -> str | None:
    if 3 not in expr:
        return None
    const = _fields(_one(expr, 3))
    return _one(const, 6).decode("utf-8", "replace") if 6 in const else None


def _literal_children(expr: dict) -> list:
    if 7 in expr:
        return [_fields(e) for e in _fields(_one(expr, 7)).get(1, [])]
    entries = [_fields(e) for e in _fields(_one(expr, 8)).get(2, [])]
    return [_fields(_one(e, n)) for e in entries for n in (3, 4) if n in e]
