"""The list libraries' results and the comprehensions' variables have the types the API server's checker
gives them (type parameters: reverse() of a list(int) is a list(int), a two-variable comprehension's index
of a list is an int, of a map the key type): a rule that misuses them is refused when the CRD is created,
and a rule that uses them rightly still compiles and is judged."""
from __future__ import annotations

import pytest

from crdfactory import crd
from k8slint.engine import LintOptions, lint
from k8slint.versions import KubeVersion


def _crd(rule: str) -> str:
    return crd(f"""
          type: object
          properties:
            spec:
              type: object
              x-kubernetes-validations:
                - rule: {rule!r}
              properties:
                ints: {{type: array, maxItems: 10, items: {{type: integer}}}}
                names: {{type: array, maxItems: 10, items: {{type: string}}}}
                counts: {{type: object, maxProperties: 10, additionalProperties: {{type: integer}}}}
                mixed: {{type: array, maxItems: 10, items: {{x-kubernetes-int-or-string: true}}}}
""")


SPEC = "{ints: [3, 1, 2], names: [b, a], counts: {a: 1, b: 2}, mixed: [1, 2]}"


def _ids(tmp_path, rule: str, spec: str = SPEC, version: str = "1.35") -> list:
    path = tmp_path / "all.yaml"
    path.write_text(_crd(rule) + f"---\napiVersion: acme.io/v1\nkind: Thing\nmetadata: {{name: t}}\nspec: {spec}\n")
    return [(f.rule_id, f.message) for f in lint([str(path)], LintOptions(KubeVersion.parse(version))).findings]


REFUSED = [
    "self.ints.reverse()[0] == 'a'",
    "self.ints.sort()[0] == 'a'",
    "self.ints.distinct()[0] == 'a'",
    "self.ints.slice(0, 1)[0] == 'a'",
    "self.ints.sortBy(i, -i)[0] == 'a'",
    "self.ints.map(i, [i]).flatten()[0] == 'a'",
    "self.ints.map(i, [i]).sort().size() > 0",  # a list of lists is not sortable
    "self.names.sortBy(n, [n]).size() > 0",  # nor is a list a sort key
    "lists.range(2)[0] == 'a'",
    "self.ints.sum() == 'a'",
    "self.names.sum() == ''",  # sum takes numbers and durations
    "self.names.min() == 1",
    "self.names.max() == 1",
    "self.names.indexOf(1) == 0",
    "self.names.lastIndexOf(1) == 0",
    "self.ints.all(i, v, i == 'a')",  # a list's index is an int
    "self.counts.all(k, v, k == 1)",  # a map's key a string
    "self.counts.exists(k, v, v == 'a')",
    "self.ints.transformMap(i, v, v)['a'] == 1",
    "self.counts.transformMapEntry(k, v, {k: v})[1] == 1",
    "self.counts.transformList(k, v, k)[0] == 1",
    "sets.contains(self.ints, self.names)",  # the sets extension's lists have one element type
    "sets.intersects(self.names, [1])",
    "sets.equivalent(self.ints.map(i, [i]), self.ints)",
]


@pytest.mark.parametrize("rule", REFUSED)
def test_misused_list_results_are_refused_on_the_crd(tmp_path, rule):
    found = _ids(tmp_path, rule)
    assert sorted(i for i, _m in found) == ["CRD005", "CRD006"], found
    message = next(m for i, m in found if i == "CRD006")
    assert "no matching overload" in message and "k8slint" not in message, message


# (rule, a spec it rejects): each compiles and is judged on the values
JUDGED = [
    ("self.ints.reverse()[0] == 2", "{ints: [2, 1]}"),
    ("self.names.sort()[0] == 'a'", "{names: [c, b]}"),
    ("self.ints.sum() < 10", "{ints: [5, 5]}"),
    ("self.names.min() == 'a'", "{names: [b, c]}"),
    ("self.ints.max() > self.ints.min()", "{ints: [1, 1]}"),
    ("self.names.indexOf('a') == 1 && self.names.lastIndexOf('b') == 0", "{names: [a, b]}"),
    ("self.ints.sortBy(i, -i)[0] == self.ints.max()", "{ints: []}"),
    ("self.ints.map(i, [i, i]).flatten().size() == 6", "{ints: [1, 2]}"),
    ("self.counts.all(k, v, k.size() == 1 && v > 0)", "{counts: {ab: 1}}"),
    ("self.ints.all(i, v, i < 3 && v >= 0)", "{ints: [1, 2, 3, 4]}"),
    ("self.ints.transformMap(i, v, v * 2)[0] == 6", "{ints: [2]}"),
    ("self.counts.transformMapEntry(k, v, {v: k})[1] == 'a'", "{counts: {b: 1}}"),
    ("self.mixed.sort()[0] == 1", "{mixed: [2, 3]}"),  # int-or-string items: a list of dyn
    ("sets.contains(self.ints, [1]) && sets.intersects(self.names, ['a'])", "{ints: [1], names: [b]}"),
    ("sets.equivalent(self.mixed, [1, 2])", "{mixed: [1, 3]}"),
]


@pytest.mark.parametrize("rule,rejected", JUDGED)
def test_rightly_typed_list_results_are_judged(tmp_path, rule, rejected):
    assert _ids(tmp_path, rule) == []
    assert [i for i, _m in _ids(tmp_path, rule, rejected)] == ["CRD007"]


def test_kubernetes_lists_library_is_typed_before_the_lists_extension(tmp_path):
    # isSorted/sum/min/max/indexOf are in every version's environment, not only from 1.35
    assert sorted(i for i, _m in _ids(tmp_path, "self.names.min() == 1", version="1.29")) == ["CRD005", "CRD006"]
    assert _ids(tmp_path, "self.names.min() == 'a'", version="1.29") == []


def _plan(rule: str, version: tuple):
    from k8slint.cel.rules import build_plan

    schema = {"type": "object", "properties": {"spec": {
        "type": "object", "x-kubernetes-validations": [{"rule": rule}],
        "properties": {"ints": {"type": "array", "maxItems": 10, "items": {"type": "integer"}},
                       "name": {"type": "string", "maxLength": 10}}}}}
    return build_plan(schema, ("openAPIV3Schema",), version)


def test_includes_is_refused_until_the_environment_has_lists_version_1():
    # base.go adds library.Lists(ListsVersion(1)) (includes) at 1.37; a CRD's new rules compile against the
    # previous minor's environment, so a 1.37 API server refuses them and a 1.38 one takes them
    rule = "self.ints.includes(2) && self.name.includes('a') && !self.ints.includes('x')"
    refused = _plan(rule, (1, 37))
    assert [m for _p, m in refused.problems] and "includes" in refused.problems[0][1]
    plan = _plan(rule, (1, 38))
    assert plan.problems == []
    assert plan.check({"spec": {"ints": [1, 2], "name": "a"}}) == []
    assert [f.path for f in plan.check({"spec": {"ints": [1], "name": "a"}})] == [("spec",)]
    assert [f.path for f in plan.check({"spec": {"ints": [2], "name": "b"}})] == [("spec",)]
