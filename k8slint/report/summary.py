"""The counts every format shows at the end of a run."""
from __future__ import annotations

from ..model import Severity


def summary(result) -> dict:
    out = {
        "files": result.files,
        "resources": result.resources,
        # kustomize's configuration files: read for their patch targets, never applied to the cluster
        "kustomizations": getattr(result, "kustomizations", 0),
        "errors": result.count(Severity.ERROR),
        "warnings": result.count(Severity.WARNING),
        "infos": result.count(Severity.INFO),
    }
    if getattr(result, "config_file", None):  # a configuration can turn checks off: say which one did
        out["config_file"] = result.config_file
    return out


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def summary_line(result) -> str:
    s = summary(result)
    line = (f"{_plural(s['errors'], 'error')}, {_plural(s['warnings'], 'warning')}, {_plural(s['infos'], 'info')}"
            f" in {_plural(s['files'], 'file')} ({_plural(s['resources'], 'resource')}"
            + (f", {_plural(s['kustomizations'], 'kustomization')}" if s["kustomizations"] else "") + ")")
    return line + (f"; configuration {s['config_file']}" if "config_file" in s else "")
