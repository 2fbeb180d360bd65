"""The object the API server's schema validation sees, as its structural defaulting leaves it (pruning is
left out: strict mode reports unknown fields). A `null` the schema does not allow (not `nullable`) is
replaced by the node's `default`, or, where there is none, dropped from an object (a field, a map entry)
and kept in a list (where the validation then refuses it); missing fields get their `default`, and defaults
inside a default apply too. A v1beta1 CRD that prunes nothing keeps its nulls. Works on a copy; crd.normalise
does the same and prunes, for the CEL rules."""
from __future__ import annotations

import copy

MAX_DEPTH = 200
# crds.py marks a v1beta1 schema whose CRD keeps unknown fields; the API server then prunes no null either
_PRESERVE_EVERYWHERE = "x-k8slint-preserve-unknown-fields-everywhere"


def defaulted(value, schema):
    """`value` as the API server validates it (new containers where something changes; the input is not
    modified)."""
    keep_nulls = isinstance(schema, dict) and schema.get(_PRESERVE_EVERYWHERE) is True
    return _defaulted(value, schema, 0, keep_nulls)


def has_default(node) -> bool:
    return isinstance(node, dict) and node.get("default") is not None


def disallowed_null(value, node) -> bool:
    """A null where the node does not say `nullable: true` (the API server's isNonNullableNull)."""
    return value is None and isinstance(node, dict) and node.get("nullable") is not True


def _defaulted(value, schema, depth: int, keep_nulls: bool):
    """`value` defaulted; the same object when nothing under it changes (most objects: no copy)."""
    if not isinstance(schema, dict) or depth > MAX_DEPTH:
        return value
    if isinstance(value, dict):
        props = schema.get("properties") if isinstance(schema.get("properties"), dict) else None
        extra = schema.get("additionalProperties") if isinstance(schema.get("additionalProperties"), dict) else None
        if props is None and extra is None:
            return value
        out = value  # copied on the first change
        for name, sub in (props or {}).items():
            present = name in out
            item = out[name] if present else None
            if present and disallowed_null(item, sub) and not has_default(sub) and not keep_nulls:
                out = _copied(out, value)
                del out[name]
                continue
            if (not present or disallowed_null(item, sub)) and has_default(sub):
                item, present = copy.deepcopy(sub["default"]), True
            if present:
                new = _defaulted(item, sub, depth + 1, keep_nulls)
                if name not in out or new is not out[name]:
                    out = _copied(out, value)
                    out[name] = new
        if extra is not None:
            for key in list(out):
                if props is not None and key in props:
                    continue
                item = out[key]
                if disallowed_null(item, extra):
                    if has_default(extra):
                        item = copy.deepcopy(extra["default"])
                    elif not keep_nulls:
                        out = _copied(out, value)
                        del out[key]
                        continue
                new = _defaulted(item, extra, depth + 1, keep_nulls)
                if new is not out[key]:
                    out = _copied(out, value)
                    out[key] = new
        return out
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        items = schema["items"]
        filled = has_default(items)
        out = value
        for i, item in enumerate(value):
            if filled and disallowed_null(item, items):
                item = copy.deepcopy(items["default"])
            new = _defaulted(item, items, depth + 1, keep_nulls)
            if new is not value[i]:
                if out is value:
                    out = list(value)
                out[i] = new
        return out
    return value


def _copied(out: dict, original: dict) -> dict:
    return dict(original) if out is original else out
