"""Object metadata as every API server checks it on create: name or generateName, the name's format for the
kind, labels, annotations and finalizers.

`check_object_meta` is generic: it serves built-in kinds (with the name format their API group uses) and
custom resources (whose names the apiextensions server checks as DNS-1123 subdomains), so the CRD checks can
call it for custom resources as they are.
"""
from __future__ import annotations

from .. import apisyntax as syntax
from ..model import is_config_file_kind
from .base import Report, mapping, rule, text

# The name format each built-in kind's validation passes to ValidateObjectMeta ((group, kind) -> format),
# and whether the kind is namespaced. Other kinds of the built-in groups get the path-segment rule that the
# generic create path (rest.BeforeCreate) applies to every object after the kind's own validation.
_SUB, _LABEL, _1035, _PATH = "subdomain", "label", "dns1035", "path-segment"
BUILTIN_NAMES = {
    ("", "Pod"): (_SUB, True), ("", "PodTemplate"): (_SUB, True), ("", "ReplicationController"): (_SUB, True),
    ("", "Service"): (_1035, True), ("", "Namespace"): (_LABEL, False), ("", "Node"): (_SUB, False),
    ("", "ConfigMap"): (_SUB, True), ("", "Secret"): (_SUB, True), ("", "ServiceAccount"): (_SUB, True),
    ("", "Endpoints"): (_SUB, True), ("", "LimitRange"): (_SUB, True), ("", "ResourceQuota"): (_SUB, True),
    # ValidatePersistentVolumeName is NameIsDNSSubdomain, for the claims too
    ("", "PersistentVolume"): (_SUB, False), ("", "PersistentVolumeClaim"): (_SUB, True),
    ("apps", "Deployment"): (_SUB, True), ("apps", "ReplicaSet"): (_SUB, True),
    ("apps", "DaemonSet"): (_SUB, True), ("apps", "StatefulSet"): (_SUB, True),
    ("apps", "ControllerRevision"): (_SUB, True),
    ("batch", "Job"): (_SUB, True), ("batch", "CronJob"): (_SUB, True),
    ("autoscaling", "HorizontalPodAutoscaler"): (_SUB, True),
    ("policy", "PodDisruptionBudget"): (_SUB, True),
    ("networking.k8s.io", "Ingress"): (_SUB, True), ("networking.k8s.io", "IngressClass"): (_SUB, False),
    ("networking.k8s.io", "NetworkPolicy"): (_SUB, True),
    ("rbac.authorization.k8s.io", "Role"): (_PATH, True),
    ("rbac.authorization.k8s.io", "RoleBinding"): (_PATH, True),
    ("rbac.authorization.k8s.io", "ClusterRole"): (_PATH, False),
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"): (_PATH, False),
    ("storage.k8s.io", "StorageClass"): (_SUB, False),
    ("scheduling.k8s.io", "PriorityClass"): (_SUB, False),
    ("coordination.k8s.io", "Lease"): (_SUB, True),
    ("discovery.k8s.io", "EndpointSlice"): (_SUB, True),
    ("node.k8s.io", "RuntimeClass"): (_SUB, False),
    ("admissionregistration.k8s.io", "ValidatingWebhookConfiguration"): (_SUB, False),
    ("admissionregistration.k8s.io", "MutatingWebhookConfiguration"): (_SUB, False),
}
# extensions/v1beta1 served the same kinds with the same validation
for _kind in ("Deployment", "ReplicaSet", "DaemonSet"):
    BUILTIN_NAMES[("extensions", _kind)] = BUILTIN_NAMES[("apps", _kind)]
for _kind in ("Ingress", "NetworkPolicy"):
    BUILTIN_NAMES[("extensions", _kind)] = BUILTIN_NAMES[("networking.k8s.io", _kind)]

# API groups the Kubernetes API server itself serves: their objects are not custom resources.
BUILTIN_GROUPS = frozenset({
    "", "apps", "batch", "autoscaling", "policy", "extensions", "networking.k8s.io", "rbac.authorization.k8s.io",
    "storage.k8s.io", "scheduling.k8s.io", "coordination.k8s.io", "discovery.k8s.io", "node.k8s.io",
    "admissionregistration.k8s.io", "apiextensions.k8s.io", "apiregistration.k8s.io", "certificates.k8s.io",
    "events.k8s.io", "flowcontrol.apiserver.k8s.io", "authentication.k8s.io", "authorization.k8s.io",
    "resource.k8s.io", "internal.apiserver.k8s.io", "storagemigration.k8s.io", "settings.k8s.io",
    "metrics.k8s.io", "custom.metrics.k8s.io", "external.metrics.k8s.io",
})

# finalizers core's ValidateObjectMeta accepts without a domain prefix, and the groups whose validation goes
# through it (those known to; other groups check finalizers as qualified names only)
STANDARD_FINALIZERS = frozenset({"kubernetes", "orphan", "foregroundDeletion"})
KUBE_FINALIZER_GROUPS = frozenset({"", "apps", "batch", "autoscaling", "extensions", "networking.k8s.io",
                                   "storage.k8s.io", "rbac.authorization.k8s.io"})

CRONJOB_NAME_MAX = 52  # the controller appends an 11-character suffix to make each Job's name

NAME_REQUIRED = rule(
    "SRV001", "object-name-required", "An object has neither metadata.name nor metadata.generateName",
    what="Finds objects without `metadata.name` and without `metadata.generateName`.",
    why="The API server refuses to create an object it cannot name: `metadata.name: Required value: name or "
        "generateName is required`.",
    example="apiVersion: v1\nkind: ConfigMap\ndata:\n  key: value\n",
    fix="Give the object a `metadata.name` (`kubectl apply` needs one; `generateName` only works with "
        "`kubectl create`).")
INVALID_NAME = rule(
    "SRV002", "invalid-object-name", "metadata.name does not have the format the kind requires",
    what="Checks `metadata.name` against the format the API server requires for the kind: a DNS-1123 subdomain "
         "(at most 253 lower-case alphanumerics, '-' and '.') for most kinds and for custom resources, a DNS-1123 "
         "label (at most 63, no dots) for Namespaces, a DNS-1035 label (starts with a letter) for Services, no "
         "'/' or '%' for RBAC objects (and, at least, for every other built-in kind) and for the embedded "
         "resources (`x-kubernetes-embedded-resource`) of custom resources; CronJob names at most 52 characters.",
    why="The API server rejects the object with `metadata.name: Invalid value`.",
    example="apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: My_Config\n",
    fix="Rename the object: lower-case letters, digits and '-' (and '.' where the kind allows it), starting and "
        "ending with a letter or digit.")
INVALID_GENERATE_NAME = rule(
    "SRV003", "invalid-generate-name", "metadata.generateName is not a valid name prefix for the kind",
    what="Checks `metadata.generateName` as the API server does: the kind's name format, a trailing '-' allowed.",
    why="The API server rejects the object with `metadata.generateName: Invalid value`.",
    example="apiVersion: batch/v1\nkind: Job\nmetadata:\n  generateName: Nightly_\n",
    fix="Use lower-case letters, digits and '-' in the prefix.")
INVALID_NAMESPACE = rule(
    "SRV004", "invalid-namespace-name", "metadata.namespace is not a DNS-1123 label",
    what="Checks `metadata.namespace` of namespaced kinds: a DNS-1123 label (at most 63 lower-case "
         "alphanumerics and '-').",
    why="No namespace can have such a name; the API server rejects the object with `metadata.namespace: "
        "Invalid value`.",
    example="apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: Team_A\n",
    fix="Use the namespace's real name, lower-case letters, digits and '-'.")
INVALID_LABEL = rule(
    "SRV005", "invalid-label", "A label key or value the API server rejects",
    what="Checks every label of an object, of its pod templates and of a custom resource's embedded resources: "
         "the key is an optional DNS subdomain prefix and '/' followed by a name of at most 63 alphanumerics, '-', '_' and '.' starting and ending with an "
         "alphanumeric; the value is empty or such a name.",
    why="The API server rejects the object with `metadata.labels: Invalid value`.",
    example="apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  labels:\n    owner: _\n",
    fix="Shorten or re-spell the label; put free text in an annotation instead.")
INVALID_ANNOTATION = rule(
    "SRV006", "invalid-annotation-key", "An annotation key the API server rejects",
    what="Checks every annotation key of an object (and of a custom resource's embedded resources; case does not "
         "matter): an optional DNS subdomain prefix and '/' followed "
         "by a name of at most 63 alphanumerics, '-', '_' and '.'.",
    why="The API server rejects the object with `metadata.annotations: Invalid value`.",
    example="apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  annotations:\n    'my note': x\n",
    fix="Use a key such as `example.com/my-note`.")
ANNOTATIONS_TOO_LARGE = rule(
    "SRV007", "annotations-too-large", "The annotations of an object exceed 256 KiB",
    what="Adds up the bytes of every annotation key and value of an object and of its pod templates.",
    why="The API server rejects more than 262144 bytes with `metadata.annotations: Too long`. The usual cause is "
        "`kubectl.kubernetes.io/last-applied-configuration` of a large object (client-side apply).",
    example="(a ConfigMap of 300 KiB applied with client-side `kubectl apply`)",
    fix="Move large values out of annotations (into a ConfigMap), or use `kubectl apply --server-side`, which "
        "does not write the last-applied annotation.")
INVALID_FINALIZER = rule(
    "SRV008", "invalid-finalizer-name", "A finalizer name the API server rejects",
    what="Checks every `metadata.finalizers` entry (and a Namespace's `spec.finalizers`): an optional DNS "
         "subdomain prefix and '/' followed by a name of at most 63 alphanumerics, '-', '_' and '.'; on "
         "built-in kinds a name without a prefix must be one of the standard finalizers (`kubernetes`, "
         "`orphan`, `foregroundDeletion`); `orphan` and `foregroundDeletion` not both.",
    why="The API server rejects the object with `metadata.finalizers: Invalid value`, for example `name is "
        "neither a standard finalizer name nor is it fully qualified`.",
    example="apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  finalizers: ['cleanup']\n",
    fix="Use a domain-prefixed finalizer such as `example.com/cleanup`.")

RULES = [NAME_REQUIRED, INVALID_NAME, INVALID_GENERATE_NAME, INVALID_NAMESPACE, INVALID_LABEL,
         INVALID_ANNOTATION, ANNOTATIONS_TOO_LARGE, INVALID_FINALIZER]
KINDS = None  # every object


def group_of(api_version: str | None) -> str:
    if not api_version:
        return ""
    return api_version.rpartition("/")[0] if "/" in api_version else ""


def name_format(api_version, kind) -> tuple:
    """(format, namespaced) for a kind: its built-in rule, a custom resource's (DNS subdomain, scope unknown),
    the generic path-segment rule for other kinds of a built-in group (scope unknown), or (None, None) for a
    group no API server serves."""
    group = group_of(api_version)
    known = BUILTIN_NAMES.get((group, kind))
    if known is not None:
        return known
    if group in BUILTIN_GROUPS:
        return (_PATH, None)
    return (_SUB, None) if "." in group else (None, None)  # a CRD's group always holds a dot


_PLANS: dict = {}  # (apiVersion, kind) -> see _plan


def _plan(api_version, kind) -> tuple | None:
    """What the walk needs to know of an (apiVersion, kind), worked out once per pair rather than per object:
    None for a configuration file's kind (not checked), else (name format, namespaced, built-in kind)."""
    key = (api_version, kind)
    try:
        return _PLANS[key]
    except KeyError:
        pass
    if is_config_file_kind(api_version, kind):
        plan = None
    else:
        group = group_of(api_version)
        plan = (*name_format(api_version, kind), group in KUBE_FINALIZER_GROUPS and (group, kind) in BUILTIN_NAMES)
    if len(_PLANS) < 4096:  # the pairs come from the input: bounded
        _PLANS[key] = plan
    return plan


def walk(resource, ctx, report: Report) -> None:
    kind = resource.kind
    plan = _plan(resource.api_version, kind)
    if plan is None:
        return
    fmt, namespaced, builtin = plan
    meta = resource.data.get("metadata")
    check_object_meta(meta, ("metadata",), report, fmt, namespaced, kube_finalizers=builtin)
    if kind == "Namespace" and builtin:
        spec = resource.data.get("spec")
        if spec.__class__ is dict:
            check_finalizers(spec.get("finalizers"), ("spec", "finalizers"), report, kube=True, pair=False)
    if fmt and kind == "CronJob":
        name = text(resource.metadata.get("name"))
        if name and len(name) > CRONJOB_NAME_MAX:
            report.invalid(INVALID_NAME, ("metadata", "name"), name,
                           f"must be no more than {CRONJOB_NAME_MAX} characters")


def check_embedded_metas(resource, metas: list) -> list:
    """ObjectMeta's checks on the metadata of a custom resource's embedded resources ([(json path, metadata)],
    as validation found them): apiextensions-apiserver validates each with ValidateObjectMeta, names as path
    segments, a missing name no error (it stands in "fakename"), the namespace when one is given."""
    report = Report(resource)
    for path, meta in metas:
        named = meta if meta.get("name") or meta.get("generateName") else {**meta, "name": "fakename"}
        check_object_meta(named, tuple(path), report, _PATH, namespaced=bool(meta.get("namespace")))
    return [f for found in report.by_rule.values() for f in found]


def check_object_meta(meta, path: tuple, report: Report, fmt: str | None = "subdomain",
                      namespaced: bool | None = None, kube_finalizers: bool = False) -> None:
    """What ValidateObjectMeta checks on create. `fmt` is a key of syntax.NAME_FORMATS (None: no name format
    check), `namespaced` whether to check metadata.namespace (None: unknown scope, not checked),
    `kube_finalizers` whether finalizers without a prefix must be standard ones (built-in kinds)."""
    if meta.__class__ is not dict:
        if meta is None:
            report.required(NAME_REQUIRED, path + ("name",), "name or generateName is required")
        return
    get = meta.get
    name, generate = get("name"), get("generateName")
    if fmt is not None:
        check_name, what = syntax.NAME_FORMATS[fmt]
        if generate.__class__ is str and generate:
            for msg in check_name(generate, True):
                report.invalid(INVALID_GENERATE_NAME, path + ("generateName",), generate, msg)
        if name.__class__ is str and name:
            for msg in check_name(name, False):
                report.invalid(INVALID_NAME, path + ("name",), name, msg,
                               suggestion=f"Rename it: the name must be {what}. {INVALID_NAME.docs.fix}")
    if not name and not generate and name in (None, "") and generate in (None, ""):
        report.required(NAME_REQUIRED, path + ("name",), "name or generateName is required")
    if namespaced:
        namespace = get("namespace")
        if namespace.__class__ is str and namespace:
            for msg in syntax.dns1123_label(namespace):
                report.invalid(INVALID_NAMESPACE, path + ("namespace",), namespace, msg)
    labels, annotations, finalizers = get("labels"), get("annotations"), get("finalizers")
    if labels:
        check_labels(labels, path + ("labels",), report)
    if annotations:
        check_annotations(annotations, path + ("annotations",), report)
    if finalizers:
        check_finalizers(finalizers, path + ("finalizers",), report, kube=kube_finalizers, pair=True)


def check_finalizers(finalizers, path: tuple, report: Report, kube: bool, pair: bool) -> None:
    """Finalizer names: qualified names; with `kube`, unprefixed ones standard; with `pair`, not both ways of
    deleting dependents."""
    if finalizers.__class__ is not list:
        return
    for i, finalizer in enumerate(finalizers):
        if finalizer.__class__ is not str:
            continue
        problems = syntax.qualified_name(finalizer)
        for msg in problems:
            report.invalid(INVALID_FINALIZER, path + (i,), finalizer, msg)
        if kube and not problems and "/" not in finalizer and finalizer not in STANDARD_FINALIZERS:
            report.invalid(INVALID_FINALIZER, path + (i,), finalizer,
                           "name is neither a standard finalizer name nor is it fully qualified")
    if pair and "orphan" in finalizers and "foregroundDeletion" in finalizers:
        report.invalid(INVALID_FINALIZER, path, "...",
                       "finalizer orphan and foregroundDeletion cannot be both set")


def check_labels(labels, path: tuple, report: Report) -> None:
    if labels.__class__ is not dict:
        return
    key_problems, value_problems, clean = syntax.qualified_name, syntax.label_value, _CLEAN_LABELS
    for key, value in labels.items():
        if key.__class__ is not str:
            continue
        pair = (key, value) if value.__class__ is str else None
        if pair is not None and pair in clean:
            continue
        found = False
        for msg in key_problems(key):
            found = True
            report.invalid(INVALID_LABEL, path + (key,), key, msg, prefer_key=True)
        if pair is not None:
            for msg in value_problems(value):
                found = True
                report.invalid(INVALID_LABEL, path + (key,), value, msg)
            if not found and len(clean) < 16384:  # the pairs come from the input: bounded
                clean.add(pair)


# Label pairs found valid: the same few (app: web, tier: ...) recur on most objects, their templates and
# selectors, and one set look-up costs half the two memoised checks.
_CLEAN_LABELS: set = set()


def check_annotations(annotations, path: tuple, report: Report) -> None:
    if annotations.__class__ is not dict:
        return
    chars = 0
    for key, value in annotations.items():
        if key.__class__ is not str:
            continue
        for msg in syntax.annotation_key(key):
            report.invalid(INVALID_ANNOTATION, path + (key,), key, msg, prefer_key=True)
        chars += len(key) + (len(value) if value.__class__ is str else 0)
    if chars * 4 <= syntax.ANNOTATIONS_MAX_BYTES:
        return  # a UTF-8 character takes at most 4 bytes: no need to count them
    size = sum(syntax.byte_size(k) + (syntax.byte_size(v) if isinstance(v, str) else 0)
               for k, v in annotations.items() if isinstance(k, str))
    if size > syntax.ANNOTATIONS_MAX_BYTES:
        report.too_long(ANNOTATIONS_TOO_LARGE, path, f"may not be more than {syntax.ANNOTATIONS_MAX_BYTES} bytes "
                        f"(these hold {size})")


def check_template_meta(meta, path: tuple, report: Report) -> None:
    """The labels and annotations of a pod template (its name and namespace are not checked)."""
    meta = mapping(meta)
    check_labels(meta.get("labels"), path + ("labels",), report)
    check_annotations(meta.get("annotations"), path + ("annotations",), report)
