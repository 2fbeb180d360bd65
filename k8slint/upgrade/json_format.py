"""The report as JSON: `Report.as_dict()`, documented key by key in README.md ("Upgrade report")."""
from __future__ import annotations

from ..jsontext import dumps


def render(report, **_) -> str:
    return dumps(report.as_dict()) + "\n"
