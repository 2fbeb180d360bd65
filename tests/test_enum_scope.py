"""Enumerated values where the API server's validation does or does not run, per version.

An enum on a shared definition (PodSpec, PersistentVolumeClaimSpec, LabelSelectorRequirement) holds
wherever the definition is used, but the API server validates only some uses: a value outside the set is
an error where validation checks it and a warning (accepted on create, failing later) where it does not.
"""
from __future__ import annotations

import json

import pytest

STS = """apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      restartPolicy: %(restart)s
      containers: [{name: c, image: postgres, imagePullPolicy: %(pull)s}]
  volumeClaimTemplates:
  - metadata: {name: data}
    spec:
      accessModes: [%(mode)s]
      volumeMode: %(volume_mode)s
      resources: {requests: {storage: 1Gi}}
"""
STS_GOOD = {"restart": "Always", "pull": "IfNotPresent", "mode": "ReadWriteOnce", "volume_mode": "Filesystem"}

SELECTOR = "{matchExpressions: [{key: app, operator: %s, values: [web]}]}"
DEPLOYMENT = ("apiVersion: %s\nkind: Deployment\nmetadata: {name: d}\nspec:\n  selector: " + SELECTOR + "\n"
              "  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: c, image: nginx}]}\n")
NETPOL = ("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: np}\nspec:\n"
          "  podSelector: " + SELECTOR + "\n")
PDB = ("apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata: {name: p}\nspec:\n  minAvailable: 1\n"
       "  selector: " + SELECTOR + "\n")
PVC = ("apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: c}\nspec:\n  accessModes: [ReadWriteOnce]\n"
       "  resources: {requests: {storage: 1Gi}}\n  selector: " + SELECTOR + "\n")
AFFINITY = ("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: nginx}]\n"
            "  affinity:\n    podAntiAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n"
            "      - topologyKey: kubernetes.io/hostname\n        labelSelector: " + SELECTOR + "\n")
SPREAD = ("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: nginx}]\n"
          "  topologySpreadConstraints:\n  - {maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule,\n"
          "     labelSelector: " + SELECTOR + "}\n")
HPA = ("apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\nspec:\n"
       "  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  maxReplicas: 3\n  metrics:\n"
       "  - type: External\n    external:\n      metric: {name: queue, selector: " + SELECTOR + "}\n"
       "      target: {type: Value, value: '10'}\n")
EPHEMERAL = ("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
             "  containers: [{name: c, image: nginx, volumeMounts: [{name: s, mountPath: /s}]}]\n"
             "  volumes:\n  - name: s\n    ephemeral:\n      volumeClaimTemplate:\n        spec:\n"
             "          accessModes: [%s]\n          resources: {requests: {storage: 1Gi}}\n")


def schema_findings(cli, write, text: str, version: str) -> list:
    result = cli(["lint", "-k", version, "-f", "json", write("probe.yaml", text)])
    return [(f["severity"], f["json_path"], f["message"]) for f in json.loads(result.out)["findings"]
            if f["rule_id"] == "SCH001"]


def severities(found: list) -> list:
    return [severity for severity, _, _ in found]


@pytest.mark.parametrize("version", ["1.9", "1.20", "1.30", "1.37"])
def test_statefulset_claim_templates_and_pod_template_are_not_validated_on_create(cli, write, version):
    """ValidateStatefulSetSpec checks neither the claim templates nor (but for restartPolicy) the pod spec."""
    bad = dict(STS_GOOD, pull="Sometimes", mode="ReadWriteOne", volume_mode="block")
    found = schema_findings(cli, write, STS % bad, version)
    expected = {"spec.template.spec.containers[0].imagePullPolicy",
                "spec.volumeClaimTemplates[0].spec.accessModes[0]"}
    if version != "1.9":  # volumeMode is checked from 1.13 (BlockVolume alpha before)
        expected.add("spec.volumeClaimTemplates[0].spec.volumeMode")
    assert {path for _, path, _ in found} == expected, found
    assert set(severities(found)) == {"warning"}, found
    assert all("the API server does not validate" in m or "the API server checks only" in m for _, _, m in found)
    assert schema_findings(cli, write, STS % STS_GOOD, version) == []


@pytest.mark.parametrize("version", ["1.9", "1.37"])
def test_statefulset_restart_policy_is_still_an_error(cli, write, version):
    found = schema_findings(cli, write, STS % dict(STS_GOOD, restart="always"), version)
    assert severities(found) == ["error"] and found[0][1] == "spec.template.spec.restartPolicy", found


def test_the_same_claim_values_are_errors_in_a_claim_and_in_an_ephemeral_volume(cli, write):
    pvc = ("apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: c}\nspec:\n  accessModes: [ReadWriteOne]\n"
           "  resources: {requests: {storage: 1Gi}}\n")
    assert severities(schema_findings(cli, write, pvc, "1.30")) == ["error"]
    assert severities(schema_findings(cli, write, EPHEMERAL % "ReadWriteOne", "1.21")) == ["error"]
    # GenericEphemeralVolume was alpha (off) in 1.19-1.20: the server dropped the volume unchecked
    assert severities(schema_findings(cli, write, EPHEMERAL % "ReadWriteOne", "1.20")) == ["warning"]


SELECTOR_USES = {  # name: (manifest, first and last minor serving its apiVersion)
    "deployment-extensions": (DEPLOYMENT % ("extensions/v1beta1", "%s"), "1.7", "1.15"),
    "deployment-apps": (DEPLOYMENT % ("apps/v1", "%s"), "1.9", "1.99"),
    "network-policy": (NETPOL, "1.7", "1.99"),
    "pod-disruption-budget": (PDB, "1.7", "1.24"),
    "claim-selector": (PVC, "1.7", "1.99"),
    "pod-anti-affinity": (AFFINITY, "1.7", "1.99"),
}


def minor_key(text: str) -> tuple:
    return tuple(int(p) for p in text.split("."))


@pytest.mark.parametrize("version", ["1.7", "1.9", "1.16", "1.22", "1.23", "1.37"])
@pytest.mark.parametrize("name", sorted(SELECTOR_USES))
def test_selector_operators_are_checked_where_validation_runs_before_1_23_too(cli, write, name, version):
    """ValidateLabelSelectorRequirement refuses other operators in every release these uses exist in."""
    text, since, until = SELECTOR_USES[name]
    if not minor_key(since) <= minor_key(version) <= minor_key(until):
        pytest.skip("the apiVersion is not served there")
    found = schema_findings(cli, write, text % "in", version)
    assert severities(found) == ["error"], found
    assert '"in" is not one of "DoesNotExist", "Exists", "In", "NotIn"; did you mean "In"?' in found[0][2]
    assert schema_findings(cli, write, text % "In", version) == []


@pytest.mark.parametrize("version,severity", [("1.18", "warning"), ("1.22", "warning"), ("1.26", "warning"),
                                              ("1.27", "error"), ("1.37", "error")])
def test_topology_spread_selectors_are_validated_from_1_27(cli, write, version, severity):
    found = schema_findings(cli, write, SPREAD % "in", version)
    assert severities(found) == [severity], found
    assert schema_findings(cli, write, SPREAD % "In", version) == []


@pytest.mark.parametrize("version", ["1.23", "1.37"])
def test_metric_selectors_are_never_validated(cli, write, version):
    found = schema_findings(cli, write, HPA % "in", version)
    assert severities(found) == ["warning"] and "metric selectors" in found[0][2], found
    assert schema_findings(cli, write, HPA % "In", version) == []


@pytest.mark.parametrize("version", ["1.9", "1.22", "1.37"])
@pytest.mark.parametrize("name", ["deployment-apps", "network-policy", "pod-anti-affinity", "claim-selector"])
def test_an_unknown_operator_is_one_finding(cli, write, name, version):
    """The schema's enum and the API-server selector check (SRV042) both knew the operators: one says it."""
    result = cli(["lint", "-k", version, "-f", "json", write("probe.yaml", SELECTOR_USES[name][0] % "Equals")])
    found = [f for f in json.loads(result.out)["findings"] if f["json_path"].endswith(".operator")]
    assert [f["rule_id"] for f in found] == ["SCH001"], found


BETA_INGRESS = ("apiVersion: %s\nkind: Ingress\nmetadata: {name: i}\nspec:\n  rules:\n  - %shttp:\n"
                "      paths: [{path: /, pathType: %s, backend: {serviceName: web, servicePort: 80}}]\n")


@pytest.mark.parametrize("api_version", ["extensions/v1beta1", "networking.k8s.io/v1beta1"])
@pytest.mark.parametrize("version", ["1.18", "1.21"])
def test_beta_ingress_path_types_from_1_18(cli, write, api_version, version):
    found = schema_findings(cli, write, BETA_INGRESS % (api_version, "", "PathPrefix"), version)
    assert severities(found) == ["error"] and '"PathPrefix" is not one of "Exact"' in found[0][2], found
    assert schema_findings(cli, write, BETA_INGRESS % (api_version, "", "Prefix"), version) == []
    # a wildcard host's rules were never validated in the beta APIs: accepted, the controller decides
    wildcard = schema_findings(cli, write, BETA_INGRESS % (api_version, "host: '*.example.com'\n    ", "PathPrefix"),
                               version)
    assert severities(wildcard) == ["warning"] and "wildcard-host" in wildcard[0][2], wildcard


def test_no_beta_path_type_before_1_18(cli, write):
    assert schema_findings(cli, write, BETA_INGRESS % ("extensions/v1beta1", "", "PathPrefix"), "1.17") == []


NODE_AFFINITY = ("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: nginx}]\n"
                 "  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n"
                 "        nodeSelectorTerms: [{matchExpressions: [{key: cores, operator: %s, values: ['4']}]}]\n")


@pytest.mark.parametrize("version", ["1.7", "1.16", "1.37"])
def test_node_selector_operators_include_gt_and_lt(cli, write, version):
    """ValidateNodeSelectorRequirement: the four label selector operators and Gt/Lt, in every release."""
    for operator in ("Gt", "Lt"):
        assert schema_findings(cli, write, NODE_AFFINITY % operator, version) == []
    found = schema_findings(cli, write, NODE_AFFINITY % "gt", version)
    assert severities(found) == ["error"] and '"Gt", "In", "Lt", "NotIn"; did you mean "Gt"?' in found[0][2]


TRUST_BUNDLE = ("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
                "  containers: [{name: c, image: nginx, volumeMounts: [{name: ca, mountPath: /ca}]}]\n"
                "  volumes:\n  - name: ca\n    projected:\n      sources:\n      - clusterTrustBundle:\n"
                "          signerName: example.com/ca\n          path: ca.pem\n"
                "          labelSelector: {matchExpressions: [{key: a, operator: %s}]}\n")


@pytest.mark.parametrize("version", ["1.29", "1.33", "1.37"])
def test_cluster_trust_bundle_sources_are_dropped_while_their_gate_is_off(cli, write, version):
    found = schema_findings(cli, write, TRUST_BUNDLE % "exists", version)
    assert severities(found) == ["warning"] and "ClusterTrustBundleProjection" in found[0][2], found
    assert schema_findings(cli, write, TRUST_BUNDLE % "Exists", version) == []
