"""The ranges of the Go integer types behind built-in fields. The API server decodes a built-in object into
Go structs before any validation: a number that does not fit the field's int32 or int64 is refused by the
decoder ("json: cannot unmarshal number ... of type int32"). The schemas say `format: int32`/`int64`, a
format no JSON Schema engine checks on integers, so the bounds are added as minimum/maximum, which both
engines check (jsonschema-rs in the fast path, at no measurable cost)."""
from __future__ import annotations

RANGES = {"int32": (-2**31, 2**31 - 1), "int64": (-2**63, 2**63 - 1)}


def _is_integer(node: dict) -> bool:
    types = node.get("type")
    return types == "integer" or (isinstance(types, list) and "integer" in types)


def with_integer_ranges(node):
    """node with minimum/maximum on every integer node of format int32/int64 that has none; copies only the
    parts it changes (the store's bundles are shared and read-only)."""
    if isinstance(node, list):
        items = [with_integer_ranges(v) for v in node]
        return items if any(a is not b for a, b in zip(items, node)) else node
    if not isinstance(node, dict):
        return node
    out = None
    for key, value in node.items():
        new = with_integer_ranges(value)
        if new is not value:
            out = out if out is not None else dict(node)
            out[key] = new
    fmt = node.get("format")  # a dict when node is a properties map with a field named "format"
    bounds = RANGES.get(fmt) if isinstance(fmt, str) else None
    if bounds and _is_integer(node) and "minimum" not in node and "maximum" not in node:
        out = out if out is not None else dict(node)
        out["minimum"], out["maximum"] = bounds
    return node if out is None else out


def out_of_range(schema: dict, value) -> str | None:
    """The Go type a value does not fit (for the message), None when the bound is not a Go type's."""
    fmt = schema.get("format")
    bounds = RANGES.get(fmt) if isinstance(fmt, str) else None
    if bounds and isinstance(value, (int, float)) and not isinstance(value, bool) \
            and not bounds[0] <= value <= bounds[1]:
        return schema["format"]
    return None


def json_number(value) -> str:
    """The number as the API server's decoder sees it: YAML reads a numeral past 64 bits as a float, which
    encoding/json writes without an exponent below 1e21."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    return str(value)
