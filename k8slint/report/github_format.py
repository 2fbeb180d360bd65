"""GitHub Actions workflow commands: each finding becomes an annotation on the file and line it is about.

`::error file=PATH,line=L,col=C,title=RULE::message` (warning: `::warning`, info: `::notice`), one line per
finding, then the summary as a plain line. The message is escaped the way the runner unescapes it (% as
%25, CR as %0D, LF as %0A) and property values also escape : and , (%3A, %2C), so neither a message nor a
file name can end the command early or start another one. The path is relative to the repository root
(the checkout, see projectroot), as GitHub expects; standard input gets an annotation without a file.
"""
from __future__ import annotations

from ..model import Severity
from ..printable import printable
from . import STDIN_LABEL, relative_path
from .places import ci_place
from .summary import summary_line

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding, show_suggestions: bool = True, root=None) -> str:
    props = []
    file, line, column, lead = ci_place(finding, root)
    if file != STDIN_LABEL:
        props.append(("file", relative_path(file, root)[0]))
        if line >= 1:
            props.append(("line", str(line)))
            if column >= 1:
                props.append(("col", str(column)))
    props.append(("title", finding.rule_id))
    message = lead + finding.message
    if show_suggestions and finding.suggestion:
        message += "\n\nhint: " + " ".join(finding.suggestion.split())
    joined = ",".join(f"{key}={escape_property(printable(value))}" for key, value in props)
    return f"::{COMMANDS[finding.severity]} {joined}::{escape_data(printable(message))}"


def render(result, show_suggestions: bool = True, root=None, **_) -> str:
    lines = [annotation(f, show_suggestions, root) for f in result.findings]
    lines.append(summary_line(result))
    return "\n".join(lines) + "\n"


# GitHub shows at most 10 annotations of each level per step; the step summary (a markdown file the runner
# shows on the run's page, $GITHUB_STEP_SUMMARY) lists every finding, up to what a summary holds (1 MiB).
MAX_SUMMARY_ROWS = 1000


def step_summary(result, root=None) -> str:
    """The findings as a markdown table for $GITHUB_STEP_SUMMARY, after the summary line."""
    def cell(text: str) -> str:
        return " ".join(str(text).split()).replace("|", "\\|").replace("<", "&lt;")

    lines = ["### k8slint", "", summary_line(result), ""]
    if result.findings:
        lines += ["| Severity | Rule | Where | Message |", "| --- | --- | --- | --- |"]
        for f in result.findings[:MAX_SUMMARY_ROWS]:
            file, line, column, lead = ci_place(f, root)
            where = relative_path(file, root)[0] + (f":{line}:{column}" if line >= 1 else "")
            lines.append(f"| {f.severity} | {f.rule_id} | `{cell(where)}` | {cell(lead + f.message)} |")
        left = len(result.findings) - MAX_SUMMARY_ROWS
        if left > 0:
            lines += ["", f"… and {left} more (`--format json` or `--format sarif` lists every one)."]
        lines.append("")
    return "\n".join(lines) + "\n"
