"""Which files a run reads: the paths given, directories walked recursively, in a stable order."""
from __future__ import annotations

import os
import stat
from pathlib import Path

from .sources import KUSTOMIZATION_FILE_NAMES

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
STDIN = "-"


class UsageError(Exception):
    """A mistake in how k8slint was called (exit code 2), as opposed to a problem in a manifest."""


def discover(paths: list, exclude=None, follow_links: bool = False) -> list:
    """Expand `paths` into the list of files to read ("-" stays as stdin), sorted within each directory.

    Directories are walked recursively for *.yaml, *.yml and *.json, and for kustomize's configuration
    files (kustomization.yaml, .yml, Kustomization: their patch targets name apiVersions); hidden
    directories (.git ...) are skipped, and so is anything that is not a regular file (a FIFO would block
    the run, a device never ends).
    A symbolic link found in a walk is followed only when it stays inside the directories given (a link to
    `/` must not make `fix --write .` rewrite the file system, nor a pull request make CI read files outside
    its checkout), unless `follow_links`; a directory is walked once however many links lead to it.
    Paths given explicitly are read as given. A path that does not exist, or "-" twice (standard input can
    be read once), is a UsageError. `exclude(path) -> bool` drops files and directories a configuration
    excludes.
    """
    out: list = []
    seen: set = set()
    if sum(1 for raw in paths if raw == STDIN) > 1:
        raise UsageError("standard input (-) can be read only once; give it once")
    roots = [os.path.realpath(raw) for raw in paths if raw != STDIN and os.path.isdir(raw)]
    for raw in paths:
        if raw == STDIN:
            out.append(STDIN)
            continue
        path = Path(raw)
        if not path.exists() and not path.is_symlink():
            raise UsageError(f"path does not exist: {raw}")
        if path.is_dir():
            out.extend(_walk(path, seen, exclude, None if follow_links else roots))
        elif exclude is None or not exclude(path):
            key = str(path)
            if key not in seen:
                seen.add(key)
                out.append(key)
    return out


def _inside(real: str, roots: list) -> bool:
    return any(real == root or real.startswith(root.rstrip(os.sep) + os.sep) for root in roots)


def _stays_inside(path: str, roots: list | None) -> bool:
    """May the walk follow `path`? Always when it is no link (or links may go anywhere); a link only when
    what it points to is inside one of the directories given."""
    if roots is None or not os.path.islink(path):
        return True
    return _inside(os.path.realpath(path), roots)


def _is_regular_file(path: str) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return True  # a dangling link or an unreadable entry: reading it gives the finding that says so


def _walk(root: Path, seen: set, exclude, roots: list | None) -> list:
    files = []
    visited_dirs: set = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        try:
            ident = os.stat(dirpath)
            key = (ident.st_dev, ident.st_ino)
        except OSError:
            dirnames[:] = []
            continue
        if key in visited_dirs:  # a symlink loop or a second link to the same directory
            dirnames[:] = []
            continue
        visited_dirs.add(key)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".")
                             and _stays_inside(os.path.join(dirpath, d), roots)
                             and (exclude is None or not exclude(Path(dirpath, d))))
        for name in sorted(filenames):
            if name.startswith(".") or not (name.lower().endswith(MANIFEST_SUFFIXES)
                                            or name in KUSTOMIZATION_FILE_NAMES):
                continue
            full = os.path.normpath(os.path.join(dirpath, name))
            if (exclude is not None and exclude(Path(full))) or full in seen:
                continue
            if not _stays_inside(full, roots) or not _is_regular_file(full):
                continue
            seen.add(full)
            files.append(full)
    return files
