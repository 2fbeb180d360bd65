"""Which files a run reads: the paths given, directories walked recursively, in a stable order."""
from __future__ import annotations

import os
from pathlib import Path

from .sources import KUSTOMIZATION_FILE_NAMES

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
STDIN = "-"


class UsageError(Exception):
    """A mistake in how k8slint was called (exit code 2), as opposed to a problem in a manifest."""


def discover(paths: list, exclude=None) -> list:
    """Expand `paths` into the list of files to read ("-" stays as stdin), sorted within each directory.

    Directories are walked recursively for *.yaml, *.yml and *.json; hidden directories (.git ...) and
    kustomize's configuration files (kustomization.yaml, .yml; it is not a Kubernetes object) are skipped;
    symbolic links to directories are followed once (a loop is not followed twice). A path that does not exist
    is a UsageError. `exclude(path) -> bool` drops files and directories a configuration excludes.
    """
    out: list = []
    seen: set = set()
    for raw in paths:
        if raw == STDIN:
            out.append(STDIN)
            continue
        path = Path(raw)
        if not path.exists() and not path.is_symlink():
            raise UsageError(f"path does not exist: {raw}")
        if path.is_dir():
            out.extend(_walk(path, seen, exclude))
        elif exclude is None or not exclude(path):
            key = str(path)
            if key not in seen:
                seen.add(key)
                out.append(key)
    return out


def _walk(root: Path, seen: set, exclude) -> list:
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
                             and (exclude is None or not exclude(Path(dirpath, d))))
        for name in sorted(filenames):
            if name.startswith(".") or not name.lower().endswith(MANIFEST_SUFFIXES) \
                    or name in KUSTOMIZATION_FILE_NAMES:
                continue
            full = os.path.normpath(os.path.join(dirpath, name))
            if (exclude is not None and exclude(Path(full))) or full in seen:
                continue
            seen.add(full)
            files.append(full)
    return files
