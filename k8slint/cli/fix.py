"""`k8slint fix PATH...`: the typer declaration of the fix command; the body is fixrun.run, which the fast
path (fastlint) calls too."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from .app import app
from .params import (ALLOW_EMPTY, COLOUR, CONFIG, CRD, DISCOVER_CRDS, DOCS_URL, FOLLOW_LINKS, FORMAT_HELP, IGNORE,
                     IGNORE_MISSING_SCHEMAS, JOBS, MAX_FILE_SIZE, OUTPUT, ROOT, SCHEMA_LOCATION, SELECT)


@app.command()
def fix(
    paths: List[str] = typer.Argument(..., help="Files or directories (searched for *.yaml, *.yml, *.json); - for "
                                                "standard input (preview only).", show_default=False),
    kubernetes_version: Optional[str] = typer.Option(
        None, "--kubernetes-version", "-k", "--target-version",
        help="Kubernetes version to migrate to (1.29, v1.29 or 1.29.3). Default: the newest embedded."),
    current_version: Optional[str] = typer.Option(
        None, "--current-version", help="Version the cluster runs now: only fixes whose result it accepts too are made; the "
                                       "others wait and say for which cluster version. One step of `k8slint "
                                       "report`'s plan is this run with the step's cluster version."),
    strict: Optional[bool] = typer.Option(None, "--strict/--no-strict",
                                          help="Report unknown fields among the remaining findings. Fixed "
                                               "objects are always checked strictly."),
    write: bool = typer.Option(False, "--write", help="Rewrite the files (atomically). Without it nothing changes."),
    diff: Optional[bool] = typer.Option(None, "--diff/--no-diff",
                                        help="Show the unified diff (default: on without --write)."),
    unsafe_fixes: bool = typer.Option(False, "--unsafe-fixes",
                                      help="Also apply fixes that change behaviour or need a decision."),
    fmt: str = typer.Option("text", "--format", "-f", help=FORMAT_HELP + " The CI formats show the files "
                                                          "as on disk: in a preview, what a fix would change too."),
    output: Optional[Path] = OUTPUT,
    fail_on: Optional[str] = typer.Option(None, "--fail-on", help="Lowest severity of a remaining finding that "
                                                                  "makes the exit code 1: error (default), "
                                                                  "warning or info."),
    select: Optional[List[str]] = SELECT,
    ignore: Optional[List[str]] = IGNORE,
    ignore_missing_schemas: Optional[bool] = IGNORE_MISSING_SCHEMAS,
    crd: Optional[List[str]] = CRD,
    discover_crds: Optional[bool] = DISCOVER_CRDS,
    root: Optional[Path] = ROOT,
    allow_empty: bool = ALLOW_EMPTY,
    schema_location: Optional[List[str]] = SCHEMA_LOCATION,
    max_file_size: Optional[int] = MAX_FILE_SIZE,
    jobs: Optional[int] = JOBS,
    config_file: Optional[Path] = CONFIG,
    follow_links: bool = FOLLOW_LINKS,
    colour: Optional[bool] = COLOUR,
    docs_url: Optional[str] = DOCS_URL,
):
    """Rewrite manifests for the target version: migrate removed APIs, fields and annotations in place,
    keeping comments and layout. Shows a diff unless --write is given."""
    from .fixrun import run
    raise typer.Exit(run(paths, kubernetes_version, current_version, strict, write, diff, unsafe_fixes, fmt, output,
                         fail_on, select, ignore, ignore_missing_schemas, crd, discover_crds, root, allow_empty,
                         schema_location, max_file_size, jobs, config_file, follow_links, colour, docs_url))
