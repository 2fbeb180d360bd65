"""PersistentVolumes, PersistentVolumeClaims and StorageClasses as the API server checks them."""
from __future__ import annotations

import posixpath

from .. import apisyntax as syntax
from .base import Report, at_least, items, mapping, rule, text
from .placement import INVALID_AFFINITY, _node_selector_term as check_node_selector_term

KINDS = frozenset({"PersistentVolume", "PersistentVolumeClaim", "StorageClass"})

INVALID_CLAIM = rule(
    "SRV120", "invalid-volume-claim", "A PersistentVolumeClaim without access modes or a storage request",
    what="Checks PersistentVolumeClaims: at least one access mode, "
         "`ReadWriteOncePod` alone, `resources.requests.storage` present and above zero, a `storageClassName` "
         "that is a DNS-1123 subdomain; from 1.18 a `dataSource` with a `kind` and a `name`, a kind other than "
         "`PersistentVolumeClaim` only with an `apiGroup`; from 1.24 the same of `dataSourceRef`, which must "
         "name what `dataSource` names when both are written.",
    why="The API server rejects the claim with `spec.accessModes: Required value: at least 1 access mode is "
        "required` or `spec.resources[storage]: Required value`.",
    example="apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data}\nspec:\n"
            "  accessModes: [ReadWriteOnce]\n",
    fix="Give the claim `accessModes: [ReadWriteOnce]` (or another mode) and `resources: {requests: "
        "{storage: 10Gi}}`.")
INVALID_STORAGE_CLASS = rule(
    "SRV121", "invalid-storage-class", "A StorageClass without a valid provisioner",
    what="Checks that a StorageClass names a `provisioner` that is a qualified name (such as "
         "`ebs.csi.aws.com` or `kubernetes.io/no-provisioner`), holds at most 512 parameters, and that its "
         "`allowedTopologies` terms are well formed: every expression a valid label key with at least one "
         "value, no value or key twice in a term, no term twice (an empty term counts as a repeat).",
    why="The API server rejects the class with `provisioner: Required value` or `Invalid value`.",
    example="apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: fast}\nprovisioner: ''\n",
    fix="Set `provisioner` to the CSI driver's name.")

INVALID_VOLUME = rule(
    "SRV122", "invalid-persistent-volume", "A PersistentVolume the API server rejects",
    what="Checks PersistentVolumes as ValidatePersistentVolumeSpec does: at least one access mode, "
         "`ReadWriteOncePod` alone; a `capacity` that holds `storage` and nothing else, above zero; exactly "
         "one volume source (`hostPath`, `nfs`, `csi`, `local` ...), and in that source no empty `path` (nor one "
         "with a `..` segment; an `nfs` path absolute), `server`, CSI `driver` (at most 63 characters) or "
         "`volumeHandle`; from 1.10 a `local` volume with "
         "`nodeAffinity`, and a `nodeAffinity` with `required` node selector terms (the terms themselves "
         "are SRV037's, label values in them from 1.33); no `Recycle` policy for a `hostPath` of '/'; a "
         "`storageClassName` that is a DNS-1123 subdomain. (That only `nfs` and `hostPath` volumes can be "
         "recycled is the recycler's rule at run time, not the API server's: not checked.)",
    why="The API server rejects the volume with `spec: Required value: must specify a volume type`, "
        "`spec.capacity: Required value`, `spec.nodeAffinity: Required value: Local volume requires node "
        "affinity` and similar answers.",
    example="apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: disk-1}\nspec:\n"
            "  capacity: {storage: 100Gi}\n  accessModes: [ReadWriteOnce]\n  local: {path: /mnt/disks/ssd1}\n",
    fix="Give the volume `capacity: {storage: ...}`, an access mode and one source; pin a `local` volume to "
        "its node with `nodeAffinity.required.nodeSelectorTerms`.",
    versions="every version (node affinity from 1.10, its label values from 1.33)")

RULES = [INVALID_CLAIM, INVALID_STORAGE_CLASS, INVALID_VOLUME]
REPORTS = [INVALID_AFFINITY]  # a volume's node selector terms are checked as a pod's are

_OTHER_MODES = frozenset({"ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany"})
# The sources of a PersistentVolumeSpec in the order ValidatePersistentVolumeSpec counts them: the second one
# found is refused. flexVolume is counted without being refused (so it never is the refused one).
_SOURCES = ("hostPath", "gcePersistentDisk", "awsElasticBlockStore", "glusterfs", "flocker", "nfs", "rbd",
            "quobyte", "cephfs", "iscsi", "cinder", "fc", "flexVolume", "azureFile", "vsphereVolume",
            "photonPersistentDisk", "portworxVolume", "azureDisk", "scaleIO", "local", "storageos", "csi")


def walk(resource, ctx, report: Report) -> None:
    kind = resource.kind
    if kind == "StorageClass":
        _storage_class(resource.data, report)
    elif kind == "PersistentVolume":
        spec = resource.data.get("spec")
        if isinstance(spec, dict):
            _volume(spec, ("spec",), report, ctx.target)
    else:
        spec = resource.data.get("spec")
        if isinstance(spec, dict):
            _claim(spec, ("spec",), report, ctx.target)


def _claim(spec: dict, path: tuple, report: Report, version=None) -> None:
    """ValidatePersistentVolumeClaimSpec. Without a version (a pod's ephemeral claim templates) the checks
    that depend on one are left out."""
    modes = spec.get("accessModes")
    if modes is None or modes == []:
        report.required(INVALID_CLAIM, path + ("accessModes",), "at least 1 access mode is required")
    elif isinstance(modes, list) and "ReadWriteOncePod" in modes and _OTHER_MODES.intersection(modes):
        report.forbidden(INVALID_CLAIM, path + ("accessModes",), "may not use ReadWriteOncePod with other access "
                         "modes")
    _claim_sources(spec, path, report, version)
    resources = spec.get("resources")
    if resources is not None and not isinstance(resources, dict):
        return
    requests = mapping(mapping(resources).get("requests"))
    if "storage" not in requests:
        report.required(INVALID_CLAIM, path + ("resources", "requests", "storage"))
        return
    amount = syntax.quantity(requests["storage"])
    if amount is not None and amount <= 0:
        report.invalid(INVALID_CLAIM, path + ("resources", "requests", "storage"), requests["storage"],
                       "must be greater than zero")


def _claim_sources(spec: dict, path: tuple, report: Report, version) -> None:
    """The claim's class name and data sources. dataSource is judged from 1.18 (PVC and snapshot sources on
    by default; before, a disabled source was dropped); dataSourceRef from 1.24 (AnyVolumeDataSource beta),
    which, when both are written, must name what dataSource names."""
    name = text(spec.get("storageClassName"))
    if name:
        for msg in syntax.dns1123_subdomain(name):
            report.invalid(INVALID_CLAIM, path + ("storageClassName",), name, msg)
    if version is None or not at_least(version, 18):
        return
    source = spec.get("dataSource")
    if isinstance(source, dict):
        _data_source(source, path + ("dataSource",), report)
    ref = spec.get("dataSourceRef") if at_least(version, 24) else None
    if isinstance(ref, dict):
        _data_source(ref, path + ("dataSourceRef",), report)
        if isinstance(source, dict) and not ref.get("namespace") and any(
                source.get(k) != ref.get(k) for k in ("apiGroup", "kind", "name")):
            report.invalid(INVALID_CLAIM, path, "...", "must match dataSourceRef")


def _data_source(source: dict, path: tuple, report: Report) -> None:
    for key in ("name", "kind"):
        if source.get(key) in (None, ""):
            report.required(INVALID_CLAIM, path + (key,))
    kind = source.get("kind")
    if not source.get("apiGroup") and kind and kind != "PersistentVolumeClaim":
        report.invalid(INVALID_CLAIM, path, kind, "must be 'PersistentVolumeClaim' when referencing the default "
                       "apiGroup")


def _storage_class(data: dict, report: Report) -> None:
    provisioner = data.get("provisioner")
    if provisioner in (None, ""):
        report.required(INVALID_STORAGE_CLASS, ("provisioner",))
    elif isinstance(provisioner, str):
        for msg in syntax.qualified_name(provisioner.lower()):
            report.invalid(INVALID_STORAGE_CLASS, ("provisioner",), provisioner, msg)
    parameters = data.get("parameters")
    if isinstance(parameters, dict) and len(parameters) > 512:
        report.add(INVALID_STORAGE_CLASS, ("parameters",),
                   f"parameters: Too many: {len(parameters)}: must have at most 512 items")
    _allowed_topologies(data.get("allowedTopologies"), ("allowedTopologies",), report)


def _allowed_topologies(terms, path: tuple, report: Report) -> None:
    """validateAllowedTopologies: each term as ValidateTopologySelectorTerm checks it, and no term whose
    key -> values map equals an earlier one. Upstream compares with a list that starts with one empty map per
    term, so a term without expressions is always reported as a repeat."""
    seen: list = []
    for i, term in enumerate(items(terms)):
        if not isinstance(term, dict):
            continue
        where = path + (i, "matchLabelExpressions")
        by_key: dict = {}
        for j, expr in enumerate(items(term.get("matchLabelExpressions"))):
            if not isinstance(expr, dict):
                continue
            key, values = expr.get("key"), expr.get("values")
            if not isinstance(key, (str, type(None))) or not isinstance(values, (list, type(None))):
                continue  # the schema's finding
            if not values:
                report.required(INVALID_STORAGE_CLASS, where + (j, "values"))
            value_set: set = set()
            for k, value in enumerate(values or ()):
                if value in value_set:
                    report.duplicate(INVALID_STORAGE_CLASS, where + (j, "values", k), value)
                if isinstance(value, str):
                    value_set.add(value)
            for msg in syntax.qualified_name(key or ""):
                report.invalid(INVALID_STORAGE_CLASS, where + (j, "key"), key or "", msg)
            if (key or "") in by_key:
                report.duplicate(INVALID_STORAGE_CLASS, where + (j, "key"), key or "")
            by_key[key or ""] = frozenset(value_set)
        if not by_key or by_key in seen:
            report.duplicate(INVALID_STORAGE_CLASS, where, "")
        seen.append(by_key)


def _volume(spec: dict, path: tuple, report: Report, version) -> None:
    modes = spec.get("accessModes")
    if modes is None or modes == []:
        report.required(INVALID_VOLUME, path + ("accessModes",))
    elif isinstance(modes, list) and "ReadWriteOncePod" in modes and _OTHER_MODES.intersection(modes):
        report.forbidden(INVALID_VOLUME, path + ("accessModes",), "may not use ReadWriteOncePod with other access "
                         "modes")
    capacity = spec.get("capacity")
    if capacity is None or capacity == {}:
        report.required(INVALID_VOLUME, path + ("capacity",))
    if isinstance(capacity, dict):
        if "storage" not in capacity or len(capacity) > 1:
            report.unsupported(INVALID_VOLUME, path + ("capacity",), "...", ["storage"])
        amount = syntax.quantity(capacity.get("storage"))
        if amount is not None and amount <= 0:
            report.invalid(INVALID_VOLUME, path + ("capacity", "storage"), capacity["storage"],
                           "must be greater than zero")
    affinity = spec.get("nodeAffinity") if at_least(version, 10) else None
    if isinstance(affinity, dict):
        _volume_node_affinity(affinity, path + ("nodeAffinity",), report, version)
    count = 0
    for key in _SOURCES:
        if spec.get(key) is None:
            continue
        if count and key != "flexVolume":
            report.forbidden(INVALID_VOLUME, path + (key,), "may not specify more than 1 volume type")
            continue
        count += 1
        source = spec[key]
        if isinstance(source, dict) and key in _SOURCE_CHECKS:  # only the counted source is validated
            _SOURCE_CHECKS[key](source, path + (key,), report)
        if key == "local" and affinity is None and at_least(version, 10):
            report.required(INVALID_VOLUME, path + ("nodeAffinity",), "Local volume requires node affinity")
    if not count:
        report.required(INVALID_VOLUME, path, "must specify a volume type")
    host = text(mapping(spec.get("hostPath")).get("path"))
    if host and posixpath.normpath(host) in ("/", "//") and spec.get("persistentVolumeReclaimPolicy") == "Recycle":
        report.forbidden(INVALID_VOLUME, path + ("persistentVolumeReclaimPolicy",),
                         "may not be 'recycle' for a hostPath mount of '/'")
    name = text(spec.get("storageClassName"))
    if name:
        for msg in syntax.dns1123_subdomain(name):
            report.invalid(INVALID_VOLUME, path + ("storageClassName",), name, msg)


def _required_text(source: dict, key: str, path: tuple, report: Report) -> str | None:
    """The string at `key`; an empty one is refused (an omitted one is a required field: SCH001)."""
    value = source.get(key)
    if value == "":
        report.required(INVALID_VOLUME, path + (key,))
    return value if isinstance(value, str) and value else None


def _no_backsteps(value: str | None, path: tuple, report: Report) -> None:
    if value is not None and ".." in value.split("/"):
        report.invalid(INVALID_VOLUME, path, value, "must not contain '..'")


def _host_path(source: dict, path: tuple, report: Report) -> None:
    _no_backsteps(_required_text(source, "path", path, report), path + ("path",), report)


def _local(source: dict, path: tuple, report: Report) -> None:
    _no_backsteps(_required_text(source, "path", path, report), path + ("path",), report)


def _nfs(source: dict, path: tuple, report: Report) -> None:
    _required_text(source, "server", path, report)
    value = _required_text(source, "path", path, report)
    if value is not None and not value.startswith("/"):
        report.invalid(INVALID_VOLUME, path + ("path",), value, "must be an absolute path")


def _csi(source: dict, path: tuple, report: Report) -> None:
    driver = _required_text(source, "driver", path, report)
    if driver is not None and len(driver) > 63:
        report.too_long(INVALID_VOLUME, path + ("driver",), "may not be more than 63 bytes")
    _required_text(source, "volumeHandle", path, report)


# What validateHostPathVolumeSource, validateLocalVolumeSource, validateNFSVolumeSource and
# validateCSIPersistentVolumeSource refuse in every version (the CSI driver name's format changed: not here).
_SOURCE_CHECKS = {"hostPath": _host_path, "local": _local, "nfs": _nfs, "csi": _csi}


def _volume_node_affinity(affinity: dict, path: tuple, report: Report, version) -> None:
    """validateVolumeNodeAffinity: `required` must be given; its terms are ValidateNodeSelector's, label
    values included from 1.33 (as for a pod's required node affinity)."""
    required = affinity.get("required")
    if required is None:
        report.required(INVALID_VOLUME, path + ("required",), "must specify required node constraints")
        return
    if not isinstance(required, dict):
        return
    terms = required.get("nodeSelectorTerms")
    if terms == []:  # an omitted or null list is a required field of the schema: SCH001 says so
        report.required(INVALID_AFFINITY, path + ("required", "nodeSelectorTerms"),
                        "must have at least one node selector term")
    for i, term in enumerate(items(terms)):
        if isinstance(term, dict):
            check_node_selector_term(term, path + ("required", "nodeSelectorTerms", i), report,
                                     check_values=at_least(version, 33))
