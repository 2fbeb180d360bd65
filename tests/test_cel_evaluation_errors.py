"""A CEL rule that fails to evaluate is reported as the API server reports it: cel-go's error text
("no such key: protocol", "index out of bounds: 3", "division by zero"), then " evaluating rule: " and the
rule's message or text, as field.Invalid at the rule's own node (its fieldPath and reason apply only to a
rule that evaluates to false). Identical errors at one node are one finding, as the API server's error list
aggregates them."""
from __future__ import annotations

import pytest

from k8slint.engine import LintOptions, lint
from k8slint.versions import KubeVersion

CRD = """apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: filters.acme.io}
spec:
  group: acme.io
  scope: Namespaced
  names: {plural: filters, singular: filter, kind: Filter, listKind: FilterList}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              protocol: {type: string}
              http: {type: object, x-kubernetes-preserve-unknown-fields: true}
              grpc: {type: object, x-kubernetes-preserve-unknown-fields: true}
              count: {type: integer}
              hosts: {type: array, items: {type: string}}
              labels: {type: object, additionalProperties: {type: string}}
            x-kubernetes-validations:
%s
"""


def _messages(tmp_path, rules: str, spec: str) -> list:
    (tmp_path / "crd.yaml").write_text(CRD % rules)
    (tmp_path / "filter.yaml").write_text(f"apiVersion: acme.io/v1\nkind: Filter\nmetadata: {{name: f}}\nspec: {spec}\n")
    result = lint([str(tmp_path / "crd.yaml"), str(tmp_path / "filter.yaml")], LintOptions(target=KubeVersion(1, 33)))
    return [(f.rule_id, f.json_path, f.message) for f in result.findings]


@pytest.mark.parametrize("rule, spec, error", [
    ("self.protocol == 'HTTP'", "{http: {}}", "no such key: protocol"),
    ("self.labels['team'] == 'a'", "{labels: {}}", "no such key: team"),
    ("self.hosts[3] == 'a'", "{hosts: []}", "index out of bounds: 3"),
    ("10 / self.count > 1", "{count: 0}", "division by zero"),
    ("10 % self.count > 1", "{count: 0}", "modulus by zero"),
])
def test_evaluation_error_in_the_api_servers_words(tmp_path, rule, spec, error):
    found = _messages(tmp_path, f'            - rule: "{rule}"\n', spec)
    assert found == [("CRD007", "spec", f"spec: Invalid value: {error} evaluating rule: {rule}")]


def test_the_rules_message_names_it_and_field_path_and_reason_do_not_apply(tmp_path):
    rules = ('            - rule: "self.protocol == \'HTTP\'"\n              message: "  needs a protocol "\n'
             '              fieldPath: .http\n              reason: FieldValueForbidden\n')
    assert _messages(tmp_path, rules, "{http: {}}") == [
        ("CRD007", "spec", "spec: Invalid value: no such key: protocol evaluating rule: needs a protocol")]


def test_two_rules_failing_alike_are_two_findings_identical_ones_one(tmp_path):
    rules = ('            - rule: "self.protocol == \'HTTP\' || !has(self.http)"\n'
             '            - rule: "self.protocol == \'GRPC\' || !has(self.grpc)"\n')
    found = _messages(tmp_path, rules, "{http: {}, grpc: {}}")
    assert [m.split(" evaluating rule: ")[0] for _r, _p, m in found] == [
        "spec: Invalid value: no such key: protocol"] * 2
    assert len(set(found)) == 2
    same = ('            - rule: "self.protocol == \'HTTP\' || !has(self.http)"\n              message: no protocol\n'
            '            - rule: "self.protocol == \'GRPC\' || !has(self.grpc)"\n              message: no protocol\n')
    assert _messages(tmp_path, same, "{http: {}, grpc: {}}") == [
        ("CRD007", "spec", "spec: Invalid value: no such key: protocol evaluating rule: no protocol")]
