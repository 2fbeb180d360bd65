"""The body of `k8slint fix`, without typer: the typer command (fix) and the fast path (fastlint) both call
run() with the options' values as typer converts them, and exit with the code it returns.

It takes lint's options (read and checked by the same helpers) plus --write, --diff and --unsafe-fixes.
Without --write it changes nothing and shows the unified diff; the findings that remain (or would remain)
are printed as lint prints them, and the exit code is lint's, computed on those remaining findings.
"""
from __future__ import annotations

import json
import sys

from .codes import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, Usage
from .options import (config_file_used, discover_files, fail_level, input_settings, jobs_setting, lint_options,
                      load_config, nothing_to_lint, repository_settings, root_setting, write_output,
                      write_step_summary)

EXIT_INTERRUPTED = 130


def _ci_result(run, write: bool):
    """What the CI formats show: the files as they are on disk. In a preview that is every problem a fix
    would solve (saying so, with the fix) and the findings that would remain; after --write, what remains."""
    import dataclasses
    from ..model import Finding, Fix
    if write:
        return run.result
    from ..loader import load_text
    fixable, before = [], {}
    for outcome in run.files:
        if outcome.changed and not outcome.write_error:  # its objects as on disk (JUnit lists them)
            before[outcome.file] = [(outcome.file, r.ref) for r in load_text(outcome.before, outcome.file).resources]
        for a in outcome.applied:
            if a.finding is not None:
                fixable.append(dataclasses.replace(a.finding, message=f"{a.finding.message} [would fix: {a.title}]",
                                                   fix=Fix(a.title, [], a.safety), extra=dict(a.finding.extra)))
    objects, listed = [], set()
    for file, ref in run.result.objects:
        if file not in before:
            objects.append((file, ref))
        elif file not in listed:
            listed.add(file)
            objects.extend(before[file])
    return dataclasses.replace(run.result, findings=sorted(fixable + run.result.findings, key=Finding.sort_key),
                               objects=objects)


def _diff(outcome) -> str:
    """The unified diff of a changed file: made where it was fixed (FixOptions.diff), or here."""
    if outcome.diff is not None:
        return outcome.diff
    from ..fixer import unified_diff
    return unified_diff(outcome.file, outcome.before, outcome.after)


def _text_report(run, result_text: str, show_diff: bool, write: bool, current=None) -> str:
    out = []
    if show_diff:
        for outcome in run.files:
            if outcome.changed:
                out.append(_diff(outcome))
    verb = "fixed" if write else "would fix"
    for outcome in run.files:
        if outcome.write_error:
            continue
        for a in outcome.applied:
            label = a.obj.label() if a.obj else ""
            safety = " (unsafe)" if a.safety.value == "unsafe" else ""
            out.append(f"{a.file}:{a.line}:{a.column}: {verb} {a.rule_id} {label}: {a.title}{safety}\n")
            out.extend(f"    - {note}\n" for note in a.notes)
    from ..printable import printable
    # names, notes and diff lines come from input: no terminal escapes (the findings' text is made safe by
    # the text format, which keeps only its own colours)
    return printable("".join(out)) + result_text + _summary(run, write, current) + "\n"


def _interrupted(written: list) -> None:
    """Say which files an interrupted fix --write already rewrote; every other file is as it was."""
    from ..printable import encodable, printable
    names = "".join(f"  {printable(encodable(path))}\n" for path in written)
    sys.stderr.write(f"k8slint: interrupted; {len(written)} file{'s' * (len(written) != 1)} already rewritten, "
                     "every other file unchanged" + (":\n" + names if written else "\n"))


def _waiting(run) -> dict:
    """Cluster version -> how many fixes wait for it (--current-version)."""
    out: dict = {}
    for f in run.result.findings:
        opens = f.extra.get("fix_waits_for")
        if opens:
            out[opens] = out.get(opens, 0) + 1
    return dict(sorted(out.items(), key=lambda kv: tuple(int(p) for p in kv[0].split("."))))


def _summary(run, write: bool, current=None) -> str:
    applied = [a for f in run.files if not f.write_error for a in f.applied]
    files = sum(1 for f in run.files if f.changed and not f.write_error)
    if write and applied:
        text = f"Fixed {len(applied)} problem{'s' * (len(applied) != 1)} in {files} file{'s' * (files != 1)}."
    elif applied:
        text = (f"Would fix {len(applied)} problem{'s' * (len(applied) != 1)} in {files} file{'s' * (files != 1)}; "
                "run with --write to apply.")
    else:
        text = "Nothing to fix."
    if run.unsafe_available:
        text += f" {run.unsafe_available} more fix{'es' * (run.unsafe_available != 1)} available with --unsafe-fixes."
    waiting = _waiting(run)
    if waiting:
        text += " Waiting for a newer cluster: " + ", ".join(
            f"{n} fix{'es' * (n != 1)} from {version}" for version, n in waiting.items()) + "."
    if current is None:
        text += " Assumed nothing about the version the cluster runs now (see --current-version)."
    return text


def _json_report(run, result_json: str, show_diff: bool, write: bool) -> str:
    doc = json.loads(result_json)
    doc["fixes"] = [dict(a.as_dict(), applied=write and not f.write_error and f.written)
                    for f in run.files for a in f.applied]
    doc["files_changed"] = [f.file for f in run.files if f.changed and not f.write_error]
    doc["unsafe_fixes_available"] = run.unsafe_available
    doc["fixes_waiting"] = _waiting(run)
    if show_diff:
        doc["diff"] = "".join(_diff(f) for f in run.files if f.changed)
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def run(paths, kubernetes_version, current_version, strict, write, diff, unsafe_fixes, fmt, output, fail_on,
        select, ignore, ignore_missing_schemas, crd, discover_crds, root, allow_empty, schema_location,
        max_file_size, jobs, config_file, follow_links, colour, docs_url) -> int:
    """fix's body: the exit code (0, 1, 2 when a file could not be written, 130 when interrupted)."""
    from ..fixer import FixOptions, run_fix
    from ..report import FORMATS, render

    if fmt not in FORMATS:
        raise Usage(f"--format: unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
    if write and "-" in paths:
        raise Usage("--write cannot rewrite standard input; give the file instead (or leave out --write)")
    config = load_config({
        "target-version": kubernetes_version, "current-version": current_version, "strict": strict,
        "fail-on": fail_on, "jobs": jobs,
        **input_settings(select, ignore, ignore_missing_schemas, crd, schema_location, max_file_size),
        **repository_settings(root, discover_crds)}, config_file)
    failing_level = fail_level(config)
    options = lint_options(config)
    files = discover_files(paths, config, follow_links)
    show_diff = diff if diff is not None else not write
    try:
        run = run_fix(files, FixOptions(options, unsafe=unsafe_fixes, write=write, jobs=jobs_setting(config, files, deferred=True),
                                        diff=show_diff and fmt in ("json", "text")))
    except KeyboardInterrupt as stop:  # Ctrl-C, SIGTERM, SIGHUP (typer would turn it into a silent 130)
        _interrupted(getattr(stop, "written", []))
        return EXIT_INTERRUPTED
    run.result.config_file = config_file_used(config)
    empty = nothing_to_lint(paths, files, run.result.resources + run.result.kustomizations, allow_empty, config, run.result.findings)
    if empty is not None:
        run.result.findings.append(empty)
    from ..printable import printable
    if fmt == "json":
        report = _json_report(run, render("json", run.result), show_diff, write)
    elif fmt == "text":
        use_colour = colour if colour is not None else (output is None and sys.stdout.isatty())
        report = _text_report(run, render("text", run.result, colour=use_colour), show_diff, write, options.current)
    else:
        shown = _ci_result(run, write)
        report = render(fmt, shown, fail_on=failing_level, root=root_setting(config), docs_url=docs_url)
        if fmt == "github":
            write_step_summary(shown, root_setting(config))
    write_output(report, output)
    if output is not None:  # the report went to a file: say in one line what it holds, so CI logs are not empty
        sys.stderr.write(f"{_summary(run, write, options.current)} (written to {output})\n")
    for left in run.leftovers:  # beside the files given; those given get a YML020 finding
        sys.stderr.write(printable(f"k8slint: warning: {left.message()}\n"))
    failed_writes = [f for f in run.files if f.write_error]
    for f in failed_writes:
        sys.stderr.write(printable(f"k8slint: error: cannot write {f.path} ({f.write_error}); it was left "
                                   "unchanged\n"))
    if failed_writes:
        return EXIT_USAGE
    failing = any(f.severity >= failing_level for f in run.result.findings)
    return EXIT_FINDINGS if failing else EXIT_OK
