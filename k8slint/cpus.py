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


def idle_cpus(before: dict, after: dict, cpus: set, own: float = 0.0) -> int:
    """How many whole cores of `cpus` were idle between two read_cpu_times: the idle shares of the cores
    summed, then rounded. Summed, not judged core by core: the scheduler moves a busy process between cores,
    and one such process leaving each of two cores half idle still takes one core. `own`: the cores this
    process itself kept busy meanwhile (its work is ours to move, not someone else's load)."""
    idle = own
    for cpu in cpus:
        if cpu not in before or cpu not in after:
            continue
        ticks = after[cpu][1] - before[cpu][1]
        # no tick at all: the core slept through the sample
        idle += 1.0 if ticks <= 0 else (after[cpu][0] - before[cpu][0]) / ticks
    return min(len(cpus), int(idle + 0.5))


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


# Where the current sample began: (monotonic time, this process's CPU time, /proc/stat), or None
_begun: tuple | None = None
MAX_SAMPLE_SECONDS = 1.0  # a sample begun longer ago says little about now: begin another


def begin_sample() -> None:
    """Begin the sample now (the engine does it when imported): the work done before default_workers is
    asked (reading the configuration, finding the files) then fills the sample instead of a sleep."""
    global _begun
    _begun = (time.monotonic(), time.process_time(), _sample())


def default_workers() -> int:
    """Idle usable cores over a sample of at least SAMPLE_SECONDS (begun by begin_sample, or now), at least
    1; every usable core where the load cannot be read."""
    global _begun
    cpus = usable_cpus()
    if len(cpus) < 2:
        return 1
    if _begun is None or time.monotonic() - _begun[0] > MAX_SAMPLE_SECONDS:
        begin_sample()
    (start, own_start, before), _begun = _begun, None
    if not before:
        return len(cpus)
    rest = SAMPLE_SECONDS - (time.monotonic() - start)
    if rest > 0:
        time.sleep(rest)
    after = _sample()
    if not after:
        return len(cpus)
    elapsed = time.monotonic() - start
    own = (time.process_time() - own_start) / elapsed if elapsed > 0 else 0.0
    return workers_for(len(cpus), idle_cpus(before, after, cpus, own))
