"""Where a pod may run, as ValidatePodSpec checks it: tolerations, node and pod (anti-)affinity, topology
spread constraints. Serves Pods and every kind whose pod template the API server validates.

Enumerated values (toleration operators and effects, node selector operators, whenUnsatisfiable) are the
schema's findings, with the values each version lists; this module checks how the fields fit together.
"""
from __future__ import annotations

from .. import apisyntax as syntax
from .base import Report, at_least, integer, items, mapping, rule
from .pods import POD_SPEC_PATHS
from .workloads import INVALID_SELECTOR, check_label_selector

KINDS = frozenset(POD_SPEC_PATHS)

_POD = "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers: [{name: app, image: nginx}]\n"

INVALID_TOLERATION = rule(
    "SRV036", "invalid-toleration", "A toleration the API server rejects",
    what="Checks every pod toleration: the key is a valid label key; an empty key needs `operator: Exists` "
         "(tolerate everything); `Exists` takes no value; an `Equal` value is a valid label value; "
         "`tolerationSeconds` only goes with `effect: NoExecute`; on 1.35 no `Gt`/`Lt` operator (its feature "
         "gate is alpha, off by default).",
    why="The API server rejects the pod (or the workload) with `tolerations[0].operator: Invalid value: ...: "
        "value must be empty when `operator` is 'Exists'` and similar answers.",
    example=_POD + "  tolerations:\n  - {key: dedicated, operator: Exists, value: gpu, effect: NoSchedule}\n",
    fix="Drop `value` with `operator: Exists` (or use `operator: Equal`); set `effect: NoExecute` where "
        "`tolerationSeconds` is given; give a key unless the toleration is `operator: Exists` for everything.")
INVALID_AFFINITY = rule(
    "SRV037", "invalid-affinity", "A node or pod affinity term the API server rejects",
    what="Checks `affinity`: required node affinity has at least one term; node selector requirements have "
         "values for `In`/`NotIn`, none for `Exists`/`DoesNotExist`, exactly one for `Gt`/`Lt`, valid label "
         "keys (and, from 1.33, valid label values in required terms); `matchFields` only use "
         "`metadata.name` with `In`/`NotIn` and one value; preferred terms weigh 1-100; pod (anti-)affinity "
         "terms have a valid `topologyKey` and valid namespace names, and (from 1.31) `matchLabelKeys` and "
         "`mismatchLabelKeys` valid label keys given with a label selector and not in both lists, and no "
         "`matchLabelKeys` entry the selector names twice once a Pod's selector is extended with the pod's "
         "own labels for them.",
    why="The API server rejects the pod (or the workload) with `topologyKey: Required value: can not be empty`, "
        "`weight: Invalid value: ...: must be in the range 1-100` and similar answers.",
    example=_POD + "  affinity:\n    podAntiAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n"
                   "      - labelSelector: {matchLabels: {app: web}}\n",
    fix="Give every pod affinity term a `topologyKey` such as `kubernetes.io/hostname`; keep weights within "
        "1-100; match the operator's rule for `values`.",
    versions="every version (matchLabelKeys from 1.31, label values of required node affinity from 1.33)")
INVALID_SPREAD = rule(
    "SRV038", "invalid-topology-spread-constraint", "A topology spread constraint the API server rejects",
    what="Checks `topologySpreadConstraints`: `maxSkew` above 0, `topologyKey` not empty, no two constraints "
         "with the same `topologyKey` and `whenUnsatisfiable`; from 1.27 `minDomains` above 0 and only with "
         "`whenUnsatisfiable: DoNotSchedule`, the label selector well formed, and `matchLabelKeys` valid label "
         "keys given with a label selector and not named by it (from 1.34, when a Pod's selector is extended "
         "with them, only keys it would then name twice).",
    why="The API server rejects the pod (or the workload) with `maxSkew: Invalid value: 0: must be greater "
        "than zero`, `Duplicate value: \"{kubernetes.io/hostname, DoNotSchedule}\"` and similar answers.",
    example=_POD + "  topologySpreadConstraints:\n  - {maxSkew: 0, topologyKey: kubernetes.io/hostname, "
                   "whenUnsatisfiable: DoNotSchedule}\n",
    fix="Use `maxSkew: 1` or more, a node label as `topologyKey`, and one constraint per key and action.",
    versions="every version (minDomains and selector checks from 1.27, merged selectors from 1.34)")

RULES = [INVALID_TOLERATION, INVALID_AFFINITY, INVALID_SPREAD]
REPORTS = [INVALID_SELECTOR]  # rules of other areas this one reports too

_NODE_NAME_FIELD = "metadata.name"


def walk(resource, ctx, report: Report) -> None:
    path = POD_SPEC_PATHS[resource.kind]
    spec = resource.get(path)
    if spec.__class__ is not dict:
        return
    get = spec.get
    tolerations, affinity, spread = get("tolerations"), get("affinity"), get("topologySpreadConstraints")
    if tolerations:
        check_tolerations(tolerations, path + ("tolerations",), report, ctx.target)
    # a Pod's selectors are extended with its own labels before validation (see merged_expression_keys)
    labels = mapping(resource.metadata.get("labels")) if resource.kind == "Pod" else None
    if affinity.__class__ is dict:
        check_affinity(affinity, path + ("affinity",), report, ctx.target, labels=labels)
    if spread:
        check_topology_spread(spread, path + ("topologySpreadConstraints",), report, ctx.target, labels=labels)


def comparison_gate_off(version) -> bool:
    """Toleration operators Gt and Lt came in 1.35 behind TaintTolerationComparisonOperators, alpha and off by
    default there (kubernetes#134665); the schema lists them from 1.35 on. Later releases are not judged."""
    return (version.major, version.minor) == (1, 35)


def check_tolerations(tolerations, path: tuple, report: Report, version) -> None:
    for i, toleration in enumerate(items(tolerations)):
        if toleration.__class__ is not dict:
            continue
        where = path + (i,)
        key, op = toleration.get("key"), toleration.get("operator")
        value, effect = toleration.get("value"), toleration.get("effect")
        if not isinstance(key, (str, type(None))) or not isinstance(op, (str, type(None))):
            continue  # the schema's finding
        if key:
            for msg in syntax.qualified_name(key):
                report.invalid(INVALID_TOLERATION, where + ("key",), key, msg)
        elif op != "Exists":
            report.invalid(INVALID_TOLERATION, where + ("operator",), op or "",
                           "operator must be Exists when `key` is empty, which means \"match all values and all "
                           "keys\"")
        if integer(toleration.get("tolerationSeconds")) is not None and effect != "NoExecute":
            report.invalid(INVALID_TOLERATION, where + ("effect",), effect or "",
                           "effect must be 'NoExecute' when `tolerationSeconds` is set")
        if op in (None, "", "Equal"):
            if isinstance(value, str) and value:
                problems = syntax.label_value(value)
                if problems:
                    report.invalid(INVALID_TOLERATION, where + ("value",), value, ";".join(problems))
        elif op == "Exists" and isinstance(value, str) and value:
            report.invalid(INVALID_TOLERATION, where + ("value",), value,
                           "value must be empty when `operator` is 'Exists'")
        elif op in ("Gt", "Lt") and comparison_gate_off(version):
            report.unsupported(INVALID_TOLERATION, where + ("operator",), op, ("Equal", "Exists"),
                               suggestion="Gt and Lt need the TaintTolerationComparisonOperators feature gate, "
                                          "alpha and off by default in 1.35: use Equal or Exists.")


def check_affinity(affinity: dict, path: tuple, report: Report, version, labels: dict | None = None) -> None:
    node = affinity.get("nodeAffinity")
    if node.__class__ is dict:
        npath = path + ("nodeAffinity",)
        required = node.get("requiredDuringSchedulingIgnoredDuringExecution")
        if required.__class__ is dict:
            rpath = npath + ("requiredDuringSchedulingIgnoredDuringExecution",)
            terms = required.get("nodeSelectorTerms")
            if terms is None or terms == []:
                report.required(INVALID_AFFINITY, rpath + ("nodeSelectorTerms",),
                                "must have at least one node selector term")
            for i, term in enumerate(items(terms)):
                if term.__class__ is dict:
                    _node_selector_term(term, rpath + ("nodeSelectorTerms", i), report,
                                        check_values=at_least(version, 33))
        for i, term in enumerate(items(node.get("preferredDuringSchedulingIgnoredDuringExecution"))):
            if term.__class__ is dict:
                tpath = npath + ("preferredDuringSchedulingIgnoredDuringExecution", i)
                _weight(term, tpath, report)
                preference = term.get("preference")
                if preference.__class__ is dict:  # preferred terms keep accepting any label value
                    _node_selector_term(preference, tpath + ("preference",), report, check_values=False)
    for kind in ("podAffinity", "podAntiAffinity"):
        pod = affinity.get(kind)
        if pod.__class__ is not dict:
            continue
        ppath = path + (kind,)
        for i, term in enumerate(items(pod.get("requiredDuringSchedulingIgnoredDuringExecution"))):
            if term.__class__ is dict:
                _pod_affinity_term(term, ppath + ("requiredDuringSchedulingIgnoredDuringExecution", i), report,
                                   version, labels)
        for i, term in enumerate(items(pod.get("preferredDuringSchedulingIgnoredDuringExecution"))):
            if term.__class__ is dict:
                tpath = ppath + ("preferredDuringSchedulingIgnoredDuringExecution", i)
                _weight(term, tpath, report)
                inner = term.get("podAffinityTerm")
                if inner.__class__ is dict:
                    _pod_affinity_term(inner, tpath + ("podAffinityTerm",), report, version, labels)


def _weight(term: dict, path: tuple, report: Report) -> None:
    weight = integer(term.get("weight"))
    if weight is not None and not 1 <= weight <= 100:
        report.invalid(INVALID_AFFINITY, path + ("weight",), weight, "must be in the range 1-100")


def _node_selector_term(term: dict, path: tuple, report: Report, check_values: bool) -> None:
    for i, req in enumerate(items(term.get("matchExpressions"))):
        if req.__class__ is not dict:
            continue
        where = path + ("matchExpressions", i)
        op, values, key = req.get("operator"), req.get("values"), req.get("key")
        if not isinstance(op, str) or not isinstance(values, (list, type(None))):
            continue  # the schema's finding
        count = len(values or ())
        if op in ("In", "NotIn"):
            if not count:
                report.required(INVALID_AFFINITY, where + ("values",),
                                "must be specified when `operator` is 'In' or 'NotIn'")
        elif op in ("Exists", "DoesNotExist"):
            if count:
                report.forbidden(INVALID_AFFINITY, where + ("values",),
                                 "may not be specified when `operator` is 'Exists' or 'DoesNotExist'")
        elif op in ("Gt", "Lt"):
            if count != 1:
                report.required(INVALID_AFFINITY, where + ("values",),
                                "must be specified single value when `operator` is 'Lt' or 'Gt'")
        if isinstance(key, str):
            _label_key(key, where + ("key",), report)
        if check_values:
            for j, value in enumerate(values or ()):
                if isinstance(value, str):
                    for msg in syntax.label_value(value):
                        report.invalid(INVALID_AFFINITY, where + ("values", j), value, msg)
    for i, req in enumerate(items(term.get("matchFields"))):
        if req.__class__ is not dict:
            continue
        where = path + ("matchFields", i)
        op, values, key = req.get("operator"), req.get("values"), req.get("key")
        if not isinstance(op, str) or not isinstance(values, (list, type(None))):
            continue
        if op in ("In", "NotIn"):
            if len(values or ()) != 1:
                report.required(INVALID_AFFINITY, where + ("values",),
                                "must be only one value when `operator` is 'In' or 'NotIn' for node field "
                                "selector")
        else:
            report.invalid(INVALID_AFFINITY, where + ("operator",), op, "not a valid selector operator")
        if isinstance(key, str) and key != _NODE_NAME_FIELD:
            report.invalid(INVALID_AFFINITY, where + ("key",), key, "not a valid field selector key")
        elif key == _NODE_NAME_FIELD:
            for j, value in enumerate(values or ()):
                if isinstance(value, str):
                    for msg in syntax.dns1123_subdomain(value):
                        report.invalid(INVALID_AFFINITY, where + ("values", j), value, msg)


def _label_key(key: str, path: tuple, report: Report) -> None:
    for msg in syntax.qualified_name(key):
        report.invalid(INVALID_AFFINITY, path, key, msg)


def _pod_affinity_term(term: dict, path: tuple, report: Report, version, labels) -> None:
    selector = term.get("labelSelector")
    if selector.__class__ is dict:
        check_label_selector(selector, path + ("labelSelector",), report)
    if at_least(version, 31):  # MatchLabelKeysInPodAffinity on by default
        _match_label_keys(term, selector, path, report, labels)
    namespace_selector = term.get("namespaceSelector")
    if namespace_selector.__class__ is dict:
        check_label_selector(namespace_selector, path + ("namespaceSelector",), report)
    for j, name in enumerate(items(term.get("namespaces"))):
        if isinstance(name, str):
            for msg in syntax.dns1123_label(name):
                report.invalid(INVALID_AFFINITY, path + ("namespaces", j), name, msg)
    key = term.get("topologyKey")
    if key in (None, ""):
        report.required(INVALID_AFFINITY, path + ("topologyKey",), "can not be empty")
    elif isinstance(key, str):
        _label_key(key, path + ("topologyKey",), report)


def _match_label_keys(term: dict, selector, path: tuple, report: Report, labels) -> None:
    """validateMatchLabelKeysAndMismatchLabelKeys: valid label keys, only with a labelSelector, not in both
    lists, and no matchLabelKey the selector names twice once a Pod's selector is extended."""
    match = [k for k in items(term.get("matchLabelKeys")) if isinstance(k, str)]
    mismatch = [k for k in items(term.get("mismatchLabelKeys")) if isinstance(k, str)]
    if not match and not mismatch:
        return
    for field, keys in (("matchLabelKeys", match), ("mismatchLabelKeys", mismatch)):
        if not keys:
            continue
        if selector is None:
            report.forbidden(INVALID_AFFINITY, path + (field,), "must not be specified when labelSelector is not set")
            continue
        for j, key in enumerate(keys):
            _label_key(key, path + (field, j), report)
    if selector.__class__ is dict:
        for j, key in repeated_match_label_keys(selector, match, mismatch, labels):
            report.invalid(INVALID_AFFINITY, path + ("matchLabelKeys", j), key,
                           "exists in both matchLabelKeys and labelSelector",
                           suggestion="Drop the key from labelSelector (or from matchLabelKeys): the API server "
                                      "adds `key In (the pod's value)` to the selector itself.")
    for j, key in enumerate(match):
        if key in mismatch:
            report.invalid(INVALID_AFFINITY, path + ("matchLabelKeys", j), key,
                           "exists in both matchLabelKeys and mismatchLabelKeys")


def repeated_match_label_keys(selector: dict, match: list, mismatch: list, labels) -> list:
    """(index, key) of the matchLabelKeys the selector ends up naming twice. For a Pod (`labels` given) the API
    server first appends `key In (value)` for each matchLabelKey and `key NotIn (value)` for each
    mismatchLabelKey the pod carries a label for; then every expression whose key was already used (in
    matchLabels or an earlier expression) and is a matchLabelKey is refused. Pod templates are not
    extended, so there only a selector that names the key twice itself is refused."""
    where = {key: j for j, key in enumerate(match)}
    keys = [mapping(e).get("key") for e in items(selector.get("matchExpressions"))]
    if labels is not None:
        keys += [k for k in match if k in labels] + [k for k in mismatch if k in labels]
    seen = set(mapping(selector.get("matchLabels")))
    found = []
    for key in keys:
        if key in where and key in seen:
            found.append((where[key], key))
        seen.add(key)
    return found


def check_topology_spread(constraints, path: tuple, report: Report, version, labels: dict | None = None) -> None:
    newer = at_least(version, 27)
    constraints = items(constraints)
    seen: set = set()
    for i, constraint in enumerate(constraints):
        if constraint.__class__ is not dict:
            continue
        where = path + (i,)
        get = constraint.get
        skew = integer(get("maxSkew"))
        if skew is not None and skew <= 0:
            report.invalid(INVALID_SPREAD, where + ("maxSkew",), skew, "must be greater than zero")
        key, action = get("topologyKey"), get("whenUnsatisfiable")
        if key == "":
            report.required(INVALID_SPREAD, where + ("topologyKey",), "can not be empty")
        if isinstance(key, str) and isinstance(action, str):
            pair = (key, action)
            if pair in seen:
                report.duplicate(INVALID_SPREAD, where, f"{{{key}, {action}}}")
            seen.add(pair)
        if not newer:
            continue
        domains = get("minDomains")
        if domains.__class__ is int:
            if domains <= 0:
                report.invalid(INVALID_SPREAD, where + ("minDomains",), domains, "must be greater than zero")
            if action != "DoNotSchedule":
                report.invalid(INVALID_SPREAD, where + ("minDomains",), domains,
                               f"can only use minDomains if whenUnsatisfiable=DoNotSchedule, not {action or ''}")
        selector = get("labelSelector")
        if selector.__class__ is dict:
            check_label_selector(selector, where + ("labelSelector",), report)
        keys = items(get("matchLabelKeys"))
        if keys and selector is None:
            report.forbidden(INVALID_SPREAD, where + ("matchLabelKeys",),
                             "must not be specified when labelSelector is not set")
        for j, key in enumerate(keys):
            if isinstance(key, str):
                for msg in syntax.qualified_name(key):
                    report.invalid(INVALID_SPREAD, where + ("matchLabelKeys", j), key, msg)
        if selector.__class__ is dict and keys:
            _spread_keys_in_selector(selector, [k for k in keys if isinstance(k, str)], where, report, version,
                                     labels)


def _spread_keys_in_selector(selector: dict, keys: list, where: tuple, report: Report, version, labels) -> None:
    """A matchLabelKey the labelSelector also names. Before 1.34 any such key is refused
    (validateMatchLabelKeysInTopologySpread); from 1.34, with MatchLabelKeysInPodTopologySpreadSelectorMerge on
    by default, a Pod's selector is first extended with the keys and only a key it then names twice is refused,
    as for pod affinity."""
    if at_least(version, 34):
        found = repeated_match_label_keys(selector, keys, [], labels)
    else:
        used = set(mapping(selector.get("matchLabels")))
        used.update(mapping(e).get("key") for e in items(selector.get("matchExpressions")))
        found = [(j, key) for j, key in enumerate(keys) if key in used]
    for j, key in found:
        report.invalid(INVALID_SPREAD, where + ("matchLabelKeys", j), key,
                       "exists in both matchLabelKeys and labelSelector",
                       suggestion="Drop the key from labelSelector (or from matchLabelKeys): matchLabelKeys "
                                  "already narrows the selector to the pod's own value.")
