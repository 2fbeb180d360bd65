"""--jobs spreads files over processes; the output is the same, in the same order, whatever N is, and CRDs
in one file still serve custom resources in every other file."""
from __future__ import annotations

import json

import pytest

from conftest import run_cli
from crdfactory import crd

CRD = crd("{type: object, properties: {spec: {type: object, properties: {n: {type: integer}}}}}", group="a.io", kind="W")


def _corpus(tmp_path):
    for i in range(70):
        body = [f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{i}}}\ndata: {{k: v}}\n"]
        if i % 7 == 0:
            body.append(f"apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: d{i}}}\nspec: {{replicas: x}}\n")
        if i % 11 == 0:
            body.append(f"apiVersion: a.io/v1\nkind: W\nmetadata: {{name: w{i}}}\nspec: {{n: notanumber}}\n")
        if i % 13 == 0:
            body.append("apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: old}\n")
        (tmp_path / f"f{i:03}.yaml").write_text("---\n".join(body))
    (tmp_path / "zz-crd.yaml").write_text(CRD)


def test_output_is_identical_whatever_the_number_of_jobs(tmp_path):
    _corpus(tmp_path)
    outputs = {}
    for jobs in ("1", "2", "3"):
        result = run_cli(["lint", "-k", "1.30", "-f", "json", "--jobs", jobs, str(tmp_path)])
        assert result.code == 1
        outputs[jobs] = result.out
    assert outputs["1"] == outputs["2"] == outputs["3"]
    findings = json.loads(outputs["2"])["findings"]
    # the CRD in the last file validated the custom resources of the files before it
    assert sum(1 for f in findings if f["object"] and f["object"]["kind"] == "W") == 7
    assert all(f["rule_id"] != "SCH005" for f in findings)


def test_jobs_must_be_positive(tmp_path):
    (tmp_path / "a.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")
    assert run_cli(["lint", "--jobs", "0", str(tmp_path)]).code == 2


def test_workers_end_quietly(tmp_path):
    import subprocess
    import sys

    from conftest import REPO
    _corpus(tmp_path)
    proc = subprocess.run([sys.executable, "-m", "k8slint", "lint", "-k", "1.30", "--jobs", "2", str(tmp_path)],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1 and proc.stderr == ""


# The default number of workers: idle usable cores, judged from /proc/stat (no timing in these tests).

STAT_BEFORE = """cpu  300 0 100 1000 10 0 0 0 0 0
cpu0 100 0 50 500 5 0 0 0 0 0
cpu1 200 0 50 500 5 0 0 0 0 0
intr 12345
"""


def _after(busy0: int, idle0: int, busy1: int, idle1: int, steal1: int = 0) -> str:
    return (f"cpu0 {100 + busy0} 0 50 {500 + idle0} 5 0 0 0 0 0\n"
            f"cpu1 {200 + busy1} 0 50 {500 + idle1} 5 0 0 {steal1} 0 0\n")


def test_cpu_times_are_read_per_core_with_iowait_idle():
    from k8slint.cpus import read_cpu_times
    assert read_cpu_times(STAT_BEFORE) == {0: (505, 655), 1: (505, 755)}


def test_a_core_busy_elsewhere_is_not_counted_idle():
    from k8slint.cpus import idle_cpus, read_cpu_times
    before = read_cpu_times(STAT_BEFORE)
    assert idle_cpus(before, read_cpu_times(_after(0, 5, 0, 5)), {0, 1}) == 2
    assert idle_cpus(before, read_cpu_times(_after(0, 5, 5, 0)), {0, 1}) == 1
    assert idle_cpus(before, read_cpu_times(_after(4, 1, 5, 0)), {0, 1}) == 0
    # time the hypervisor gave to another machine is not ours to use
    assert idle_cpus(before, read_cpu_times(_after(0, 5, 0, 1, steal1=4)), {0, 1}) == 1
    # cores outside the affinity set do not count, and a core with no tick in the sample slept
    assert idle_cpus(before, read_cpu_times(_after(0, 5, 0, 5)), {1}) == 1
    assert idle_cpus(before, read_cpu_times(_after(0, 0, 5, 0)), {0, 1}) == 1


def test_one_busy_process_moved_between_cores_takes_one_core():
    from k8slint.cpus import idle_cpus, read_cpu_times
    before = read_cpu_times(STAT_BEFORE)
    # a busy loop the scheduler moved mid-sample: each core idle for 3 of its 5 ticks, one core in all
    assert idle_cpus(before, read_cpu_times(_after(2, 3, 2, 3)), {0, 1}) == 1
    assert idle_cpus(before, read_cpu_times(_after(3, 2, 2, 3)), {0, 1}) == 1
    # both cores free but for a tick of someone else's on each: still two
    assert idle_cpus(before, read_cpu_times(_after(1, 4, 0, 5)), {0, 1}) == 2


def test_two_idle_cores_are_needed_for_a_pool():
    from k8slint.cpus import workers_for
    assert [workers_for(2, idle) for idle in (0, 1, 2)] == [1, 1, 2]
    assert [workers_for(8, idle) for idle in (1, 3, 8)] == [1, 3, 8]


def test_default_workers_follow_the_sampled_load(monkeypatch):
    from k8slint import cpus
    monkeypatch.setattr(cpus, "_begun", None)
    monkeypatch.setattr(cpus.time, "process_time", lambda: 1.0)  # this process idle during the sample
    samples = iter([cpus.read_cpu_times(STAT_BEFORE), cpus.read_cpu_times(_after(0, 5, 5, 0))])
    monkeypatch.setattr(cpus, "usable_cpus", lambda: {0, 1})
    monkeypatch.setattr(cpus, "_sample", lambda: next(samples))
    monkeypatch.setattr(cpus.time, "sleep", lambda seconds: None)
    assert cpus.default_workers() == 1
    monkeypatch.setattr(cpus, "_sample", lambda: None)  # no /proc/stat: every usable core
    assert cpus.default_workers() == 2
    monkeypatch.setattr(cpus, "usable_cpus", lambda: {0})
    assert cpus.default_workers() == 1


def test_inputs_that_fit_in_one_batch_never_sample_the_machine(monkeypatch):
    from k8slint import cpus, engine
    monkeypatch.setattr(cpus, "default_workers", lambda: 7)
    assert engine.default_jobs(1) == 1
    assert engine.default_jobs(engine.BATCH) == 1
    assert engine.default_jobs(engine.BATCH + 1) == 7


def test_the_first_batch_is_checked_before_the_fork():
    """What checking builds lazily (validators, rule tables) is built once, in the parent, and inherited by
    every worker; with no batch to spare (as many as workers) the workers get them all."""
    import os

    from k8slint import engine
    from k8slint.loader import LoadedFile
    task = (lambda loaded: os.getpid(), 0, lambda path, size: LoadedFile(path, None), None, None, None, None)
    paths = [f"f{i}.yaml" for i in range(engine.BATCH * 3)]
    where = {path: outcome[0] for path, (outcome, _) in engine._run_all(paths, task, 2)[0].items()}
    here = [path for path in paths if where[path] == os.getpid()]
    assert here == paths[:engine.BATCH] and list(where) == paths
    pair = paths[:engine.BATCH * 2]
    assert all(pid != os.getpid() for pid in (o[0] for o, _ in engine._run_all(pair, task, 2)[0].values()))


@pytest.mark.parametrize("idle", [1, 2])
def test_default_jobs_are_asked_once_the_first_batch_is_checked(monkeypatch, idle):
    """With jobs=AUTO (lint without --jobs) the first batch is checked here before the machine is asked how
    many cores are idle: the sample of idle cores runs beside that work instead of a sleep. Then the rest
    goes to that many workers, or stays here."""
    import os

    from k8slint import cpus, engine
    from k8slint.loader import LoadedFile
    checked = []
    asked = []

    def process(loaded):
        checked.append(loaded.file)
        return os.getpid()
    monkeypatch.setattr(cpus, "default_workers", lambda: asked.append(len(checked)) or idle)
    task = (process, 0, lambda path, size: LoadedFile(path, None), None, None, None, None)
    paths = [f"f{i}.yaml" for i in range(engine.BATCH * 4)]
    results, jobs = engine._run_all(paths, task, engine.AUTO)
    assert asked == [engine.BATCH] and jobs == idle and list(results) == paths
    here = [path for path in paths if results[path][0][0] == os.getpid()]
    assert here == (paths[:engine.BATCH] if idle == 2 else paths)
    assert engine._run_all(paths[:engine.BATCH], task, engine.AUTO)[1] == 1 and asked == [engine.BATCH]


class _Clock:
    def __init__(self):
        self.now, self.cpu, self.slept = 100.0, 10.0, []

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


def _sampled(monkeypatch, after: str, ran: float, own: float) -> tuple:
    """default_workers after a sample begun `ran` seconds earlier, this process busy for `own` of them."""
    from k8slint import cpus
    clock = _Clock()
    samples = iter([cpus.read_cpu_times(STAT_BEFORE), cpus.read_cpu_times(after)])
    monkeypatch.setattr(cpus, "usable_cpus", lambda: {0, 1})
    monkeypatch.setattr(cpus, "_sample", lambda: next(samples))
    monkeypatch.setattr(cpus.time, "monotonic", lambda: clock.now)
    monkeypatch.setattr(cpus.time, "process_time", lambda: clock.cpu)
    monkeypatch.setattr(cpus.time, "sleep", clock.sleep)
    cpus.begin_sample()
    clock.now += ran
    clock.cpu += own
    return cpus.default_workers(), clock.slept


def test_work_done_since_the_sample_began_replaces_the_sleep(monkeypatch):
    # begun 0.2 s ago (the engine's import), this process busy all along on one core of two: both are free
    workers, slept = _sampled(monkeypatch, _after(10, 0, 0, 10), ran=0.2, own=0.2)
    assert (workers, slept) == (2, [])
    # the same, with someone else busy on the other core
    assert _sampled(monkeypatch, _after(10, 0, 10, 0), ran=0.2, own=0.2) == (1, [])


def test_a_short_or_stale_sample_is_completed_or_begun_again(monkeypatch):
    from k8slint import cpus
    workers, slept = _sampled(monkeypatch, _after(0, 5, 0, 5), ran=0.01, own=0.0)
    assert workers == 2 and len(slept) == 1 and abs(slept[0] - (cpus.SAMPLE_SECONDS - 0.01)) < 1e-9
    # begun long ago: another sample, of SAMPLE_SECONDS, is taken now (the samples' iterator has two)
    with pytest.raises(StopIteration):
        _sampled(monkeypatch, _after(0, 5, 0, 5), ran=cpus.MAX_SAMPLE_SECONDS + 1, own=0.0)


def test_the_pool_does_not_wake_its_worker_handler_for_every_result(monkeypatch):
    """multiprocessing's worker-handling thread waited on the results pipe and looped until each result was
    read (~120 times a result on a corpus, CPU and GIL taken from the parent); now only a worker's exit or
    a change of the pool's state wakes it."""
    import os
    from multiprocessing.pool import Pool

    from k8slint import engine
    from k8slint.loader import LoadedFile
    wakes = []
    real = Pool.__dict__["_wait_for_updates"].__func__
    monkeypatch.setattr(Pool, "_wait_for_updates", staticmethod(lambda *a, **k: wakes.append(1) or real(*a, **k)))
    task = (lambda loaded: os.getpid(), 0, lambda path, size: LoadedFile(path, None), None, None, None, None)
    paths = [f"f{i}.yaml" for i in range(engine.BATCH * 13)]
    assert len(engine._run_all(paths, task, 2)[0]) == len(paths)
    assert len(wakes) <= 4


def test_workers_start_with_sigterm_blocked_until_it_is_made_fatal(monkeypatch, tmp_path):
    """A SIGTERM from the pool ending a worker that had not yet reset the parent's handler (which turns it
    into KeyboardInterrupt) was lost or misread, and the parent waited for that worker for ever: workers are
    forked with SIGTERM blocked, and _worker_signals unblocks it once it is fatal."""
    import os
    import signal

    from k8slint import engine
    real = engine._worker_signals

    def recording():
        (tmp_path / str(os.getpid())).write_text(str(signal.SIGTERM in signal.pthread_sigmask(signal.SIG_BLOCK, [])))
        real()

    monkeypatch.setattr(engine, "_worker_signals", recording)
    with engine._pool(2) as pool:
        after = pool.map(_sigterm_state, range(4))
    assert signal.SIGTERM not in signal.pthread_sigmask(signal.SIG_BLOCK, [])  # the parent's mask is back
    assert sorted(p.read_text() for p in tmp_path.iterdir()) == ["True", "True"]
    assert set(after) == {(False, True)}


def _sigterm_state(_):
    import signal
    return signal.SIGTERM in signal.pthread_sigmask(signal.SIG_BLOCK, []), \
        signal.getsignal(signal.SIGTERM) == signal.SIG_DFL


def test_fix_workers_get_the_masked_pool_and_ignore_ctrl_c(monkeypatch, tmp_path):
    """fix's pool had its own SIGTERM set-up without the mask, so a SIGTERM arriving before a worker had
    made it fatal could be lost and the parent wait for that worker for ever: it forks through engine._pool
    too, and its workers leave Ctrl-C to the parent."""
    import signal

    from k8slint import engine
    from k8slint.fixer import apply
    real, used = engine._pool, []

    def recording(processes, initializer=None):
        used.append(initializer)
        return real(processes, initializer)

    monkeypatch.setattr(engine, "_pool", recording)
    for n in range(2 * engine.BATCH + 1):
        (tmp_path / f"d{n:02}.yaml").write_text(
            f"apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {{name: d{n}}}\nspec:\n"
            f"  template:\n    metadata: {{labels: {{app: d{n}}}}}\n"
            f"    spec: {{containers: [{{name: c, image: nginx}}]}}\n")
    result = run_cli(["fix", "-k", "1.30", "--jobs", "2", str(tmp_path)])
    assert result.code in (0, 1), result.err
    assert used == [apply._fix_worker_signals]
    with real(2, apply._fix_worker_signals) as pool:
        states = pool.map(_worker_signal_state, range(4))
    assert set(states) == {(False, True, True)}


def _worker_signal_state(_):
    import signal
    return (signal.SIGTERM in signal.pthread_sigmask(signal.SIG_BLOCK, []),
            signal.getsignal(signal.SIGTERM) == signal.SIG_DFL, signal.getsignal(signal.SIGINT) == signal.SIG_IGN)
