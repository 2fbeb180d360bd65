"""The fast path of `k8slint lint` and `k8slint fix`: reads the arguments of the common calls (a pre-commit
hook's, a CI job's) without typer and click, whose import and command building cost about as much as linting
one file.

parse() answers only for argument lists it reads exactly as typer would, into the same values typer passes
to the command; for anything else (help, a typo, a missing value, `-k1.30`, `--`, a value that looks like an
option, completion, the environment variable of --docs-url) it answers None and main runs typer, so every
message and exit code stays typer's. tests/test_fastlint.py compares both over a matrix of argument lists and
checks these tables against the typer declarations in lint.py and fix.py.
"""
from __future__ import annotations

import os

# what an option takes: a string, a whole number, a path, a string that may repeat, or no value (a flag)
STR, INT, PATH, MULTI, TRUE, FALSE = "str", "int", "path", "multi", "true", "false"

OPTIONS = {
    "--kubernetes-version": ("kubernetes_version", STR), "-k": ("kubernetes_version", STR),
    "--target-version": ("kubernetes_version", STR),
    "--current-version": ("current_version", STR),
    "--strict": ("strict", TRUE), "--no-strict": ("strict", FALSE),
    "--format": ("fmt", STR), "-f": ("fmt", STR),
    "--output": ("output", PATH), "-o": ("output", PATH),
    "--fail-on": ("fail_on", STR),
    "--select": ("select", MULTI),
    "--ignore": ("ignore", MULTI),
    "--ignore-missing-schemas": ("ignore_missing_schemas", TRUE),
    "--crd": ("crd", MULTI),
    "--discover-crds": ("discover_crds", TRUE), "--no-discover-crds": ("discover_crds", FALSE),
    "--root": ("root", PATH),
    "--allow-empty": ("allow_empty", TRUE),
    "--schema-location": ("schema_location", MULTI),
    "--max-file-size": ("max_file_size", INT),
    "--jobs": ("jobs", INT), "-j": ("jobs", INT),
    "--config": ("config_file", PATH),
    "--follow-links": ("follow_links", TRUE),
    "--color": ("colour", TRUE), "--no-color": ("colour", FALSE),
    "--docs-url": ("docs_url", STR),
    "--no-cache": ("no_cache", TRUE),
}

DEFAULTS = {
    "kubernetes_version": None, "current_version": None, "strict": None, "fmt": "text", "output": None,
    "fail_on": None, "select": None, "ignore": None, "ignore_missing_schemas": None, "crd": None,
    "discover_crds": None, "root": None, "allow_empty": False, "schema_location": None, "max_file_size": None,
    "jobs": None, "config_file": None, "follow_links": False, "colour": None, "docs_url": None,
    "no_cache": False,
}

# fix takes lint's options but --no-cache, and its own three (fix.py declares them)
FIX_OPTIONS = {**{k: v for k, v in OPTIONS.items() if k != "--no-cache"},
               "--write": ("write", TRUE), "--diff": ("diff", TRUE), "--no-diff": ("diff", FALSE),
               "--unsafe-fixes": ("unsafe_fixes", TRUE)}
FIX_DEFAULTS = {**{k: v for k, v in DEFAULTS.items() if k != "no_cache"},
                "write": False, "diff": None, "unsafe_fixes": False}

# set, they change what typer does (shell completion, --docs-url's default): typer reads them
TYPER_ENVIRONMENT = ("_K8SLINT_COMPLETE", "K8SLINT_DOCS_URL")


def parse(args: list) -> dict | None:
    """lintrun.run's keyword arguments for `lint ...` as typer would convert them, or None: run typer."""
    return _parse(args, "lint", OPTIONS, DEFAULTS)


def parse_fix(args: list) -> dict | None:
    """fixrun.run's keyword arguments for `fix ...` as typer would convert them, or None: run typer."""
    return _parse(args, "fix", FIX_OPTIONS, FIX_DEFAULTS)


def _parse(args: list, command: str, options: dict, defaults: dict) -> dict | None:
    if not args or args[0] != command or any(name in os.environ for name in TYPER_ENVIRONMENT):
        return None
    values = dict(defaults)
    paths = []
    rest = iter(args[1:])
    for arg in rest:
        if arg == "-" or (arg and not arg.startswith("-")):
            paths.append(arg)
            continue
        name, attached = arg, None
        if arg.startswith("--") and "=" in arg:
            name, attached = arg.split("=", 1)
        known = options.get(name)
        if known is None:
            return None  # help, a typo, `--`, `-k1.30`, an empty argument: typer's own answer
        dest, kind = known
        if kind in (TRUE, FALSE):
            if attached is not None:
                return None  # a flag given a value: typer's error
            values[dest] = kind == TRUE
            continue
        value = attached if attached is not None else next(rest, None)
        if value is None or (attached is None and value.startswith("-")):
            return None  # no value, or one typer might read differently (`-o -`): typer decides
        if kind == INT:
            if not (value.isascii() and value.isdigit()):
                return None  # typer's conversion and its error
            values[dest] = int(value)
        elif kind == PATH:
            if not _path_as_typer_accepts(value):
                return None
            from pathlib import Path
            values[dest] = Path(value)
        elif kind == MULTI:
            values[dest] = (values[dest] or []) + [value]
        else:
            values[dest] = value
    if not paths:
        return None  # typer says the argument is missing
    values["paths"] = paths
    return values


def _path_as_typer_accepts(value: str) -> bool:
    """typer's path type refuses a path that exists but cannot be read (click.Path(readable=True))."""
    try:
        os.stat(value)
    except OSError:
        return True
    except ValueError:
        return False  # a NUL byte: whatever click does with it, it does it
    return os.access(value, os.R_OK)
