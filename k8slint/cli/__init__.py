"""The command line: the only place that reads options, writes output files and chooses exit codes.

One module per command (lint, fix, report, info), the options they share (options, params), the typer app they
register on (app), the entry point that ties them together (main), and the fast path of lint (fastlint).
"""
from __future__ import annotations

from .codes import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, Usage
from .main import main

__all__ = ["EXIT_FINDINGS", "EXIT_OK", "EXIT_USAGE", "Usage", "app", "main"]


def __getattr__(name: str):
    if name == "app":  # the typer app: imported only when asked for (the fast path of lint runs without it)
        from .main import _app_for
        return _app_for([])
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
