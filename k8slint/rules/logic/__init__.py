"""Logic rules: short Python checks for what the rule tables cannot express, listed explicitly."""
from __future__ import annotations

from .. import Rule
from . import cronjob_schedule_timezone

LOGIC_RULES: list = [
    Rule(cronjob_schedule_timezone.META, cronjob_schedule_timezone.check),
]
