"""Metadata of the rule the suppression mechanism (k8slint/suppress.py) reports with."""
from __future__ import annotations

from ..model import RuleDoc, RuleMeta, Severity

UNUSED_SUPPRESSION = "SUP001"

SUPPRESSION_RULES = [
    RuleMeta(UNUSED_SUPPRESSION, "unused-suppression", "A suppression that silences nothing", Severity.INFO,
             RuleDoc(
                 what="Reports a `# k8slint: ignore=...` comment, a `# k8slint: ignore-file` comment or a "
                      "`k8slint.io/ignore` annotation that matched no finding in this run. Suppressions of "
                      "rules that did not run (not selected, or ignored) are not reported.",
                 why="Suppressions outlive the problems they hid: after a migration they silently hide the "
                     "next real problem on that line or object. Reporting them keeps the list short and true.",
                 example="apiVersion: v1  # k8slint: ignore=SCH001\nkind: ConfigMap\nmetadata: {name: c}\n",
                 fix="Delete the suppression, or narrow it to the rule that still fires."),
             versions="every version", family="SUP"),
]
