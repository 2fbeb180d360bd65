"""Defaults in a CRD schema as the API server checks them before it accepts the CRD: each `default` must be
a valid value of its own schema node (type, enum, bounds, lengths, pattern, required fields ...), and an
apiextensions.k8s.io/v1beta1 CRD may give defaults only with spec.preserveUnknownFields: false. Not
checked here: that a default holds no field that pruning would drop, its formats, and the node's CEL rules."""
from __future__ import annotations

MAX_DEPTH = 200


def default_problems(schema, path: tuple) -> list:
    """[(json path, message)] for the defaults of one version's openAPIV3Schema."""
    out: list = []
    _walk(schema, tuple(path), out, 0)
    return out


def has_defaults(schema, depth: int = 0) -> bool:
    if not isinstance(schema, dict) or depth > MAX_DEPTH:
        return False
    if schema.get("default") is not None:
        return True
    return any(has_defaults(child, depth + 1) for child in _children(schema).values())


def _children(node: dict) -> dict:
    out = {}
    props = node.get("properties")
    if isinstance(props, dict):
        out.update({("properties", name): sub for name, sub in props.items()})
    for key in ("items", "additionalProperties"):
        if isinstance(node.get(key), dict):
            out[(key,)] = node[key]
    return out


def _walk(node, path: tuple, out: list, depth: int) -> None:
    if not isinstance(node, dict) or depth > MAX_DEPTH:
        return
    if node.get("default") is not None:
        message = _invalid(node, node["default"])
        if message:
            out.append((path + ("default",), f"default is not valid for its schema: {message}"))
    for key, child in _children(node).items():
        _walk(child, path + key, out, depth + 1)


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
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
    return f"{where.lstrip('.') + ': ' if where else ''}{error.message}"[:300]
