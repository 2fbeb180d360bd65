"""Every FLD rule through the real engine: its documented example fires from its deprecation on (an error
once removed) and not before; and the field-level items the rules issue names, with their replacements."""
from __future__ import annotations

import pytest

from k8slint.loader import load_text
from k8slint.model import Severity
from k8slint.rules import all_rules, find_rule
from k8slint.rules.context import RuleContext
from k8slint.versions import KubeVersion

FLD_RULES = [r for r in all_rules() if r.id.startswith("FLD") and r.record is not None]


def _fires(rule, text: str, target: str) -> list:
    resources = load_text(text, "x.yaml").resources
    assert resources, "example is not a Kubernetes object"
    ctx = RuleContext(KubeVersion.parse(target))
    return [f for r in resources for f in rule.check(r, ctx)]


def _minus_one(version: str) -> str:
    v = KubeVersion.parse(version)
    return f"{v.major}.{v.minor - 1}"


@pytest.mark.parametrize("rule", FLD_RULES, ids=lambda r: r.id)
def test_field_rule_lifecycle(rule):
    record, example = rule.record, rule.meta.docs.example
    deprecated, removed = record.get("deprecated"), record.get("removed")
    start = deprecated or removed
    if start:
        assert _fires(rule, example, _minus_one(start)) == [], "fires before its deprecation"
    at_start = _fires(rule, example, start or "1.30")
    assert at_start, "the documented example does not trigger the rule"
    if removed:
        after = _fires(rule, example, removed)
        assert after and all(f.severity == Severity.parse(record.get("removed_severity", "error")) for f in after)
        assert all(f.extra["removed_in"] == removed for f in after)
    if deprecated and deprecated != removed:
        assert all(f.severity == Severity.parse(record.get("severity", "warning")) for f in at_start)


def _rule(name: str):
    return next(r for r in FLD_RULES if r.meta.name == name)


POD = """apiVersion: v1
kind: Pod
metadata:
  name: p
  annotations: {annotations}
spec:
{spec}  containers: [{{name: c, image: busybox}}]
"""


def _pod(spec: str = "", annotations: str = "{}") -> str:
    return POD.format(spec=spec, annotations=annotations)


@pytest.mark.parametrize("name,bad,good", [
    ("recycle-reclaim-policy",
     "apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: pv}\nspec: {persistentVolumeReclaimPolicy: Recycle}\n",
     "apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: pv}\nspec: {persistentVolumeReclaimPolicy: Delete}\n"),
    ("beta-storage-class-annotation",
     "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: c\n  annotations:\n"
     "    volume.beta.kubernetes.io/storage-class: fast\n",
     "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: c}\nspec: {storageClassName: fast}\n"),
    ("beta-storage-class-annotation",
     "apiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: v\n  annotations:\n"
     "    volume.beta.kubernetes.io/storage-class: fast\n",
     "apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: v}\nspec: {storageClassName: fast}\n"),
    ("beta-default-storageclass-annotation",
     "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: s\n  annotations:\n"
     "    storageclass.beta.kubernetes.io/is-default-class: 'true'\nprovisioner: x\n",
     "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: s\n  annotations:\n"
     "    storageclass.kubernetes.io/is-default-class: 'true'\nprovisioner: x\n"),
    ("seccomp-annotations",
     _pod(annotations="{seccomp.security.alpha.kubernetes.io/pod: runtime/default}"),
     _pod(spec="  securityContext: {seccompProfile: {type: RuntimeDefault}}\n")),
    ("seccomp-annotations",
     _pod(annotations="{container.seccomp.security.alpha.kubernetes.io/c: runtime/default}"),
     _pod(spec="  securityContext: {seccompProfile: {type: RuntimeDefault}}\n")),
    ("apparmor-annotations",
     _pod(annotations="{container.apparmor.security.beta.kubernetes.io/c: runtime/default}"),
     _pod(spec="  securityContext: {appArmorProfile: {type: RuntimeDefault}}\n")),
    ("ingress-class-annotation",
     "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: i\n  annotations:\n"
     "    kubernetes.io/ingress.class: nginx\nspec: {defaultBackend: {service: {name: s, port: {number: 80}}}}\n",
     "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i}\n"
     "spec: {ingressClassName: traefik, defaultBackend: {service: {name: s, port: {number: 80}}}}\n"),
    ("service-topology-keys",
     "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {topologyKeys: ['kubernetes.io/hostname']}\n",
     "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {trafficDistribution: PreferSameZone}\n"),
    ("service-account-alias", _pod(spec="  serviceAccount: robot\n"), _pod(spec="  serviceAccountName: robot\n")),
    ("beta-os-arch-labels", _pod(spec="  nodeSelector: {beta.kubernetes.io/os: linux}\n"),
     _pod(spec="  nodeSelector: {kubernetes.io/os: linux}\n")),
    ("beta-os-arch-labels",
     _pod(spec="  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n"
               "        nodeSelectorTerms:\n          - matchExpressions:\n"
               "              - {key: beta.kubernetes.io/arch, operator: In, values: [amd64]}\n"),
     _pod(spec="  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n"
               "        nodeSelectorTerms:\n          - matchExpressions:\n"
               "              - {key: kubernetes.io/arch, operator: In, values: [amd64]}\n")),
    ("failure-domain-labels", _pod(spec="  nodeSelector: {failure-domain.beta.kubernetes.io/zone: a}\n"),
     _pod(spec="  nodeSelector: {topology.kubernetes.io/zone: a}\n")),
    ("failure-domain-labels",
     _pod(spec="  topologySpreadConstraints:\n    - {maxSkew: 1, whenUnsatisfiable: DoNotSchedule, "
               "topologyKey: failure-domain.beta.kubernetes.io/zone, labelSelector: {matchLabels: {a: b}}}\n"),
     _pod(spec="  topologySpreadConstraints:\n    - {maxSkew: 1, whenUnsatisfiable: DoNotSchedule, "
               "topologyKey: topology.kubernetes.io/zone, labelSelector: {matchLabels: {a: b}}}\n")),
    ("failure-domain-labels",
     _pod(spec="  affinity:\n    podAntiAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n"
               "        - {topologyKey: failure-domain.beta.kubernetes.io/region, labelSelector: {}}\n"),
     _pod(spec="  affinity:\n    podAntiAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n"
               "        - {topologyKey: topology.kubernetes.io/region, labelSelector: {}}\n")),
    ("master-node-role-selector", _pod(spec="  nodeSelector: {node-role.kubernetes.io/master: ''}\n"),
     _pod(spec="  nodeSelector: {node-role.kubernetes.io/control-plane: ''}\n")),
    ("master-node-role-toleration",
     _pod(spec="  tolerations: [{key: node-role.kubernetes.io/master, effect: NoSchedule}]\n"),
     _pod(spec="  tolerations: [{key: node-role.kubernetes.io/control-plane, effect: NoSchedule}]\n")),
    ("critical-pod-annotation", _pod(annotations="{scheduler.alpha.kubernetes.io/critical-pod: ''}"),
     _pod(spec="  priorityClassName: system-cluster-critical\n")),
    ("flexvolume-volume", _pod(spec="  volumes: [{name: v, flexVolume: {driver: x/y}}]\n"),
     _pod(spec="  volumes: [{name: v, csi: {driver: x.y}}]\n")),
    ("glusterfs-volume", _pod(spec="  volumes: [{name: v, glusterfs: {endpoints: e, path: p}}]\n"),
     _pod(spec="  volumes: [{name: v, persistentVolumeClaim: {claimName: c}}]\n")),
    ("flocker-volume", _pod(spec="  volumes: [{name: v, flocker: {datasetName: d}}]\n"),
     _pod(spec="  volumes: [{name: v, emptyDir: {}}]\n")),
    ("quobyte-volume", _pod(spec="  volumes: [{name: v, quobyte: {registry: r, volume: v}}]\n"),
     _pod(spec="  volumes: [{name: v, emptyDir: {}}]\n")),
    ("storageos-volume", _pod(spec="  volumes: [{name: v, storageos: {volumeName: v}}]\n"),
     _pod(spec="  volumes: [{name: v, emptyDir: {}}]\n")),
    ("scaleio-volume", _pod(spec="  volumes: [{name: v, scaleIO: {gateway: g, system: s, secretRef: {name: n}}}]\n"),
     _pod(spec="  volumes: [{name: v, emptyDir: {}}]\n")),
    ("endpoints-kind", "apiVersion: v1\nkind: Endpoints\nmetadata: {name: e}\n",
     "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: e}\naddressType: IPv4\nendpoints: []\n"),
    ("replication-controller", "apiVersion: v1\nkind: ReplicationController\nmetadata: {name: r}\n",
     "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: r}\n"),
])
def test_named_field_items_fire_and_their_replacements_do_not(name, bad, good):
    rule = _rule(name)
    target = "1.37"
    found = _fires(rule, bad, target)
    assert found, f"{name} does not fire on the deprecated form"
    assert _fires(rule, good, target) == [], f"{name} fires on the replacement"


def test_hints_are_info_and_removed_volume_plugins_are_errors():
    rc = _fires(_rule("replication-controller"), "apiVersion: v1\nkind: ReplicationController\nmetadata: {name: r}\n",
                "1.30")
    assert [f.severity for f in rc] == [Severity.INFO]
    gluster = _fires(_rule("glusterfs-volume"), _pod(spec="  volumes: [{name: v, glusterfs: {endpoints: e, path: p}}]\n"),
                     "1.26")
    assert [f.severity for f in gluster] == [Severity.ERROR] and "removed in 1.26" in gluster[0].message


def test_findings_point_at_the_key_of_annotations_and_labels():
    text = _pod(spec="  nodeSelector:\n    beta.kubernetes.io/os: linux\n")
    [f] = _fires(_rule("beta-os-arch-labels"), text, "1.30")
    assert (f.line, f.column) == (8, 5) and f.json_path == "spec.nodeSelector['beta.kubernetes.io/os']"


def test_workload_templates_are_searched():
    deploy = ("apiVersion: apps/v1\nkind: CronJob\nmetadata: {name: c}\nspec:\n  schedule: '* * * * *'\n"
              "  jobTemplate:\n    spec:\n      template:\n        metadata:\n          annotations:\n"
              "            seccomp.security.alpha.kubernetes.io/pod: runtime/default\n"
              "        spec: {containers: [{name: c, image: b}]}\n")
    [f] = _fires(_rule("seccomp-annotations"), deploy.replace("apps/v1", "batch/v1"), "1.30")
    assert f.json_path.startswith("spec.jobTemplate.spec.template.metadata.annotations")


def test_cronjob_timezone_prefix_logic_rule():
    rule = find_rule("cronjob-schedule-timezone")
    example = rule.meta.docs.example
    [f] = _fires(rule, example, "1.30")
    assert "spec.timeZone: Europe/Berlin" in f.message and 'schedule: "0 6 * * *"' in f.message
    assert f.json_path == "spec.schedule" and f.line == 5
    assert _fires(rule, example.replace("CRON_TZ=Europe/Berlin ", ""), "1.30") == []


def test_the_engine_rule_set_gives_the_same_findings_as_each_rule_alone():
    from k8slint.rules.fields import FieldRuleSet
    compiled = [r.check.__self__ for r in FLD_RULES]
    texts = [r.meta.docs.example for r in FLD_RULES] + [
        _pod(spec="  nodeSelector: {beta.kubernetes.io/os: linux, failure-domain.beta.kubernetes.io/zone: a}\n"
                  "  serviceAccount: x\n  volumes: [{name: v, flexVolume: {driver: a/b}}, {name: w, gitRepo: "
                  "{repository: r}}]\n", annotations="{seccomp.security.alpha.kubernetes.io/pod: x}")]
    for target in ("1.8", "1.20", "1.25", "1.37"):
        ctx = RuleContext(KubeVersion.parse(target))
        rule_set = FieldRuleSet(compiled, ctx)
        for text in texts:
            for resource in load_text(text, "x.yaml").resources:
                one_by_one = sorted((f.rule_id, f.json_path, f.message, f.severity) for c in compiled
                                    for f in c.check(resource, ctx))
                together = sorted((f.rule_id, f.json_path, f.message, f.severity)
                                  for f in rule_set.check(resource))
                assert together == one_by_one


# ------------------------------------------------------------------ objects as the API server writes them

def _both_paths(rule, text: str, target: str) -> list:
    """The findings of one rule, alone and through the engine's merged rule set (they must agree)."""
    from k8slint.rules.fields import FieldRuleSet
    alone = _fires(rule, text, target)
    ctx = RuleContext(KubeVersion.parse(target))
    merged = [f for r in load_text(text, "x.yaml").resources
              for f in FieldRuleSet([rule.check.__self__], ctx).check(r)]
    assert sorted((f.rule_id, f.json_path) for f in merged) == sorted((f.rule_id, f.json_path) for f in alone)
    return alone


@pytest.mark.parametrize("name,server_written,user_written", [
    ("service-account-alias", _pod(spec="  serviceAccount: robot\n  serviceAccountName: robot\n"),
     _pod(spec="  serviceAccount: robot\n")),
    ("seccomp-annotations",
     _pod(spec="  securityContext: {seccompProfile: {type: RuntimeDefault}}\n",
          annotations="{seccomp.security.alpha.kubernetes.io/pod: runtime/default}"),
     _pod(annotations="{seccomp.security.alpha.kubernetes.io/pod: runtime/default}")),
    ("apparmor-annotations",
     _pod(annotations="{container.apparmor.security.beta.kubernetes.io/c: runtime/default}").replace(
         "containers: [{name: c, image: busybox}]",
         "containers: [{name: c, image: busybox, securityContext: {appArmorProfile: {type: RuntimeDefault}}}]"),
     _pod(annotations="{container.apparmor.security.beta.kubernetes.io/c: runtime/default}")),
    ("endpoints-kind",
     "apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: web\n  annotations:\n"
     "    endpoints.kubernetes.io/last-change-trigger-time: '2026-11-30T10:00:00Z'\n",
     "apiVersion: v1\nkind: Endpoints\nmetadata: {name: external-db}\n"
     "subsets: [{addresses: [{ip: 10.0.0.5}], ports: [{port: 5432}]}]\n"),
    ("endpoints-kind",
     "apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: kubernetes\n  labels:\n"
     "    endpointslice.kubernetes.io/skip-mirror: 'true'\n",
     "apiVersion: v1\nkind: Endpoints\nmetadata: {name: kubernetes}\n"),
    ("legacy-job-labels",
     "apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec:\n  selector:\n    matchLabels:\n"
     "      batch.kubernetes.io/controller-uid: 0b5c\n      controller-uid: 0b5c\n  template:\n    metadata:\n"
     "      labels: {batch.kubernetes.io/controller-uid: 0b5c, controller-uid: 0b5c, job-name: j}\n"
     "    spec: {restartPolicy: Never, containers: [{name: c, image: b}]}\n",
     "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: n}\n"
     "spec: {podSelector: {matchLabels: {job-name: j}}}\n"),
    ("beta-storage-provisioner-annotation",
     "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: c\n  annotations:\n"
     "    volume.beta.kubernetes.io/storage-provisioner: ebs.csi.aws.com\n"
     "    volume.kubernetes.io/storage-provisioner: ebs.csi.aws.com\n",
     "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: c\n  annotations:\n"
     "    volume.beta.kubernetes.io/storage-provisioner: ebs.csi.aws.com\n"),
    ("beta-os-arch-labels",
     "apiVersion: v1\nkind: Node\nmetadata:\n  name: n\n  labels: {beta.kubernetes.io/os: linux, "
     "beta.kubernetes.io/arch: amd64, kubernetes.io/os: linux}\n",
     _pod(spec="  nodeSelector: {beta.kubernetes.io/os: linux}\n")),
    ("failure-domain-labels",
     "apiVersion: v1\nkind: Node\nmetadata:\n  name: n\n  labels: {failure-domain.beta.kubernetes.io/zone: a}\n",
     _pod(spec="  nodeSelector: {failure-domain.beta.kubernetes.io/zone: a}\n")),
    ("beta-instance-type-label",
     "apiVersion: v1\nkind: Node\nmetadata:\n  name: n\n  labels: {beta.kubernetes.io/instance-type: m5.large}\n",
     _pod(spec="  nodeSelector: {beta.kubernetes.io/instance-type: m5.large}\n")),
    ("podsecuritypolicy-annotations", _pod(annotations="{kubernetes.io/psp: restricted}"),
     "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    metadata:\n"
     "      annotations: {kubernetes.io/psp: restricted}\n    spec: {containers: [{name: c, image: b}]}\n"),
])
def test_what_the_api_server_or_a_controller_writes_is_not_reported(name, server_written, user_written):
    rule = _rule(name)
    target = "1.34"
    assert _both_paths(rule, server_written, target) == [], f"{name} fires on a server-written object"
    assert _both_paths(rule, user_written, target), f"{name} no longer fires on what a user writes"


def test_ingress_nginx_is_advice_keyed_on_the_controller_once_per_object():
    rule = _rule("ingress-nginx-retired")
    ingress = ("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\n  annotations:\n"
               "    nginx.ingress.kubernetes.io/rewrite-target: /\n    nginx.ingress.kubernetes.io/ssl-redirect: 'true'\n"
               "spec: {ingressClassName: nginx, defaultBackend: {service: {name: web, port: {number: 80}}}}\n")
    for target in ("1.19", "1.30", "1.37"):
        found = _both_paths(rule, ingress, target)
        assert len(found) == 1 and found[0].severity == Severity.WARNING
        assert "removed in" not in found[0].message
    only_class = ("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web}\n"
                  "spec: {ingressClassName: nginx, defaultBackend: {service: {name: web, port: {number: 80}}}}\n")
    assert _both_paths(rule, only_class, "1.37") == []
    klass = ("apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: {name: nginx}\n"
             "spec: {controller: k8s.io/ingress-nginx}\n")
    assert len(_both_paths(rule, klass, "1.25")) == 1
    other = klass.replace("k8s.io/ingress-nginx", "nginx.org/ingress-controller")
    assert _both_paths(rule, other, "1.37") == []


@pytest.mark.parametrize("provisioner,removed,severity", [
    ("kubernetes.io/glusterfs", "1.26", Severity.ERROR),
    ("kubernetes.io/rbd", "1.31", Severity.ERROR),
    ("kubernetes.io/cephfs", "1.31", Severity.ERROR),
    ("kubernetes.io/quobyte", "1.25", Severity.ERROR),
    ("kubernetes.io/storageos", "1.25", Severity.ERROR),
    ("kubernetes.io/flocker", "1.25", Severity.ERROR),
    ("kubernetes.io/scaleio", "1.22", Severity.ERROR),
    ("kubernetes.io/aws-ebs", "1.27", Severity.WARNING),
    ("kubernetes.io/gce-pd", "1.28", Severity.WARNING),
    ("kubernetes.io/azure-disk", "1.27", Severity.WARNING),
    ("kubernetes.io/azure-file", "1.30", Severity.WARNING),
    ("kubernetes.io/cinder", "1.26", Severity.WARNING),
    ("kubernetes.io/vsphere-volume", "1.30", Severity.WARNING),
    ("kubernetes.io/portworx-volume", "1.36", Severity.WARNING),
])
def test_storageclass_provisioners_of_in_tree_plugins(provisioner, removed, severity):
    text = f"apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {{name: s}}\nprovisioner: {provisioner}\n"
    found = [f for rule in FLD_RULES for f in _fires(rule, text, removed)]
    assert len(found) == 1 and found[0].severity == severity and provisioner in found[0].message
    assert found[0].extra["removed_in"] == removed
    csi = text.replace(provisioner, "ebs.csi.aws.com")
    assert [f for rule in FLD_RULES for f in _fires(rule, csi, "1.37")] == []


def test_kubeadm_master_label_is_a_warning_that_names_kubeadm():
    [f] = _fires(_rule("master-node-role-selector"), _pod(spec="  nodeSelector: {node-role.kubernetes.io/master: ''}\n"),
                 "1.30")
    assert f.severity == Severity.WARNING and "kubeadm" in f.message


@pytest.mark.parametrize("name", ["created-by-label", "kubelet-cgroup-v1", "podsecuritypolicy-annotations"])
def test_hints_that_need_no_action_are_info(name):
    rule = _rule(name)
    found = _fires(rule, rule.meta.docs.example, "1.37")
    assert found and all(f.severity == Severity.INFO for f in found)


def test_cronjob_timezone_prefix_is_rejected_from_1_29_and_only_a_warning_before():
    # kubernetes/kubernetes#116252 was held from 1.27 and merged for 1.29 (CHANGELOG-1.29)
    rule = find_rule("cronjob-schedule-timezone")
    example = rule.meta.docs.example
    [rejected] = _fires(rule, example, "1.29")
    assert rejected.severity == Severity.ERROR and "refuses to create" in rejected.message
    [accidental] = _fires(rule, example, "1.28")
    assert accidental.severity == Severity.WARNING and "by accident in 1.22-1.28" in accidental.message
    [older] = _fires(rule, example, "1.21")
    assert older.severity == Severity.WARNING
    assert "never supported" not in rule.meta.docs.why and "From 1.29" in rule.meta.docs.why


def test_field_findings_say_what_the_current_version_does(tmp_path):
    """With --current-version, FLD findings carry current_version_state and, for a removal, whether it
    already breaks at the current version, as API findings do."""
    import json
    from conftest import run_cli
    (tmp_path / "pv.yaml").write_text("apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: p}\nspec:\n"
                                      "  capacity: {storage: 1Gi}\n  accessModes: [ReadWriteOnce]\n"
                                      "  awsElasticBlockStore: {volumeID: vol-1}\n")

    def fld007(current):
        out = run_cli(["lint", "-k", "1.30", "--current-version", current, "-f", "json", "pv.yaml"], cwd=tmp_path)
        return next(f for f in json.loads(out.out)["findings"] if f["rule_id"] == "FLD007")

    already, later, deprecated = fld007("1.28"), fld007("1.24"), fld007("1.19")
    assert already["current_version_state"] == "removed" and already["message"].endswith("(already breaks at 1.28)")
    assert later["current_version_state"] == "deprecated"
    assert later["message"].endswith("(still works at 1.24; removed on the upgrade to 1.27)")
    assert deprecated["current_version_state"] == "deprecated"


def test_differing_service_account_alias_is_a_warning_that_says_which_one_the_api_server_keeps():
    """The v1 conversion keeps serviceAccountName when both are set (the alias is ignored): no rejection."""
    text = ("apiVersion: v1\nkind: Pod\nmetadata: {name: app}\nspec:\n  serviceAccount: builder\n"
            "  serviceAccountName: runner\n  containers: [{name: app, image: nginx}]\n")
    found = _fires(find_rule("FLD027"), text, "1.30")
    assert [f.severity for f in found] == [Severity.WARNING]
    assert "serviceAccountName wins" in found[0].message and "must be equal" not in found[0].message
