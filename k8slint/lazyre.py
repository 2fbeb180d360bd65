"""Regular expressions compiled on first use.

Most module-level patterns are for input a run rarely meets (Helm templates, directives, Windows options, cron
time zones, configuration errors ...); compiling all of them cost every start a few milliseconds, a one-file
lint's most. `lazy(pattern, flags)` stands for `re.compile(pattern, flags)` at the places that only call the
pattern's methods (match, search, finditer, sub ...); the first call compiles it, and from then on those
methods are the compiled pattern's own, looked up as fast as on the pattern itself.
"""
from __future__ import annotations

import re

_FORWARDED = ("match", "fullmatch", "search", "finditer", "findall", "sub", "subn", "split", "scanner",
              "pattern", "flags", "groups", "groupindex")
PATTERNS: list = []  # every lazy pattern made (tests compile them all)


class LazyPattern:
    """re.compile(pattern, flags), compiled when one of its attributes is first looked up."""

    def __init__(self, pattern: str, flags: int = 0):
        self._source = (pattern, flags)
        PATTERNS.append(self)

    def compiled(self) -> re.Pattern:
        compiled = re.compile(*self._source)
        for name in _FORWARDED:  # instance attributes from now on: __getattr__ is not asked again
            setattr(self, name, getattr(compiled, name))
        self.compiled = lambda: compiled
        return compiled

    def __getattr__(self, name: str):
        if name not in _FORWARDED:
            raise AttributeError(name)
        return getattr(self.compiled(), name)

    def __repr__(self) -> str:
        return f"lazy({self._source[0]!r}, {self._source[1]!r})"


def lazy(pattern: str, flags: int = 0) -> LazyPattern:
    return LazyPattern(pattern, flags)
