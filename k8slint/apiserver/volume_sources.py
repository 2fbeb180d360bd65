"""What is inside a pod's volumes, as validateVolumeSource checks it: the object a configMap, secret or claim
volume names, file modes, the paths of projected items, host paths, emptyDir size limits. Serves every kind
whose pod spec the API server validates; reported as SRV025 (a volume the API server rejects). The volume's
name and its count of sources are the `pods` module's."""
from __future__ import annotations

from .. import apisyntax as syntax
from .base import Report, integer, items, mapping
from .pods import INVALID_VOLUME, POD_SPEC_PATHS

KINDS = frozenset(POD_SPEC_PATHS)
RULES: list = []
REPORTS = [INVALID_VOLUME]  # rules of other areas this one reports too

MODE_MAX = 0o777
MODE_ERROR = "must be a number between 0 and 0777 (octal), both inclusive"


def walk(resource, ctx, report: Report) -> None:
    path = POD_SPEC_PATHS[resource.kind]
    spec = resource.get(path)
    if spec.__class__ is not dict:
        return
    for i, volume in enumerate(items(spec.get("volumes"))):
        if volume.__class__ is dict:
            check_volume_source(volume, path + ("volumes", i), report)


def check_volume_source(volume: dict, path: tuple, report: Report) -> None:
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
        ppath = path + ("projected",)
        _mode(projected, "defaultMode", ppath, report)
        for j, source in enumerate(items(projected.get("sources"))):
            for kind in ("secret", "configMap"):
                inner = mapping(source).get(kind)
                if inner.__class__ is dict:
                    _named(inner, "name", ppath + ("sources", j, kind), report)
                    _items(inner, ppath + ("sources", j, kind), report)
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
            problems = list(syntax.local_descending_path(target))
            if target.startswith("..") and not target.startswith("../"):
                problems.append("must not start with '..'")
            for msg in problems:
                report.invalid(INVALID_VOLUME, where + ("path",), target, msg)
        _mode(item, "mode", where, report)

