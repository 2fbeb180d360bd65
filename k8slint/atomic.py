"""Atomic file writes: a temporary file in the same directory, flushed, then renamed over the target.

A reader (or a crash, or Ctrl-C) sees either the old file or the new one, never half of it. The file
keeps its permission bits; a failure leaves the original untouched and removes the temporary file.
"""
from __future__ import annotations

import contextlib
import os
import re
import signal
import stat
import tempfile
import threading
from pathlib import Path


class Changed(OSError):
    """The file is no longer what the caller read: someone else wrote it meanwhile."""


# Our temporary files: `.NAME.k8slint-PID-RANDOM.tmp`. The process id lets a later run tell a temporary
# file of a killed run (kill -9 gives no chance to clean up) from one a running k8slint is writing.
_TMP_SUFFIX = ".tmp"
_TMP = re.compile(r"^\..+\.k8slint-(\d+)-[a-z0-9_]+\.tmp$")
_BLOCKED = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


@contextlib.contextmanager
def _signals_held():
    """Ctrl-C, SIGTERM and SIGHUP wait until a write is complete or undone (then they are handled as
    usual), so an interruption never leaves a temporary file behind."""
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, _BLOCKED)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def remove_stale_temporaries(directory) -> list:
    """Delete our temporary files in `directory` whose process is gone (a run killed with -9). Only names
    of our own pattern are touched. Returns the paths removed."""
    removed = []
    try:
        names = os.listdir(directory)
    except OSError:
        return removed
    for name in names:
        m = _TMP.match(name)
        if m is None or _alive(int(m.group(1))):
            continue
        try:
            os.unlink(os.path.join(directory, name))
            removed.append(os.path.join(directory, name))
        except OSError:
            pass
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process: alive
    return True


def write_bytes_atomic(path, data: bytes, expect=None) -> None:
    """Replace the file `path` by `data`. `expect(fd)`, given an open descriptor of the file as it is right
    before the replacement, raises Changed if it is not what the caller read (a lost update otherwise).
    A file with several hard links is rewritten in place (a rename would split the links), after the same
    check."""
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    try:
        st = os.stat(path)
        mode, owner = stat.S_IMODE(st.st_mode), (st.st_uid, st.st_gid)
    except FileNotFoundError:  # a new file gets what open() would give it, not mkstemp's private 0600
        st, mode, owner = None, 0o666 & ~_umask(), None
    with _signals_held():
        if st is not None and st.st_nlink > 1 and stat.S_ISREG(st.st_mode):
            _write_in_place(path, data, expect)
            return
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.k8slint-{os.getpid()}-", suffix=_TMP_SUFFIX,
                                   dir=directory)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            if mode is not None:
                os.chmod(tmp, mode)
                if owner is not None and hasattr(os, "chown"):
                    try:
                        os.chown(tmp, *owner)
                    except PermissionError:
                        pass  # only root may give a file away; the owner stays ours then
            if expect is None:
                os.replace(tmp, path)
                return
            old = os.open(path, os.O_RDONLY)
            try:
                expect(old)  # as late as possible: the file as it is now, right before it is replaced
                if os.stat(path).st_ino != os.fstat(old).st_ino:  # replaced by another writer's rename
                    raise Changed("the file changed while k8slint was fixing it")
                os.replace(tmp, path)
                expect(old)  # and whatever reached the old file until the rename: put it back, say so
            except Changed:
                if not os.path.exists(tmp):  # replaced already: restore what the other writer wrote
                    os.lseek(old, 0, os.SEEK_SET)
                    theirs = _read_all(old)
                    write_bytes_atomic(path, theirs)
                raise
            finally:
                os.close(old)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise


def _read_all(fd: int) -> bytes:
    chunks = []
    while True:
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _write_in_place(path: Path, data: bytes, expect) -> None:
    with open(path, "r+b") as fh:
        if expect is not None:
            expect(fh.fileno())
        fh.seek(0)
        fh.write(data)
        fh.truncate()
        fh.flush()
        os.fsync(fh.fileno())


def unchanged_since(raw: bytes, st: os.stat_result):
    """An `expect` for write_bytes_atomic: the file still has the size, modification time and content it
    had when it was read (`raw`, `st`)."""
    def check(fd: int) -> None:
        now = os.fstat(fd)
        if now.st_size != st.st_size or now.st_mtime_ns != st.st_mtime_ns or now.st_ino != st.st_ino:
            raise Changed("the file changed while k8slint was fixing it")
        os.lseek(fd, 0, os.SEEK_SET)
        if _read_all(fd) != raw:
            raise Changed("the file changed while k8slint was fixing it")
    return check


def write_output_file(path, data: bytes) -> None:
    """Write a report to `path`: atomically when it is (or will be) a regular file; in place when it is
    something else that already exists (/dev/null, /dev/stdout, a FIFO, a terminal), which a rename would
    replace by a regular file (as root, /dev/null itself). Through a symbolic link, the file it points to
    is written and the link kept."""
    path = os.path.realpath(path)
    try:
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        st = None
    if st is not None and not stat.S_ISREG(st.st_mode):
        with open(path, "wb") as fh:
            fh.write(data)
        return
    write_bytes_atomic(path, data)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def write_text_atomic(path, text: str, encoding: str = "utf-8") -> None:
    write_bytes_atomic(path, text.encode(encoding))
