"""`k8slint lint PATH...`: validate manifests and report deprecations; the exit code follows --fail-on."""
from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import List, Optional

import typer

from .app import EXIT_FINDINGS, EXIT_OK, Usage, app
from .options import FOLLOW_LINKS
from .options import (ALLOW_EMPTY, COLOUR, CONFIG, CRD, DISCOVER_CRDS, DOCS_URL, FORMAT_HELP, IGNORE, IGNORE_MISSING_SCHEMAS, JOBS,
                      MAX_FILE_SIZE, OUTPUT, PATHS, ROOT, SCHEMA_LOCATION, SELECT, discover_files, fail_level,
                      config_file_used, input_settings, jobs_setting, lint_options, load_config, nothing_to_lint, repository_settings,
                      root_setting, write_output, write_step_summary)


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
    from ..engine import lint as run_lint
    from ..report import FORMATS, render

    if fmt not in FORMATS:
        raise Usage(f"--format: unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
    config = load_config({
        "target-version": kubernetes_version, "current-version": current_version, "strict": strict,
        "fail-on": fail_on, "jobs": jobs,
        **input_settings(select, ignore, ignore_missing_schemas, crd, schema_location, max_file_size),
        **repository_settings(root, discover_crds)}, config_file)
    failing_level = fail_level(config)
    options = dataclasses.replace(lint_options(config), cache=not no_cache)
    files = discover_files(paths, config, follow_links)
    result = run_lint(files, options, jobs=jobs_setting(config, files))
    result.config_file = config_file_used(config)
    empty = nothing_to_lint(paths, files, result.resources + result.kustomizations, allow_empty, config, result.findings)
    if empty is not None:
        result.findings.append(empty)
    use_colour = colour if colour is not None else (output is None and sys.stdout.isatty())
    write_output(render(fmt, result, colour=use_colour, fail_on=failing_level, root=root_setting(config),
                        docs_url=docs_url), output)
    if fmt == "github":
        write_step_summary(result, root_setting(config))
    if output is not None:  # the report went to a file: say in one line what it holds, so CI logs are not empty
        from ..report.summary import summary_line
        sys.stderr.write(f"{summary_line(result)} (written to {output})\n")
    failing = any(f.severity >= failing_level for f in result.findings)
    raise typer.Exit(EXIT_FINDINGS if failing else EXIT_OK)
