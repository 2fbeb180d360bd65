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
