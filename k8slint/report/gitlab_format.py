"""GitLab Code Quality JSON (a subset of the Code Climate issue format), shown in merge requests.

A list of issues, each with `description`, `check_name` (the rule id), `fingerprint`, `severity` (error:
major, warning: minor, info: info on GitLab's info/minor/major/critical/blocker scale) and `location` with
the path relative to the repository root (see projectroot) and the line. The fingerprint is a SHA-256 of the
rule, path, JSON path, object and message, not of the line, so an issue keeps its identity when lines above
it move; a repeat of the same issue gets a distinct fingerprint by its occurrence number.
"""
from __future__ import annotations

import hashlib
from ..jsontext import dumps

from ..model import Severity
from . import relative_path
from .places import ci_place

SEVERITIES = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


def fingerprint(finding, path: str, occurrence: int = 1) -> str:
    obj = finding.obj
    parts = [finding.rule_id, path, finding.json_path,
             *((obj.api_version or "", obj.kind or "", obj.namespace or "", obj.name or "") if obj else ("",) * 4),
             finding.message]
    if occurrence > 1:
        parts.append(str(occurrence))
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def issues(result, root=None) -> list:
    out = []
    seen: dict = {}
    for f in result.findings:
        file, line, _, lead = ci_place(f, root)
        path = relative_path(file, root)[0]
        base = fingerprint(f, path)
        seen[base] = seen.get(base, 0) + 1
        out.append({
            "description": lead + f.message,
            "check_name": f.rule_id,
            "fingerprint": base if seen[base] == 1 else fingerprint(f, path, seen[base]),
            "severity": SEVERITIES[f.severity],
            "location": {"path": path, "lines": {"begin": max(line, 1)}},
        })
    return out


def render(result, root=None, **_) -> str:
    return dumps(issues(result, root)) + "\n"
