"""A hard-linked file is rewritten in place by fix --write (a rename would split its links), so a kill -9 in
the middle of that write could cut it short (issue 17). Its old content is kept whole beside it until the new
content is synced, and the next run settles or reports what a killed run left."""
from __future__ import annotations

import errno
import os
import shutil
import signal
import stat

import pytest

from conftest import run_cli
from k8slint import atomic

OLD = ("apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {name: linked}\nspec:\n"
       "  selector: {matchLabels: {app: a}}\n  template:\n    metadata: {labels: {app: a}}\n    spec:\n"
       "      containers: [{name: a, image: nginx}]\n# the user's own comment\n")
NEW = OLD.replace("extensions/v1beta1", "apps/v1") + "# more than before\n" * 50


def _linked(tmp_path, text: str = OLD):
    path = tmp_path / "app.yaml"
    path.write_text(text)
    os.chmod(path, 0o640)
    os.link(path, tmp_path / "app-link.yaml")
    return path


def _backups(directory) -> list:
    return sorted(n for n in os.listdir(directory) if n.endswith(".backup"))


def _killed_while_writing(path, data: bytes, when: str) -> int:
    """Run write_bytes_atomic in a child that kills itself (SIGKILL: no clean-up of any kind) before the
    in-place write, half-way through it or after it; returns the child's pid."""
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            real = atomic._overwrite

            def overwrite(fh, new):
                if when == "half":
                    fh.seek(0)
                    fh.write(new[:len(new) // 2])
                    fh.truncate()
                    fh.flush()
                    os.fsync(fh.fileno())
                elif when == "after":
                    real(fh, new)
                os.kill(os.getpid(), signal.SIGKILL)

            atomic._overwrite = overwrite
            atomic.write_bytes_atomic(path, data)
        finally:
            os._exit(3)
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    return pid


def test_a_kill_during_the_in_place_write_leaves_the_old_content_whole_and_the_next_run_reports_it(tmp_path):
    path = _linked(tmp_path)
    pid = _killed_while_writing(path, NEW.encode(), "half")
    assert path.read_text() == NEW[:len(NEW) // 2]  # cut short: what the kill left in the file itself
    [name] = _backups(tmp_path)
    backup = tmp_path / name
    assert name.startswith(f".app.yaml.k8slint-{pid}-")
    assert backup.read_text() == OLD and stat.S_IMODE(backup.stat().st_mode) == 0o600  # whole, and private

    result = run_cli(["fix", "-k", "1.30", "--write", str(path)])
    assert result.code == 1
    refusal = [line for line in result.out.splitlines() if "YML020" in line]
    assert len(refusal) == 1 and str(backup) in refusal[0] and str(path) in refusal[0]
    assert f"cp {backup} {path} && rm {backup}" in refusal[0]
    assert path.read_text() == NEW[:len(NEW) // 2] and backup.read_text() == OLD  # nothing settled by guess

    other = tmp_path / "other.yaml"
    other.write_text(OLD)
    beside = run_cli(["fix", "-k", "1.30", "--write", str(other)])  # a run given only another file there
    assert f"k8slint: warning: {backup} holds the whole content {path} had" in beside.err
    assert backup.read_text() == OLD

    shutil.copyfile(backup, path)  # the restore the message gives: in place, so both names get it back
    backup.unlink()
    assert (tmp_path / "app-link.yaml").read_text() == OLD
    assert run_cli(["fix", "-k", "1.30", "--write", str(path)]).code in (0, 1)  # and fix runs again
    assert "apps/v1" in (tmp_path / "app-link.yaml").read_text() and _backups(tmp_path) == []


@pytest.mark.parametrize("when, expected", [("before", OLD), ("after", NEW)])
def test_a_backup_whose_file_is_whole_is_removed_by_the_next_run(tmp_path, when, expected):
    path = _linked(tmp_path)
    _killed_while_writing(path, NEW.encode(), when)
    assert path.read_text() == expected and len(_backups(tmp_path)) == 1
    assert atomic.settle_interrupted_writes(tmp_path) == []  # the old content or exactly the new one
    assert _backups(tmp_path) == [] and path.read_text() == expected


def test_a_backup_of_a_running_process_is_left_alone(tmp_path):
    path = _linked(tmp_path)
    backup = tmp_path / f".app.yaml.k8slint-{os.getpid()}-0123456789abcdef.backup"
    backup.write_text("something else")
    assert atomic.settle_interrupted_writes(tmp_path) == [] and backup.exists()


def test_a_failed_in_place_write_puts_the_old_content_back(tmp_path, monkeypatch):
    path = _linked(tmp_path)
    real, calls = atomic._overwrite, []

    def full_disk(fh, data):
        calls.append(data)
        if len(calls) == 1:
            fh.seek(0)
            fh.write(data[:10])
            fh.truncate()
            raise OSError(errno.ENOSPC, "No space left on device")
        real(fh, data)

    monkeypatch.setattr(atomic, "_overwrite", full_disk)
    with pytest.raises(OSError, match="No space"):
        atomic.write_bytes_atomic(path, NEW.encode())
    assert path.read_text() == OLD and (tmp_path / "app-link.yaml").read_text() == OLD
    assert _backups(tmp_path) == []


def test_an_in_place_write_leaves_no_backup_and_keeps_the_links(tmp_path):
    path = _linked(tmp_path)
    atomic.write_bytes_atomic(path, NEW.encode())
    assert (tmp_path / "app-link.yaml").read_text() == NEW and _backups(tmp_path) == []
    assert os.stat(path).st_nlink == 2
