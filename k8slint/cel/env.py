"""CEL environments as a Kubernetes API server of a given version has them for CRD rules, and compiled
programs cached per (environment, expression): a CRD's rules are compiled once per run."""
from __future__ import annotations

import re
from functools import lru_cache

from . import library as lib

FIRST_VERSION = (1, 25)  # CRD validation rules are on by default (beta) from 1.25; before, not evaluated
# Kubernetes version -> the libraries its API server offers CRD rules (in addition to lists, regex, urls):
# new rules compile against the previous minor's environment (environment/base.go's IntroducedVersion + 1)
_LIBRARY_SINCE = {"quantity": (1, 29), "optional": (1, 29), "strings_v2": (1, 29), "ip": (1, 31), "sets": (1, 30),
                  "semver": (1, 34), "cross_numeric": (1, 29), "two_var_comprehensions": (1, 33),
                  "lists_v3": (1, 35), "format": (1, 32), "literal_validators": (1, 30),
                  # library.Lists(ListsVersion(1)), `includes`: base.go introduces it in 1.37
                  "lists_includes": (1, 38)}
LIST_INDEX_OF, LIST_LAST_INDEX_OF = "k8slintIndexOf", "k8slintLastIndexOf"
STRING_LITERAL = re.compile(r"[rRbB]{0,2}(?:'''[\s\S]*?'''|\"\"\"[\s\S]*?\"\"\"|'(?:\\.|[^'\\\n])*'|\"(?:\\.|[^\"\\\n])*\")")
_INDEX_CALL = re.compile(r"\.(\s*)(indexOf|lastIndexOf)(\s*\()")
# the checker's word that indexOf was called on something not a string (a list)
INDEX_OF_ON_LIST = re.compile(r"no matching overload for '(?:indexOf|lastIndexOf)' applied to '\((?:list|dyn)")


def with_list_index_calls(expression: str) -> str:
    """The expression with every `.indexOf(` / `.lastIndexOf(` outside string literals calling k8slint's
    functions that serve both lists (the Kubernetes lists library) and strings (one argument)."""
    out, last = [], 0
    for literal in STRING_LITERAL.finditer(expression):
        out.append(_rename_index_calls(expression[last:literal.start()]) + literal.group(0))
        last = literal.end()
    return "".join(out) + _rename_index_calls(expression[last:])


FORMAT_VALIDATE, FORMAT_NAMED = "k8slintFormatValidate", "k8slintFormatNamed"
# the two-variable comprehensions' helpers (see comprehensions.py)
KEYS, TO_MAP, MERGE = "k8slintIndexesOrKeys", "k8slintToMap", "k8slintMergeMaps"
SORT_BY = "k8slintSortByKeys"  # the lists extension's sortBy, also rewritten there
_FORMAT_CALL = re.compile(r"\.\s*validate\s*\(|\bformat\s*\.\s*named\s*\(")
_INTERNAL_NAMES = ((FORMAT_VALIDATE, "validate"), (FORMAT_NAMED, "format.named"), (LIST_INDEX_OF, "indexOf"),
                   (LIST_LAST_INDEX_OF, "lastIndexOf"), (TO_MAP, "transformMap"), (MERGE, "transformMapEntry"),
                   (SORT_BY, "sortBy"))


def with_format_calls(expression: str) -> str:
    """`<format>.validate(s)` and `format.named(n)` give optionals, which this runtime's Python functions
    cannot return: each call (outside string literals) becomes k8slint's function, which gives a list of
    at most one element, indexed with `[?0]`: the same optional."""
    literals = [m.span() for m in STRING_LITERAL.finditer(expression)]

    def in_literal(pos: int) -> bool:
        return any(start <= pos < end for start, end in literals)
    out, last = [], 0
    for call in _FORMAT_CALL.finditer(expression):
        if in_literal(call.start()) or call.start() < last:
            continue
        end = _closing_paren(expression, call.end(), in_literal)
        if end is None:
            return expression  # unbalanced: left for the compiler to refuse
        head = "." + FORMAT_VALIDATE + "(" if call.group(0).startswith(".") else FORMAT_NAMED + "("
        out.append(expression[last:call.start()] + head + with_format_calls(expression[call.end():end]) + ")[?0]")
        last = end + 1
    return "".join(out) + expression[last:]


def _closing_paren(expression: str, pos: int, in_literal):
    depth = 1
    for i in range(pos, len(expression)):
        if in_literal(i):
            continue
        depth += {"(": 1, ")": -1}.get(expression[i], 0)
        if depth == 0:
            return i
    return None


def public_names(message: str) -> str:
    """A compiler's message about a rewritten expression, in the names the rule used."""
    for internal, public in _INTERNAL_NAMES:
        message = message.replace(internal, public)
    return message.replace(")[?0]", ")")


def _rename_index_calls(code: str) -> str:
    return _INDEX_CALL.sub(lambda m: "." + m.group(1) + (LIST_INDEX_OF if m.group(2) == "indexOf"
                                                         else LIST_LAST_INDEX_OF) + m.group(3), code)


class CelUnavailable(Exception):
    """No CEL runtime here (cel-expr-python has no wheel for this platform)."""


def features(version: tuple) -> frozenset:
    return frozenset(name for name, since in _LIBRARY_SINCE.items() if version >= since)


def _overload(cel, oid: str, params: str, impl, member: bool = True, ret: str = "y"):
    """`params`: one letter per parameter, receiver first: s string, l list, L list of lists, m map (a library
    value), i int; `ret` the same for the result, with b bool, d double, y dyn, n a list of ints, q a list of
    strings, u a map of lists of strings, f a list of formats, e a list of lists of strings (as the API server
    declares them: a rule must give a bool, a message expression a string)."""
    T = cel.Type
    kinds = {"s": T.STRING, "l": T.List(T.DYN), "L": T.List(T.List(T.DYN)), "n": T.List(T.INT),
             "m": T.Map(T.STRING, T.DYN), "i": T.INT, "b": T.BOOL,
             "d": T.DOUBLE, "y": T.DYN, "q": T.List(T.STRING), "u": T.Map(T.STRING, T.List(T.STRING)),
             "f": T.List(T.Map(T.STRING, T.DYN)), "e": T.List(T.List(T.STRING))}
    return cel.Overload(oid, kinds[ret], [kinds[p] for p in params], is_member=member, impl=impl)


def _functions(cel, feats: frozenset, skip=frozenset()) -> list:
    """The library's function declarations with their Python implementations, less those named in `skip`."""
    def F(name: str, overloads: list):
        return name, cel.FunctionDecl(name, overloads)
    out = [
        F("isSorted", [_overload(cel, "k8s_list_is_sorted", "l", lib.is_sorted, ret="b")]),
        F("sum", [_overload(cel, "k8s_list_sum", "l", lib.list_sum)]),
        F("min", [_overload(cel, "k8s_list_min", "l", lib.list_min)]),
        F("max", [_overload(cel, "k8s_list_max", "l", lib.list_max)]),
        F("find", [_overload(cel, "k8s_string_find", "ss", lib.find, ret="s")]),
        F("findAll", [_overload(cel, "k8s_string_find_all", "ss", lib.find_all, ret="q"),
                      _overload(cel, "k8s_string_find_all_n", "ssi", lib.find_all, ret="q")]),
        F("isURL", [_overload(cel, "k8s_is_url", "s", lib.is_url, member=False, ret="b")]),
        F("url", [_overload(cel, "k8s_url", "s", lib.url, member=False, ret="m")]),
    ]
    # lists' indexOf/lastIndexOf share their names with the strings extension's, which the runtime cannot
    # overload from Python: a rule that calls them on a list is compiled with these names instead (see
    # with_list_index_calls), which take a list or a string
    for name, impl in ((LIST_INDEX_OF, lib.index_of), (LIST_LAST_INDEX_OF, lib.last_index_of)):
        out.append(F(name, _list_element_overloads(cel, name, impl)
                     + [_overload(cel, f"k8slint_{name}_string", "ss", impl, ret="i")]))
    for name, part in (("getScheme", "scheme"), ("getHost", "host"), ("getHostname", "hostname"),
                       ("getPort", "port"), ("getEscapedPath", "path"), ("getQuery", "query")):
        out.append(F(name, [_overload(cel, f"k8s_url_{part}", "m", lambda v, _p=part: lib.url_part(v, _p),
                                      ret="u" if part == "query" else "s")]))
    if "quantity" in feats:
        out += [F("quantity", [_overload(cel, "k8s_quantity", "s", lib.quantity, member=False, ret="m")]),
                F("isQuantity", [_overload(cel, "k8s_is_quantity", "s", lib.is_quantity, member=False, ret="b")])]
        for op, ret in (("sign", "i"), ("isInteger", "b"), ("asInteger", "i"), ("asApproximateFloat", "d")):
            # sign is a global function upstream (cel.Overload, not MemberOverload): sign(q), never q.sign()
            out.append(F(op, [_overload(cel, f"k8s_quantity_{op}", "m", lambda a, _o=op: lib.quantity_op(_o, a),
                                        member=op != "sign", ret=ret)]))
        for op in ("add", "sub"):
            out.append(F(op, [_overload(cel, f"k8s_quantity_{op}", "mm", lambda a, b, _o=op: lib.quantity_op(_o, a, b),
                                        ret="m"),
                              _overload(cel, f"k8s_quantity_{op}_int", "mi",
                                        lambda a, b, _o=op: lib.quantity_op(_o, a, b), ret="m")]))
    if "sets" in feats:
        out += [F(f"sets.{op}", [_overload(cel, f"k8s_sets_{op}", "ll", impl, member=False, ret="b")])
                for op, impl in (("contains", lib.sets_contains), ("equivalent", lib.sets_equivalent),
                                 ("intersects", lib.sets_intersects))]
    if "format" in feats:
        out += [F(f"format.{name}", [_overload(cel, f"k8s_format_{name}", "", lambda _n=name: lib.format_constant(_n),
                                               member=False, ret="m")]) for name in lib.FORMATS]
        out += [F(FORMAT_NAMED, [_overload(cel, "k8slint_format_named", "s", lib.format_named, member=False, ret="f")]),
                F(FORMAT_VALIDATE, [_overload(cel, "k8slint_format_validate", "ms", lib.format_validate, ret="e")])]
    if "two_var_comprehensions" in feats:
        T = cel.Type
        out += [F(KEYS, [_overload(cel, "k8slint_list_indexes", "l", lib.indexes_or_keys, member=False, ret="l"),
                         cel.Overload("k8slint_map_keys", T.List(T.DYN), [T.Map(T.DYN, T.DYN)], is_member=False,
                                      impl=lib.indexes_or_keys)]),
                F(TO_MAP, [cel.Overload("k8slint_to_map", T.Map(T.DYN, T.DYN), [T.List(T.DYN), T.List(T.DYN)],
                                        is_member=False, impl=lib.to_map)]),
                F(MERGE, [cel.Overload("k8slint_merge_maps", T.Map(T.DYN, T.DYN), [T.List(T.DYN)],
                                       is_member=False, impl=lib.merge_maps)])]
    if "lists_includes" in feats:
        out.append(F("includes", _includes_overloads(cel)))
    if "lists_v3" in feats:
        # element types are dyn here, so sort()'s comparable element type is checked when it runs
        out += [F("slice", [_overload(cel, "k8s_list_slice", "lii", lib.list_slice, ret="l")]),
                F("flatten", [_overload(cel, "k8s_list_flatten", "L", lib.list_flatten, ret="l"),
                              _overload(cel, "k8s_list_flatten_int", "li", lib.list_flatten, ret="l")]),
                F("sort", [_overload(cel, "k8s_list_sort", "l", lib.list_sort, ret="l")]),
                F("reverse", [_overload(cel, "k8s_list_reverse", "l", lib.list_reverse, ret="l")]),
                F("distinct", [_overload(cel, "k8s_list_distinct", "l", lib.list_distinct, ret="l")]),
                F(SORT_BY, [_overload(cel, "k8slint_sort_by_keys", "ll", lib.sort_by_keys, member=False, ret="l")]),
                F("lists.range", [_overload(cel, "k8s_lists_range", "i", lib.lists_range, member=False, ret="n")])]
    if "ip" in feats:
        out += [F("ip", [_overload(cel, "k8s_ip", "s", lib.ip, member=False, ret="m"),
                         _overload(cel, "k8s_cidr_ip", "m", lambda v: lib.cidr_op("ip", v), ret="m")]),
                F("isIP", [_overload(cel, "k8s_is_ip", "s", lib.is_ip, member=False, ret="b")]),
                F("cidr", [_overload(cel, "k8s_cidr", "s", lib.cidr, member=False, ret="m")]),
                F("isCIDR", [_overload(cel, "k8s_is_cidr", "s", lib.is_cidr, member=False, ret="b")]),
                F("ip.isCanonical", [_overload(cel, "k8s_ip_is_canonical", "s", lib.ip_is_canonical, member=False,
                                               ret="b")]),
                F("family", [_overload(cel, "k8s_ip_family", "m", lambda v: lib.ip_op("family", v), ret="i")]),
                F("prefixLength", [_overload(cel, "k8s_cidr_prefix", "m", lambda v: lib.cidr_op("prefixLength", v), ret="i")]),
                F("masked", [_overload(cel, "k8s_cidr_masked", "m", lambda v: lib.cidr_op("masked", v), ret="m")]),
                F("containsIP", [_overload(cel, "k8s_cidr_contains_ip", "mm", lambda v, o: lib.cidr_op("containsIP", v, o), ret="b"),
                                 _overload(cel, "k8s_cidr_contains_ip_s", "ms",
                                           lambda v, o: lib.cidr_op("containsIP", v, o), ret="b")]),
                F("containsCIDR", [_overload(cel, "k8s_cidr_contains_cidr", "mm",
                                             lambda v, o: lib.cidr_op("containsCIDR", v, o), ret="b"),
                                   _overload(cel, "k8s_cidr_contains_cidr_s", "ms",
                                             lambda v, o: lib.cidr_op("containsCIDR", v, o), ret="b")])]
        for op in ("isUnspecified", "isLoopback", "isLinkLocalMulticast", "isLinkLocalUnicast", "isGlobalUnicast"):
            out.append(F(op, [_overload(cel, f"k8s_ip_{op}", "m", lambda v, _o=op: lib.ip_op(_o, v), ret="b")]))
    if "semver" in feats:
        # with a second argument, normalized first (SemverVersion(1), which base.go enables with the library)
        out += [F("semver", [_overload(cel, "k8s_semver", "s", lib.semver, member=False, ret="m"),
                             _overload(cel, "k8s_semver_normalize", "sb", lib.semver, member=False, ret="m")]),
                F("isSemver", [_overload(cel, "k8s_is_semver", "s", lib.is_semver, member=False, ret="b"),
                               _overload(cel, "k8s_is_semver_normalize", "sb", lib.is_semver, member=False,
                                         ret="b")])]
        for op in ("major", "minor", "patch"):
            out.append(F(op, [_overload(cel, f"k8s_semver_{op}", "m", lambda a, _o=op: lib.semver_op(_o, a), ret="i")]))
    if "quantity" in feats or "semver" in feats:
        for op, ret in (("isGreaterThan", "b"), ("isLessThan", "b"), ("compareTo", "i")):
            out.append(F(op, [_overload(cel, f"k8s_cmp_{op}", "mm", lambda a, b, _o=op: _quantity_or_semver(_o, a, b),
                                        ret=ret)]))
    return [decl for name, decl in out if name not in skip]


def _kinds(cel) -> dict:
    """Every kind of value a rule can hold: this runtime does not dispatch a Python function declared with
    a dyn parameter, so such a function gets one overload per kind."""
    T = cel.Type
    return {"int": T.INT, "uint": T.UINT, "double": T.DOUBLE, "string": T.STRING, "bool": T.BOOL,
            "bytes": T.BYTES, "list": T.List(T.DYN), "map": T.Map(T.DYN, T.DYN), "null": T.NULL,
            "timestamp": T.TIMESTAMP, "duration": T.DURATION}


def _list_element_overloads(cel, name: str, impl) -> list:
    """list.name(element) -> int, one overload per kind of element."""
    T = cel.Type
    return [cel.Overload(f"k8slint_{name}_list_{kind}", T.INT, [T.List(T.DYN), t], is_member=True, impl=impl)
            for kind, t in _kinds(cel).items()]


def _includes_overloads(cel) -> list:
    """dyn.includes(dyn) -> bool, one overload per kind of receiver and of argument."""
    kinds = _kinds(cel)
    return [cel.Overload(f"k8slint_includes_{a}_{b}", cel.Type.BOOL, [ta, tb], is_member=True, impl=lib.includes)
            for a, ta in kinds.items() for b, tb in kinds.items()]


def _quantity_or_semver(op: str, a, b):
    if isinstance(a, dict) and a.get(lib.TAG) == "semver":
        return lib.semver_op(op, a, b)
    return lib.quantity_op(op, a, b)


def _cel():
    try:
        from cel_expr_python import cel
        from cel_expr_python.ext import ext_bindings, ext_optional, ext_strings
    except ImportError as exc:  # pragma: no cover - the dependency is declared; a platform without a wheel
        raise CelUnavailable(str(exc)) from None
    return cel, ext_bindings, ext_optional, ext_strings


def _extensions(feats: frozenset) -> list:
    _c, ext_bindings, ext_optional, ext_strings = _cel()
    extensions = [ext_strings.ExtStrings(2 if "strings_v2" in feats else 0), ext_bindings.ExtBindings()]
    if "optional" in feats:
        extensions.append(ext_optional.ExtOptional())
    return extensions


@lru_cache(maxsize=None)
def environment(feats: frozenset):
    """The environment rules are evaluated in: `self` is dyn, bound to the value converted as the API
    server converts it (see values.py); the types are checked beforehand in typed_environment."""
    cel = _cel()[0]
    T = cel.Type
    return cel.NewEnv(variables={"self": T.DYN, "oldSelf": T.DYN}, extensions=_extensions(feats),
                      functions=_functions(cel, feats) + _schema_equality(cel))


def _schema_equality(cel) -> list:
    """`==`, `!=` and `+` on values holding set or map lists (keyedlists.py): (left, right, schema index)."""
    from . import keyedlists

    kinds, T = _kinds(cel), cel.Type
    return [cel.FunctionDecl(name, [cel.Overload(oid, T.List(T.DYN) if name == keyedlists.ADD else T.BOOL,
                                                 [kinds[a], kinds[b], T.INT], impl=impl)
                                    for oid, a, b in _schema_equality_overloads(name)])
            for name, impl in ((keyedlists.EQUALS, keyedlists.equals), (keyedlists.NOT_EQUALS, keyedlists.not_equals),
                               (keyedlists.ADD, keyedlists.add))]


@lru_cache(maxsize=None)
def _schema_equality_overloads(name: str) -> tuple:
    from .keyedlists import ADD

    if name == ADD:  # a list's + takes a list
        return ((f"{name}_list_list", "list", "list"),)
    kinds = ("int", "uint", "double", "string", "bool", "bytes", "list", "map", "null", "timestamp", "duration")
    return tuple((f"{name}_{a}_{b}", a, b) for a in ("list", "map") for b in kinds)


def with_schema_equality(feats: frozenset, program, node):
    """The program with `==`, `!=` and `+` on set and map lists from `self` (a value of `node`) as the
    API server's CEL has them; the program itself when it has none."""
    from .keyedlists import with_schema_equality as rewrite

    from .keyedlists import ADD, EQUALS, NOT_EQUALS

    overloads = {name: [oid for oid, _a, _b in _schema_equality_overloads(name)] for name in (EQUALS, NOT_EQUALS, ADD)}
    serialized = rewrite(program.serialize(), node, overloads)
    return program if serialized is None else environment(feats).deserialize(serialized)


_ORDERINGS = (("_<_", "less"), ("_<=_", "less_equals"), ("_>_", "greater"), ("_>=_", "greater_equals"))
_ORDERED = ("int", "uint", "double", "string", "bytes", "bool", "timestamp", "duration")
_NUMBERS = ("int", "uint", "double")


def _orderings(cel) -> list:
    """<, <=, >, >= with the cross-type numeric overloads (int < double ...) that the API server's CEL
    has from 1.29 on; the C++ checker only declares same-type ones. Declarations for checking only."""
    T = cel.Type
    kinds = {"int": T.INT, "uint": T.UINT, "double": T.DOUBLE, "string": T.STRING, "bytes": T.BYTES,
             "bool": T.BOOL, "timestamp": T.TIMESTAMP, "duration": T.DURATION}
    pairs = [(k, k) for k in _ORDERED] + [(a, b) for a in _NUMBERS for b in _NUMBERS if a != b]

    def never(*_args):  # pragma: no cover - the typed environment only checks
        raise RuntimeError("the typed environment does not evaluate")
    return [cel.FunctionDecl(op, [cel.Overload(f"k8slint_{name}_{a}_{b}", T.BOOL, [kinds[a], kinds[b]],
                                               is_member=False, impl=never) for a, b in pairs])
            for op, name in _ORDERINGS]


@lru_cache(maxsize=64)
def typed_environment(feats: frozenset, types):
    """One environment per schema that declares a variable for the CEL type of each schema node that
    carries rules (see check_expression); used to check rules, never to evaluate them."""
    cel = _cel()[0]
    T = cel.Type
    variables = {_typed_name(i): types.cel_type(cel, spec) for i, spec in enumerate(types.rule_specs)}
    variables["oldSelf"] = T.DYN  # optionalOldSelf before the optional library: checked as dyn
    from .checkdecls import config_yaml, declarations

    from .libtypes import declarations as library_declarations, replaces_string

    # the list functions are declared with type parameters in the configuration instead (checkdecls.py),
    # the libraries' functions with their values' own types (libtypes.py)
    parametric = declarations(feats)
    typed = library_declarations(cel, feats, FORMAT_NAMED, FORMAT_VALIDATE, lib.FORMATS)
    functions = _functions(cel, feats, skip=frozenset(parametric) | frozenset(typed)) + list(typed.values())
    config = config_yaml(feats)
    if "optional" in feats:  # optionalOldSelf: oldSelf is an optional of the node's type
        config += "variables:\n" + "".join(
            f"  - name: \"{_optional_name(i)}\"\n    type_name: \"optional_type\"\n"
            f"    params: [{types.config_type(spec)}]\n" for i, spec in enumerate(types.rule_specs))
    excluded = [op for op, _ in _ORDERINGS] if "cross_numeric" in feats else []
    if "cross_numeric" in feats:
        functions = functions + _orderings(cel)
    if replaces_string(feats):
        excluded.append("string")
    if excluded:
        config += "stdlib:\n  exclude_functions:\n" + "".join(f"    - name: \"{op}\"\n" for op in excluded)
    return cel.NewEnv(descriptor_pool=types.pool(), config=cel.NewEnvConfigFromYaml(config), variables=variables,
                      extensions=_extensions(feats), functions=functions)


def _optional_name(index: int) -> str:
    return f"__k8slint_old{index}"


def _typed_name(index: int) -> str:
    return f"__k8slint_self{index}"


_COLUMN = re.compile(r"<input>:1:(\d+):")


@lru_cache(maxsize=8192)
def check_expression(feats: frozenset, types, spec: tuple, expression: str, optional_old_self: bool) -> tuple:
    """(the type the expression gives, the name `self` is bound to, the serialized checked expression), with
    `self` (and `oldSelf`) of the schema node's CEL type as the API server declares them when it compiles
    the node's rules; CompileError with the checker's message. `self` is bound to the node's variable with
    cel.bind, so that one environment serves every node of the schema."""
    env = typed_environment(feats, types)
    index = types.rule_specs.index(spec)
    typed = _typed_name(index)
    old = f"cel.bind(oldSelf, {typed}, "
    if optional_old_self:
        old = f"cel.bind(oldSelf, {_optional_name(index)}, " if "optional" in feats else ""
    prefix = f"cel.bind(self, {typed}, {old}("
    try:
        checked = env.compile(prefix + expression + ")" * (3 if old else 2))
        return checked.return_type().name().lower(), typed, checked.serialize()
    except Exception as exc:  # noqa: BLE001 - the binding raises RuntimeError with the compiler's report
        message = _COLUMN.sub(lambda m: f"<input>:1:{max(1, int(m.group(1)) - len(prefix))}:", str(exc))
        if "Syntax error" in message:
            # the parser's report names the token it met, and the binding's closing ")" is not the user's:
            # parse the rule as written to report what the API server reports
            try:
                env.compile(expression)
            except Exception as bare:  # noqa: BLE001 - as above
                if "Syntax error" in str(bare):
                    message = str(bare)
        raise CompileError(_first_lines(message)) from None


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


def convert_literal(feats: frozenset, function: str, text: str) -> None:
    """ValueError when duration(text) or timestamp(text) does not convert (as the literal validators find)."""
    if function == "duration":  # Go's time.ParseDuration takes both micro signs for microseconds; C++ neither
        text = text.replace("\u00b5s", "us").replace("\u03bcs", "us")
    try:
        result = compile_expression(feats, f"{function}(self)").eval(activation(feats, text))
    except Exception as exc:  # noqa: BLE001 - the binding raises RuntimeError for a value that does not convert
        raise ValueError(str(exc)) from None
    if result.type().name().lower() == "error":
        raise ValueError(str(result.value()))
