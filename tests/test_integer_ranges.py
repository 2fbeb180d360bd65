"""Integers outside their field's Go type (format int32/int64) are refused by the API server's decoder before
any validation: SCH001, one finding per node, from both engines; values in range pass."""
from __future__ import annotations

import pytest

from k8slint.engine import Linter, LintOptions
from k8slint.intranges import with_integer_ranges
from k8slint.loader import load_text
from k8slint.validation import _Compiled
from k8slint.versions import resolve

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: d}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{a: b}}}}
  template:
    metadata: {{labels: {{a: b}}}}
    spec:
      terminationGracePeriodSeconds: {grace}
      containers: [{{name: c, image: nginx}}]
"""


def findings(replicas, grace, version="1.30", pure=False, monkeypatch=None):
    if pure:
        monkeypatch.setattr(_Compiled, "use_fast_engine", False)
    text = DEPLOYMENT.format(replicas=replicas, grace=grace)
    linter = Linter(LintOptions(target=resolve(version), strict=True))
    return [(f.rule_id, f.json_path, f.message) for f in linter.check_file(load_text(text, "d.yaml"))
            if f.rule_id.startswith("SCH")]


@pytest.mark.parametrize("pure", [False, True], ids=["fast", "reference"])
@pytest.mark.parametrize("replicas, grace, path, shown, go_type", [
    (99999999999, 30, "spec.replicas", "99999999999", "int32"),
    (2147483648, 30, "spec.replicas", "2147483648", "int32"),
    (-2147483649, 30, "spec.replicas", "-2147483649", "int32"),
    (1, 9223372036854775808, "spec.template.spec.terminationGracePeriodSeconds", "9223372036854775808", "int64"),
    # past 64 bits YAML reads a float, which encoding/json writes out in full
    (1, 99999999999999999999, "spec.template.spec.terminationGracePeriodSeconds", "100000000000000000000",
     "int64"),
])
def test_a_number_beyond_the_go_type_is_refused_once(pure, replicas, grace, path, shown, go_type, monkeypatch):
    found = findings(replicas, grace, pure=pure, monkeypatch=monkeypatch)
    assert len(found) == 1, found
    rule, where, message = found[0]
    assert (rule, where) == ("SCH001", path)
    assert f"cannot unmarshal number {shown} into Go struct field {path} of type {go_type}" in message


@pytest.mark.parametrize("version", ["1.9", "1.20", "1.37"])
def test_the_bounds_themselves_pass(version):
    assert findings(2147483647, 9223372036854775807, version) == []
    assert findings(0, -9223372036854775808, version) == []


def test_ranges_are_added_without_touching_the_shared_schema():
    shared = {"properties": {"n": {"type": ["integer", "null"], "format": "int32"},
                             "m": {"type": "integer", "format": "int64", "minimum": 0},
                             "s": {"type": "string", "format": "int32"}}}
    out = with_integer_ranges(shared)
    assert out["properties"]["n"]["maximum"] == 2**31 - 1 and out["properties"]["n"]["minimum"] == -2**31
    assert out["properties"]["m"] == {"type": "integer", "format": "int64", "minimum": 0}  # its own bound kept
    assert out["properties"]["s"] is shared["properties"]["s"]
    assert "maximum" not in shared["properties"]["n"]
    untouched = {"properties": {"s": {"type": "string"}}}
    assert with_integer_ranges(untouched) is untouched


def test_a_field_named_format_is_not_taken_for_the_keyword():
    schema = {"properties": {"format": {"type": "string"}, "type": {"type": "string"},
                             "n": {"type": "integer", "format": "int32"}}}
    out = with_integer_ranges(schema)
    assert out["properties"]["format"] == {"type": "string"} and "maximum" in out["properties"]["n"]


def test_the_stored_bundles_carry_the_bounds_once_built():
    """The bounds are part of the bundle the store builds and keeps between runs (no walk of every schema
    at every start), and the stored copy of a bundle built before keeps them."""
    from k8slint.schemastore import SchemaStore
    from k8slint.versions import resolve
    store = SchemaStore()
    bundle = store.bundle(resolve("1.30"), "apps/v1", "Deployment", True)
    replicas = bundle["$defs"]["io.k8s.api.apps.v1.DeploymentSpec"]["properties"]["replicas"]
    assert (replicas["minimum"], replicas["maximum"]) == (-2**31, 2**31 - 1)
    again = SchemaStore().bundle(resolve("1.30"), "apps/v1", "Deployment", True)  # from the stored copy
    assert again == bundle
