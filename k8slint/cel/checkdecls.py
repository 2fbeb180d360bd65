"""The list and sets functions as the API server's type-checker declares them, with type parameters:
`reverse()` of a list(int) gives a list(int), `min()` of a list(string) a string, `sets.contains` takes two
lists of one element type, and a two-variable comprehension's index is an int (a list) or the key type (a
map). The runtime's Python functions cannot take type parameters, so these declarations are written in its
environment configuration (YAML); they serve the typed environment, which only checks. Names are the
rule's, or k8slint's where env.py renames a call (indexOf, sortBy, the two-variable comprehensions'
helpers)."""
from __future__ import annotations

from .env import KEYS, LIST_INDEX_OF, LIST_LAST_INDEX_OF, MERGE, SORT_BY, TO_MAP

# the element types the lists libraries accept for sorting and comparing, and for sum (cel-go ext/lists.go,
# apiserver pkg/cel/library/lists.go)
COMPARABLE = ("int", "uint", "double", "bool", "duration", "timestamp", "string", "bytes")
SUMMABLE = ("int", "uint", "double", "duration")
_WELL_KNOWN = {"duration": "google.protobuf.Duration", "timestamp": "google.protobuf.Timestamp"}


def _t(name: str, *params) -> str:
    """A type in the configuration's flow syntax: a capital letter is a type parameter."""
    if len(name) == 1 and name.isupper():
        return f'{{type_name: "{name}", is_type_param: true}}'
    name = _WELL_KNOWN.get(name, name)
    inner = f", params: [{', '.join(params)}]" if params else ""
    return f'{{type_name: "{name}"{inner}}}'


def _list(elem: str) -> str:
    return _t("list", elem)


def _member(oid: str, target: str, args: list, ret: str) -> str:
    extra = f"\n        args: [{', '.join(args)}]" if args else ""
    return f"      - id: \"{oid}\"\n        target: {target}{extra}\n        return: {ret}\n"


def _global(oid: str, args: list, ret: str) -> str:
    return f"      - id: \"{oid}\"\n        args: [{', '.join(args)}]\n        return: {ret}\n"


def _function(name: str, overloads: list) -> str:
    return f"  - name: \"{name}\"\n    overloads:\n" + "".join(overloads)


def _kubernetes_lists(feats: frozenset) -> dict:
    A = _t("A")
    out = {
        "isSorted": [_member(f"list_{t}_is_sorted_bool", _list(_t(t)), [], _t("bool")) for t in COMPARABLE],
        "sum": [_member(f"list_{t}_sum_{t}", _list(_t(t)), [], _t(t)) for t in SUMMABLE],
        "min": [_member(f"list_{t}_min_{t}", _list(_t(t)), [], _t(t)) for t in COMPARABLE],
        "max": [_member(f"list_{t}_max_{t}", _list(_t(t)), [], _t(t)) for t in COMPARABLE],
    }
    for name, oid in ((LIST_INDEX_OF, "index_of"), (LIST_LAST_INDEX_OF, "last_index_of")):
        # the strings extension's forms too: a rule renamed for a list may call it on strings as well
        out[name] = [_member(f"list_a_{oid}_int", _list(A), [A], _t("int")),
                     _member(f"string_{oid}_string", _t("string"), [_t("string")], _t("int")),
                     _member(f"string_{oid}_string_int", _t("string"), [_t("string"), _t("int")], _t("int"))]
    if "lists_includes" in feats:
        out["includes"] = [_member("list_includes_dyn_dyn", _t("dyn"), [_t("dyn")], _t("bool"))]
    return out


def _extension_lists() -> dict:
    lt = _list(_t("T"))
    return {
        "slice": [_member("list_slice", lt, [_t("int"), _t("int")], lt)],
        "flatten": [_member("list_flatten", _list(lt), [], lt),
                    _member("list_flatten_int", _list(_t("dyn")), [_t("int")], _list(_t("dyn")))],
        "sort": [_member(f"list_{t}_sort", _list(_t(t)), [], _list(_t(t))) for t in COMPARABLE],
        SORT_BY: [_global(f"list_{t}_sortByAssociatedKeys", [lt, _list(_t(t))], lt) for t in COMPARABLE],
        "reverse": [_member("list_reverse", lt, [], lt)],
        "distinct": [_member("list_distinct", lt, [], lt)],
        "lists.range": [_global("lists_range", [_t("int")], _list(_t("int")))],
    }


def _comprehension_helpers() -> dict:
    K, V = _t("K"), _t("V")
    kv = _t("map", K, V)
    return {
        KEYS: [_global("k8slint_list_indexes", [_list(_t("T"))], _list(_t("int"))),
               _global("k8slint_map_keys", [kv], _list(K))],
        TO_MAP: [_global("k8slint_to_map", [_list(K), _list(V)], kv)],
        MERGE: [_global("k8slint_merge_maps", [_list(kv)], kv)],
    }


def _sets() -> dict:
    lt = _list(_t("T"))  # cel-go ext/sets.go: both lists of one element type
    return {f"sets.{op}": [_global(f"list_sets_{op}_list", [lt, lt], _t("bool"))]
            for op in ("contains", "equivalent", "intersects")}


def declarations(feats: frozenset) -> dict:
    """name -> its overloads (configuration text), for the libraries the version has."""
    out = _kubernetes_lists(feats)
    if "sets" in feats:
        out.update(_sets())
    if "lists_v3" in feats:
        out.update(_extension_lists())
    if "two_var_comprehensions" in feats:
        out.update(_comprehension_helpers())
    return out


def config_yaml(feats: frozenset) -> str:
    """The `functions:` section of an environment configuration declaring them."""
    return "functions:\n" + "".join(_function(name, overloads) for name, overloads in declarations(feats).items())
