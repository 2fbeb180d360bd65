"""Every CustomResourceDefinition in the repository, so that a run on some files (a pre-commit call on the
one file a commit touches) validates custom resources as a run on the whole repository would.

Only which files define CRDs is found here; the engine loads and registers them. In a git checkout one
`git grep` (compiled, multi-threaded, honours .gitignore, tracked and untracked files) lists the files that
have `kind: CustomResourceDefinition`; elsewhere the tree is walked and each manifest's bytes are searched for it. Either way the files
are those a directory walk would lint (discover's rules: manifest suffixes, no hidden files or directories)
minus kustomization files (kustomize's configuration, which the walk reads only for REF004) and the
configuration's excludes, and the pattern is only a cheap first filter: the engine registers what really is a
CRD.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from .discover import MANIFEST_SUFFIXES, discover
from .sources import KUSTOMIZATION_FILE_NAMES

# `kind: CustomResourceDefinition` in YAML (block or flow, quoted or not) or JSON: a file that merely mentions
# the word (a schema, a Role's resources list) is not loaded. The same expression for git (POSIX ERE) and re.
KIND_PATTERN = "kind[\"']?[[:space:]]*:[[:space:]]*[\"']?CustomResourceDefinition([^A-Za-z]|$)"
_KIND_RE = re.compile(KIND_PATTERN.replace("[[:space:]]", r"\s").encode(), re.MULTILINE)
GIT_TIMEOUT = 60


def _lintable(rel: str) -> bool:
    parts = rel.split("/")
    name = parts[-1]
    return (name.lower().endswith(MANIFEST_SUFFIXES) and name not in KUSTOMIZATION_FILE_NAMES
            and not any(p.startswith(".") for p in parts))


def _git_grep(root: Path) -> list | None:
    """Paths (relative to root) of files under root that have a CRD's kind, or None when git cannot say."""
    if shutil.which("git") is None:
        return None
    pathspecs = [f":(icase)*{suffix}" for suffix in MANIFEST_SUFFIXES]
    try:
        done = subprocess.run(["git", "-C", str(root), "grep", "-l", "-z", "-I", "--untracked", "-E", "-e", KIND_PATTERN,
                               "--", *pathspecs], capture_output=True, timeout=GIT_TIMEOUT)
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode not in (0, 1):  # 1: no match; anything else: not a repository, git too old ...
        return None
    return [os.fsdecode(p) for p in done.stdout.split(b"\0") if p]


def _mentions(path: str) -> bool:
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError:
        return False
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        data = data.decode("utf-16", errors="ignore").encode()
    return _KIND_RE.search(data) is not None


def crd_files(root: Path, exclude=None, git: bool = True) -> list:
    """The files under `root` that may define CRDs, as absolute paths, sorted. `exclude(path) -> bool` is
    the configuration's exclude matcher."""
    root = root.resolve()
    found = _git_grep(root) if git and (root / ".git").exists() else None
    if found is not None:
        paths = [str(root / rel) for rel in found if _lintable(rel)]
        paths = [p for p in paths if exclude is None or not exclude(Path(p))]
    else:
        paths = [os.path.abspath(p) for p in discover([str(root)], exclude)
                 if os.path.basename(p) not in KUSTOMIZATION_FILE_NAMES and _mentions(p)]
    return sorted(paths)
