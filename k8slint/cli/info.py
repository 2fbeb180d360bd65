"""The commands that describe k8slint itself: config, versions, rules, explain."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from .app import Usage, app
from .options import CONFIG, check_rule_patterns, lint_options, load_config, split_values


@app.command("config")
def show_config(config_file: Optional[Path] = CONFIG):
    """Print the effective configuration and where each value came from."""
    from ..config import describe
    config = load_config({}, config_file)
    lint_options(config)  # the same checks lint would make
    typer.echo(describe(config), nl=False)


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
