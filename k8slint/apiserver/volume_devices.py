"""Raw block devices of a container (ValidateVolumeDevices, from 1.13 when BlockVolume came on by default;
before, the API server drops `volumeDevices`): each names a claim volume of the pod once, at its own
devicePath without '..', and neither the volume nor the path is also a volumeMount. Serves Pods and every
kind whose pod template the API server validates; reported as SRV026 (the volume) and SRV027 (the paths).
"""
from __future__ import annotations

from .base import Report, at_least, items, mapping
from .pods import INVALID_MOUNT, POD_SPEC_PATHS, UNKNOWN_VOLUME

KINDS = frozenset(POD_SPEC_PATHS)
RULES: list = []
REPORTS = [UNKNOWN_VOLUME, INVALID_MOUNT]

_GROUPS = ("containers", "initContainers", "ephemeralContainers")


def walk(resource, ctx, report: Report) -> None:
    if not at_least(ctx.target, 13):
        return
    path = POD_SPEC_PATHS[resource.kind]
    spec = resource.get(path)
    if spec.__class__ is not dict:
        return
    with_devices = [(group, i, c) for group in _GROUPS for i, c in enumerate(items(spec.get(group)))
                    if c.__class__ is dict and c.get("volumeDevices")]
    if not with_devices:
        return
    volumes = {}
    for volume in items(spec.get("volumes")):
        name = mapping(volume).get("name")
        if isinstance(name, str):
            volumes[name] = volume.get("persistentVolumeClaim") is not None or volume.get("ephemeral") is not None
    block_kinds = ("PersistentVolumeClaim or Ephemeral" if at_least(ctx.target, 21) else "PersistentVolumeClaim")
    for group, i, container in with_devices:
        _devices(container, path + (group, i), volumes, block_kinds, report)


def _devices(container: dict, cpath: tuple, volumes: dict, block_kinds: str, report: Report) -> None:
    mounts = {}
    for mount in items(container.get("volumeMounts")):
        name, target = mapping(mount).get("name"), mapping(mount).get("mountPath")
        if isinstance(name, str):
            mounts[name] = target
    mount_paths = set(v for v in mounts.values() if isinstance(v, str))
    names: set = set()
    paths: set = set()
    for j, device in enumerate(items(container.get("volumeDevices"))):
        if device.__class__ is not dict:
            continue
        where = cpath + ("volumeDevices", j)
        name, target = device.get("name"), device.get("devicePath")
        if not isinstance(name, (str, type(None))) or not isinstance(target, (str, type(None))):
            continue  # the schema's finding
        if not name:
            report.required(UNKNOWN_VOLUME, where + ("name",))
        elif name in names:
            report.invalid(INVALID_MOUNT, where + ("name",), name, "must be unique")
        if name and name in volumes and not volumes[name]:
            report.invalid(UNKNOWN_VOLUME, where + ("name",), name,
                           f"can only use volume source type of {block_kinds} for block mode",
                           suggestion="Mount the volume with volumeMounts, or give the device a claim volume.")
        elif name and name not in volumes:
            report.not_found(UNKNOWN_VOLUME, where + ("name",), name)
        if not target:
            report.required(INVALID_MOUNT, where + ("devicePath",))
        elif target in paths:
            report.invalid(INVALID_MOUNT, where + ("devicePath",), target, "must be unique")
        if target and ".." in target.split("/"):
            report.invalid(INVALID_MOUNT, where + ("devicePath",), target, "can not contain backsteps ('..')")
        elif target is not None:
            paths.add(target)
        if name in mounts:
            report.invalid(INVALID_MOUNT, where + ("name",), name, "must not already exist in volumeMounts")
        if target in mount_paths:
            report.invalid(INVALID_MOUNT, where + ("devicePath",), target,
                           "must not already exist as a path in volumeMounts")
        if name:
            names.add(name)
    # and the mounts' side of the same overlap (ValidateVolumeMounts)
    device_names = {mapping(d).get("name") for d in items(container.get("volumeDevices"))}
    device_paths = {mapping(d).get("devicePath") for d in items(container.get("volumeDevices"))}
    for j, mount in enumerate(items(container.get("volumeMounts"))):
        name, target = mapping(mount).get("name"), mapping(mount).get("mountPath")
        where = cpath + ("volumeMounts", j)
        if isinstance(name, str) and name in device_names:
            report.invalid(INVALID_MOUNT, where + ("name",), name, "must not already exist in volumeDevices")
        if isinstance(target, str) and target in device_paths:
            report.invalid(INVALID_MOUNT, where + ("mountPath",), target,
                           "must not already exist as a path in volumeDevices")
