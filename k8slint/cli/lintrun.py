"""The body of `k8slint lint`, without typer: the typer command (lint) and the fast path (fastlint) both call
run() with the options' values as typer converts them, and exit with the code it returns."""
from __future__ import annotations

import sys

from .codes import EXIT_FINDINGS, EXIT_OK, Usage
from .options import (config_file_used, discover_files, fail_level, input_settings, jobs_setting, lint_options,
                      load_config, nothing_to_lint, repository_settings, root_setting, write_output,
                      write_step_summary)


def run(paths, kubernetes_version, current_version, strict, fmt, output, fail_on, select, ignore,
        ignore_missing_schemas, crd, discover_crds, root, allow_empty, schema_location, max_file_size, jobs,
        config_file, follow_links, colour, docs_url, no_cache) -> int:
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
    options = lint_options(config, cache=not no_cache)
    files = discover_files(paths, config, follow_links)
    result = run_lint(files, options, jobs=jobs_setting(config, files, deferred=True))
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
    return EXIT_FINDINGS if failing else EXIT_OK
