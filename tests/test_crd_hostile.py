"""CRDs the API server would refuse: a finding on the CRD at the offending node, "no usable schema" for its
resources, never a crash, never a hang, never a fetch; other files keep their findings."""
from __future__ import annotations

import time
import urllib.request

import pytest
from crdfactory import crd

from k8slint.engine import LintOptions, lint
from k8slint.validation import _Compiled
from k8slint.versions import KubeVersion

CRD_HEAD = """apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.acme.io}
spec:
  group: acme.io
  scope: Namespaced
  names: {kind: Widget, plural: widgets}
"""


def _crd_with_spec(spec_schema: str) -> str:
    return crd(f"type: object\nproperties:\n  spec: {spec_schema}\n", kind="Widget")


WIDGET = "---\napiVersion: acme.io/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: aaaa}\n"
OTHER = """apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: three
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx}]}
"""

BAD_SCHEMAS = {
    "bad-regex": ('{type: object, properties: {size: {type: string, pattern: "(["}}}',
                  "spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.size.pattern"),
    "lookahead": ('{type: object, properties: {size: {type: string, pattern: "^(?=a)"}}}',
                  "spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.size.pattern"),
    "multipleOf-zero": ("{type: object, properties: {size: {type: integer, multipleOf: 0}}}",
                        "spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.size.multipleOf"),
    "minLength-string": ('{type: object, properties: {size: {type: string, minLength: "3"}}}',
                         "spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.size.minLength"),
    "properties-list": ("{type: object, properties: [size]}",
                        "spec.versions[0].schema.openAPIV3Schema.properties.spec.properties"),
    "type-number": ("{type: 5}", "spec.versions[0].schema.openAPIV3Schema.properties.spec.type"),
    "type-typo": ("{type: strign}", "spec.versions[0].schema.openAPIV3Schema.properties.spec.type"),
    "ref": ('{$ref: "http://169.254.169.254/latest/meta-data"}',
            "spec.versions[0].schema.openAPIV3Schema.properties.spec.$ref"),
    "additional-beside-properties": ("{type: object, properties: {a: {type: string}}, additionalProperties: "
                                     "{type: string}}",
                                     "spec.versions[0].schema.openAPIV3Schema.properties.spec.additionalProperties"),
}


def _lint(tmp_path, text: str, version="1.30"):
    bad = tmp_path / "bad.yaml"
    bad.write_text(text)
    other = tmp_path / "other.yaml"
    other.write_text(OTHER)
    return lint([str(bad), str(other)], LintOptions(KubeVersion.parse(version)))


@pytest.mark.parametrize("name", sorted(BAD_SCHEMAS))
def test_refused_schema_is_a_finding_on_the_crd_and_no_schema_for_its_resources(tmp_path, name):
    schema, where = BAD_SCHEMAS[name]
    result = _lint(tmp_path, _crd_with_spec(schema) + WIDGET)
    crd = [f for f in result.findings if f.rule_id == "CRD003"]
    assert [f.json_path for f in crd] == [where], result.findings
    assert crd[0].line > 1
    assert [f.rule_id for f in result.findings if f.obj and f.obj.kind == "Widget"] == ["CRD005"]
    # the other file's findings are all there
    assert [f.json_path for f in result.findings if f.file.endswith("other.yaml")] == ["spec.replicas"]


@pytest.mark.parametrize("text, where", [
    (CRD_HEAD + "  versions: x\n", "spec.versions"),
    (CRD_HEAD + "  versions:\n    - name: v1\n      served: true\n      storage: true\n"
                "      schema: {openAPIV3Schema: just a string}\n",
     "spec.versions[0].schema.openAPIV3Schema"),
    (CRD_HEAD + "  versions:\n    - name: v1\n      served: true\n      storage: true\n"
                "      schema: {openAPIV3Schema: [type, object]}\n",
     "spec.versions[0].schema.openAPIV3Schema"),
])
def test_malformed_crd_is_a_finding_not_a_crash(tmp_path, text, where):
    result = _lint(tmp_path, text + WIDGET)
    assert where in [f.json_path for f in result.findings if f.rule_id.startswith("CRD00")], result.findings
    assert [f.json_path for f in result.findings if f.file.endswith("other.yaml")] == ["spec.replicas"]


def test_v1beta1_validation_that_is_not_a_mapping(tmp_path):
    text = CRD_HEAD.replace("apiextensions.k8s.io/v1", "apiextensions.k8s.io/v1beta1") + \
        "  version: v1\n  validation: nope\n"
    result = _lint(tmp_path, text + WIDGET, version="1.21")
    assert "spec.validation" in [f.json_path for f in result.findings if f.rule_id == "CRD004"]


def test_catastrophic_pattern_is_matched_in_linear_time(tmp_path):
    text = _crd_with_spec('{type: object, properties: {size: {type: string, pattern: "^(a+)+$"}}}')
    text += "---\napiVersion: acme.io/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: " + "a" * 50000 + "!}\n"
    text += "---\napiVersion: acme.io/v1\nkind: Widget\nmetadata: {name: w2}\nspec: {size: 5, other: 1}\n"
    started = time.monotonic()
    result = _lint(tmp_path, text)
    assert time.monotonic() - started < 10
    widget = [f for f in result.findings if f.obj and f.obj.kind == "Widget"]
    assert [f.json_path for f in widget] == ["spec.size", "spec.size"], widget  # pattern, then the type


def test_ref_is_never_fetched(tmp_path, monkeypatch):
    secret = tmp_path / "secret.json"
    secret.write_text('{"type": "string", "description": "TOP-SECRET-CONTENT"}')

    def no_network(*args, **kwargs):
        raise AssertionError("k8slint tried to fetch a URL")

    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    for ref in (secret.as_uri(), "http://169.254.169.254/latest/meta-data"):
        result = _lint(tmp_path, _crd_with_spec(f'{{$ref: "{ref}"}}') + WIDGET)
        assert all("TOP-SECRET" not in f.message for f in result.findings)
        assert "CRD003" in [f.rule_id for f in result.findings]
        # and the validator itself cannot fetch, whatever schema reaches it
        compiled = _Compiled({"type": "object", "properties": {"a": {"$ref": ref}}})
        with pytest.raises(Exception) as caught:
            list(compiled.iter_errors({"a": 5}))
        assert "TOP-SECRET" not in str(caught.value)


@pytest.mark.parametrize("edit, where, rule", [
    (("metadata: {name: widgets.acme.io}", "metadata: {name: widget.acme.io}"), "metadata.name", "CRD004"),
    (("      storage: true\n", "      storage: false\n"), "spec.versions", "CRD004"),
    (("    - name: v1\n", "    - name: v1\n      storage: true\n    - name: v2\n      served: true\n"
                         "      storage: true\n      schema: {openAPIV3Schema: {type: object}}\n    - name: v3\n"),
     "spec.versions", "CRD004"),
    (("  scope: Namespaced\n", "  scope: Global\n"), "spec.scope", "CRD004"),
    (("            spec: {type: object}", "            spec: {properties: {a: {type: string}}}"),
     "spec.versions[0].schema.openAPIV3Schema.properties.spec.type", "CRD003"),
])
def test_the_rest_of_the_api_servers_crd_checks(tmp_path, edit, where, rule):
    text = _crd_with_spec("{type: object}").replace(*edit)
    result = _lint(tmp_path, text)
    assert (rule, where) in [(f.rule_id, f.json_path) for f in result.findings], result.findings


def test_protected_group_needs_the_approval_annotation(tmp_path):
    text = _crd_with_spec("{type: object}").replace("acme.io", "acme.k8s.io")
    assert [(f.rule_id, f.json_path) for f in _lint(tmp_path, text).findings
            if f.file.endswith("bad.yaml")] == [("CRD004", "metadata.annotations")]
    approved = text.replace("metadata: {name: widgets.acme.k8s.io}",
                            "metadata: {name: widgets.acme.k8s.io, annotations: "
                            "{api-approved.kubernetes.io: 'https://github.com/kubernetes/enhancements/pull/1'}}")
    assert [f for f in _lint(tmp_path, approved).findings if f.file.endswith("bad.yaml")] == []
