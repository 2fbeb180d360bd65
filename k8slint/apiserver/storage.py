"""PersistentVolumeClaims and StorageClasses as the API server checks them."""
from __future__ import annotations

from .. import apisyntax as syntax
from .base import Report, mapping, rule

KINDS = frozenset({"PersistentVolumeClaim", "StorageClass"})

INVALID_CLAIM = rule(
    "SRV120", "invalid-volume-claim", "A PersistentVolumeClaim without access modes or a storage request",
    what="Checks PersistentVolumeClaims: at least one access mode, "
         "`ReadWriteOncePod` alone, and `resources.requests.storage` present and above zero.",
    why="The API server rejects the claim with `spec.accessModes: Required value: at least 1 access mode is "
        "required` or `spec.resources[storage]: Required value`.",
    example="apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data}\nspec:\n"
            "  accessModes: [ReadWriteOnce]\n",
    fix="Give the claim `accessModes: [ReadWriteOnce]` (or another mode) and `resources: {requests: "
        "{storage: 10Gi}}`.")
INVALID_STORAGE_CLASS = rule(
    "SRV121", "invalid-storage-class", "A StorageClass without a valid provisioner",
    what="Checks that a StorageClass names a `provisioner` that is a qualified name (such as "
         "`ebs.csi.aws.com` or `kubernetes.io/no-provisioner`) and holds at most 512 parameters.",
    why="The API server rejects the class with `provisioner: Required value` or `Invalid value`.",
    example="apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: fast}\nprovisioner: ''\n",
    fix="Set `provisioner` to the CSI driver's name.")

RULES = [INVALID_CLAIM, INVALID_STORAGE_CLASS]


def walk(resource, ctx, report: Report) -> None:
    kind = resource.kind
    if kind == "StorageClass":
        _storage_class(resource.data, report)
    else:
        spec = resource.data.get("spec")
        if isinstance(spec, dict):
            _claim(spec, ("spec",), report)


def _claim(spec: dict, path: tuple, report: Report) -> None:
    modes = spec.get("accessModes")
    if modes is None or modes == []:
        report.required(INVALID_CLAIM, path + ("accessModes",), "at least 1 access mode is required")
    elif isinstance(modes, list) and "ReadWriteOncePod" in modes and len(modes) > 1:
        report.forbidden(INVALID_CLAIM, path + ("accessModes",), "may not use ReadWriteOncePod with other access "
                         "modes")
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



