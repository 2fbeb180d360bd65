"""Atomic file writes: a temporary file in the same directory, flushed, then renamed over the target.

A reader (or a crash, or Ctrl-C) sees either the old file or the new one, never half of it. The file
keeps its permission bits; a failure leaves the original untouched and removes the temporary file.
"""
from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path


def write_bytes_atomic(path, data: bytes) -> None:
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    try:
        st = os.stat(path)
        mode, owner = stat.S_IMODE(st.st_mode), (st.st_uid, st.st_gid)
    except FileNotFoundError:  # a new file gets what open() would give it, not mkstemp's private 0600
        mode, owner = 0o666 & ~_umask(), None
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".k8slint-tmp", dir=directory)
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
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


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
