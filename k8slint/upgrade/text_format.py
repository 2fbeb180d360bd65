"""The report for a terminal: the summary, then each hop, then each object that needs something.
Colour (ANSI) only when asked, which the command line does on a terminal."""
from __future__ import annotations

import textwrap

from ..printable import printable_except

from .model import BLOCKING, OK, SAFE, UNSAFE
from .plan import change_fix, step_note, step_title, window_text
from .words import (CHANGE_LABELS, fix_label, hop_changes, hop_headline, hop_label, issue_when, lifecycle_text,
                    plural, scanned, shown_hops, status_text, summary_rows, validity_text, verdict)

_RED, _YELLOW, _GREEN, _CYAN = "\033[31m", "\033[33m", "\033[32m", "\033[36m"
_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"
_WIDEST = {"object": 40, "subject": 52}  # columns wider than this are not padded further
_CHANGE_WIDTH = max(len(label) for label in CHANGE_LABELS.values()) + 2
_WRAP = 110  # notes and manual steps are wrapped to this width


class _Paint:
    def __init__(self, on: bool):
        self.on = on

    def __call__(self, text: str, *codes: str) -> str:
        return "".join(codes) + text + _RESET if self.on and codes else text

    def fix(self, fix) -> str:
        return self(fix_label(fix), _GREEN if fix == SAFE else _YELLOW if fix == UNSAFE else _RED)

    def change(self, kind: str, blocking: bool) -> str:
        label = CHANGE_LABELS[kind].ljust(_CHANGE_WIDTH)
        return self(label, _RED if blocking else _YELLOW)


def render(report, colour: bool = False, **_) -> str:
    paint = _Paint(colour)
    out = [paint(f"Kubernetes upgrade report: {report.start} → {report.end}", _BOLD)
           + f" ({plural(len(report.hops), 'hop')})", ""]
    rows = summary_rows(report)
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        out.append(f"  {label:<{width}}  {value}")
    out.append("")
    out.append(paint(verdict(report), _BOLD, _RED if report.failed else _GREEN))
    out.append("")
    out.extend(_plan(report, paint))
    out.extend(_hops(report, paint))
    out.extend(_objects(report, paint))
    out.extend(_problems(report, paint))
    # object names, files and messages come from input: no escape sequence of theirs reaches the terminal
    text = "\n".join(out).rstrip("\n") + "\n"
    return printable_except(text, (_RED, _YELLOW, _GREEN, _CYAN, _BOLD, _DIM, _RESET) if colour else ())


def _plan(report, paint) -> list:
    plan = report.plan
    if plan is None or not plan.changes:
        return []
    out = [paint("Plan", _BOLD) + " (each change in its window: the cluster versions at which it can be made)"]
    width = max(len(c.object.label) for c in plan.changes)
    for n, step in enumerate(plan.steps, 1):
        out.append(f"  {n}. " + paint(step_title(step, plan), _BOLD) + f": {step_note(step)}")
        for c in step.changes:
            where = paint(f"{c.issue.file}:{c.issue.line}", _DIM)
            out.append(f"       {c.object.label.ljust(width)}  {c.what}  [{window_text(c)}]  "
                       f"{paint(change_fix(c), _GREEN if c.fix == SAFE else _YELLOW if c.fix == UNSAFE else _RED)}"
                       f"  {where}")
    out.append("")
    return out


def _hops(report, paint) -> list:
    out = [paint("Hops", _BOLD)]
    hops = shown_hops(report)
    widths = {"object": 0, "subject": 0, "where": 0}
    for hop in hops:
        for _, c in hop_changes(hop):
            widths["object"] = max(widths["object"], min(len(c.object.label), _WIDEST["object"]))
            widths["subject"] = max(widths["subject"], min(len(c.issue.subject), _WIDEST["subject"]))
            widths["where"] = max(widths["where"], len(f"{c.issue.file}:{c.issue.line}"))
    title_width = max(len(hop_label(h)) for h in hops) + 2
    for hop in hops:
        headline = hop_headline(hop)
        title = f"  {hop_label(hop).ljust(title_width)}"
        if not hop.changes:
            out.append(paint(title + headline, _DIM))
            continue
        out.append(paint(title, _BOLD) + paint(headline, _RED if hop.breaks else _YELLOW))
        for kind, c in hop_changes(hop):
            where = paint(f"{c.issue.file}:{c.issue.line}".ljust(widths["where"]), _DIM)
            out.append(f"    {paint.change(kind, c.blocking)}{c.object.label.ljust(widths['object'])}  "
                       f"{c.issue.subject.ljust(widths['subject'])}  {where}  fix: {paint.fix(c.issue.fix)}")
    out.append("")
    return out


def _objects(report, paint) -> list:
    acting = report.needing_action
    count = f": {len(acting)} of {scanned(report)}" if acting else ": none"
    out = [paint("Objects needing action", _BOLD) + count]
    for obj in acting:
        status = status_text(obj, report)
        out.append(f"  {paint(obj.label, _BOLD)}  {paint(obj.where, _DIM)}")
        out.append(f"    {obj.api_version or '?'}: {lifecycle_text(obj, report)}")
        colour = _RED if obj.status == BLOCKING else _YELLOW
        out.append(f"    {paint(status, colour)} · k8slint fix: {paint.fix(obj.fix)} · {validity_text(obj, report)}")
        for issue in obj.issues:
            mark = paint("✗" if issue.blocking else "!", _RED if issue.blocking else _YELLOW)
            out.append(f"    {mark} {issue.rule_id} {issue.subject} ({issue_when(issue)}): {issue.action}"
                       f" [{paint.fix(issue.fix)}]")
            if issue.fix_note:
                out.extend(_wrapped("why unsafe" if issue.fix == UNSAFE else "note", issue.fix_note, paint))
            if issue.fix != SAFE and issue.details:
                out.extend(_wrapped("by hand", issue.details, paint))
    fine = [o for o in report.objects if o.status == OK]
    if fine:
        out.append("")
        if len(fine) <= 10:
            names = ", ".join(f"{o.label} ({o.where})" for o in fine)
            out.append(paint(f"{plural(len(fine), 'object needs', 'objects need')} no change: {names}", _GREEN))
        else:
            out.append(paint(f"{plural(len(fine), 'object needs', 'objects need')} no change.", _GREEN))
    return out


def _wrapped(label: str, text: str, paint) -> list:
    lines = textwrap.wrap(f"{label}: {text}", _WRAP, initial_indent=" " * 8, subsequent_indent=" " * 10,
                          break_long_words=False, break_on_hyphens=False)
    return [paint(line, _DIM) for line in lines]


def _problems(report, paint) -> list:
    if not report.problems:
        return []
    failing = any(p.severity == "error" for p in report.problems)
    out = ["", paint("Inputs not read", _BOLD, _RED) if failing else paint("Inputs not read", _BOLD)]
    for p in report.problems:
        out.append(f"  {p.file}:{p.line}:{p.column}: {p.severity} {p.rule_id} {p.message}")
    return out
