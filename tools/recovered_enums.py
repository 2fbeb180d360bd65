"""Enumerated values of built-in fields, per Kubernetes minor, for tools/build_schemas.py.

Only the 1.23 input carries `enum` for built-in types (Kubernetes published them in 1.23 and stopped in
1.24; the later inputs lost even the "Possible enum values" lines of the descriptions; the earlier ones never
had them). The API server checked those values before 1.23 and kept checking them after, so the builder
carries each 1.23 enum to every other minor whose definition (same name) has the field, then applies the
tables below; an earlier minor loses the values its API server did not know yet (EARLIER_LIMITS). Each table entry was checked against the
API server's validation (kubernetes `pkg/apis/*/validation`, apimachinery's label selector validation):

* an enum is kept only where validation answers `Unsupported value` (or `Required`) outside of it;
* a field that the API server defaults when it is empty accepts `""` (defaulting runs before validation);
* status fields get no enum at all: dumps of live objects must never fail on what a controller wrote.
"""
from __future__ import annotations

from dataclasses import dataclass

DONOR_MINOR = "1.23"  # the last input with `enum` keywords for built-in types

CORE = "io.k8s.api.core.v1."
APPS = "io.k8s.api.apps.v1."
BATCH = "io.k8s.api.batch.v1."
META = "io.k8s.apimachinery.pkg.apis.meta.v1."
NETWORKING = "io.k8s.api.networking.v1."
STORAGE = "io.k8s.api.storage.v1."
NETWORKING_BETA = "io.k8s.api.networking.v1beta1."
EXTENSIONS_BETA = "io.k8s.api.extensions.v1beta1."

# 1.7 names the same types after the kubernetes tree they were generated from (io.k8s.api.* is 1.8's
# staging repository); a 1.7 definition is looked up under its later name.
OLD_PREFIXES = {
    "io.k8s.kubernetes.pkg.api.v1.": CORE,
    "io.k8s.kubernetes.pkg.apis.batch.v1.": BATCH,
    "io.k8s.kubernetes.pkg.apis.networking.v1.": NETWORKING,
    "io.k8s.kubernetes.pkg.apis.storage.v1.": STORAGE,
}

# A field is (definition name, path of keys from the definition to the string node).


def prop(definition: str, *names: str) -> tuple:
    path: list = []
    for name in names:
        path += ["items"] if name == "[]" else ["properties", name]
    return definition, tuple(path)


# Status written by controllers and kubelets; validation does not check these values on create.
STATUS_ONLY = frozenset({
    prop(CORE + "NamespaceStatus", "phase"),
    prop(CORE + "NodeStatus", "phase"),
    prop(CORE + "NodeAddress", "type"),
    prop(CORE + "PersistentVolumeClaimStatus", "phase"),
    prop(CORE + "PersistentVolumeStatus", "phase"),
    prop(CORE + "PodStatus", "phase"),
    prop(CORE + "PodStatus", "qosClass"),
    prop(CORE + "PortStatus", "protocol"),
})

# 1.23 enums the API server does not enforce: dropped in every minor, 1.23 included.
NOT_ENFORCED = {
    # validateLimitRangeTypeName: any qualified name with a prefix ("example.com/Foo") is accepted
    prop(CORE + "LimitRangeItem", "type"): "custom limit types are accepted",
}

# 1.23 enums whose value set changed with feature gates: kept for 1.23 only, not carried to other minors.
NOT_CARRIED = {
    prop(CORE + "ScopedResourceSelectorRequirement", "scopeName"): "new quota scopes behind feature gates",
}

# Fields the API server defaults when they are empty: "" is accepted (and becomes the default).
ACCEPTS_EMPTY = frozenset({
    prop(CORE + "Container", "imagePullPolicy"),
    prop(CORE + "Container", "terminationMessagePolicy"),
    prop(CORE + "EphemeralContainer", "imagePullPolicy"),
    prop(CORE + "EphemeralContainer", "terminationMessagePolicy"),
    prop(CORE + "ContainerPort", "protocol"),
    prop(CORE + "ServicePort", "protocol"),
    prop(CORE + "EndpointPort", "protocol"),
    prop(CORE + "PodSpec", "dnsPolicy"),
    prop(CORE + "PodSpec", "restartPolicy"),
    prop(CORE + "ServiceSpec", "type"),
    prop(CORE + "ServiceSpec", "sessionAffinity"),
    prop(CORE + "ServiceSpec", "externalTrafficPolicy"),
    prop(CORE + "HTTPGetAction", "scheme"),
    prop(CORE + "PersistentVolumeSpec", "persistentVolumeReclaimPolicy"),
    prop(CORE + "Toleration", "effect"),  # empty: tolerates every effect
    prop(CORE + "Toleration", "operator"),  # empty: Equal
    prop(CORE + "HostPathVolumeSource", "type"),  # empty: no check on the path
    prop(APPS + "DeploymentStrategy", "type"),
    prop(APPS + "DaemonSetUpdateStrategy", "type"),
    prop(APPS + "StatefulSetSpec", "podManagementPolicy"),
    prop(APPS + "StatefulSetUpdateStrategy", "type"),
    prop(BATCH + "CronJobSpec", "concurrencyPolicy"),
    prop(STORAGE + "StorageClass", "reclaimPolicy"),  # validateReclaimPolicy skips "" (len > 0 guard)
})

# Values of a 1.23 enum that an earlier API server refused: {field: [(value, first minor accepting it)]}.
# A feature-gated value counts from the first minor whose server could accept it (a gate may be on), so
# that k8slint never refuses what some cluster of that minor accepts.
_SCTP_FROM = [("SCTP", "1.12")]  # ProtocolSCTP: alpha (SCTPSupport gate) in 1.12, beta 1.19, GA 1.20
EARLIER_LIMITS = {
    prop(CORE + "ContainerPort", "protocol"): _SCTP_FROM,
    prop(CORE + "ServicePort", "protocol"): _SCTP_FROM,
    prop(CORE + "EndpointPort", "protocol"): _SCTP_FROM,
    # DNSNone: alpha (CustomPodDNS gate) in 1.9, beta and default-on 1.10, GA 1.14
    prop(CORE + "PodSpec", "dnsPolicy"): [("None", "1.9")],
    # NetworkPolicyPort: TCP and UDP only until SCTPSupport (alpha 1.12)
    prop(NETWORKING + "NetworkPolicyPort", "protocol"): _SCTP_FROM,
    # ReadWriteOncePod: alpha (ReadWriteOncePod gate) in 1.22, beta 1.27, GA 1.29
    prop(CORE + "PersistentVolumeClaimSpec", "accessModes", "[]"): [("ReadWriteOncePod", "1.22")],
    prop(CORE + "PersistentVolumeSpec", "accessModes", "[]"): [("ReadWriteOncePod", "1.22")],
}

# Fields of an alpha feature whose gate was off by default: such a server drops the field before
# validation, so any value is accepted; no enum before the minor the gate went on by default.
GATED_UNTIL = {
    # EvenPodsSpread: alpha 1.16-1.17 (dropDisabledFields clears topologySpreadConstraints), beta 1.18
    prop(CORE + "TopologySpreadConstraint", "whenUnsatisfiable"): "1.18",
    # EphemeralContainers: alpha 1.16-1.22 (dropped while the gate is off), beta 1.23
    prop(CORE + "EphemeralContainer", "imagePullPolicy"): "1.23",
    prop(CORE + "EphemeralContainer", "terminationMessagePolicy"): "1.23",
}

# Values a later minor accepts on top of the 1.23 set: {field: [(from minor, [values])]}.
LATER_VALUES = {
    # TaintTolerationComparisonOperators (alpha in 1.35): a cluster with the gate on accepts them
    prop(CORE + "Toleration", "operator"): [("1.35", ["Gt", "Lt"])],
}


@dataclass(frozen=True)
class AddedEnum:
    """A field 1.23's input has no enum for, whose values the API server checks."""

    field: tuple
    values: tuple
    since: str  # first minor it applies to (the field may appear later; it applies where it exists)
    checked_by: str  # the validation that rejects other values


ADDED = (
    AddedEnum(prop(META + "LabelSelectorRequirement", "operator"), ("DoesNotExist", "Exists", "In", "NotIn"),
              "1.7", "ValidateLabelSelectorRequirement (apimachinery, unchanged since 1.7), which validation calls "
              "for workload, Job, PDB, PVC and NetworkPolicy selectors, pod affinity terms, webhook and "
              "ClusterRole aggregation selectors; the uses it skips are warnings (k8slint/enumscope.py)"),
    AddedEnum(prop(CORE + "ServiceSpec", "internalTrafficPolicy"), ("Cluster", "Local"), "1.22",
              "validateServiceInternalTrafficFieldsValue (ServiceInternalTrafficPolicy: alpha 1.21, dropped "
              "while off; beta 1.22)"),
    AddedEnum(prop(CORE + "ServiceSpec", "ipFamilyPolicy"), ("PreferDualStack", "RequireDualStack", "SingleStack"),
              "1.21", "validateIPFamilyPolicy (IPv6DualStack: alpha 1.20, dropped while off; beta 1.21)"),
    AddedEnum(prop(CORE + "ServiceSpec", "ipFamilies", "[]"), ("IPv4", "IPv6"), "1.21",
              "validateIPFamilies (IPv6DualStack: alpha 1.20, dropped while off; beta 1.21)"),
    AddedEnum(prop(CORE + "PersistentVolumeClaimSpec", "accessModes", "[]"),
              ("ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"), "1.7",
              "ValidatePersistentVolumeClaimSpec supportedAccessModes (ReadWriteOncePod from 1.22: a gate may "
              "allow it before 1.29)"),
    AddedEnum(prop(CORE + "PersistentVolumeSpec", "accessModes", "[]"),
              ("ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"), "1.7",
              "ValidatePersistentVolumeSpec supportedAccessModes"),
    AddedEnum(prop(CORE + "PersistentVolumeClaimSpec", "volumeMode"), ("Block", "Filesystem"), "1.13",
              "ValidatePersistentVolumeClaimSpec (BlockVolume: alpha 1.9-1.12, dropped while off; beta 1.13)"),
    AddedEnum(prop(CORE + "PersistentVolumeSpec", "volumeMode"), ("Block", "Filesystem"), "1.13",
              "ValidatePersistentVolumeSpec (BlockVolume: alpha 1.9-1.12, dropped while off; beta 1.13)"),
    AddedEnum(prop(CORE + "VolumeMount", "mountPropagation"), ("Bidirectional", "HostToContainer", "None"),
              "1.10", "validateMountPropagation (MountPropagation: alpha 1.8-1.9, dropped while off; beta "
              "1.10, when None was added)"),
    AddedEnum(prop(CORE + "HostPathVolumeSource", "type"),
              ("BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"),
              "1.9", "validateHostPathType (called for every hostPath volume, no gate, in 1.9; 1.8 not checked)"),
    AddedEnum(prop(CORE + "PodOS", "name"), ("linux", "windows"), "1.24",
              "validateOS (the field is dropped while the IdentifyPodOS gate is off, so not 1.23)"),
    AddedEnum(prop(CORE + "AppArmorProfile", "type"), ("Localhost", "RuntimeDefault", "Unconfined"), "1.23",
              "validateAppArmorProfileField"),
    AddedEnum(prop(BATCH + "JobSpec", "completionMode"), ("Indexed", "NonIndexed"), "1.22",
              "validateJobSpec (IndexedJob: alpha 1.21, dropped while off; beta 1.22)"),
    AddedEnum(prop(NETWORKING + "HTTPIngressPath", "pathType"), ("Exact", "ImplementationSpecific", "Prefix"),
              "1.19", "validateHTTPIngressPath (networking.k8s.io/v1 Ingress is served from 1.19)"),
    # v1beta1 Ingresses (1.18-1.21): an omitted pathType defaults to ImplementationSpecific, any other value
    # is NotSupported; the paths of a wildcard-host rule go unchecked (k8slint/enumscope.py)
    AddedEnum(prop(NETWORKING_BETA + "HTTPIngressPath", "pathType"), ("Exact", "ImplementationSpecific", "Prefix"),
              "1.18", "validateHTTPIngressPath (pathType is new in 1.18)"),
    AddedEnum(prop(EXTENSIONS_BETA + "HTTPIngressPath", "pathType"), ("Exact", "ImplementationSpecific", "Prefix"),
              "1.18", "validateHTTPIngressPath (the same internal type as networking.k8s.io/v1beta1)"),
    AddedEnum(prop(NETWORKING + "NetworkPolicySpec", "policyTypes", "[]"), ("Egress", "Ingress"), "1.8",
              "ValidateNetworkPolicySpec (policyTypes is new in 1.8)"),
    AddedEnum(prop(NETWORKING + "NetworkPolicyPort", "protocol"), ("SCTP", "TCP", "UDP"), "1.7",
              "ValidateNetworkPolicySpec (TCP and UDP; SCTP from 1.12)"),
    AddedEnum(prop(STORAGE + "StorageClass", "reclaimPolicy"), ("Delete", "Retain"), "1.8",
              "validateReclaimPolicy (reclaimPolicy is new in 1.8; Recycle is refused for a StorageClass)"),
    AddedEnum(prop(STORAGE + "StorageClass", "volumeBindingMode"), ("Immediate", "WaitForFirstConsumer"), "1.10",
              "validateVolumeBindingMode (VolumeScheduling: alpha 1.9, beta and on 1.10)"),
)

NOTES = [
    "Enumerated values: the 1.23 input's enums are carried to every other minor whose definition (same "
    "name) has the field (the later inputs dropped them, the earlier ones never had them; the API server "
    "checked the values all along), minus the values an earlier server did not know yet (earlier_limits: "
    "SCTP before 1.12, dnsPolicy None before 1.9) and the fields of alpha features "
    "whose gate was off by default (gated_until: the server dropped them, accepting any value); status "
    "fields get none, nor does LimitRangeItem.type (custom limit types are accepted); a field the API "
    "server defaults when empty also accepts \"\"; fields 1.23 had no enum for but whose values validation "
    "checks get one from the minor given (enum_recovery lists them). 1.7's definitions "
    "(io.k8s.kubernetes.pkg.api.v1.* and the like) are matched under their 1.8 names (io.k8s.api.core.v1.*).",
]


def _minor_key(text: str) -> tuple:
    return tuple(int(p) for p in text.split("."))


def node_at(definition: dict, path: tuple):
    node = definition
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
        if node is None:
            return None
    return node if isinstance(node, dict) else None


def enums_of(defs: dict) -> dict:
    """{(definition, path): values} of every enum on a string node directly inside a definition."""
    found: dict = {}

    def walk(name: str, node, path: tuple) -> None:
        if not isinstance(node, dict):
            return
        if isinstance(node.get("enum"), list) and path:
            found[(name, path)] = list(node["enum"])
        for key, child in (node.get("properties") or {}).items():
            walk(name, child, path + ("properties", key))
        if isinstance(node.get("items"), dict):
            walk(name, node["items"], path + ("items",))

    for name, definition in defs.items():
        walk(name, definition, ())
    return found


def later_name(name: str) -> str:
    """The io.k8s.api.* name of a 1.7 definition (other names unchanged)."""
    for old, new in OLD_PREFIXES.items():
        if name.startswith(old):
            return new + name[len(old):]
    return name


def _is_string_node(node) -> bool:
    return isinstance(node, dict) and node.get("type") == "string" and "$ref" not in node


def apply(minor: str, defs: dict, donor: dict | None, used: set) -> int:
    """Set the enums of one minor's canonical definitions in place; returns how many nodes carry one.

    donor: enums_of() the donor minor's definitions (None when the donor minor is not among the inputs).
    used: collects every table entry that matched something, so that the build can report dead entries.
    """
    by_later_name = {later_name(name): definition for name, definition in defs.items()}
    wanted: dict = {}
    if minor == DONOR_MINOR:
        wanted.update(enums_of(defs))
    elif donor:
        wanted.update({f: v for f, v in donor.items() if f not in NOT_CARRIED})
    for entry in ADDED:
        if _minor_key(minor) >= _minor_key(entry.since):
            wanted[entry.field] = list(entry.values)
    for f in list(wanted):
        if f in STATUS_ONLY or f in NOT_ENFORCED:
            used.add(f)
            del wanted[f]
        elif f in GATED_UNTIL and _minor_key(minor) < _minor_key(GATED_UNTIL[f]):
            if node_at(by_later_name.get(f[0]) or {}, f[1]) is not None:
                used.add(("gated",) + f)
            del wanted[f]
    count = 0
    for (name, path), values in sorted(wanted.items()):
        node = node_at(by_later_name.get(name) or {}, path)
        if not _is_string_node(node):
            continue
        values = list(values)
        for value, since in EARLIER_LIMITS.get((name, path), ()):
            if _minor_key(minor) < _minor_key(since) and value in values:
                used.add((name, path, value, since))
                values.remove(value)
        for since, more in LATER_VALUES.get((name, path), ()):
            if _minor_key(minor) >= _minor_key(since):
                used.add((name, path, since))
                values += more
        if (name, path) in ACCEPTS_EMPTY:
            used.add(("empty", name, path))
            values.append("")
        node["enum"] = sorted(set(values))
        used.add((name, path))
        count += 1
    # the donor's own status and unenforced enums
    for f in STATUS_ONLY | set(NOT_ENFORCED):
        node = node_at(by_later_name.get(f[0]) or {}, f[1])
        if node is not None and node.pop("enum", None) is not None:
            used.add(f)
    return count


def unused_entries(used: set) -> list:
    """Table entries that matched no field of any minor (a typo, or a field that no longer exists)."""
    out = []
    for f in list(STATUS_ONLY) + list(NOT_ENFORCED) + list(NOT_CARRIED) + [e.field for e in ADDED]:
        if f not in used and f not in NOT_CARRIED:
            out.append(f"{f[0]}/{'/'.join(f[1])}")
    for f in ACCEPTS_EMPTY:
        if ("empty",) + f not in used:
            out.append(f"empty {f[0]}/{'/'.join(f[1])}")
    for f, until in GATED_UNTIL.items():
        if ("gated",) + f not in used:
            out.append(f"{f[0]}/{'/'.join(f[1])} gated before {until}")
    for f, limits in EARLIER_LIMITS.items():
        for value, since in limits:
            if f + (value, since) not in used:
                out.append(f"{f[0]}/{'/'.join(f[1])} {value} before {since}")
    for f, later in LATER_VALUES.items():
        for since, _values in later:
            if f + (since,) not in used:
                out.append(f"{f[0]}/{'/'.join(f[1])} from {since}")
    return sorted(out)


def table_summary() -> dict:
    """What PROVENANCE.json records about the tables (they are code; this makes the data explain itself)."""
    def name(f):
        return f"{f[0]}/{'/'.join(f[1])}"
    return {
        "donor_minor": DONOR_MINOR,
        "status_only_dropped": sorted(name(f) for f in STATUS_ONLY),
        "not_enforced_dropped": {name(f): why for f, why in sorted(NOT_ENFORCED.items())},
        "not_carried_forward": {name(f): why for f, why in sorted(NOT_CARRIED.items())},
        "accepts_empty": sorted(name(f) for f in ACCEPTS_EMPTY),
        "earlier_limits": {name(f): [{"value": v, "accepted_from": since} for v, since in limits]
                           for f, limits in sorted(EARLIER_LIMITS.items())},
        "gated_until": {name(f): until for f, until in sorted(GATED_UNTIL.items())},
        "later_values": {name(f): later for f, later in sorted(LATER_VALUES.items())},
        "added": {name(e.field): {"values": list(e.values), "since": e.since, "checked_by": e.checked_by}
                  for e in ADDED},
    }
