"""The Kubernetes CEL libraries' functions declared as the API server declares them: quantity's sign is a
global function (sign(q); q.sign() does not compile there), the IP library has ip.isCanonical, and a rule
using the IP and CIDR libraries' string() conversions, which this runtime cannot declare, is not judged
rather than refused."""
from __future__ import annotations

import pytest

from crdfactory import crd, custom_resource, spec_schema
from k8slint.engine import LintOptions, lint
from k8slint.versions import KubeVersion


def _found(tmp_path, rule: str, spec: str, version: str = "1.33") -> list:
    path = tmp_path / "all.yaml"
    schema = spec_schema({"a": {"type": "string", "maxLength": 64}}, [rule])
    path.write_text(crd(schema) + custom_resource(spec))
    return sorted(f.rule_id for f in lint([str(path)], LintOptions(KubeVersion.parse(version))).findings)


def test_quantity_sign_is_a_global_function(tmp_path):
    assert _found(tmp_path, "sign(quantity(self.a)) == 1", "{a: 5Gi}") == []
    assert _found(tmp_path, "sign(quantity(self.a)) == 1", "{a: '-5'}") == ["CRD007"]
    assert _found(tmp_path, "quantity(self.a).sign() == 1", "{a: 5Gi}") == ["CRD005", "CRD006"]


@pytest.mark.parametrize("address,canonical", [("2001:db8::1", True), ("2001:DB8::1", False), ("1.2.3.4", True),
                                               ("2001:db8:0:0:1:0:0:1", False), ("2001:db8::1:0:0:1", True)])
def test_ip_is_canonical(tmp_path, address, canonical):
    assert _found(tmp_path, "ip.isCanonical(self.a)", f"{{a: '{address}'}}") == ([] if canonical else ["CRD007"])


def test_ip_is_canonical_of_what_is_not_an_address_is_an_error(tmp_path):
    assert _found(tmp_path, "ip.isCanonical(self.a)", "{a: nope}") == ["CRD007"]
    assert _found(tmp_path, "ip.isCanonical(self.a)", "{a: nope}", "1.30") == ["CRD005", "CRD006"]  # no IP library


@pytest.mark.parametrize("rule", ["string(ip(self.a)) == self.a", "string(cidr(self.a).masked()) == self.a"])
def test_string_of_an_ip_or_cidr_is_not_refused(tmp_path, rule):
    assert _found(tmp_path, rule, "{a: 1.2.3.4}") == []


def test_string_of_a_map_is_still_refused(tmp_path):
    assert _found(tmp_path, "string({'a': self.a}) == ''", "{a: x}") == ["CRD005", "CRD006"]
