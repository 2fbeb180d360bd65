"""The sentences every format shares, so that the terminal, the pull-request comment and the page say the
same thing the same way."""
from __future__ import annotations

from .lifecycle import describe_states
from .model import BLOCKING, MANUAL, OK, SAFE, UNSAFE


def plural(n: int, word: str, words: str | None = None) -> str:
    return f"{n} {word if n == 1 else (words or word + 's')}"


KUSTOMIZATION_NOTE = "kustomize's configuration, not applied to the cluster"


def scanned(report) -> str:
    """What the report read, in lint's words: Kubernetes objects, then kustomization files apart."""
    s = report.summary()
    objects = plural(s["objects"], "object")
    if not s["kustomizations"]:
        return objects
    return f"{s['objects'] + s['kustomizations']} ({objects}, {plural(s['kustomizations'], 'kustomization')})"


def percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "–"


def shown_hops(report) -> list:
    """The hops every format lists: what is already true at C (when something is, or when --from equals --to
    and there is no hop at all), then each hop."""
    already = [report.already] if report.already.changes or not report.hops else []
    return already + report.hops


def hop_label(hop) -> str:
    return f"already at {hop.to}" if hop.start is None else f"{hop.start} → {hop.to}"


FIX_LABELS = {SAFE: "safe", UNSAFE: "unsafe (--unsafe-fixes)", MANUAL: "manual", None: "manual"}


def fix_label(fix: str | None) -> str:
    """What `k8slint fix` does about an issue or an object."""
    return FIX_LABELS[fix]


CHANGE_LABELS = {"removed": "removed", "deprecated": "deprecated", "invalid": "schema error", "refused": "refused"}


def hop_changes(hop) -> list:
    """(change label, Change) of a hop, removals first."""
    return ([("removed", c) for c in hop.removed]
            + [("refused" if c.issue.type == "server" else "invalid", c) for c in hop.invalid]
            + [("deprecated", c) for c in hop.deprecated])


def hop_headline(hop) -> str:
    """"2 objects stop working · 3 removals · 1 deprecation" (or "no change")."""
    parts = []
    if hop.breaks:
        verb = "do not work" if hop.start is None else "stop working"
        parts.append(f"{plural(len(hop.breaks), 'object')} {verb}" if len(hop.breaks) != 1
                     else f"1 object {'does not work' if hop.start is None else 'stops working'}")
    if hop.removed:
        parts.append(plural(len(hop.removed), "removal"))
    refused = sum(1 for c in hop.invalid if c.issue.type == "server")
    if len(hop.invalid) > refused:
        parts.append(plural(len(hop.invalid) - refused, "schema error"))
    if refused:
        parts.append(plural(refused, "API-server refusal"))
    if hop.deprecated:
        parts.append(plural(len(hop.deprecated), "deprecation"))
    return " · ".join(parts) if parts else "no change"


def summary_rows(report) -> list:
    """(label, value) lines of the summary, in the order every format shows them."""
    s = report.summary()
    rows = [("Objects scanned", f"{s['objects']} in {plural(s['files'], 'file')}")]
    if s["kustomizations"]:
        rows.append(("Kustomizations", f"{s['kustomizations']} ({KUSTOMIZATION_NOTE})"))
    rows.append(("Blocking the upgrade", f"{s['blocking']} of {scanned(report)}"))
    first = report.first_breaking_hop
    rows.append(("First hop that breaks",
                 f"{hop_label(first)} ({plural(len(first.breaks), 'object')})" if first else "none"))
    if s["already_broken"]:
        rows.append((f"Already broken at {report.start}", plural(s["already_broken"], "object")))
    if s["needing_action"]:
        automatic = s["fixable_safe"] + s["fixable_unsafe"]
        rows.append(("Fixable automatically",
                     f"{automatic} of {plural(s['needing_action'], 'object')} needing action "
                     f"({percent(automatic, s['needing_action'])}): {s['fixable_safe']} safe, "
                     f"{s['fixable_unsafe']} with --unsafe-fixes"))
    else:
        rows.append(("Fixable automatically", "nothing to fix"))
    rows.append(("Manual actions left", str(s["manual_actions"])))
    if s["problems"]:
        rows.append(("Inputs not read", plural(s["problems"], "problem")))
    if report.config_file:
        rows.append(("Configuration", report.config_file))
    return rows


def summary_cards(report) -> list:
    """(label, headline, detail, tone) of the summary for the page: the same facts as summary_rows, with the
    number that matters set apart. tone: "bad", "good" or ""."""
    s = report.summary()
    first = report.first_breaking_hop
    cards = [("Objects scanned", str(s["objects"]), f"in {plural(s['files'], 'file')}", "")]
    if s["kustomizations"]:
        cards.append(("Kustomizations", str(s["kustomizations"]), KUSTOMIZATION_NOTE, ""))
    cards += [("Blocking the upgrade", str(s["blocking"]), f"of {scanned(report)}",
               "bad" if s["blocking"] else "good"),
              ("First hop that breaks", hop_label(first) if first else "none",
               f"{plural(len(first.breaks), 'object')} stop{'s' if len(first.breaks) == 1 else ''} working"
               if first else "no object stops working on the way", "bad" if first else "good")]
    if s["already_broken"]:
        cards.append((f"Already broken at {report.start}", str(s["already_broken"]),
                      "objects that do not work now either", "bad"))
    if s["needing_action"]:
        automatic = s["fixable_safe"] + s["fixable_unsafe"]
        cards.append(("Fixable automatically", percent(automatic, s["needing_action"]),
                      f"{automatic} of {plural(s['needing_action'], 'object')} needing action: "
                      f"{s['fixable_safe']} safe, {s['fixable_unsafe']} with --unsafe-fixes", ""))
    else:
        cards.append(("Fixable automatically", "–", "nothing to fix", "good"))
    cards.append(("Manual actions left", str(s["manual_actions"]),
                  "changes k8slint fix cannot make" if s["manual_actions"] else "none",
                  "" if s["manual_actions"] else "good"))
    if s["problems"]:
        cards.append(("Inputs not read", str(s["problems"]), "see the end of the page", "bad"))
    return cards


def verdict(report) -> str:
    """One sentence: can the manifests go to the target as they are?"""
    n = len(report.blocking)
    if n:
        return f"{plural(n, 'object')} {'blocks' if n == 1 else 'block'} the upgrade to {report.end}."
    if any(p.severity == "error" for p in report.problems):
        return f"Some inputs could not be read; the upgrade to {report.end} is not cleared."
    return f"Nothing blocks the upgrade to {report.end}."


def status_text(obj, report) -> str:
    if obj.status == BLOCKING:
        at = obj.breaks_at
        return f"already broken at {at}" if at == report.start else f"breaks at {at}"
    if obj.status == OK:
        return "no change needed"
    return f"works in {report.end}, change advised"


def lifecycle_text(obj, report, sep: str = " · ") -> str:
    return describe_states(obj.states, report.versions, sep)


def validity_text(obj, report) -> str:
    """"valid in T as written" only when the schema and the API server checks of T both accept the object."""
    v = obj.validity
    schema = v.schema or v.result
    if schema == "unchecked":
        text = f"not checked: {v.note}" if v.note else "not checked"
    else:
        where = " after migration to " + v.api_version if v.checked == "after-migration" else " as written"
        text = schema + f" in {report.end}{where}"
    if not v.refused_by:
        return text
    refused = f"refused by the {report.end} API server ({', '.join(v.refused_by)})"
    return f"{refused}; schema {text}"


def issue_when(issue) -> str:
    """"removed in 1.16", "deprecated since 1.21", "schema error from 1.25"."""
    if issue.type == "schema":
        return f"schema error from {issue.since}"
    if issue.type == "server":
        return f"refused by the API server from {issue.since}"
    if issue.state == "removed":
        return f"removed in {issue.removed_in}"
    return f"deprecated since {issue.deprecated_in}" if issue.deprecated_in else "deprecated"
