"""What the API server does to a custom resource before it validates it: drop `null` fields the schema does
not declare `nullable`, apply the schema's `default`s, and prune fields the schema does not know (unless `x-kubernetes-preserve-unknown-fields`), keeping
apiVersion, kind and metadata at the root and in embedded resources. Works on a copy."""
from __future__ import annotations

import copy

_RESOURCE_FIELDS = ("apiVersion", "kind", "metadata")
MAX_DEPTH = 200


def defaulted(value, schema):
    """`value` as the API server validates it: nulls that are not allowed dropped, defaults applied (new
    containers where something changes; the input is not modified)."""
    return _defaulted(value, schema, 0)


def defaulted_and_pruned(value, schema):
    """What the API server stores and validates: defaults applied, unknown fields pruned. New containers
    are built along the way (the input is not changed, and nothing is deep-copied twice)."""
    return _prune(_defaulted(value, schema, 0), schema, True, 0)


def _defaulted(value, schema, depth: int):
    """`value` with defaults, copying only containers on the way to a default."""
    if not isinstance(schema, dict) or depth > MAX_DEPTH:
        return value
    if isinstance(value, dict):
        props = schema.get("properties") if isinstance(schema.get("properties"), dict) else None
        extra = schema.get("additionalProperties") if isinstance(schema.get("additionalProperties"), dict) else None
        if props is None and extra is None:
            return value
        out = dict(value)
        if props is not None:
            for name, sub in props.items():
                if name in out and out[name] is None and not (isinstance(sub, dict) and sub.get("nullable") is True):
                    del out[name]  # a null the schema does not allow is dropped, then defaulted
                if name not in out and isinstance(sub, dict) and sub.get("default") is not None:
                    out[name] = copy.deepcopy(sub["default"])
                if name in out:
                    out[name] = _defaulted(out[name], sub, depth + 1)
        if extra is not None:
            for key in out:
                if props is None or key not in props:
                    out[key] = _defaulted(out[key], extra, depth + 1)
        return out
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        return [_defaulted(item, schema["items"], depth + 1) for item in value]
    return value


def prune(value, schema, root: bool = True):
    """A copy of `value` without the fields the schema does not specify."""
    return _prune(value, schema, root, 0)


def _prune(value, schema, is_resource: bool, depth: int):
    if not isinstance(schema, dict) or depth > MAX_DEPTH:
        return value
    if isinstance(value, dict):
        if schema.get("x-kubernetes-preserve-unknown-fields") is True and not isinstance(schema.get("properties"),
                                                                                           dict):
            return value
        props = schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
        extra = schema.get("additionalProperties")
        keep_unknown = schema.get("x-kubernetes-preserve-unknown-fields") is True or extra is True
        embedded = is_resource or schema.get("x-kubernetes-embedded-resource") is True
        out = {}
        for key, item in value.items():
            if key in props:
                out[key] = _prune(item, props[key], False, depth + 1)
            elif isinstance(extra, dict):
                out[key] = _prune(item, extra, False, depth + 1)
            elif keep_unknown or (embedded and key in _RESOURCE_FIELDS):
                out[key] = item
        return out
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        return [_prune(item, schema["items"], False, depth + 1) for item in value]
    return value
