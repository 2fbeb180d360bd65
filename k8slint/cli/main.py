"""The console entry point: registers every command on the app, runs it, and turns usage errors into one
line on stderr and exit code 2.

Exit codes: 0 no finding at or above the failing level, 1 at least one, 2 a usage error (bad option,
missing path, unknown version or rule), 130 interrupted.
"""
from __future__ import annotations

import sys
from typing import NoReturn, Optional

from .codes import EXIT_OK, EXIT_USAGE, Usage


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
        if hasattr(signal, "SIGHUP"):  # a closed terminal or ssh session: unwind too, no temporary file left
            signal.signal(signal.SIGHUP, interrupt)


def exit_now(code: int) -> NoReturn:
    """End the program with `code` without tearing the interpreter down: freeing every module, rule table
    and schema one object at a time costs ~13 ms of a one-file lint (a tenth of it), and the OS takes the
    memory back at once anyway. What Python would still do at exit is done first (buffered output flushed,
    atexit functions run); with other threads alive, a profiler or tracer running, or output that cannot be
    flushed, the normal exit."""
    import atexit
    import os
    import threading

    if threading.active_count() > 1 or sys.getprofile() is not None or sys.gettrace() is not None:
        sys.exit(code)  # a profiler or coverage tool writes its results after the program returns
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        sys.exit(code)  # Python's own exit reports it, as it always did
    atexit._run_exitfuncs()
    os._exit(code)


def _app_for(args: list):
    """The app with only the command `args` names, when it names one: typer builds the click command of
    every registered command and option before running any (~10 ms of a one-file lint); the one that runs
    is built exactly as it would be in the full app. Anything else (root options, help, a typo) gets the
    full app, so its help and errors are unchanged."""
    import copy

    import typer

    from . import fix, info, lint, report  # noqa: F401  (each registers its commands on the app)
    from .app import app
    if args and not args[0].startswith("-"):
        for info in app.registered_commands:
            if (info.name or typer.main.get_command_name(info.callback.__name__)) == args[0]:
                only = copy.copy(app)
                only.registered_commands = [info]
                return only
    return app


def main(argv: Optional[list] = None) -> int:
    """Console entry point: runs the app, turns usage errors into one line on stderr and exit code 2."""
    # Documents are refused beyond 128 levels; validators recurse a few frames per level, so give them room.
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 4000))
    _unwind_on_sigterm()
    _tune_garbage_collector()
    try:
        args = list(argv if argv is not None else sys.argv[1:])
        from .fastlint import parse, parse_fix
        values = parse(args)
        if values is not None:
            from .lintrun import run
            return _run_fast(run, values)
        values = parse_fix(args)
        if values is not None:
            from .fixrun import run
            return _run_fast(run, values)
        return _run_typer(args)
    except Usage as exc:  # ours, from a command's body on either path
        return _usage_error(" ".join(exc.format_message().split()))
    except KeyboardInterrupt:
        sys.stderr.write("k8slint: interrupted\n")
        return 130


def _usage_error(message: str) -> int:
    # values, paths and configuration text are input: no terminal escape of theirs reaches the terminal
    from ..printable import printable
    sys.stderr.write(printable(f"k8slint: error: {message}") + "\n")
    return EXIT_USAGE


def _run_fast(run, values: dict) -> int:
    """A command's body (lintrun.run, fixrun.run) on arguments fastlint read, its exceptions answered as
    typer's main (typer.core._main) and _run_typer answer them."""
    try:
        return run(**values)
    except EOFError:
        sys.stderr.write("\n")  # typer echoes a newline, then aborts
        raise KeyboardInterrupt from None
    except KeyboardInterrupt:
        return 130  # typer turns it into a silent exit 130
    except OSError as exc:
        import errno
        if exc.errno != errno.EPIPE:
            raise
        try:  # typer >= 0.22 vendors click as typer._click
            from typer._click.utils import PacifyFlushWrapper
        except ImportError:  # pragma: no cover - depends on the installed typer
            from click.utils import PacifyFlushWrapper
        sys.stdout, sys.stderr = PacifyFlushWrapper(sys.stdout), PacifyFlushWrapper(sys.stderr)
        sys.exit(1)


def _run_typer(args: list) -> int:
    """Every command and argument list: typer parses them and runs the command."""
    import typer

    from .app import click_exceptions
    try:
        command = typer.main.get_command(_app_for(args))  # inside: Ctrl-C or SIGTERM while built is handled
        result = command.main(args=args, prog_name="k8slint", standalone_mode=False)
    except typer.Exit as exc:
        return exc.exit_code
    except click_exceptions.UsageError as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":  # `k8slint` alone: show the help
            sys.stdout.write(exc.format_message() + "\n")
            return EXIT_OK
        if isinstance(exc, click_exceptions.NoSuchOption):  # our own words: click's wording changes between releases
            close = sorted(getattr(exc, "possibilities", None) or ())
            message = f"no such option {exc.option_name}" + (f" (did you mean {' or '.join(close)}?)" if close else "")
        else:
            message = " ".join(exc.format_message().split())
        return _usage_error(message)
    except click_exceptions.ClickException as exc:
        return _usage_error(' '.join(exc.format_message().split()))
    except typer.Abort:
        sys.stderr.write("k8slint: interrupted\n")
        return 130
    except BrokenPipeError:
        return EXIT_OK
    return result if isinstance(result, int) else EXIT_OK
