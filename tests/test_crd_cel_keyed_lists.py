"""`==`, `!=` and `+` on lists with x-kubernetes-list-type set or map, as the API server's CEL values have
them (apiserver pkg/cel/common/valuesunstructured.go): a set list ignores order, a map list matches entries
by key, objects and atomic lists carry that into their fields and items; a set list's `+` is a union, a
map list's a merge by key; the left operand decides."""
from __future__ import annotations

import pytest

from crdfactory import crd
from k8slint.engine import LintOptions, lint
from k8slint.versions import KubeVersion

SET = "{type: array, maxItems: 10, x-kubernetes-list-type: set, items: {type: string}}"
MAP = ("{type: array, maxItems: 10, x-kubernetes-list-type: map, x-kubernetes-list-map-keys: [name], items: "
       "{type: object, required: [name], properties: {name: {type: string}, port: {type: integer}}}}")
# a key whose name CEL escapes: the API server looks it up in the raw entry under the escaped name
ESCAPED_KEY = ("{type: array, maxItems: 10, x-kubernetes-list-type: map, x-kubernetes-list-map-keys: [namespace], "
               "items: {type: object, required: [namespace], properties: {namespace: {type: string}, "
               "port: {type: integer}}}}")


def _crd(rule: str) -> str:
    return crd(f"""
          type: object
          properties:
            spec:
              type: object
              x-kubernetes-validations:
                - rule: {rule!r}
              properties:
                a: {SET}
                b: {SET}
                ma: {MAP}
                nested:
                  type: object
                  properties:
                    tags: {SET}
                    other: {SET}
                rules:
                  type: array
                  maxItems: 10
                  items:
                    type: object
                    properties:
                      tags: {SET}
                      other: {SET}
                      ports: {MAP}
                      eports: {ESCAPED_KEY}
                plain: {{type: array, maxItems: 10, items: {{type: string}}}}
""")


def _verdict(tmp_path, rule: str, spec: str) -> list:
    path = tmp_path / "all.yaml"
    path.write_text(_crd(rule) + f"---\napiVersion: acme.io/v1\nkind: Thing\nmetadata: {{name: t}}\nspec: {spec}\n")
    return [(f.rule_id, f.message) for f in lint([str(path)], LintOptions(KubeVersion.parse("1.33"))).findings]


M1 = "[{name: x, port: 1}, {name: w, port: 2}]"
M2 = "[{name: w, port: 2}, {name: x, port: 1}]"

HOLDS = [  # (rule, spec): true in the cluster, false under in-order list equality
    ("self.a == self.b", "{a: [x, w], b: [w, x]}"),
    ("!(self.a != self.b)", "{a: [x, w], b: [w, x]}"),
    ("self.a == ['w', 'x']", "{a: [x, w]}"),
    ("self.rules[0].ports == self.rules[1].ports", f"{{rules: [{{ports: {M1}}}, {{ports: {M2}}}]}}"),
    ("self.nested.tags == self.nested.other", "{nested: {tags: [x, w], other: [w, x]}}"),
    ("self.rules.all(r, r.tags == r.other)", "{rules: [{tags: [x, w], other: [w, x]}]}"),
    ("self.rules[0] == self.rules[1]", "{rules: [{tags: [x, w]}, {tags: [w, x]}]}"),
    ("cel.bind(s, self.nested, s.tags == s.other)", "{nested: {tags: [x, w], other: [w, x]}}"),
    ("(self.a + self.b).size() == 2", "{a: [x, w], b: [w, x]}"),  # a union
    ("(self.a + ['v', 'x'])[2] == 'v' && size(self.a + ['v', 'x']) == 3", "{a: [x, w]}"),
    ("self.a + ['v'] == ['v', 'w', 'x']", "{a: [x, w]}"),  # the sum is a set list too
    ("size(self.rules[0].ports + self.rules[1].ports) == 2", f"{{rules: [{{ports: {M1}}}, {{ports: {M2}}}]}}"),
    ("(self.rules[0].ports + self.rules[1].ports)[0].port == 5",  # a merge: the right entry replaces the left
     "{rules: [{ports: [{name: x, port: 1}]}, {ports: [{name: x, port: 5}]}]}"),
]


@pytest.mark.parametrize("rule,spec", HOLDS)
def test_set_and_map_lists_compare_as_the_api_server_compares_them(tmp_path, rule, spec):
    assert _verdict(tmp_path, rule, spec) == []


FAILS = [  # (rule, spec): false in the cluster too
    ("self.a == self.b", "{a: [x, w], b: [x, z]}"),
    ("self.a == self.b", "{a: [x], b: [x, w]}"),
    ("self.rules[0].ports == self.rules[1].ports", "{rules: [{ports: [{name: x, port: 1}]}, "
                                                   "{ports: [{name: x, port: 2}]}]}"),
    ("self.nested.tags == self.nested.other", "{nested: {tags: [x], other: [w]}}"),
    ("['w', 'x'] == self.a", "{a: [x, w]}"),  # the left operand decides: a list literal compares in order
    ("self.plain == ['w', 'x']", "{plain: [x, w]}"),  # an atomic list too
    ("(['x'] + self.a).size() == 2", "{a: [x, w]}"),  # a list literal's + concatenates
    ("size(self.plain + ['x']) == 1", "{plain: [x]}"),  # so does an atomic list's
    # map-list entries are found by key in the raw object under the escaped key name (__namespace__):
    # no entry has it, so every entry has the same key and a list of two differing entries is not itself
    ("self.rules[0].eports == self.rules[1].eports", "{rules: [{eports: [{namespace: a, port: 1}, {namespace: b, "
                                                     "port: 2}]}, {eports: [{namespace: a, port: 1}, "
                                                     "{namespace: b, port: 2}]}]}"),
    # a map the rule builds has no raw object: it matches no entry of a map list
    ("self.ma == dyn([{'name': 'x', 'port': dyn(1)}])", "{ma: [{name: x, port: 1}]}"),
]


@pytest.mark.parametrize("rule,spec", FAILS)
def test_lists_that_differ_still_differ(tmp_path, rule, spec):
    assert [i for i, _m in _verdict(tmp_path, rule, spec)] == ["CRD007"]


def test_a_set_compared_with_a_list_of_lists_is_an_evaluation_error(tmp_path):
    found = _verdict(tmp_path, "self.a == dyn([['x'], ['w']])", "{a: [x, w]}")
    assert [i for i, _m in found] == ["CRD007"]
    assert "only supported on lists of scalar values" in found[0][1]
    # != is true unless == gives true, an error included
    assert _verdict(tmp_path, "self.a != dyn([['x'], ['w']])", "{a: [x, w]}") == []
