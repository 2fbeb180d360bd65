"""The Kubernetes CEL libraries' functions as the API server's checker declares them, with each library's
value of its own type (kubernetes.Quantity, kubernetes.URL, net.IP, net.CIDR, kubernetes.Semver,
kubernetes.NamedFormat): `semver(s).getHost()`, `quantity(q) == 1`, `cidr(c).containsIP(1)` do not compile
there. The evaluating environment holds these values as tagged maps (library.py); these declarations serve
the typed environment, which only checks, so their functions never run."""
from __future__ import annotations

QUANTITY, URL, IP, CIDR = "kubernetes.Quantity", "kubernetes.URL", "net.IP", "net.CIDR"
SEMVER, FORMAT = "kubernetes.Semver", "kubernetes.NamedFormat"
# the standard library's string() overloads, declared again beside string(ip) and string(cidr): this
# runtime takes no further overload of a standard function, so the typed environment excludes string()
# from its standard library and declares all of them here (cel-go's overload ids)
_STANDARD_STRING = (("string_to_string", "string"), ("int64_to_string", "int"), ("uint64_to_string", "uint"),
                    ("double_to_string", "double"), ("bool_to_string", "bool"), ("bytes_to_string", "bytes"),
                    ("timestamp_to_string", "timestamp"), ("duration_to_string", "duration"))


def _never(*_args):  # pragma: no cover - the typed environment only checks
    raise RuntimeError("the typed environment does not evaluate")


def replaces_string(feats: frozenset) -> bool:
    """Whether string() is declared here (the IP and CIDR libraries add overloads to it)."""
    return "ip" in feats


def declarations(cel, feats: frozenset, format_named: str, format_validate: str, format_names) -> dict:
    """name -> cel.FunctionDecl, for the libraries the version has (names as env.py compiles them: the
    format library's named() and validate() under k8slint's names, each giving a list of at most one)."""
    T = cel.Type
    q, url, ip, cidr = (T.AbstractType(n) for n in (QUANTITY, URL, IP, CIDR))
    semver, fmt = T.AbstractType(SEMVER), T.AbstractType(FORMAT)
    S, B, I, D = T.STRING, T.BOOL, T.INT, T.DOUBLE
    decls: dict = {}

    def add(name: str, oid: str, params: list, ret, member: bool = True):
        decls.setdefault(name, []).append(cel.Overload(oid, ret, params, is_member=member, impl=_never))

    # urls.go, regex.go's values are strings (declared with the evaluating functions)
    add("url", "string_to_url", [S], url, member=False)
    add("isURL", "is_url_string", [S], B, member=False)
    for name, oid in (("getScheme", "scheme"), ("getHost", "host"), ("getHostname", "hostname"),
                      ("getPort", "port"), ("getEscapedPath", "escaped_path")):
        add(name, f"url_get_{oid}", [url], S)
    add("getQuery", "url_get_query", [url], T.Map(S, T.List(S)))
    if "quantity" in feats:  # quantity.go
        add("quantity", "string_to_quantity", [S], q, member=False)
        add("isQuantity", "is_quantity_string", [S], B, member=False)
        add("sign", "quantity_sign", [q], I, member=False)  # a global function there, not a member
        for name, oid, ret in (("isGreaterThan", "quantity_is_greater_than", B),
                               ("isLessThan", "quantity_is_less_than", B), ("compareTo", "quantity_compare_to", I)):
            add(name, oid, [q, q], ret)
        add("asApproximateFloat", "quantity_get_float", [q], D)
        add("asInteger", "quantity_get_int", [q], I)
        add("isInteger", "quantity_is_integer", [q], B)
        for op in ("add", "sub"):
            add(op, f"quantity_{op}", [q, q], q)
            add(op, f"quantity_{op}_int", [q, I], q)
    if "ip" in feats:  # ip.go, cidr.go
        add("ip", "string_to_ip", [S], ip, member=False)
        add("ip", "cidr_ip", [cidr], ip)
        add("isIP", "is_ip", [S], B, member=False)
        add("ip.isCanonical", "ip_is_canonical", [S], B, member=False)
        add("family", "ip_family", [ip], I)
        for name, oid in (("isUnspecified", "unspecified"), ("isLoopback", "loopback"),
                          ("isLinkLocalMulticast", "link_local_multicast"),
                          ("isLinkLocalUnicast", "link_local_unicast"), ("isGlobalUnicast", "global_unicast")):
            add(name, f"ip_is_{oid}", [ip], B)
        add("cidr", "string_to_cidr", [S], cidr, member=False)
        add("isCIDR", "is_cidr", [S], B, member=False)
        add("containsIP", "cidr_contains_ip_string", [cidr, S], B)
        add("containsIP", "cidr_contains_ip_ip", [cidr, ip], B)
        add("containsCIDR", "cidr_contains_cidr_string", [cidr, S], B)
        add("containsCIDR", "cidr_contains_cidr", [cidr, cidr], B)
        add("prefixLength", "cidr_prefix_length", [cidr], I)
        add("masked", "cidr_masked", [cidr], cidr)
        kinds = {"string": S, "int": I, "uint": T.UINT, "double": D, "bool": B, "bytes": T.BYTES,
                 "timestamp": T.TIMESTAMP, "duration": T.DURATION}
        for oid, kind in _STANDARD_STRING:
            add("string", oid, [kinds[kind]], S, member=False)
        add("string", "ip_to_string", [ip], S, member=False)
        add("string", "cidr_to_string", [cidr], S, member=False)
    if "semver" in feats:  # semverlib.go, SemverVersion(1) as base.go enables it
        add("semver", "string_to_semver", [S], semver, member=False)
        add("semver", "string_bool_to_semver", [S, B], semver, member=False)
        add("isSemver", "is_semver_string", [S], B, member=False)
        add("isSemver", "is_semver_string_bool", [S, B], B, member=False)
        for name, oid, ret in (("isGreaterThan", "semver_is_greater_than", B),
                               ("isLessThan", "semver_is_less_than", B), ("compareTo", "semver_compare_to", I)):
            add(name, oid, [semver, semver], ret)
        for part in ("major", "minor", "patch"):
            add(part, f"semver_{part}", [semver], I)
    if "format" in feats:  # format.go: named() and validate() give optionals, here lists of at most one
        for name in format_names:
            add(f"format.{name}", f"format.{name}", [], fmt, member=False)
        add(format_named, "format-named", [S], T.List(fmt), member=False)
        add(format_validate, "format-validate", [fmt, S], T.List(T.List(S)))
    return {name: cel.FunctionDecl(name, overloads) for name, overloads in decls.items()}
