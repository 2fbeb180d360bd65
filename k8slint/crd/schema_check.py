"""What the API server refuses in a CRD's openAPIV3Schema before it accepts the CRD: keywords of the wrong
type, unsupported keywords (`$ref` above all: nothing a CRD names is ever fetched), patterns RE2 cannot
compile, `multipleOf` that is not positive, and malformed list and map types. Each problem is a (JSON path
inside the CRD object, message) pair; an empty list means the schema can be compiled and used."""
from __future__ import annotations

from ..re2regex import re2_error

TYPES = ("object", "array", "string", "integer", "number", "boolean")
_FORBIDDEN = {
    "$ref": "$ref is not supported (a CRD schema must be self-contained; k8slint never fetches it)",
    "$schema": "$schema is not supported",
    "id": "id is not supported",
    "definitions": "definitions is not supported",
    "dependencies": "dependencies is not supported",
    "additionalItems": "additionalItems is not supported",
    "patternProperties": "patternProperties is not supported",
}
_STRINGS = ("type", "format", "pattern", "title", "description", "x-kubernetes-list-type",
            "x-kubernetes-map-type")
_INTEGERS = ("maxLength", "minLength", "maxItems", "minItems", "maxProperties", "minProperties")
_NUMBERS = ("maximum", "minimum", "multipleOf")
_BOOLEANS = ("exclusiveMaximum", "exclusiveMinimum", "uniqueItems", "nullable",
             "x-kubernetes-preserve-unknown-fields", "x-kubernetes-embedded-resource",
             "x-kubernetes-int-or-string")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf")
MAX_DEPTH = 200  # deeper than any real CRD; a deeper one is refused rather than walked


def schema_problems(schema, path: tuple) -> list:
    problems: list = []
    _check(schema, tuple(path), problems, 0)
    return problems


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) or isinstance(value, float) and value.is_integer()


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check(node, path: tuple, out: list, depth: int) -> None:
    if depth > MAX_DEPTH:
        out.append((path, f"the schema nests more than {MAX_DEPTH} levels deep"))
        return
    if not isinstance(node, dict):
        out.append((path, f"a schema must be a mapping, not {_kind(node)}"))
        return
    for key, message in _FORBIDDEN.items():
        if key in node:
            out.append((path + (key,), message))
    for key in _STRINGS:
        if key in node and not isinstance(node[key], str):
            out.append((path + (key,), f"{key} must be a string, not {_kind(node[key])}"))
    for key in _INTEGERS:
        if key in node and not _is_int(node[key]):
            out.append((path + (key,), f"{key} must be an integer, not {_kind(node[key])}"))
    for key in _NUMBERS:
        if key in node and not _is_number(node[key]):
            out.append((path + (key,), f"{key} must be a number, not {_kind(node[key])}"))
    for key in _BOOLEANS:
        if key in node and not isinstance(node[key], bool):
            out.append((path + (key,), f"{key} must be true or false, not {_kind(node[key])}"))
    kind = node.get("type")
    if isinstance(kind, str) and kind and kind not in TYPES:
        out.append((path + ("type",), f"type {kind!r} is not supported (use one of {', '.join(TYPES)})"))
    if _is_number(node.get("multipleOf")) and node["multipleOf"] <= 0:
        out.append((path + ("multipleOf",), "multipleOf must be greater than zero"))
    if isinstance(node.get("pattern"), str):
        error = re2_error(node["pattern"])
        if error:
            out.append((path + ("pattern",), f"pattern is not a valid (RE2) regular expression: {error}"))
    if node.get("uniqueItems") is True:
        out.append((path + ("uniqueItems",), "uniqueItems cannot be set to true (the API server refuses it: "
                                             "quadratic cost); use x-kubernetes-list-type: set"))
    if node.get("x-kubernetes-preserve-unknown-fields") is False:
        out.append((path + ("x-kubernetes-preserve-unknown-fields",), "must be true or left out"))
    for key in ("required", "x-kubernetes-list-map-keys"):
        if key in node and not (isinstance(node[key], list) and all(isinstance(v, str) for v in node[key])):
            out.append((path + (key,), f"{key} must be a list of strings"))
    if "enum" in node and not isinstance(node["enum"], list):
        out.append((path + ("enum",), f"enum must be a list, not {_kind(node['enum'])}"))
    if "x-kubernetes-validations" in node and not _rules_shape_ok(node["x-kubernetes-validations"]):
        out.append((path + ("x-kubernetes-validations",),
                    "x-kubernetes-validations must be a list of mappings, each with a string `rule`"))
    _check_list_and_map_types(node, path, out)
    props = node.get("properties")
    if props is not None:
        if not isinstance(props, dict):
            out.append((path + ("properties",), f"properties must be a mapping of schemas, not {_kind(props)}"))
        else:
            for name, child in props.items():
                _check(child, path + ("properties", name), out, depth + 1)
            extra = node.get("additionalProperties")
            if props and extra is not None and extra is not True:
                out.append((path + ("additionalProperties",), "additionalProperties and properties are "
                                                              "mutually exclusive"))
    extra = node.get("additionalProperties")
    if extra is not None and not isinstance(extra, bool):
        _check(extra, path + ("additionalProperties",), out, depth + 1)
    items = node.get("items")
    if items is not None:
        if isinstance(items, list):
            out.append((path + ("items",), "items must be a schema, not a list of schemas"))
        else:
            _check(items, path + ("items",), out, depth + 1)
    if "not" in node:
        _check(node["not"], path + ("not",), out, depth + 1)
    for key in _SCHEMA_LISTS:
        if key in node:
            if not isinstance(node[key], list):
                out.append((path + (key,), f"{key} must be a list of schemas, not {_kind(node[key])}"))
                continue
            for i, child in enumerate(node[key]):
                _check(child, path + (key, i), out, depth + 1)


def _rules_shape_ok(rules) -> bool:
    return isinstance(rules, list) and all(isinstance(r, dict) and isinstance(r.get("rule"), str) for r in rules)


def _check_list_and_map_types(node: dict, path: tuple, out: list) -> None:
    list_type = node.get("x-kubernetes-list-type")
    if isinstance(list_type, str):
        if list_type not in ("atomic", "set", "map"):
            out.append((path + ("x-kubernetes-list-type",), f"x-kubernetes-list-type {list_type!r} is not "
                                                            "supported (atomic, set or map)"))
        elif node.get("type") != "array":
            out.append((path + ("type",), "must be array if x-kubernetes-list-type is specified"))
        elif list_type == "map":
            keys = node.get("x-kubernetes-list-map-keys")
            items = node.get("items")
            if not keys:
                out.append((path + ("x-kubernetes-list-map-keys",), "must not be empty if x-kubernetes-list-type "
                                                                    "is map"))
            elif isinstance(items, dict) and isinstance(keys, list):
                if items.get("type") != "object":
                    out.append((path + ("items", "type"), "must be object if the list's x-kubernetes-list-type "
                                                          "is map"))
                props = items.get("properties") if isinstance(items.get("properties"), dict) else {}
                for key in keys:
                    if isinstance(key, str) and key not in props:
                        out.append((path + ("x-kubernetes-list-map-keys",), f"entry {key!r} is not a property "
                                                                            "of the items"))
                if len(set(k for k in keys if isinstance(k, str))) != len(keys):
                    out.append((path + ("x-kubernetes-list-map-keys",), "must not contain duplicate entries"))
        if list_type in ("set", "map") and node.get("type") == "array" and isinstance(node.get("items"), dict):
            _set_and_map_items(node, list_type, path, out)
    elif "x-kubernetes-list-map-keys" in node and list_type is None:
        out.append((path + ("x-kubernetes-list-type",), "must be map if x-kubernetes-list-map-keys is non-empty"))
    map_type = node.get("x-kubernetes-map-type")
    if isinstance(map_type, str):
        if map_type not in ("atomic", "granular"):
            out.append((path + ("x-kubernetes-map-type",), f"x-kubernetes-map-type {map_type!r} is not supported "
                                                           "(atomic or granular)"))
        elif node.get("type") != "object":
            out.append((path + ("type",), "must be object if x-kubernetes-map-type is specified"))


def _set_and_map_items(node: dict, list_type: str, path: tuple, out: list) -> None:
    """Items of set and map lists are never null; a map list's keys are required or defaulted, never null;
    a set's items are atomic (a list of them atomic, an object of them x-kubernetes-map-type: atomic)."""
    items = node["items"]
    where = path + ("items",)
    if items.get("nullable") is True:
        out.append((where + ("nullable",), f"cannot be nullable when x-kubernetes-list-type is {list_type}"))
    if list_type == "map":
        props = items.get("properties") if isinstance(items.get("properties"), dict) else {}
        required = items.get("required") if isinstance(items.get("required"), list) else []
        keys = node.get("x-kubernetes-list-map-keys")
        for key in keys if isinstance(keys, list) else ():
            sub = props.get(key) if isinstance(key, str) else None
            if not isinstance(sub, dict):
                continue  # reported above: not a property of the items
            if key not in required and sub.get("default") is None:
                out.append((where + ("properties", key, "default"), "this property is in "
                            "x-kubernetes-list-map-keys, so it must have a default or be a required property"))
            if sub.get("nullable") is True:
                out.append((where + ("properties", key, "nullable"), "this property is in "
                            "x-kubernetes-list-map-keys, so it cannot be nullable"))
    elif items.get("type") == "array" and items.get("x-kubernetes-list-type") not in (None, "atomic"):
        out.append((where + ("x-kubernetes-list-type",), "must be atomic as item of a list with "
                                                          "x-kubernetes-list-type=set"))
    elif items.get("type") == "object" and items.get("x-kubernetes-map-type") != "atomic":
        out.append((where + ("x-kubernetes-map-type",), "must be atomic as item of a list with "
                                                         "x-kubernetes-list-type=set"))


def _kind(value) -> str:
    names = {bool: "a boolean", int: "an integer", float: "a number", str: "a string", list: "a list",
             dict: "a mapping", type(None): "null"}
    return names.get(type(value), type(value).__name__)
