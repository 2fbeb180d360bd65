"""`self` typed from the structural schema, as the API server types it when it compiles a CRD's rules:
type errors are findings on the CRD (CRD006, and CRD005 on its resources), and the values a rule sees are
the API server's (escaped property names, nulls absent, numbers as doubles, timestamps and durations)."""
from __future__ import annotations

import pytest

from crdfactory import crd
from k8slint.cel.types import SchemaTypes, escape
from k8slint.engine import LintOptions, lint
from k8slint.versions import KubeVersion

PROPERTIES = """                replicas: {type: integer}
                ratio: {type: number}
                name: {type: string}
                namespace: {type: string}
                x-mode: {type: string}
                expires: {type: string, format: date-time}
                timeout: {type: string, format: duration}
                port: {x-kubernetes-int-or-string: true}
                note: {type: string, nullable: true}
                labels: {type: object, additionalProperties: {type: string}}
                matrix: {type: array, maxItems: 10, items: {type: array, maxItems: 10, items: {type: string}}}
                refs:
                  type: array
                  maxItems: 16  # and bounded strings: each == costs a tenth of their length
                  items:
                    type: object
                    properties:
                      name: {type: string, maxLength: 253}
                      namespace: {type: string, maxLength: 63}
                free: {type: object, x-kubernetes-preserve-unknown-fields: true}
                untyped: {x-kubernetes-preserve-unknown-fields: true}
                template: {type: object, x-kubernetes-embedded-resource: true, x-kubernetes-preserve-unknown-fields: true}
"""


def _crd(rule: str, message_expression: str | None = None) -> str:
    extra = f"                  messageExpression: {message_expression!r}\n" if message_expression else ""
    return crd(f"""
          type: object
          x-kubernetes-validations:
            - rule: "self.metadata.name != 'forbidden'"
          properties:
            spec:
              type: object
              x-kubernetes-validations:
                - rule: {rule!r}
{extra}              properties:
{PROPERTIES}""")


def _thing(spec: str, name: str = "t") -> str:
    return f"---\napiVersion: acme.io/v1\nkind: Thing\nmetadata: {{name: {name}}}\nspec: {spec}\n"


def _findings(tmp_path, text: str, version: str = "1.33"):
    path = tmp_path / "all.yaml"
    path.write_text(text)
    return lint([str(path)], LintOptions(KubeVersion.parse(version))).findings


REFUSED = {
    "string function on an integer": ("self.replicas.startsWith('a')", "no matching overload for 'startsWith'"),
    "integer compared with a string": ("self.replicas == 'three'", "'_==_' applied to '(int, string)'"),
    "field the schema does not declare": ("has(self.replica)", "undefined field 'replica'"),
    "unescaped reserved name": ("has(self.namespace)", ""),
    "field of a preserve-unknown object": ("has(self.free.anything)", "undefined field 'anything'"),
    "field without a type": ("has(self.untyped)", "undefined field 'untyped'"),
    "date-time is a timestamp, not a string": ("self.expires.startsWith('2024')", "no matching overload"),
    "a map's keys are strings": ("self.labels.all(k, k > 1)", "no matching overload"),
    "result that is not a bool": ("self.replicas", "must evaluate to a bool, not int"),
    "int-or-string alone is not a bool": ("self.port", "must evaluate to a bool, not dyn"),
    "metadata at the root has only name and generateName": ("true", ""),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_rule_that_does_not_type_check_is_refused_on_the_crd(tmp_path, case):
    rule, message = REFUSED[case]
    text = _crd(rule) + _thing("{replicas: 1}")
    if case.startswith("metadata"):
        text = text.replace("self.metadata.name != 'forbidden'", "self.metadata.labels.size() < 3")
    if case.startswith("int-or-string"):  # the list of lists makes the types inexact (see the last test)
        text = text.replace("                matrix: {type: array, maxItems: 10, items: {type: array, maxItems: 10, "
                            "items: {type: string}}}\n", "")
    found = {f.rule_id: f for f in _findings(tmp_path, text)}
    assert sorted(found) == ["CRD005", "CRD006"], case
    assert message in found["CRD006"].message


def test_message_expression_must_give_a_string(tmp_path):
    found = _findings(tmp_path, _crd("self.replicas > 0", "self.replicas") + _thing("{replicas: 1}"))
    assert [f.rule_id for f in found] == ["CRD006", "CRD005"]
    assert "messageExpression must evaluate to a string, not int" in found[0].message


ACCEPTED = [
    "!has(self.__namespace__) || self.__namespace__ != self.name",
    "!has(self.x__dash__mode) || self.x__dash__mode in ['a', 'b']",
    "!has(self.port) || type(self.port) == int ? self.port > 0 : self.port.endsWith('%')",
    "!has(self.labels) || self.labels.all(k, self.labels[k].size() < 10)",
    "!has(self.matrix) || self.matrix.all(row, row.all(c, c.size() < 5))",
    "!has(self.expires) || self.expires > timestamp('2020-01-01T00:00:00Z')",
    "!has(self.timeout) || self.timeout < duration('1h')",
    "!has(self.ratio) || self.ratio > 0",  # double > int: cross-type comparisons (1.29 on)
    "!has(self.template) || self.template.kind != '' && self.template.metadata.name != ''",
    "!has(self.refs) || self.refs.all(a, self.refs.exists_one(b, a.name == b.name && "
    "(has(a.__namespace__) ? a.__namespace__ : '') == (has(b.__namespace__) ? b.__namespace__ : '')))",
    "!has(self.note) || self.note.size() > 0",
]


@pytest.mark.parametrize("rule", ACCEPTED)
def test_rules_that_type_check_compile_and_pass_on_a_valid_object(tmp_path, rule):
    spec = ("{namespace: ns, name: nm, x-mode: a, port: '50%', labels: {a: b}, matrix: [[a]], "
            "expires: '2030-01-01T00:00:00Z', timeout: 5m, ratio: 1, note: null, "
            "template: {apiVersion: v1, kind: Pod, metadata: {name: p}}, "
            "refs: [{name: a, namespace: x}, {name: a, namespace: z}, {name: a}]}")
    assert _findings(tmp_path, _crd(rule) + _thing(spec)) == []


@pytest.mark.parametrize("rule,spec", [
    ("!has(self.__namespace__) || self.__namespace__ != self.name", "{namespace: nm, name: nm}"),
    ("!has(self.expires) || self.expires > timestamp('2020-01-01T00:00:00Z')", "{expires: '2019-06-01T00:00:00Z'}"),
    ("!has(self.timeout) || self.timeout < duration('1h')", "{timeout: 2h}"),
    ("!has(self.refs) || self.refs.all(a, self.refs.exists_one(b, a.name == b.name && "
     "(has(a.__namespace__) ? a.__namespace__ : '') == (has(b.__namespace__) ? b.__namespace__ : '')))",
     "{refs: [{name: a, namespace: x}, {name: a, namespace: x}]}"),
    ("!has(self.note)", "{note: set}"),
])
def test_values_reach_the_rule_as_the_api_server_converts_them(tmp_path, rule, spec):
    assert [f.rule_id for f in _findings(tmp_path, _crd(rule) + _thing(spec))] == ["CRD007"]


def test_null_field_is_absent_to_the_rule(tmp_path):
    assert _findings(tmp_path, _crd("!has(self.note)") + _thing("{note: null}")) == []


def test_cross_type_numeric_comparison_needs_1_29(tmp_path):
    text = _crd("!has(self.ratio) || self.ratio > 0") + _thing("{ratio: 0.5}")
    assert _findings(tmp_path, text, "1.29") == []
    assert [f.rule_id for f in _findings(tmp_path, text, "1.28")] == ["CRD006", "CRD005"]


def test_root_rule_sees_metadata_name(tmp_path):
    assert [f.rule_id for f in _findings(tmp_path, _crd("true") + _thing("{}", name="forbidden"))] == ["CRD007"]


def test_escape_follows_the_api_server():
    assert [escape(n) for n in ("namespace", "a-b", "a.b", "a/b", "a__b", "in", "plain_1", "1a", "a b", "")] == [
        "__namespace__", "a__dash__b", "a__dot__b", "a__slash__b", "a__underscores__b", "__in__", "plain_1", None,
        None, None]


def test_lists_of_lists_inside_objects_fall_back_to_dyn_and_say_so(tmp_path):
    types = SchemaTypes({"type": "object", "properties": {"m": {"type": "array", "items": {
        "type": "array", "items": {"type": "string"}}}}})
    assert types.exact
    types.pool()
    assert not types.exact  # protobuf has no repeated lists: that field is a list of dyn
    # so a dyn result is not refused on the CRD (the API server might type it); the object's verdict says it
    found = _findings(tmp_path, _crd("self.port") + _thing("{port: 1}"))
    assert [(f.rule_id, "not a boolean" in f.message) for f in found] == [("CRD007", True)]


def _list_crd(rule: str, list_schema: str, node_schema: str = "type: object") -> str:
    return crd(f"""
          type: object
          properties:
            spec:
              {node_schema}
              x-kubernetes-validations:
                - rule: {rule!r}
              properties:
                names: {list_schema}
""")


NESTED = "self.names.all(a, self.names.exists_one(b, a == b))"


def test_rule_whose_estimated_cost_is_over_the_limit_is_refused(tmp_path):
    # an unbounded list of strings can hold about a million items in a 3 MiB request: a million squared
    found = _findings(tmp_path, _list_crd(NESTED, "{type: array, items: {type: string}}") + _thing("{names: [a]}"))
    at_rule = [f for f in found if f.json_path.endswith("x-kubernetes-validations[0].rule")]
    assert [f.rule_id for f in at_rule] == ["CRD006"] and "CRD005" in [f.rule_id for f in found]
    assert "estimated rule cost exceeds budget by factor of more than 100x" in at_rule[0].message


def test_max_items_bounds_the_estimate(tmp_path):
    bounded = (_list_crd(NESTED, "{type: array, maxItems: 100, items: {type: string, maxLength: 63}}")
               + _thing("{names: [a, b]}"))
    assert _findings(tmp_path, bounded) == []
    single = _list_crd("self.names.all(a, a.size() < 5)", "{type: array, items: {type: string}}")
    assert _findings(tmp_path, single + _thing("{names: [a]}")) == []  # one pass over a million: affordable


def test_total_cost_of_the_schema_counts_how_often_a_rule_runs(tmp_path):
    # each rule is cheap (100 iterations), but it sits in the items of an unbounded list: it may run for
    # about a million items, past the limit for the whole schema
    crd = _unbounded_list_of_rule_objects()
    found = _findings(tmp_path, crd + _thing("[{names: [a]}]"))
    assert [(f.rule_id, f.json_path) for f in found][:1] == [
        ("CRD006", "spec.versions[0].schema.openAPIV3Schema")]
    assert "estimated rule cost total for entire OpenAPIv3 schema exceeds budget" in found[0].message


def _unbounded_list_of_rule_objects() -> str:
    return crd("""
          type: object
          properties:
            spec:
              type: array
              items:
                type: object
                x-kubernetes-validations:
                  - rule: "self.names.all(a, a.size() < 5)"
                properties:
                  names: {type: array, maxItems: 100, items: {type: string}}
""")


def test_fields_protobuf_cannot_tell_apart_make_their_object_dyn(tmp_path, capfd):
    # protobuf refuses two fields whose JSON names collide (foo_bar and fooBar): that object is typed dyn
    # rather than a broken message, so its rules still compile, and nothing is logged
    crd = _crd("self.fooBar == self.foo_bar").replace(
        "                replicas: {type: integer}\n",
        "                replicas: {type: integer}\n                fooBar: {type: string}\n"
        "                foo_bar: {type: string}\n")
    assert _findings(tmp_path, crd + _thing("{fooBar: a, foo_bar: a}")) == []
    assert "descriptor" not in capfd.readouterr().err


ENTRY_PROBLEMS = {
    "empty rule": ({"rule": " "}, "rule is not specified"),
    "blank message": ({"rule": "true", "message": " "}, "message must be non-empty"),
    "message with a line break": ({"rule": "true", "message": "a\nb"}, "must not contain line breaks"),
    "multi-line rule without message": ({"rule": "true &&\ntrue"}, "message must be specified"),
    "blank messageExpression": ({"rule": "true", "messageExpression": " "}, "messageExpression must be non-empty"),
    "unknown reason": ({"rule": "true", "reason": "FieldValueWrong"}, "is not supported"),
    "fieldPath to no field": ({"rule": "true", "fieldPath": ".replica"}, "must be a valid path"),
    "fieldPath with a list index": ({"rule": "true", "fieldPath": ".refs[0]"}, "must be a valid path"),
    "optionalOldSelf without oldSelf": ({"rule": "true", "optionalOldSelf": True}, "may not be set"),
}


@pytest.mark.parametrize("case", sorted(ENTRY_PROBLEMS))
def test_fields_of_a_validation_entry_are_checked_like_the_api_server(tmp_path, case):
    import json
    entry, message = ENTRY_PROBLEMS[case]
    text = _crd("true").replace("                - rule: 'true'\n", f"                - {json.dumps(entry)}\n")
    found = [f for f in _findings(tmp_path, text + _thing("{}")) if f.rule_id == "CRD006"]
    assert len(found) == 1 and message in found[0].message, (case, [f.message for f in found])


def test_valid_field_paths_pass(tmp_path):
    for field_path in (".replicas", ".labels['a.b']", "['x-mode']", ".template"):
        text = _crd("true").replace("                - rule: 'true'\n",
                                    f"                - {{rule: 'true', fieldPath: \"{field_path}\"}}\n")
        assert _findings(tmp_path, text + _thing("{}")) == [], field_path


def test_old_self_inside_the_items_of_an_atomic_list_is_refused(tmp_path):
    crd = _crd("true").replace("                      name: {type: string, maxLength: 253}\n",
                               "                      name:\n                        type: string\n"
                               "                        x-kubernetes-validations:\n"
                               "                          - rule: 'self == oldSelf'\n")
    found = [f for f in _findings(tmp_path, crd + _thing("{}")) if f.rule_id == "CRD006"]
    assert len(found) == 1 and "uncorrelatable" in found[0].message
    as_map = crd.replace("                  maxItems: 16  # and bounded strings: each == costs a tenth of their length\n",
                         "                  maxItems: 16\n                  x-kubernetes-list-type: map\n"
                         "                  x-kubernetes-list-map-keys: [name]\n").replace(
        "                    type: object\n                    properties:\n",
        "                    type: object\n                    required: [name]\n                    properties:\n")
    assert _findings(tmp_path, as_map + _thing("{}")) == []  # map-list items are matched to old ones by key
