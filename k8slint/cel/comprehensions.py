"""cel-go's two-variable comprehensions (ext.TwoVarComprehensions: `all(i, v, p)`, `exists(i, v, p)`,
`existsOne(i, v, p)`, `transformList(i, v, [filter,] e)`, `transformMap(k, v, [filter,] e)`,
`transformMapEntry(k, v, [filter,] e)`), which the C++ runtime here does not parse, written as the
one-variable macros it has: the receiver is bound once, its indexes (a list) or keys (a map) are iterated,
and the second variable is bound to the element at each. The lists extension's `sortBy(e, key)` macro is
written the same way, as upstream expands it: the list and its keys (a map() of it) to a sorting function."""
from __future__ import annotations

import re

from .env import KEYS, MERGE, SORT_BY, STRING_LITERAL, TO_MAP
_CALL = re.compile(r"\.\s*(all|exists|existsOne|transformList|transformMap|transformMapEntry)\s*\(\s*"
                   r"([A-Za-z_]\w*)\s*,\s*([A-Za-z_]\w*)\s*,"
                   r"|\.\s*(sortBy)\s*\(\s*([A-Za-z_]\w*)\s*,")
_ARGUMENTS = {"all": (1,), "exists": (1,), "existsOne": (1,), "transformList": (1, 2), "transformMap": (1, 2),
              "transformMapEntry": (1, 2), "sortBy": (1,)}
_IDENT = re.compile(r"[A-Za-z0-9_]")
_CLOSING = {")": "(", "]": "[", "}": "{"}
_MAX_REWRITES = 64


def with_two_variable_comprehensions(expression: str) -> str:
    """The expression with each two-variable comprehension (outside string literals) rewritten; left as it
    is where its shape cannot be told (the compiler then refuses it, and the rule is not judged)."""
    for count in range(_MAX_REWRITES):
        literals = [m.span() for m in STRING_LITERAL.finditer(expression)]
        call = next((m for m in _CALL.finditer(expression)
                     if not any(s <= m.start() < e for s, e in literals)), None)
        if call is None:
            return expression
        rewritten = _rewrite(expression, call, literals, count)
        if rewritten is None:
            return expression
        expression = rewritten
    return expression


def _rewrite(expression: str, call, literals: list, count: int):
    start = _receiver_start(expression, call.start(), literals)
    args = _arguments(expression, call.end(), literals)
    if start is None or args is None or start == call.start():
        return None
    parts, end = args
    name, first, second = call.group(1) or call.group(4), call.group(2) or call.group(5), call.group(3)
    if len(parts) not in _ARGUMENTS[name]:
        return None
    bound = f"k8slintRange{count}"
    receiver = expression[start:call.start()]
    if name == "sortBy":  # the lists extension's macro: the list ordered by the keys its expression gives
        result = f"{SORT_BY}({bound}, {bound}.map({first}, {parts[0]}))"
        return expression[:start] + f"cel.bind({bound}, {receiver}, {result})" + expression[end + 1:]
    keys = f"{KEYS}({bound})"

    def each(body: str) -> str:
        return f"cel.bind({second}, {bound}[{first}], {body})"
    if len(parts) == 2:  # a filter first
        keys = f"{keys}.filter({first}, {each(parts[0])})"
    body = parts[-1]
    macro = {"all": "all", "exists": "exists", "existsOne": "exists_one"}.get(name)
    if macro:
        result = f"{keys}.{macro}({first}, {each(body)})"
    elif name == "transformList":
        result = f"{keys}.map({first}, {each(body)})"
    elif name == "transformMap":
        result = f"{TO_MAP}({keys}, {keys}.map({first}, {each(body)}))"
    else:
        result = f"{MERGE}({keys}.map({first}, {each(body)}))"
    return expression[:start] + f"cel.bind({bound}, {receiver}, {result})" + expression[end + 1:]


def _receiver_start(expression: str, pos: int, literals: list):
    """Where the member expression that ends at pos begins (identifiers, selections, calls, indexes,
    literals), or None."""
    i = pos
    while i > 0:
        ch = expression[i - 1]
        literal = next((s for s, e in literals if e == i), None)
        if literal is not None:
            i = literal
        elif ch in _CLOSING:
            opener = _opening(expression, i - 1, literals)
            if opener is None:
                return None
            i = opener
            if i == 0 or not (_IDENT.match(expression[i - 1]) or expression[i - 1] in ")]"):
                break
            continue
        elif _IDENT.match(ch):
            while i > 0 and _IDENT.match(expression[i - 1]):
                i -= 1
        else:
            break
        if i > 0 and expression[i - 1] == "?" and i > 1 and expression[i - 2] == ".":
            i -= 2
        elif i > 0 and expression[i - 1] == ".":
            i -= 1
        else:
            break
    return i


def _opening(expression: str, close: int, literals: list):
    depth = 0
    for i in range(close, -1, -1):
        if any(s <= i < e for s, e in literals):
            continue
        ch = expression[i]
        if ch in _CLOSING:
            depth += 1
        elif ch in "([{":
            depth -= 1
            if depth == 0:
                return i
    return None


def _arguments(expression: str, pos: int, literals: list):
    """The comma-separated arguments from pos up to the call's closing parenthesis, and its index."""
    parts, depth, last = [], 0, pos
    for i in range(pos, len(expression)):
        if any(s <= i < e for s, e in literals):
            continue
        ch = expression[i]
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            if depth == 0:
                parts.append(expression[last:i])
                return ([p.strip() for p in parts], i) if all(p.strip() for p in parts) else None
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(expression[last:i])
            last = i + 1
    return None
