"""An optional compared with null, as the API server's CEL has it: the checker takes `opt == null` (an
optional is an opaque type, which its checker keeps nullable), and at run time an optional equals only
another optional (cel-go types.Optional.Equal), so `opt == null` is false whether the optional holds a
value or not. Gateway API's experimental XBackend has such a rule on its port names
(`size(self) == 0 || format.dns1123Label().validate(self) == null`): the API server creates that CRD and
then refuses every non-empty port name, valid or not, and so does k8slint."""
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
              properties:
                name:
                  type: string
                  maxLength: 63
                  x-kubernetes-validations:
                    - rule: {rule!r}
                      message: Name must be a valid DNS label
""", kind="Backend")


def _found(tmp_path, rule: str, name: str) -> list:
    path = tmp_path / "all.yaml"
    path.write_text(_crd(rule) + f"---\napiVersion: acme.io/v1\nkind: Backend\nmetadata: {{name: b}}\n"
                                 f"spec: {{name: {name!r}}}\n")
    return [(f.rule_id, f.message) for f in lint([str(path)], LintOptions(KubeVersion.parse("1.33"))).findings]


XBACKEND = "size(self) == 0 || format.dns1123Label().validate(self) == null"


@pytest.mark.parametrize("name", ["http", "Not_A_Label"])
def test_optional_compared_with_null_refuses_every_non_empty_name(tmp_path, name):
    assert _found(tmp_path, XBACKEND, name) == [("CRD007", "spec.name: Invalid value: Name must be a valid DNS label")]


def test_the_crd_itself_compiles_and_an_empty_name_passes(tmp_path):
    assert _found(tmp_path, XBACKEND, "") == []


@pytest.mark.parametrize("rule", ["optional.none() != null", "optional.of(1) != null",
                                  "!(format.dns1123Label().validate('Bad') == null)"])
def test_no_optional_equals_null(tmp_path, rule):
    assert _found(tmp_path, rule, "x") == []


def test_the_rule_as_meant_judges_the_label(tmp_path):
    meant = "size(self) == 0 || !format.dns1123Label().validate(self).hasValue()"
    assert _found(tmp_path, meant, "http") == []
    assert [i for i, _m in _found(tmp_path, meant, "Not_A_Label")] == ["CRD007"]


def _old_self_crd(rule: str) -> str:
    return _crd("true").replace("                    - rule: 'true'\n",
                                f"                    - rule: {rule!r}\n                      optionalOldSelf: true\n")


@pytest.mark.parametrize("rule,refused", [
    ("!oldSelf.hasValue() || oldSelf.value().size() <= self.size()", False),
    ("oldSelf.orValue('') != 'x' || self != 'x'", False),
    ("!oldSelf.hasValue() || oldSelf.value() == 1", True),  # oldSelf holds a string, as self
    ("!oldSelf.hasValue() || oldSelf.value().missing == self", True),
    ("oldSelf.orValue(1) == self", True),
])
def test_optional_old_self_is_an_optional_of_the_nodes_type(tmp_path, rule, refused):
    # with optionalOldSelf the API server declares oldSelf as optional_type(<self's type>): a rule misusing
    # its value is refused when the CRD is created, though on create oldSelf is empty and the rule runs
    path = tmp_path / "all.yaml"
    path.write_text(_old_self_crd(rule) + "---\napiVersion: acme.io/v1\nkind: Backend\nmetadata: {name: b}\n"
                                          "spec: {name: web}\n")
    found = sorted(f.rule_id for f in lint([str(path)], LintOptions(KubeVersion.parse("1.33"))).findings)
    assert found == (["CRD005", "CRD006"] if refused else []), found
