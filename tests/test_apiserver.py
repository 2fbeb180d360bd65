"""The API-server checks (SRV rules), driven by the probe tables in tests/apiserver/*.yaml.

Each probe names a rule and holds a manifest the API server rejects with that rule's problem (`reject`) and a
near miss it accepts (`accept`), optionally for some Kubernetes versions only (`versions`, default the
newest); `{{filler:N}}` in a manifest stands for N times "x" (for size limits). Adding a probe needs no new test code; a guard fails when a rule has no probe of either kind.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from k8slint import apisyntax as syntax
from k8slint.engine import Linter, LintOptions
from k8slint.loader import load_text
from k8slint.model import Severity
from k8slint.rules import all_rules
from k8slint.versions import newest_embedded, resolve

PROBES_DIR = Path(__file__).resolve().parent / "apiserver"


def _probes() -> list:
    out = []
    for path in sorted(PROBES_DIR.glob("*.yaml")):
        for i, probe in enumerate(yaml.safe_load(path.read_text())):
            for version in probe.get("versions") or [str(newest_embedded())]:
                for verdict in ("reject", "accept"):
                    for j, text in enumerate(probe.get(verdict) or []):
                        out.append(pytest.param(probe["rule"], version, verdict, text,
                                                id=f"{path.stem}-{i}-{probe['rule']}-{version}-{verdict}{j}"))
    return out


_LINTERS: dict = {}


def lint(text: str, version: str, select: tuple = ()) -> list:
    text = re.sub(r"\{\{filler:(\d+)\}\}", lambda m: "x" * int(m.group(1)), text)
    linter = _LINTERS.get((version, select))
    if linter is None:
        linter = _LINTERS[(version, select)] = Linter(LintOptions(target=resolve(version), strict=True,
                                                                  select=select))
    return linter.check_file(load_text(text, "probe.yaml"))


@pytest.mark.parametrize("rule_id,version,verdict,text", _probes())
def test_probe(rule_id, version, verdict, text):
    findings = lint(text, version)
    if verdict == "reject":
        fired = [f for f in findings if f.rule_id == rule_id]
        if not fired and any(f.rule_id == "SCH001" for f in findings):
            # the schema refuses the same node first (a required field missing), and the API server's own
            # check is not repeated there; alone (--select SRV) the check still answers
            fired = [f for f in lint(text, version, ("SRV",)) if f.rule_id == rule_id]
        assert fired, f"{rule_id} did not fire on {version}: {[(f.rule_id, f.message) for f in findings]}"
        for f in fired:
            assert f.message.startswith("the API server answers: ") and f.suggestion
            assert f.line >= 1 and f.column >= 1
    else:
        # other families judge other things (FLD069 has its own view of CronJob time zones): no SRV error here
        errors = [(f.rule_id, f.message) for f in findings
                  if f.severity == Severity.ERROR and (f.rule_id.startswith("SRV") or f.rule_id.startswith("SCH"))]
        assert not errors, f"a near miss the API server accepts gave errors on {version}: {errors}"
        assert not [f for f in findings if f.rule_id == rule_id]


def test_every_srv_rule_has_a_rejected_and_an_accepted_probe():
    seen: dict = {}
    for path in PROBES_DIR.glob("*.yaml"):
        for probe in yaml.safe_load(path.read_text()):
            for verdict in ("reject", "accept"):
                if probe.get(verdict):
                    seen.setdefault(probe["rule"], set()).add(verdict)
    missing = [r.id for r in all_rules() if r.id.startswith("SRV") and seen.get(r.id) != {"reject", "accept"}]
    assert not missing, f"SRV rules without both a rejected and an accepted probe: {missing}"


def test_one_walk_serves_every_rule_of_an_object():
    """The SRV rules share one walk per object: a second object is not answered from the first's cache."""
    bad = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: Bad_Name}\n"
    good = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: good}\n"
    assert [f.rule_id for f in lint(bad, "1.30") if f.rule_id.startswith("SRV")] == ["SRV002"]
    assert not [f for f in lint(good, "1.30") if f.rule_id.startswith("SRV")]


@pytest.mark.parametrize("fn,value,ok", [
    (syntax.dns1123_subdomain, "a" * 253, True), (syntax.dns1123_subdomain, "a" * 254, False),
    (syntax.dns1123_subdomain, "a.b-c", True), (syntax.dns1123_subdomain, "a..b", False),
    (syntax.dns1123_label, "a" * 63, True), (syntax.dns1123_label, "a" * 64, False),
    (syntax.dns1123_label, "a.b", False), (syntax.dns1035_label, "a1", True), (syntax.dns1035_label, "1a", False),
    (syntax.qualified_name, "example.com/My_Key.1", True), (syntax.qualified_name, "/key", False),
    (syntax.qualified_name, "a/b/c", False), (syntax.qualified_name, "k" * 64, False),
    (syntax.qualified_name, "Example.com/key", False), (syntax.label_value, "", True),
    (syntax.label_value, "-x", False), (syntax.label_value, "x" * 64, False),
    (syntax.port_name, "http-2", True), (syntax.port_name, "80", False), (syntax.port_name, "a--b", False),
    (syntax.port_name, "sixteen-letters1", False), (syntax.path_segment_name, "system:admin", True),
    (syntax.path_segment_name, "..", False), (syntax.path_segment_name, "a/b", False),
    (syntax.config_map_key, "app.properties", True), (syntax.config_map_key, "..data", False),
    (syntax.config_map_key, "a b", False),
])
def test_syntax(fn, value, ok):
    assert (not fn(value)) is ok


def test_env_var_names_were_relaxed_in_1_32():
    assert syntax.env_var_name("1ST", relaxed=False) and not syntax.env_var_name("1ST", relaxed=True)
    assert syntax.env_var_name("A=B", relaxed=True) and not syntax.env_var_name("my.var-1", relaxed=False)


def test_generate_name_may_end_with_a_dash():
    assert not syntax.name_is_subdomain("web-", prefix=True)
    assert syntax.name_is_subdomain("web-", prefix=False)


@pytest.mark.parametrize("version", ["1.23", "1.30", str(newest_embedded())])
def test_objects_read_back_from_a_cluster_draw_no_srv_finding(version):
    """A `kubectl get -o yaml` List (status, managedFields, generated names and selectors, server-set
    fields) is valid as the server stored it."""
    text = (Path(__file__).resolve().parent / "data" / "apiserver-cluster-dump.yaml").read_text()
    loaded = load_text(text, "dump.yaml")
    assert len(loaded.resources) == 12  # the List's items, each checked
    findings = lint(text, version)
    assert not [(f.rule_id, f.message) for f in findings if f.rule_id.startswith("SRV")]


def test_a_zone_in_both_places_is_one_finding_refused_on_1_25_to_1_28():
    """spec.timeZone beside a CRON_TZ= prefix: the API server's refusal (SRV063), not also FLD069's warning."""
    text = ("apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: report}\nspec:\n"
            "  schedule: \"CRON_TZ=UTC 0 6 * * *\"\n  timeZone: Europe/Berlin\n  jobTemplate: {spec: {template: "
            "{spec: {restartPolicy: OnFailure, containers: [{name: a, image: b}]}}}}\n")
    for version, expected in (("1.24", ["FLD069"]), ("1.25", ["SRV063"]), ("1.28", ["SRV063"]),
                              ("1.29", ["FLD069"])):
        found = [f.rule_id for f in lint(text, version) if f.severity in (Severity.ERROR, Severity.WARNING)]
        assert found == expected, (version, found)


def test_a_time_zone_prefix_in_a_cronjob_schedule_is_one_finding_dated_1_29(write):
    path = write("cron.yaml", "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: report}\nspec:\n"
                 "  schedule: \"CRON_TZ=Europe/Berlin 0 6 * * *\"\n  jobTemplate: {spec: {template: {spec: "
                 "{restartPolicy: OnFailure, containers: [{name: a, image: b}]}}}}\n")
    from conftest import run_cli
    for version, severity in (("1.27", "warning"), ("1.28", "warning"), ("1.29", "error"), ("1.37", "error")):
        result = run_cli(["lint", "-k", version, "--no-cache", str(path)])
        lines = [line for line in result.out.splitlines() if ": error " in line or ": warning " in line]
        assert len(lines) == 1 and f"{severity} FLD069" in lines[0], (version, result.out)
        if severity == "error":
            assert "from 1.29 the API server refuses" in lines[0]


def test_configuration_file_kinds_need_no_metadata(write):
    # kubeadm, kube-scheduler, audit policies and exec credentials are read from files by a component;
    # they have no metadata, and nothing an API server checks on create applies to them
    from conftest import run_cli
    path = write("kubeadm.yaml", "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\n"
                 "kubernetesVersion: v1.31.0\n---\napiVersion: kubescheduler.config.k8s.io/v1\n"
                 "kind: KubeSchedulerConfiguration\nprofiles: [{schedulerName: default-scheduler}]\n---\n"
                 "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: [{level: Metadata}]\n---\n"
                 "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n")
    result = run_cli(["lint", "-k", "1.31", "--no-cache", str(path)])
    # nor are they custom resources waiting for a CRD (SCH005)
    assert "SRV" not in result.out and "SCH005" not in result.out, result.out
    assert "0 errors, 0 warnings, 0 infos" in result.out, result.out
    # a custom resource (its CRD in the input) still needs a name
    from test_unidentified_objects import CRD
    cr = write("cr.yaml", CRD + "---\napiVersion: acme.io/v1\nkind: Widget\nspec: {}\n")
    assert "SRV001" in run_cli(["lint", "-k", "1.31", "--no-cache", str(cr)]).out


@pytest.mark.parametrize("version", ["1.23", str(newest_embedded())])
def test_odd_shapes_in_pod_placement_and_security_fields_give_schema_errors_not_a_cascade(version):
    """Strings where lists belong, numbers where strings belong ...: the schema reports them; the SRV walks
    skip what they cannot read and report only the real problems beside them."""
    text = (Path(__file__).resolve().parent / "data" / "apiserver-odd-shapes.yaml").read_text()
    findings = lint(text, version)
    assert any(f.rule_id == "SCH001" for f in findings)
    srv = sorted((f.rule_id, f.json_path) for f in findings if f.rule_id.startswith("SRV"))
    assert srv == [("SRV008", "spec.finalizers[2]"), ("SRV036", "spec.tolerations[2].operator")], srv
