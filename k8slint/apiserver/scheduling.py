"""PriorityClasses, ResourceQuotas and LimitRanges as the API server checks them."""
from __future__ import annotations

from .. import apisyntax as syntax
from .base import Report, integer, items, mapping, rule, text

KINDS = frozenset({"PriorityClass", "ResourceQuota", "LimitRange"})

HIGHEST_USER_PRIORITY = 1_000_000_000
SYSTEM_CLASSES = {"system-cluster-critical": 2_000_000_000, "system-node-critical": 2_000_001_000}

INVALID_PRIORITY_CLASS = rule(
    "SRV130", "invalid-priority-class", "A PriorityClass value or name reserved for the system",
    what="Checks that a PriorityClass `value` is at most 1000000000 and that names starting with `system-` are "
         "the two built-in system classes.",
    why="Higher values and the `system-` prefix are reserved; the API server rejects the class with `value: "
        "Forbidden: maximum allowed value of a user defined priority is 1000000000`.",
    example="apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: critical}\n"
            "value: 2000000000\n",
    fix="Use a value of at most 1000000000 and a name without the `system-` prefix.")
INVALID_QUOTA = rule(
    "SRV131", "invalid-quota-quantity", "A ResourceQuota or LimitRange the API server rejects",
    what="Checks ResourceQuota `spec.hard`: resource names standard (`pods`, `requests.cpu` ...) or "
         "domain-prefixed (`count/deployments.apps`, `requests.nvidia.com/gpu`), no conflicting scopes "
         "(`BestEffort` with `NotBestEffort`, `Terminating` with `NotTerminating`) and no scope, in `scopes` or "
         "`scopeSelector`, applied to a resource it cannot track (`BestEffort` tracks only `pods`; `NotBestEffort`, "
         "`Terminating`, `NotTerminating`, `PriorityClass` and `CrossNamespacePodAffinity` also cpu and memory); "
         "the quantities of quotas and "
         "of LimitRange limits (`max`, `min`, `default`, "
         "`defaultRequest`, `maxLimitRequestRatio`): readable, and quota amounts not negative; for each resource of a "
         "LimitRange item min <= defaultRequest <= default <= max and a ratio of at least 1; item types "
         "standard (`Pod`, `Container`, `PersistentVolumeClaim`) or domain-prefixed and not repeated; no "
         "defaults for `Pod` items; a storage min or max for `PersistentVolumeClaim` items.",
    why="The API server rejects the object with `quantities must match the regular expression`, `must be "
        "greater than or equal to 0`, `unsupported scope applied to resource` or `min value ... is greater "
        "than max value`.",
    example="apiVersion: v1\nkind: ResourceQuota\nmetadata: {name: team}\nspec:\n  hard: {requests.memory: 10GB}\n",
    fix="Write quantities like `10Gi` or `500m`; keep min below max.")

RULES = [INVALID_PRIORITY_CLASS, INVALID_QUOTA]


def walk(resource, ctx, report: Report) -> None:
    kind = resource.kind
    if kind == "PriorityClass":
        _priority_class(resource, report)
    elif kind == "ResourceQuota":
        _resource_quota(mapping(resource.data.get("spec")), report)
    else:
        _limit_range(mapping(resource.data.get("spec")), report)


# (lower part, higher part, the field reported, message) in ValidateLimitRange's order
_LIMIT_ORDER = (("min", "max", "min", "min value {lo} is greater than max value {hi}"),
                ("min", "defaultRequest", "defaultRequest",
                 "min value {lo} is greater than default request value {hi}"),
                ("defaultRequest", "max", "defaultRequest",
                 "default request value {lo} is greater than max value {hi}"),
                ("defaultRequest", "default", "defaultRequest",
                 "default request value {lo} is greater than default limit value {hi}"),
                ("min", "default", "default", "min value {lo} is greater than default value {hi}"),
                ("default", "max", "default", "default value {lo} is greater than max value {hi}"))
STANDARD_LIMIT_TYPES = frozenset({"Pod", "Container", "PersistentVolumeClaim"})


# the resource names a quota may use without a domain prefix (helper.IsStandardQuotaResourceName)
STANDARD_QUOTA_RESOURCES = frozenset({
    "pods", "services", "replicationcontrollers", "resourcequotas", "secrets", "configmaps",
    "persistentvolumeclaims", "services.nodeports", "services.loadbalancers", "cpu", "memory",
    "ephemeral-storage", "storage", "requests.cpu", "requests.memory", "requests.ephemeral-storage",
    "requests.storage", "limits.cpu", "limits.memory", "limits.ephemeral-storage"})
_CONFLICTING_SCOPES = (("BestEffort", "NotBestEffort"), ("Terminating", "NotTerminating"))
# what a scope can limit (IsResourceQuotaScopeValidForResource): BestEffort pods use no compute resources, so
# only their number; the other pod scopes also limit cpu and memory; other scopes limit anything
_POD_COMPUTE = frozenset({"cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory"})
_SCOPE_RESOURCES = {"BestEffort": frozenset({"pods"}),
                    **{scope: frozenset({"pods"}) | _POD_COMPUTE for scope in (
                        "NotBestEffort", "Terminating", "NotTerminating", "PriorityClass",
                        "CrossNamespacePodAffinity")}}


def _is_standard_quota_resource(name) -> bool:
    return isinstance(name, str) and (name in STANDARD_QUOTA_RESOURCES
                                      or name.startswith(("hugepages-", "requests.hugepages-")))


def _misapplied(scope, hard: dict) -> bool:
    """Does the quota limit a standard resource the scope cannot track?"""
    allowed = _SCOPE_RESOURCES.get(scope) if isinstance(scope, str) else None
    return allowed is not None and any(_is_standard_quota_resource(k) and k not in allowed for k in hard)


def _resource_quota(spec: dict, report: Report) -> None:
    hard = mapping(spec.get("hard"))
    for key in hard:
        if isinstance(key, str) and "/" not in key and key not in STANDARD_QUOTA_RESOURCES \
                and not key.startswith(("hugepages-", "requests.hugepages-")):
            problems = syntax.qualified_name(key)
            detail = problems[0] if problems else "must be a standard resource for quota"
            report.invalid(INVALID_QUOTA, ("spec", "hard", key), key, detail, prefer_key=True)
    _quantities(hard, ("spec", "hard"), report)
    scopes = [s for s in items(spec.get("scopes")) if isinstance(s, str)]
    # one finding per scope, where the API server repeats it for every resource the scope cannot track
    for scope in scopes:
        if _misapplied(scope, hard):
            report.invalid(INVALID_QUOTA, ("spec", "scopes"), spec.get("scopes"),
                           "unsupported scope applied to resource", _scope_hint(scope))
    selector = mapping(spec.get("scopeSelector"))
    for expression in items(selector.get("matchExpressions")):
        scope = mapping(expression).get("scopeName")
        if _misapplied(scope, hard):
            report.invalid(INVALID_QUOTA, ("spec", "scopeSelector", "matchExpressions"),
                           selector, "unsupported scope applied to resource", _scope_hint(scope))
    for pair in _CONFLICTING_SCOPES:
        if all(scope in scopes for scope in pair):
            report.invalid(INVALID_QUOTA, ("spec", "scopes"), "...", "conflicting scopes")


def _scope_hint(scope: str) -> str:
    tracked = ", ".join(sorted(_SCOPE_RESOURCES[scope]))
    return f"A {scope} quota can only limit {tracked}; put other resources in a quota without this scope."


def _limit_range(spec: dict, report: Report) -> None:
    types: set = set()
    for i, limit in enumerate(items(spec.get("limits"))):
        if not isinstance(limit, dict):
            continue
        path = ("spec", "limits", i)
        kind = text(limit.get("type"))
        if kind is not None:
            problems = syntax.qualified_name(kind)
            for msg in problems:
                report.invalid(INVALID_QUOTA, path + ("type",), kind, msg)
            if not problems and "/" not in kind and kind not in STANDARD_LIMIT_TYPES:
                report.invalid(INVALID_QUOTA, path + ("type",), kind, "must be a standard limit type or fully "
                               "qualified")
            if kind in types:
                report.duplicate(INVALID_QUOTA, path + ("type",), kind)
            types.add(kind)
        if kind == "Pod":
            for part in ("default", "defaultRequest"):
                if mapping(limit.get(part)):
                    report.forbidden(INVALID_QUOTA, path + (part,), "may not be specified when `type` is 'Pod'")
        parts = ("max", "min", "maxLimitRequestRatio") + (() if kind == "Pod" else ("default", "defaultRequest"))
        raw = {part: mapping(limit.get(part)) for part in parts}
        parsed = {part: _quantities(raw[part], path + (part,), report, nonnegative=False) for part in parts}
        if kind == "PersistentVolumeClaim" and "storage" not in raw["min"] and "storage" not in raw["max"]:
            report.required(INVALID_QUOTA, path + ("limits",), "either minimum or maximum storage value is "
                            "required, but neither was provided")
        for low, high, where, message in _LIMIT_ORDER:
            for key, amount in parsed.get(low, {}).items():
                top = parsed.get(high, {}).get(key)
                if top is not None and amount > top:
                    report.invalid(INVALID_QUOTA, path + (where, key), raw[where].get(key),
                                   message.format(lo=raw[low][key], hi=raw[high][key]))
        for key, ratio in parsed["maxLimitRequestRatio"].items():
            if ratio < 1:
                report.invalid(INVALID_QUOTA, path + ("maxLimitRequestRatio", key), raw["maxLimitRequestRatio"][key],
                               f"ratio {raw['maxLimitRequestRatio'][key]} is less than 1")


def _quantities(values: dict, path: tuple, report: Report, nonnegative: bool = True) -> dict:
    """The readable quantities (ValidateResourceQuantityValue also refuses negative ones; ValidateLimitRange
    only compares them)."""
    parsed = {}
    for key, raw in values.items():
        if not isinstance(raw, (str, int, float)) or isinstance(raw, bool):
            continue
        amount = syntax.quantity(raw)
        if amount is None:
            report.invalid(INVALID_QUOTA, path + (key,), raw, syntax.QUANTITY_ERROR)
        elif amount < 0 and nonnegative:
            report.invalid(INVALID_QUOTA, path + (key,), raw, "must be greater than or equal to 0")
        else:
            parsed[key] = amount
    return parsed


def _priority_class(resource, report: Report) -> None:
    name = text(resource.metadata.get("name")) or ""
    value = integer(resource.data.get("value"))
    if name.startswith("system-"):
        if SYSTEM_CLASSES.get(name) != value:
            report.forbidden(INVALID_PRIORITY_CLASS, ("metadata", "name"),
                             "priority class names with 'system-' prefix are reserved for system use only")
    elif value is not None and value > HIGHEST_USER_PRIORITY:
        report.forbidden(INVALID_PRIORITY_CLASS, ("value",),
                         f"maximum allowed value of a user defined priority is {HIGHEST_USER_PRIORITY}")
