"""The counts every format shows at the end of a run."""
from __future__ import annotations

from ..model import Severity


def summary(result) -> dict:
    return {
        "files": result.files,
        "resources": result.resources,
        "errors": result.count(Severity.ERROR),
        "warnings": result.count(Severity.WARNING),
        "infos": result.count(Severity.INFO),
    }


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def summary_line(result) -> str:
    s = summary(result)
    return (f"{_plural(s['errors'], 'error')}, {_plural(s['warnings'], 'warning')}, {_plural(s['infos'], 'info')}"
            f" in {_plural(s['files'], 'file')} ({_plural(s['resources'], 'resource')})")
