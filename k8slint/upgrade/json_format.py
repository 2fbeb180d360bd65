"""The report as JSON: `Report.as_dict()`, documented key by key in README.md ("Upgrade report")."""
from __future__ import annotations

import json


def render(report, **_) -> str:
    return json.dumps(report.as_dict(), indent=2, ensure_ascii=False) + "\n"
