"""Field-level fixes for FLD findings: annotations that became fields, beta label names, field aliases.

Each fix finds the exact node its finding points at (the finding's JSON path, matched against the rule's own
matchers), so one object with several findings of one rule gets one fix per finding.
"""
from __future__ import annotations

from ...model import format_json_path
from ..render import Commented, flow
from ...rules import rules_by_id
from ...rules.fields import expand, parse_path, walk
from . import SAFE, UNSAFE, NoFix, Proposal, as_dict, as_list, field_rule


def finding_path(resource, finding) -> tuple:
    """The JSON path (inside the object) of a FLD finding, recomputed from the rule's matchers."""
    record = rules_by_id()[finding.rule_id].record
    for matcher in record["match"]:
        for concrete in expand(parse_path(matcher["path"]), resource.kind):
            for path, _ in walk(resource.data, concrete):
                if format_json_path(path) == finding.json_path:
                    return path
    raise NoFix("the finding's place could not be found again")


def _with_comment(ed, path: tuple, value):
    """`value` carrying the comment written after the node at `path`, if any."""
    comment = ed.comment(path)
    return Commented(value, comment) if comment else value


def _drop_key(ed, path: tuple) -> None:
    """Delete a map entry, and the map too when it becomes empty (annotations: {} says nothing)."""
    ed.delete(path)
    if ed.get(path[:-1]) == {}:
        ed.delete(path[:-1])


def _rename_map_key(ed, path: tuple, new_key: str) -> str:
    """Rename a map key (a label or annotation name); when the new key is already there with the same
    value, the old one is simply dropped."""
    new_path = path[:-1] + (new_key,)
    if ed.has(new_path):
        if ed.get(new_path) != ed.get(path):
            raise NoFix(f"{format_json_path(new_path)} is already set to a different value")
        _drop_key(ed, path)
        return f"dropped {format_json_path(path)} ({new_key} already has the same value)"
    ed.rename(path, new_key)
    return f"{format_json_path(path)} renamed {new_key}"


def _proposal(finding, title, run, safety=SAFE, because="", manual="", path=()):
    return Proposal(finding.rule_id, title, safety, run, unsafe_because=because, manual=manual, path=path)


# --------------------------------------------------------------------------------------------- storage

@field_rule("beta-storage-class-annotation")
def storage_class_annotation(resource, finding, ctx):
    """volume.beta.kubernetes.io/storage-class -> spec.storageClassName (the annotation wins today)."""
    path = finding_path(resource, finding)
    owner = path[:-3]  # () for a PV/PVC, ("spec", "volumeClaimTemplates", i) for a claim template
    value = resource.get(path)
    field = owner + ("spec", "storageClassName")
    current = resource.get(field)
    if not isinstance(value, str):
        raise NoFix("the annotation's value is not a class name")
    if current not in (None, value):
        raise NoFix(f"the annotation says {value!r} but spec.storageClassName says {current!r}; the annotation "
                    "wins today, but changing the field of a bound claim is rejected",
                    "Decide which class is right; for a bound claim, recreate it.")
    template = bool(owner)
    because = ("volumeClaimTemplates of an existing StatefulSet cannot be changed: applying the fixed manifest "
               "is rejected until the StatefulSet is deleted with --cascade=orphan and created again") if template \
        else ""

    def run(ed):
        if not ed.has(field):
            ed.set(field, _with_comment(ed, path, value))
        _drop_key(ed, path)
        return [f"annotation volume.beta.kubernetes.io/storage-class: {value} -> {format_json_path(field)} "
                "(the same class; the annotation is gone so it cannot override the field)"]

    return _proposal(finding, "move the storage class annotation to spec.storageClassName", run,
                     UNSAFE if template else SAFE, because,
                     f"Set {format_json_path(field)}: {value} and delete the annotation.", path)


def _annotation_renamed(old_key: str, new_key: str):
    """A migration that renames the annotation a finding points at to `new_key` (same value)."""
    def migration(resource, finding, ctx):
        path = finding_path(resource, finding)

        def run(ed):
            return [_rename_map_key(ed, path, new_key)]

        return _proposal(finding, f"rename the annotation {new_key}", run, path=path,
                         manual=f"Rename the annotation to {new_key}.")
    migration.__name__ = "rename_" + old_key.rsplit("/", 1)[-1].replace("-", "_")
    migration.__doc__ = f"{old_key} -> {new_key}."
    return migration


default_class_annotation = field_rule("beta-default-storageclass-annotation")(_annotation_renamed(
    "storageclass.beta.kubernetes.io/is-default-class", "storageclass.kubernetes.io/is-default-class"))


@field_rule("recycle-reclaim-policy", UNSAFE)
def recycle(resource, finding, ctx):
    """persistentVolumeReclaimPolicy Recycle -> Retain, only with --unsafe-fixes."""
    path = finding_path(resource, finding)

    def run(ed):
        ed.set(path, "Retain")
        return ["persistentVolumeReclaimPolicy Recycle -> Retain: the data now stays on the volume after its claim "
                "is deleted; an administrator cleans it up and makes the volume available again"]

    return _proposal(
        finding, "change the reclaim policy to Retain", run, UNSAFE,
        "Recycle scrubbed the volume (rm -rf) and made it Available again; Retain keeps the data and leaves the "
        "volume Released until someone cleans it; Delete would delete the backing storage, and only works with a "
        "plugin that can delete (not nfs or hostPath)",
        "Choose Retain (keep the data, clean up by hand) or Delete (with a StorageClass whose provisioner deletes "
        "volumes), and set spec.persistentVolumeReclaimPolicy accordingly.", path)


# --------------------------------------------------------------------------------------- pod security

_PROFILE_TYPES = {"runtime/default": "RuntimeDefault", "docker/default": "RuntimeDefault",
                  "unconfined": "Unconfined"}


def _profile(value, what: str) -> dict:
    if not isinstance(value, str):
        raise NoFix(f"the {what} annotation's value is not a profile name")
    if value in _PROFILE_TYPES:
        return {"type": _PROFILE_TYPES[value]}
    if value.startswith("localhost/") and len(value) > len("localhost/"):
        return {"type": "Localhost", "localhostProfile": value[len("localhost/"):]}
    raise NoFix(f"{value!r} is not a {what} profile the securityContext field can express")


def _container_path(data_get, pod_spec: tuple, name: str) -> tuple:
    for field in ("containers", "initContainers", "ephemeralContainers"):
        for i, container in enumerate(as_list(data_get(pod_spec + (field,)))):
            if isinstance(container, dict) and container.get("name") == name:
                return pod_spec + (field, i)
    raise NoFix(f"the annotation names container {name!r}, which the pod does not have")


def _annotation_to_field(resource, finding, field_name: str, what: str, prefixes: dict):
    path = finding_path(resource, finding)
    pod = path[:-3]  # the pod template (or the Pod): path is pod + (metadata, annotations, key)
    annotation = path[-1]
    profile = _profile(resource.get(path), what)
    for prefix, level in prefixes.items():
        if annotation == prefix or (prefix.endswith("/") and annotation.startswith(prefix)):
            break
    else:
        raise NoFix("unknown annotation")
    if level == "pod":
        target = pod + ("spec", "securityContext", field_name)
    else:
        target = _container_path(resource.get, pod + ("spec",), annotation[len(prefix):]) + (
            "securityContext", field_name)
    existing = resource.get(target)
    if existing not in (None, profile):
        raise NoFix(f"{format_json_path(target)} is already set to a different profile",
                    "Keep the field and delete the annotation, after checking which profile is meant.")

    def run(ed):
        if not ed.has(target):
            ed.set(target, profile)
        _drop_key(ed, path)
        return [f"annotation {annotation}: {resource.get(path)} -> {format_json_path(target)}: {flow(profile)}"]

    return _proposal(finding, f"move the {what} annotation to securityContext.{field_name}", run, path=path,
                     manual=f"Set {format_json_path(target)}: {flow(profile)} and delete the annotation {annotation}.")


@field_rule("seccomp-annotations")
def seccomp(resource, finding, ctx):
    """seccomp annotations -> securityContext.seccompProfile (pod or container)."""
    return _annotation_to_field(resource, finding, "seccompProfile", "seccomp", {
        "seccomp.security.alpha.kubernetes.io/pod": "pod",
        "container.seccomp.security.alpha.kubernetes.io/": "container"})


@field_rule("apparmor-annotations")
def apparmor(resource, finding, ctx):
    """AppArmor annotations -> containers[].securityContext.appArmorProfile."""
    return _annotation_to_field(resource, finding, "appArmorProfile", "AppArmor", {
        "container.apparmor.security.beta.kubernetes.io/": "container"})


@field_rule("service-account-alias")
def service_account(resource, finding, ctx):
    """spec.serviceAccount (a deprecated alias) -> spec.serviceAccountName."""
    path = finding_path(resource, finding)
    name_path = path[:-1] + ("serviceAccountName",)
    value, current = resource.get(path), resource.get(name_path)
    if current not in (None, value):
        raise NoFix(f"serviceAccount ({value}) and serviceAccountName ({current}) differ: the API server keeps "
                    f"serviceAccountName and ignores serviceAccount, so which account was meant needs a decision",
                    "Decide which service account the pods run as, keep it in serviceAccountName and delete "
                    "serviceAccount.")

    def run(ed):
        if not ed.has(name_path):
            ed.rename(path, "serviceAccountName")
            return [f"{format_json_path(path)} renamed serviceAccountName"]
        ed.delete(path)
        return [f"dropped {format_json_path(path)} (serviceAccountName has the same value)"]

    return _proposal(finding, "use serviceAccountName", run, path=path,
                     manual="Rename serviceAccount to serviceAccountName (if both are set, serviceAccountName "
                            "wins and serviceAccount is ignored).")


# ------------------------------------------------------------------------------------------ node labels

GA_LABELS = {
    "beta.kubernetes.io/os": "kubernetes.io/os",
    "beta.kubernetes.io/arch": "kubernetes.io/arch",
    "failure-domain.beta.kubernetes.io/zone": "topology.kubernetes.io/zone",
    "failure-domain.beta.kubernetes.io/region": "topology.kubernetes.io/region",
    "beta.kubernetes.io/instance-type": "node.kubernetes.io/instance-type",
}
_KUBELET_SETS_BOTH = {"beta.kubernetes.io/os", "beta.kubernetes.io/arch"}


@field_rule(["beta-os-arch-labels", "failure-domain-labels", "beta-instance-type-label"])
def node_labels(resource, finding, ctx):
    """Beta node label names -> GA names in node selectors, affinities and topology keys."""
    path = finding_path(resource, finding)
    if path[:2] == ("metadata", "labels"):
        raise NoFix("labels of the object itself are set by the kubelet or the cloud provider",
                    "Let the kubelet or cloud controller set the GA label; select on it in workloads.")
    if resource.kind == "PersistentVolume" or resource.kind == "StorageClass":
        raise NoFix(f"the topology of a {resource.kind} cannot be changed once it exists",
                    f"Write the GA label name when you next create the {resource.kind}.")
    in_key = path[-1] in GA_LABELS
    beta = path[-1] if in_key else resource.get(path)
    ga = GA_LABELS.get(beta)
    if ga is None:
        raise NoFix("unknown label")
    safety = SAFE if beta in _KUBELET_SETS_BOTH else UNSAFE
    because = "" if safety == SAFE else (
        f"nodes labelled by the kubelet or a cloud controller carry both {beta} and {ga}, but a node labelled by "
        f"hand may only have {beta}; check with `kubectl get nodes -L {ga}` that every node has the new label")

    def run(ed):
        if in_key:
            return [_rename_map_key(ed, path, ga)]
        ed.set(path, ga)
        return [f"{format_json_path(path)}: {beta} -> {ga}"]

    return _proposal(finding, f"select on {ga}", run, safety, because, f"Replace {beta} by {ga}.", path)


# -------------------------------------------------------------------------------------------- others

@field_rule("ingress-class-annotation")
def ingress_class(resource, finding, ctx):
    """kubernetes.io/ingress.class -> spec.ingressClassName (safe when that IngressClass is in the input)."""
    path = finding_path(resource, finding)
    value = resource.get(path)
    if not isinstance(value, str) or not value:
        raise NoFix("the annotation has no class name")
    current = resource.get(("spec", "ingressClassName"))
    if current not in (None, value):
        raise NoFix(f"spec.ingressClassName is {current!r} but the annotation says {value!r}")
    if resource.api_version == "extensions/v1beta1" and not ctx.serves("networking.k8s.io/v1", "Ingress"):
        raise NoFix("extensions/v1beta1 Ingress has no spec.ingressClassName; migrate the Ingress first")
    known = value in ctx.ingress_classes
    because = "" if known or current == value else (
        f"no IngressClass named {value!r} is in the input: spec.ingressClassName must name an existing IngressClass "
        "(the annotation did not need one), and ingress controllers that only read the annotation stop seeing "
        "this Ingress")

    def run(ed):
        if ed.get(("apiVersion",)) == "extensions/v1beta1":
            raise NoFix("extensions/v1beta1 Ingress has no spec.ingressClassName")
        if not ed.has(("spec", "ingressClassName")):
            ed.set(("spec", "ingressClassName"), _with_comment(ed, path, value),
                   before=next(iter(as_dict(ed.get(("spec",)))), None))
        _drop_key(ed, path)
        return [f"annotation kubernetes.io/ingress.class: {value} -> spec.ingressClassName (the API server rejects "
                "both together)"]

    return _proposal(finding, "move the ingress class to spec.ingressClassName", run,
                     SAFE if not because else UNSAFE, because,
                     f"Create or check the IngressClass {value!r}, set spec.ingressClassName: {value} and delete the "
                     "annotation.", path)


@field_rule("daemonset-template-generation")
def template_generation(resource, finding, ctx):
    """spec.templateGeneration: ignored since 1.7 and absent from apps/v1; dropped."""
    def run(ed):
        if ed.has(("spec", "templateGeneration")):
            ed.delete(("spec", "templateGeneration"))
            return ["dropped spec.templateGeneration (ignored since 1.7, absent from apps/v1)"]
        return []

    return _proposal(finding, "drop spec.templateGeneration", run, path=("spec", "templateGeneration"),
                     manual="Delete spec.templateGeneration.")


@field_rule("deployment-rollback-to")
def rollback_to(resource, finding, ctx):
    """spec.rollbackTo: a rollback request, not a setting; dropped (the rollback becomes an explicit step)."""
    def run(ed):
        if ed.has(("spec", "rollbackTo")):
            ed.delete(("spec", "rollbackTo"))
            return ["dropped spec.rollbackTo (use `kubectl rollout undo` to roll back)"]
        return []

    return _proposal(finding, "drop spec.rollbackTo", run, manual="Delete spec.rollbackTo and roll back with "
                     "`kubectl rollout undo deployment/NAME --to-revision=N` when needed.", path=("spec", "rollbackTo"))


default_logs_container = field_rule("default-logs-container-annotation")(_annotation_renamed(
    "kubectl.kubernetes.io/default-logs-container", "kubectl.kubernetes.io/default-container"))


@field_rule("traffic-distribution-prefer-close")
def prefer_close(resource, finding, ctx):
    """spec.trafficDistribution PreferClose -> PreferSameZone (the same meaning, new name)."""
    path = finding_path(resource, finding)

    def run(ed):
        ed.set(path, "PreferSameZone")
        return ["spec.trafficDistribution PreferClose -> PreferSameZone (the same behaviour)"]

    return _proposal(finding, "use PreferSameZone", run, path=path,
                     manual="Set spec.trafficDistribution: PreferSameZone.")
