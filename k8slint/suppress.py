"""Suppressions written in the manifests themselves.

- `# k8slint: ignore=RULE[,RULE]` at the end of the offending line, or alone on the line above it;
- `# k8slint: ignore-file` (or `ignore-file=RULE,...`) anywhere in a file;
- the annotation `k8slint.io/ignore: "RULE,RULE"` on an object (all its findings of those rules).

RULE is an id or a prefix (API, SCH002). A suppression that silences nothing is itself reported (SUP001,
info), so stale ones do not pile up.
"""
from __future__ import annotations

from .lazyre import lazy
from .model import Finding, Severity, field, record
from .rules import matches
from .rules.suppression_rule import UNUSED_SUPPRESSION
ANNOTATION = "k8slint.io/ignore"
_COMMENT = lazy(r"#\s*k8slint:\s*(ignore-file|ignore)\b(?:\s*=\s*([A-Za-z0-9_,\- ]*[A-Za-z0-9]))?")


@record
class Suppression:
    """One `# k8slint: ignore` comment: what it covers, which rules, and whether it was used."""

    scope: str  # "line", "file" or "object"
    patterns: tuple  # rule ids or prefixes; empty means every rule
    line: int
    column: int
    covers: object = None  # the line number (scope line) or (doc_index, ObjectRef) (scope object)
    used: bool = field(default=False)

    def __init__(self, scope, patterns, line, column, covers=None, used=False):
        self.scope = scope
        self.patterns = patterns
        self.line = line
        self.column = column
        self.covers = covers
        self.used = used

    def matches(self, finding: Finding) -> bool:
        if self.patterns and not matches(finding.rule_id, self.patterns):
            return False
        if self.scope == "file":
            return True
        if self.scope == "line":
            return finding.line == self.covers
        doc_index, obj = self.covers
        return finding.doc_index == doc_index and finding.obj == obj

    def describe(self) -> str:
        rules = ",".join(self.patterns) if self.patterns else "all rules"
        if self.scope == "object":
            return f"annotation {ANNOTATION}: {rules!r} matches no finding of this object"
        what = "ignore-file" if self.scope == "file" else "ignore"
        return f"suppression `k8slint: {what}` ({rules}) matches no finding"


def _split(text: str | None) -> tuple:
    return tuple(p.strip().upper() for p in (text or "").split(",") if p.strip())


def from_comments(text: str) -> list:
    if "k8slint:" not in text:  # the common case costs one scan
        return []
    out = []
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        m = _COMMENT.search(line)
        if not m:
            continue
        patterns = _split(m.group(2))
        column = m.start() + 1
        if m.group(1) == "ignore-file":
            out.append(Suppression("file", patterns, number, column))
            continue
        own_line = not line[: m.start()].strip()
        covered = number
        if own_line:  # the next line that is not itself a comment or blank
            covered = next((n for n in range(number + 1, len(lines) + 1)
                            if lines[n - 1].strip() and not lines[n - 1].lstrip().startswith("#")), number + 1)
        out.append(Suppression("line", patterns, number, column, covered))
    return out


def from_annotations(resources) -> list:
    out = []
    for resource in resources:
        annotations = resource.metadata.get("annotations")
        value = annotations.get(ANNOTATION) if isinstance(annotations, dict) else None
        if not isinstance(value, str):
            continue
        span = resource.span(("metadata", "annotations", ANNOTATION))
        out.append(Suppression("object", _split(value), span.line, span.column,
                               (resource.doc_index, resource.ref)))
    return out


def apply(findings: list, suppressions: list, file: str, reportable) -> list:
    """Findings minus the suppressed ones, plus one SUP001 per suppression that silenced nothing.
    `reportable(rule_id) -> bool` says whether a pattern's rules ran at all (unused only means something
    then)."""
    if not suppressions:
        return findings
    return silence(findings, suppressions) + unused(suppressions, file, reportable)


def silence(findings: list, suppressions: list) -> list:
    """Findings minus the suppressed ones; the suppressions that matched are marked used (an input read a
    piece at a time is silenced piece by piece, and `unused` is asked once at its end)."""
    if not suppressions:
        return findings
    kept = []
    for finding in findings:
        hit = [s for s in suppressions if s.matches(finding)]
        for s in hit:
            s.used = True
        if not hit:
            kept.append(finding)
    return kept


def unused(suppressions: list, file: str, reportable) -> list:
    """One SUP001 per suppression that silenced nothing (see apply)."""
    out = []
    for s in suppressions:
        if s.used or (s.patterns and not any(reportable(p) for p in s.patterns)):
            continue
        out.append(Finding(UNUSED_SUPPRESSION, Severity.INFO, s.describe(), file, s.line, s.column))
    return out
