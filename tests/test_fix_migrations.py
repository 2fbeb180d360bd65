"""The migration table checked against the data: every registered migration belongs to a rule, every
plain apiVersion bump is field-for-field compatible according to the embedded schemas (or comes with the
renames that make it so), and the facts the workload migration pins match the reference."""
from __future__ import annotations

import pytest

from k8slint.fixer.migrations import API_MIGRATIONS, FIELD_MIGRATIONS
from k8slint.fixer.migrations import simple, workloads
from k8slint.rules import all_rules, rules_by_id
from k8slint.schemastore import default_store

# Fields of ObjectMeta the API dropped over the years; a manifest carrying one is reported by validation.
_GONE_FROM_METADATA = {"clusterName", "initializers"}


def _records() -> dict:
    out = {}
    for rule in all_rules():
        if rule.id.startswith("API") and rule.record:
            for kind in rule.record["kinds"]:
                out[(rule.record["api_version"], kind)] = rule.record
    return out


def _paths(schema: dict, node, prefix=(), depth=0, out=None, seen=None) -> set:
    out = set() if out is None else out
    seen = set() if seen is None else seen
    if depth > 6 or not isinstance(node, dict):
        return out
    if "$ref" in node:
        ref = node["$ref"].rsplit("/", 1)[-1]
        if (ref, prefix) in seen:
            return out
        seen.add((ref, prefix))
        node = schema.get("$defs", {}).get(ref, {})
    for combined in ("allOf", "anyOf", "oneOf"):
        for sub in node.get(combined) or []:
            _paths(schema, sub, prefix, depth, out, seen)
    for name, sub in (node.get("properties") or {}).items():
        out.add(prefix + (name,))
        _paths(schema, sub, prefix + (name,), depth + 1, out, seen)
    if isinstance(node.get("items"), dict):
        _paths(schema, node["items"], prefix + ("[]",), depth + 1, out, seen)
    return out


BUMPED = sorted(pair for pair, m in API_MIGRATIONS.items() if m.propose is simple.bump)


@pytest.mark.parametrize("pair", BUMPED, ids=[f"{a} {k}" for a, k in BUMPED])
def test_plain_bumps_lose_no_field(pair):
    """A field of the old version that the new one lacks must be handled by the bump's transform."""
    store = default_store()
    record = _records()[pair]
    new = (record["replacement"]["api_version"], record["replacement"].get("kind") or pair[1])
    old_versions, new_versions = store.versions_serving(*pair), store.versions_serving(*new)
    if not old_versions or not new_versions:
        pytest.skip("no embedded schema (configuration file or out-of-tree CRD)")
    old = store.bundle(old_versions[-1], pair[0], pair[1], False)
    fresh = store.bundle(new_versions[-1], new[0], new[1], False)
    lost = {p for p in _paths(old, old) - _paths(fresh, fresh)
            if p[0] != "status" and not _GONE_FROM_METADATA & set(p)}
    handled = simple._transform_for(*pair) is not None
    assert not lost or handled, sorted(lost)


def test_every_migration_targets_a_rule_and_a_served_replacement():
    records = _records()
    store = default_store()
    for pair in API_MIGRATIONS:
        assert pair in records, pair
        replacement = records[pair].get("replacement")
        if replacement:
            kind = replacement.get("kind") or pair[1]
            assert store.versions_serving(replacement["api_version"], kind) or not store.versions_serving(*pair), pair
    names = {r.meta.name for r in all_rules()}
    assert set(FIELD_MIGRATIONS) <= names


def test_pinned_defaults_are_the_documented_ones():
    extensions = {path[-1]: value for path, value, _ in workloads.OLD_DEFAULTS[("extensions/v1beta1", "Deployment")]}
    assert extensions == {"revisionHistoryLimit": 2147483647, "progressDeadlineSeconds": 2147483647,
                          "maxSurge": 1, "maxUnavailable": 1}
    assert workloads.OLD_DEFAULTS[("apps/v1beta1", "Deployment")][0][1] == 2
    assert workloads.OLD_DEFAULTS[("extensions/v1beta1", "DaemonSet")][0][1] == "OnDelete"
    assert workloads.OLD_DEFAULTS[("apps/v1beta1", "StatefulSet")][0][1] == "OnDelete"
    migration = rules_by_id()["API021"].record["migration"]
    assert "600" in migration and "25%" in migration


def test_removals_without_a_migration_are_the_ones_without_a_mechanical_successor():
    """Every removed API the rules know either has a migration or is listed here with the reason."""
    manual = {
        "API003": "certificates v1alpha1 CSR: needs a signer, gone before 1.7",
        "API009": "ExternalAdmissionHookConfiguration: a different object model",
        "API010": "federation: no successor", "API011": "initializers: no successor",
        "API016": "subresource", "API017": "subresource", "API019": "subresource", "API025": "subresource",
        "API026": "subresource", "API063": "subresource",
        "API028": "AuditSink: no successor", "API029": "PodPreset: no successor",
        "API049": "scheduler configuration file: plugin model changed",
        "API055": "ExecCredential: a plugin's output, not a manifest",
        "API068": "classic DRA", "API069": "classic DRA", "API070": "classic DRA", "API077": "classic DRA",
        "API078": "classic DRA", "API079": "classic DRA", "API080": "classic DRA", "API081": "classic DRA",
        "API072": "scheduler configuration file", "API074": "ClusterCIDR: no successor",
        "API084": "LeaseCandidate v1alpha1: reshaped", "API086": "PodSchedulingContext: no successor",
        "API089": "DRA v1alpha3: requests reshaped", "API090": "PodCertificateRequest v1alpha1: reshaped",
        "API092": "StorageVersionMigration v1alpha1: reshaped", "API093": "Workload: reshaped",
        "API096": "Workload/PodGroup: reshaped", "API098": "MutatingAdmissionPolicy v1alpha1: reshaped",
        "API100": "DRA v1beta1: requests reshaped", "API104": "PodCertificateRequest v1beta1: fields removed in v1",
        "API065": "PodSecurityPolicy: no successor (manual, with Pod Security Admission labels)",
        "API107": "ComponentStatus: no successor",
        "API108": "kubeadm configuration file: `kubeadm config migrate`", "API109": "kubeadm configuration file",
        "API110": "kubeadm configuration file", "API111": "scheduler configuration file",
        "API112": "DeviceTaintRule v1alpha3: not checked field by field", "API113": "LeaseCandidate: no successor",
    }
    records = _records()
    without = sorted({rules_by_id_id(pair) for pair in records if pair not in API_MIGRATIONS})
    assert set(without) <= set(manual), set(without) - set(manual)


def rules_by_id_id(pair) -> str:
    for rule in all_rules():
        if rule.id.startswith("API") and rule.record and rule.record["api_version"] == pair[0] \
                and pair[1] in rule.record["kinds"]:
            return rule.id
    raise KeyError(pair)
