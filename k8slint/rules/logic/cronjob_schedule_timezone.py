"""FLD069 cronjob-schedule-timezone: a `TZ=` or `CRON_TZ=` prefix in a CronJob's spec.schedule.

Data rules can only test a whole value; this one looks at how the value starts.
"""
from __future__ import annotations

import re

from ...model import RuleDoc, RuleMeta, Severity, finding_at

_PREFIX = re.compile(r"^\s*(CRON_TZ|TZ)=(\S+)\s+")

META = RuleMeta(
    "FLD069", "cronjob-schedule-timezone", "A time zone prefix in a CronJob schedule", Severity.WARNING,
    RuleDoc(
        what="Finds CronJobs whose `spec.schedule` starts with `TZ=<zone>` or `CRON_TZ=<zone>`.",
        why="Kubernetes never supported time zone prefixes in the schedule: the controller reports an "
            "UnsupportedSchedule event and the job may run at the wrong time or not at all. batch/v1 "
            "has a field for it, `spec.timeZone` (beta in 1.25, GA in 1.27).",
        example="apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: report}\nspec:\n"
                "  schedule: \"CRON_TZ=Europe/Berlin 0 6 * * *\"\n  jobTemplate:\n    spec:\n      template:\n"
                "        spec:\n          restartPolicy: OnFailure\n"
                "          containers: [{name: report, image: busybox}]\n",
        fix="Move the zone into `spec.timeZone` and keep only the five cron fields in `spec.schedule`: "
            "`timeZone: Europe/Berlin` and `schedule: \"0 6 * * *\"`.",
        fix_safety="No automatic fix: on clusters older than 1.25 the field does not exist."),
    versions="every version (spec.timeZone from 1.25)", family="FLD")


def check(resource, ctx):
    if resource.kind != "CronJob":
        return
    schedule = resource.get(("spec", "schedule"))
    if not isinstance(schedule, str):
        return
    m = _PREFIX.match(schedule)
    if m:
        rest = schedule[m.end():].strip()
        yield finding_at(resource, META.id, META.severity,
                         f"spec.schedule carries a {m.group(1)}= time zone prefix, which Kubernetes does not "
                         f"support; use spec.timeZone: {m.group(2)} and schedule: \"{rest}\"",
                         ("spec", "schedule"), suggestion=META.docs.fix)


check.kinds = frozenset({"CronJob"})
