"""Defaults in a CRD schema as the API server checks them before it accepts the CRD (apiextensions
validation and structural defaulting's ValidateDefaults):
- no default anywhere under the root's apiVersion, kind or metadata, nor inside additionalProperties of a
  resource's metadata;
- a default holds no field that pruning would drop (outside resource metadata);
- a default of an embedded resource has a valid apiVersion and kind;
- each default is a valid value of its own node (type, enum, bounds, lengths, pattern, required fields ...,
  then its string formats), validated as written: defaults inside it are not applied first;
- the node's CEL rules (and those below it) hold on the default (see default_rule_problems);
and an apiextensions.k8s.io/v1beta1 CRD may give defaults only with spec.preserveUnknownFields: false.
Not checked: ObjectMeta's own rules on a default of an embedded resource's metadata."""
from __future__ import annotations

from ..schemaformats import format_error
from .embedded import resource_problems

MAX_DEPTH = 200
_META = ("apiVersion", "kind", "metadata")


def default_problems(schema, path: tuple) -> list:
    """[(json path, message)] for the defaults of one version's openAPIV3Schema."""
    out: list = []
    _walk(schema, tuple(path), out, 0, _Where(resource=True))
    return out


def has_defaults(schema, depth: int = 0) -> bool:
    if not isinstance(schema, dict) or depth > MAX_DEPTH:
        return False
    if schema.get("default") is not None:
        return True
    return any(has_defaults(child, depth + 1) for child in _children(schema).values())


def defaults(schema, depth: int = 0, at: tuple = ()):
    """(path inside the schema, node) of every node with a default."""
    if not isinstance(schema, dict) or depth > MAX_DEPTH:
        return
    if schema.get("default") is not None:
        yield at, schema
    for key, child in _children(schema).items():
        yield from defaults(child, depth + 1, at + key)


class _Where:
    """Where a node is: whether it is a resource (the root, an embedded resource), under a resource's
    apiVersion, kind or metadata (`meta`), under the root's (`top_meta`: which), or inside
    additionalProperties there (`meta_map`)."""

    def __init__(self, resource=False, meta=False, top_meta=None, meta_map=False):
        self.resource, self.meta, self.top_meta, self.meta_map = resource, meta, top_meta, meta_map

    def child(self, key: tuple, node: dict, at_root: bool) -> "_Where":
        embedded = node.get("x-kubernetes-embedded-resource") is True
        if self.resource and key[0] == "properties" and key[1] in _META:
            return _Where(embedded, True, key[1] if at_root else None)
        return _Where(embedded, self.meta, self.top_meta,
                      self.meta_map or (self.meta and key[0] == "additionalProperties"))


def _children(node: dict) -> dict:
    out = {}
    props = node.get("properties")
    if isinstance(props, dict):
        out.update({("properties", name): sub for name, sub in props.items()})
    for key in ("items", "additionalProperties"):
        if isinstance(node.get(key), dict):
            out[(key,)] = node[key]
    return out


def _walk(node, path: tuple, out: list, depth: int, where: _Where) -> None:
    if not isinstance(node, dict) or depth > MAX_DEPTH:
        return
    if node.get("default") is not None:
        message = _forbidden(where) or _problem(node, node["default"], where)
        if message:
            out.append((path + ("default",), message))
    for key, child in _children(node).items():
        if isinstance(child, dict):
            _walk(child, path + key, out, depth + 1, where.child(key, child, depth == 0))


def _forbidden(where: _Where) -> str | None:
    if where.top_meta is not None:
        return f"must not be set in top-level {where.top_meta}"
    if where.meta_map:
        return "must not be set inside additionalProperties applying to object metadata"
    return None


def _problem(node: dict, value, where: _Where) -> str | None:
    embedded = node.get("x-kubernetes-embedded-resource") is True
    if not where.meta and not _pruned(value, node, embedded, 0):
        return "must not have unknown fields"
    message = _embedded_problem(value, node, embedded, (), 0) or _invalid(node, value) \
        or _format_problem(value, node, (), 0)
    return f"default is not valid for its schema: {message}" if message else None


# -- pruning, as the API server prunes (true when nothing would be dropped) ---------------------------------

def _pruned(value, node, resource: bool, depth: int) -> bool:
    if depth > MAX_DEPTH:
        return True
    if isinstance(node, dict) and node.get("x-kubernetes-preserve-unknown-fields") is True:
        return _known_pruned(value, node, resource, depth)
    if isinstance(value, dict):
        if not isinstance(node, dict):
            return not value
        props = node.get("properties") if isinstance(node.get("properties"), dict) else {}
        extra = node.get("additionalProperties")
        for key, item in value.items():
            if resource and key in _META:
                continue
            if key in props:
                if not _pruned(item, props[key], props[key].get("x-kubernetes-embedded-resource") is True
                               if isinstance(props[key], dict) else False, depth + 1):
                    return False
            elif isinstance(extra, dict):
                if not _pruned(item, extra, extra.get("x-kubernetes-embedded-resource") is True, depth + 1):
                    return False
            elif extra is not True:
                return False
        return True
    if isinstance(value, list):
        items = node.get("items") if isinstance(node, dict) else None
        return all(_pruned(item, items, isinstance(items, dict) and items.get("x-kubernetes-embedded-resource")
                           is True, depth + 1) for item in value)
    return True


def _known_pruned(value, node: dict, resource: bool, depth: int) -> bool:
    """Below x-kubernetes-preserve-unknown-fields: unknown fields stay, declared ones are pruned inside."""
    props = node.get("properties") if isinstance(node.get("properties"), dict) else {}
    extra = node.get("additionalProperties")
    if isinstance(value, dict):
        for key, item in value.items():
            sub = props.get(key) if key in props else (extra if isinstance(extra, dict) else None)
            if sub is None or (resource and key in _META):
                continue
            if not _pruned(item, sub, isinstance(sub, dict) and sub.get("x-kubernetes-embedded-resource") is True,
                           depth + 1):
                return False
        return True
    if isinstance(value, list) and isinstance(node.get("items"), dict):
        items = node["items"]
        return all(_known_pruned(item, items, False, depth + 1) if items.get("x-kubernetes-preserve-unknown-fields")
                   else _pruned(item, items, items.get("x-kubernetes-embedded-resource") is True, depth + 1)
                   for item in value)
    return True


# -- embedded resources and formats inside the default ------------------------------------------------------

def _embedded_problem(value, node, embedded: bool, at: tuple, depth: int) -> str | None:
    """What the API server's check of embedded resources says of the first bad one in the default."""
    if not isinstance(node, dict) or depth > MAX_DEPTH:
        return None
    if isinstance(value, dict):
        if embedded:
            message = _resource_problem(value)
            if message:
                return f"{_where(at)}{message}"
        props = node.get("properties") if isinstance(node.get("properties"), dict) else {}
        extra = node.get("additionalProperties")
        for key, item in value.items():
            sub = props.get(key) if key in props else (extra if isinstance(extra, dict) else None)
            found = _embedded_problem(item, sub, isinstance(sub, dict) and sub.get("x-kubernetes-embedded-resource")
                                      is True, at + (key,), depth + 1)
            if found:
                return found
    elif isinstance(value, list) and isinstance(node.get("items"), dict):
        items = node["items"]
        for i, item in enumerate(value):
            found = _embedded_problem(item, items, items.get("x-kubernetes-embedded-resource") is True, at + (i,),
                                      depth + 1)
            if found:
                return found
    return None


def _resource_problem(value: dict) -> str | None:
    found = resource_problems(value)
    return f"{found[0][0]}: {found[0][1]}" if found else None


def _format_problem(value, node, at: tuple, depth: int) -> str | None:
    if not isinstance(node, dict) or depth > MAX_DEPTH:
        return None
    if isinstance(value, str):
        message = format_error(value, node)
        return f"{_where(at)}{message}" if message else None
    if isinstance(value, dict):
        props = node.get("properties") if isinstance(node.get("properties"), dict) else {}
        extra = node.get("additionalProperties")
        for key, item in value.items():
            found = _format_problem(item, props.get(key) if key in props else extra, at + (key,), depth + 1)
            if found:
                return found
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found = _format_problem(item, node.get("items"), at + (i,), depth + 1)
            if found:
                return found
    return None


def _where(at: tuple) -> str:
    text = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in at).lstrip(".")
    return f"{text}: " if text else ""


# -- the node's own schema ----------------------------------------------------------------------------------

_CHECKER = []  # the validator class, made with the first default


def _checker_class():
    if not _CHECKER:
        from jsonschema import Draft202012Validator, validators

        from ..re2regex import RE2_KEYWORDS  # patterns matched as the API server matches them, in linear time
        _CHECKER.append(validators.extend(Draft202012Validator, RE2_KEYWORDS))
    return _CHECKER[0]


def _invalid(node: dict, value) -> str | None:
    from jsonschema.exceptions import best_match

    from ..crds import node_json_schema

    checker = _checker_class()(node_json_schema(node))
    error = best_match(checker.iter_errors(value))
    if error is None:
        return None
    return f"{_where(tuple(error.absolute_path))}{error.message}"[:300]
