"""PriorityClasses, ResourceQuotas and LimitRanges as the API server checks them."""
from __future__ import annotations

from . import syntax
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
    "SRV131", "invalid-quota-quantity", "A ResourceQuota or LimitRange quantity the API server rejects",
    what="Checks the quantities of ResourceQuota `spec.hard` and LimitRange limits (`max`, `min`, `default`, "
         "`defaultRequest`): readable and not negative; and that a LimitRange's `min` does not exceed its "
         "`max` for one resource.",
    why="The API server rejects the object with `quantities must match the regular expression`, `must be "
        "greater than or equal to 0` or `min value ... is greater than max value`.",
    example="apiVersion: v1\nkind: ResourceQuota\nmetadata: {name: team}\nspec:\n  hard: {requests.memory: 10GB}\n",
    fix="Write quantities like `10Gi` or `500m`; keep min below max.")

RULES = [INVALID_PRIORITY_CLASS, INVALID_QUOTA]


def walk(resource, ctx, report: Report) -> None:
    kind = resource.kind
    if kind == "PriorityClass":
        _priority_class(resource, report)
    elif kind == "ResourceQuota":
        spec = mapping(resource.data.get("spec"))
        _quantities(mapping(spec.get("hard")), ("spec", "hard"), report)
    else:
        spec = mapping(resource.data.get("spec"))
        for i, limit in enumerate(items(spec.get("limits"))):
            if not isinstance(limit, dict):
                continue
            path = ("spec", "limits", i)
            parsed = {part: _quantities(mapping(limit.get(part)), path + (part,), report)
                      for part in ("max", "min", "default", "defaultRequest")}
            for key, low in parsed["min"].items():
                high = parsed["max"].get(key)
                if high is not None and low > high:
                    report.invalid(INVALID_QUOTA, path + ("min", key), mapping(limit.get("min")).get(key),
                                   f"min value {mapping(limit.get('min')).get(key)} is greater than max value "
                                   f"{mapping(limit.get('max')).get(key)}")


def _quantities(values: dict, path: tuple, report: Report) -> dict:
    parsed = {}
    for key, raw in values.items():
        if not isinstance(raw, (str, int, float)) or isinstance(raw, bool):
            continue
        amount = syntax.quantity(raw)
        if amount is None:
            report.invalid(INVALID_QUOTA, path + (key,), raw, syntax.QUANTITY_ERROR)
        elif amount < 0:
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
