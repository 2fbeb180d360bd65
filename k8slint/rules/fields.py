"""FLD rules: one per record of `rules/fields.yaml`, matching fields, annotations, labels and values by path.

Path syntax (see docs/rules-format.md): dotted keys, `[*]` for every list item, `*` for every mapping key,
and the macros @podspec, @podmeta and @containers that expand to wherever the object's kind keeps them.
"""
from __future__ import annotations

import re
import string

from ..model import RuleDoc, RuleMeta, Severity
from ..model import finding_at
from . import Rule
from .context import RuleContext, lifecycle_state
from .data import load_table

# Where each kind keeps its pod template: the prefix of @podspec / @podmeta.
POD_TEMPLATE_PREFIXES = {
    "Pod": [()],
    "Deployment": [("spec", "template")],
    "ReplicaSet": [("spec", "template")],
    "StatefulSet": [("spec", "template")],
    "DaemonSet": [("spec", "template")],
    "Job": [("spec", "template")],
    "ReplicationController": [("spec", "template")],
    "PodTemplate": [("template",)],
    "CronJob": [("spec", "jobTemplate", "spec", "template")],
    "ScheduledJob": [("spec", "jobTemplate", "spec", "template")],
}
WORKLOAD_KINDS = frozenset(POD_TEMPLATE_PREFIXES)
CONTAINER_LISTS = ("containers", "initContainers", "ephemeralContainers")
_TOKEN = re.compile(r"\[\*\]|\[(\d+)\]|([^.\[\]]+)")
ANY_ITEM, ANY_KEY = object(), object()


def parse_path(text: str) -> list:
    """'spec.volumes[*].flexVolume' -> ['spec', 'volumes', ANY_ITEM, 'flexVolume']; macros stay as text."""
    out = []
    for m in _TOKEN.finditer(text):
        if m.group(0) == "[*]":
            out.append(ANY_ITEM)
        elif m.group(1) is not None:
            out.append(int(m.group(1)))
        elif m.group(2) == "*":
            out.append(ANY_KEY)
        else:
            out.append(m.group(2))
    return out


def expand(segments: list, kind: str | None) -> list:
    """Replace a leading macro by the concrete prefixes of this kind; [] when the kind has none."""
    if not segments or not isinstance(segments[0], str) or not segments[0].startswith("@"):
        return [segments]
    macro, rest = segments[0], segments[1:]
    prefixes = POD_TEMPLATE_PREFIXES.get(kind or "", [])
    if macro == "@podspec":
        return [list(p) + ["spec"] + rest for p in prefixes]
    if macro == "@podmeta":
        return [list(p) + ["metadata"] + rest for p in prefixes]
    if macro == "@containers":
        return [list(p) + ["spec", c, ANY_ITEM] + rest for p in prefixes for c in CONTAINER_LISTS]
    raise ValueError(f"unknown path macro {macro}")


def walk(value, segments: list, path: tuple = ()):
    """Yield (path, value) for every node the segments reach."""
    if not segments:
        yield path, value
        return
    head, rest = segments[0], segments[1:]
    if head is ANY_ITEM:
        if isinstance(value, list):
            for i, item in enumerate(value):
                yield from walk(item, rest, path + (i,))
    elif head is ANY_KEY:
        if isinstance(value, dict):
            for k, v in value.items():
                yield from walk(v, rest, path + (k,))
    elif isinstance(head, int):
        if isinstance(value, list) and head < len(value):
            yield from walk(value[head], rest, path + (head,))
    elif isinstance(value, dict) and head in value:
        yield from walk(value[head], rest, path + (head,))


def _test(matcher: dict, path: tuple, value) -> bool:
    if "key_in" in matcher:
        return bool(path) and path[-1] in matcher["key_in"]
    if "key_prefix" in matcher:
        return bool(path) and isinstance(path[-1], str) and path[-1].startswith(matcher["key_prefix"])
    if "equals" in matcher:
        return value == matcher["equals"]
    if "in" in matcher:
        return value in matcher["in"]
    return value is not None


class _Blank(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def _meta(record: dict) -> RuleMeta:
    docs = record.get("docs") or {}
    lifecycle = ", ".join(f"{k} {record[k]}" for k in ("deprecated", "removed") if record.get(k))
    severity = Severity.parse(record.get("removed_severity", "error")) if record.get("removed") \
        else Severity.parse(record.get("severity", "warning"))
    return RuleMeta(record["id"], record["name"], record["title"], severity, RuleDoc(
        what=docs.get("what", ""), why=docs.get("why", ""), example=docs.get("example", ""),
        fix=docs.get("fix", ""), fix_safety=docs.get("fix_safety", "No automatic fix.")),
        versions=lifecycle or "every version", family="FLD")


def _make_check(record: dict, meta: RuleMeta):
    kinds = record.get("kinds")
    if kinds and "@workloads" in kinds:
        kinds = (set(kinds) - {"@workloads"}) | WORKLOAD_KINDS
    kinds = frozenset(kinds) if kinds else None
    matchers = [(m, parse_path(m["path"])) for m in record["match"]]
    formatter = string.Formatter()

    def check(resource, ctx: RuleContext):
        if kinds is not None and resource.kind not in kinds:
            return
        state = lifecycle_state(ctx.target, record.get("deprecated"), record.get("removed"))
        if state == "ok" and (record.get("deprecated") or record.get("removed")):
            return
        severity = (Severity.parse(record.get("removed_severity", "error")) if state == "removed"
                    else Severity.parse(record.get("severity", "warning")))
        seen = set()
        for matcher, segments in matchers:
            for concrete in expand(segments, resource.kind):
                for path, value in walk(resource.data, concrete):
                    if path in seen or not _test(matcher, path, value):
                        continue
                    seen.add(path)
                    fields = _Blank(key=path[-1] if path else "", value=value, kind=resource.kind,
                                    target=ctx.target, deprecated=record.get("deprecated"),
                                    removed=record.get("removed"))
                    message = formatter.vformat(record["message"], (), fields)
                    if state == "removed" and record.get("removed"):
                        message += f" (removed in {record['removed']})"
                    keyed = "key_in" in matcher or "key_prefix" in matcher
                    yield finding_at(resource, meta.id, severity, message, path, prefer_key=keyed,
                                     suggestion=record.get("replacement"),
                                     extra={"deprecated_in": record.get("deprecated"),
                                            "removed_in": record.get("removed"),
                                            "replacement": record.get("replacement")})

    return check


def field_rules() -> list:
    return [Rule(_meta(r), _make_check(r, _meta(r)), r) for r in load_table("fields")]
