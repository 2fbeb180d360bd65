"""FLD069 cronjob-schedule-timezone: a `TZ=` or `CRON_TZ=` prefix in a CronJob's spec.schedule.

Data rules can only test a whole value; this one looks at how the value starts, and its severity depends on
the target version: the prefix worked by accident in 1.22-1.28, and from 1.29 the API server refuses to create
such a CronJob (kubernetes/kubernetes#116252, merged for 1.29; CHANGELOG-1.29).
"""
from __future__ import annotations

from ...apiserver.cronjob import TZ_PREFIX, time_zone_twice
from ...model import RuleDoc, RuleMeta, Severity, finding_at
from ...versions import KubeVersion

REJECTED_FROM = KubeVersion.parse("1.29")
WORKED_FROM = KubeVersion.parse("1.22")

META = RuleMeta(
    "FLD069", "cronjob-schedule-timezone", "A time zone prefix in a CronJob schedule", Severity.ERROR,
    RuleDoc(
        what="Finds CronJobs whose `spec.schedule` starts with `TZ=<zone>` or `CRON_TZ=<zone>`.",
        why="The prefix was never a documented feature. An upgrade of the cron library in 1.22 made it work "
            "by accident (the controller ran the job in that zone and raised an `UnsupportedSchedule` warning "
            "event). From 1.29 the API server rejects creating a CronJob whose schedule carries it (`cannot use "
            "TZ or CRON_TZ in schedule, use timeZone field instead`); updates of an existing one still pass, "
            "so a re-created or newly deployed copy fails. batch/v1 has a field for it, `spec.timeZone` (beta "
            "and on by default in 1.25, GA in 1.27).",
        example="apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: report}\nspec:\n"
                "  schedule: \"CRON_TZ=Europe/Berlin 0 6 * * *\"\n  jobTemplate:\n    spec:\n      template:\n"
                "        spec:\n          restartPolicy: OnFailure\n"
                "          containers: [{name: report, image: busybox}]\n",
        fix="Move the zone into `spec.timeZone` and keep only the five cron fields in `spec.schedule`: "
            "`timeZone: Europe/Berlin` and `schedule: \"0 6 * * *\"`.",
        fix_safety="No automatic fix: on clusters older than 1.25 the field is off by default."),
    versions="a warning before 1.29, an error from 1.29 (rejected on create); spec.timeZone from 1.25",
    family="FLD")


def check(resource, ctx):
    if resource.kind != "CronJob":
        return
    schedule = resource.get(("spec", "schedule"))
    if not isinstance(schedule, str):
        return
    m = TZ_PREFIX.match(schedule)
    if not m:
        return
    spec = resource.get(("spec",))
    if isinstance(spec, dict) and time_zone_twice(spec, ctx.target):
        return  # refused outright for naming the zone twice: SRV063's finding, one problem one finding
    rest = schedule[m.end():].strip()
    advice = f"use spec.timeZone: {m.group(2)} and schedule: \"{rest}\""
    if ctx.target >= REJECTED_FROM:
        message = (f"spec.schedule carries a {m.group(1)}= time zone prefix: from 1.29 the API server refuses to "
                   f"create such a CronJob; {advice}")
        severity = Severity.ERROR
    elif ctx.target >= WORKED_FROM:
        message = (f"spec.schedule carries a {m.group(1)}= time zone prefix, which works only by accident in "
                   f"1.22-1.28 (UnsupportedSchedule warning events) and is rejected on create from 1.29; {advice}")
        severity = Severity.WARNING
    else:
        message = (f"spec.schedule carries a {m.group(1)}= time zone prefix, which this version's cron parser "
                   f"does not understand; {advice} (from 1.25)")
        severity = Severity.WARNING
    yield finding_at(resource, META.id, severity, message, ("spec", "schedule"), suggestion=META.docs.fix,
                     extra={"removed_in": "1.29"})


check.kinds = frozenset({"CronJob"})
