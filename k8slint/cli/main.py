"""The console entry point: registers every command on the app, runs it, and turns usage errors into one
line on stderr and exit code 2.

Exit codes: 0 no finding at or above the failing level, 1 at least one, 2 a usage error (bad option,
missing path, unknown version or rule), 130 interrupted.
"""
from __future__ import annotations

import sys
from typing import Optional

import typer

from . import fix, info, lint, report  # noqa: F401  (each registers its commands on the app)
from .app import EXIT_OK, EXIT_USAGE, app, click_exceptions


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


def main(argv: Optional[list] = None) -> int:
    """Console entry point: runs the app, turns usage errors into one line on stderr and exit code 2."""
    # Documents are refused beyond 128 levels; validators recurse a few frames per level, so give them room.
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 4000))
    _unwind_on_sigterm()
    _tune_garbage_collector()
    try:
        command = typer.main.get_command(app)  # inside: Ctrl-C or SIGTERM while it is built is handled too
        result = command.main(args=argv if argv is not None else sys.argv[1:], prog_name="k8slint",
                              standalone_mode=False)
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
        # values, paths and configuration text are input: no terminal escape of theirs reaches the terminal
        from ..printable import printable
        sys.stderr.write(printable(f"k8slint: error: {message}") + "\n")
        return EXIT_USAGE
    except click_exceptions.ClickException as exc:
        from ..printable import printable
        sys.stderr.write(printable(f"k8slint: error: {' '.join(exc.format_message().split())}") + "\n")
        return EXIT_USAGE
    except (typer.Abort, KeyboardInterrupt):
        sys.stderr.write("k8slint: interrupted\n")
        return 130
    except BrokenPipeError:
        return EXIT_OK
    return result if isinstance(result, int) else EXIT_OK
