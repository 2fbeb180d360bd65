"""v1beta1 CRDs whose schema is not structural: with --unsafe-fixes the v1 migration infers the types the
schema implies, keeps any value where nothing can be inferred, says what it inferred, and the result is a
structural v1 CRD that validates (its custom resources too)."""
from __future__ import annotations

import json

import yaml

from conftest import run_cli
from k8slint.fixer.migrations.crd import inferred_types, structural_problems, with_inferred_types

CRD = """apiVersion: apiextensions.k8s.io/v1beta1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  version: v1alpha1
  names: {kind: Widget, plural: widgets, singular: widget}
  scope: Namespaced
  validation:
    openAPIV3Schema:
      properties:
        spec:
          # what the widget should be
          properties:
            size: {type: integer, minimum: 1}
            labels:
              additionalProperties: {type: string}
            parts:
              items:
                properties:
                  name: {type: string}
                  config: {}
            extra:
              description: anything the controller understands
          required: [size]
"""
WIDGET = """---
apiVersion: example.com/v1alpha1
kind: Widget
metadata: {name: w, namespace: default}
spec:
  size: 3
  labels: {a: b}
  parts:
  - name: p
    config: {deep: [1, 2]}
  extra: free text
"""


def schema_of(text: str) -> dict:
    crd = next(yaml.safe_load_all(text))
    return crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]


def test_inference_makes_the_schema_structural():
    schema = yaml.safe_load(CRD)["spec"]["validation"]["openAPIV3Schema"]
    assert structural_problems(schema)
    assert sorted(inferred_types(schema)) == sorted([
        (("properties", "spec"), "type", "object"),
        (("properties", "spec", "properties", "labels"), "type", "object"),
        (("properties", "spec", "properties", "parts"), "type", "array"),
        (("properties", "spec", "properties", "parts", "items"), "type", "object"),
        (("properties", "spec", "properties", "parts", "items", "properties", "config"),
         "x-kubernetes-preserve-unknown-fields", True),
        (("properties", "spec", "properties", "extra"), "x-kubernetes-preserve-unknown-fields", True)])
    assert structural_problems(with_inferred_types(schema)) == []


def test_only_with_unsafe_fixes(write):
    path = write("crd.yaml", CRD)
    result = run_cli(["fix", "-k", "1.30", "--write", path])
    assert "unsafe fix not applied: the v1beta1 schema is not structural" in result.out
    assert path.read_text() == CRD


def test_the_result_is_a_structural_v1_crd_that_validates(write):
    path = write("crd.yaml", CRD + WIDGET)
    result = run_cli(["fix", "-k", "1.30", "--unsafe-fixes", "--write", path])
    assert "inferred type: array at properties.spec.properties.parts (it has items)" in result.out
    assert "inferred x-kubernetes-preserve-unknown-fields: true at properties.spec.properties.parts.items" \
           ".properties.config, properties.spec.properties.extra" in result.out
    text = path.read_text()
    assert "# what the widget should be" in text  # edited in place, comments kept
    schema = schema_of(text)
    assert schema["properties"]["spec"]["properties"]["parts"]["type"] == "array"
    assert structural_problems(schema) == []
    lint = json.loads(run_cli(["lint", "--strict", "-k", "1.30", "--format", "json", path]).out)
    assert lint["findings"] == []
    # the inferred types hold: a custom resource the v1beta1 schema let through with the wrong shape is refused
    wrong = write("wrong.yaml", text + WIDGET.replace("  parts:\n  - name: p\n    config: {deep: [1, 2]}\n",
                                                      "  parts: {name: p}\n"))
    found = json.loads(run_cli(["lint", "-k", "1.30", "--format", "json", wrong]).out)["findings"]
    assert [(f["rule_id"], f["json_path"]) for f in found] == [("SCH001", "spec.parts")]


def test_what_inference_cannot_mend_is_still_refused(write):
    crd = CRD.replace("            labels:\n              additionalProperties: {type: string}\n",
                      "            labels:\n              properties: {a: {type: string}}\n"
                      "              additionalProperties: {type: string}\n")
    path = write("crd.yaml", crd)
    result = run_cli(["fix", "-k", "1.30", "--unsafe-fixes", "--write", path])
    assert "is not structural, which v1 requires" in result.out
    assert path.read_text() == crd


def test_report_calls_it_unsafe(write):
    path = write("crd.yaml", CRD)
    report = json.loads(run_cli(["report", "--from", "1.16", "--to", "1.22", "--format", "json", path]).out)
    (issue,) = [i for o in report["objects"] for i in o["issues"] if i["rule_id"] == "API033"]
    assert issue["fix"] == "unsafe" and "not structural" in issue["fix_note"]
