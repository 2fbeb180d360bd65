"""What is inside a pod's volumes, as validateVolumeSource checks it: the object a configMap, secret or claim
volume names, file modes, the paths of projected items, host paths, emptyDir size limits. Serves every kind
whose pod spec the API server validates; reported as SRV025 (a volume the API server rejects). The volume's
name and its count of sources are the `pods` module's."""
from __future__ import annotations

from . import downward_api
from .. import apisyntax as syntax
from .base import Report, at_least, field, integer, items, mapping, shown
from .pods import INVALID_VOLUME, POD_SPEC_PATHS
from .storage import INVALID_CLAIM, _claim as check_claim_spec  # the claim spec checks of PVCs (storage.py)

KINDS = frozenset(POD_SPEC_PATHS)
RULES: list = []
REPORTS = [INVALID_VOLUME, INVALID_CLAIM]  # rules of other areas this one reports too

MODE_MAX = 0o777
MODE_ERROR = "must be a number between 0 and 0777 (octal), both inclusive"


TOKEN_MIN_SECONDS = 10 * 60
TOKEN_MAX_SECONDS = 1 << 32


def walk(resource, ctx, report: Report) -> None:
    path = POD_SPEC_PATHS[resource.kind]
    spec = resource.get(path)
    if spec.__class__ is not dict:
        return
    generic = at_least(ctx.target, 21)  # GenericEphemeralVolume on by default; the field is dropped before
    pod_name = resource.metadata.get("name") if resource.kind == "Pod" else None
    created = set()  # the claims a Pod's ephemeral volumes create, named <pod>-<volume>
    if generic and isinstance(pod_name, str) and pod_name:
        created = {f"{pod_name}-{v.get('name')}" for v in items(spec.get("volumes"))
                   if v.__class__ is dict and v.get("ephemeral") is not None}
    for i, volume in enumerate(items(spec.get("volumes"))):
        if volume.__class__ is dict:
            check_volume_source(volume, path + ("volumes", i), report, ctx.target)
            if generic:
                _ephemeral(volume, path + ("volumes", i), report, pod_name, created, not at_least(ctx.target, 25))


def check_volume_source(volume: dict, path: tuple, report: Report, version=None) -> None:
    get = volume.get
    secret, config_map, projected = get("secret"), get("configMap"), get("projected")
    if secret.__class__ is dict:
        _named(secret, "secretName", path + ("secret",), report)
        _mode(secret, "defaultMode", path + ("secret",), report)
        _items(secret, path + ("secret",), report)
    if config_map.__class__ is dict:
        _named(config_map, "name", path + ("configMap",), report)
        _mode(config_map, "defaultMode", path + ("configMap",), report)
        _items(config_map, path + ("configMap",), report)
    if projected.__class__ is dict:
        _projected(projected, path + ("projected",), report, version is None or at_least(version, 12))
    downward = get("downwardAPI")
    if downward.__class__ is dict:
        _mode(downward, "defaultMode", path + ("downwardAPI",), report)
        for k, item in enumerate(items(downward.get("items"))):
            if item.__class__ is dict:
                _downward_file(item, path + ("downwardAPI", "items", k), path + ("downwardAPI",), report)
    claim = get("persistentVolumeClaim")
    if claim.__class__ is dict:
        _named(claim, "claimName", path + ("persistentVolumeClaim",), report)
    host = get("hostPath")
    if host.__class__ is dict:
        host_path = host.get("path")
        if host_path in (None, ""):
            report.required(INVALID_VOLUME, path + ("hostPath", "path"))
        elif isinstance(host_path, str) and ".." in host_path.split("/"):
            report.invalid(INVALID_VOLUME, path + ("hostPath", "path"), host_path, "must not contain '..'")
    empty = get("emptyDir")
    if empty.__class__ is dict:
        limit = empty.get("sizeLimit")
        amount = syntax.quantity(limit) if limit is not None else None
        if amount is not None and amount < 0:
            report.forbidden(INVALID_VOLUME, path + ("emptyDir", "sizeLimit"),
                             "SizeLimit field must be a valid resource quantity")


_TEMPLATE_META = ("labels", "annotations")
_OBJECT_META = frozenset({"name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation",
                          "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "ownerReferences",
                          "finalizers", "managedFields"})


def _ephemeral(volume: dict, path: tuple, report: Report, pod_name, created: set, old_meta: bool) -> None:
    """validateEphemeralVolumeSource: a claim template whose metadata holds only labels and annotations and
    whose spec is a valid claim spec; in a Pod, the claim name `<pod>-<volume>` a valid object name, and no
    claim volume naming a claim an ephemeral volume creates."""
    claim = mapping(volume.get("persistentVolumeClaim")).get("claimName")
    if isinstance(claim, str) and claim in created:
        report.invalid(INVALID_VOLUME, path + ("persistentVolumeClaim", "claimName"), claim,
                       "must not reference a PVC that gets created for an ephemeral volume")
    ephemeral = volume.get("ephemeral")
    if ephemeral.__class__ is not dict:
        return
    template = ephemeral.get("volumeClaimTemplate")
    where = path + ("ephemeral", "volumeClaimTemplate")
    if template is None:
        report.required(INVALID_VOLUME, where)
    elif template.__class__ is dict:
        for key, value in mapping(template.get("metadata")).items():
            # zero values are unset to the API server (a dump shows `creationTimestamp: null`); keys ObjectMeta
            # does not have (clusterName after 1.24) are the schema's finding
            if key in _TEMPLATE_META or (key not in _OBJECT_META and not (key == "clusterName" and old_meta)):
                continue
            if value not in (None, "", 0, False) and value != {} and value != []:
                report.forbidden(INVALID_VOLUME, where + ("metadata", key), "cannot be set for an ephemeral volume",
                                 suggestion="Keep only labels and annotations: the claim is named after the pod "
                                            "and the volume.")
        spec = template.get("spec")
        if spec.__class__ is dict:
            check_claim_spec(spec, where + ("spec",), report)
    name = volume.get("name")
    if isinstance(pod_name, str) and pod_name and isinstance(name, str) and name:
        claim_name = f"{pod_name}-{name}"
        for msg in syntax.dns1123_subdomain(claim_name):
            report.invalid(INVALID_VOLUME, path + ("name",), name, f"PVC name \"{claim_name}\": {msg}")


def _projected(projected: dict, path: tuple, report: Report, tokens: bool) -> None:
    """validateProjectionSources: one source kind per entry, the items of every source, and no file path used
    twice across them (a service account token's path is not compared). ClusterTrustBundle sources are not
    judged: their feature gate is off by default in every version, so the API server drops them."""
    _mode(projected, "defaultMode", path, report)
    seen: set = set()

    def claim(file_path, value) -> None:
        if isinstance(file_path, str) and file_path:
            if file_path in seen:
                report.invalid(INVALID_VOLUME, path, value, "conflicting duplicate paths",
                               suggestion="Give every file of the projected volume its own path.")
            seen.add(file_path)

    kinds = ("secret", "configMap", "downwardAPI") + (("serviceAccountToken",) if tokens else ())
    for j, source in enumerate(items(projected.get("sources"))):
        if source.__class__ is not dict:
            continue
        where = path + ("sources", j)
        given = [k for k in kinds if source.get(k) is not None]
        if len(given) > 1:
            report.forbidden(INVALID_VOLUME, where, "may not specify more than 1 volume type per source")
        for kind in ("secret", "configMap"):
            inner = source.get(kind)
            if inner.__class__ is dict:
                _named(inner, "name", where + (kind,), report)
                _items(inner, where + (kind,), report)
                for item in items(inner.get("items")):
                    claim(mapping(item).get("path"), inner.get("name") or "")
        downward = source.get("downwardAPI")
        if downward.__class__ is dict:
            for k, item in enumerate(items(downward.get("items"))):
                if item.__class__ is dict:
                    _downward_file(item, where + ("downwardAPI", "items", k), where + ("downwardAPI",), report)
                    claim(item.get("path"), item.get("path"))
        token = source.get("serviceAccountToken")
        if tokens and token.__class__ is dict:
            _token(token, where + ("serviceAccountToken",), path, report)


def _token(token: dict, where: tuple, projected_path: tuple, report: Report) -> None:
    seconds = integer(token.get("expirationSeconds"))  # unset is defaulted to 3600
    if seconds is not None and seconds < TOKEN_MIN_SECONDS:
        report.invalid(INVALID_VOLUME, where + ("expirationSeconds",), seconds,
                       "may not specify a duration less than 10 minutes",
                       suggestion="Use an expirationSeconds of 600 or more (or leave it out: 3600).")
    elif seconds is not None and seconds > TOKEN_MAX_SECONDS:
        report.invalid(INVALID_VOLUME, where + ("expirationSeconds",), seconds,
                       "may not specify a duration larger than 2^32 seconds")
    # the API server names the projected volume's `path`, not the source's, in these two answers
    target = token.get("path")
    if target in (None, ""):
        report.add(INVALID_VOLUME, where + ("path",), f"{field(projected_path + ('path',))}: Required value")
    elif isinstance(target, str):
        for msg in _non_reserved_path(target):
            report.add(INVALID_VOLUME, where + ("path",),
                       f"{field(projected_path + ('path',))}: Invalid value: {shown(target)}: {msg}")


def _downward_file(item: dict, where: tuple, api: tuple, report: Report) -> None:
    """validateDownwardAPIVolumeFile. Its answers name the volume (or projected source) `api`, not the item;
    the findings sit at the item `where`."""
    def answer(at: tuple, text: str) -> None:
        report.add(INVALID_VOLUME, at, text)

    target = item.get("path")
    if target in (None, ""):
        answer(where + ("path",), f"{field(api + ('path',))}: Required value")
    elif isinstance(target, str):
        for msg in _non_reserved_path(target):
            answer(where + ("path",), f"{field(api + ('path',))}: Invalid value: {shown(target)}: {msg}")
    field_ref, resource_ref = item.get("fieldRef"), item.get("resourceFieldRef")
    if field_ref is not None and resource_ref is not None:
        answer(where, f"{field(api)}: Invalid value: \"resource\": fieldRef and resourceFieldRef can not be "
                      "specified simultaneously")
    elif field_ref is None and resource_ref is None:
        answer(where, f"{field(api)}: Required value: one of fieldRef and resourceFieldRef is required")
    elif resource_ref.__class__ is dict:
        resource = resource_ref.get("resource")
        if resource_ref.get("containerName") in (None, ""):
            answer(where + ("resourceFieldRef",),
                   f"{field(api + ('resourceFieldRef', 'containerName'))}: Required value")
        elif resource in (None, ""):
            answer(where + ("resourceFieldRef",), f"{field(api + ('resourceFieldRef', 'resource'))}: Required value")
        elif isinstance(resource, str) and downward_api.resource_problems(resource):
            values = ", ".join(f'"{v}"' for v in downward_api.resource_problems(resource))
            answer(where + ("resourceFieldRef", "resource"), f"{field(api + ('resourceFieldRef', 'resource'))}: "
                   f"Unsupported value: {shown(resource)}: supported values: {values}")
    elif field_ref.__class__ is dict and isinstance(field_ref.get("fieldPath"), str):
        _volume_field_path(field_ref["fieldPath"], where + ("fieldRef",), api + ("fieldRef",), answer)
    mode = integer(item.get("mode"))
    if mode is not None and not 0 <= mode <= MODE_MAX:
        answer(where + ("mode",), f"{field(api + ('mode',))}: Invalid value: {mode}: {MODE_ERROR}")


# what a downward API volume file may hold, and every path the v1 field-label conversion knows (others fail it)
VOLUME_FIELDS = ("metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace", "metadata.uid")
_CONVERTIBLE = frozenset(VOLUME_FIELDS + ("spec.nodeName", "spec.restartPolicy", "spec.serviceAccountName",
                                          "spec.schedulerName", "status.phase", "status.hostIP", "status.hostIPs",
                                          "status.podIP", "status.podIPs"))


def _volume_field_path(value: str, where: tuple, api: tuple, answer) -> None:
    """validateObjectFieldSelector with the volume's field set: labels and annotations may be subscripted."""
    if value == "":
        answer(where, f"{field(api + ('fieldPath',))}: Required value")
        return
    subscripted = value.endswith("']") and "['" in value
    base = value[:value.index("['")] if subscripted else value
    if subscripted and base not in ("metadata.labels", "metadata.annotations"):
        answer(where + ("fieldPath",), f"{field(api + ('fieldPath',))}: Invalid value: {shown(value)}: error "
               f"converting fieldPath: field label does not support subscript: {value}")
    elif not subscripted and base not in _CONVERTIBLE:
        answer(where + ("fieldPath",), f"{field(api + ('fieldPath',))}: Invalid value: {shown(value)}: error "
               f"converting fieldPath: field label not supported: {value}")
    elif subscripted:
        key = value[len(base) + 2:-2]
        for msg in syntax.qualified_name(key.lower() if base == "metadata.annotations" else key):
            answer(where + ("fieldPath",), f"{field(api)}: Invalid value: {shown(key)}: {msg}")
    elif base not in VOLUME_FIELDS:
        values = ", ".join(f'"{v}"' for v in VOLUME_FIELDS)
        answer(where + ("fieldPath",), f"{field(api + ('fieldPath',))}: Unsupported value: {shown(base)}: "
               f"supported values: {values}")


def _non_reserved_path(target: str) -> list:
    """ValidateLocalNonReservedPath: relative, no '..' element, not starting with '..'."""
    problems = list(syntax.local_descending_path(target))
    if target.startswith("..") and not target.startswith("../"):
        problems.append("must not start with '..'")
    return problems


def _named(source: dict, key: str, path: tuple, report: Report) -> None:
    if source.get(key) in (None, ""):
        report.required(INVALID_VOLUME, path + (key,))


def _mode(source: dict, key: str, path: tuple, report: Report) -> None:
    mode = integer(source.get(key))
    if mode is not None and not 0 <= mode <= MODE_MAX:
        report.invalid(INVALID_VOLUME, path + (key,), mode, MODE_ERROR)


def _items(source: dict, path: tuple, report: Report) -> None:
    """validateKeyToPath: a key, a relative path inside the volume that does not start with '..', a mode."""
    for i, item in enumerate(items(source.get("items"))):
        if item.__class__ is not dict:
            continue
        where = path + ("items", i)
        if item.get("key") in (None, ""):
            report.required(INVALID_VOLUME, where + ("key",))
        target = item.get("path")
        if target in (None, ""):
            report.required(INVALID_VOLUME, where + ("path",))
        elif isinstance(target, str):
            for msg in _non_reserved_path(target):
                report.invalid(INVALID_VOLUME, where + ("path",), target, msg)
        _mode(item, "mode", where, report)

