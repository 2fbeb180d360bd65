"""jsonschema-rs, the compiled validator, imported without the standard library's `email` package.

When it loads, jsonschema-rs records its build time, parsing it with email.utils.parsedate_to_datetime; that
one call imports `email` with socket, random, datetime and calendar: about a fifth of a one-file lint (the
pre-commit case), for a date nothing reads. The import here lends it a stand-in `email.utils` whose
parsedate_to_datetime reads that one date format itself, and hands any other text to the real function
(importing it then), so the answer is always the standard library's. The stand-in leaves sys.modules as
soon as the import ends: nothing else can see it.
"""
from __future__ import annotations

import sys
import types

_MONTHS = {m: i for i, m in enumerate(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
                                       "Nov", "Dec"), 1)}


def parsedate_to_datetime(text: str):
    """email.utils.parsedate_to_datetime for `Thu, 12 Nov 2026 07:50:16 +0000` (what a build records); any
    other text is the real function's."""
    try:  # the C module behind datetime (the same classes), without the Python module built around it
        from _datetime import datetime, timedelta, timezone
    except ImportError:  # pragma: no cover - an interpreter without the accelerator
        from datetime import datetime, timedelta, timezone
    parts = text.split() if isinstance(text, str) else ()
    try:
        _, day, month, year, clock, zone = parts
        hour, minute, second = (int(p) for p in clock.split(":"))
        # (-0000 says "no zone known": the real function gives a naive time for it)
        if len(zone) != 5 or zone[0] not in "+-" or not zone[1:].isdigit() or zone == "-0000" \
                or not parts[0].endswith(","):
            raise ValueError(zone)
        offset = timedelta(hours=int(zone[1:3]), minutes=int(zone[3:]))
        return datetime(int(year), _MONTHS[month], int(day), hour, minute, second,
                        tzinfo=timezone(-offset if zone[0] == "-" else offset))
    except (ValueError, KeyError):
        return _real_email_utils().parsedate_to_datetime(text)


def _real_email_utils():
    if isinstance(sys.modules.get("email.utils"), _StandIn):
        del sys.modules["email.utils"]
    import email.utils
    return email.utils


class _StandIn(types.ModuleType):
    """The `email.utils` jsonschema-rs sees while it loads; any name but parsedate_to_datetime is the
    real module's."""

    def __getattr__(self, name: str):
        return getattr(_real_email_utils(), name)


def load():
    """The jsonschema_rs module (ImportError when it is not installed)."""
    if "jsonschema_rs" in sys.modules or "email.utils" in sys.modules:
        import jsonschema_rs
        return jsonschema_rs
    stand_in = _StandIn("email.utils")
    stand_in.parsedate_to_datetime = parsedate_to_datetime
    sys.modules["email.utils"] = stand_in
    try:
        import jsonschema_rs
    finally:
        if sys.modules.get("email.utils") is stand_in:
            del sys.modules["email.utils"]
    return jsonschema_rs
