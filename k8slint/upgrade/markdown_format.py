"""The report as GitHub-flavoured Markdown, sized for a pull-request comment: the summary and a table of the
hops on top, then each hop with changes folded in a <details> block, then the objects that need action.

A GitHub comment holds 65,536 characters, so the whole document is kept under MAX_CHARS: long tables stop
after MAX_ROWS rows, fewer when that is still too long (every section stays, each saying how many rows it
left out), and as a last resort the text is cut at a line with a closing line saying what is missing. The
JSON and HTML formats keep everything.
"""
from __future__ import annotations

from .model import BLOCKING, MANUAL, SAFE, UNSAFE
from .plan import change_fix, step_note, step_title, window_text
from .words import (CHANGE_LABELS, hop_changes, hop_headline, hop_label, issue_when, lifecycle_text, plural,
                    scanned, shown_hops, status_text, summary_rows, validity_text, verdict)

MAX_ROWS = 100
MAX_CHARS = 60_000  # below GitHub's 65,536, leaving room for what a bot or a person adds around it
_FEWER_ROWS = (MAX_ROWS, 50, 20, 10, 5, 1)

_FIX = {SAFE: "safe", UNSAFE: "unsafe (`--unsafe-fixes`)", MANUAL: "**manual**", None: "**manual**"}


def cell(text) -> str:
    """Text safe inside a table cell: no pipes, no line breaks, no HTML."""
    text = " ".join(str(text).split())
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")


def code(text) -> str:
    text = " ".join(str(text).split()).replace("|", "\\|")
    return f"`{text}`" if "`" not in text else cell(text)


def render(report, max_chars: int = MAX_CHARS, **_) -> str:
    for rows in _FEWER_ROWS:
        text = _document(report, rows)
        if len(text) <= max_chars:
            return text
    return _cut(text, max_chars)


def _cut(text: str, max_chars: int) -> str:
    """The document cut at a line so that it and the closing line fit; open <details> blocks are closed."""
    closing = ("**This report is cut here to fit a pull-request comment ({left} of {total} lines left out, "
               "from {section}).** `k8slint report --format html` or `--format json` has everything.")
    lines = text.splitlines()
    budget = max_chars - len(closing) - 200
    kept, size = [], 0
    for line in lines:
        if size + len(line) + 1 > budget:
            break
        kept.append(line)
        size += len(line) + 1
    rest = lines[len(kept):]
    section = next((line.lstrip("# ") for line in reversed(kept) if line.startswith("### ")), "the top")
    open_blocks = sum(line == "<details>" for line in kept) - sum(line == "</details>" for line in kept)
    kept += ["", *["</details>"] * open_blocks, "",
             closing.format(left=len(rest), total=len(lines), section=cell(section))]
    return "\n".join(kept) + "\n"


def _document(report, rows: int) -> str:
    out = [f"## Kubernetes upgrade report: {report.start} → {report.end}", ""]
    out.append(f"**{cell(verdict(report))}**")
    out.append("")
    out += ["| | |", "| --- | --- |"]
    out += [f"| {cell(label)} | {cell(value)} |" for label, value in summary_rows(report)]
    out.append("")
    out += _plan(report)
    out += _hop_table(report)
    out += _hop_details(report, rows)
    out += _objects(report, rows)
    out += _problems(report, rows)
    return "\n".join(out).rstrip("\n") + "\n"


def _plan(report) -> list:
    plan = report.plan
    if plan is None or not plan.changes:
        return []
    out = ["### Plan", "", "Each change sits in its window: the cluster versions at which it can be made.", ""]
    for n, step in enumerate(plan.steps, 1):
        out.append(f"{n}. **{cell(step_title(step, plan))}**: {cell(step_note(step))}")
        for c in step.changes[:MAX_ROWS]:
            out.append(f"   - {cell(c.object.label)} {code(c.what)} (window {cell(window_text(c))}, "
                       f"{cell(change_fix(c))}) at {code(f'{c.issue.file}:{c.issue.line}')}")
        if len(step.changes) > MAX_ROWS:
            out.append(f"   - … and {len(step.changes) - MAX_ROWS} more")
    out.append("")
    return out


def _hop_table(report) -> list:
    out = ["### Hops", "",
           "| Hop | Objects that stop working | Removed | Schema errors | Deprecated | Safe / unsafe / manual fixes |",
           "| --- | ---: | ---: | ---: | ---: | --- |"]
    hops = shown_hops(report)
    for hop in hops:
        counts = hop.fix_counts()
        fixes = f"{counts['safe']} / {counts['unsafe']} / {counts['manual']}" if hop.changes else "–"
        breaks = f"**{len(hop.breaks)}**" if hop.breaks else "0"
        out.append(f"| {cell(hop_label(hop))} | {breaks} | {len(hop.removed)} | {len(hop.invalid)} | "
                   f"{len(hop.deprecated)} | {fixes} |")
    out.append("")
    return out


def _hop_details(report, rows: int) -> list:
    out = []
    hops = shown_hops(report)
    for hop in hops:
        if not hop.changes:
            continue
        out += ["<details>", f"<summary><strong>{cell(hop_label(hop))}</strong>: {cell(hop_headline(hop))}</summary>",
                "", "| Change | Object | What | Where | `k8slint fix` |", "| --- | --- | --- | --- | --- |"]
        changes = hop_changes(hop)
        for kind, c in changes[:rows]:
            change = CHANGE_LABELS[kind] + (" (breaks)" if c.blocking else "")
            change = f"**{change}**" if c.blocking else change
            out.append(f"| {change} | {cell(c.object.label)} | {code(c.issue.subject)} | "
                       f"{code(f'{c.issue.file}:{c.issue.line}')} | {_FIX[c.issue.fix]} |")
        out += _more(len(changes), rows)
        out += ["", "</details>", ""]
    return out


def _objects(report, rows: int) -> list:
    acting = report.needing_action
    if not acting:
        return [f"All {scanned(report)} work in {report.end} as written.", ""]
    blocking = sum(1 for o in acting if o.status == BLOCKING)
    out = ["### Objects needing action", "", "<details>",
           f"<summary>{len(acting)} ({blocking} blocking) of {scanned(report)}</summary>", "",
           f"| Object | Where | apiVersion | Lifecycle {cell(report.start)} → {cell(report.end)} | Status | "
           f"Actions | `k8slint fix` | Valid in {cell(report.end)} |",
           "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for obj in acting[:rows]:
        status = status_text(obj, report)
        status = f"**{status}**" if obj.status == BLOCKING else status
        actions = "<br>".join(f"{cell(i.rule_id)} {code(i.subject)} ({cell(issue_when(i))}): {cell(i.action)} "
                              f"[{_FIX[i.fix]}]" for i in obj.issues)
        out.append(f"| {cell(obj.label)} | {code(obj.where)} | {code(obj.api_version or '?')} | "
                   f"{cell(lifecycle_text(obj, report, ', '))} | {status} | {actions} | {_FIX[obj.fix]} | "
                   f"{cell(validity_text(obj, report))} |")
    out += _more(len(acting), rows)
    out += ["", "</details>", ""]
    fine = len(report.objects) - len(acting)
    if fine:
        out += [f"{plural(fine, 'other object needs', 'other objects need')} no change.", ""]
    return out


def _more(n: int, rows: int) -> list:
    if n <= rows:
        return []
    return ["", f"… and {n - rows} more (the `--format html` and `--format json` reports list every one)."]


def _problems(report, rows: int) -> list:
    if not report.problems:
        return []
    out = ["### Inputs not read", "", "| Where | Rule | Problem |", "| --- | --- | --- |"]
    for p in report.problems[:rows]:
        out.append(f"| {code(f'{p.file}:{p.line}:{p.column}')} | {cell(p.rule_id)} ({cell(p.severity)}) | "
                   f"{cell(p.message)} |")
    out += _more(len(report.problems), rows)
    out.append("")
    return out
