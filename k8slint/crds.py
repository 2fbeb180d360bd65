"""CustomResourceDefinitions found in the input (or given with --crd) -> JSON schemas for their resources.

A CRD's openAPIV3Schema is OpenAPI v3 with Kubernetes extensions; we turn it into the same draft 2020-12
shape as the embedded schemas so one validator handles both.
"""
from __future__ import annotations

from .model import record, set_frozen

CRD_KIND = "CustomResourceDefinition"
CRD_API_VERSIONS = ("apiextensions.k8s.io/v1", "apiextensions.k8s.io/v1beta1")

# Keys of OpenAPI v3 schema objects that carry subschemas, by how they hold them.
_SUBSCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions")
_SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf")
_SUBSCHEMA_ONE = ("not", "additionalItems", "contains")

# Marks the schema of an apiextensions.k8s.io/v1beta1 CRD whose spec.preserveUnknownFields is true or unset:
# the API server then keeps unknown fields at every level (nothing is pruned), so none is "unknown".
_PRESERVE_EVERYWHERE = "x-k8slint-preserve-unknown-fields-everywhere"


@record(frozen=True)
class CrdVersion:
    """One version of the kind a CRD defines, with its schema."""

    group: str
    version: str
    kind: str
    schema: object  # the openAPIV3Schema as written (None when the CRD gives none; may be malformed)
    source: str  # file:line of the CRD, for messages
    served: bool = True
    schema_path: tuple = ()  # where the schema is inside the CRD object

    def __init__(self, group, version, kind, schema, source, served=True, schema_path=()):
        set_frozen(self, "group", group)
        set_frozen(self, "version", version)
        set_frozen(self, "kind", kind)
        set_frozen(self, "schema", schema)
        set_frozen(self, "source", source)
        set_frozen(self, "served", served)
        set_frozen(self, "schema_path", schema_path)

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}"


def crd_versions(data: dict, source: str) -> list:
    """Every (group, version, kind, schema) a CRD object defines. Tolerates missing or odd fields."""
    return read_crd(data, source)[0]


def read_crd(data: dict, source: str) -> tuple:
    """([CrdVersion], [(json path, message)]): what a CRD object defines, and the problems of its shape
    that the API server refuses (a `versions` that is not a list, a schema that is not a mapping ...)."""
    problems: list = []
    spec = data.get("spec")
    if not isinstance(spec, dict):
        return [], [(("spec",), "spec must be a mapping")]
    group = spec.get("group")
    names = spec.get("names") if isinstance(spec.get("names"), dict) else {}
    kind = names.get("kind")
    if not isinstance(group, str) or not group:
        problems.append((("spec", "group"), "spec.group must be a non-empty string"))
    if not isinstance(kind, str) or not kind:
        problems.append((("spec", "names", "kind"), "spec.names.kind must be a non-empty string"))
    if problems:
        return [], problems
    shared, shared_path = None, ()
    preserves = data.get("apiVersion") == "apiextensions.k8s.io/v1beta1" and spec.get("preserveUnknownFields") is not False
    validation = spec.get("validation")
    if validation is not None:  # v1beta1: one schema for every version
        if not isinstance(validation, dict):
            problems.append((("spec", "validation"), "spec.validation must be a mapping"))
        else:
            shared, shared_path = validation.get("openAPIV3Schema"), ("spec", "validation", "openAPIV3Schema")
    out = []
    versions = spec.get("versions")
    if versions is not None and not isinstance(versions, list):
        problems.append((("spec", "versions"), "spec.versions must be a list of versions"))
        versions = None
    for i, v in enumerate(versions or ()):
        if not isinstance(v, dict):
            problems.append((("spec", "versions", i), "a version must be a mapping"))
            continue
        if not isinstance(v.get("name"), str) or not v["name"]:
            problems.append((("spec", "versions", i, "name"), "a version needs a name"))
            continue
        schema, path = shared, shared_path
        if v.get("schema") is not None:
            if not isinstance(v["schema"], dict):
                problems.append((("spec", "versions", i, "schema"), "schema must be a mapping"))
                schema, path = _UNUSABLE, ("spec", "versions", i, "schema")
            elif "openAPIV3Schema" in v["schema"]:
                schema, path = v["schema"]["openAPIV3Schema"], ("spec", "versions", i, "schema", "openAPIV3Schema")
        out.append(CrdVersion(group, v["name"], kind, schema, source, v.get("served") is not False, path))
    if not versions and isinstance(spec.get("version"), str):  # v1beta1 single-version form
        out.append(CrdVersion(group, spec["version"], kind, shared, source, True, shared_path))
    for v in out:
        if v.schema is not None and v.schema is not _UNUSABLE and not isinstance(v.schema, dict):
            problems.append((v.schema_path, "openAPIV3Schema must be a mapping"))
    if preserves:
        out = [_preserving(v) for v in out]
    return [v if isinstance(v.schema, dict) or v.schema is None else _unusable(v) for v in out], problems


def _preserving(v: CrdVersion) -> CrdVersion:
    if not isinstance(v.schema, dict):
        return v
    schema = {**v.schema, "x-kubernetes-preserve-unknown-fields": True, _PRESERVE_EVERYWHERE: True}
    return CrdVersion(v.group, v.version, v.kind, schema, v.source, v.served, v.schema_path)


class _Unusable:
    """The schema of a CRD version the API server would refuse: its resources have no usable schema."""

    def __repr__(self) -> str:
        return "UNUSABLE"


_UNUSABLE = UNUSABLE = _Unusable()


def _unusable(v: CrdVersion) -> CrdVersion:
    return CrdVersion(v.group, v.version, v.kind, UNUSABLE, v.source, v.served, v.schema_path)


def to_json_schema(openapi: dict, strict: bool) -> dict:
    """A validating schema for a custom resource from its CRD's openAPIV3Schema."""
    root = _convert(openapi, strict and not openapi.get(_PRESERVE_EVERYWHERE))
    props = root.setdefault("properties", {})
    # The API server handles these for every custom resource, whether the CRD describes them or not.
    props.setdefault("apiVersion", {"type": ["string", "null"]})
    props.setdefault("kind", {"type": ["string", "null"]})
    props.setdefault("metadata", {"type": ["object", "null"]})
    props.setdefault("status", {})
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **root}


def node_json_schema(node: dict) -> dict:
    """The validating schema of one node of a CRD schema (not a resource root: nothing is added)."""
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **_convert(node, False)}


def _convert(node, strict: bool, declares_fields: bool = True):
    """One schema node. `declares_fields` is False below allOf/anyOf/oneOf/not: in a structural schema those
    branches only validate values, the fields are the ones `properties` declares beside them, so strict mode
    must not close a branch (a oneOf branch listing one property would otherwise refuse every other field)."""
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key in _SUBSCHEMA_MAPS and isinstance(value, dict):
            out[key] = {k: _convert(v, strict, declares_fields) for k, v in value.items()}
        elif key in _SUBSCHEMA_LISTS and isinstance(value, list):
            out[key] = [_convert(v, strict, False) for v in value]
        elif key in _SUBSCHEMA_ONE or key in ("items", "additionalProperties"):
            keeps = declares_fields and key != "not"
            out[key] = _convert(value, strict, keeps) if isinstance(value, dict) else value
        elif key in ("nullable", "x-kubernetes-int-or-string", "x-kubernetes-preserve-unknown-fields",
                     "x-kubernetes-embedded-resource", "type", "format"):
            continue  # handled below
        elif key.startswith("x-kubernetes-") or key in ("default", "example", "externalDocs"):
            continue  # server-side behaviour, not validation
        elif key == _PRESERVE_EVERYWHERE:
            continue
        elif key in ("$ref", "$schema", "$id", "id", "definitions", "dependencies"):
            continue  # refused in CRDs (see crd.schema_check); never resolved, never fetched
        elif key in ("exclusiveMaximum", "exclusiveMinimum"):
            bound = node.get("maximum" if key == "exclusiveMaximum" else "minimum")
            if value is True and isinstance(bound, (int, float)):  # OpenAPI 3.0 flag -> draft 2020-12 bound
                out[key] = bound
        elif key in ("maximum", "minimum") and node.get("exclusive" + key.capitalize()) is True:
            continue  # carried by exclusiveMaximum / exclusiveMinimum
        else:
            out[key] = value
    types = node.get("type")
    if node.get("x-kubernetes-int-or-string"):
        types = ["integer", "string"]
    if isinstance(types, str):
        types = [types]
    if types:
        out["type"] = list(types) + ["null"] if node.get("nullable") else list(types)
    if node.get("x-kubernetes-embedded-resource"):
        props = out.setdefault("properties", {})
        props.setdefault("apiVersion", {"type": "string"})
        props.setdefault("kind", {"type": "string"})
        props.setdefault("metadata", {"type": "object"})
    open_object = node.get("x-kubernetes-preserve-unknown-fields") or "additionalProperties" in node
    if strict and declares_fields and not open_object and "properties" in out and (types is None or "object" in types):
        out["additionalProperties"] = False
    return out
