"""The object the API server's schema validation sees: `null` fields the schema does not declare
`nullable` dropped and the schema's `default`s applied (pruning is left out: strict mode reports unknown
fields). Works on a copy; crd.normalise does the same and prunes, for the CEL rules."""
from __future__ import annotations

import copy

MAX_DEPTH = 200


def defaulted(value, schema):
    """`value` as the API server validates it: nulls that are not allowed dropped, defaults applied (new
    containers where something changes; the input is not modified)."""
    return _defaulted(value, schema, 0)


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
