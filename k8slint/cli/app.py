"""The typer application every command registers on (the exit codes and our usage-error type live in codes,
which imports neither typer nor click).

Imports point one way: codes <- options, app <- params <- one module per command <- main (which registers
them all).
"""
from __future__ import annotations

import typer

from .. import __version__
from .codes import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, Usage  # noqa: F401  (re-exported)

try:  # typer >= 0.22 vendors click as typer._click; older releases depend on click itself
    from typer._click import exceptions as click_exceptions
except ImportError:  # pragma: no cover - depends on the installed typer
    from click import exceptions as click_exceptions

app = typer.Typer(
    name="k8slint",
    help="Kubernetes manifest linter and upgrade advisor: validates manifests against the schema of any "
         "Kubernetes version from 1.7 on, and reports deprecated and removed APIs, fields and annotations "
         "from the point of view of the version you upgrade to.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

def _version_callback(value: bool):
    if value:
        typer.echo(f"k8slint {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=_version_callback, is_eager=True,
                                       help="Print the version and exit.")):
    pass
