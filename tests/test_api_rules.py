"""Every API record, driven by the data: silent before its deprecation, a warning once deprecated, an error
once removed, silent for the replacement; and the behaviours the rules issue names."""
from __future__ import annotations

import json

import pytest

from conftest import run_cli
from k8slint.loader import load_text
from k8slint.rules import all_rules
from k8slint.rules.context import RuleContext
from k8slint.versions import KubeVersion
from k8slint.model import Severity

API_RULES = [r for r in all_rules() if r.id.startswith("API")]


def _resource(api_version: str, kind: str, annotations: dict | None = None):
    meta = {"name": "x"}
    if annotations:
        meta["annotations"] = annotations
    text = json.dumps({"apiVersion": api_version, "kind": kind, "metadata": meta})
    return load_text(text, "x.json").resources[0]


def _findings(rule, resource, target: str, current: str | None = None):
    ctx = RuleContext(KubeVersion.parse(target), KubeVersion.parse(current) if current else None)
    return list(rule.check(resource, ctx))


def _before(version: str) -> str:
    v = KubeVersion.parse(version)
    return f"{v.major}.{v.minor - 1}"


@pytest.mark.parametrize("rule", API_RULES, ids=lambda r: r.id)
def test_api_rule_lifecycle(rule):
    record = rule.record
    for kind in record["kinds"]:
        res = _resource(record["api_version"], kind)
        if record.get("never_existed"):
            [error] = _findings(rule, res, "1.9")
            assert error.severity == Severity.ERROR and "never existed" in error.message
            assert "removed" not in error.message
            continue
        first = record.get("deprecated") or record.get("removed")
        assert first, f"{rule.id} is neither deprecated nor removed"
        assert _findings(rule, res, _before(first)) == [], "fires before its deprecation"
        if record.get("deprecated") and record.get("removed") != record.get("deprecated"):
            [warning] = _findings(rule, res, record["deprecated"])
            assert warning.severity == Severity.WARNING
            assert warning.extra["deprecated_in"] == record["deprecated"]
        if record.get("removed"):
            [error] = _findings(rule, res, record["removed"])
            assert error.severity == Severity.ERROR
            assert error.extra["removed_in"] == record["removed"]
            assert f"removed in {record['removed']}" in error.message
        replacement = record.get("replacement")
        if replacement:
            rep = _resource(replacement["api_version"], replacement.get("kind") or kind)
            assert _findings(rule, rep, record.get("removed") or record["deprecated"]) == []


def _rule_for(api_version: str, kind: str):
    return next(r for r in API_RULES if r.record["api_version"] == api_version and kind in r.record["kinds"])


@pytest.mark.parametrize("api_version,kind,removed,replacement", [
    ("extensions/v1beta1", "ThirdPartyResource", "1.8", "apiextensions.k8s.io/v1 CustomResourceDefinition"),
    ("apps/v1alpha1", "PetSet", None, "apps/v1 StatefulSet"),
    ("extensions/v1beta1", "Deployment", "1.16", "apps/v1 Deployment"),
    ("extensions/v1beta1", "Ingress", "1.22", "networking.k8s.io/v1 Ingress"),
    ("apps/v1beta1", "StatefulSet", "1.16", "apps/v1 StatefulSet"),
    ("apps/v1beta2", "DaemonSet", "1.16", "apps/v1 DaemonSet"),
    ("batch/v2alpha1", "CronJob", "1.21", "batch/v1 CronJob"),
    ("batch/v1beta1", "CronJob", "1.25", "batch/v1 CronJob"),
    ("policy/v1beta1", "PodSecurityPolicy", "1.25", None),
    ("autoscaling/v2beta2", "HorizontalPodAutoscaler", "1.26", "autoscaling/v2 HorizontalPodAutoscaler"),
    ("storage.k8s.io/v1beta1", "CSIStorageCapacity", "1.27", "storage.k8s.io/v1 CSIStorageCapacity"),
    ("flowcontrol.apiserver.k8s.io/v1beta2", "FlowSchema", "1.29", "flowcontrol.apiserver.k8s.io/v1 FlowSchema"),
    ("flowcontrol.apiserver.k8s.io/v1beta3", "PriorityLevelConfiguration", "1.32",
     "flowcontrol.apiserver.k8s.io/v1 PriorityLevelConfiguration"),
    ("rbac.authorization.k8s.io/v1beta1", "ClusterRole", "1.22", "rbac.authorization.k8s.io/v1 ClusterRole"),
])
def test_named_removals(api_version, kind, removed, replacement):
    rule = _rule_for(api_version, kind)
    if removed:
        assert rule.record["removed"] == removed
    [f] = _findings(rule, _resource(api_version, kind), "1.37")
    assert f.severity == Severity.ERROR and f.extra["replacement"] == replacement
    if replacement:
        assert f"use {replacement}" in f.message


def test_current_version_says_what_already_breaks():
    rule = _rule_for("extensions/v1beta1", "Ingress")
    res = _resource("extensions/v1beta1", "Ingress")
    [later] = _findings(rule, res, "1.25", current="1.20")
    assert later.extra["current_version_state"] == "deprecated" and "breaks on the upgrade to 1.22" in later.message
    [already] = _findings(rule, res, "1.25", current="1.23")
    assert already.extra["current_version_state"] == "removed" and "already not served" in already.message


def test_a_kind_that_never_existed_says_so_on_every_version():
    rule = _rule_for("apps/v1beta1", "ReplicaSet")
    for target in ("1.9", "1.15", "1.30"):
        [f] = _findings(rule, _resource("apps/v1beta1", "ReplicaSet"), target, current="1.14")
        assert f.severity == Severity.ERROR
        assert f.message.startswith("ReplicaSet apps/v1beta1 never existed") and "removed in" not in f.message
    assert "never existed" in rule.meta.title


@pytest.mark.parametrize("api_version,kind,component", [
    ("kubescheduler.config.k8s.io/v1beta3", "KubeSchedulerConfiguration", "kube-scheduler"),
    ("kubeadm.k8s.io/v1beta3", "ClusterConfiguration", "kubeadm"),
    ("audit.k8s.io/v1beta1", "Policy", "kube-apiserver"),
])
def test_config_file_kinds_say_the_component_refuses_the_file(api_version, kind, component):
    rule = _rule_for(api_version, kind)
    record = rule.record
    [error] = _findings(rule, _resource(api_version, kind), record["removed"])
    assert f"from {record['removed']} on, {component}" in error.message and "refuses it" in error.message
    assert "API server no longer serves" not in rule.meta.docs.why
    assert "refuses the file" in rule.meta.docs.why and "never an API-server object" in rule.meta.docs.why
    [warning] = _findings(rule, _resource(api_version, kind), record["deprecated"] if record.get("deprecated")
                          else record["removed"])
    if record.get("deprecated"):
        assert f"{component}" in warning.message and "will be removed" not in warning.message


@pytest.mark.parametrize("api_version,kind,deprecated,removed", [
    ("kubeadm.k8s.io/v1beta1", "InitConfiguration", "1.17", "1.22"),
    ("kubeadm.k8s.io/v1beta2", "JoinConfiguration", "1.24", "1.27"),
    ("kubeadm.k8s.io/v1beta3", "ClusterConfiguration", "1.31", "1.36"),
    ("kubescheduler.config.k8s.io/v1beta2", "KubeSchedulerConfiguration", "1.25", "1.28"),
    ("kubescheduler.config.k8s.io/v1beta3", "KubeSchedulerConfiguration", "1.26", "1.29"),
    ("resource.k8s.io/v1alpha3", "DeviceTaintRule", "1.36", "1.39"),
    ("coordination.k8s.io/v1beta1", "LeaseCandidate", "1.36", "1.39"),
    ("networking.k8s.io/v1alpha1", "ClusterCIDR", "1.28", "1.29"),
    ("networking.k8s.io/v1alpha1", "ServiceCIDR", "1.30", "1.31"),
    ("policy/v1beta1", "Eviction", "1.22", None),
])
def test_audited_lifecycles(api_version, kind, deprecated, removed):
    record = _rule_for(api_version, kind).record
    assert (record.get("deprecated"), record.get("removed")) == (deprecated, removed)


def test_last_applied_configuration_is_judged_too():
    applied = json.dumps({"apiVersion": "extensions/v1beta1", "kind": "Deployment", "metadata": {"name": "x"}})
    res = _resource("apps/v1", "Deployment", {"kubectl.kubernetes.io/last-applied-configuration": applied})
    [f] = _findings(_rule_for("extensions/v1beta1", "Deployment"), res, "1.30")
    assert "last applied with kubectl as extensions/v1beta1" in f.message
    assert f.json_path == "metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']"


def test_removed_api_is_reported_once_with_its_migration(write):
    path = write("old.yaml", "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: i}\n"
                             "spec: {backend: {serviceName: s, servicePort: 80}}\n")
    result = run_cli(["lint", "-k", "1.25", "-f", "json", path])
    findings = json.loads(result.out)["findings"]
    assert [f["rule_id"] for f in findings] == [_rule_for("extensions/v1beta1", "Ingress").id]
    assert findings[0]["removed_in"] == "1.22" and findings[0]["deprecated_in"]
    assert findings[0]["replacement"] == "networking.k8s.io/v1 Ingress"
    assert result.code == 1


def test_not_yet_deprecated_is_silent_and_deprecated_is_a_warning(write):
    path = write("cj.yaml", "apiVersion: batch/v1beta1\nkind: CronJob\nmetadata: {name: c}\nspec:\n"
                            "  schedule: '* * * * *'\n  jobTemplate: {spec: {template: {spec: {restartPolicy: "
                            "Never, containers: [{name: c, image: busybox}]}}}}\n")
    assert run_cli(["lint", "-k", "1.20", path]).out.startswith("0 errors, 0 warnings")
    warned = run_cli(["lint", "-k", "1.21", "-f", "json", path])
    assert [f["severity"] for f in json.loads(warned.out)["findings"]] == ["warning"] and warned.code == 0


def test_select_and_ignore_take_ids_and_prefixes(write):
    path = write("old.yaml", "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: i}\n"
                             "spec:\n  backend: {serviceName: s, servicePort: 80}\n  bogus: 1\n")
    rule_id = _rule_for("extensions/v1beta1", "Ingress").id

    def ids(*args):
        return [f["rule_id"] for f in json.loads(run_cli(["lint", "-k", "1.20", "--strict", "-f", "json",
                                                          *args, path]).out)["findings"]]
    assert ids() == [rule_id, "SCH002"]
    assert ids("--select", "SCH") == ["SCH002"]
    assert ids("--ignore", "API") == ["SCH002"]
    assert ids("--select", f"{rule_id},SCH002", "--ignore", "SCH") == [rule_id]
    assert run_cli(["lint", "--select", "NOPE1", path]).code == 2


def test_rules_and_explain_commands():
    listing = run_cli(["rules"])
    assert listing.code == 0
    assert len(listing.out.splitlines()) == len(all_rules())
    rule = _rule_for("extensions/v1beta1", "ThirdPartyResource")
    page = run_cli(["explain", rule.id])
    assert page.code == 0
    for heading in ("What it does", "Why it matters", "Example", "How to fix"):
        assert heading in page.out
    assert "CustomResourceDefinition" in page.out
    assert run_cli(["explain", "yaml-syntax-error"]).out.startswith("YML001")
    assert run_cli(["explain", "XYZ999"]).code == 2


def test_json_finding_keys_are_the_documented_ones(write):
    import re
    from conftest import REPO
    path = write("mix.yaml", "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: i, namespace: n}\n"
                             "---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: x}]}\n"
                             "---\nkey: [broken\n")
    doc = json.loads(run_cli(["lint", "-k", "1.30", "--current-version", "1.20", "-f", "json", path]).out)
    assert set(doc) == {"findings", "summary"}
    assert set(doc["summary"]) == {"files", "resources", "kustomizations", "errors", "warnings", "infos"}
    readme = (REPO / "README.md").read_text()
    section = readme.split("### JSON output")[1].split("\n## ")[0]
    documented = set(re.findall(r"`([a-z_]+)`", section))
    common = {"rule_id", "severity", "message", "file", "line", "column", "json_path", "object", "suggestion"}
    for f in doc["findings"]:
        assert common <= set(f), f
        assert set(f) <= documented | {"fix"}, set(f) - documented
        if f["object"] is not None:
            assert set(f["object"]) == {"apiVersion", "kind", "namespace", "name"}
    api = next(f for f in doc["findings"] if f["rule_id"].startswith("API"))
    assert {"deprecated_in", "removed_in", "replacement", "current_version_state"} <= set(api)
