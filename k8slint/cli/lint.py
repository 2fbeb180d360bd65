"""`k8slint lint PATH...`: validate manifests and report deprecations; the exit code follows --fail-on.

The typer declaration of its options; the body is lintrun.run, which the fast path (fastlint) calls too."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from .app import app
from .params import (ALLOW_EMPTY, COLOUR, CONFIG, CRD, DISCOVER_CRDS, DOCS_URL, FOLLOW_LINKS, FORMAT_HELP, IGNORE,
                     IGNORE_MISSING_SCHEMAS, JOBS, MAX_FILE_SIZE, OUTPUT, PATHS, ROOT, SCHEMA_LOCATION, SELECT)


@app.command()
def lint(
    paths: List[str] = PATHS,
    kubernetes_version: Optional[str] = typer.Option(
        None, "--kubernetes-version", "-k", "--target-version",
        help="Kubernetes version to validate for and judge deprecations from (1.29, v1.29 or 1.29.3). "
             "Default: the newest embedded."),
    current_version: Optional[str] = typer.Option(
        None, "--current-version", help="Version the cluster runs now: findings say which already break "
                                        "there and which only appear on the way to the target."),
    strict: Optional[bool] = typer.Option(None, "--strict/--no-strict",
                                          help="Report fields the schema does not know (typos), like kubectl "
                                               "--validate=strict. Fields the target removed are errors "
                                               "without it too (kubectl validates strictly by default)."),
    fmt: str = typer.Option("text", "--format", "-f", help=FORMAT_HELP),
    output: Optional[Path] = OUTPUT,
    fail_on: Optional[str] = typer.Option(None, "--fail-on", help="Lowest severity that makes the exit code 1: "
                                                                  "error (default), warning or info."),
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
    no_cache: bool = typer.Option(False, "--no-cache", help="Check every file again instead of reusing the "
                                                             "results of earlier runs over the same bytes "
                                                             "(kept in the user cache directory)."),
):
    """Validate manifests against the target version's schema and report deprecated or removed APIs."""
    values = dict(locals())  # the options as typer converted them: lintrun.run takes them by these names
    from .lintrun import run
    return run(**values)
