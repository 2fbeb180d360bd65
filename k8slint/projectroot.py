"""The project root: the directory CI report paths are relative to and where CRD discovery looks.

Code-scanning alerts, Code Quality entries and annotations must name files relative to the repository, not
to the directory k8slint runs in (CI jobs often `cd` into a sub-directory of a monorepo). The root is, in
order: the one given (`--root` or the configuration's `root`), the git top level above the current
directory, the configuration file's directory, the current directory.
"""
from __future__ import annotations

from pathlib import Path


def git_toplevel(start: Path) -> Path | None:
    """The nearest directory at or above `start` holding `.git` (a directory, or a file in a worktree or
    submodule). Found without running git, so that it costs nothing and works where git is not installed."""
    here = start.resolve()
    for directory in (here, *here.parents):
        if (directory / ".git").exists():
            return directory
    return None


def project_root(given: str | Path | None = None, config_dir: Path | None = None, cwd: Path | None = None) -> Path:
    cwd = (cwd or Path.cwd()).resolve()
    if given:
        return (cwd / given).resolve()
    return git_toplevel(cwd) or (config_dir.resolve() if config_dir else cwd)
