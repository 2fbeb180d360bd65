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


def duplicates(value, schema) -> list:
    """[(json path of the repeated item, the API server's message)]."""
    out: list = []
    _walk(value, schema, (), out, 0)
    return out


def _canonical(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def _walk(value, schema, path: tuple, out: list, depth: int) -> None:
    if not isinstance(schema, dict) or depth > MAX_DEPTH:
        return
    if isinstance(value, list):
        items = schema.get("items") if isinstance(schema.get("items"), dict) else None
        list_type = schema.get("x-kubernetes-list-type")
        keys = schema.get("x-kubernetes-list-map-keys")
        if list_type == "set":
            seen: set = set()
            for i, item in enumerate(value):
                text = _canonical(item)
                if text in seen:
                    out.append((path + (i,), f"Duplicate value: {text}"))
                seen.add(text)
        elif list_type == "map" and isinstance(keys, list) and keys:
            seen = set()
            for i, item in enumerate(value):
                if not isinstance(item, dict):
                    continue
                key = tuple(_canonical(item.get(k)) for k in keys)
                if key in seen:
                    shown = "{" + ",".join(f"{json.dumps(k)}:{_canonical(item[k])}" for k in sorted(keys)
                                           if k in item) + "}"
                    out.append((path + (i,), f"Duplicate value: {shown}"))
                seen.add(key)
        if items is not None:
            for i, item in enumerate(value):
                _walk(item, items, path + (i,), out, depth + 1)
    elif isinstance(value, dict):
        props = schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
        extra = schema.get("additionalProperties") if isinstance(schema.get("additionalProperties"), dict) else None
        for key, item in value.items():
            sub = props.get(key, extra)
            if sub is not None:
                _walk(item, sub, path + (key,), out, depth + 1)
