"""The commands that describe k8slint itself: config, versions, rules, explain."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer

from .app import Usage, app
from .options import (check_rule_patterns, fail_level, input_settings, jobs_setting, lint_options, load_config,
                      repository_settings, split_values)
from .params import (CONFIG, CRD, DISCOVER_CRDS, IGNORE, IGNORE_MISSING_SCHEMAS, JOBS, MAX_FILE_SIZE, ROOT,
                     SCHEMA_LOCATION, SELECT)


@app.command("config")
def show_config(
    kubernetes_version: Optional[str] = typer.Option(None, "--kubernetes-version", "-k", "--target-version",
                                                     help="As lint's: shown as a command-line value."),
    current_version: Optional[str] = typer.Option(None, "--current-version", help="As lint's."),
    strict: Optional[bool] = typer.Option(None, "--strict/--no-strict", help="As lint's."),
    fail_on: Optional[str] = typer.Option(None, "--fail-on", help="As lint's."),
    select: Optional[List[str]] = SELECT,
    ignore: Optional[List[str]] = IGNORE,
    ignore_missing_schemas: Optional[bool] = IGNORE_MISSING_SCHEMAS,
    crd: Optional[List[str]] = CRD,
    discover_crds: Optional[bool] = DISCOVER_CRDS,
    root: Optional[Path] = ROOT,
    schema_location: Optional[List[str]] = SCHEMA_LOCATION,
    max_file_size: Optional[int] = MAX_FILE_SIZE,
    jobs: Optional[int] = JOBS,
    config_file: Optional[Path] = CONFIG,
):
    """Print the effective configuration (a [tool.k8slint] table) and where each value came from: the
    configuration file, the command-line options given here (lint's), or the default. Then check it as lint
    would: a value lint refuses is an error naming the file, line and option (exit code 2)."""
    from ..config import describe
    config = load_config({
        "target-version": kubernetes_version, "current-version": current_version, "strict": strict,
        "fail-on": fail_on, "jobs": jobs,
        **input_settings(select, ignore, ignore_missing_schemas, crd, schema_location, max_file_size),
        **repository_settings(root, discover_crds)}, config_file)
    typer.echo(describe(config, searched=config_file is None), nl=False)
    sys.stdout.flush()
    fail_level(config)  # the same checks lint makes, after the values are shown
    jobs_setting(config)
    lint_options(config)


@app.command()
def versions():
    """List every embedded Kubernetes minor, oldest first."""
    from ..versions import embedded_versions
    typer.echo("\n".join(str(v) for v in embedded_versions()))


@app.command("rules")
def list_rules(
    select: Optional[List[str]] = typer.Option(None, "--select", help="Only rules matching these ids or "
                                                                      "prefixes."),
):
    """List every rule: id, default severity, title."""
    from ..rules import all_rules, is_enabled
    patterns = split_values(select)
    check_rule_patterns(patterns, "--select")
    for rule in all_rules():
        if is_enabled(rule.id, patterns, ()):
            typer.echo(f"{rule.id}  {str(rule.meta.severity):<7}  {rule.meta.name}: {rule.meta.title}")


@app.command()
def explain(rule: str = typer.Argument(..., help="Rule id (API012) or name (duplicate-key).")):
    """Print the documentation of a rule."""
    from ..rules import find_rule
    from ..docgen import documented
    from ..rules.docs import render_rule_text
    found = find_rule(rule)
    if found is None:
        raise Usage(f"no rule {rule!r} (see `k8slint rules`)")
    typer.echo(render_rule_text(documented(found).meta))
