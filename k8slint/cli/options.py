"""What lint, fix and report share: the helpers that read and check their options' values (the declarations
are in params). Every bad value is a usage error. No typer here: the fast path of `lint` uses these too."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

from .codes import Usage


def split_values(values) -> tuple:
    out = []
    for v in values or ():
        out.extend(p.strip() for p in v.split(",") if p.strip())
    return tuple(out)


def _label(option) -> str:
    """An option's name, or a function that says where a value came from (asked only for an error: finding
    the line of a configuration key reads the file again)."""
    return option() if callable(option) else option


def kube_version(text: Optional[str], option):
    from ..versions import resolve
    try:
        return resolve(text)
    except (ValueError, FileNotFoundError) as exc:
        raise Usage(f"{_label(option)}: {exc}") from None


def check_rule_patterns(patterns, option):
    if not any(p.strip() for p in patterns):
        return  # nothing to check: the rules (their modules, the validators behind them) are not imported
    from ..rules import unknown_patterns
    bad = unknown_patterns(patterns)
    if bad:
        raise Usage(f"{_label(option)}: no rule matches {', '.join(bad)} (see `k8slint rules`)")


def write_output(text: str, output: Optional[Path]):
    from ..printable import encodable
    text = encodable(text)  # a file name that is not UTF-8 must not make printing the report fail
    if output is None:
        sys.stdout.write(text)
        return
    from ..atomic import write_output_file
    try:
        write_output_file(output, text.encode("utf-8"))
    except OSError as exc:
        raise Usage(f"cannot write {output}: {exc.strerror or exc}") from None


def write_step_summary(result, root) -> None:
    """With --format github under GitHub Actions, every finding also goes to $GITHUB_STEP_SUMMARY: GitHub
    shows only 10 annotations of each level per step, the run page shows the whole table."""
    import os
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    if not summary_file:
        return
    from ..report.github_format import step_summary
    try:
        with open(summary_file, "a", encoding="utf-8") as fh:
            fh.write(step_summary(result, root))
    except OSError as exc:
        sys.stderr.write(f"k8slint: warning: cannot write $GITHUB_STEP_SUMMARY ({exc.strerror or exc})\n")


def load_config(cli_values: dict, config_file: Optional[Path], no_config: bool = False):
    from ..config import ConfigError, build_config
    if config_file is not None and not config_file.is_file():
        raise Usage(f"--config: no such file: {config_file}")
    try:
        return build_config(cli_values, config_file, search=not no_config)
    except ConfigError as exc:
        raise Usage(str(exc)) from None


def config_file_used(config) -> str | None:
    """The configuration file's path for the summaries (None when the run used none)."""
    return str(config.file) if config.file else None


def lint_options(config, cache: bool = False):
    """The engine's options from the merged configuration; every bad value is a usage error. `cache`: use
    the result cache (lint's --no-cache turns it off; the other commands never use it)."""
    from ..config import PathMatcher
    from ..engine import LintOptions
    from ..model import Severity

    from ..config import where_set

    def at(name: str, option: str):
        return lambda: where_set(config, name, option)

    target = kube_version(config["target-version"], at("target-version", "--kubernetes-version"))
    current = kube_version(config["current-version"], at("current-version", "--current-version")) \
        if config["current-version"] else None
    if current is not None and current > target:
        raise Usage(f"{where_set(config, 'current-version', '--current-version')}: {current} is newer than the "
                    f"target version {target}")
    select, ignore = tuple(config["select"]), tuple(config["ignore"])
    check_rule_patterns(select, at("select", "--select"))
    check_rule_patterns(ignore, at("ignore", "--ignore"))
    severities = {}
    for rule, text in config["severity"].items():
        check_rule_patterns([rule], at("severity", "severity"))
        try:
            severities[rule.upper()] = Severity.parse(text)
        except ValueError as exc:
            raise Usage(f"{where_set(config, 'severity', 'severity')}: severity of {rule}: {exc}") from None
    per_path = config["per-path-ignores"]
    for patterns in per_path.values():
        check_rule_patterns(patterns, at("per-path-ignores", "per-path-ignores"))
    from ..config import MAX_FILE_SIZE_LIMIT
    if not 0 < config["max-file-size"] <= MAX_FILE_SIZE_LIMIT:
        raise Usage(f"{where_set(config, 'max-file-size', '--max-file-size')} must be positive and at most "
                    f"{MAX_FILE_SIZE_LIMIT:,} bytes")
    base = config.base_dir
    path_matcher = PathMatcher(list(per_path), base) if per_path else None

    def path_ignores(file: str) -> tuple:
        return tuple(p for glob in path_matcher.matching(file) for p in per_path[glob])

    crd_files = given_crd_files(config)
    repository_crds = ()
    if config["discover-crds"]:
        from ..repocrds import crd_files as repository_crd_files
        repository_crds = tuple(p for p in repository_crd_files(root_setting(config), exclude_matcher(config))
                                if p not in crd_files)
    try:
        schema_locations = tuple(config["schema-location"])
        if schema_locations:  # (catalog, imported only then, parses them; nothing to check otherwise)
            from ..catalog import check_locations
            check_locations(schema_locations)
    except ValueError as exc:
        raise Usage(f"{where_set(config, 'schema-location', '--schema-location')}: {exc}") from None
    return LintOptions(target=target, current=current, strict=config["strict"], select=select, ignore=ignore,
                       ignore_missing_schemas=config["ignore-missing-schemas"], severity_overrides=severities,
                       crd_files=crd_files, repository_crd_files=repository_crds,
                       max_file_size=config["max-file-size"],
                       path_ignores=path_ignores if per_path else None, schema_locations=schema_locations,
                       cache=cache)


def given_crd_files(config) -> tuple:
    """The files of --crd and the configuration's `crd`: files, directories (walked as lint walks them) and
    globs (`crds/**/*.yaml`). A path that does not exist, or a glob that matches nothing, is a usage error
    naming where it was given."""
    if not config["crd"]:
        return ()
    import glob
    from ..discover import UsageError, discover
    from ..config import where_set

    def where() -> str:
        return where_set(config, "crd", "--crd")

    out = []
    for entry in config["crd"]:
        entry = str(entry)
        if glob.has_magic(entry):
            matches = sorted(glob.glob(entry, recursive=True))
            if not matches:
                raise Usage(f"{where()}: no file matches {entry}")
            out.extend(matches)
        else:
            out.append(entry)
    try:
        return tuple(discover(out))
    except UsageError as exc:
        raise Usage(f"{where()}: {exc}") from None


def root_setting(config):
    """The repository root (see projectroot): --root, the configuration's root, the git top level, the
    configuration's directory, the current directory."""
    from ..projectroot import project_root
    root = config["root"]
    if root is not None and not Path(root).is_dir():
        from ..config import where_set
        raise Usage(f"{where_set(config, 'root', '--root')}: not a directory: {root}")
    return project_root(root, config.file.parent if config.file else None)


def nothing_to_lint(paths, files, resources: int, allow_empty: bool, config, findings=()):
    """YML010 (see engine.nothing_to_lint) for an input without any Kubernetes object, unless deselected or
    already explained by an error about the input (a syntax error, a document without kind: one problem,
    one finding)."""
    if resources:
        return None  # (engine.nothing_to_lint's answer too): the rules are not imported for it
    from ..engine import nothing_to_lint as finding
    from ..model import Severity
    from ..rules import is_enabled
    if not is_enabled("YML010", tuple(config["select"]), tuple(config["ignore"])):
        return None
    if any(str(f.severity) == str(Severity.ERROR) for f in findings):
        return None
    return finding(list(paths), list(files), resources, allow_empty)


def exclude_matcher(config):
    from ..config import PathMatcher
    return PathMatcher(config["exclude"], config.base_dir) if config["exclude"] else None


def jobs_setting(config, files=(), deferred: bool = False):
    """--jobs (or the configured jobs); unset: default_jobs, or engine.AUTO when `deferred` (the engine
    asks default_jobs itself once it has checked its first batch: see engine._run_all)."""
    from ..engine import AUTO, default_jobs
    jobs = config["jobs"]
    if jobs is None:
        return AUTO if deferred else default_jobs(len(files))
    if jobs < 1:
        from ..config import where_set
        raise Usage(f"{where_set(config, 'jobs', '--jobs')} must be at least 1")
    return jobs


def fail_level(config):
    from ..model import Severity
    try:
        return Severity.parse(config["fail-on"])
    except ValueError as exc:
        from ..config import where_set
        raise Usage(f"{where_set(config, 'fail-on', '--fail-on')}: {exc}") from None


def discover_files(paths, config, follow_links: bool = False):
    from ..discover import UsageError, discover
    matcher = exclude_matcher(config)
    try:
        files = discover(paths, matcher, follow_links=follow_links)
    except UsageError as exc:
        raise Usage(str(exc)) from None
    if matcher is not None:
        note_excluded(paths, matcher, config)
    return files


def note_excluded(paths, matcher, config) -> None:
    """Say which files named explicitly the configuration's `exclude` drops: they must not vanish silently
    (pre-commit names every staged file; a file named by hand was probably meant to be read)."""
    from ..config import where_set
    from ..printable import printable
    for raw in paths:
        if raw == "-" or Path(raw).is_dir():
            continue
        globs = matcher.matching(raw)
        if globs:
            sys.stderr.write(printable(f"k8slint: note: {raw} not read: {where_set(config, 'exclude', 'exclude')} "
                                       f"matches it ({', '.join(globs)})\n"))


def repository_settings(root, discover_crds) -> dict:
    """The configuration keys of --root and --discover-crds, None where the user gave none."""
    return {"root": str(root) if root is not None else None, "discover-crds": discover_crds}


def input_settings(select, ignore, ignore_missing_schemas, crd, schema_location, max_file_size) -> dict:
    """The configuration keys of the shared input options, None where the user gave none."""
    return {"select": list(split_values(select)) or None, "ignore": list(split_values(ignore)) or None,
            "ignore-missing-schemas": ignore_missing_schemas, "crd": [str(p) for p in crd] if crd else None,
            "schema-location": list(schema_location) if schema_location else None,
            "max-file-size": max_file_size}
