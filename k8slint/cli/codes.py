"""The exit codes and our usage-error type, without typer or click: the fast path of `lint` (fastlint)
raises and returns them without importing either."""
from __future__ import annotations

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class Usage(Exception):
    """A usage error we raise ourselves; printed as one line, exit code 2."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def format_message(self) -> str:
        return self.message
