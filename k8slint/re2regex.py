"""Regular expressions of CRD schemas (`pattern`), matched as the API server matches them: RE2 syntax and
linear-time matching (Go's regexp is RE2), so a hostile pattern can neither hang the run nor mean something
else than it means to the cluster."""
from __future__ import annotations

from functools import lru_cache

_OPTIONS = None


class RegexError(ValueError):
    pass


def _re2():
    global _OPTIONS
    import re2  # imported on the first pattern: most runs match none
    if _OPTIONS is None:
        options = re2.Options()
        options.log_errors = False  # RE2 would print every syntax error on stderr
        _OPTIONS = options
    return re2


@lru_cache(maxsize=4096)
def compile_re2(pattern: str):
    re2 = _re2()
    try:
        return re2.compile(pattern, options=_OPTIONS)
    except Exception as exc:  # re2.error: syntax RE2 (and so the API server) does not accept
        detail = exc.args[0] if exc.args else exc
        if isinstance(detail, bytes):
            detail = detail.decode("utf-8", "replace")
        raise RegexError(str(detail)) from None


def re2_error(pattern: str) -> str | None:
    """Why RE2 refuses `pattern`, or None when it compiles."""
    try:
        compile_re2(pattern)
    except RegexError as exc:
        return str(exc)
    return None


def search(pattern: str, text: str) -> bool:
    return compile_re2(pattern).search(text) is not None


# jsonschema keyword functions: `pattern` and `patternProperties` matched with RE2 instead of Python's re
# (which backtracks: `^(a+)+$` on a long value never ends). For every schema that comes from input.

def pattern_keyword(validator, pattern, instance, schema):
    """`pattern` as the API server (Go's RE2) matches it: linear time, RE2 syntax."""
    if validator.is_type(instance, "string") and not search(pattern, instance):
        from jsonschema import ValidationError
        shown = repr(instance)
        shown = shown if len(shown) <= 80 else shown[:76] + "...'"  # one line, whatever the value's size
        yield ValidationError(f"{shown} does not match {pattern!r}")


def pattern_properties_keyword(validator, patterns, instance, schema):
    if not validator.is_type(instance, "object"):
        return
    for pattern, subschema in patterns.items():
        for key, value in instance.items():
            if search(pattern, key):
                yield from validator.descend(value, subschema, path=key, schema_path=pattern)


RE2_KEYWORDS = {"pattern": pattern_keyword, "patternProperties": pattern_properties_keyword}
