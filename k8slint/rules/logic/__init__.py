"""Logic rules: short Python checks for what the rule tables cannot express, listed explicitly."""
from __future__ import annotations

from .. import Rule
from . import api_references, cronjob_schedule_timezone

LOGIC_RULES: list = [
    Rule(cronjob_schedule_timezone.META, cronjob_schedule_timezone.check),
    Rule(api_references.REF001, api_references.check_references),
    Rule(api_references.REF002, api_references.check_admission),
    Rule(api_references.REF003, api_references.check_rbac),
    Rule(api_references.REF004, api_references.check_kustomization),
    Rule(api_references.REF005, api_references.check_apiservice),
]
