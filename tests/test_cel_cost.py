"""The static cost estimate of CRD rules counts what the API server's does beyond iterations: string
lengths (maxLength, else a 3 MiB request) for ==, concatenation and regexes, and the lists map() and
filter() build: rules it refuses at CRD create are refused (CRD006), their bounded twins pass."""
from __future__ import annotations

import pytest
from crdfactory import crd, spec_schema

from k8slint.engine import LintOptions, lint
from k8slint.versions import KubeVersion


def _rule_ids(tmp_path, field: dict, rule: str) -> list:
    path = tmp_path / "crd.yaml"
    path.write_text(crd(spec_schema({"f": field}, [rule])))
    return sorted({f.rule_id for f in lint([str(path)], LintOptions(KubeVersion.parse("1.33"))).findings})


def _strings(max_items: int, max_length: int | None) -> dict:
    item = {"type": "string", **({"maxLength": max_length} if max_length is not None else {})}
    return {"type": "array", "maxItems": max_items, "items": item}


def _ints(max_items: int) -> dict:
    return {"type": "array", "maxItems": max_items, "items": {"type": "integer"}}


@pytest.mark.parametrize("refused, accepted, rule", [
    # 100 x 100 string comparisons of up to 3 MiB each
    (_strings(100, None), _strings(100, 63), "self.f.all(a, self.f.exists_one(b, a == b))"),
    # a regex over each of 100 unbounded strings
    (_strings(100, None), _strings(100, 253), "self.f.all(n, n.matches('^[a-z]+$'))"),
    # concatenating two unbounded strings, 100 times
    (_strings(100, None), _strings(100, 253), "self.f.all(a, (a + a).startsWith('x'))"),
    # the list map() builds has as many items as it iterates: 4,000 x 4,000
    (_ints(4000), _ints(100), "self.f.map(x, x * 2).all(a, self.f.map(y, y).exists(b, b == a))"),
    # and so has filter()'s
    (_ints(4000), _ints(100), "self.f.filter(x, x > 0).all(a, self.f.filter(y, y > 1).exists(b, b == a))"),
])
def test_rules_the_api_server_estimates_too_costly_are_refused(tmp_path, refused, accepted, rule):
    assert _rule_ids(tmp_path, refused, rule) == ["CRD006"]
    assert _rule_ids(tmp_path, accepted, rule) == []


def test_the_estimate_is_the_api_servers_at_the_limit(tmp_path):
    # per entry: the loop condition (2), the step's accumulator (1), self.f[k] (self, .f, k, the index: 4),
    # == on numbers (0); plus self.f (2) and the result (1): 7 N + 3, refused above 10,000,000
    def schema(entries: int) -> dict:
        return {"type": "object", "additionalProperties": {"type": "integer"}, "maxProperties": entries}
    rule = "self.f.all(k, self.f[k] == 0)"
    assert _rule_ids(tmp_path, schema(1_428_571), rule) == []  # 9,999,999 + 1
    assert _rule_ids(tmp_path, schema(1_428_572), rule) == ["CRD006"]
