"""A CRD's defaults as the API server checks them before it accepts the CRD: none in the root's metadata
(nor in maps of a resource's metadata), none with fields pruning would drop, embedded resources with valid
apiVersion and kind, string formats, and the node's CEL rules (and those below it) on the default."""
from __future__ import annotations

import pytest
from crdfactory import crd, spec_schema

from k8slint.engine import LintOptions, lint
from k8slint.versions import KubeVersion


def _crd_findings(tmp_path, schema: dict) -> list:
    path = tmp_path / "crd.yaml"
    path.write_text(crd(schema))
    return [(f.rule_id, f.json_path, f.message)
            for f in lint([str(path)], LintOptions(KubeVersion.parse("1.33"))).findings]


SCHEMA = "spec.versions[0].schema.openAPIV3Schema"
TEMPLATE = {"type": "object", "x-kubernetes-embedded-resource": True, "x-kubernetes-preserve-unknown-fields": True}


@pytest.mark.parametrize("schema, where, message", [
    ({"type": "object", "properties": {"metadata": {"type": "object", "properties": {
        "name": {"type": "string", "default": "x"}}}}},
     ".properties.metadata.properties.name.default", "must not be set in top-level metadata"),
    (spec_schema({"template": {**TEMPLATE, "properties": {"metadata": {"type": "object", "properties": {"labels": {
        "type": "object", "additionalProperties": {"type": "string", "default": "x"}}}}}}}),
     ".properties.spec.properties.template.properties.metadata.properties.labels.additionalProperties.default",
     "must not be set inside additionalProperties applying to object metadata"),
    (spec_schema({"pair": {"type": "object", "properties": {"a": {"type": "string"}}, "default": {"a": "x", "b": "y"}}}),
     ".properties.spec.properties.pair.default", "must not have unknown fields"),
    (spec_schema({"id": {"type": "string", "format": "uuid", "default": "not-a-uuid"}}),
     ".properties.spec.properties.id.default", "must be of format uuid"),
    (spec_schema({"hosts": {"type": "array", "items": {"type": "string", "format": "ipv4"}, "default": ["1.2.3.4", "x"]}}),
     ".properties.spec.properties.hosts.default", "[1]: Invalid value: 'x': must be of format ipv4"),
    (spec_schema({"template": {**TEMPLATE, "default": {"apiVersion": "v1"}}}),
     ".properties.spec.properties.template.default", "kind: Required value"),
    (spec_schema({"template": {**TEMPLATE, "default": {"apiVersion": "v1", "kind": "Config_Map"}}}),
     ".properties.spec.properties.template.default", "may have mixed case, but should otherwise match"),
    (spec_schema({"range": {"type": "object", "default": {"min": 5, "max": 1},
                      "x-kubernetes-validations": [{"rule": "self.min <= self.max", "message": "min above max"}],
                      "properties": {"min": {"type": "integer"}, "max": {"type": "integer"}}}}),
     ".properties.spec.properties.range.default", "default is not valid for its rules: Invalid value: min above max"),
    (spec_schema({"range": {"type": "object", "default": {"min": -1}, "properties": {"min": {
        "type": "integer", "x-kubernetes-validations": [{"rule": "self >= 0", "message": "negative"}]}}}}),
     ".properties.spec.properties.range.default", "min: Invalid value: negative"),
    # transition rules run on the default with oldSelf the default itself (ValidateDefaults passes it as
    # both the new and the old object), on its node and below it
    (spec_schema({"pair": {"type": "object", "default": {"x": 0}, "properties": {"x": {"type": "integer"}},
                     "x-kubernetes-validations": [{"rule": "self == oldSelf ? self.x > 0 : true",
                                                   "message": "x must stay positive"}]}}),
     ".properties.spec.properties.pair.default", "Invalid value: x must stay positive"),
    (spec_schema({"pair": {"type": "object", "default": {"x": 0}, "properties": {"x": {
        "type": "integer", "x-kubernetes-validations": [{"rule": "oldSelf == self ? self >= 1 : true",
                                                         "messageExpression": "'x is ' + string(oldSelf)"}]}}}}),
     ".properties.spec.properties.pair.default", "x: Invalid value: x is 0"),
    # optionalOldSelf: first with oldSelf holding the default, then (1.30 on) absent as on create
    (spec_schema({"pair": {"type": "object", "default": {"x": 0}, "properties": {"x": {"type": "integer"}},
                     "x-kubernetes-validations": [{"rule": "oldSelf.hasValue() ? self.x > 0 : true",
                                                   "optionalOldSelf": True, "message": "x on update"}]}}),
     ".properties.spec.properties.pair.default", "Invalid value: x on update"),
    (spec_schema({"pair": {"type": "object", "default": {"x": 0}, "properties": {"x": {"type": "integer"}},
                     "x-kubernetes-validations": [{"rule": "!oldSelf.hasValue() ? self.x > 0 : true",
                                                   "optionalOldSelf": True, "message": "x on create"}]}}),
     ".properties.spec.properties.pair.default", "Invalid value: x on create"),
])
def test_defaults_the_api_server_refuses(tmp_path, schema, where, message):
    found = _crd_findings(tmp_path, schema)
    assert [(rule, path) for rule, path, _ in found] == [("CRD003", SCHEMA + where)], found
    assert message in found[0][2]


@pytest.mark.parametrize("schema", [
    spec_schema({"pair": {"type": "object", "x-kubernetes-preserve-unknown-fields": True, "default": {"b": 1}}}),
    spec_schema({"labels": {"type": "object", "additionalProperties": {"type": "string"}, "default": {"a": "b"}}}),
    spec_schema({"id": {"type": "string", "format": "uuid", "default": "6ba7b810-9dad-11d1-80b4-00c04fd430c8"}}),
    spec_schema({"template": {**TEMPLATE, "default": {"apiVersion": "v1", "kind": "ConfigMap",
                                                 "metadata": {"name": "c"}, "data": {"a": "b"}}}}),
    spec_schema({"template": {**TEMPLATE, "properties": {"metadata": {"type": "object", "properties": {
        "name": {"type": "string", "default": "tpl"}}}}}}),
    spec_schema({"range": {"type": "object", "default": {"min": 1, "max": 5},
                     "x-kubernetes-validations": [{"rule": "self.min <= self.max"},
                                                  {"rule": "self.min == oldSelf.min"}],
                     "properties": {"min": {"type": "integer"}, "max": {"type": "integer"}}}}),
    spec_schema({"pair": {"type": "object", "default": {"x": 1}, "properties": {"x": {"type": "integer"}},
                     "x-kubernetes-validations": [{"rule": "self == oldSelf ? self.x > 0 : true"},
                                                  {"rule": "oldSelf.hasValue() ? oldSelf.value().x <= self.x : true",
                                                   "optionalOldSelf": True}]}}),
])
def test_defaults_the_api_server_accepts(tmp_path, schema):
    assert _crd_findings(tmp_path, schema) == []
