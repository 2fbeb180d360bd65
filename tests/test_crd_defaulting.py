"""Custom resources defaulted as the API server's structural defaulting does it before validation: nulls
replaced by defaults or dropped (fields and map entries) or kept (list items), defaults that add errors,
resource metadata neither pruned nor validated by the schema, and v1beta1 CRDs that prune nothing."""
from __future__ import annotations

import pytest
from crdfactory import crd as make_crd, custom_resource, spec_schema
from k8slint.engine import LintOptions, lint
from k8slint.versions import KubeVersion


def _findings(tmp_path, definition: str, spec: str, version: str = "1.33") -> list:
    path = tmp_path / "in.yaml"
    path.write_text(definition + custom_resource(spec))
    return [(f.rule_id, f.json_path, f.message) for f in lint([str(path)], LintOptions(KubeVersion.parse(version))).findings]


PORTS = {"type": "array", "items": {"type": "integer", "default": 80}}
RULE_ON_ITEMS = [{"rule": "self.all(p, p > 0)", "message": "ports must be positive"}]


def test_a_null_list_item_takes_the_items_default(tmp_path):
    crd = make_crd(spec_schema({"ports": {**PORTS, "maxItems": 4, "x-kubernetes-validations": RULE_ON_ITEMS}}))
    assert _findings(tmp_path, crd, "{ports: [null, 443]}") == []


def test_a_null_list_item_without_default_is_kept_and_refused(tmp_path):
    crd = make_crd(spec_schema({"ports": {"type": "array", "items": {"type": "integer"}}}))
    found = _findings(tmp_path, crd, "{ports: [null, 443]}")
    assert [(rule, path) for rule, path, _ in found] == [("SCH001", "spec.ports[0]")]


MAP = {"type": "object", "additionalProperties": {"type": "string", "default": "none"}, "maxProperties": 4,
       "x-kubernetes-validations": [{"rule": "self.all(k, self[k] != '')", "message": "values must be set"}]}


def test_a_null_map_value_takes_the_default(tmp_path):
    rule = [{"rule": "self.labels.b == 'none'", "message": "b was not defaulted"}]
    crd = make_crd(spec_schema({"labels": MAP}, **{"x-kubernetes-validations": rule}))
    assert _findings(tmp_path, crd, "{labels: {a: x, b: null}}") == []


def test_a_null_map_value_without_default_is_dropped(tmp_path):
    plain = {"type": "object", "additionalProperties": {"type": "string"}, "maxProperties": 4}
    rule = [{"rule": "!('b' in self.labels)", "message": "b was kept"}]
    crd = make_crd(spec_schema({"labels": plain}, **{"x-kubernetes-validations": rule}))
    assert _findings(tmp_path, crd, "{labels: {a: x, b: null}}") == []


def test_a_default_that_breaks_max_properties_is_an_error(tmp_path):
    props = {"a": {"type": "string"}, "b": {"type": "string", "default": "x"}}
    crd = make_crd(spec_schema(props, maxProperties=1))
    assert _findings(tmp_path, crd, "{b: z}") == []
    found = _findings(tmp_path, crd, "{a: z}")
    assert [(rule, path) for rule, path, _ in found] == [("SCH001", "spec")]


EMBEDDED = {"type": "object", "properties": {"spec": {"type": "object", "properties": {"template": {
    "type": "object", "x-kubernetes-embedded-resource": True, "properties": {
        "metadata": {"type": "object", "properties": {"name": {"type": "string", "default": "tpl"},
                                                      "extra": {"type": "string", "format": "uuid"}}}}}}}}}


def test_embedded_metadata_is_cut_to_object_meta_not_pruned_by_its_schema(tmp_path):
    crd = make_crd(EMBEDDED)
    # `extra` is not an ObjectMeta field: the API server drops it before it validates its format
    spec = "{template: {apiVersion: v1, kind: ConfigMap, metadata: {labels: {a: b}, extra: not-a-uuid}}}"
    assert _findings(tmp_path, crd, spec) == []


def test_v1beta1_crd_that_prunes_nothing_keeps_its_nulls(tmp_path):
    crd = make_crd(spec_schema({"note": {"type": "string"}}), api="apiextensions.k8s.io/v1beta1")
    found = _findings(tmp_path, crd, "{note: null}", "1.21")
    assert [(rule, path) for rule, path, _ in found if rule.startswith("SCH")] == [("SCH001", "spec.note")]


TEMPLATE = {"type": "object", "properties": {"spec": {"type": "object", "properties": {"template": {
    "type": "object", "x-kubernetes-embedded-resource": True, "x-kubernetes-preserve-unknown-fields": True}}}}}


@pytest.mark.parametrize("template, found", [
    ("{}", [("SCH001", "spec.template.apiVersion", "spec.template.apiVersion: Required value"),
            ("SCH001", "spec.template.kind", "spec.template.kind: Required value")]),
    ("{apiVersion: a/b/c, kind: ConfigMap}", [("SCH001", "spec.template.apiVersion", 'spec.template.apiVersion: '
                                               'Invalid value: "a/b/c": unexpected GroupVersion string: a/b/c')]),
    ("{apiVersion: v1, kind: Config_Map}", [("SCH001", "spec.template.kind", "spec.template.kind: Invalid value: "
                                             '"Config_Map": may have mixed case, but should otherwise match: a '
                                             "DNS-1035 label must consist of lower case alphanumeric characters or "
                                             "'-', start with an alphabetic character, and end with an alphanumeric "
                                             "character (e.g. 'my-name' or 'abc-123', regex used for validation is "
                                             "'[a-z]([-a-z0-9]*[a-z0-9])?')")]),
    ("{apiVersion: v1, kind: ConfigMap, metadata: {labels: {a: 1}}}",
     [("SCH001", "spec.template.metadata", "spec.template.metadata: Invalid value: labels must be a map of strings")]),
    ("{apiVersion: v1, kind: ConfigMap, metadata: {name: c}, data: {a: b}}", []),
])
def test_embedded_resources_need_an_api_version_and_a_kind(tmp_path, template, found):
    assert _findings(tmp_path, make_crd(TEMPLATE), f"{{template: {template}}}") == found


@pytest.mark.parametrize("metadata, found", [
    ("{labels: {'bad key!': x}}", [("SRV005", "spec.template.metadata.labels['bad key!']")]),
    ("{name: a/b}", [("SRV002", "spec.template.metadata.name")]),
    ("{namespace: Team_A}", [("SRV004", "spec.template.metadata.namespace")]),
    ("{finalizers: [cleanup]}", []),  # unprefixed finalizers are fine outside built-in kinds
    ("{name: Web.1, labels: {app: web}, annotations: {example.com/note: x}}", []),  # no name needed either
])
def test_embedded_metadata_follows_object_meta_rules(tmp_path, metadata, found):
    spec = f"{{template: {{apiVersion: v1, kind: ConfigMap, metadata: {metadata}}}}}"
    assert [(rule, path) for rule, path, _ in _findings(tmp_path, make_crd(TEMPLATE), spec)] == found
