"""How many worker processes a run should use by default: the cores this process may run on that are idle
now. On a shared machine a second worker on a core someone else keeps busy only adds forking and pickling
(a run with one core busy elsewhere was 20% slower with two workers than with one)."""
from __future__ import annotations

import os
import time

SAMPLE_SECONDS = 0.05  # long enough for a few scheduler ticks per core, short beside a run worth a pool


def usable_cpus() -> set:
    try:
        return set(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return set(range(os.cpu_count() or 1))


def read_cpu_times(stat_text: str) -> dict:
    """cpu number -> (idle ticks, total ticks) from the text of /proc/stat; iowait counts as idle, steal
    (time the hypervisor gave to another machine) as busy."""
    times = {}
    for line in stat_text.splitlines():
        name, _, rest = line.partition(" ")
        if not name.startswith("cpu") or not name[3:].isdigit():
            continue
        fields = [int(x) for x in rest.split()[:8]]
        times[int(name[3:])] = (fields[3] + fields[4], sum(fields))
    return times


def idle_cpus(before: dict, after: dict, cpus: set) -> int:
    """How many whole cores of `cpus` were idle between two read_cpu_times: the idle shares of the cores
    summed, then rounded. Summed, not judged core by core: the scheduler moves a busy process between cores,
    and one such process leaving each of two cores half idle still takes one core."""
    idle = 0.0
    for cpu in cpus:
        if cpu not in before or cpu not in after:
            continue
        ticks = after[cpu][1] - before[cpu][1]
        # no tick at all: the core slept through the sample
        idle += 1.0 if ticks <= 0 else (after[cpu][0] - before[cpu][0]) / ticks
    return int(idle + 0.5)


def workers_for(cpus: int, idle: int) -> int:
    """Workers for a run that could use a pool: one per idle core, but a single process unless at least two
    cores are free (one worker per core beats two processes fighting over one)."""
    return min(cpus, idle) if idle >= 2 else 1


def _sample() -> dict | None:
    try:
        with open("/proc/stat") as f:
            return read_cpu_times(f.read())
    except OSError:
        return None


def default_workers() -> int:
    """Idle usable cores now (sampled over SAMPLE_SECONDS), at least 1; every usable core where the load
    cannot be read."""
    cpus = usable_cpus()
    if len(cpus) < 2:
        return 1
    before = _sample()
    if not before:
        return len(cpus)
    time.sleep(SAMPLE_SECONDS)
    after = _sample()
    if not after:
        return len(cpus)
    return workers_for(len(cpus), idle_cpus(before, after, cpus))
