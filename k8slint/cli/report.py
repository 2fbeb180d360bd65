"""`k8slint report --from C --to T PATH...`: the upgrade report, registered on the app.

It reads lint's options with the same helpers. --from and --to are the current and target versions (the
configuration's current-version and target-version when not given). Exit codes: 1 when some object blocks
the upgrade to T (or some input cannot be read), 0 otherwise, 2 for a usage error.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer

from .app import EXIT_FINDINGS, EXIT_OK, Usage, app
from .options import (config_file_used, discover_files, input_settings, jobs_setting, kube_version, lint_options,
                      load_config, nothing_to_lint, repository_settings, write_output)
from .params import (ALLOW_EMPTY, COLOUR, CONFIG, CRD, DISCOVER_CRDS, FOLLOW_LINKS, IGNORE, IGNORE_MISSING_SCHEMAS,
                     JOBS, MAX_FILE_SIZE, OUTPUT, PATHS, ROOT, SCHEMA_LOCATION, SELECT)

REPORT_FORMATS = ("text", "markdown", "html", "json")


@app.command()
def report(
    paths: List[str] = PATHS,
    from_version: Optional[str] = typer.Option(
        None, "--from", help="The version the cluster runs now (1.24, v1.24 or 1.24.3). Default: the "
                             "configuration's current-version."),
    to_version: Optional[str] = typer.Option(
        None, "--to", help="The version to upgrade to. Default: the configuration's target-version, else the "
                           "newest embedded."),
    strict: Optional[bool] = typer.Option(None, "--strict/--no-strict",
                                          help="Also count unknown fields the starting version did not know "
                                               "either (typos). Fields the target no longer knows always count."),
    fmt: str = typer.Option("text", "--format", "-f", help="Output format: text, markdown (a pull-request "
                                                           "comment), html (one self-contained page) or json."),
    output: Optional[Path] = OUTPUT,
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
):
    """Upgrade report: for every hop from --from to --to, what stops working (removed APIs and fields,
    schema errors, what the API server refuses), what becomes deprecated, and what `k8slint fix` can do about
    it; per object, its API's lifecycle and its schema validity in --to. The plan's steps are `k8slint fix
    --current-version STEP -k TO --write` runs, one per cluster version."""
    from ..upgrade import render
    from ..upgrade.analyse import build_report

    if fmt not in REPORT_FORMATS:
        raise Usage(f"--format: unknown format {fmt!r} (choose from {', '.join(REPORT_FORMATS)})")
    config = load_config({
        "target-version": to_version, "current-version": from_version, "strict": strict, "jobs": jobs,
        **input_settings(select, ignore, ignore_missing_schemas, crd, schema_location, max_file_size),
        **repository_settings(root, discover_crds)}, config_file)
    if not config["current-version"]:
        raise Usage("--from is required: the Kubernetes version the cluster runs now (or current-version in "
                    "the configuration)")
    start = kube_version(config["current-version"], "--from")
    end = kube_version(config["target-version"], "--to")
    if start > end:
        raise Usage(f"--from {start} is newer than --to {end}")
    options = lint_options(config)
    files = discover_files(paths, config, follow_links)
    result = build_report(files, options, jobs=jobs_setting(config, files, deferred=True))
    result.config_file = config_file_used(config)
    empty = nothing_to_lint(paths, files, len(result.resources) + result.kustomizations, allow_empty, config, result.problems)
    if empty is not None:
        from ..upgrade.model import Problem
        result.problems.append(Problem(empty.rule_id, str(empty.severity), empty.message, empty.file, empty.line,
                                       empty.column))
    use_colour = colour if colour is not None else (output is None and sys.stdout.isatty())
    write_output(render(fmt, result, colour=use_colour), output)
    if output is not None:  # the report went to a file: its verdict in one line, so CI logs are not empty
        from ..upgrade.words import verdict
        sys.stderr.write(f"{verdict(result)} (report written to {output})\n")
    raise typer.Exit(EXIT_FINDINGS if result.failed else EXIT_OK)
