"""CEL rules of CRDs (x-kubernetes-validations) judged as the API server judges them on create: self bound
to each node, defaults applied first, Kubernetes libraries per version, bounded evaluation, transition
rules skipped, and rules that do not compile reported on the CRD."""
from __future__ import annotations

import time

import pytest

from crdfactory import crd
from k8slint.engine import LintOptions, lint
from k8slint.versions import KubeVersion

CRD = crd("""
          type: object
          properties:
            spec:
              type: object
              x-kubernetes-validations:
                - rule: "self.minReplicas <= self.maxReplicas"
                  messageExpression: "'minReplicas (' + string(self.minReplicas) + ') is above maxReplicas'"
                - rule: "!has(self.endpoint) || isURL(self.endpoint) && url(self.endpoint).getScheme() == 'https'"
                  message: endpoint must be an https URL
                  fieldPath: .endpoint
                - rule: "self.mode == 'Auto' || has(self.size)"
                  message: size is required unless mode is Auto
                  reason: FieldValueRequired
                  fieldPath: .size
                - rule: "self.minReplicas == oldSelf.minReplicas"
                  message: minReplicas is immutable
              properties:
                minReplicas: {type: integer}
                maxReplicas: {type: integer}
                mode: {type: string, default: Manual}
                size:
                  type: string
                  x-kubernetes-validations:
                    - rule: "quantity(self).isLessThan(quantity('1Ti'))"
                      message: size must be below 1Ti
                endpoint: {type: string}
                name:
                  type: string
                  x-kubernetes-validations:
                    - rule: "self.lowerAscii() == self && self.find('[0-9]+$') == ''"
                      message: lower case, no trailing digits
                tags:
                  type: array
                  maxItems: 20  # without bounds the API server estimates the exists_one in all too costly:
                  items: {type: string, maxLength: 64}  # each == costs a tenth of the strings' length
                  x-kubernetes-validations:
                    - rule: "self.isSorted()"
                      message: tags must be sorted
                    - rule: "self.all(t, self.exists_one(u, u == t))"
                      message: tags must be unique
""", kind="Pool")

GOOD = """---
apiVersion: acme.io/v1
kind: Pool
metadata: {name: good}
spec: {minReplicas: 1, maxReplicas: 3, size: 10Gi, endpoint: "https://pool.example/api", name: blue, tags: [a, b]}
"""


def _pool(name: str, spec: str) -> str:
    return f"---\napiVersion: acme.io/v1\nkind: Pool\nmetadata: {{name: {name}}}\nspec: {spec}\n"


def _lint(tmp_path, text: str, version: str = "1.33"):
    path = tmp_path / "all.yaml"
    path.write_text(text)
    return lint([str(path)], LintOptions(KubeVersion.parse(version)))


def _by_object(result) -> dict:
    out: dict = {}
    for f in result.findings:
        out.setdefault(f.obj.name if f.obj else None, []).append((f.rule_id, f.json_path, f.message))
    return out


def test_valid_object_passes_every_rule(tmp_path):
    assert _lint(tmp_path, CRD + GOOD).findings == []


def test_failed_rules_report_message_expression_message_reason_and_field_path(tmp_path):
    text = CRD + _pool("bad", "{minReplicas: 5, maxReplicas: 2, endpoint: 'http://pool.example', size: 10Gi}")
    found = _by_object(_lint(tmp_path, text))["bad"]
    assert ("CRD007", "spec", "spec: Invalid value: minReplicas (5) is above maxReplicas") in found
    assert ("CRD007", "spec.endpoint", "spec.endpoint: Invalid value: endpoint must be an https URL") in found
    assert len(found) == 2  # the transition rule (oldSelf) is not judged on create


def test_rule_depending_on_a_default_sees_the_default(tmp_path):
    # mode defaults to Manual, so size is required
    found = _by_object(_lint(tmp_path, CRD + _pool("nosize", "{minReplicas: 1, maxReplicas: 1}")))["nosize"]
    assert found == [("CRD007", "spec.size", "spec.size: Required value: size is required unless mode is Auto")]
    auto = _lint(tmp_path, CRD + _pool("auto", "{minReplicas: 1, maxReplicas: 1, mode: Auto}"))
    assert auto.findings == []


@pytest.mark.parametrize("spec, message", [
    ("{minReplicas: 1, maxReplicas: 1, size: 2Ti}", "size must be below 1Ti"),
    ("{minReplicas: 1, maxReplicas: 1, size: 1Gi, name: Blue}", "lower case, no trailing digits"),
    ("{minReplicas: 1, maxReplicas: 1, size: 1Gi, name: blue7}", "lower case, no trailing digits"),
    ("{minReplicas: 1, maxReplicas: 1, size: 1Gi, tags: [b, a]}", "tags must be sorted"),
    ("{minReplicas: 1, maxReplicas: 1, size: 1Gi, tags: [a, a]}", "tags must be unique"),
])
def test_kubernetes_libraries(tmp_path, spec, message):
    found = _by_object(_lint(tmp_path, CRD + _pool("x", spec)))["x"]
    assert [m for _r, _p, m in found if m.endswith(message)], found


def test_rule_that_fails_to_evaluate_is_an_error_like_the_api_server_says(tmp_path):
    found = _by_object(_lint(tmp_path, CRD + _pool("x", "{maxReplicas: 1, size: 1Gi}")))["x"]
    assert [(r, p) for r, p, m in found] == [("CRD007", "spec")]
    assert "no such key" in found[0][2].lower() or "not found" in found[0][2].lower()


def _crd_with_rule(rule: str, extra: str = "") -> str:
    return crd(f"""
          type: object
          properties:
            spec:
              type: object
              x-kubernetes-validations:
                - rule: {rule!r}
{extra}              properties:
                items: {{type: array, items: {{type: integer}}}}
                address: {{type: string}}
""")


def _thing(spec: str) -> str:
    return f"---\napiVersion: acme.io/v1\nkind: Thing\nmetadata: {{name: t}}\nspec: {spec}\n"


def test_rule_that_does_not_compile_is_a_finding_on_the_crd(tmp_path):
    result = _lint(tmp_path, _crd_with_rule("self.items.size( >") + _thing("{items: [1]}"))
    by = {f.rule_id: f for f in result.findings}
    assert by["CRD006"].json_path.endswith("spec.x-kubernetes-validations[0].rule")
    assert "CRD005" in by  # the API server refuses the CRD, so the Thing has no usable schema


def test_libraries_follow_the_kubernetes_version(tmp_path):
    text = _crd_with_rule("!has(self.address) || isIP(self.address)") + _thing("{address: not-an-ip}")
    assert [f.rule_id for f in _lint(tmp_path, text, "1.31").findings] == ["CRD007"]
    assert sorted(f.rule_id for f in _lint(tmp_path, text, "1.30").findings) == ["CRD005", "CRD006"]
    assert _lint(tmp_path, text, "1.24").findings == []  # rules are not evaluated before 1.25


def test_optional_old_self_rule_runs_on_create_with_no_old_object(tmp_path):
    extra = "                  optionalOldSelf: true\n"
    text = _crd_with_rule("oldSelf.hasValue() || size(self.items) < 3", extra) + _thing("{items: [1, 2, 3]}")
    assert [f.rule_id for f in _lint(tmp_path, text).findings] == ["CRD007"]


def test_hostile_rule_is_refused_by_the_static_cost_estimate(tmp_path):
    rule = "self.items.all(a, self.items.all(b, self.items.all(c, self.items.all(d, a + b + c + d >= 0))))"
    text = _crd_with_rule(rule) + _thing("{items: [" + ", ".join(["1"] * 500) + "]}")
    found = {f.rule_id: f.message for f in _lint(tmp_path, text).findings}
    assert sorted(found) == ["CRD005", "CRD006"]
    assert "estimated rule cost exceeds budget" in found["CRD006"]


def test_hostile_rule_past_the_estimate_is_bounded_and_reported(tmp_path):
    # under the API server's estimate for 100 items (about 9,300,000), so the rule compiles; a million
    # evaluations are past the evaluation budget, which stops it
    rule = "self.items.all(a, self.items.all(b, self.items.all(c, a + b + c >= 0)))"
    crd = _crd_with_rule(rule).replace("items: {type: array,", "items: {type: array, maxItems: 100,")
    text = crd + _thing("{items: [" + ", ".join(["1"] * 100) + "]}")
    started = time.monotonic()
    result = _lint(tmp_path, text)
    assert time.monotonic() - started < 10
    assert [f.rule_id for f in result.findings] == ["CRD008"]


DEFAULTS_CRD = crd("""
          type: object
          properties:
            spec:
              type: object
              required: [policy, template]
              properties:
                policy: {type: string, default: Always}
                template: {type: object, x-kubernetes-preserve-unknown-fields: true}
                note: {type: string, nullable: true}
""", kind="Job")


def test_required_field_with_a_default_is_not_missing(tmp_path):
    text = DEFAULTS_CRD + "---\napiVersion: acme.io/v1\nkind: Job\nmetadata: {name: j}\nspec: {template: {}}\n"
    assert _lint(tmp_path, text).findings == []


def test_null_field_is_dropped_unless_nullable(tmp_path):
    text = DEFAULTS_CRD + ("---\napiVersion: acme.io/v1\nkind: Job\nmetadata: {name: j}\n"
                           "spec: {template: null, note: null}\n")
    found = _lint(tmp_path, text).findings
    assert [(f.rule_id, f.message) for f in found] == [("SCH001", "missing required field 'template' in spec")]


LIST_CRD = crd("""
          type: object
          properties:
            ports:
              type: array
              x-kubernetes-list-type: map
              x-kubernetes-list-map-keys: [containerPort, protocol]
              items:
                type: object
                required: [containerPort]
                properties:
                  containerPort: {type: integer}
                  protocol: {type: string, default: TCP}
            tags:
              type: array
              x-kubernetes-list-type: set
              items: {type: string}
""", kind="Ports", plural="ports")


def test_list_map_keys_are_unique_after_defaulting(tmp_path):
    text = LIST_CRD + ("---\napiVersion: acme.io/v1\nkind: Ports\nmetadata: {name: p}\n"
                       "ports: [{containerPort: 88, protocol: TCP}, {containerPort: 88}, {containerPort: 88, "
                       "protocol: UDP}]\ntags: [a, b, a]\n")
    found = [(f.rule_id, f.json_path, f.message) for f in _lint(tmp_path, text).findings]
    assert found == [("CRD009", "ports[1]", 'ports[1]: Duplicate value: {"containerPort":88,"protocol":"TCP"}'),
                     ("CRD009", "tags[2]", 'tags[2]: Duplicate value: "a"')]


def test_crd_option_file_with_other_objects_gives_no_crd_finding_on_them(tmp_path):
    crds = tmp_path / "crds.yaml"
    crds.write_text(LIST_CRD + "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n")
    obj = tmp_path / "obj.yaml"
    obj.write_text("apiVersion: acme.io/v1\nkind: Ports\nmetadata: {name: p}\nports: [{containerPort: 1}]\n")
    result = lint([str(obj)], LintOptions(KubeVersion.parse("1.33"), crd_files=(str(crds),)))
    assert result.findings == []


FORMAT_CRD = crd("""
          type: object
          properties:
            spec:
              type: object
              properties:
                expires: {type: string, format: date-time}
                day: {type: string, format: date}
                every: {type: string, format: duration}
                blob: {type: string, format: byte}
                id: {type: string, format: uuid}
                host: {type: string, format: hostname}
                v4: {type: string, format: ipv4}
                v6: {type: string, format: ipv6}
                net: {type: string, format: cidr}
                hw: {type: string, format: mac}
                link: {type: string, format: uri}
                mail: {type: string, format: email}
                secret: {type: string, format: password}
""", kind="Lease")

GOOD_FORMATS = ("{expires: '2026-01-31T12:00:00Z', day: '2026-02-28', every: 1h30m, blob: aGVsbG8=, "
                "id: 0f8fad5b-d9cb-469f-a165-70867728950e, host: api.example.com, v4: 10.0.0.1, v6: '::1', "
                "net: 10.0.0.0/8, hw: '00:1a:2b:3c:4d:5e', link: 'https://example.com/x', mail: a@example.com, "
                "secret: anything}")


def test_valid_formats_pass(tmp_path):
    text = FORMAT_CRD + f"---\napiVersion: acme.io/v1\nkind: Lease\nmetadata: {{name: l}}\nspec: {GOOD_FORMATS}\n"
    assert _lint(tmp_path, text).findings == []


@pytest.mark.parametrize("field, value", [
    ("expires", "tomorrow"), ("day", "2026-02-30"), ("every", "soon"), ("blob", "not base64!"),
    ("id", "1234"), ("host", "-bad-.example"), ("v4", "::1"), ("v6", "10.0.0.1"), ("net", "10.0.0.1"),
    ("hw", "00:1a"), ("link", "not a uri"), ("mail", "nobody"),
])
def test_each_checked_format_rejects_a_bad_value(tmp_path, field, value):
    text = FORMAT_CRD + (f"---\napiVersion: acme.io/v1\nkind: Lease\nmetadata: {{name: l}}\n"
                         f"spec: {{{field}: {value!r}}}\n")
    found = [(f.rule_id, f.json_path) for f in _lint(tmp_path, text).findings]
    assert found == [("CRD010", f"spec.{field}")]


def test_metadata_of_custom_resources_follows_the_api_servers_rules(tmp_path):
    text = CRD + _pool("Bad_Name", "{minReplicas: 1, maxReplicas: 1, size: 1Gi}")
    assert "SRV002" in [f.rule_id for f in _lint(tmp_path, text).findings]


def test_rule_reading_a_field_the_schema_does_not_declare_does_not_compile(tmp_path):
    # `extra` is not in the schema: the API server types self from it and refuses the rule (and with it the
    # CRD); in the object such a field would be pruned before the rules run anyway
    text = _crd_with_rule("!has(self.extra)") + _thing("{items: [1], extra: 1}")
    found = {f.rule_id: f.message for f in _lint(tmp_path, text).findings}
    assert sorted(found) == ["CRD005", "CRD006"]
    assert "undefined field 'extra'" in found["CRD006"]


@pytest.mark.parametrize("rule, refused, accepted", [
    ("sets.contains([1, 2, 3], self.items)", "{items: [1, 4]}", "{items: [3, 1, 1]}"),
    ("sets.equivalent(self.items, [1, 2])", "{items: [1, 1]}", "{items: [2, 1, 2]}"),
    ("!sets.intersects(self.items, [7, 8])", "{items: [1, 8]}", "{items: [1, 2]}"),
    # CEL's equality, not Python's: 1.0 is 1 (a dyn element: a list of doubles beside one of ints would not
    # type-check), and the empty list is contained in any list
    ("!sets.contains(self.items, [dyn(1.0)])", "{items: [1]}", "{items: [2]}"),
    ("sets.contains([], self.items)", "{items: [1]}", "{items: []}"),
])
def test_sets_library_from_1_30(tmp_path, rule, refused, accepted):
    crd = _crd_with_rule(rule)
    assert [f.rule_id for f in _lint(tmp_path, crd + _thing(refused), "1.30").findings] == ["CRD007"]
    assert _lint(tmp_path, crd + _thing(accepted), "1.30").findings == []
    # introduced in the 1.29 API server, so new CRDs may use it from 1.30 (rollback safety): refused before
    assert sorted(f.rule_id for f in _lint(tmp_path, crd + _thing(accepted), "1.29").findings) == ["CRD005", "CRD006"]


def test_cel_equality_does_not_take_a_bool_for_a_number():
    from k8slint.cel.library import sets_contains, sets_intersects
    assert not sets_contains([1, 0], [True])
    assert not sets_intersects([1], [True, False])
    assert sets_contains([[1, 2], {"a": 1.0}], [[1.0, 2], {"a": 1}])


@pytest.mark.parametrize("rule, refused, accepted", [
    ("self.items.indexOf(5) == 0", "{items: [1, 5]}", "{items: [5, 1, 5]}"),
    ("self.items.lastIndexOf(5) == 1", "{items: [5, 1]}", "{items: [5, 5]}"),
    ("self.items.indexOf(9) == -1", "{items: [9]}", "{items: [1]}"),
    # a string's indexOf beside a list's, and the name inside a string literal left alone
    ("self.address.indexOf('.indexOf(') == self.items.indexOf(2)", "{address: a.indexOf(, items: [0, 1, 2]}",
     "{address: a.indexOf(, items: [0, 2]}"),
])
def test_lists_index_of_on_a_list(tmp_path, rule, refused, accepted):
    crd = _crd_with_rule(rule)
    assert [f.rule_id for f in _lint(tmp_path, crd + _thing(refused)).findings] == ["CRD007"]
    assert _lint(tmp_path, crd + _thing(accepted)).findings == []


def test_list_index_of_in_a_message_expression(tmp_path):
    extra = "                  messageExpression: \"'5 is at ' + string(self.items.indexOf(5))\"\n"
    found = _lint(tmp_path, _crd_with_rule("size(self.items) < 2", extra) + _thing("{items: [1, 5]}")).findings
    assert [(f.rule_id, f.message.split(": ")[-1]) for f in found] == [("CRD007", "5 is at 1")]


def test_list_index_of_compares_with_cel_equality():
    from k8slint.cel.library import index_of, last_index_of
    assert index_of([True, 1], 1) == 1 and last_index_of([1, True], 1.0) == 0


@pytest.mark.parametrize("rule, refused, accepted", [
    ("!format.dns1123Label().validate(self.address).hasValue()", "{address: a.b}", "{address: a-b}"),
    ("!format.dns1123LabelPrefix().validate(self.address).hasValue()", "{address: -ab}", "{address: ab-}"),
    ("!format.named('labelValue').value().validate(self.address).hasValue()", "{address: -x}", "{address: x_y}"),
    ("format.named(self.address).hasValue()", "{address: dns1123label}", "{address: dns1035Label}"),
    ("!format.uri().validate(self.address).hasValue()", "{address: no-scheme}", "{address: 'https://a/b'}"),
    # a string literal that looks like a call is left alone
    ("'.validate(' != self.address", "{address: .validate(}", "{address: x}"),
])
def test_format_library_from_1_32(tmp_path, rule, refused, accepted):
    crd = _crd_with_rule(rule)
    assert [f.rule_id for f in _lint(tmp_path, crd + _thing(refused), "1.32").findings] == ["CRD007"]
    assert _lint(tmp_path, crd + _thing(accepted), "1.32").findings == []


def test_format_library_is_refused_before_1_32(tmp_path):
    # introduced in the 1.31 API server: new CRDs may use it from 1.32
    crd = _crd_with_rule("!format.dns1123Label().validate(self.address).hasValue()")
    found = _lint(tmp_path, crd + _thing("{address: a-b}"), "1.31").findings
    assert sorted(f.rule_id for f in found) == ["CRD005", "CRD006"]
    assert "undeclared reference to 'format'" in next(f.message for f in found if f.rule_id == "CRD006")


def test_format_validate_gives_the_api_servers_messages(tmp_path):
    extra = ("                  messageExpression: \"format.dns1035Label().validate(self.address).value()"
             ".join('; ')\"\n")
    crd = _crd_with_rule("!format.dns1035Label().validate(self.address).hasValue()", extra)
    found = _lint(tmp_path, crd + _thing("{address: 1abc}"), "1.32").findings
    assert [f.rule_id for f in found] == ["CRD007"]
    assert "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an " \
           "alphabetic character" in found[0].message


def test_semver_library_from_1_34(tmp_path):
    crd = _crd_with_rule("isSemver(self.address) && semver(self.address).isGreaterThan(semver('1.2.0'))")
    assert [f.rule_id for f in _lint(tmp_path, crd + _thing("{address: 1.1.9}"), "1.34").findings] == ["CRD007"]
    assert _lint(tmp_path, crd + _thing("{address: 1.10.0}"), "1.34").findings == []
    # introduced in the 1.33 API server: new CRDs may use it from 1.34
    found = _lint(tmp_path, crd + _thing("{address: 1.10.0}"), "1.33").findings
    assert sorted(f.rule_id for f in found) == ["CRD005", "CRD006"]


def test_evaluation_errors_name_the_rules_own_functions(tmp_path):
    crd = _crd_with_rule("!format.dns1123Label().validate(dyn(self.items[0])).hasValue()")
    found = _lint(tmp_path, crd + _thing("{items: [1]}"), "1.32").findings
    assert [f.rule_id for f in found] == ["CRD007"]
    assert "validate" in found[0].message and "k8slint" not in found[0].message


@pytest.mark.parametrize("version", ["1.33", "1.34", "1.35"])
def test_image_library_is_not_in_any_released_environment(tmp_path, version):
    # k8s.io/apiserver's environment/base.go (v0.33.0 to v0.35.x) never enables library.Image: the API
    # server refuses a rule calling image() or isImage() as an undeclared reference
    text = _crd_with_rule("!has(self.address) || isImage(self.address)") + _thing("{address: nginx}")
    found = sorted(f.rule_id for f in _lint(tmp_path, text, version).findings)
    assert found == ["CRD005", "CRD006"]


def _bounded_items(crd: str) -> str:
    return crd.replace("items: {type: array,", "items: {type: array, maxItems: 10,")


@pytest.mark.parametrize("rule,refused,accepted", [
    ("self.items.distinct().size() == self.items.size()", "[1, 2, 1]", "[1, 2, 3]"),
    ("self.items.sort() == self.items", "[2, 1]", "[1, 2]"),
    ("self.items.reverse()[0] > self.items[0]", "[2, 1]", "[1, 2]"),
    ("self.items.slice(0, 2).all(i, i < 10)", "[1, 10]", "[1, 9, 100]"),
    ("lists.range(2) == self.items", "[1, 2]", "[0, 1]"),
    ("[self.items, [0]].flatten().size() < 3", "[1, 2]", "[1]"),
    ("self.items.sortBy(i, -i) == self.items", "[1, 9, 3]", "[9, 3, 1]"),
])
def test_lists_extension_judged_from_1_35(tmp_path, rule, refused, accepted):
    crd = _bounded_items(_crd_with_rule(f"!has(self.items) || {rule}"))
    assert [f.rule_id for f in _lint(tmp_path, crd + _thing(f"{{items: {refused}}}"), "1.35").findings] == ["CRD007"]
    assert _lint(tmp_path, crd + _thing(f"{{items: {accepted}}}"), "1.35").findings == []
    found = _lint(tmp_path, crd + _thing(f"{{items: {accepted}}}"), "1.34").findings
    assert sorted(f.rule_id for f in found) == ["CRD005", "CRD006"]


@pytest.mark.parametrize("rule,error", [
    ("self.items.slice(1, 5).size() > 0", "cannot slice(1, 5), list is length 2"),
    ("self.items.slice(2, 1).size() > 0", "start index must be less than or equal to end index"),
    ("self.items.flatten(-1).size() > 0", "level must be non-negative"),
    ("lists.range(-1).size() == 0", "lists.range: size must be non-negative, got -1"),
    # a list of lists has no sort overload (a compile error); a list of dyn reaches the runtime's check
    ("self.items.map(i, dyn([i])).sort().size() > 0", "list elements must be comparable"),
    ("self.items.sortBy(i, i > 1 ? dyn('a') : dyn(0)).size() > 0", "list elements must have the same type"),
])
def test_lists_extension_errors_are_the_api_servers(tmp_path, rule, error):
    crd = _bounded_items(_crd_with_rule(f"!has(self.items) || {rule}"))
    found = _lint(tmp_path, crd + _thing("{items: [1, 2]}"), "1.35").findings
    assert [f.rule_id for f in found] == ["CRD007"]
    assert error in found[0].message


def test_first_and_last_are_not_in_the_lists_extension_the_api_server_uses(tmp_path):
    # Kubernetes enables ext.Lists at version 3, which has no first()/last(): such a rule is refused
    found = _lint(tmp_path, _crd_with_rule("!has(self.items) || self.items.first() == 1")
                  + _thing("{items: [1]}"), "1.35").findings
    assert sorted(f.rule_id for f in found) == ["CRD005", "CRD006"]


@pytest.mark.parametrize("rule", ["lists.range(size(self.items)).size() >= 0",  # a size no constant bounds
                                  "self.items.distinct().size() > 0", "self.items.sort().size() > 0",
                                  "self.items.sortBy(i, -i).size() > 0"])
def test_lists_extension_costs_as_the_api_server_estimates_them(tmp_path, rule):
    # distinct and sort cost twice the square of the list's size: unbounded items (no maxItems) are too many
    found = {f.rule_id: f.message for f in _lint(tmp_path, _crd_with_rule(f"!has(self.items) || {rule}")
                                                   + _thing("{items: [1]}"), "1.35").findings}
    assert sorted(found) == ["CRD005", "CRD006"] and "estimated rule cost exceeds budget" in found["CRD006"]
    assert _lint(tmp_path, _bounded_items(_crd_with_rule("!has(self.items) || self.items.sort().size() > 0"))
                 + _thing("{items: [1]}"), "1.35").findings == []


@pytest.mark.parametrize("rule,refused,accepted", [
    ("self.items.all(i, v, v > i)", "[1, 1]", "[1, 2]"),
    ("self.items.exists(i, v, i == 0 && v == 5)", "[1, 5]", "[5, 1]"),
    ("self.items.existsOne(i, v, v == 5)", "[5, 5]", "[5, 1]"),
    ("self.items.transformList(i, v, v > 1, v * 2) == [4]", "[1, 3]", "[1, 2]"),
    ("self.items.transformMap(i, v, v + i)[1] == 3", "[1, 1]", "[1, 2]"),
    ("size(self.items.transformMapEntry(i, v, {string(v): i})) == 2", "[1, 1, 2]", "[1, 2]"),
])
def test_two_variable_comprehensions_judged_from_1_33(tmp_path, rule, refused, accepted):
    crd = _bounded_items(_crd_with_rule(f"!has(self.items) || {rule}"))
    assert [f.rule_id for f in _lint(tmp_path, crd + _thing(f"{{items: {refused}}}"), "1.33").findings] == ["CRD007"]
    assert _lint(tmp_path, crd + _thing(f"{{items: {accepted}}}"), "1.33").findings == []
    # base.go introduces ext.TwoVarComprehensions in 1.32: a new CRD rule cannot use them before 1.33
    found = _lint(tmp_path, crd + _thing(f"{{items: {accepted}}}"), "1.32").findings
    assert sorted(f.rule_id for f in found) == ["CRD005", "CRD006"]


def test_transform_map_entry_refuses_a_key_given_twice(tmp_path):
    # bounded: a map literal per item of an unbounded list is past the API server's cost limit
    crd = _bounded_items(_crd_with_rule("!has(self.items) || size(self.items.transformMapEntry(i, v, {'k': v})) > 0"))
    found = _lint(tmp_path, crd + _thing("{items: [1, 2]}"), "1.33").findings
    assert [f.rule_id for f in found] == ["CRD007"] and "insert failed: key k already exists" in found[0].message


def test_two_variable_comprehensions_cost_their_iterations(tmp_path):
    rule = ("self.items.all(a, x, self.items.all(b, y, self.items.all(c, z, self.items.all(d, w, "
            "x + y + z + w >= 0))))")
    found = {f.rule_id: f.message for f in _lint(tmp_path, _crd_with_rule(rule) + _thing("{items: [1]}"),
                                                   "1.33").findings}
    assert sorted(found) == ["CRD005", "CRD006"] and "estimated rule cost exceeds budget" in found["CRD006"]


def test_two_variable_calls_inside_string_literals_are_left_alone(tmp_path):
    crd = _crd_with_rule("!has(self.address) || self.address != '.all(i, v, true)'")
    assert [f.rule_id for f in _lint(tmp_path, crd + _thing("{address: '.all(i, v, true)'}"), "1.33").findings] \
        == ["CRD007"]


@pytest.mark.parametrize("rule,refused,accepted", [
    ("semver(self.address, true).major() >= 2", "v1.9", "v02"),
    ("isSemver(self.address, true)", "1.0-rc.1", "01.2.3-rc.1"),
    ("!isSemver(self.address)", "1.2.3", "v1.2.3"),  # without normalization a leading v is no semver
])
def test_semver_normalization_from_1_34(tmp_path, rule, refused, accepted):
    crd = _crd_with_rule(f"!has(self.address) || {rule}")
    assert [f.rule_id for f in _lint(tmp_path, crd + _thing(f"{{address: '{refused}'}}"), "1.34").findings] \
        == ["CRD007"]
    assert _lint(tmp_path, crd + _thing(f"{{address: '{accepted}'}}"), "1.34").findings == []
    found = _lint(tmp_path, crd + _thing(f"{{address: '{accepted}'}}"), "1.33").findings
    assert sorted(f.rule_id for f in found) == ["CRD005", "CRD006"]


def test_authorizer_is_not_declared_for_crd_rules(tmp_path):
    # CRD rules are compiled with self and oldSelf only; authorizer is an admission policy's variable
    text = _crd_with_rule("authorizer.path('/healthz').check('get').allowed()") + _thing("{items: [1]}")
    assert sorted(f.rule_id for f in _lint(tmp_path, text, "1.33").findings) == ["CRD005", "CRD006"]


@pytest.mark.parametrize("rule,message", [
    ("[1, 'a'].size() > 0", "expected type 'int' but found 'string'"),
    ("{'a': 1, 'b': 'x'}.size() > 0", "expected type 'int' but found 'string'"),
    ("self.items.all(i, [i, 2.0].size() == 2)", "expected type 'int' but found 'double'"),
])
def test_mixed_literals_are_refused_as_the_api_server_refuses_them(tmp_path, rule, message):
    # every Kubernetes CEL environment has cel.HomogeneousAggregateLiterals; the C++ checker types these dyn
    found = {f.rule_id: f.message for f in _lint(tmp_path, _crd_with_rule(rule) + _thing("{items: [1]}")).findings}
    assert sorted(found) == ["CRD005", "CRD006"] and message in found["CRD006"]


def test_homogeneous_literals_and_dyn_elements_pass(tmp_path):
    rule = "[1, 2].size() == 2 && {'a': 'b'}.size() == 1 && [dyn(1), 'a'].size() == 2 && [[1], []].size() == 2"
    assert _lint(tmp_path, _crd_with_rule(rule) + _thing("{items: [1]}")).findings == []


@pytest.mark.parametrize("rule,message", [
    ("!has(self.address) || duration(self.address) > duration('1x')", "invalid duration argument"),
    ("!has(self.address) || timestamp(self.address) > timestamp('yesterday')", "invalid timestamp argument"),
    ("!has(self.address) || self.address.matches('[a-')", "invalid matches argument"),
])
def test_invalid_constant_arguments_are_refused_from_1_30(tmp_path, rule, message):
    # base.go's ASTValidators (introduced in 1.29) find them when the CRD is created; before, the rule
    # fails only when it runs on a value
    text = _crd_with_rule(rule) + _thing("{address: '1s'}")
    found = {f.rule_id: f.message for f in _lint(tmp_path, text, "1.30").findings}
    assert sorted(found) == ["CRD005", "CRD006"] and message in found["CRD006"]
    assert [f.rule_id for f in _lint(tmp_path, text, "1.29").findings] == ["CRD007"]


def test_valid_constant_arguments_pass(tmp_path):
    rule = ("!has(self.address) || duration(self.address) < duration('1h') && self.address.matches('^[0-9]+s$') "
            "&& timestamp('2020-01-01T00:00:00Z') < timestamp('2021-01-01T00:00:00Z')")
    assert _lint(tmp_path, _crd_with_rule(rule) + _thing("{address: '1s'}"), "1.30").findings == []


def test_micro_sign_durations_are_valid_constants(tmp_path):
    # Go's time.ParseDuration takes "1\u00b5s" (the runtime here does not: the right side is never needed)
    rule = "true || duration('1\u00b5s') < duration('1\u03bcs')"
    assert _lint(tmp_path, _crd_with_rule(rule) + _thing("{items: [1]}"), "1.30").findings == []
