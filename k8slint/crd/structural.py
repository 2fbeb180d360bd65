"""Whether an apiextensions.k8s.io/v1 schema is structural, as the API server decides it before it accepts
a CRD: every specified field and array item has a type (unless int-or-string or preserving unknown fields),
arrays have items, the root is an object without additionalProperties, embedded resources are objects,
apiVersion and kind are strings and the root's metadata restricts at most its name and generateName,
and the value validations under allOf / anyOf / oneOf / not only restrict values: they declare no type,
default, description, nullable or x-kubernetes-* extension and name no field or item the structural part
does not (the int-or-string `anyOf: [{type: integer}, {type: string}]` pattern excepted). Each problem is
a (JSON path inside the CRD object, message) pair."""
from __future__ import annotations

MAX_DEPTH = 200
_JUNCTORS = ("allOf", "anyOf", "oneOf")
_INT_OR_STRING = [{"type": "integer"}, {"type": "string"}]
# keywords a value validation (a branch of allOf / anyOf / oneOf / not) must leave out, and why
_NOT_IN_BRANCHES = {
    "type": "must be empty to be structural",
    "additionalProperties": "must be undefined to be structural",
    "default": "must be undefined to be structural",
    "title": "must be empty to be structural",
    "description": "must be empty to be structural",
    "nullable": "must be false to be structural",
    "x-kubernetes-preserve-unknown-fields": "must be false to be structural",
    "x-kubernetes-embedded-resource": "must be false to be structural",
    "x-kubernetes-int-or-string": "must be false to be structural",
    "x-kubernetes-list-map-keys": "must be empty to be structural",
    "x-kubernetes-list-type": "must be undefined to be structural",
    "x-kubernetes-map-type": "must be undefined to be structural",
}


def structural_problems(schema, path: tuple) -> list:
    out: list = []
    if isinstance(schema, dict):
        if schema.get("type") not in (None, "object"):
            out.append((path + ("type",), "the root of the schema must be of type object"))
        if "additionalProperties" in schema and schema["additionalProperties"] is not False:
            out.append((path + ("additionalProperties",), "additionalProperties must not be used at the root"))
    _node(schema, path, "root", out, 0)
    return out + completeness_problems(schema, path)


def _node(node, path: tuple, level: str, out: list, depth: int) -> None:
    if not isinstance(node, dict) or depth > MAX_DEPTH:
        return
    embedded = node.get("x-kubernetes-embedded-resource") is True
    int_or_string = node.get("x-kubernetes-int-or-string") is True
    preserve = node.get("x-kubernetes-preserve-unknown-fields") is True
    if embedded and node.get("type") != "object":
        out.append((path + ("type",), "must be object if x-kubernetes-embedded-resource is true"))
    elif not node.get("type") and not int_or_string and not preserve:
        where = {"root": "at the root", "items": "for specified array items"}.get(level, "for specified object fields")
        out.append((path + ("type",), f"type is required {where} (a structural schema types every field; use "
                                      "x-kubernetes-int-or-string or x-kubernetes-preserve-unknown-fields for "
                                      "free-form values)"))
    if node.get("type") == "array" and not isinstance(node.get("items"), dict):
        out.append((path + ("items",), "items must be specified for an array"))
    if embedded and isinstance(node.get("additionalProperties"), (dict, bool)) and node["additionalProperties"] \
            is not False:
        out.append((path + ("additionalProperties",), "must not be used if x-kubernetes-embedded-resource is set"))
    if embedded and not preserve and not node.get("properties"):
        out.append((path + ("properties",), "must not be empty if x-kubernetes-embedded-resource is true without "
                                            "x-kubernetes-preserve-unknown-fields"))
    if int_or_string and preserve:
        out.append((path + ("x-kubernetes-preserve-unknown-fields",), "must be false if x-kubernetes-int-or-string "
                                                                       "is true"))
    if int_or_string and embedded:
        out.append((path + ("x-kubernetes-embedded-resource",), "must be false if x-kubernetes-int-or-string is "
                                                                 "true"))
    _value_validations(node, path, out, depth)
    if level == "root" or embedded:
        _resource_fields(node, path, level == "root", out)
    props = node.get("properties")
    if isinstance(props, dict):
        for name, child in props.items():
            _node(child, path + ("properties", name), "field", out, depth + 1)
    if isinstance(node.get("items"), dict):
        _node(node["items"], path + ("items",), "items", out, depth + 1)
    if isinstance(node.get("additionalProperties"), dict):
        _node(node["additionalProperties"], path + ("additionalProperties",), "field", out, depth + 1)


def _resource_fields(node: dict, path: tuple, root: bool, out: list) -> None:
    """apiVersion and kind of a resource (the root, an embedded resource) are strings, metadata an object;
    at the root the schema may only restrict metadata.name and metadata.generateName."""
    props = node.get("properties") if isinstance(node.get("properties"), dict) else {}
    for name in ("apiVersion", "kind"):
        if isinstance(props.get(name), dict) and props[name].get("type") != "string":
            out.append((path + ("properties", name, "type"), "must be string"))
    meta = props.get("metadata")
    if not isinstance(meta, dict):
        return
    where = path + ("properties", "metadata")
    if meta.get("type") != "object":
        out.append((where + ("type",), "must be object"))
    if not root:
        return
    meta_props = meta.get("properties") if isinstance(meta.get("properties"), dict) else {}
    others = [key for key, value in meta.items() if key not in ("type", "properties", "default") and _given(value)]
    if set(meta_props) - {"name", "generateName"} or others:
        out.append((where, "must not specify anything other than name and generateName, but metadata is "
                           "implicitly specified"))


def _value_validations(node: dict, path: tuple, out: list, depth: int) -> None:
    """The allOf / anyOf / oneOf / not of a structural node: value validations only."""
    for key in _JUNCTORS:
        branches = node.get(key)
        if not isinstance(branches, list):
            continue
        if key == "anyOf" and branches == _INT_OR_STRING:
            continue  # int-or-string spelled out
        for i, branch in enumerate(branches):
            skip = key == "allOf" and i == 0 and isinstance(branch, dict) and branch.get("anyOf") == _INT_OR_STRING
            _branch(branch, path + (key, i), out, depth + 1, skip)
    if isinstance(node.get("not"), dict):
        _branch(node["not"], path + ("not",), out, depth + 1, False)


def _branch(branch, path: tuple, out: list, depth: int, skip_any_of: bool) -> None:
    if not isinstance(branch, dict) or depth > MAX_DEPTH:
        return
    for key, message in _NOT_IN_BRANCHES.items():
        if _given(branch.get(key)):
            out.append((path + (key,), message))
    if _given(branch.get("x-kubernetes-validations")):
        out.append((path + ("x-kubernetes-validations",), "must be empty to be structural"))
    props = branch.get("properties")
    if isinstance(props, dict):
        if "metadata" in props:
            out.append((path + ("properties", "metadata"), "must not be specified in a nested context"))
        for name, child in props.items():
            _branch(child, path + ("properties", name), out, depth + 1, False)
    for key in ("items", "additionalProperties"):
        if isinstance(branch.get(key), dict):
            _branch(branch[key], path + (key,), out, depth + 1, False)
    for key in _JUNCTORS:
        if isinstance(branch.get(key), list) and not (key == "anyOf" and skip_any_of):
            for i, child in enumerate(branch[key]):
                _branch(child, path + (key, i), out, depth + 1, False)
    if isinstance(branch.get("not"), dict):
        _branch(branch["not"], path + ("not",), out, depth + 1, False)


def _given(value) -> bool:
    """Set to something: false, "", [] and null count as left out, as they do upstream."""
    return value is not None and value is not False and value != "" and value != [] and value != {}


def completeness_problems(schema, path: tuple) -> list:
    """Fields and items that the value validations of the root (allOf / anyOf / oneOf / not) name must be
    specified in the structural part of the schema too."""
    out: list = []
    if isinstance(schema, dict):
        _complete_junctors(schema, schema, path, path, out, 0)
    return out


def _complete_junctors(validation: dict, structural, spath: tuple, vpath: tuple, out: list, depth: int) -> None:
    for key in _JUNCTORS:
        if isinstance(validation.get(key), list):
            for i, branch in enumerate(validation[key]):
                _complete(branch, structural, spath, vpath + (key, i), out, depth + 1)
    if isinstance(validation.get("not"), dict):
        _complete(validation["not"], structural, spath, vpath + ("not",), out, depth + 1)


def _complete(branch, structural, spath: tuple, vpath: tuple, out: list, depth: int) -> None:
    if not isinstance(branch, dict) or depth > MAX_DEPTH:
        return
    if not isinstance(structural, dict):
        out.append((spath, f"required because it is defined in {_dotted(vpath)}"))
        return
    _complete_junctors(branch, structural, spath, vpath, out, depth)
    if isinstance(branch.get("items"), dict):
        _complete(branch["items"], structural.get("items"), spath + ("items",), vpath + ("items",), out, depth + 1)
    props = branch.get("properties")
    declared = structural.get("properties") if isinstance(structural.get("properties"), dict) else {}
    if isinstance(props, dict):
        for name, child in props.items():
            if name not in declared:
                out.append((spath + ("properties", name), f"required because it is defined in "
                                                          f"{_dotted(vpath + ('properties', name))}"))
            else:
                _complete(child, declared[name], spath + ("properties", name), vpath + ("properties", name), out,
                          depth + 1)


def _dotted(path: tuple) -> str:
    return ".".join(str(p) for p in path)
