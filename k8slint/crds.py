"""CustomResourceDefinitions found in the input (or given with --crd) -> JSON schemas for their resources.

A CRD's openAPIV3Schema is OpenAPI v3 with Kubernetes extensions; we turn it into the same draft 2020-12
shape as the embedded schemas so one validator handles both.
"""
from __future__ import annotations

from dataclasses import dataclass

CRD_KIND = "CustomResourceDefinition"
CRD_API_VERSIONS = ("apiextensions.k8s.io/v1", "apiextensions.k8s.io/v1beta1")

# Keys of OpenAPI v3 schema objects that carry subschemas, by how they hold them.
_SUBSCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions")
_SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf")
_SUBSCHEMA_ONE = ("not", "additionalItems", "contains")


@dataclass(frozen=True)
class CrdVersion:
    group: str
    version: str
    kind: str
    schema: dict | None  # the openAPIV3Schema, None when the CRD gives none
    source: str  # file:line of the CRD, for messages

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}"


def crd_versions(data: dict, source: str) -> list:
    """Every (group, version, kind, schema) a CRD object defines. Tolerates missing or odd fields."""
    spec = data.get("spec") if isinstance(data.get("spec"), dict) else {}
    group = spec.get("group")
    names = spec.get("names") if isinstance(spec.get("names"), dict) else {}
    kind = names.get("kind")
    if not isinstance(group, str) or not isinstance(kind, str):
        return []
    shared = (spec.get("validation") or {}).get("openAPIV3Schema") if isinstance(spec.get("validation"), dict) \
        else None  # v1beta1: one schema for every version
    out = []
    versions = spec.get("versions")
    if isinstance(versions, list) and versions:
        for v in versions:
            if not isinstance(v, dict) or not isinstance(v.get("name"), str):
                continue
            schema = (v.get("schema") or {}).get("openAPIV3Schema") if isinstance(v.get("schema"), dict) else None
            out.append(CrdVersion(group, v["name"], kind, schema or shared, source))
    elif isinstance(spec.get("version"), str):  # v1beta1 single-version form
        out.append(CrdVersion(group, spec["version"], kind, shared, source))
    return out


def to_json_schema(openapi: dict, strict: bool) -> dict:
    """A validating schema for a custom resource from its CRD's openAPIV3Schema."""
    root = _convert(openapi, strict)
    props = root.setdefault("properties", {})
    # The API server handles these for every custom resource, whether the CRD describes them or not.
    props.setdefault("apiVersion", {"type": ["string", "null"]})
    props.setdefault("kind", {"type": ["string", "null"]})
    props.setdefault("metadata", {"type": ["object", "null"]})
    props.setdefault("status", {})
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **root}


def _convert(node, strict: bool):
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key in _SUBSCHEMA_MAPS and isinstance(value, dict):
            out[key] = {k: _convert(v, strict) for k, v in value.items()}
        elif key in _SUBSCHEMA_LISTS and isinstance(value, list):
            out[key] = [_convert(v, strict) for v in value]
        elif key in _SUBSCHEMA_ONE or key == "items":
            out[key] = _convert(value, strict) if isinstance(value, dict) else value
        elif key == "additionalProperties":
            out[key] = _convert(value, strict) if isinstance(value, dict) else value
        elif key in ("nullable", "x-kubernetes-int-or-string", "x-kubernetes-preserve-unknown-fields",
                     "x-kubernetes-embedded-resource", "type", "format"):
            continue  # handled below
        elif key.startswith("x-kubernetes-") or key in ("default", "example", "externalDocs"):
            continue  # server-side behaviour, not validation
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
    if strict and not open_object and "properties" in out and (types is None or "object" in types):
        out["additionalProperties"] = False
    return out
