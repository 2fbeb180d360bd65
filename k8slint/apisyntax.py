"""The string formats the API server checks (names, label keys and values, port names, env names ...).

Pure functions: each takes a value and returns the API server's complaints about it, as a list of
messages in the API server's own words (an empty list means valid). They mirror apimachinery's
`util/validation` rules, which every Kubernetes version from 1.23 on shares; where a version differs the
function says so. Lengths are counted in bytes, as Go does. Results are tuples, cached: manifests repeat the
same keys and values thousands of times.
"""
from __future__ import annotations

import re
from functools import lru_cache

from .lazyre import lazy

DNS1123_LABEL_MAX = 63
DNS1123_SUBDOMAIN_MAX = 253
LABEL_VALUE_MAX = 63
ANNOTATIONS_MAX_BYTES = 256 * 1024

_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_SUBDOMAIN = _LABEL + r"(\." + _LABEL + ")*"
_DNS1035 = "[a-z]([-a-z0-9]*[a-z0-9])?"
_NAME_PART = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
_LABEL_VALUE = "(" + _NAME_PART + ")?"
_ENV_NAME = "[-._a-zA-Z][-._a-zA-Z0-9]*"
_CONFIG_KEY = "[-._a-zA-Z0-9]+"
_C_IDENTIFIER = "[A-Za-z_][A-Za-z0-9_]*"

_label_re = re.compile(_LABEL)
_subdomain_re = re.compile(_SUBDOMAIN)
_dns1035_re = lazy(_DNS1035)
_name_part_re = re.compile(_NAME_PART)
_label_value_re = re.compile(_LABEL_VALUE)
_env_name_re = re.compile(_ENV_NAME)
_config_key_re = re.compile(_CONFIG_KEY)
_c_identifier_re = lazy(_C_IDENTIFIER)
_port_name_chars_re = re.compile("[-a-z0-9]+")


def _cached(check):
    """Memoise a check and hand out its messages as a tuple (shared results must not be changed)."""
    @lru_cache(maxsize=8192)
    def cached(*args, **kwargs):
        return tuple(check(*args, **kwargs))
    cached.__doc__, cached.__name__ = check.__doc__, check.__name__
    return cached


def byte_size(value: str) -> int:
    return len(value) if value.isascii() else len(value.encode("utf-8", "surrogatepass"))


def _size(value: str) -> int:
    return len(value) if value.isascii() else len(value.encode("utf-8", "surrogatepass"))


def _max_len(limit: int) -> str:
    return f"must be no more than {limit} characters"


def _regex(message: str, regex: str, *examples: str) -> str:
    shown = " or ".join(f"'{e}'" for e in examples)
    return f"{message} (e.g. {shown}, regex used for validation is '{regex}')" if examples else \
        f"{message} (regex used for validation is '{regex}')"


@_cached
def dns1123_label(value: str) -> list:
    errors = []
    if _size(value) > DNS1123_LABEL_MAX:
        errors.append(_max_len(DNS1123_LABEL_MAX))
    if not _label_re.fullmatch(value):
        errors.append("must not contain dots" if _subdomain_re.fullmatch(value) else _regex(
            "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must "
            "start and end with an alphanumeric character", _LABEL, "my-name", "123-abc"))
    return errors


@_cached
def dns1123_subdomain(value: str) -> list:
    errors = []
    if _size(value) > DNS1123_SUBDOMAIN_MAX:
        errors.append(_max_len(DNS1123_SUBDOMAIN_MAX))
    if not _subdomain_re.fullmatch(value):
        errors.append(_regex("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
                             "'-' or '.', and must start and end with an alphanumeric character",
                             _SUBDOMAIN, "example.com"))
    return errors


@_cached
def dns1035_label(value: str) -> list:
    errors = []
    if _size(value) > DNS1123_LABEL_MAX:
        errors.append(_max_len(DNS1123_LABEL_MAX))
    if not _dns1035_re.fullmatch(value):
        errors.append(_regex("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start "
                             "with an alphabetic character, and end with an alphanumeric character",
                             _DNS1035, "my-name", "abc-123"))
    return errors


@_cached
def path_segment_name(value: str) -> list:
    """Names that go into a URL path as they are (RBAC objects; the generic rule every built-in kind meets)."""
    if value in (".", ".."):
        return [f"may not be '{value}'"]
    return path_segment_prefix(value)


@_cached
def path_segment_prefix(value: str) -> list:
    return [f"may not contain '{c}'" for c in ("/", "%") if c in value]


@_cached
def qualified_name(value: str) -> list:
    """A label key, annotation key (checked lower-cased) or finalizer: [DNS subdomain '/'] name (<= 63)."""
    parts = value.split("/")
    errors = []
    if len(parts) == 1:
        name = parts[0]
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            errors.append("prefix part must be non-empty")
        else:
            errors.extend("prefix part " + m for m in dns1123_subdomain(prefix))
    else:
        return ["a valid label key " + _regex(
            "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
            "alphanumeric character", _NAME_PART, "MyName", "my.name", "123-abc")
            + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]
    if not name:
        errors.append("name part must be non-empty")
    elif _size(name) > DNS1123_LABEL_MAX:
        errors.append("name part " + _max_len(DNS1123_LABEL_MAX))
    if not _name_part_re.fullmatch(name):
        errors.append("name part " + _regex(
            "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
            "alphanumeric character", _NAME_PART, "MyName", "my.name", "123-abc"))
    return errors


@_cached
def annotation_key(value: str) -> list:
    """Annotation keys are qualified names, case aside."""
    return qualified_name(value.lower())


@_cached
def label_value(value: str) -> list:
    errors = []
    if _size(value) > LABEL_VALUE_MAX:
        errors.append(_max_len(LABEL_VALUE_MAX))
    if not _label_value_re.fullmatch(value):
        errors.append(_regex("a valid label must be an empty string or consist of alphanumeric characters, '-', "
                             "'_' or '.', and must start and end with an alphanumeric character",
                             _LABEL_VALUE, "MyValue", "my_value", "12345"))
    return errors


@_cached
def port_name(value: str) -> list:
    """IANA_SVC_NAME: at most 15 lower-case alphanumerics and '-', at least one letter, no '--', no '-' at an end."""
    errors = []
    if _size(value) > 15:
        errors.append(_max_len(15))
    if not _port_name_chars_re.fullmatch(value):
        errors.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not any("a" <= c <= "z" for c in value):
        errors.append("must contain at least one letter (a-z)")
    if "--" in value:
        errors.append("must not contain consecutive hyphens")
    if value and (value[0] == "-" or value[-1] == "-"):
        errors.append("must not begin or end with a hyphen")
    return errors


_SLOPPY_IPV4 = lazy(r"[0-9]{1,3}(\.[0-9]{1,3}){3}")
IP_ERROR = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"


@_cached
def ip_address(value: str) -> list:
    """An IPv4 or IPv6 address as Go's net.ParseIP reads it (which, unlike Python, takes leading zeros in
    IPv4 octets: 010.0.0.1)."""
    import ipaddress
    try:
        ipaddress.ip_address(value)
        return []
    except ValueError:
        pass
    if _SLOPPY_IPV4.fullmatch(value) and all(int(part) <= 255 for part in value.split(".")):
        return []
    return [IP_ERROR]


@_cached
def local_descending_path(value: str) -> list:
    """A path that stays inside a directory (volume subPaths, a seccomp localhostProfile)."""
    errors = ["must be a relative path"] if value.startswith("/") else []
    if ".." in value.split("/"):  # Go's filepath.ToSlash leaves backslashes alone on Linux
        errors.append("must not contain '..'")
    return errors


def port_number(value: int) -> list:
    return [] if 1 <= value <= 65535 else ["must be between 1 and 65535, inclusive"]


def _chdir_prefix(value: str) -> list:
    if value in (".", ".."):
        return [f"must not be '{value}'"]
    return ["must not start with '..'"] if value.startswith("..") else []


@_cached
def env_var_name(value: str, relaxed: bool) -> list:
    """Environment variable names. Before 1.32 a C-like identifier that may also hold '-' and '.'; from 1.32
    (RelaxedEnvironmentVariableValidation on by default) any printable ASCII except '='."""
    if relaxed:
        if not value:
            return ["environment variable name must be non-empty"]
        if any(not (" " <= c <= "~") or c == "=" for c in value):
            return ["a valid environment variable name must consist only of printable ASCII characters "
                    "other than '='"]
        return []
    errors = [] if _env_name_re.fullmatch(value) else [_regex(
        "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and "
        "must not start with a digit", _ENV_NAME, "my.env-name", "MY_ENV.NAME", "MyEnvName1")]
    return errors + _chdir_prefix(value)


@_cached
def config_map_key(value: str) -> list:
    """Keys of ConfigMap and Secret data (they become file names in a volume)."""
    errors = []
    if _size(value) > DNS1123_SUBDOMAIN_MAX:
        errors.append(_max_len(DNS1123_SUBDOMAIN_MAX))
    if not _config_key_re.fullmatch(value):
        errors.append(_regex("a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
                             _CONFIG_KEY, "key.name", "KEY_NAME", "key-name"))
    return errors + _chdir_prefix(value)


@_cached
def c_identifier(value: str) -> list:
    if _c_identifier_re.fullmatch(value):
        return []
    return [_regex("a valid C identifier must start with alphabetic character or '_', followed by a string of "
                   "alphanumeric characters or '_'", _C_IDENTIFIER, "my_name", "MY_NAME", "MyName")]


def mask_trailing_dash(prefix: str) -> str:
    """How the API server checks a generateName: a trailing '-' is allowed (the random suffix follows it).
    Like upstream, it replaces the last two characters by one letter before checking."""
    if len(prefix) > 1 and prefix.endswith("-"):
        return prefix[:-2] + "a"
    return prefix


# Name formats by the name upstream gives them; each takes (value, is_prefix).
def name_is_subdomain(value: str, prefix: bool = False) -> list:
    return dns1123_subdomain(mask_trailing_dash(value) if prefix else value)


def name_is_label(value: str, prefix: bool = False) -> list:
    return dns1123_label(mask_trailing_dash(value) if prefix else value)


def name_is_dns1035(value: str, prefix: bool = False) -> list:
    return dns1035_label(mask_trailing_dash(value) if prefix else value)


def name_is_path_segment(value: str, prefix: bool = False) -> list:
    return path_segment_prefix(value) if prefix else path_segment_name(value)


NAME_FORMATS = {
    "subdomain": (name_is_subdomain, "a DNS-1123 subdomain"),
    "label": (name_is_label, "a DNS-1123 label"),
    "dns1035": (name_is_dns1035, "a DNS-1035 label"),
    "path-segment": (name_is_path_segment, "a path segment"),
}


# Resource quantities ("500m", "1Gi", "1e3"): apimachinery's ParseQuantity, as a Decimal value.
_QUANTITY = re.compile(r"([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(.*)")
_BINARY = {"Ki": 2 ** 10, "Mi": 2 ** 20, "Gi": 2 ** 30, "Ti": 2 ** 40, "Pi": 2 ** 50, "Ei": 2 ** 60}
_DECIMAL = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_EXPONENT = lazy(r"[eE]([+-]?[0-9]+)")
QUANTITY_ERROR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"


@lru_cache(maxsize=8192, typed=True)
def quantity(value):
    """The Decimal a quantity stands for, or None when the API server cannot parse it (its decoder refuses the
    whole object). Numbers (YAML `2`, `0.5`) are accepted as the API server accepts JSON numbers."""
    from decimal import Decimal, InvalidOperation
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return Decimal(str(value))
    if not isinstance(value, str):
        return None
    m = _QUANTITY.fullmatch(value.strip())  # the JSON decoder trims spaces first
    if not m:
        return None
    try:
        number = Decimal(m.group(1))
    except InvalidOperation:
        return None
    suffix = m.group(2)
    if suffix in _BINARY:
        return number * _BINARY[suffix]
    if suffix in _DECIMAL:
        return number.scaleb(_DECIMAL[suffix])
    e = _EXPONENT.fullmatch(suffix)
    if e:
        return number.scaleb(int(e.group(1)))
    return None
