"""Plain YAML scalars read the way Kubernetes reads them.

kubectl and the API server turn YAML into JSON with sigs.k8s.io/yaml, a fork of go-yaml v2, which follows
YAML 1.1 for plain (unquoted, untagged) scalars: `yes`, `on`, `y` ... are booleans, `0777` is octal, `1_000`
is an integer, but timestamps such as `2024-01-01` stay strings and `1:20` (sexagesimal in YAML 1.1) is a
string too. This module reproduces go-yaml v2's `resolve()` so that our verdicts match the cluster's.
"""
from __future__ import annotations

import base64
import binascii
import math
import struct

from .lazyre import lazy

MERGE = object()  # marker for the `<<` merge key

# go-yaml v2 resolve.go: the fixed words of its resolve table.
_WORDS: dict = {}
for _words, _value in (
    (("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"), True),
    (("n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"), False),
    (("", "~", "null", "Null", "NULL"), None),
    ((".nan", ".NaN", ".NAN"), math.nan),
    ((".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"), math.inf),
    (("-.inf", "-.Inf", "-.INF"), -math.inf),
):
    for _w in _words:
        _WORDS[_w] = _value
_WORDS["<<"] = MERGE

# The words go-yaml v2 reads as an infinite or NaN float. sigs.k8s.io/yaml then fails to turn them into JSON
# (encoding/json: "unsupported value"), so kubectl refuses the file. A numeral too large for a float64 is
# different: strconv.ParseFloat fails on it and go-yaml keeps it as a string.
NON_FINITE_WORDS = frozenset(w for w, v in _WORDS.items() if isinstance(v, float))
_NULL_WORDS = frozenset(w for w, v in _WORDS.items() if v is None)

# Words YAML 1.2 (ruamel.yaml's default) reads as strings but Kubernetes reads as booleans.
YAML11_ONLY_BOOLEANS = frozenset(w for w, v in _WORDS.items() if isinstance(v, bool)) - {
    "true", "True", "TRUE", "false", "False", "FALSE"}

_GO_FLOAT = lazy(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_DOT_FLOAT = lazy(r"^\.[0-9]+([eE][-+]?[0-9]+)?$")
_INT64_MIN, _UINT64_MAX = -(1 << 63), (1 << 64) - 1
_DIGITS = {16: "0123456789abcdefABCDEF", 8: "01234567", 2: "01", 10: "0123456789"}


def _go_parse_int(text: str):
    """strconv.ParseInt(text, 0, 64) falling back to ParseUint, as go-yaml v2 does; None when not an int."""
    sign, body = 1, text
    if body[:1] in ("+", "-"):
        sign = -1 if body[0] == "-" else 1
        body = body[1:]
    low = body[:2].lower()
    if low == "0x":
        base, digits = 16, body[2:]
    elif low == "0b":
        base, digits = 2, body[2:]
    elif low == "0o":
        base, digits = 8, body[2:]
    elif len(body) > 1 and body[0] == "0":
        base, digits = 8, body[1:]
    else:
        base, digits = 10, body
    if not digits or len(digits.lstrip("0")) > 64 or any(c not in _DIGITS[base] for c in digits):
        return None  # more than 64 digits never fits 64 bits (and int() refuses past 4,300 digits)
    value = sign * int(digits, base)
    if _INT64_MIN <= value <= _UINT64_MAX:
        return value
    return None


def resolve_plain(text: str):
    """The JSON value of a plain (unquoted, untagged) scalar. Returns MERGE for `<<`."""
    if text in _WORDS:
        return _WORDS[text]
    first = text[0]
    if first.isdigit() or first in "+-":
        plain = text.replace("_", "")
        if plain:
            value = _go_parse_int(plain)
            if value is not None:
                return value
            if _GO_FLOAT.match(plain):
                return float(plain)
        return text
    if first == "." and _DOT_FLOAT.match(text):
        return float(text)
    return text


def non_finite_problem(text: str) -> str:
    """What kubectl says of a value go-yaml v2 reads as an infinite or NaN float (see NON_FINITE_WORDS)."""
    value = _WORDS.get(text)
    go_text = "NaN" if value != value else ("+Inf" if value > 0 else "-Inf")
    return (f"{text!r} is a YAML 1.1 float ({go_text}) for Kubernetes, and JSON cannot hold it: kubectl refuses "
            f"the file (error converting YAML to JSON: json: unsupported value: {go_text}); quote it to make "
            f"it a string")


def decode_binary(text: str):
    """The string go-yaml v2 makes of a `!!binary` scalar (base64, line breaks ignored); None when invalid."""
    try:
        data = base64.b64decode(text.replace("\n", "").replace("\r", ""), validate=True)
    except (binascii.Error, ValueError):
        return None
    return data.decode("utf-8", errors="replace")  # encoding/json writes invalid UTF-8 as U+FFFD


def resolve_tagged(tag: str, text: str):
    """A scalar with an explicit standard tag (`!!int 3`). Returns (value, problem or None)."""
    short = tag.rsplit(":", 1)[-1] if tag.startswith("tag:yaml.org,2002:") else tag
    if short == "str":
        return text, None
    if short == "timestamp":  # go-yaml gives a valid one to Kubernetes as its text, and fails on the rest
        if go_timestamp(text):
            return text, None
        return text, f"{text!r} is not a timestamp (cannot decode it as a !!timestamp)"
    if short == "binary":
        value = decode_binary(text)
        if value is None:
            return text, "!!binary value contains invalid base64 data"
        return value, None
    if short == "null":
        if text in _NULL_WORDS:
            return None, None
        return text, f"{text!r} is not null (cannot decode it as a !!null)"
    if short == "bool":
        value = _WORDS.get(text)
        if isinstance(value, bool):
            return value, None
        return text, f"{text!r} is not a boolean"
    if short == "int":
        value = _go_parse_int(text.replace("_", "")) if text else None
        if value is not None:
            return value, None
        return text, f"{text!r} is not an integer"
    if short == "float":
        value = resolve_plain(text) if text else None
        if isinstance(value, (int, float)) and not isinstance(value, bool) and (
                math.isfinite(value) or text in NON_FINITE_WORDS):  # an overflowing numeral is a string
            return float(value), None
        return text, f"{text!r} is not a float"
    return text, f"unsupported tag {tag.replace('tag:yaml.org,2002:', '!!')}"


# go-yaml v2's timestamp layouts (time.Parse): "2006-1-2T15:4:5.999999999Z07:00" (T or t), "2006-1-2
# 15:4:5.999999999" (no zone) and "2006-1-2". Month, day, hour, minute and second take one or two digits.
_TIMESTAMP = lazy(r"(\d{4})-(\d\d?)-(\d\d?)(?:([Tt ])(\d\d?):(\d\d?):(\d\d?)(?:[.,]\d+)?"
                        r"(Z|[+-]\d\d:\d\d)?)?\Z")
_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def go_timestamp(text: str) -> bool:
    """Whether go-yaml v2 accepts `text` as a !!timestamp (its layouts, and the ranges time.Parse checks)."""
    m = _TIMESTAMP.match(text)
    if not m:
        return False
    year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if not 1 <= month <= 12 or not 1 <= day <= _DAYS[month - 1]:
        return False
    if month == 2 and day == 29 and not (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)):
        return False
    if m.group(4) is None:
        return True
    if (m.group(4) == " ") == (m.group(8) is not None):  # T takes a zone, a space none
        return False
    if int(m.group(5)) > 23 or int(m.group(6)) > 59 or int(m.group(7)) > 59:
        return False
    zone = m.group(8)
    return zone in (None, "Z") or (int(zone[1:3]) <= 24 and int(zone[4:6]) <= 60)


def key_text(value) -> str:
    """How sigs.k8s.io/yaml turns a non-string mapping key into a JSON object key."""
    if isinstance(value, str):
        return value
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _go_float32_g(value)
    return str(value)


def _go_float32_g(value: float) -> str:
    """strconv.FormatFloat(key, 'g', -1, 32) with sigs.k8s.io/yaml's names for the non-finite ones: the
    key rounded to a float32, in the fewest digits that round back to it, as an exponent (1e+06, 1e-05)
    when it is below 1e-4 or at least 1e6. So `1.0` is the key "1", `1e3` "1000", `.inf` ".inf"."""
    if math.isnan(value):
        return ".nan"
    try:
        single = struct.unpack("<f", struct.pack("<f", value))[0]
    except OverflowError:  # beyond the largest float32: Go's float32() conversion gives an infinity
        single = math.copysign(math.inf, value)
    if math.isinf(single):
        return ".inf" if single > 0 else "-.inf"
    if single == 0:
        return "-0" if math.copysign(1, single) < 0 else "0"
    for digits in range(1, 10):  # nine significant digits always identify a float32
        text = f"{single:.{digits - 1}e}"
        if struct.unpack("<f", struct.pack("<f", float(text)))[0] == single:
            break
    mantissa, exponent = text.split("e")
    exponent = int(exponent)
    sign = "-" if mantissa.startswith("-") else ""
    figures = mantissa.lstrip("-").replace(".", "").rstrip("0") or "0"
    if exponent < -4 or exponent >= 6:  # 'g' with the shortest digits uses %e from six digits left of the point
        head = figures[0] + ("." + figures[1:] if len(figures) > 1 else "")
        return f"{sign}{head}e{'-' if exponent < 0 else '+'}{abs(exponent):02d}"
    if exponent < 0:
        return f"{sign}0.{'0' * (-exponent - 1)}{figures}"
    whole = figures[:exponent + 1].ljust(exponent + 1, "0")
    rest = figures[exponent + 1:]
    return f"{sign}{whole}" + (f".{rest}" if rest else "")
