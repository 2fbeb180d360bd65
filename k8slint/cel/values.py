"""A custom resource's values as the API server hands them to CEL rules: the fields of an object with
declared properties under their escaped names (`namespace` is `__namespace__`), a null field of such an
object absent, numbers as doubles, and strings of format date / date-time / duration / byte as
timestamps, durations and bytes. `converter(schema, names)` gives a function per schema node, or None
where the value goes to CEL unchanged. A rule reaches a field of an object only by naming it (CEL cannot
iterate over or index a typed object), so only the fields whose names the node's rules spell are
converted; the others pass unchanged, out of the rules' reach (most nodes: nothing to pay)."""
from __future__ import annotations

import base64
import binascii
import datetime
import re

from .types import MAX_DEPTH, escape, with_resource_fields

_DURATION_PART = re.compile(r"\s*((?:\d+(?:\.\d*)?|\.\d+))\s*((?:nano|micro|milli)?seconds?|minutes?|hours?|"
                            r"days?|weeks?|ns|us|µs|μs|ms|s|m|h|d|w)")
_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600,
          "d": 86400, "w": 604800}
_DATE_TIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?$")


def parse_duration(text: str):
    """A timedelta for a duration as the API server's format parser reads it (Go units plus d and w, and
    the long names such as `5 minutes`), or None."""
    sign = -1 if text.startswith("-") else 1
    rest, seconds, pos = text.lstrip("+-"), 0.0, 0
    while pos < len(rest):
        match = _DURATION_PART.match(rest, pos)
        if not match:
            return None
        unit = match.group(2)
        seconds += float(match.group(1)) * (_UNITS[unit] if unit in _UNITS else _long_unit(unit))
        pos = match.end()
    if pos == 0:
        return None
    try:
        return datetime.timedelta(seconds=sign * seconds)
    except OverflowError:
        return None


def _long_unit(unit: str) -> float:
    stem = unit.rstrip("s") or unit
    return {"nanosecond": 1e-9, "microsecond": 1e-6, "millisecond": 1e-3, "second": 1, "minute": 60,
            "hour": 3600, "day": 86400, "week": 604800}[stem]


def parse_date_time(text: str):
    match = _DATE_TIME.match(text)
    if not match:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    try:
        tz = datetime.timezone.utc
        if zone and zone not in ("Z", "z"):
            digits = zone[1:].replace(":", "")
            offset = datetime.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
            tz = datetime.timezone(offset if zone[0] == "+" else -offset)
        micro = int((fraction or ".0")[1:7].ljust(6, "0"))
        return datetime.datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0), micro,
                                 tzinfo=tz)
    except ValueError:
        return None


def parse_date(text: str):
    try:
        day = datetime.date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None
    return None if day is None else datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.timezone.utc)


def parse_bytes(text: str):
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


_FORMAT_PARSERS = {"duration": parse_duration, "date-time": parse_date_time, "date": parse_date, "byte": parse_bytes}


def converter(schema, names: frozenset, is_resource: bool = False, depth: int = 0):
    """A function that turns a value of this schema node into what CEL sees, or None for "unchanged";
    `names`: the identifiers the rules use. A value that does not fit its schema is left as it is (the
    schema validation reports it)."""
    if not isinstance(schema, dict) or depth > MAX_DEPTH or schema.get("x-kubernetes-int-or-string") is True:
        return None
    if is_resource:
        schema = with_resource_fields(schema)
    kind = schema.get("type")
    if kind == "number":
        return _to_double
    if kind == "string":
        parse = _FORMAT_PARSERS.get(schema.get("format"))
        return None if parse is None else _parsed(parse)
    if kind == "array":
        items = schema.get("items")
        inner = converter(items, names, _embedded(items), depth + 1)
        return None if inner is None else _each_item(inner)
    if kind != "object":
        return None
    extra = schema.get("additionalProperties")
    if isinstance(extra, dict):
        inner = converter(extra, names, _embedded(extra), depth + 1)
        return None if inner is None else _each_value(inner)
    props = schema.get("properties")
    if not isinstance(props, dict):
        return None
    fields = []
    for name, sub in props.items():
        escaped = escape(name) if isinstance(name, str) else None
        if escaped is None or escaped not in names:
            continue  # out of the rules' reach: passed unchanged
        inner = converter(sub, names, _embedded(sub), depth + 1)
        nullable = isinstance(sub, dict) and sub.get("nullable") is True
        if escaped != name or inner is not None or nullable:
            fields.append((name, escaped, inner))
    return _object(fields) if fields else None


def _embedded(schema) -> bool:
    return isinstance(schema, dict) and schema.get("x-kubernetes-embedded-resource") is True


def _to_double(value):
    return float(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _parsed(parse):
    def convert(value):
        if not isinstance(value, str):
            return value
        parsed = parse(value)
        return value if parsed is None else _cel_value(parsed)
    return convert


def _cel_value(value):
    """The runtime takes timestamps and durations as protobuf messages (a datetime is refused in a dyn)."""
    if isinstance(value, datetime.datetime):
        from google.protobuf import timestamp_pb2
        message = timestamp_pb2.Timestamp()
        message.FromDatetime(value)
        return message
    if isinstance(value, datetime.timedelta):
        from google.protobuf import duration_pb2
        message = duration_pb2.Duration()
        message.FromTimedelta(value)
        return message
    return value


def _each_item(inner):
    def convert(value):
        return [inner(v) for v in value] if isinstance(value, list) else value
    return convert


def _each_value(inner):
    def convert(value):
        return {k: inner(v) for k, v in value.items()} if isinstance(value, dict) else value
    return convert


def _object(fields: list):
    """`fields`: (name, escaped name, converter or None) of the fields the rules name that need a change."""
    def convert(value):
        if not isinstance(value, dict):
            return value
        out = dict(value)
        for name, escaped, inner in fields:
            if name in out:
                item = out.pop(name)
                if item is not None:  # a null field of an object is absent to CEL (has() is false)
                    out[escaped] = item if inner is None else inner(item)
        return out
    return convert
