"""The typer declarations of the options lint, fix and report share: declared once so that their names and
help stay the same."""
from __future__ import annotations

import typer

FORMAT_HELP = "Output format: text, json, sarif, junit, github (workflow commands) or gitlab (Code Quality)."
CONFIG_HELP = "Configuration file to use instead of searching for .k8slint.yaml or pyproject.toml [tool.k8slint]."


# Options shared by lint, fix and report: declared once so that their names and help stay the same.
PATHS = typer.Argument(..., help="Files, directories (searched for *.yaml, *.yml, *.json) or - for standard "
                                 "input.", show_default=False)
SELECT = typer.Option(None, "--select", help="Only these rule ids or prefixes (comma-separated, repeatable).")
IGNORE = typer.Option(None, "--ignore", help="Skip these rule ids or prefixes (comma-separated, repeatable).")
IGNORE_MISSING_SCHEMAS = typer.Option(None, "--ignore-missing-schemas",
                                      help="Do not report kinds and custom resources without a schema.")
CRD = typer.Option(None, "--crd", help="CRD file, directory or glob whose schemas validate custom resources "
                                       "(repeatable).")
DISCOVER_CRDS = typer.Option(None, "--discover-crds/--no-discover-crds",
                             help="Also validate custom resources against every CRD in the repository (see "
                                  "--root), as a run on the whole repository would; the pre-commit hook does.")
ALLOW_EMPTY = typer.Option(False, "--allow-empty",
                           help="Accept an input without any Kubernetes object (reported as information, not "
                                "as the YML010 error): an empty directory, empty standard input.")
ROOT = typer.Option(None, "--root", help="Repository root: sarif, github and gitlab paths are relative to it and "
                                         "--discover-crds searches it (default: the git top level, else the "
                                         "configuration's directory, else the current directory).")
SCHEMA_LOCATION = typer.Option(
    None, "--schema-location", help="Directory or URL template ({{.Group}}/{{.ResourceKind}}_"
                                    "{{.ResourceAPIVersion}}.json) of JSON schemas for custom resources whose "
                                    "CRD is not in the input (repeatable; tried in order).")
MAX_FILE_SIZE = typer.Option(None, "--max-file-size", help="Refuse files larger than this many bytes (default "
                                                           "16 MiB; see README for the memory it takes).")
JOBS = typer.Option(None, "--jobs", "-j", help="Processes to spread the files over (default: one per "
                                               "idle core, a single process unless two are idle).")
CONFIG = typer.Option(None, "--config", help=CONFIG_HELP)
FOLLOW_LINKS = typer.Option(False, "--follow-links", help="In directories, also follow symbolic links that "
                                                          "lead outside the paths given (default: skip them).")
COLOUR = typer.Option(None, "--color/--no-color", help="Colour the text output (default: only on a terminal).")
OUTPUT = typer.Option(None, "--output", "-o", help="Write the report to this file.")
DOCS_URL = typer.Option(None, "--docs-url", envvar="K8SLINT_DOCS_URL",
                        help="Where the rule pages (docs/rules/ID.md) are published: SARIF rules link to "
                             "URL/ID.md (default: the pages installed with k8slint, as file: URIs; none when "
                             "$CI or $GITHUB_ACTIONS is set, where such a link would name the runner's disk).")
