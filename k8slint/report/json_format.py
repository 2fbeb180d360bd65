"""`{"findings": [...], "summary": {...}}`; the keys are documented in README.md."""
from __future__ import annotations

from ..jsontext import dumps

from .summary import summary


def render(result, **_) -> str:
    doc = {"findings": [f.as_dict() for f in result.findings], "summary": summary(result)}
    return dumps(doc) + "\n"
