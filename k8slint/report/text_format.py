"""`file:line:col: severity RULE message`, one finding per line, then a summary; colour only on a terminal."""
from __future__ import annotations

from ..model import Severity
from ..printable import printable_except
from .summary import summary_line

_COLOURS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.INFO: "\033[36m"}
_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"


def render(result, colour: bool = False, show_suggestions: bool = True, **_) -> str:
    lines = []
    for f in result.findings:
        sev = str(f.severity)
        where = f"{f.file}:{f.line}:{f.column}:"
        rule = f.rule_id
        if colour:
            where, sev, rule = f"{_BOLD}{where}{_RESET}", f"{_COLOURS[f.severity]}{sev}{_RESET}", f"{_DIM}{rule}{_RESET}"
        lines.append(f"{where} {sev} {rule} {f.message}")
        release = f.extra.get("helm_release")
        if isinstance(release, dict) and release.get("record"):  # the file the user gave, which holds it
            lines.append(f"    in the Helm release record at {release['record']}")
        if show_suggestions and f.suggestion:
            hint = " ".join(f.suggestion.split())
            lines.append(f"    hint: {hint}" if not colour else f"    {_DIM}hint: {hint}{_RESET}")
    lines.append(summary_line(result))
    # messages and file names come from input: no escape sequence of theirs reaches the terminal
    return printable_except("\n".join(lines) + "\n", (*_COLOURS.values(), _BOLD, _DIM, _RESET) if colour else ())
