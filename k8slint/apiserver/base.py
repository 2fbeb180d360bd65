"""What every API-server check shares: rule metadata, the API server's error phrases, one report per object.

The checks of one object run together in one walk (see `runner`); they hand what they find to a `Report`,
which turns it into findings of the right rule, located at the offending node.
"""
from __future__ import annotations

import json

from ..model import JsonPath, RuleDoc, RuleMeta, Severity, finding_at, format_json_path


def rule(rule_id: str, name: str, title: str, *, what: str, why: str, example: str, fix: str,
         severity: Severity = Severity.ERROR, versions: str = "every version") -> RuleMeta:
    return RuleMeta(rule_id, name, title, severity, RuleDoc(what=what, why=why, example=example, fix=fix),
                    versions=versions, family="SRV")


def shown(value) -> str:
    """A value as the API server quotes it in an error (JSON, so strings keep their quotes)."""
    text = json.dumps(value, ensure_ascii=False) if isinstance(value, (str, int, float, bool)) else "..."
    return text if len(text) <= 80 else text[:77] + '..."'


def field(path: JsonPath) -> str:
    return format_json_path(path) or "<root>"


class Report:
    """Collects the findings of one object, grouped by rule id."""

    __slots__ = ("resource", "by_rule")

    def __init__(self, resource):
        self.resource = resource
        self.by_rule: dict = {}

    def add(self, meta: RuleMeta, path: JsonPath, answer: str, suggestion: str | None = None,
            prefer_key: bool = False) -> None:
        finding = finding_at(self.resource, meta.id, meta.severity, f"the API server answers: {answer}",
                             tuple(path), prefer_key=prefer_key, suggestion=suggestion or meta.docs.fix)
        self.by_rule.setdefault(meta.id, []).append(finding)

    # The API server's phrases (field.Invalid, field.Required ...), so messages read as its answer does.
    def invalid(self, meta, path, value, detail: str, suggestion=None, prefer_key=False) -> None:
        self.add(meta, path, f"{field(path)}: Invalid value: {shown(value)}: {detail}", suggestion, prefer_key)

    def required(self, meta, path, detail: str = "", suggestion=None) -> None:
        self.add(meta, path, f"{field(path)}: Required value" + (f": {detail}" if detail else ""), suggestion)

    def unsupported(self, meta, path, value, supported, suggestion=None) -> None:
        values = ", ".join(json.dumps(s) for s in supported)
        self.add(meta, path, f"{field(path)}: Unsupported value: {shown(value)}: supported values: {values}",
                 suggestion)

    def duplicate(self, meta, path, value, suggestion=None) -> None:
        self.add(meta, path, f"{field(path)}: Duplicate value: {shown(value)}", suggestion)

    def forbidden(self, meta, path, detail: str, suggestion=None) -> None:
        self.add(meta, path, f"{field(path)}: Forbidden: {detail}", suggestion)

    def too_long(self, meta, path, detail: str, suggestion=None) -> None:
        self.add(meta, path, f"{field(path)}: Too long: {detail}", suggestion)

    def not_found(self, meta, path, value, suggestion=None) -> None:
        self.add(meta, path, f"{field(path)}: Not found: {shown(value)}", suggestion)


# Wrong types are the schema's finding (SCH001): the checks here read values through these and skip others.
def text(value) -> str | None:
    return value if isinstance(value, str) else None


def mapping(value) -> dict:
    return value if isinstance(value, dict) else {}


def items(value) -> list:
    return value if isinstance(value, list) else []


def integer(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def at_least(version, minor: int) -> bool:
    """Is the target version 1.<minor> or later? (A tuple comparison: checks ask this for every object.)"""
    return (version.major, version.minor) >= (1, minor)


def looks_dumped(resource) -> bool:
    """Was this object read back from a cluster (`kubectl get -o yaml`)? Such objects carry fields only the
    server sets; checks whose verdict depends on create-time defaulting stay quiet on them."""
    meta = resource.metadata
    return "status" in resource.data or any(k in meta for k in ("uid", "resourceVersion", "creationTimestamp",
                                                                 "managedFields"))

