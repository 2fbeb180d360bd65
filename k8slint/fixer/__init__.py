"""`k8slint fix`: rewrite manifests for a target Kubernetes version, editing the text in place.

- `source`: the document's YAML nodes with positions and styles; `render`: values -> text in the file's style;
- `yamledit`: the Editor, which records changes to an object (and its JSON value afterwards);
- `layout`: those changes -> text edits at the parser's positions, in the style of the surrounding text;
- `migrations`: one module per family (workloads, ingress, crd, tpr, hpa, webhooks, policy, simple bumps,
  field-level fixes), registered by the rule they fix;
- `plan`: which migration applies to which finding, with its safety; `apply`: apply, verify, write;
- `inmemory`: the same migrations computed without writing (FileMigrator), for the upgrade report.

`fixability(finding)` is the answer the upgrade report uses: "safe", "unsafe" or None (manual only);
`describe_fix(finding)` adds what the fix does, why it is unsafe or absent, and the manual steps. Both take
an optional resource and FixContext (`context_for(target, store, resources)`) for the exact answer for one
object; without them they answer for the rule.
"""
from __future__ import annotations

from .apply import AppliedFix, FileOutcome, FixOptions, FixRun, run_fix, unified_diff
from .inmemory import FileMigrator
from .plan import FixInfo, context_for, describe_fix, fixability, plan_finding

__all__ = ["AppliedFix", "FileMigrator", "FileOutcome", "FixInfo", "FixOptions", "FixRun", "context_for",
           "describe_fix", "fixability", "plan_finding", "run_fix", "unified_diff"]
