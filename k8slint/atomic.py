"""Atomic file writes: a temporary file in the same directory, flushed, then renamed over the target.

A reader (or a crash, or Ctrl-C) sees either the old file or the new one, never half of it. The file
keeps its permission bits; a failure leaves the original untouched and removes the temporary file.

A file with several hard links is rewritten in place instead (a rename would split the links), which a
crash can cut short. So its old content is first kept whole beside it, as `.NAME.k8slint-PID-HASH.backup`
(written atomically and synced; HASH names the new content), and that copy is removed once the new content
is synced. A later run settles a copy a killed run left (settle_interrupted_writes).
"""
from __future__ import annotations

import contextlib
import os
import re
import signal
import stat
import threading
from dataclasses import dataclass
from pathlib import Path

from .digests import sha256


class Changed(OSError):
    """The file is no longer what the caller read: someone else wrote it meanwhile."""


# Our temporary files: `.NAME.k8slint-PID-RANDOM.tmp`. The process id lets a later run tell a temporary
# file of a killed run (kill -9 gives no chance to clean up) from one a running k8slint is writing.
_TMP_SUFFIX = ".tmp"
_TMP = re.compile(r"^\..+\.k8slint-(\d+)-[a-z0-9_]+\.tmp$")
_BACKUP = re.compile(r"^\.(.+)\.k8slint-(\d+)-([0-9a-f]{16})\.backup$")
_BLOCKED = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


@contextlib.contextmanager
def _signals_held():
    """Ctrl-C, SIGTERM and SIGHUP wait until a write is complete or undone (then they are handled as
    usual), so an interruption never leaves a temporary file behind. Blocking them in this thread is not
    enough when the process has other threads (a process pool's): the kernel hands the signal to one of
    them and Python still runs the handler here. So the handlers are swapped too, for ones that only note
    the signal, which is raised again once the write is over."""
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        yield
        return
    noted: list = []
    old = signal.pthread_sigmask(signal.SIG_BLOCK, _BLOCKED)
    handlers = {sig: signal.signal(sig, lambda signum, frame: noted.append(signum)) for sig in _BLOCKED}
    try:
        yield
    finally:
        for sig, handler in handlers.items():
            if handler is not None:  # None: installed outside Python, nothing we could put back
                signal.signal(sig, handler)
        signal.pthread_sigmask(signal.SIG_SETMASK, old)
        if noted:
            signal.raise_signal(noted[0])


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


class InterruptedWrite(OSError):
    """A file an earlier k8slint run was rewriting in place when it died: the copy of its old content is
    kept, and k8slint does not write the file again until someone has looked."""


@dataclass
class Leftover:
    """The backup an interrupted in-place write left, and the file it belongs to."""

    target: str
    backup: str

    def message(self) -> str:
        return (f"{self.backup} holds the whole content {self.target} had before k8slint began to rewrite it "
                f"in place, which did not finish (a killed run?): compare the two and keep the right one "
                f"(`cp {self.backup} {self.target} && rm {self.backup}` restores the old content and keeps "
                f"the hard links; `rm {self.backup}` keeps the file as it is)")


def settle_interrupted_writes(directory) -> list:
    """Deal with the backups that killed runs left in `directory`: one whose file holds the old content
    (the write never started) or exactly the new one (the write was complete) is removed; any other is kept
    and returned as a Leftover (the file may be cut short, or edited since; only a person can tell). Only
    names of our own pattern, of processes that are gone, are touched."""
    left = []
    try:
        names = os.listdir(directory)
    except OSError:
        return left
    for name in names:
        m = _BACKUP.match(name)
        if m is None or _alive(int(m.group(2))):
            continue
        backup, target = os.path.join(directory, name), os.path.join(directory, m.group(1))
        try:
            with open(backup, "rb") as fh:
                old = fh.read()
            with open(target, "rb") as fh:
                now = fh.read()
        except OSError:
            left.append(Leftover(target, backup))
            continue
        if now == old or _content_hash(now) == m.group(3):
            try:
                os.unlink(backup)
            except OSError:
                pass
        else:
            left.append(Leftover(target, backup))
    return left


def _content_hash(data: bytes) -> str:
    return sha256(data).hexdigest()[:16]


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


def write_bytes_atomic(path, data: bytes, expect=None, *, private: bool = False) -> None:
    """Replace the file `path` by `data`. `expect(fd)`, given an open descriptor of the file as it is right
    before the replacement, raises Changed if it is not what the caller read (a lost update otherwise).
    A file with several hard links is rewritten in place (a rename would split the links), after the same
    check. A new file is readable by anyone the umask allows, or only by its owner when `private`."""
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    try:
        st = os.stat(path)
        mode, owner = stat.S_IMODE(st.st_mode), (st.st_uid, st.st_gid)
    except FileNotFoundError:  # a new file gets what open() would give it, not mkstemp's private 0600
        st, mode, owner = None, None if private else 0o666 & ~_umask(), None  # mkstemp's 0600 when private
    import tempfile  # here: with shutil, bz2 and lzma it cost every start ~2 ms, and most runs write nothing
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
    """Rewrite `path` in place (it has other hard links), keeping a synced copy of the old content beside it
    until the new content is synced: a kill at any moment leaves the old content in the file or the copy."""
    with open(path, "r+b") as fh:
        fd = fh.fileno()
        old = _read_all(fd)
        backup = path.parent / f".{path.name}.k8slint-{os.getpid()}-{_content_hash(data)}.backup"
        # a new file (temporary name, fsync, rename), private: the file may hold secrets its mode guards
        write_bytes_atomic(backup, old, private=True)
        _sync_directory(path.parent)
        try:
            if expect is not None:
                expect(fd)  # as late as possible: right before the file is overwritten
            _overwrite(fh, data)
        except Changed:
            os.unlink(backup)
            raise
        except BaseException as exc:
            try:  # a failed write (a full disk): the old content back, then the copy goes
                _overwrite(fh, old)
            except OSError:
                raise InterruptedWrite(f"{exc}; putting the old content back failed too: "
                                       f"{Leftover(str(path), str(backup)).message()}") from exc
            os.unlink(backup)
            raise
        os.unlink(backup)


def _overwrite(fh, data: bytes) -> None:
    fh.seek(0)
    fh.write(data)
    fh.truncate()
    fh.flush()
    os.fsync(fh.fileno())


def _sync_directory(directory: Path) -> None:
    """Make a rename in `directory` durable (where the platform allows it)."""
    try:
        fd = os.open(directory if str(directory) else ".", os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


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
