"""Output formats: one small module per format, each `render(result, **options) -> str`.

text and json are for people and scripts; sarif (code scanning), junit (test report widgets), github
(Actions workflow commands) and gitlab (Code Quality) are for CI systems.
"""
from __future__ import annotations

import importlib
import os

FORMATS = ("text", "json", "sarif", "junit", "github", "gitlab")

STDIN_LABEL = "<stdin>"


def render(fmt: str, result, **options) -> str:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
    module = importlib.import_module(f".{fmt}_format", __name__)
    return module.render(result, **options)


def relative_path(file: str, root: str | None = None, cwd: str | None = None) -> tuple:
    """(path, is_relative) for CI formats, which want paths relative to the repository root.

    `file` is as the user named it (relative to `cwd`, the working directory by default); the result is
    relative to `root` (default: `cwd`), normalised ("./a//b.yaml" -> "a/b.yaml") with forward slashes. A
    path outside the root stays absolute, as there is nothing sensible for it to be relative to. Standard
    input is returned unchanged, not relative.
    """
    if file == STDIN_LABEL:
        return file, False
    cwd = os.path.abspath(cwd if cwd is not None else os.getcwd())
    root = os.path.abspath(os.path.join(cwd, root)) if root is not None else cwd
    absolute = os.path.abspath(os.path.join(cwd, file))
    try:
        inside = os.path.commonpath([root, absolute]) == root
    except ValueError:  # another drive on Windows
        inside = False
    if inside and absolute != root:
        return os.path.relpath(absolute, root).replace(os.sep, "/"), True
    return absolute.replace(os.sep, "/"), False
