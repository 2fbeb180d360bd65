"""The compiled engine (jsonschema-rs) only answers "valid?"; python-jsonschema gives the errors. They must
agree on every verdict, or a finding would be lost (or an invalid object reported without a message).
Checked on every manifest in the repository, in several versions, strict and not, and on mutations."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from conftest import REPO
from k8slint.loader import load_path
from k8slint.validation import CrdRegistry, Validator, _Compiled
from k8slint.versions import KubeVersion

jsonschema_rs = pytest.importorskip("jsonschema_rs")

MANIFESTS = sorted(p for d in ("tests/cases", "examples", "tests/fixes") if (REPO / d).exists()
                   for p in (REPO / d).rglob("*") if p.suffix in (".yaml", ".yml", ".json") and p.is_file())
VERSIONS = ["1.9", "1.16", "1.22", "1.30", "1.37"]


def _resources():
    out = []
    for path in MANIFESTS:
        out.extend(load_path(str(path)).resources)
    return out


RESOURCES = _resources()


def _agree(validator: Validator, data: dict, api_version: str, kind: str):
    compiled = validator._validator_for(api_version, kind)
    if compiled is None or getattr(compiled, "fast", None) is None:  # no schema, or an unusable CRD schema
        return
    fast = compiled.fast.is_valid(data)
    reference = not any(True for _ in compiled.reference.iter_errors(data))
    assert fast == reference, f"engines disagree on {api_version} {kind}: jsonschema-rs says {fast}"


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("strict", [False, True])
def test_engines_agree_on_every_fixture(version, strict):
    crds = CrdRegistry()
    for r in RESOURCES:
        crds.add_resource(r)
    validator = Validator(KubeVersion.parse(version), strict, crds=crds)
    assert len(RESOURCES) > 50
    for r in RESOURCES:
        _agree(validator, r.data, r.api_version, r.kind)


def test_the_fast_engine_is_really_used():
    validator = Validator(KubeVersion.parse("1.30"), True)
    compiled = validator._validator_for("apps/v1", "Deployment")
    assert isinstance(compiled, _Compiled) and compiled.fast is not None


VALID_DEPLOYMENT = {
    "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "labels": {"a": "b"}},
    "spec": {"replicas": 2, "selector": {"matchLabels": {"a": "b"}},
             "strategy": {"rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 1}},
             "template": {"metadata": {"labels": {"a": "b"}},
                          "spec": {"containers": [{"name": "c", "image": "nginx", "ports": [{"containerPort": 80}],
                                                   "resources": {"limits": {"cpu": "500m", "memory": 1024}}}]}}},
}
LEAVES = [("spec", "replicas"), ("spec", "strategy", "rollingUpdate", "maxSurge"),
          ("spec", "template", "spec", "containers", 0, "image"),
          ("spec", "template", "spec", "containers", 0, "ports", 0, "containerPort"),
          ("spec", "template", "spec", "containers", 0, "resources", "limits", "cpu"),
          ("metadata", "labels", "a"), ("spec", "selector"), ("spec", "template", "spec", "containers")]
VALUES = st.one_of(st.none(), st.booleans(), st.integers(-2**40, 2**40), st.floats(allow_nan=False,
                   allow_infinity=False), st.text(max_size=5), st.lists(st.integers(), max_size=2),
                   st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))


def _mutated(changes: list, extra_key: str) -> dict:
    """VALID_DEPLOYMENT with each (path, value) of `changes` set, and an unknown `extra_key` in its spec."""
    data = copy.deepcopy(VALID_DEPLOYMENT)
    for path, value in changes:
        node = data
        try:
            for part in path[:-1]:
                node = node[part]
            node[path[-1]] = value
        except (KeyError, IndexError, TypeError):  # an earlier change replaced a parent of this path
            continue
    data["spec"][extra_key] = 1
    return data


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(LEAVES), VALUES), max_size=3), st.booleans(),
       st.sampled_from(["1.9", "1.30"]), st.text(min_size=1, max_size=6))
def test_engines_agree_on_mutated_objects(changes, strict, version, extra_key):
    data = _mutated(changes, extra_key)
    _agree(Validator(KubeVersion.parse(version), strict), data, "apps/v1", "Deployment")


def _schema_findings(validator: Validator, resource, monkeypatch, reference_only: bool) -> list:
    import k8slint.validation as validation
    from k8slint.fasterrors import as_reference_errors
    monkeypatch.setattr(validation, "as_reference_errors",
                        (lambda *args: None) if reference_only else as_reference_errors)
    return [(f.rule_id, f.json_path, f.message, f.line, f.column, f.severity, f.extra)
            for f in validator.check(resource)]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("strict", [False, True])
def test_compiled_errors_give_the_reference_findings_on_every_fixture(version, strict, monkeypatch):
    crds = CrdRegistry()
    for r in RESOURCES:
        crds.add_resource(r)
    validator = Validator(KubeVersion.parse(version), strict, crds=crds)
    differing = []
    for r in RESOURCES:
        fast = _schema_findings(validator, r, monkeypatch, False)
        if fast != _schema_findings(validator, r, monkeypatch, True):
            differing.append((r.file, r.api_version, r.kind))
    assert not differing


def test_an_invalid_built_in_object_needs_no_reference_engine(monkeypatch):
    """Wrong types, unknown and missing fields, enums and ranges are worded from the compiled engine's
    errors: python-jsonschema (slow to import, in every worker) is not built for them."""
    data = copy.deepcopy(VALID_DEPLOYMENT)
    data["spec"]["replicas"] = "two"
    data["spec"]["extra"] = 1
    data["spec"]["strategy"]["type"] = "Fast"
    del data["spec"]["template"]["spec"]["containers"][0]["name"]
    data["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"] = 2**40
    monkeypatch.setattr(_Compiled, "reference", property(lambda self: pytest.fail("reference engine built")))
    compiled = Validator(KubeVersion.parse("1.30"), True)._validator_for("apps/v1", "Deployment")
    kinds = sorted(e.validator for e in compiled.iter_errors(data))
    assert kinds == ["additionalProperties", "enum", "maximum", "required", "type"]


def test_an_error_kind_not_worded_here_comes_from_the_reference():
    compiled = _Compiled({"type": "object", "properties": {"a": {"type": "string", "minLength": 2}}})
    assert compiled.fast is not None
    assert [e.message for e in compiled.iter_errors({"a": "x"})] == ["'x' is too short"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                    HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(LEAVES), VALUES), max_size=3), st.booleans(),
       st.sampled_from(["1.9", "1.30"]), st.text("abcXYZ_-.é ", min_size=1, max_size=6))
def test_compiled_errors_give_the_reference_findings_on_mutated_objects(monkeypatch, changes, strict, version,
                                                                         extra_key):
    import json

    from k8slint.loader import load_text
    data = _mutated(changes, extra_key)
    loaded = load_text(json.dumps(data, ensure_ascii=False), "d.json")
    assume(loaded.resources)  # a character YAML refuses
    resource = loaded.resources[0]
    validator = Validator(KubeVersion.parse(version), strict)
    assert _schema_findings(validator, resource, monkeypatch, False) == \
        _schema_findings(validator, resource, monkeypatch, True)
