"""`{"findings": [...], "summary": {...}}`; the keys are documented in README.md."""
from __future__ import annotations

import json

from .summary import summary


def render(result, **_) -> str:
    doc = {"findings": [f.as_dict() for f in result.findings], "summary": summary(result)}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
