"""`python -m k8slint ...` and the `k8slint` command: run the command line.

The command line's modules are imported inside run(), so that Ctrl-C (or SIGTERM) arriving while Python is
still importing them ends the process quietly with exit code 130, not with a traceback."""
import sys


def run() -> int:
    import signal
    import threading

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    try:
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, interrupt)  # unwind like Ctrl-C from the first moment
        from .cli.main import exit_now, main
        code = main()  # inside the try: a signal between the import and main's own handler is quiet too
    except KeyboardInterrupt:
        sys.stderr.write("k8slint: interrupted\n")
        return 130
    if sys._getframe(1).f_globals.get("__name__") == "__main__":  # the program itself (console script, -m)
        exit_now(code)  # skips the interpreter's teardown, a tenth of a one-file lint
    return code


if __name__ == "__main__":
    sys.exit(run())
