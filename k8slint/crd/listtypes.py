"""`x-kubernetes-list-type` as the API server enforces it on custom resources: in a `set` every item is
unique, in a `map` every item's `x-kubernetes-list-map-keys` tuple is (checked after defaulting, so a
defaulted key counts)."""
from __future__ import annotations

import json

MAX_DEPTH = 200


def has_list_types(schema) -> bool:
    stack = [(schema, 0)]
    while stack:
        node, depth = stack.pop()
        if not isinstance(node, dict) or depth > MAX_DEPTH:
            continue
        if node.get("x-kubernetes-list-type") in ("set", "map"):
            return True
        props = node.get("properties")
        if isinstance(props, dict):
            stack.extend((child, depth + 1) for child in props.values())
        for key in ("items", "additionalProperties"):
            if isinstance(node.get(key), dict):
                stack.append((node[key], depth + 1))
    return False


def _canonical(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def list_duplicates(value: list, schema: dict, path: tuple) -> list:
    """[(json path of a repeated item, the API server's message)] for one list and its schema node."""
    out: list = []
    list_type = schema.get("x-kubernetes-list-type")
    keys = schema.get("x-kubernetes-list-map-keys")
    seen: set = set()
    if list_type == "set":
        for i, item in enumerate(value):
            text = _canonical(item)
            if text in seen:
                out.append((path + (i,), f"Duplicate value: {text}"))
            seen.add(text)
    elif list_type == "map" and isinstance(keys, list) and keys:
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                continue
            key = tuple(_canonical(item.get(k)) for k in keys)
            if key in seen:
                shown = "{" + ",".join(f"{json.dumps(k)}:{_canonical(item[k])}" for k in sorted(keys)
                                       if k in item) + "}"
                out.append((path + (i,), f"Duplicate value: {shown}"))
            seen.add(key)
    return out
