"""CEL environments as a Kubernetes API server of a given version has them for CRD rules, and compiled
programs cached per (environment, expression): a CRD's rules are compiled once per run."""
from __future__ import annotations

from functools import lru_cache

from . import library as lib

FIRST_VERSION = (1, 25)  # CRD validation rules are on by default (beta) from 1.25; before, not evaluated
# Kubernetes version -> the libraries its API server offers CRD rules (in addition to lists, regex, urls)
_LIBRARY_SINCE = {"quantity": (1, 29), "optional": (1, 29), "strings_v2": (1, 29), "ip": (1, 31),
                  "semver": (1, 33)}
# Library functions of some version that k8slint does not provide: rules that call them are not judged
NOT_PROVIDED = ("format", "authorizer", "sets", "indexOf", "lastIndexOf")


class CelUnavailable(Exception):
    """No CEL runtime here (cel-expr-python has no wheel for this platform)."""


def features(version: tuple) -> frozenset:
    return frozenset(name for name, since in _LIBRARY_SINCE.items() if version >= since)


def _overload(cel, oid: str, params: str, impl, member: bool = True, ret=None):
    """`params`: one letter per parameter, receiver first: s string, l list, m map (a library value), i int."""
    T = cel.Type
    kinds = {"s": T.STRING, "l": T.List(T.DYN), "m": T.Map(T.STRING, T.DYN), "i": T.INT}
    return cel.Overload(oid, ret or T.DYN, [kinds[p] for p in params], is_member=member, impl=impl)


def _functions(cel, feats: frozenset) -> list:
    F = cel.FunctionDecl
    out = [
        F("isSorted", [_overload(cel, "k8s_list_is_sorted", "l", lib.is_sorted)]),
        F("sum", [_overload(cel, "k8s_list_sum", "l", lib.list_sum)]),
        F("min", [_overload(cel, "k8s_list_min", "l", lib.list_min)]),
        F("max", [_overload(cel, "k8s_list_max", "l", lib.list_max)]),
        F("find", [_overload(cel, "k8s_string_find", "ss", lib.find)]),
        F("findAll", [_overload(cel, "k8s_string_find_all", "ss", lib.find_all),
                      _overload(cel, "k8s_string_find_all_n", "ssi", lib.find_all)]),
        F("isURL", [_overload(cel, "k8s_is_url", "s", lib.is_url, member=False)]),
        F("url", [_overload(cel, "k8s_url", "s", lib.url, member=False)]),
    ]
    # lists' indexOf/lastIndexOf share their names with the strings extension's, which the runtime cannot
    # overload from Python: rules that call them on a list are not judged (see NOT_PROVIDED)
    for name, part in (("getScheme", "scheme"), ("getHost", "host"), ("getHostname", "hostname"),
                       ("getPort", "port"), ("getEscapedPath", "path"), ("getQuery", "query")):
        out.append(F(name, [_overload(cel, f"k8s_url_{part}", "m", lambda v, _p=part: lib.url_part(v, _p))]))
    if "quantity" in feats:
        out += [F("quantity", [_overload(cel, "k8s_quantity", "s", lib.quantity, member=False)]),
                F("isQuantity", [_overload(cel, "k8s_is_quantity", "s", lib.is_quantity, member=False)])]
        for op in ("sign", "isInteger", "asInteger", "asApproximateFloat"):
            out.append(F(op, [_overload(cel, f"k8s_quantity_{op}", "m", lambda a, _o=op: lib.quantity_op(_o, a))]))
        for op in ("add", "sub"):
            out.append(F(op, [_overload(cel, f"k8s_quantity_{op}", "mm", lambda a, b, _o=op: lib.quantity_op(_o, a, b)),
                              _overload(cel, f"k8s_quantity_{op}_int", "mi",
                                        lambda a, b, _o=op: lib.quantity_op(_o, a, b))]))
    if "ip" in feats:
        out += [F("ip", [_overload(cel, "k8s_ip", "s", lib.ip, member=False),
                         _overload(cel, "k8s_cidr_ip", "m", lambda v: lib.cidr_op("ip", v))]),
                F("isIP", [_overload(cel, "k8s_is_ip", "s", lib.is_ip, member=False)]),
                F("cidr", [_overload(cel, "k8s_cidr", "s", lib.cidr, member=False)]),
                F("isCIDR", [_overload(cel, "k8s_is_cidr", "s", lib.is_cidr, member=False)]),
                F("family", [_overload(cel, "k8s_ip_family", "m", lambda v: lib.ip_op("family", v))]),
                F("prefixLength", [_overload(cel, "k8s_cidr_prefix", "m", lambda v: lib.cidr_op("prefixLength", v))]),
                F("masked", [_overload(cel, "k8s_cidr_masked", "m", lambda v: lib.cidr_op("masked", v))]),
                F("containsIP", [_overload(cel, "k8s_cidr_contains_ip", "mm", lambda v, o: lib.cidr_op("containsIP", v, o)),
                                 _overload(cel, "k8s_cidr_contains_ip_s", "ms",
                                           lambda v, o: lib.cidr_op("containsIP", v, o))]),
                F("containsCIDR", [_overload(cel, "k8s_cidr_contains_cidr", "mm",
                                             lambda v, o: lib.cidr_op("containsCIDR", v, o)),
                                   _overload(cel, "k8s_cidr_contains_cidr_s", "ms",
                                             lambda v, o: lib.cidr_op("containsCIDR", v, o))])]
        for op in ("isUnspecified", "isLoopback", "isLinkLocalMulticast", "isLinkLocalUnicast", "isGlobalUnicast"):
            out.append(F(op, [_overload(cel, f"k8s_ip_{op}", "m", lambda v, _o=op: lib.ip_op(_o, v))]))
    if "semver" in feats:
        out += [F("semver", [_overload(cel, "k8s_semver", "s", lib.semver, member=False)]),
                F("isSemver", [_overload(cel, "k8s_is_semver", "s", lib.is_semver, member=False)])]
        for op in ("major", "minor", "patch"):
            out.append(F(op, [_overload(cel, f"k8s_semver_{op}", "m", lambda a, _o=op: lib.semver_op(_o, a))]))
    if "quantity" in feats or "semver" in feats:
        for op in ("isGreaterThan", "isLessThan", "compareTo"):
            out.append(F(op, [_overload(cel, f"k8s_cmp_{op}", "mm", lambda a, b, _o=op: _quantity_or_semver(_o, a, b))]))
    return out


def _quantity_or_semver(op: str, a, b):
    if isinstance(a, dict) and a.get(lib.TAG) == "semver":
        return lib.semver_op(op, a, b)
    return lib.quantity_op(op, a, b)


@lru_cache(maxsize=None)
def environment(feats: frozenset):
    try:
        from cel_expr_python import cel
        from cel_expr_python.ext import ext_bindings, ext_optional, ext_strings
    except ImportError as exc:  # pragma: no cover - the dependency is declared; a platform without a wheel
        raise CelUnavailable(str(exc)) from None
    extensions = [ext_strings.ExtStrings(2 if "strings_v2" in feats else 0), ext_bindings.ExtBindings()]
    if "optional" in feats:
        extensions.append(ext_optional.ExtOptional())
    T = cel.Type
    return cel.NewEnv(variables={"self": T.DYN, "oldSelf": T.DYN}, extensions=extensions,
                      functions=_functions(cel, feats))


class CompileError(ValueError):
    pass


@lru_cache(maxsize=8192)
def compile_expression(feats: frozenset, expression: str):
    """The compiled program, or CompileError with the compiler's message (first line of each error)."""
    env = environment(feats)
    try:
        return env.compile(expression)
    except Exception as exc:  # noqa: BLE001 - the binding raises RuntimeError with the compiler's report
        raise CompileError(_first_lines(str(exc))) from None


def _first_lines(message: str) -> str:
    lines = [ln.strip() for ln in message.splitlines() if ln.strip() and not ln.strip().startswith("|")]
    text = "; ".join(lines) or message
    return text.replace("INVALID_ARGUMENT: ", "").replace(" [INVALID_ARGUMENT]", "")[:300]


def activation(feats: frozenset, value):
    return environment(feats).Activation(data={"self": value})
