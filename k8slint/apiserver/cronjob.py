"""CronJob schedules and time zones as the batch API server checks them (it parses the schedule with the
robfig/cron standard parser; this is our own reading of that grammar)."""
from __future__ import annotations

from ..lazyre import lazy
from .base import Report, at_least, rule, text

KINDS = frozenset({"CronJob"})

_CRON = ("apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: report}\nspec:\n  schedule: \"%s\"\n"
         "  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n"
         "          containers: [{name: report, image: busybox}]\n")

INVALID_SCHEDULE = rule(
    "SRV060", "invalid-cron-schedule", "A CronJob schedule the API server cannot parse",
    what="Parses `spec.schedule` as the API server does: five fields (minute 0-59, hour 0-23, day of month "
         "1-31, month 1-12 or JAN-DEC, day of week 0-6 or SUN-SAT), each `*`, `?`, a value, a range `a-b` and "
         "an optional step `/n`, comma-separated; or a descriptor (`@hourly`, `@daily`, `@every 1h30m` ...).",
    why="The API server rejects the CronJob with `spec.schedule: Invalid value` (`end of range (61) above "
        "maximum (59)`, `expected exactly 5 fields` ...).",
    example=_CRON % "0 24 * * *",
    fix="Correct the field the message names; https://crontab.guru explains the five fields.")
TZ_IN_SCHEDULE = rule(
    "SRV061", "cronjob-schedule-time-zone-refused", "A time zone in the schedule of a new CronJob (1.29 and later)",
    what="Finds CronJob schedules that contain `TZ` anywhere but in a leading `TZ=` or `CRON_TZ=` prefix "
         "(FLD069 reports that form, one finding per problem) on Kubernetes 1.29 and later. Before 1.29 the "
         "API server only warns.",
    why="From 1.29 the API server refuses to create such a CronJob: `spec.schedule: Invalid value: ...: "
        "cannot use TZ or CRON_TZ in schedule, use timeZone field instead` (updates of existing ones still "
        "pass with a warning).",
    example=_CRON % "CRON_TZ=Europe/Berlin 0 6 * * *",
    fix="Move the zone to `spec.timeZone: Europe/Berlin` and keep the five fields in `spec.schedule`.",
    versions="1.29 and later")
INVALID_TIME_ZONE = rule(
    "SRV062", "invalid-cronjob-time-zone", "A CronJob timeZone that is not an IANA time zone name",
    what="Checks `spec.timeZone` (1.25 and later): not empty, not `Local`, made of IANA name components "
         "(letters, digits, '.', '-', '_', '+', at most 14 each), and a zone the time zone database knows.",
    why="The API server rejects the CronJob with `spec.timeZone: Invalid value: ...: unknown time zone`.",
    example=(_CRON % "0 6 * * *").replace("  jobTemplate", "  timeZone: Europe/Berlinn\n  jobTemplate"),
    fix="Use a name from the IANA database such as `Europe/Berlin`, `America/New_York` or `Etc/UTC`.",
    versions="1.25 and later")

TZ_TWICE = rule(
    "SRV063", "cronjob-time-zone-twice", "A time zone both in spec.timeZone and in the schedule (1.25-1.28)",
    what="Finds CronJobs that set `spec.timeZone` and also have `TZ` in `spec.schedule` (a `TZ=` or `CRON_TZ=` "
         "prefix), on Kubernetes 1.25 to 1.28. From 1.29 any `TZ` in the schedule is refused (FLD069, SRV061).",
    why="With the timeZone field on by default (1.25), the API server refuses to create such a CronJob: "
        "`spec.schedule: Invalid value: ...: cannot use both timeZone field and TZ or CRON_TZ in schedule`.",
    example=(_CRON % "CRON_TZ=UTC 0 6 * * *").replace("  jobTemplate", "  timeZone: Europe/Berlin\n  jobTemplate"),
    fix="Keep the zone in `spec.timeZone` only and the five cron fields in `spec.schedule`.",
    versions="1.25 to 1.28")

RULES = [INVALID_SCHEDULE, TZ_IN_SCHEDULE, INVALID_TIME_ZONE, TZ_TWICE]

# the leading TZ=/CRON_TZ= form, one pattern for SRV061 and FLD069 (which reports that form)
TZ_PREFIX = lazy(r"^\s*(CRON_TZ|TZ)=(\S+)\s+")

_FIELDS = [("minute", 0, 59, None), ("hour", 0, 23, None), ("day of month", 1, 31, None),
           ("month", 1, 12, {m: i + 1 for i, m in enumerate(
               ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])}),
           ("day of week", 0, 6, {d: i for i, d in enumerate(["sun", "mon", "tue", "wed", "thu", "fri", "sat"])})]
_DESCRIPTORS = {"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"}
_DURATION = lazy(r"[-+]?(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:ns|us|µs|μs|ms|s|m|h))+|[-+]?0")
_ZONE_PART = lazy(r"[A-Za-z.\-_0-9+]{1,14}")


def schedule_error(schedule: str) -> str | None:
    """What the standard cron parser says about a schedule, or None when it parses."""
    spec = schedule.strip()
    if not spec:
        return "empty spec string"
    if spec.startswith(("TZ=", "CRON_TZ=")):
        cut = spec.find(" ")
        if cut < 0:
            return None  # a zone and nothing else: left to the TZ rules, not guessed here
        spec = spec[cut:].strip()
    if spec.startswith("@"):
        if spec in _DESCRIPTORS:
            return None
        if spec.startswith("@every "):
            return None if _DURATION.fullmatch(spec[len("@every "):].strip()) else \
                f"failed to parse duration {spec}"
        return f"unrecognized descriptor: {spec}"
    fields = spec.split()
    if len(fields) != 5:
        return f"expected exactly 5 fields, found {len(fields)}: [{' '.join(fields)}]"
    for value, (_, low, high, names) in zip(fields, _FIELDS):
        for part in value.split(","):
            problem = _range_error(part, low, high, names)
            if problem:
                return problem
    return None


def _number(text_: str, names) -> tuple:
    if names is not None and text_.lower() in names:
        return names[text_.lower()], None
    body = text_[1:] if text_[:1] in "+-" else text_
    if not body.isdigit() or not body.isascii():
        return None, f"failed to parse int from {text_}: strconv.Atoi: parsing \"{text_}\": invalid syntax"
    number = int(text_)
    if number < 0:
        return None, f"negative number ({number}) not allowed: {text_}"
    return number, None


def _range_error(expr: str, low: int, high: int, names) -> str | None:
    range_and_step = expr.split("/")
    bounds = range_and_step[0].split("-")
    single = len(bounds) == 1
    if bounds[0] in ("*", "?"):
        start, end = low, high
    else:
        start, problem = _number(bounds[0], names)
        if problem:
            return problem
        if len(bounds) == 1:
            end = start
        elif len(bounds) == 2:
            end, problem = _number(bounds[1], names)
            if problem:
                return problem
        else:
            return f"too many hyphens: {expr}"
    if len(range_and_step) == 1:
        step = 1
    elif len(range_and_step) == 2:
        step, problem = _number(range_and_step[1], None)
        if problem:
            return problem
        if single:
            end = high  # "N/step" means "N-max/step"
    else:
        return f"too many slashes: {expr}"
    if start < low:
        return f"beginning of range ({start}) below minimum ({low}): {expr}"
    if end > high:
        return f"end of range ({end}) above maximum ({high}): {expr}"
    if start > end:
        return f"beginning of range ({start}) beyond end of range ({end}): {expr}"
    if step == 0:
        return f"step of range should be a positive number: {expr}"
    return None


def _known_zones() -> frozenset:
    try:
        import zoneinfo
        return frozenset(zoneinfo.available_timezones())
    except Exception:  # pragma: no cover - no time zone database: do not judge names
        return frozenset()


_ZONES: list = []


def zone_error(zone: str) -> str | None:
    if zone == "":
        return "timeZone must be nil or non-empty string"
    if zone.lower() == "local":
        return "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"
    for part in zone.split("/"):
        if part in (".", "..") or part.startswith("-") or not _ZONE_PART.fullmatch(part):
            return f"unknown time zone {zone}"
    if not _ZONES:
        _ZONES.append(_known_zones())
    if _ZONES[0] and zone not in _ZONES[0] and zone != "UTC":
        return f"unknown time zone {zone}"
    return None


def time_zone_twice(spec: dict, target) -> bool:
    """Does the API server of `target` refuse this spec for naming a zone twice? (From 1.25, when the field
    reaches validation, to 1.28; 1.29 refuses any TZ in the schedule instead.)"""
    schedule = spec.get("schedule")
    return (isinstance(schedule, str) and "TZ" in schedule and spec.get("timeZone") is not None
            and at_least(target, 25) and not at_least(target, 29))


def walk(resource, ctx, report: Report) -> None:
    spec = resource.data.get("spec")
    if not isinstance(spec, dict):
        return
    schedule = text(spec.get("schedule"))
    if schedule is not None:
        if schedule == "":
            report.required(INVALID_SCHEDULE, ("spec", "schedule"))
        else:
            problem = schedule_error(schedule)
            if problem:
                report.invalid(INVALID_SCHEDULE, ("spec", "schedule"), schedule, problem)
            # the TZ=/CRON_TZ= prefix form is FLD069's finding (it also dates the change for the upgrade
            # report); this rule takes the rest of what the API server's "contains TZ" test refuses
            if "TZ" in schedule and at_least(ctx.target, 29) and not TZ_PREFIX.match(schedule):
                report.invalid(TZ_IN_SCHEDULE, ("spec", "schedule"), schedule,
                               "cannot use TZ or CRON_TZ in schedule, use timeZone field instead")
    zone = spec.get("timeZone")
    if schedule and time_zone_twice(spec, ctx.target):
        report.invalid(TZ_TWICE, ("spec", "schedule"), schedule,
                       "cannot use both timeZone field and TZ or CRON_TZ in schedule")
    if isinstance(zone, str) and at_least(ctx.target, 25):
        problem = zone_error(zone)
        if problem:
            report.invalid(INVALID_TIME_ZONE, ("spec", "timeZone"), zone, problem)
