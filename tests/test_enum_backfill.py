"""Enumerated values recovered for fields 1.23's input had no `enum` for, carried back to the minor whose
API server first refused other values by default; before it (field unknown, or an alpha field the server
dropped while its gate was off) the same value passes. 1.7's differently named core types get them too."""
from __future__ import annotations

import json

import pytest

PVC = ("apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: c}\nspec:\n  accessModes: [%s]\n"
       "  resources: {requests: {storage: 1Gi}}\n")
PV = ("apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: v}\nspec:\n  accessModes: [%s]\n"
      "  capacity: {storage: 1Gi}\n  hostPath: {path: /data}\n")
PVC_MODE = ("apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: c}\nspec:\n  accessModes: [ReadWriteOnce]\n"
            "  volumeMode: %s\n  resources: {requests: {storage: 1Gi}}\n")
MOUNT = ("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  volumes: [{name: d, emptyDir: {}}]\n"
         "  containers:\n  - name: c\n    image: nginx\n"
         "    volumeMounts: [{name: d, mountPath: /d, mountPropagation: %s}]\n")
HOSTPATH = ("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
            "  volumes: [{name: d, hostPath: {path: /d, type: %s}}]\n"
            "  containers: [{name: c, image: nginx, volumeMounts: [{name: d, mountPath: /d}]}]\n")
NETPOL_PORT = ("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: n}\nspec:\n  podSelector: {}\n"
               "  ingress: [{ports: [{port: 80, protocol: %s}]}]\n")
NETPOL_TYPES = ("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: n}\nspec:\n"
                "  podSelector: {}\n  policyTypes: [%s]\n")
STORAGE_CLASS = ("apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: s}\n"
                 "provisioner: example.com/disk\n%s\n")
INGRESS = ("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i}\nspec:\n  rules:\n  - http:\n"
           "      paths:\n      - path: /\n        pathType: %s\n"
           "        backend: {service: {name: web, port: {number: 80}}}\n")
SERVICE = "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  %s\n  ports: [{port: 80}]\n"
JOB = ("apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec:\n  completions: 2\n  completionMode: %s\n"
       "  template:\n    spec:\n      restartPolicy: Never\n      containers: [{name: c, image: busybox}]\n")

# name: (manifest, refused value, accepted near miss, last minor accepting anything, first minor refusing)
BACKFILLED = {
    "pvc-access-mode": (PVC, "ReadWriteOne", "ReadWriteOnce", None, "1.7"),
    "pv-access-mode": (PV, "ReadOnlyOnce", "ReadOnlyMany", None, "1.7"),
    "pvc-volume-mode": (PVC_MODE, "block", "Block", "1.12", "1.13"),  # BlockVolume alpha until 1.12
    "mount-propagation": (MOUNT, "Shared", "HostToContainer", "1.9", "1.10"),  # alpha until 1.9
    "host-path-type": (HOSTPATH, "Dir", "DirectoryOrCreate", "1.8", "1.9"),  # 1.8 unchecked: left open
    "network-policy-port-protocol": (NETPOL_PORT, "tcp", "UDP", None, "1.7"),
    "network-policy-types": (NETPOL_TYPES, "ingress", "Egress", None, "1.8"),  # new in 1.8
    "storage-class-reclaim-policy": (STORAGE_CLASS % "reclaimPolicy: %s", "Recycle", "Retain", None, "1.8"),
    "storage-class-binding-mode": (STORAGE_CLASS % "volumeBindingMode: %s", "Lazy", "WaitForFirstConsumer",
                                   "1.9", "1.10"),  # VolumeScheduling alpha in 1.9
    "ingress-path-type": (INGRESS, "PathPrefix", "Prefix", None, "1.19"),  # networking.k8s.io/v1 from 1.19
    "service-ip-family-policy": (SERVICE % "ipFamilyPolicy: %s", "DualStack", "PreferDualStack", "1.20", "1.21"),
    "service-ip-families": (SERVICE % "ipFamilies: [%s]", "IPv5", "IPv6", "1.20", "1.21"),
    "service-internal-traffic-policy": (SERVICE % "internalTrafficPolicy: %s", "local", "Local", "1.21", "1.22"),
    "job-completion-mode": (JOB, "indexed", "Indexed", "1.21", "1.22"),  # IndexedJob alpha in 1.21
}


def minor_key(text: str) -> tuple:
    return tuple(int(p) for p in text.split("."))


def refusals(cli, write, text: str, version: str) -> list:
    path = write("probe.yaml", text)
    result = cli(["lint", "-k", version, "-f", "json", path])
    return [f["message"] for f in json.loads(result.out)["findings"]
            if f["rule_id"] == "SCH001" and "is not one of" in f["message"]]


CASES = sorted((name, version) for name, (_t, _b, _g, open_until, start) in BACKFILLED.items()
               for version in {start, "1.22", open_until or start} if minor_key(version) >= minor_key("1.7"))


@pytest.mark.parametrize("name,version", CASES)
def test_backfilled_enum_per_minor(cli, write, name, version):
    template, bad, good, open_until, start = BACKFILLED[name]
    if minor_key(version) < minor_key(start):
        assert refusals(cli, write, template % bad, version) == [], "accepted before " + start
        return
    found = refusals(cli, write, template % bad, version)
    assert len(found) == 1 and f'"{bad}" is not one of' in found[0] and f'"{good}"' in found[0], found
    assert refusals(cli, write, template % good, version) == []


@pytest.mark.parametrize("version,accepted", [("1.21", False), ("1.22", True), ("1.30", True)])
def test_read_write_once_pod_from_1_22(cli, write, version, accepted):
    """ReadWriteOncePod: alpha (gate) in 1.22, GA 1.29; a 1.22 cluster with the gate on accepts it."""
    found = refusals(cli, write, PVC % "ReadWriteOncePod", version)
    assert (found == []) == accepted, found


@pytest.mark.parametrize("version,accepted", [("1.11", False), ("1.12", True)])
def test_network_policy_sctp_from_1_12(cli, write, version, accepted):
    found = refusals(cli, write, NETPOL_PORT % "SCTP", version)
    assert (found == []) == accepted, found


@pytest.mark.parametrize("version", ["1.8", "1.23", "1.37"])
def test_storage_class_empty_reclaim_policy_is_accepted(cli, write, version):
    """validateReclaimPolicy only looks at a non-empty value (defaulting leaves an explicit "" alone)."""
    assert refusals(cli, write, STORAGE_CLASS % 'reclaimPolicy: ""', version) == []


def test_1_7_gets_the_enums_under_its_own_definition_names(cli, write):
    """1.7 names core types io.k8s.kubernetes.pkg.api.v1.*; its value sets: no SCTP, no dnsPolicy None."""
    pod = ("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  restartPolicy: %s\n  dnsPolicy: %s\n"
           "  containers:\n  - name: c\n    image: nginx\n    imagePullPolicy: %s\n"
           "    ports: [{containerPort: 80, protocol: %s}]\n")
    found = refusals(cli, write, pod % ("Sometimes", "Whatever", "Maybe", "udp"), "1.7")
    assert len(found) == 4, found
    assert refusals(cli, write, pod % ("OnFailure", "ClusterFirstWithHostNet", "IfNotPresent", "UDP"), "1.7") == []
    assert len(refusals(cli, write, pod % ("Always", "None", "Always", "SCTP"), "1.7")) == 2
    assert len(refusals(cli, write, SERVICE % "type: Nodeport", "1.7")) == 1
    assert refusals(cli, write, SERVICE % "type: NodePort", "1.7") == []
