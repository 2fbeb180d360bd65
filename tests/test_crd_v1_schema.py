"""One judgement of a v1 CRD schema: the CRD verdict (CRD004 / SCH002) and the v1beta1 -> v1 fixer ask the
same question, so the fixer never writes a v1 CRD that the verdict (and the API server) refuses."""
from __future__ import annotations

import pytest

from k8slint.crd.spec_check import v1_schema_problems
from k8slint.fixer.migrations.crd import structural_problems

ROOT = ("spec", "versions", 0, "schema", "openAPIV3Schema")

REFUSED = {
    "untyped field": {"type": "object", "properties": {"a": {"description": "no type"}}},
    "properties beside additionalProperties": {
        "type": "object", "properties": {"m": {"type": "object", "properties": {"a": {"type": "string"}},
                                               "additionalProperties": {"type": "string"}}}},
    "uniqueItems": {"type": "object", "properties": {"l": {"type": "array", "items": {"type": "string"},
                                                            "uniqueItems": True}}},
    "tuple items": {"type": "object", "properties": {"l": {"type": "array", "items": [{"type": "string"}]}}},
    "unknown type": {"type": "object", "properties": {"a": {"type": "strign"}}},
    "$ref": {"type": "object", "properties": {"a": {"$ref": "#/definitions/x"}}},
    "root not an object": {"type": "string"},
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_fixer_refuses_what_the_crd_verdict_refuses(name):
    schema = REFUSED[name]
    assert v1_schema_problems(schema, ROOT)
    assert structural_problems(schema)


def test_fixer_ignores_only_the_missing_root_type_it_adds():
    schema = {"properties": {"spec": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}}}
    assert v1_schema_problems(schema, ROOT) and not structural_problems(schema)
    schema["properties"]["spec"] = {"properties": {}}
    assert [p.split(":")[0] for p in structural_problems(schema)] == ["openAPIV3Schema.properties.spec.type"]


NOT_STRUCTURAL = {
    "array without items": ({"type": "object", "properties": {"l": {"type": "array"}}},
                            ROOT + ("properties", "l", "items")),
    "additionalProperties at the root": ({"type": "object", "additionalProperties": {"type": "string"}},
                                         ROOT + ("additionalProperties",)),
    "embedded resource that is not an object": (
        {"type": "object", "properties": {"t": {"type": "string", "x-kubernetes-embedded-resource": True}}},
        ROOT + ("properties", "t", "type")),
    "embedded resource with nothing declared": (
        {"type": "object", "properties": {"t": {"type": "object", "x-kubernetes-embedded-resource": True}}},
        ROOT + ("properties", "t", "properties")),
    "int-or-string that preserves unknown fields": (
        {"type": "object", "properties": {"p": {"x-kubernetes-int-or-string": True,
                                                "x-kubernetes-preserve-unknown-fields": True}}},
        ROOT + ("properties", "p", "x-kubernetes-preserve-unknown-fields")),
    "type inside anyOf": ({"type": "object", "properties": {"a": {"type": "string"}}, "anyOf": [
        {"properties": {"a": {"type": "string"}}}]}, ROOT + ("anyOf", 0, "properties", "a", "type")),
    "description inside oneOf": ({"type": "object", "properties": {"a": {"type": "string"}},
                                  "oneOf": [{"description": "x", "required": ["a"]}]}, ROOT + ("oneOf", 0, "description")),
    "rules inside allOf": ({"type": "object", "properties": {"a": {"type": "string"}},
                            "allOf": [{"x-kubernetes-validations": [{"rule": "true"}]}]},
                           ROOT + ("allOf", 0, "x-kubernetes-validations")),
    "metadata named in not": ({"type": "object", "not": {"properties": {"metadata": {}}}},
                              ROOT + ("not", "properties", "metadata")),
    "metadata restricting labels": ({"type": "object", "properties": {"metadata": {
        "type": "object", "properties": {"labels": {"type": "object"}}}}}, ROOT + ("properties", "metadata")),
    "kind that is not a string": ({"type": "object", "properties": {"kind": {"type": "integer"}}},
                                  ROOT + ("properties", "kind", "type")),
    "anyOf names a field the structural part lacks": (
        {"type": "object", "properties": {"a": {"type": "string"}}, "anyOf": [{"required": ["b"]},
                                                                              {"properties": {"b": {}}}]},
        ROOT + ("properties", "b")),
}


@pytest.mark.parametrize("name", sorted(NOT_STRUCTURAL))
def test_schemas_that_are_not_structural_are_refused_at_the_node(name):
    schema, where = NOT_STRUCTURAL[name]
    assert where in [path for path, _message in v1_schema_problems(schema, ROOT)]


STRUCTURAL = {
    "int-or-string spelled out": {"type": "object", "properties": {"p": {
        "x-kubernetes-int-or-string": True, "anyOf": [{"type": "integer"}, {"type": "string"}]}}},
    "int-or-string spelled out under allOf": {"type": "object", "properties": {"p": {
        "x-kubernetes-int-or-string": True, "allOf": [{"anyOf": [{"type": "integer"}, {"type": "string"}]},
                                                      {"pattern": "^[0-9]+%?$"}]}}},
    "oneOf of required fields": {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}},
                                 "oneOf": [{"required": ["a"]}, {"required": ["b"]}]},
    "embedded resource preserving its fields": {"type": "object", "properties": {"t": {
        "type": "object", "x-kubernetes-embedded-resource": True, "x-kubernetes-preserve-unknown-fields": True}}},
    "metadata restricting only name": {"type": "object", "properties": {"metadata": {
        "type": "object", "properties": {"name": {"type": "string", "maxLength": 20}}}}},
    "value validation of a declared field": {"type": "object", "properties": {"a": {"type": "string"}},
                                             "anyOf": [{"properties": {"a": {"minLength": 1}}}]},
}


@pytest.mark.parametrize("name", sorted(STRUCTURAL))
def test_structural_schemas_are_accepted(name):
    assert v1_schema_problems(STRUCTURAL[name], ROOT) == []


def _list(list_type: str, items: dict, **extra) -> dict:
    return {"type": "object", "properties": {"l": {"type": "array", "x-kubernetes-list-type": list_type,
                                                   "items": items, **extra}}}


LIST_ITEMS_REFUSED = {
    "map key neither required nor defaulted": (
        _list("map", {"type": "object", "properties": {"name": {"type": "string"}}}, **{
            "x-kubernetes-list-map-keys": ["name"]}), ("items", "properties", "name", "default")),
    "nullable map key": (
        _list("map", {"type": "object", "required": ["name"], "properties": {
            "name": {"type": "string", "nullable": True}}}, **{"x-kubernetes-list-map-keys": ["name"]}),
        ("items", "properties", "name", "nullable")),
    "nullable set items": (_list("set", {"type": "string", "nullable": True}), ("items", "nullable")),
    "set of granular objects": (_list("set", {"type": "object", "properties": {"a": {"type": "string"}}}),
                                ("items", "x-kubernetes-map-type")),
    "set of set lists": (_list("set", {"type": "array", "x-kubernetes-list-type": "set", "items": {"type": "string"}}),
                         ("items", "x-kubernetes-list-type")),
}


@pytest.mark.parametrize("name", sorted(LIST_ITEMS_REFUSED))
def test_set_and_map_list_items_are_checked_like_the_api_server(name):
    schema, tail = LIST_ITEMS_REFUSED[name]
    assert ROOT + ("properties", "l") + tail in [p for p, _m in v1_schema_problems(schema, ROOT)]


def test_set_and_map_lists_that_the_api_server_accepts():
    ok = [_list("map", {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}},
                **{"x-kubernetes-list-map-keys": ["name"]}),
          _list("map", {"type": "object", "properties": {"port": {"type": "integer", "default": 80}}},
                **{"x-kubernetes-list-map-keys": ["port"]}),
          _list("set", {"type": "object", "x-kubernetes-map-type": "atomic", "properties": {"a": {"type": "string"}}}),
          _list("set", {"type": "string"})]
    assert [v1_schema_problems(schema, ROOT) for schema in ok] == [[], [], [], []]


def _crd_file(tmp_path, schema: str, api: str = "apiextensions.k8s.io/v1", extra: str = "") -> list:
    from crdfactory import crd
    from k8slint.engine import LintOptions, lint
    from k8slint.versions import KubeVersion
    path = tmp_path / "crd.yaml"
    path.write_text(crd(schema, api=api, extra=extra))
    return lint([str(path)], LintOptions(KubeVersion.parse("1.30"))).findings


@pytest.mark.parametrize("spec,message", [
    ("{port: {type: integer, default: '80'}}", "'80' is not of type 'integer'"),
    ("{mode: {type: string, enum: [A, B], default: C}}", "'C' is not one of"),
    ("{name: {type: string, maxLength: 3, default: toolong}}", "is too long"),
    ("{pair: {type: object, required: [a], properties: {a: {type: string}}, default: {}}}", "'a' is a required"),
])
def test_default_that_its_own_schema_refuses_is_reported(tmp_path, spec, message):
    found = _crd_file(tmp_path, f"{{type: object, properties: {{spec: {{type: object, properties: {spec}}}}}}}")
    assert [f.rule_id for f in found] == ["CRD003"] and message in found[0].message
    assert found[0].json_path.endswith(".default")


def test_valid_defaults_pass(tmp_path):
    spec = ("{port: {type: integer, default: 80}, mode: {x-kubernetes-int-or-string: true, default: 25%}, "
            "ratio: {type: number, default: 1}, note: {type: string, nullable: true, default: ''}, "
            "pair: {type: object, properties: {a: {type: string, default: x}}, default: {}}}")
    assert _crd_file(tmp_path, f"{{type: object, properties: {{spec: {{type: object, properties: {spec}}}}}}}") == []


def test_v1beta1_defaults_need_preserve_unknown_fields_false(tmp_path):
    schema = "{type: object, properties: {spec: {type: object, properties: {port: {type: integer, default: 80}}}}}"
    found = [f for f in _crd_file(tmp_path, schema, "apiextensions.k8s.io/v1beta1") if f.rule_id.startswith("CRD")]
    assert [(f.rule_id, f.json_path) for f in found] == [("CRD003", "spec.preserveUnknownFields")]
    again = _crd_file(tmp_path, schema, "apiextensions.k8s.io/v1beta1", "  preserveUnknownFields: false\n")
    assert [f for f in again if f.rule_id.startswith("CRD")] == []  # (API033: v1beta1 is gone in 1.30)
