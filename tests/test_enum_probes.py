"""Enumerated values as the API server checks them, per version: a value it refuses fails (SCH001, naming
the allowed values), its near miss passes, status fields and empty defaulted values never fail."""
from __future__ import annotations

import json

import pytest

POD = """apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: c
    image: nginx
    ports:
    - containerPort: 53
      protocol: %s
"""

# (manifest, bad value, accepted value): each rejected by the API server of 1.24+ outside its value set
PROBES = {
    "container-port-protocol": (POD, "udp", "UDP"),
    "restart-policy": ("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  restartPolicy: %s\n"
                       "  containers: [{name: c, image: nginx}]\n", "always", "Always"),
    "image-pull-policy": ("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
                          "  containers: [{name: c, image: nginx, imagePullPolicy: %s}]\n", "Sometimes", "Never"),
    "service-type": ("apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  type: %s\n"
                     "  ports: [{port: 80}]\n", "Loadbalancer", "LoadBalancer"),
    "external-traffic-policy": ("apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  type: NodePort\n"
                                "  externalTrafficPolicy: %s\n  ports: [{port: 80}]\n", "local", "Local"),
    "selector-operator": ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  selector:\n"
                          "    matchExpressions: [{key: app, operator: %s, values: [web]}]\n  template:\n"
                          "    metadata: {labels: {app: web}}\n    spec: {containers: [{name: c, image: nginx}]}\n",
                          "in", "In"),
    "ingress-path-type": ("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i}\nspec:\n"
                          "  rules:\n  - http:\n      paths:\n      - path: /\n        pathType: %s\n"
                          "        backend: {service: {name: web, port: {number: 80}}}\n", "PathPrefix", "Prefix"),
    "pvc-access-mode": ("apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: c}\nspec:\n"
                        "  accessModes: [%s]\n  resources: {requests: {storage: 1Gi}}\n", "ReadWriteOne",
                        "ReadWriteOnce"),
    "deployment-strategy": ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n"
                            "  strategy: {type: %s}\n  selector: {matchLabels: {app: web}}\n  template:\n"
                            "    metadata: {labels: {app: web}}\n    spec: {containers: [{name: c, image: nginx}]}\n",
                            "Rolling", "Recreate"),
}


def lint(cli, write, text: str, version: str):
    path = write("probe.yaml", text)
    result = cli(["lint", "-k", version, "-f", "json", path])
    return result.code, [f for f in json.loads(result.out)["findings"] if f["rule_id"] == "SCH001"]


@pytest.mark.parametrize("version", ["1.24", "1.30", "1.37"])
@pytest.mark.parametrize("name", sorted(PROBES))
def test_value_outside_the_set_fails_and_the_right_one_passes(cli, write, name, version):
    template, bad, good = PROBES[name]
    code, found = lint(cli, write, template % bad, version)
    assert code == 1 and len(found) == 1, found
    assert f'"{bad}" is not one of' in found[0]["message"] and f'"{good}"' in found[0]["message"]
    code, found = lint(cli, write, template % good, version)
    assert found == [] and code == 0, found


def test_message_names_the_values_and_the_case_slip(cli, write):
    path = write("pod.yaml", POD % "udp")
    result = cli(["lint", "-k", "1.37", path])
    assert result.code == 1
    assert (f"{path}:10:17: error SCH001 spec.containers[0].ports[0].protocol: \"udp\" is not one of "
            "\"SCTP\", \"TCP\", \"UDP\" (or empty, for the default); did you mean \"UDP\"? "
            "(values are case-sensitive)") in result.out


@pytest.mark.parametrize("version", ["1.23", "1.30", "1.37"])
def test_empty_defaulted_values_and_status_never_fail(cli, write, version):
    dump = """apiVersion: v1
kind: Pod
metadata: {name: p, namespace: default, uid: 0b6f7c1e-8f57-4f0c-9d0e-1d2a3b4c5d6e}
spec:
  restartPolicy: ""
  dnsPolicy: ""
  containers:
  - name: c
    image: nginx
    imagePullPolicy: ""
    ports: [{containerPort: 80, protocol: ""}]
  tolerations: [{key: k, operator: "", effect: ""}]
status:
  phase: Evicted
  qosClass: Platinum
  conditions: [{type: example.com/ready, status: "True"}]
"""
    code, found = lint(cli, write, dump, version)
    assert found == [] and code == 0, found


SIX_SLIPS = """apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  restartPolicy: %s
  dnsPolicy: %s
  containers:
  - name: c
    image: nginx
    imagePullPolicy: %s
    ports: [{containerPort: 80, protocol: %s}]
---
apiVersion: v1
kind: Service
metadata: {name: s}
spec:
  type: %s
  externalTrafficPolicy: %s
  selector: {app: web}
  ports: [{port: 80}]
"""


@pytest.mark.parametrize("version", ["1.9", "1.16", "1.22"])
def test_before_1_23_the_same_values_are_refused(cli, write, version):
    """Only 1.23's input lists the values, but older API servers refused the same slips (validation.go)."""
    bad = ("Sometimes", "Whatever", "Maybe", "udp", "Nodeport", "Locale")
    code, found = lint(cli, write, SIX_SLIPS % bad, version)
    assert code == 1 and len(found) == 6, found
    for value in bad:
        assert sum(f'"{value}" is not one of' in f["message"] for f in found) == 1, value
    for near_miss in (("OnFailure", "ClusterFirstWithHostNet", "IfNotPresent", "UDP", "NodePort", "Local"),
                      ('""',) * 6):
        code, found = lint(cli, write, SIX_SLIPS % near_miss, version)
        assert found == [] and code == 0, found


@pytest.mark.parametrize("version,accepted", [("1.11", False), ("1.12", True), ("1.20", True)])
def test_sctp_from_1_12(cli, write, version, accepted):
    """SCTP came in 1.12 behind a gate (beta 1.19, GA 1.20): refused before, never refused after."""
    code, found = lint(cli, write, POD % "SCTP", version)
    expected = [] if accepted else [True]
    assert ['"SCTP" is not one of' in f["message"] for f in found] == expected, found


@pytest.mark.parametrize("version,accepted", [("1.8", False), ("1.9", True)])
def test_dns_policy_none_from_1_9(cli, write, version, accepted):
    text = ("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  dnsPolicy: None\n"
            "  dnsConfig: {nameservers: [1.1.1.1]}\n  containers: [{name: c, image: nginx}]\n")
    code, found = lint(cli, write, text, version)
    expected = [] if accepted else [True]
    assert ['"None" is not one of' in f["message"] for f in found] == expected, found


def test_limit_range_types_stay_open(cli, write):
    text = ("apiVersion: v1\nkind: LimitRange\nmetadata: {name: l}\nspec:\n"
            "  limits: [{type: example.com/Widget, max: {cpu: '1'}}]\n")
    for version in ("1.23", "1.37"):
        code, found = lint(cli, write, text, version)
        assert found == [], version


@pytest.mark.parametrize("version,accepted", [("1.34", False), ("1.35", True)])
def test_toleration_comparison_operators_from_1_35(cli, write, version, accepted):
    text = ("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: nginx}]\n"
            "  tolerations: [{key: sla, operator: Gt, value: '950'}]\n")
    code, found = lint(cli, write, text, version)
    assert (found == []) == accepted, found


@pytest.mark.parametrize("version,accepted", [("1.17", True), ("1.18", False), ("1.22", False)])
def test_alpha_fields_are_open_while_their_gate_is_off_by_default(cli, write, version, accepted):
    """EvenPodsSpread was alpha (off) in 1.16-1.17: the server dropped topologySpreadConstraints unchecked."""
    text = ("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: nginx}]\n"
            "  topologySpreadConstraints: [{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: Never}]\n")
    code, found = lint(cli, write, text, version)
    expected = [] if accepted else [True]
    assert ['"Never" is not one of' in f["message"] for f in found] == expected, found
