"""apiVersion changes that need no judgement: the replacement comes from the rule data (`replacement` of
the API record), and this table only says which records are field-for-field compatible, plus the few
mechanical renames some of them need. Everything listed here is a safe fix."""
from __future__ import annotations

from ...rules import rules_by_id, windows
from ..render import FlowList
from . import SAFE, NoFix, Proposal, api, as_list


def _renames(pairs):
    """A transform renaming spec fields: [(old path, new path)]."""
    def transform(ed):
        notes = []
        for old, new in pairs:
            if ed.has(old):
                if ed.has(new):
                    raise NoFix(f"both {'.'.join(old)} and {'.'.join(new)} are set")
                if old[:-1] == new[:-1]:
                    ed.rename(old, new[-1])
                else:
                    value = ed.extract(old)
                    ed.delete(old)
                    ed.set(new, value)
                notes.append(f"{'.'.join(old)} -> {'.'.join(new)}")
        return notes
    return transform


def _rbac_subjects(ed):
    """rbac v1alpha1 subjects named their group with apiVersion; later versions use apiGroup."""
    notes = []
    for i, subject in enumerate(as_list(ed.get(("subjects",)))):
        if isinstance(subject, dict) and "apiVersion" in subject:
            group = "" if subject.get("kind") == "ServiceAccount" else "rbac.authorization.k8s.io"
            ed.delete(("subjects", i, "apiVersion"))
            if "apiGroup" not in subject:
                ed.set(("subjects", i, "apiGroup"), group)
            notes.append(f"subjects[{i}].apiVersion -> apiGroup: {group!r}")
    return notes


def _priority_shares(zero_means_default: bool):
    """PriorityLevelConfiguration: assuredConcurrencyShares (up to v1beta2) is nominalConcurrencyShares in v1,
    where an explicit 0 stays 0; before v1beta3 a 0 meant the default, 30."""
    def transform(ed):
        notes = []
        old, new = ("spec", "limited", "assuredConcurrencyShares"), ("spec", "limited", "nominalConcurrencyShares")
        if str(ed.get(("apiVersion",))).endswith("/v1beta2"):
            return notes  # a step of the plan that stops at v1beta2 (cluster 1.23-1.25): the old name stays
        if ed.has(old):
            value = ed.get(old)
            ed.rename(old, "nominalConcurrencyShares")
            notes.append("spec.limited.assuredConcurrencyShares -> nominalConcurrencyShares")
            if value == 0 and zero_means_default:
                ed.set(new, 30)
                notes.append("pinned nominalConcurrencyShares: 30 (an explicit 0 meant the default, 30, before "
                             "v1beta3; v1 would read it as 0 shares)")
        return notes
    return transform


PRESERVE_ZERO = "flowcontrol.k8s.io/v1beta3-preserve-zero-concurrency-shares"


def _v1beta3_shares(ed):
    """v1beta3 read an explicit nominalConcurrencyShares: 0 as the default, 30, unless the preserve-zero
    annotation was set; v1 reads 0 as zero shares. Pin 30 (or keep an intended 0) and drop the annotation."""
    notes = []
    shares = ("spec", "limited", "nominalConcurrencyShares")
    annotations = ed.get(("metadata", "annotations"))
    preserve = isinstance(annotations, dict) and PRESERVE_ZERO in annotations
    if ed.get(("kind",)) == "PriorityLevelConfiguration" and ed.has(shares) and ed.get(shares) == 0 and not preserve:
        ed.set(shares, 30)
        notes.append("pinned nominalConcurrencyShares: 30 (v1beta3 read an explicit 0 as the default, 30; v1 would "
                     "give the priority level zero shares)")
    if preserve:
        if len(annotations) == 1:
            ed.delete(("metadata", "annotations"))
        else:
            ed.delete(("metadata", "annotations", PRESERVE_ZERO))
        notes.append(f"dropped the {PRESERVE_ZERO} annotation (v1 keeps a 0 as zero shares by itself)")
    return notes


def _validation_actions(ed):
    """ValidatingAdmissionPolicyBinding v1alpha1 (1.26) had no validationActions and denied; v1 requires it."""
    if ed.get(("kind",)) == "ValidatingAdmissionPolicyBinding" and not ed.has(("spec", "validationActions")):
        ed.set(("spec", "validationActions"), FlowList(["Deny"]))
        return ["pinned spec.validationActions: [Deny] (what a v1alpha1 binding without it did; v1 requires the "
                "field)"]
    return []


def _endpoint_topology(ed):
    """EndpointSlice v1alpha1/v1beta1: topology labels become nodeName and zone; other keys survive in the
    deprecatedTopology map."""
    notes = []
    for i, endpoint in enumerate(as_list(ed.get(("endpoints",)))):
        topology = endpoint.get("topology") if isinstance(endpoint, dict) else None
        if not isinstance(topology, dict):
            continue
        rest = dict(topology)
        host = rest.pop("kubernetes.io/hostname", None)
        zone = rest.pop("topology.kubernetes.io/zone", None)
        for name, value in (("nodeName", host), ("zone", zone)):
            if value is not None:
                if endpoint.get(name) not in (None, value):
                    raise NoFix(f"endpoints[{i}].{name} disagrees with its topology label")
                ed.setdefault(("endpoints", i, name), value)
        if rest:
            ed.rename(("endpoints", i, "topology"), "deprecatedTopology")
            for name in ("kubernetes.io/hostname", "topology.kubernetes.io/zone"):
                ed.delete(("endpoints", i, "deprecatedTopology", name))
        else:
            ed.delete(("endpoints", i, "topology"))
        notes.append(f"endpoints[{i}].topology -> nodeName/zone" + (" and deprecatedTopology" if rest else ""))
    return notes


def _runtimeclass_alpha(ed):
    notes = []
    spec = ed.get(("spec",))
    if not isinstance(spec, dict):
        return notes
    for old, new in (("runtimeHandler", "handler"), ("overhead", "overhead"), ("scheduling", "scheduling")):
        if old in spec:
            if ed.has((new,)):
                raise NoFix(f"both spec.{old} and {new} are set")
            ed.set((new,), ed.extract(("spec", old)), before="spec")
            notes.append(f"spec.{old} -> {new}")
    ed.delete(("spec",))
    return notes


def _csr_check(resource):
    """CertificateSigningRequest v1beta1 -> v1 needs an explicit signer: nothing can guess it."""
    signer = resource.get(("spec", "signerName"))
    if not signer or signer == "kubernetes.io/legacy-unknown":
        raise NoFix("certificates.k8s.io/v1 requires spec.signerName (kubernetes.io/legacy-unknown cannot be "
                    "requested through v1), and which signer fits depends on what the certificate is for",
                    "Add spec.signerName: kubernetes.io/kube-apiserver-client (client certificates), "
                    "kubernetes.io/kube-apiserver-client-kubelet, kubernetes.io/kubelet-serving or your own "
                    "signer, make spec.usages explicit and duplicate-free, then set apiVersion: "
                    "certificates.k8s.io/v1.")


def _csr(ed):
    """CertificateSigningRequest v1beta1 -> v1: usages were defaulted, v1 requires them."""
    if not ed.has(("spec", "usages")):
        ed.set(("spec", "usages"), FlowList(["digital signature", "key encipherment"]))
        return ["pinned spec.usages: [digital signature, key encipherment] (the v1beta1 default; v1 requires it)"]
    return []


def _certificates(ed):
    return _csr(ed) if ed.get(("kind",)) == "CertificateSigningRequest" else []


# (apiVersion, kinds or None for every kind of the record) -> transform(editor) -> notes, or None.
BUMPS = {
    ("apps/v1beta1", ("ControllerRevision",)): None,
    ("apps/v1beta2", ("ControllerRevision",)): None,
    ("extensions/v1beta1", ("NetworkPolicy",)): None,
    ("batch/v2alpha1", ("CronJob",)): None,
    ("batch/v1beta1", ("CronJob",)): None,
    ("batch/v2alpha1", ("ScheduledJob",)): None,  # kind CronJob (from the replacement)
    ("apiregistration.k8s.io/v1beta1", None): None,
    ("authentication.k8s.io/v1beta1", ("TokenReview",)): None,
    ("authentication.k8s.io/v1alpha1", ("SelfSubjectReview",)): None,
    ("authentication.k8s.io/v1beta1", ("SelfSubjectReview",)): None,
    ("authorization.k8s.io/v1beta1", ("LocalSubjectAccessReview", "SelfSubjectAccessReview",
                                      "SubjectAccessReview")): _renames([(("spec", "group"), ("spec", "groups"))]),
    ("authorization.k8s.io/v1beta1", ("SelfSubjectRulesReview",)): None,
    ("certificates.k8s.io/v1beta1", ("CertificateSigningRequest",)): _certificates,
    ("certificates.k8s.io/v1alpha1", ("ClusterTrustBundle",)): None,
    ("certificates.k8s.io/v1beta1", ("ClusterTrustBundle",)): None,
    ("coordination.k8s.io/v1beta1", ("Lease",)): None,
    ("coordination.k8s.io/v1alpha2", ("LeaseCandidate",)): None,
    ("discovery.k8s.io/v1alpha1", ("EndpointSlice",)): _endpoint_topology,
    ("discovery.k8s.io/v1beta1", ("EndpointSlice",)): _endpoint_topology,
    ("events.k8s.io/v1beta1", ("Event",)): None,
    ("flowcontrol.apiserver.k8s.io/v1alpha1", None): _priority_shares(True),
    ("flowcontrol.apiserver.k8s.io/v1beta1", None): _priority_shares(True),
    ("flowcontrol.apiserver.k8s.io/v1beta2", None): _priority_shares(True),
    ("flowcontrol.apiserver.k8s.io/v1beta3", None): _v1beta3_shares,
    ("networking.k8s.io/v1beta1", ("IngressClass",)): None,
    ("networking.k8s.io/v1alpha1", ("IPAddress",)): None,
    ("networking.k8s.io/v1alpha1", ("ServiceCIDR",)): None,
    ("networking.k8s.io/v1beta1", ("IPAddress", "ServiceCIDR")): None,
    ("node.k8s.io/v1alpha1", ("RuntimeClass",)): _runtimeclass_alpha,
    ("node.k8s.io/v1beta1", ("RuntimeClass",)): None,
    ("rbac.authorization.k8s.io/v1alpha1", None): _rbac_subjects,
    ("rbac.authorization.k8s.io/v1beta1", None): None,
    ("scheduling.k8s.io/v1alpha1", ("PriorityClass",)): None,
    ("scheduling.k8s.io/v1beta1", ("PriorityClass",)): None,
    ("storage.k8s.io/v1beta1", ("CSIDriver",)): None,
    ("storage.k8s.io/v1beta1", ("CSINode",)): None,
    ("storage.k8s.io/v1beta1", ("StorageClass",)): None,
    ("storage.k8s.io/v1beta1", ("VolumeAttachment",)): None,
    ("storage.k8s.io/v1alpha1", ("VolumeAttachment",)): None,
    ("storage.k8s.io/v1alpha1", ("CSIStorageCapacity",)): None,
    ("storage.k8s.io/v1beta1", ("CSIStorageCapacity",)): None,
    ("storage.k8s.io/v1alpha1", ("VolumeAttributesClass",)): None,
    ("storage.k8s.io/v1beta1", ("VolumeAttributesClass",)): None,
    ("admissionregistration.k8s.io/v1alpha1", ("ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding")):
        _validation_actions,
    ("admissionregistration.k8s.io/v1beta1", ("ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding")):
        None,
    ("admissionregistration.k8s.io/v1beta1", ("MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding")): None,
    ("storagemigration.k8s.io/v1beta1", ("StorageVersionMigration",)): None,
    ("snapshot.storage.k8s.io/v1beta1", None): None,
    ("audit.k8s.io/v1alpha1", ("Policy",)): None,
    ("audit.k8s.io/v1beta1", ("Policy",)): None,
    ("resource.k8s.io/v1beta2", None): None,
}


# Preconditions checked when the fix is proposed (they raise NoFix with the manual steps).
CHECKS = {("certificates.k8s.io/v1beta1", "CertificateSigningRequest"): _csr_check}


def _records_by_pair() -> dict:
    out = {}
    for rule in rules_by_id().values():
        record = rule.record
        if rule.id.startswith("API") and record:
            for kind in record["kinds"]:
                out[(record["api_version"], kind)] = record
    return out


def _pairs() -> list:
    records = _records_by_pair()
    pairs = []
    for (api_version, kinds), _ in BUMPS.items():
        for (av, kind), record in records.items():
            if av == api_version and (kinds is None or kind in kinds):
                pairs.append((av, kind))
    return pairs


def _transform_for(api_version: str, kind: str):
    for (av, kinds), transform in BUMPS.items():
        if av == api_version and (kinds is None or kind in kinds):
            return transform
    return None


def bump(resource, finding, ctx):
    """The apiVersion changes to the replacement, with the mechanical renames between the two versions."""
    record = rules_by_id()[finding.rule_id].record
    replacement = record.get("replacement") or {}
    if not replacement.get("api_version"):
        raise NoFix("the API has no replacement")
    old, kind = resource.api_version, resource.kind
    new_api, new_kind = ctx.replacement(old, kind) or (replacement["api_version"], replacement.get("kind") or kind)
    step = ctx.current is not None and not ctx.serves(new_api, new_kind) and \
        windows.serves(new_api, new_kind, ctx.current)  # one step of the plan: not the last one
    if step:
        ctx.require_now(new_api, new_kind)
    elif ctx.store.versions_serving(new_api, new_kind) or ctx.store.versions_serving(old, kind):
        ctx.require(new_api, new_kind)
    transform = _transform_for(old, kind)
    if (old, kind) in CHECKS:
        CHECKS[(old, kind)](resource)

    def run(ed):
        ed.set(("apiVersion",), new_api)
        notes = [f"apiVersion {old} -> {new_api}" + (f", kind {kind} -> {new_kind}" if new_kind != kind else "")]
        if new_kind != kind:
            ed.set(("kind",), new_kind)
        if transform is not None:
            notes.extend(transform(ed))
        elif len(notes) == 1:
            notes[0] += " (no field changes)"
        return notes

    title = f"migrate {kind} to {new_api}"
    if step:
        title += (f" (a step of the upgrade plan: served {windows.span_text(windows.served(new_api, new_kind))}; "
                  f"migrate again on the way to {ctx.target})")
    return Proposal(finding.rule_id, title, SAFE, run,
                    manual=f"Set apiVersion: {new_api}" + (f" and kind: {new_kind}" if new_kind != kind else "")
                    + ". " + (record.get("migration") or "").strip())


api(_pairs())(bump)
