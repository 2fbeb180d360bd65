"""`fix --write` interrupted at any moment (SIGINT or SIGTERM) leaves every file either as it was or fully
fixed, with no temporary file behind; and files that cannot be written are reported, not half-written
(simulated, because root may write anywhere)."""
from __future__ import annotations

import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time

import pytest

from conftest import REPO, run_cli

OLD = ("# the shop front\napiVersion: extensions/v1beta1\nkind: Deployment\nmetadata:\n  name: web{i}\nspec:\n"
       "  replicas: 2  # two is enough\n  template:\n    metadata:\n      labels: {{app: web{i}}}\n    spec:\n"
       "      containers:\n        - name: web\n          image: nginx\n")


def _make(root, count=600):
    root.mkdir()
    for i in range(count):
        (root / f"app{i:03}.yaml").write_text(OLD.format(i=i))


@pytest.fixture(scope="module")
def fixed_versions(tmp_path_factory):
    root = tmp_path_factory.mktemp("reference") / "files"
    _make(root)
    assert run_cli(["fix", "-k", "1.30", "--write", str(root)]).code in (0, 1)
    return {p.name: p.read_text() for p in root.iterdir()}


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
@pytest.mark.parametrize("delay", [0.4, 0.8, 1.3])
def test_interrupted_fix_leaves_every_file_whole(tmp_path, fixed_versions, sig, delay):
    _interrupt(tmp_path, fixed_versions, sig, delay)


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="no SIGHUP here")
def test_hangup_leaves_every_file_whole_and_no_temporary_file(tmp_path, fixed_versions):
    """A closed terminal or ssh session (SIGHUP) unwinds like Ctrl-C: it once left a temporary file."""
    _interrupt(tmp_path, fixed_versions, signal.SIGHUP, 0.8)


def _interrupt(tmp_path, fixed_versions, sig, delay):
    root = tmp_path / "files"
    _make(root)
    proc = subprocess.Popen([sys.executable, "-m", "k8slint", "fix", "-k", "1.30", "--write", str(root)],
                            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    time.sleep(delay + random.random() * 0.2)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=120)
    assert "Traceback" not in err
    names = sorted(p.name for p in root.iterdir())
    assert names == sorted(fixed_versions), "a temporary file was left behind"
    for name in names:
        text = (root / name).read_text()
        i = int(name[3:6])
        assert text in (OLD.format(i=i), fixed_versions[name]), f"{name} is half-written"


def test_unwritable_directory_is_reported_and_the_file_kept(tmp_path, monkeypatch):
    path = tmp_path / "app.yaml"
    path.write_text(OLD.format(i=1))
    path.chmod(0o640)

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")
    import tempfile  # (atomic imports it when it writes)
    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    result = run_cli(["fix", "-k", "1.30", "--write", str(path)])
    assert result.code == 2 and "cannot write" in result.err and "Permission denied" in result.err
    assert path.read_text() == OLD.format(i=1) and oct(path.stat().st_mode & 0o777) == "0o640"


def test_failed_rename_removes_the_temporary_file(tmp_path, monkeypatch):
    from k8slint import atomic
    path = tmp_path / "app.yaml"
    path.write_text(OLD.format(i=2))

    def refuse(src, dst):
        raise PermissionError(1, "Operation not permitted")
    monkeypatch.setattr(atomic.os, "replace", refuse)
    result = run_cli(["fix", "-k", "1.30", "--write", str(path)])
    assert result.code == 2 and path.read_text() == OLD.format(i=2)
    assert [p.name for p in tmp_path.iterdir()] == ["app.yaml"]


def test_mode_is_kept(tmp_path):
    path = tmp_path / "app.yaml"
    path.write_text(OLD.format(i=3))
    path.chmod(0o604)
    assert run_cli(["fix", "-k", "1.30", "--write", str(path)]).code in (0, 1)
    assert oct(path.stat().st_mode & 0o777) == "0o604" and "apps/v1" in path.read_text()
    assert shutil.which  # the test ran to the end


def test_new_output_files_get_the_usual_permissions(tmp_path):
    (tmp_path / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n")
    old = os.umask(0o022)
    try:
        result = run_cli(["lint", "-f", "json", "-o", str(tmp_path / "out.json"), str(tmp_path / "cm.yaml")])
    finally:
        os.umask(old)
    assert result.code == 0
    assert oct((tmp_path / "out.json").stat().st_mode & 0o777) == "0o644"  # not mkstemp's private 0600


def test_interrupt_while_still_importing_is_quiet(monkeypatch, capsys):
    # Ctrl-C can land while Python imports the command line (a slow, busy machine): no traceback, exit 130.
    import builtins

    from k8slint.__main__ import run
    real_import = builtins.__import__

    def interrupted_import(name, *args, **kwargs):
        if name == "cli.main" or name.endswith("k8slint.cli.main"):
            raise KeyboardInterrupt
        return real_import(name, *args, **kwargs)
    monkeypatch.setattr(builtins, "__import__", interrupted_import)
    assert run() == 130
    assert capsys.readouterr().err == "k8slint: interrupted\n"


@pytest.mark.parametrize("after_written", [1, 90])
def test_kill_9_leaves_every_file_old_or_new_and_the_next_run_cleans_up(tmp_path, fixed_versions, after_written):
    """SIGKILL cannot be caught: what protects the files is only the write itself (a synced temporary file
    renamed over the old one). Killed once `after_written` of 200 files are rewritten, at whatever moment
    of the next write that is, every file is old or new, and the next run removes the temporary file it may have left."""
    root = tmp_path / "files"
    _make(root, 200)
    inodes = {p.name: p.stat().st_ino for p in root.iterdir()}
    proc = subprocess.Popen([sys.executable, "-m", "k8slint", "fix", "-k", "1.30", "--write", str(root)],
                            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:
        replaced = 0
        for entry in os.scandir(root):
            if entry.name in inodes and entry.inode() != inodes[entry.name]:
                replaced += 1
        if replaced >= after_written:
            break
        time.sleep(0.002)
    assert proc.poll() is None, "the run ended before it could be killed"
    time.sleep(random.random() * 0.05)
    proc.kill()
    proc.wait(timeout=30)
    states = {"old": 0, "new": 0}
    for path in root.iterdir():
        if path.name not in inodes:  # only ever our own temporary file, named so that we can find it
            assert re.fullmatch(rf"\.app\d{{3}}\.yaml\.k8slint-{proc.pid}-\w+\.tmp", path.name), path.name
            continue
        text = path.read_text()
        i = int(path.name[3:6])
        assert text in (OLD.format(i=i), fixed_versions[path.name]), f"{path.name} is half-written"
        states["old" if text == OLD.format(i=i) else "new"] += 1
    assert states["new"] >= after_written and states["old"] > 0
    # the next run in that directory (even on one file of it) removes what the killed one left
    assert run_cli(["fix", "-k", "1.30", "--write", str(root / "app000.yaml")]).code in (0, 1)
    assert sorted(p.name for p in root.iterdir()) == sorted(inodes), "a temporary file was left behind"
