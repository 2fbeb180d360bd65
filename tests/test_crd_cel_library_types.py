"""The Kubernetes CEL libraries' values are of their own types in the typed check, as the API server's
checker has them (kubernetes.Quantity, kubernetes.URL, net.IP, net.CIDR, kubernetes.Semver,
kubernetes.NamedFormat): a function of another library, an index, size() or == with another type does
not compile on them at CRD create (CRD006), while each library's own functions do, on the version that has
the library."""
from __future__ import annotations

import pytest

from crdfactory import crd, custom_resource, spec_schema
from k8slint.engine import LintOptions, lint
from k8slint.versions import KubeVersion

REFUSED = ["CRD005", "CRD006"]
URL = "https://example.com:8080/p?k=v"

# (library, rule, the value of spec.a)
ACCEPTED = [
    ("quantity", "quantity(self.a).isGreaterThan(quantity('1Gi'))", "5Gi"),
    ("quantity", "quantity(self.a).add(quantity('1Gi')).sub(1).compareTo(quantity('1')) == 1", "5Gi"),
    ("quantity", "quantity(self.a).add(1).isLessThan(quantity('6Gi'))", "5Gi"),
    ("quantity", "quantity(self.a) == quantity('5Gi')", "5Gi"),
    ("quantity", "quantity(self.a).isInteger() && quantity(self.a).asInteger() > 0", "5Gi"),
    ("quantity", "quantity(self.a).asApproximateFloat() > 1.0 && sign(quantity(self.a)) == 1", "5Gi"),
    ("quantity", "isQuantity(self.a) && [quantity(self.a)].size() == 1", "5Gi"),
    ("url", "url(self.a).getScheme() == 'https' && url(self.a).getHost() == 'example.com:8080'", URL),
    ("url", "url(self.a).getHostname() == 'example.com' && url(self.a).getPort() == '8080'", URL),
    ("url", "url(self.a).getEscapedPath() == '/p' && url(self.a).getQuery()['k'] == ['v']", URL),
    ("url", "isURL(self.a) && url(self.a) == url(self.a)", URL),
    ("ip", "ip(self.a).family() == 4 && ip(self.a).isGlobalUnicast() && !ip(self.a).isLoopback()", "10.0.0.1"),
    ("ip", "isIP(self.a) && ip.isCanonical(self.a) && ip(self.a) == ip('10.0.0.1')", "10.0.0.1"),
    ("ip", "string(ip(self.a)) == self.a", "10.0.0.1"),
    ("cidr", "cidr('10.0.0.0/8').containsIP(ip(self.a)) && cidr('10.0.0.0/8').containsIP(self.a)", "10.0.0.1"),
    ("cidr", "cidr(self.a).containsCIDR('10.1.0.0/16') && cidr(self.a).containsCIDR(cidr('10.1.0.0/16'))",
     "10.0.0.0/8"),
    ("cidr", "cidr(self.a).masked() == cidr(self.a) && cidr(self.a).prefixLength() == 8", "10.0.0.0/8"),
    ("cidr", "cidr(self.a).ip() == ip('10.0.0.0') && cidr(self.a).ip().family() == 4", "10.0.0.0/8"),
    ("cidr", "isCIDR(self.a) && string(cidr(self.a)) == self.a", "10.0.0.0/8"),
    ("semver", "semver(self.a).major() == 1 && semver(self.a).minor() == 2 && semver(self.a).patch() == 3",
     "1.2.3"),
    ("semver", "semver(self.a).isLessThan(semver('2.0.0')) && semver(self.a).compareTo(semver('1.2.3')) == 0",
     "1.2.3"),
    ("semver", "isSemver(self.a) && isSemver('v1.2', true) && semver('v1.2', true) == semver('1.2.0')", "1.2.3"),
    ("format", "!format.dns1123Label().validate(self.a).hasValue()", "abc"),
    ("format", "format.named('dns1123Label').hasValue() && format.named('nope') == optional.none()", "abc"),
    ("format", "format.named('uuid').value().validate(self.a).orValue([]).size() == 1", "abc"),
    # opaque and object types are nullable in cel-go's checker: these compile there (the evaluating
    # environment holds such values as maps, which cannot be compared with null: not judged)
    ("quantity", "quantity(self.a) != null", "5Gi"),
    ("url", "url(self.a) != null", URL),
    ("cidr", "cidr(self.a) != null && ip('10.0.0.1') != null", "10.0.0.0/8"),
    ("semver", "semver(self.a) != null", "1.2.3"),
]

# each of these compiled before the libraries' values had their own types (they were maps)
REFUSED_RULES = [
    ("quantity", "quantity(self.a).getHost() == ''"),
    ("quantity", "quantity(self.a).major() == 1"),
    ("quantity", "quantity(self.a).add(url('https://x')) == quantity('1')"),
    ("quantity", "quantity(self.a).isLessThan(semver('1.0.0'))"),
    ("quantity", "quantity(self.a) == url('https://x')"),
    ("quantity", "size(quantity(self.a)) == 0"),
    ("quantity", "'x' in quantity(self.a)"),
    ("url", "url(self.a).isLessThan(url(self.a))"),
    ("url", "url(self.a).family() == 4"),
    ("url", "url(self.a)['scheme'] == 'https'"),
    ("url", "url(self.a).compareTo(url(self.a)) == 0"),
    ("ip", "ip(self.a).compareTo(ip(self.a)) == 0"),
    ("ip", "ip(self.a).prefixLength() == 32"),
    ("ip", "ip(self.a).masked() == ip(self.a)"),
    ("ip", "ip(self.a) == cidr('10.0.0.0/8')"),
    ("cidr", "cidr(self.a).containsIP(cidr('10.0.0.0/8'))"),
    ("cidr", "cidr(self.a).containsCIDR(ip('10.0.0.1'))"),
    ("cidr", "cidr(self.a).family() == 4"),
    ("cidr", "cidr(self.a).isLoopback()"),
    ("semver", "semver(self.a).getHost() == ''"),
    ("semver", "semver(self.a).isLessThan(quantity('1'))"),
    ("semver", "semver(self.a).asInteger() == 1"),
    ("semver", "semver(self.a) == quantity('1')"),
    ("format", "format.dns1123Label().getHost() == ''"),
    ("format", "format.dns1123Label() == quantity('1')"),
    ("format", "quantity(self.a).validate(self.a).hasValue()"),
    ("format", "format.named(self.a).value().add(1) == quantity('1')"),
]


def _found(tmp_path, rule: str, value: str, version: str = "1.35") -> list:
    path = tmp_path / "all.yaml"
    schema = spec_schema({"a": {"type": "string", "maxLength": 64}}, [rule])
    path.write_text(crd(schema) + custom_resource(f"{{a: '{value}'}}"))
    return sorted(f.rule_id for f in lint([str(path)], LintOptions(KubeVersion.parse(version))).findings)


@pytest.mark.parametrize("library,rule,value", ACCEPTED)
def test_a_library_s_own_functions_compile_and_hold(tmp_path, library, rule, value):
    assert _found(tmp_path, rule, value) == []


@pytest.mark.parametrize("library,rule", REFUSED_RULES)
def test_a_library_value_takes_no_other_library_s_function(tmp_path, library, rule):
    assert _found(tmp_path, rule, "1") == REFUSED


def _messages(tmp_path, rule: str) -> list:
    path = tmp_path / "all.yaml"
    path.write_text(crd(spec_schema({"a": {"type": "string", "maxLength": 64}}, [rule])) + custom_resource("{a: x}"))
    return [f.message for f in lint([str(path)], LintOptions(KubeVersion.parse("1.35"))).findings
            if f.rule_id == "CRD006"]


def test_the_refusal_names_the_library_type(tmp_path):
    assert any("(kubernetes.Semver)" in m for m in _messages(tmp_path, "semver(self.a).getHost() == ''"))
    assert any("(net.CIDR, net.CIDR)" in m for m in _messages(tmp_path, "cidr(self.a).containsIP(cidr(self.a))"))


@pytest.mark.parametrize("version,rule,value", [
    ("1.28", "quantity(self.a).isInteger()", "5"),  # the quantity library from 1.29 on
    ("1.30", "ip(self.a).family() == 4", "10.0.0.1"),  # IP and CIDR from 1.31
    ("1.30", "cidr(self.a).prefixLength() == 8", "10.0.0.0/8"),
    ("1.31", "!format.dns1123Label().validate(self.a).hasValue()", "abc"),  # format from 1.32
    ("1.33", "semver(self.a).major() == 1", "1.2.3"),  # semver from 1.34
])
def test_a_library_is_there_from_its_version(tmp_path, version, rule, value):
    assert _found(tmp_path, rule, value, version) == REFUSED
    later = {"1.28": "1.29", "1.30": "1.31", "1.31": "1.32", "1.33": "1.34"}[version]
    assert _found(tmp_path, rule, value, later) == []
