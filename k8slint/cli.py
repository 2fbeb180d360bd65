"""The command line: the only place that reads options, writes output files and chooses exit codes.

Exit codes: 0 no finding at or above the failing level, 1 at least one, 2 a usage error (bad option,
missing path, unknown version or rule).
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer

from . import __version__

try:  # typer >= 0.22 vendors click as typer._click; older releases depend on click itself
    from typer._click import exceptions as _cx
except ImportError:  # pragma: no cover - depends on the installed typer
    from click import exceptions as _cx

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

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class Usage(_cx.UsageError):
    """A usage error we raise ourselves; printed as one line, exit code 2."""


def _version_callback(value: bool):
    if value:
        typer.echo(f"k8slint {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=_version_callback, is_eager=True,
                                       help="Print the version and exit.")):
    pass


def _split(values) -> tuple:
    out = []
    for v in values or ():
        out.extend(p.strip() for p in v.split(",") if p.strip())
    return tuple(out)


def _kube_version(text: Optional[str], option: str):
    from .versions import resolve
    try:
        return resolve(text)
    except (ValueError, FileNotFoundError) as exc:
        raise Usage(f"{option}: {exc}") from None


def _check_rule_patterns(patterns, option: str):
    from .rules import unknown_patterns
    bad = unknown_patterns(patterns)
    if bad:
        raise Usage(f"{option}: no rule matches {', '.join(bad)} (see `k8slint rules`)")


def _write_output(text: str, output: Optional[Path]):
    if output is None:
        sys.stdout.write(text)
        return
    from .atomic import write_text_atomic
    try:
        write_text_atomic(output, text)
    except OSError as exc:
        raise Usage(f"cannot write {output}: {exc.strerror or exc}") from None


FORMAT_HELP = "Output format: text, json, sarif, junit, github (workflow commands) or gitlab (Code Quality)."
CONFIG_HELP = "Configuration file to use instead of searching for .k8slint.yaml or pyproject.toml [tool.k8slint]."


def _load_config(cli_values: dict, config_file: Optional[Path], no_config: bool = False):
    from .config import ConfigError, build_config
    if config_file is not None and not config_file.is_file():
        raise Usage(f"--config: no such file: {config_file}")
    try:
        return build_config(cli_values, config_file, search=not no_config)
    except ConfigError as exc:
        raise Usage(str(exc)) from None


def _lint_options(config):
    """The engine's options from the merged configuration; every bad value is a usage error."""
    from .config import PathMatcher
    from .discover import UsageError, discover
    from .engine import LintOptions
    from .model import Severity

    target = _kube_version(config["target-version"], "--kubernetes-version")
    current = _kube_version(config["current-version"], "--current-version") if config["current-version"] else None
    if current is not None and current > target:
        raise Usage(f"--current-version {current} is newer than the target version {target}")
    select, ignore = tuple(config["select"]), tuple(config["ignore"])
    _check_rule_patterns(select, "--select")
    _check_rule_patterns(ignore, "--ignore")
    severities = {}
    for rule, text in config["severity"].items():
        _check_rule_patterns([rule], "severity")
        try:
            severities[rule.upper()] = Severity.parse(text)
        except ValueError as exc:
            raise Usage(f"severity of {rule}: {exc}") from None
    per_path = config["per-path-ignores"]
    for patterns in per_path.values():
        _check_rule_patterns(patterns, "per-path-ignores")
    if config["max-file-size"] <= 0:
        raise Usage("--max-file-size must be positive")
    base = config.base_dir
    path_matcher = PathMatcher(list(per_path), base) if per_path else None

    def path_ignores(file: str) -> tuple:
        return tuple(p for glob in path_matcher.matching(file) for p in per_path[glob])

    try:
        crd_files = tuple(discover([str(p) for p in config["crd"]]))
    except UsageError as exc:
        raise Usage(f"crd: {exc}") from None
    from .catalog import check_locations
    try:
        schema_locations = tuple(config["schema-location"])
        check_locations(schema_locations)
    except ValueError as exc:
        raise Usage(f"--schema-location: {exc}") from None
    return LintOptions(target=target, current=current, strict=config["strict"], select=select, ignore=ignore,
                       ignore_missing_schemas=config["ignore-missing-schemas"], severity_overrides=severities,
                       crd_files=crd_files, max_file_size=config["max-file-size"],
                       path_ignores=path_ignores if per_path else None, schema_locations=schema_locations)


def _jobs(config) -> int:
    from .engine import default_jobs
    jobs = config["jobs"]
    if jobs is None:
        return default_jobs()
    if jobs < 1:
        raise Usage("--jobs must be at least 1")
    return jobs


def _fail_level(config):
    from .model import Severity
    try:
        return Severity.parse(config["fail-on"])
    except ValueError as exc:
        raise Usage(f"--fail-on: {exc}") from None


def _discover(paths, config):
    from .config import PathMatcher
    from .discover import UsageError, discover
    exclude = PathMatcher(config["exclude"], config.base_dir) if config["exclude"] else None
    try:
        return discover(paths, exclude)
    except UsageError as exc:
        raise Usage(str(exc)) from None


# Options shared by lint, fix and report: declared once so that their names and help stay the same.
PATHS = typer.Argument(..., help="Files, directories (searched for *.yaml, *.yml, *.json) or - for standard "
                                 "input.", show_default=False)
SELECT = typer.Option(None, "--select", help="Only these rule ids or prefixes (comma-separated, repeatable).")
IGNORE = typer.Option(None, "--ignore", help="Skip these rule ids or prefixes (comma-separated, repeatable).")
IGNORE_MISSING_SCHEMAS = typer.Option(None, "--ignore-missing-schemas",
                                      help="Do not report kinds and custom resources without a schema.")
CRD = typer.Option(None, "--crd", help="CRD file or directory whose schemas validate custom resources "
                                       "(repeatable).")
SCHEMA_LOCATION = typer.Option(
    None, "--schema-location", help="Directory or URL template ({{.Group}}/{{.ResourceKind}}_"
                                    "{{.ResourceAPIVersion}}.json) of JSON schemas for custom resources whose "
                                    "CRD is not in the input (repeatable; tried in order).")
MAX_FILE_SIZE = typer.Option(None, "--max-file-size", help="Refuse files larger than this many bytes (default "
                                                           "16 MiB; see README for the memory it takes).")
JOBS = typer.Option(None, "--jobs", "-j", help="Processes to spread the files over (default: the number of "
                                               "cores).")
CONFIG = typer.Option(None, "--config", help=CONFIG_HELP)
COLOUR = typer.Option(None, "--color/--no-color", help="Colour the text output (default: only on a terminal).")
OUTPUT = typer.Option(None, "--output", "-o", help="Write the report to this file.")


def input_settings(select, ignore, ignore_missing_schemas, crd, schema_location, max_file_size) -> dict:
    """The configuration keys of the shared input options, None where the user gave none."""
    return {"select": list(_split(select)) or None, "ignore": list(_split(ignore)) or None,
            "ignore-missing-schemas": ignore_missing_schemas, "crd": [str(p) for p in crd] if crd else None,
            "schema-location": list(schema_location) if schema_location else None,
            "max-file-size": max_file_size}


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
                                               "--validate=strict."),
    fmt: str = typer.Option("text", "--format", "-f", help=FORMAT_HELP),
    output: Optional[Path] = OUTPUT,
    fail_on: Optional[str] = typer.Option(None, "--fail-on", help="Lowest severity that makes the exit code 1: "
                                                                  "error (default), warning or info."),
    select: Optional[List[str]] = SELECT,
    ignore: Optional[List[str]] = IGNORE,
    ignore_missing_schemas: Optional[bool] = IGNORE_MISSING_SCHEMAS,
    crd: Optional[List[Path]] = CRD,
    schema_location: Optional[List[str]] = SCHEMA_LOCATION,
    max_file_size: Optional[int] = MAX_FILE_SIZE,
    jobs: Optional[int] = JOBS,
    config_file: Optional[Path] = CONFIG,
    colour: Optional[bool] = COLOUR,
):
    """Validate manifests against the target version's schema and report deprecated or removed APIs."""
    from .engine import lint as run_lint
    from .report import FORMATS, render

    if fmt not in FORMATS:
        raise Usage(f"--format: unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
    config = _load_config({
        "target-version": kubernetes_version, "current-version": current_version, "strict": strict,
        "fail-on": fail_on, "jobs": jobs,
        **input_settings(select, ignore, ignore_missing_schemas, crd, schema_location, max_file_size)}, config_file)
    fail_level = _fail_level(config)
    options = _lint_options(config)
    files = _discover(paths, config)
    result = run_lint(files, options, jobs=_jobs(config))
    use_colour = colour if colour is not None else (output is None and sys.stdout.isatty())
    _write_output(render(fmt, result, colour=use_colour, fail_on=fail_level), output)
    failing = any(f.severity >= fail_level for f in result.findings)
    raise typer.Exit(EXIT_FINDINGS if failing else EXIT_OK)


@app.command("config")
def show_config(config_file: Optional[Path] = CONFIG):
    """Print the effective configuration and where each value came from."""
    from .config import describe
    config = _load_config({}, config_file)
    _lint_options(config)  # the same checks lint would make
    typer.echo(describe(config), nl=False)


@app.command()
def versions():
    """List every embedded Kubernetes minor, oldest first."""
    from .versions import embedded_versions
    typer.echo("\n".join(str(v) for v in embedded_versions()))


@app.command("rules")
def list_rules(
    select: Optional[List[str]] = typer.Option(None, "--select", help="Only rules matching these ids or "
                                                                      "prefixes."),
):
    """List every rule: id, default severity, title."""
    from .rules import all_rules, is_enabled
    patterns = _split(select)
    _check_rule_patterns(patterns, "--select")
    for rule in all_rules():
        if is_enabled(rule.id, patterns, ()):
            typer.echo(f"{rule.id}  {str(rule.meta.severity):<7}  {rule.meta.name}: {rule.meta.title}")


@app.command()
def explain(rule: str = typer.Argument(..., help="Rule id (API012) or name (duplicate-key).")):
    """Print the documentation of a rule."""
    from .rules import find_rule
    from .docgen import documented
    from .rules.docs import render_rule_text
    found = find_rule(rule)
    if found is None:
        raise Usage(f"no rule {rule!r} (see `k8slint rules`)")
    typer.echo(render_rule_text(documented(found).meta))


def _tune_garbage_collector() -> None:
    """A run allocates millions of small, acyclic objects (nodes, marks, JSON values) that reference counting
    frees; the cyclic collector's default thresholds would scan them over and over. Measured on the
    10,000-resource corpus: lint -j1 2.28 -> 1.83 s, fix 9.7 -> 5.9 s. Cycles are still collected, less often."""
    import gc

    gc.freeze()  # what is loaded so far (modules, rule tables) is never garbage
    gc.set_threshold(100_000, 50, 100)


def _unwind_on_sigterm() -> None:
    """Make SIGTERM unwind like Ctrl-C, so an interrupted `fix --write` removes its temporary file and
    leaves every file whole (as it was, or fully fixed), instead of dying mid-way."""
    import signal
    import threading

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, interrupt)


def main(argv: Optional[list] = None) -> int:
    """Console entry point: runs the app, turns usage errors into one line on stderr and exit code 2."""
    command = typer.main.get_command(app)
    # Documents are refused beyond 128 levels; validators recurse a few frames per level, so give them room.
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 4000))
    _unwind_on_sigterm()
    _tune_garbage_collector()
    try:
        result = command.main(args=argv if argv is not None else sys.argv[1:], prog_name="k8slint",
                              standalone_mode=False)
    except typer.Exit as exc:
        return exc.exit_code
    except _cx.UsageError as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":  # `k8slint` alone: show the help
            sys.stdout.write(exc.format_message() + "\n")
            return EXIT_OK
        if isinstance(exc, _cx.NoSuchOption):  # our own words: click's wording changes between releases
            close = sorted(getattr(exc, "possibilities", None) or ())
            message = f"no such option {exc.option_name}" + (f" (did you mean {' or '.join(close)}?)" if close else "")
        else:
            message = " ".join(exc.format_message().split())
        sys.stderr.write(f"k8slint: error: {message}\n")
        return EXIT_USAGE
    except _cx.ClickException as exc:
        sys.stderr.write(f"k8slint: error: {' '.join(exc.format_message().split())}\n")
        return EXIT_USAGE
    except (typer.Abort, KeyboardInterrupt):
        sys.stderr.write("k8slint: interrupted\n")
        return 130
    except BrokenPipeError:
        return EXIT_OK
    return result if isinstance(result, int) else EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
from . import cli_fix  # noqa: E402,F401  (registers the fix command)
from . import cli_report  # noqa: E402,F401  (registers the report command)
