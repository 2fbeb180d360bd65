"""String `format`s of CRD schemas as the API server checks them on custom resources (the Go strfmt
registry of kube-openapi): date-time, date, duration, byte, uuid (and uuid3/4/5), hostname, ipv4, ipv6,
cidr, mac, uri, email, hexcolor, rgbcolor, bsonobjectid. Other formats (and `password`) are accepted as
the API server accepts them."""
from __future__ import annotations

import base64
import binascii
import datetime
import ipaddress
import re
from functools import lru_cache
from urllib.parse import urlsplit

# Pattern texts, compiled on first use (_re): most runs check no format at all, and compiling these at
# import cost a one-file lint 1.4 ms.
_DATE = r"^(\d{4})-(\d{2})-(\d{2})$"
_DATE_TIME = r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?$"
_DURATION = (r"^[+-]?(?:(?:\d+(?:\.\d*)?|\.\d+)\s*(?:ns|us|µs|μs|ms|s|m|h|d|w|"
             r"(?:nano|micro|milli)?seconds?|minutes?|hours?|days?|weeks?)\s*)+$")
_UUID = {
    "uuid": (r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I),
    "uuid3": (r"^[0-9a-f]{8}-[0-9a-f]{4}-3[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I),
    "uuid4": (r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", re.I),
    "uuid5": (r"^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", re.I),
}
_HOST_LABEL = r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$"
_MAC = (r"^(?:[0-9A-Fa-f]{2}(?:[:-][0-9A-Fa-f]{2}){5}|[0-9A-Fa-f]{2}(?:[:-][0-9A-Fa-f]{2}){7}|"
        r"[0-9A-Fa-f]{2}(?:[:-][0-9A-Fa-f]{2}){19}|[0-9A-Fa-f]{4}(?:\.[0-9A-Fa-f]{4}){2}|"
        r"[0-9A-Fa-f]{4}(?:\.[0-9A-Fa-f]{4}){3}|[0-9A-Fa-f]{4}(?:\.[0-9A-Fa-f]{4}){9})$")
_EMAIL = r"^[^@\s<>()\[\]\\,;:\"]+@[^@\s<>()\[\]\\,;:\"]+$"
_HEX_COLOR = r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$"
_RGB_COLOR = r"^rgb\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*\)$"
_BSON = r"^[0-9a-fA-F]{24}$"


@lru_cache(maxsize=None)
def _re(text: str, flags: int = 0) -> re.Pattern:
    return re.compile(text, flags)


def _date_ok(y: str, m: str, d: str) -> bool:
    try:
        datetime.date(int(y), int(m), int(d))
    except ValueError:
        return False
    return True


def _date(text: str) -> bool:
    match = _re(_DATE).match(text)
    return bool(match) and _date_ok(*match.groups())


def _date_time(text: str) -> bool:
    match = _re(_DATE_TIME).match(text)
    if not match or not _date_ok(*match.groups()[:3]):
        return False
    hour, minute, second = int(match.group(4)), int(match.group(5)), int(match.group(6) or 0)
    return hour < 24 and minute < 60 and second < 61


def _byte(text: str) -> bool:
    try:
        base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


def _hostname(text: str) -> bool:
    if not text or len(text) > 255:
        return False
    labels = text[:-1].split(".") if text.endswith(".") else text.split(".")
    return all(_re(_HOST_LABEL).match(label) for label in labels)


def _ip(version: int):
    def check(text: str) -> bool:
        try:
            return ipaddress.ip_address(text).version == version
        except ValueError:
            return False
    return check


def _cidr(text: str) -> bool:
    try:
        ipaddress.ip_interface(text)
    except ValueError:
        return False
    return "/" in text


def _uri(text: str) -> bool:
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return (bool(parts.scheme) or text.startswith("/")) and not any(c.isspace() for c in text)


def _rgb(text: str) -> bool:
    match = _re(_RGB_COLOR).match(text)
    return bool(match) and all(int(g) <= 255 for g in match.groups())


CHECKS = {
    "date-time": _date_time, "datetime": _date_time, "date": _date,
    "duration": lambda t: bool(_re(_DURATION).match(t)), "byte": _byte,
    **{name: (lambda t, _p=pattern: bool(_re(*_p).match(t))) for name, pattern in _UUID.items()},
    "hostname": _hostname, "ipv4": _ip(4), "ipv6": _ip(6), "cidr": _cidr,
    "mac": lambda t: bool(_re(_MAC).match(t)), "uri": _uri, "email": lambda t: bool(_re(_EMAIL).match(t)),
    "hexcolor": lambda t: bool(_re(_HEX_COLOR).match(t)), "rgbcolor": _rgb,
    "bsonobjectid": lambda t: bool(_re(_BSON).match(t)),
}


def any_subschema(schema, test, max_depth: int = 200) -> bool:
    """Does `test` hold for the schema or any node below it (properties, items, additionalProperties)?
    Iterative and depth-bounded, so a hostile CRD schema cannot exhaust the stack."""
    stack = [(schema, 0)]
    while stack:
        node, depth = stack.pop()
        if not isinstance(node, dict) or depth > max_depth:
            continue
        if test(node):
            return True
        props = node.get("properties")
        if isinstance(props, dict):
            stack.extend((child, depth + 1) for child in props.values())
        for key in ("items", "additionalProperties"):
            if isinstance(node.get(key), dict):
                stack.append((node[key], depth + 1))
    return False


def checked_formats(schema) -> bool:
    """Does the schema use a format the API server checks?"""
    return any_subschema(schema, lambda node: node.get("format") in CHECKS)


def format_error(value, schema) -> str | None:
    fmt = schema.get("format") if isinstance(schema, dict) else None
    check = CHECKS.get(fmt)
    if check is None or not isinstance(value, str) or schema.get("x-kubernetes-int-or-string"):
        return None
    if check(value):
        return None
    return f"Invalid value: {value!r}: must be of format {fmt}"
