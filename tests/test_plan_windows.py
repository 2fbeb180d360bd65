"""The replacement written for an object depends on the versions: served at the target and at the running
cluster (--current-version) when such a version exists; otherwise the fix waits and says for which cluster.
Windows agree with the API records and the embedded schemas."""
from __future__ import annotations

import pytest

from k8slint.fixer.plan import FIELD_SINCE
from k8slint.rules import windows
from k8slint.schemastore import default_store
from k8slint.versions import KubeVersion, embedded_versions

V = KubeVersion.parse
FLOW = "flowcontrol.apiserver.k8s.io/"

PLC = """apiVersion: flowcontrol.apiserver.k8s.io/v1beta1
kind: PriorityLevelConfiguration
metadata: {name: low}
spec:
  type: Limited
  limited:
    assuredConcurrencyShares: 5
    limitResponse: {type: Reject}
"""
INGRESS = """apiVersion: extensions/v1beta1
kind: Ingress
metadata: {name: web}
spec:
  rules:
    - host: example.com
      http:
        paths:
          - path: /
            backend: {serviceName: web, servicePort: 80}
"""
SECCOMP = """apiVersion: apps/v1
kind: Deployment
metadata: {name: app}
spec:
  selector: {matchLabels: {app: app}}
  template:
    metadata:
      labels: {app: app}
      annotations: {seccomp.security.alpha.kubernetes.io/pod: runtime/default}
    spec:
      containers: [{name: app, image: nginx}]
"""


@pytest.mark.parametrize("target", ["1.26", "1.27", "1.28"])
def test_flowcontrol_v1beta1_goes_to_v1beta3_where_v1_is_not_served(target):
    assert windows.choose(FLOW + "v1beta1", "FlowSchema", V(target)) == (FLOW + "v1beta3", "FlowSchema")


def test_the_records_replacement_wins_where_it_is_served():
    assert windows.choose(FLOW + "v1beta1", "FlowSchema", V("1.29")) == (FLOW + "v1", "FlowSchema")
    # served at both 1.23 and 1.27: v1beta2 and v1beta3 only; v1beta3 is served longest
    assert windows.choose(FLOW + "v1beta1", "FlowSchema", V("1.27"), V("1.26")) == (FLOW + "v1beta3", "FlowSchema")
    assert windows.choose(FLOW + "v1beta1", "FlowSchema", V("1.27"), V("1.23")) == (FLOW + "v1beta2", "FlowSchema")


def test_never_back_to_an_older_version_of_the_same_group():
    assert ("autoscaling/v1", "HorizontalPodAutoscaler") not in windows.successors(
        "autoscaling/v2beta1", "HorizontalPodAutoscaler")


def test_ingress_from_1_16_to_1_30_needs_a_cluster_in_the_window():
    assert windows.choose("extensions/v1beta1", "Ingress", V("1.30"), V("1.16")) is None
    [link] = windows.chain("extensions/v1beta1", "Ingress", V("1.16"), V("1.30"))
    assert link.to == ("networking.k8s.io/v1", "Ingress")
    assert (str(link.opens), str(link.closes)) == ("1.19", "1.21")


def test_flowcontrol_from_1_20_to_1_30_takes_a_step_per_beta():
    links = windows.chain(FLOW + "v1beta1", "FlowSchema", V("1.20"), V("1.30"))
    assert [(l.to[0].rsplit("/", 1)[1], str(l.opens), str(l.closes), l.advised) for l in links] == [
        ("v1beta2", "1.23", "1.25", False), ("v1beta3", "1.26", "1.28", False), ("v1", "1.29", "None", True)]


def test_psp_has_no_successor_and_must_go_before_1_25():
    [link] = windows.chain("policy/v1beta1", "PodSecurityPolicy", V("1.16"), V("1.30"))
    assert link.to is None and str(link.closes) == "1.24"


def test_lint_names_the_replacement_for_the_target(cli, write):
    path = write("plc.yaml", PLC)
    out = cli(["lint", "-k", "1.27", path]).out
    assert "use flowcontrol.apiserver.k8s.io/v1beta3 PriorityLevelConfiguration" in out
    out = cli(["lint", "-k", "1.30", "--current-version", "1.16", write("ing.yaml", INGRESS)]).out
    assert "served from 1.19, not by your current version 1.16: upgrade the cluster to 1.19-1.21" in out


def test_fix_for_1_27_writes_v1beta3_with_the_new_field_name(cli, write):
    path = write("plc.yaml", PLC)
    result = cli(["fix", "-k", "1.27", "--write", path])
    assert result.code == 0, result.out
    text = path.read_text()
    assert text.startswith("apiVersion: flowcontrol.apiserver.k8s.io/v1beta3\n")
    assert "nominalConcurrencyShares: 5" in text
    assert cli(["lint", "--strict", "-k", "1.27", path]).code == 0


def test_a_step_to_v1beta2_keeps_the_old_field_name(cli, write):
    path = write("plc.yaml", PLC)
    result = cli(["fix", "-k", "1.30", "--current-version", "1.23", "--write", path])
    text = path.read_text()
    assert text.startswith("apiVersion: flowcontrol.apiserver.k8s.io/v1beta2\n"), result.out
    assert "assuredConcurrencyShares: 5" in text
    for version in ("1.23", "1.25"):
        assert cli(["lint", "--strict", "-k", version, path]).code == 0


@pytest.mark.parametrize("text,current,needs,opens,window", [
    (INGRESS, "1.16", "networking.k8s.io/v1 Ingress", "1.19", "1.19-1.21"),
    (SECCOMP, "1.16", "securityContext.seccompProfile", "1.19", "1.19-1.26"),
    (PLC, "1.20", "flowcontrol.apiserver.k8s.io/v1beta2 PriorityLevelConfiguration", "1.23", "1.23-1.25"),
])
def test_fix_with_a_current_version_waits_for_what_the_cluster_does_not_serve(cli, write, text, current, needs,
                                                                               opens, window):
    path = write("old.yaml", text)
    result = cli(["fix", "-k", "1.30", "--current-version", current, "--write", path])
    assert path.read_text() == text
    assert f"[fix waits for the cluster: {needs} is served from {opens} and your cluster runs {current}; " \
           f"upgrade the cluster to {window}, then run k8slint fix again]" in result.out
    assert cli(["lint", "--strict", "-k", current, path]).code == 0


def test_without_a_current_version_fix_migrates_for_the_target_alone(cli, write):
    path = write("ing.yaml", INGRESS)
    cli(["fix", "-k", "1.30", "--write", path])
    assert path.read_text().startswith("apiVersion: networking.k8s.io/v1\n")


# ------------------------------------------------------------------------------------------ cross-checks


def test_windows_agree_with_the_records_and_the_schemas():
    store = default_store()
    for (api_version, kind), record in windows.records().items():
        own = windows.served(api_version, kind)
        in_schema = store.versions_serving(api_version, kind)
        if record.get("removed") and own:
            assert own[-1] < V(record["removed"]), (api_version, kind)
        assert set(own) <= set(in_schema) or not in_schema, (api_version, kind)
        rep = record.get("replacement")
        if rep and rep.get("since") and V(rep["since"]) >= embedded_versions()[0]:
            new = (rep["api_version"], rep.get("kind") or kind)
            assert windows.served(*new)[0] == V(rep["since"]), (api_version, kind, new)


def _has_property(version: str, definition: str, prop: str) -> bool:
    try:
        return prop in default_store().definition(version, definition).get("properties", {})
    except KeyError:
        return False


@pytest.mark.parametrize("rule,definition,prop", [
    ("seccomp-annotations", "io.k8s.api.core.v1.PodSecurityContext", "seccompProfile"),
    ("apparmor-annotations", "io.k8s.api.core.v1.SecurityContext", "appArmorProfile"),
    ("ingress-class-annotation", "io.k8s.api.networking.v1beta1.IngressSpec", "ingressClassName"),
])
def test_field_windows_agree_with_the_schemas(rule, definition, prop):
    since = V(FIELD_SINCE[rule][0])
    before = KubeVersion(since.major, since.minor - 1)
    assert _has_property(str(since), definition, prop)
    assert not _has_property(str(before), definition, prop)
