"""The command line: the only place that reads options, writes output files and chooses exit codes.

One module per command (lint, fix, report, info), the options they share (options), the typer app they
register on (app), and the entry point that ties them together (main).
"""
from __future__ import annotations

from .app import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, Usage, app
from .main import main

__all__ = ["EXIT_FINDINGS", "EXIT_OK", "EXIT_USAGE", "Usage", "app", "main"]
