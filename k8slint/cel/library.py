"""The Kubernetes CEL libraries (lists, sets, regex, URLs, quantities, IP addresses and CIDRs, semver, format)
as CEL functions. Values of the library types (a URL, a quantity, ...) travel through CEL as
small tagged maps."""
from __future__ import annotations

import ipaddress
import re
from datetime import datetime, timedelta
from fractions import Fraction
from urllib.parse import parse_qs, urlsplit

from .. import apisyntax as syntax
from .. import schemaformats as formats
from ..re2regex import compile_re2

TAG = "__k8slint_type"


class LibraryError(ValueError):
    """A library function refused its argument (the API server's rule evaluation error)."""


def _tagged(kind: str, value: str) -> dict:
    return {TAG: kind, "value": value}


def _untag(value, kind: str) -> str:
    if isinstance(value, dict) and value.get(TAG) == kind:
        return value["value"]
    raise LibraryError(f"expected a {kind}")


# -- lists ---------------------------------------------------------------------------------------------

def is_sorted(items) -> bool:
    return all(items[i] <= items[i + 1] for i in range(len(items) - 1))


def list_sum(items):
    return sum(items) if items else 0


def list_min(items):
    if not items:
        raise LibraryError("min called on empty list")
    return min(items)


def list_max(items):
    if not items:
        raise LibraryError("max called on empty list")
    return max(items)


def index_of(items, value) -> int:
    """A list's first index of an element (CEL equality), or a string's of a substring, in code points."""
    if isinstance(items, str):
        return items.find(value)
    for i, item in enumerate(items):
        if cel_equal(item, value):
            return i
    return -1


def includes(target, value) -> bool:
    """A list holds an element equal to value, or a value other than a list is equal to it (CEL equality)."""
    if isinstance(target, list):
        return any(cel_equal(item, value) for item in target)
    return cel_equal(target, value)


def last_index_of(items, value) -> int:
    if isinstance(items, str):
        return items.rfind(value)
    for i in range(len(items) - 1, -1, -1):
        if cel_equal(items[i], value):
            return i
    return -1


# -- the lists extension (cel-go ext.Lists at version 3: slice, flatten, sort, reverse, distinct, lists.range) --

_COMPARABLE = (bool, int, float, str, bytes, datetime, timedelta)
MAX_RANGE = 10_000_000  # the most lists.range allocates


def list_slice(items, start: int, end: int) -> list:
    if start < 0 or end < 0:
        raise LibraryError(f"cannot slice({start}, {end}), negative indexes not supported")
    if start > end:
        raise LibraryError(f"cannot slice({start}, {end}), start index must be less than or equal to end index")
    if len(items) < end:
        raise LibraryError(f"cannot slice({start}, {end}), list is length {len(items)}")
    return list(items[start:end])


def list_flatten(items, depth: int = 1) -> list:
    if depth < 0:
        raise LibraryError("level must be non-negative")
    out: list = []
    for item in items:
        if isinstance(item, (list, tuple)) and depth > 0:
            out.extend(list_flatten(item, depth - 1))
        else:
            out.append(item)
    return out


def list_sort(items) -> list:
    return sort_by_keys(items, items)


def sort_by_keys(items, keys) -> list:
    """The items in the order of their keys, which must be of one comparable type (CEL's: an int and a
    double differ, a bool is no int)."""
    if len(items) != len(keys):
        raise LibraryError(f"@sortByAssociatedKeys() expected a list of the same size as the associated keys list, "
                           f"but got {len(items)} and {len(keys)} elements respectively")
    if not items:
        return []
    if not isinstance(keys[0], _COMPARABLE):
        raise LibraryError("list elements must be comparable")
    kind = type(keys[0])
    if len(keys) > 1 and any(type(key) is not kind for key in keys):
        raise LibraryError("list elements must have the same type")
    order = sorted(range(len(items)), key=lambda i: keys[i])
    return [items[i] for i in order]


def list_reverse(items) -> list:
    return list(reversed(items))


def list_distinct(items) -> list:
    out: list = []
    for item in items:
        if not _has(out, item):
            out.append(item)
    return out


def lists_range(n: int) -> list:
    if n < 0:
        raise LibraryError(f"lists.range: size must be non-negative, got {n}")
    if n > MAX_RANGE:
        raise LibraryError(f"lists.range: size {n} exceeds maximum allowed ({MAX_RANGE})")
    return list(range(n))


# -- the two-variable comprehensions' helpers (see comprehensions.py) -----------------------------------------

def indexes_or_keys(value) -> list:
    return list(range(len(value))) if isinstance(value, (list, tuple)) else list(value)


def to_map(keys, values) -> dict:
    return dict(zip(keys, values))


def merge_maps(maps) -> dict:
    """transformMapEntry's result: the maps each step gave, a key given twice an error as upstream."""
    out: dict = {}
    for entry in maps:
        if not isinstance(entry, dict):
            raise LibraryError("transformMapEntry: the expression must give a map")
        for key, value in entry.items():
            if key in out:
                raise LibraryError(f"insert failed: key {key} already exists")
            out[key] = value
    return out


# -- sets (the cel-go sets extension: lists compared as sets, with CEL's equality) ---------------------------

def cel_equal(a, b) -> bool:
    """CEL's heterogeneous equality: numbers compare by value across int, uint and double, a bool equals
    only a bool (Python's True == 1 does not hold in CEL), lists and maps compare element by element."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(cel_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(cel_equal(a[k], b[k]) for k in a)
    if isinstance(a, (bytes, bytearray)) and isinstance(b, (bytes, bytearray)):
        return bytes(a) == bytes(b)
    return type(a) is type(b) and a == b


def _has(items, value) -> bool:
    return any(cel_equal(item, value) for item in items)


def sets_contains(items, subset) -> bool:
    return all(_has(items, value) for value in subset)


def sets_equivalent(a, b) -> bool:
    return sets_contains(a, b) and sets_contains(b, a)


def sets_intersects(a, b) -> bool:
    return any(_has(a, value) for value in b)


# -- regex (RE2, like everything the API server matches) ------------------------------------------------

def find(text: str, pattern: str) -> str:
    match = compile_re2(pattern).search(text)
    return match.group(0) if match else ""


def find_all(text: str, pattern: str, limit: int = -1) -> list:
    out = [m.group(0) for m in compile_re2(pattern).finditer(text)]
    return out if limit < 0 else out[:limit]


# -- URLs ----------------------------------------------------------------------------------------------

def _parse_url(text: str):
    parts = urlsplit(text)
    if not (parts.scheme or text.startswith("/")) or " " in text:
        raise LibraryError(f"URL {text!r} is not an absolute URI or an absolute path")
    return parts


def is_url(text: str) -> bool:
    try:
        _parse_url(text)
    except (LibraryError, ValueError):
        return False
    return True


def url(text: str) -> dict:
    try:
        _parse_url(text)
    except ValueError as exc:
        raise LibraryError(f"URL parse error during conversion from string: {exc}") from None
    return _tagged("url", text)


def url_part(value, part: str):
    parts = urlsplit(_untag(value, "url"))
    if part == "scheme":
        return parts.scheme
    if part == "host":
        return parts.netloc.rsplit("@", 1)[-1]
    if part == "hostname":
        host = parts.netloc.rsplit("@", 1)[-1]
        if host.startswith("["):
            return host[1:host.index("]")] if "]" in host else host
        return host.rsplit(":", 1)[0] if ":" in host else host
    if part == "port":
        host = parts.netloc.rsplit("@", 1)[-1]
        tail = host.rsplit("]", 1)[-1]
        return tail.rsplit(":", 1)[1] if ":" in tail else ""
    if part == "path":
        return parts.path
    return {k: v for k, v in parse_qs(parts.query, keep_blank_values=True).items()}  # query


# -- quantities (resource.Quantity) ---------------------------------------------------------------------

_QUANTITY = re.compile(r"^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|"
                       r"[eE][+-]?[0-9]+)?$")
_SUFFIX = {"Ki": 2 ** 10, "Mi": 2 ** 20, "Gi": 2 ** 30, "Ti": 2 ** 40, "Pi": 2 ** 50, "Ei": 2 ** 60,
           "n": Fraction(1, 10 ** 9), "u": Fraction(1, 10 ** 6), "m": Fraction(1, 1000), "k": 10 ** 3,
           "M": 10 ** 6, "G": 10 ** 9, "T": 10 ** 12, "P": 10 ** 15, "E": 10 ** 18}


def quantity_value(text: str) -> Fraction:
    match = _QUANTITY.match(text) if isinstance(text, str) and len(text) <= 64 else None
    if not match:
        raise LibraryError(f"quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*"
                           f"[-+]?[0-9]*)$': {text!r}")
    number, suffix = Fraction(match.group(1)), match.group(2) or ""
    if suffix[:1] in ("e", "E"):
        exponent = int(suffix[1:])
        if abs(exponent) > 30:
            raise LibraryError(f"quantity {text!r} is out of range")
        return number * Fraction(10) ** exponent
    return number * _SUFFIX.get(suffix, 1)


def is_quantity(text: str) -> bool:
    try:
        quantity_value(text)
    except LibraryError:
        return False
    return True


def quantity(text: str) -> dict:
    quantity_value(text)
    return _tagged("quantity", text)


def _q(value) -> Fraction:
    if isinstance(value, int):
        return Fraction(value)
    return quantity_value(_untag(value, "quantity"))


def _from_fraction(value: Fraction) -> dict:
    if value.denominator == 1:
        return _tagged("quantity", str(value.numerator))
    return _tagged("quantity", f"{int(value * 10 ** 9)}n")


def quantity_op(op: str, a, b=None):
    x = _q(a)
    if op == "sign":
        return (x > 0) - (x < 0)
    if op == "isInteger":
        return x.denominator == 1 and -2 ** 63 <= x < 2 ** 63
    if op == "asInteger":
        if x.denominator != 1 or not -2 ** 63 <= x < 2 ** 63:
            raise LibraryError("cannot convert value to integer")
        return int(x)
    if op == "asApproximateFloat":
        return float(x)
    y = _q(b)
    if op == "add":
        return _from_fraction(x + y)
    if op == "sub":
        return _from_fraction(x - y)
    if op == "isGreaterThan":
        return x > y
    if op == "isLessThan":
        return x < y
    return (x > y) - (x < y)  # compareTo


# -- IP addresses and CIDRs -----------------------------------------------------------------------------

def _ip(text: str):
    if "%" in text:
        raise LibraryError(f"IP address with zone value is not allowed: {text!r}")
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        raise LibraryError(f"IP Address {text!r} parse error during conversion from string") from None
    if address.version == 6 and address.ipv4_mapped is not None:
        raise LibraryError(f"IPv4-mapped IPv6 address {text!r} is not allowed")
    return address


def is_ip(text: str) -> bool:
    try:
        _ip(text)
    except LibraryError:
        return False
    return True


def ip_is_canonical(text: str) -> bool:
    """Whether the address is written in its canonical form (lower case, RFC 5952 zero compression); an
    error for what is not an address, as ip() has it."""
    return str(_ip(text)) == text


def ip(text: str) -> dict:
    return _tagged("ip", str(_ip(text)))


def ip_op(op: str, value):
    address = ipaddress.ip_address(_untag(value, "ip"))
    if op == "family":
        return address.version
    if op == "isUnspecified":
        return address.is_unspecified
    if op == "isLoopback":
        return address.is_loopback
    if op == "isLinkLocalMulticast":
        return address.is_multicast and (address in ipaddress.ip_network("224.0.0.0/24") if address.version == 4
                                         else address in ipaddress.ip_network("ff02::/16"))
    if op == "isLinkLocalUnicast":
        return address.is_link_local and not address.is_multicast
    if op == "isGlobalUnicast":
        return not (address.is_unspecified or address.is_loopback or address.is_multicast or address.is_link_local
                    or (address.version == 4 and address == ipaddress.ip_address("255.255.255.255")))
    return str(address)


def _cidr(text: str):
    if "/" not in text:
        raise LibraryError(f"network address {text!r} parse error during conversion from string")
    _ip(text.split("/", 1)[0])
    try:
        return ipaddress.ip_interface(text)
    except ValueError:
        raise LibraryError(f"network address {text!r} parse error during conversion from string") from None


def is_cidr(text: str) -> bool:
    try:
        _cidr(text)
    except LibraryError:
        return False
    return True


def cidr(text: str) -> dict:
    _cidr(text)
    return _tagged("cidr", text)


def cidr_op(op: str, value, other=None):
    interface = ipaddress.ip_interface(_untag(value, "cidr"))
    network = interface.network
    if op == "prefixLength":
        return network.prefixlen
    if op == "ip":
        return _tagged("ip", str(interface.ip))
    if op == "masked":
        return _tagged("cidr", str(network))
    if op == "containsIP":
        address = _ip(other) if isinstance(other, str) else ipaddress.ip_address(_untag(other, "ip"))
        return address.version == network.version and address in network
    other_net = (_cidr(other) if isinstance(other, str) else ipaddress.ip_interface(_untag(other, "cidr"))).network
    return other_net.version == network.version and other_net.subnet_of(network)  # containsCIDR


# -- semver ---------------------------------------------------------------------------------------------

_SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?(?:\+([0-9A-Za-z.-]+))?$")


def _semver(text: str):
    match = _SEMVER.match(text) if isinstance(text, str) else None
    if not match:
        raise LibraryError(f"could not parse {text!r} as semver")
    return int(match.group(1)), int(match.group(2)), int(match.group(3)), match.group(4) or ""


def normalized_semver(text: str) -> str:
    """semver(s, true)'s normalization: no leading "v", no leading zeros, missing minor and patch as 0."""
    parts = text[1:].split(".", 2) if text.startswith("v") else text.split(".", 2)
    for i, part in enumerate(parts):
        if len(part) > 1:
            part = part.lstrip("0")
            parts[i] = part if part[:1].isdigit() and part[:1].isascii() else "0" + part
    if len(parts) < 3:
        if any(c in parts[-1] for c in "+-"):
            raise LibraryError("short version cannot contain PreRelease/Build meta data")
        parts += ["0"] * (3 - len(parts))
    return ".".join(parts)


def is_semver(text: str, normalize: bool = False) -> bool:
    try:
        semver(text, normalize)
    except LibraryError:
        return False
    return True


def semver(text: str, normalize: bool = False) -> dict:
    if normalize:
        text = normalized_semver(text)
    _semver(text)
    return _tagged("semver", text)


def _semver_key(value):
    major, minor, patch, pre = _semver(_untag(value, "semver"))
    return (major, minor, patch, pre == "", tuple(int(p) if p.isdigit() else p for p in pre.split(".")) if pre else ())


def semver_op(op: str, a, b=None):
    major, minor, patch, _pre = _semver(_untag(a, "semver"))
    if op == "major":
        return major
    if op == "minor":
        return minor
    if op == "patch":
        return patch
    x, y = _semver_key(a), _semver_key(b)
    if op == "isGreaterThan":
        return x > y
    if op == "isLessThan":
        return x < y
    return (x > y) - (x < y)


# -- format (named string validations; `validate` gives the API server's messages) ----------------------
# An optional cannot come back from a Python function in this runtime: the functions give a list of at
# most one element, and the calls are rewritten to index it with `[?0]` (see env.with_format_calls).

def _prefix(check):
    """A name prefix (generateName): a trailing dash is masked as the API server masks it."""
    return lambda text: check(text[:-2] + "a" if len(text) > 1 and text.endswith("-") else text)


def _uri_errors(text: str) -> list:
    # Go's url.ParseRequestURI: an absolute URI or an absolute path, no spaces or control characters
    parts_ok = formats.CHECKS["uri"](text) and not any(ord(c) < 0x20 or c == "\x7f" for c in text)
    return [] if parts_ok else [f'parse "{text}": invalid URI for request']


def _named_check(fmt: str, message: str):
    return lambda text: [] if formats.CHECKS[fmt](text) else [message]


FORMATS = {
    "dns1123Label": syntax.dns1123_label, "dns1123Subdomain": syntax.dns1123_subdomain,
    "dns1035Label": syntax.dns1035_label, "qualifiedName": syntax.qualified_name,
    "dns1123LabelPrefix": _prefix(syntax.dns1123_label), "dns1123SubdomainPrefix": _prefix(syntax.dns1123_subdomain),
    "dns1035LabelPrefix": _prefix(syntax.dns1035_label), "labelValue": syntax.label_value,
    "uri": _uri_errors, "uuid": _named_check("uuid", "does not match the UUID format"),
    "byte": _named_check("byte", "invalid base64"), "date": _named_check("date", "invalid date"),
    "datetime": _named_check("datetime", "invalid datetime"),
}


def format_constant(name: str) -> dict:
    return _tagged("format", name)


def format_named(name: str) -> list:
    return [format_constant(name)] if name in FORMATS else []


def format_validate(fmt, text: str) -> list:
    errors = list(FORMATS[_untag(fmt, "format")](text))
    return [errors] if errors else []
