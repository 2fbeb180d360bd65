"""`x-kubernetes-list-type` as the API server enforces it on custom resources: in a `set` every item is
unique, in a `map` every item's `x-kubernetes-list-map-keys` tuple is (checked after defaulting, so a
defaulted key counts)."""
from __future__ import annotations

import json

from ..schemaformats import any_subschema

MAX_DEPTH = 200


def has_list_types(schema) -> bool:
    return any_subschema(schema, lambda node: node.get("x-kubernetes-list-type") in ("set", "map"), MAX_DEPTH)


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
