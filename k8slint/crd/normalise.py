"""One walk of a custom resource that does what the API server does before its CEL rules run, and the
node checks it makes on the way: nulls the schema does not allow dropped, `default`s applied, unknown
fields pruned (apiVersion, kind and metadata kept at the root and in embedded resources), `set` and `map`
lists checked for repeats and string formats checked. The input is not changed."""
from __future__ import annotations

import copy

from ..schemaformats import format_error
from .listtypes import list_duplicates

MAX_DEPTH = 200
_RESOURCE_FIELDS = ("apiVersion", "kind", "metadata")


def normalise(value, schema, lists: bool = True, formats: bool = True) -> tuple:
    """(the object as stored, [(json path, message, "list" | "format")])."""
    problems: list = []
    return _walk(value, schema, (), True, problems, lists, formats), problems


def _walk(value, schema, path: tuple, is_resource: bool, problems: list, lists: bool, formats: bool):
    if not isinstance(schema, dict) or len(path) > MAX_DEPTH:
        return value
    if isinstance(value, dict):
        props = schema.get("properties") if isinstance(schema.get("properties"), dict) else None
        extra = schema.get("additionalProperties")
        preserve = schema.get("x-kubernetes-preserve-unknown-fields") is True
        if props is None and not isinstance(extra, dict) and preserve:
            return value
        props = props or {}
        keep_unknown = preserve or extra is True
        embedded = is_resource or schema.get("x-kubernetes-embedded-resource") is True
        out = {}
        for key, item in value.items():
            sub = props.get(key)
            if sub is not None:
                if item is None and not (isinstance(sub, dict) and sub.get("nullable") is True):
                    continue  # a null the schema does not allow is dropped (and defaulted below)
                out[key] = _walk(item, sub, path + (key,), False, problems, lists, formats)
            elif isinstance(extra, dict):
                out[key] = _walk(item, extra, path + (key,), False, problems, lists, formats)
            elif keep_unknown or (embedded and key in _RESOURCE_FIELDS):
                out[key] = item
        for key, sub in props.items():
            if key not in out and isinstance(sub, dict) and sub.get("default") is not None:
                out[key] = _walk(copy.deepcopy(sub["default"]), sub, path + (key,), False, problems, lists, formats)
        return out
    if isinstance(value, list):
        items = schema.get("items")
        if isinstance(items, dict):
            value = [_walk(item, items, path + (i,), False, problems, lists, formats) for i, item in enumerate(value)]
        if lists and schema.get("x-kubernetes-list-type") in ("set", "map"):
            problems.extend((where, message, "list") for where, message in list_duplicates(value, schema, path))
        return value
    if formats and isinstance(value, str) and "format" in schema:
        message = format_error(value, schema)
        if message:
            problems.append((path, message, "format"))
    return value
