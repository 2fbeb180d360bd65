"""HorizontalPodAutoscalers and PodDisruptionBudgets as the autoscaling and policy API servers check them."""
from __future__ import annotations

from .. import apisyntax as syntax
from .base import Report, at_least, integer, items, mapping, rule
from .workloads import INVALID_SELECTOR, check_label_selector

KINDS = frozenset({"HorizontalPodAutoscaler", "PodDisruptionBudget"})

INVALID_HPA = rule(
    "SRV100", "invalid-hpa-replicas", "HorizontalPodAutoscaler replica bounds the API server rejects",
    what="Checks `minReplicas` (at least 1), `maxReplicas` (at least 1, not below minReplicas), the "
         "`scaleTargetRef` kind and name, and autoscaling/v1 `targetCPUUtilizationPercentage` (above 0).",
    why="The API server rejects the autoscaler with `spec.maxReplicas: Invalid value: ...: must be greater "
        "than or equal to `minReplicas`` and similar answers.",
    example="apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web}\nspec:\n"
            "  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  minReplicas: 5\n"
            "  maxReplicas: 3\n",
    fix="Keep 1 <= minReplicas <= maxReplicas.")
INVALID_PDB = rule(
    "SRV101", "invalid-pdb-budget", "A PodDisruptionBudget with both budgets or a malformed one",
    what="Checks that a PodDisruptionBudget sets at most one of `minAvailable` and `maxUnavailable`, each a "
         "non-negative integer or a percentage up to 100%, and from 1.27 an `unhealthyPodEvictionPolicy` of "
         "`IfHealthyBudget` or `AlwaysAllow`.",
    why="The API server rejects it with `minAvailable and maxUnavailable cannot be both set`.",
    example="apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: web}\nspec:\n"
            "  minAvailable: 1\n  maxUnavailable: 1\n  selector: {matchLabels: {app: web}}\n",
    fix="Keep one of the two.")

INVALID_HPA_METRIC = rule(
    "SRV102", "invalid-hpa-metric", "An autoscaling/v2 metric or target the API server rejects",
    what="Checks every `spec.metrics` entry of an autoscaling/v2 (and v2beta2, and v2beta1 in its own spelling: "
         "`targetAverageUtilization`, `targetAverageValue`, `targetValue`) HorizontalPodAutoscaler: its "
         "`type` (Resource, Pods, Object, External, ContainerResource) names the one source that is set; the "
         "target has a type (Utilization, Value or AverageValue) and positive values; a Resource source sets "
         "`averageUtilization` or `averageValue` (not both), a Pods source `averageValue`, an Object or "
         "External source `value` or `averageValue` (External: not both).",
    why="The API server rejects the autoscaler with `spec.metrics[0].resource: Required value: must populate "
        "information for the given metric source`, `...target.averageUtilization: Required value: must set "
        "either a target raw value or a target utilization` and similar answers.",
    example="apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web}\nspec:\n"
            "  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  maxReplicas: 5\n"
            "  metrics:\n  - type: Resource\n    resource: {name: cpu, target: {type: Utilization}}\n",
    fix="Give each metric the source block its `type` names and a target with a positive value, for example "
        "`resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}`.")
INVALID_HPA_BEHAVIOR = rule(
    "SRV103", "invalid-hpa-behavior", "HorizontalPodAutoscaler scaling behavior the API server rejects",
    what="Checks `spec.behavior.scaleUp` and `scaleDown` (autoscaling/v2, and v2beta2 from 1.18): "
         "`stabilizationWindowSeconds` from 0 to 3600, `selectPolicy` Max, Min or Disabled, a `policies` list "
         "that is not empty when given, each policy of type Pods or Percent with a `value` above 0 and "
         "`periodSeconds` from 1 to 1800.",
    why="The API server rejects the autoscaler with `spec.behavior.scaleDown.stabilizationWindowSeconds: "
        "Invalid value: 7200: must be less than or equal to 3600` and similar answers.",
    example="apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web}\nspec:\n"
            "  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  maxReplicas: 5\n"
            "  behavior:\n    scaleDown: {stabilizationWindowSeconds: 7200}\n",
    fix="Keep stabilization windows within an hour and policy periods within 30 minutes; omit `policies` to "
        "get the defaults.")

RULES = [INVALID_HPA, INVALID_PDB, INVALID_HPA_METRIC, INVALID_HPA_BEHAVIOR]

EVICTION_POLICIES = ["AlwaysAllow", "IfHealthyBudget"]
MAX_STABILIZATION_WINDOW_SECONDS = 3600
MAX_PERIOD_SECONDS = 1800
# metric type -> the field of its source, in the order the API server looks at the sources
METRIC_SOURCES = {"Object": "object", "External": "external", "Pods": "pods", "Resource": "resource",
                  "ContainerResource": "containerResource"}
TARGET_TYPES = ("Utilization", "Value", "AverageValue")
REPORTS = [INVALID_SELECTOR]  # rules of other areas this one reports too


def walk(resource, ctx, report: Report) -> None:
    spec = resource.data.get("spec")
    if not isinstance(spec, dict):
        return
    if resource.kind == "HorizontalPodAutoscaler":
        _hpa(spec, report)
        if resource.api_version == "autoscaling/v2beta1":  # its own spelling, the same checks
            for i, metric in enumerate(items(spec.get("metrics"))):
                if isinstance(metric, dict) and metric.get("type") != "ContainerResource":
                    _metric(metric, ("spec", "metrics", i), report, v2beta1=True)
        if resource.api_version in ("autoscaling/v2", "autoscaling/v2beta2"):
            for i, metric in enumerate(items(spec.get("metrics"))):
                # HPAContainerMetrics was off by default before 1.27: its metrics were handled apart
                if isinstance(metric, dict) and (metric.get("type") != "ContainerResource"
                                                 and metric.get("containerResource") is None
                                                 or at_least(ctx.target, 27)):
                    _metric(metric, ("spec", "metrics", i), report)
            if at_least(ctx.target, 18):
                behavior = mapping(spec.get("behavior"))
                for key in ("scaleUp", "scaleDown"):
                    if isinstance(behavior.get(key), dict):
                        _scaling_rules(behavior[key], ("spec", "behavior", key), report)
    elif resource.api_version in ("policy/v1", "policy/v1beta1"):
        _pdb(spec, report)
        policy = spec.get("unhealthyPodEvictionPolicy")
        # PDBUnhealthyPodEvictionPolicy: on by default from 1.27 (before, the field was dropped on create)
        if isinstance(policy, str) and policy not in EVICTION_POLICIES and at_least(ctx.target, 27):
            report.unsupported(INVALID_PDB, ("spec", "unhealthyPodEvictionPolicy"), policy, EVICTION_POLICIES)


def _hpa(spec: dict, report: Report) -> None:
    low, high = integer(spec.get("minReplicas")), integer(spec.get("maxReplicas"))
    if low is not None and low < 1:
        report.invalid(INVALID_HPA, ("spec", "minReplicas"), low, "must be greater than or equal to 1")
    if high is not None:
        if high < 1:
            report.invalid(INVALID_HPA, ("spec", "maxReplicas"), high, "must be greater than 0")
        elif low is not None and low >= 1 and high < low:
            report.invalid(INVALID_HPA, ("spec", "maxReplicas"), high,
                           "must be greater than or equal to `minReplicas`")
    ref = spec.get("scaleTargetRef")
    if isinstance(ref, dict):
        for key in ("kind", "name"):
            value = ref.get(key)
            if value in (None, ""):
                report.required(INVALID_HPA, ("spec", "scaleTargetRef", key))
            elif isinstance(value, str) and key == "name" and ("/" in value or "%" in value or value in (".", "..")):
                report.invalid(INVALID_HPA, ("spec", "scaleTargetRef", "name"), value,
                               "may not contain '/' or '%' or be '.' or '..'")
    cpu = integer(spec.get("targetCPUUtilizationPercentage"))
    if cpu is not None and cpu < 1:
        report.invalid(INVALID_HPA, ("spec", "targetCPUUtilizationPercentage"), cpu, "must be greater than 0")


def _budget(value, path: tuple, report: Report) -> None:
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, int):
        if value < 0:
            report.invalid(INVALID_PDB, path, value, "must be greater than or equal to 0")
    elif isinstance(value, str):
        if not (value.endswith("%") and value[:-1].isdigit() and value[:-1].isascii()):
            report.invalid(INVALID_PDB, path, value, "a valid percent string must be a numeric string followed "
                           "by an ending '%' (e.g. '1%' or '93%', regex used for validation is '[0-9]+%')")
        elif int(value[:-1]) > 100:
            report.invalid(INVALID_PDB, path, value, "must not be greater than 100%")


def _pdb(spec: dict, report: Report) -> None:
    if spec.get("minAvailable") is not None and spec.get("maxUnavailable") is not None:
        report.invalid(INVALID_PDB, ("spec",), "...", "minAvailable and maxUnavailable cannot be both set")
    for key in ("minAvailable", "maxUnavailable"):
        _budget(spec.get(key), ("spec", key), report)
    if isinstance(spec.get("selector"), dict):
        check_label_selector(spec["selector"], ("spec", "selector"), report)





def _metric(metric: dict, path: tuple, report: Report, v2beta1: bool = False) -> None:
    kind = metric.get("type")
    if not isinstance(kind, str):
        return
    present = [field for field in METRIC_SOURCES.values() if metric.get(field) is not None]
    expected = METRIC_SOURCES.get(kind)
    if kind == "":
        report.required(INVALID_HPA_METRIC, path + ("type",), "must specify a metric source type")
    if expected is None:
        report.unsupported(INVALID_HPA_METRIC, path + ("type",), kind, sorted(METRIC_SOURCES))
    elif expected not in present:
        report.required(INVALID_HPA_METRIC, path + (expected,), "must populate information for the given metric "
                        "source")
    if len(present) != 1:
        for field in present:
            if field != expected:
                report.forbidden(INVALID_HPA_METRIC, path + (field,), "must populate the given metric source only")
    if present:  # the API server validates the first source set
        first = present[0]
        source = metric[first]
        if isinstance(source, dict):
            (_v2beta1_source if v2beta1 else _source)(first, source, path + (first,), report)


def _source(field: str, source: dict, path: tuple, report: Report) -> None:
    target = source.get("target")
    if not isinstance(target, dict):
        return  # the schema requires it
    tpath = path + ("target",)
    _target(target, tpath, report)
    utilization, average, value = (target.get(k) is not None for k in ("averageUtilization", "averageValue",
                                                                         "value"))
    if field in ("resource", "containerResource"):
        if not utilization and not average:
            report.required(INVALID_HPA_METRIC, tpath + ("averageUtilization",),
                            "must set either a target raw value or a target utilization")
        elif utilization and average:
            report.forbidden(INVALID_HPA_METRIC, tpath + ("averageValue",),
                             "may not set both a target raw value and a target utilization")
    elif field == "pods":
        if not average:
            report.required(INVALID_HPA_METRIC, tpath + ("averageValue",), "must specify a positive target "
                            "averageValue")
    elif field == "object":
        if not value and not average:
            report.required(INVALID_HPA_METRIC, tpath + ("averageValue",), "must set either a target value or "
                            "averageValue")
    elif field == "external":
        if not value and not average:
            report.required(INVALID_HPA_METRIC, tpath + ("averageValue",), "must set either a target value for "
                            "metric or a per-pod target")
        elif value and average:
            report.forbidden(INVALID_HPA_METRIC, tpath + ("value",), "may not set both a target value for metric "
                             "and a per-pod target")


def _target(target: dict, path: tuple, report: Report) -> None:
    kind = target.get("type")
    if kind in (None, ""):
        report.required(INVALID_HPA_METRIC, path + ("type",), "must specify a metric target type")
    if isinstance(kind, str) and kind not in TARGET_TYPES:
        report.invalid(INVALID_HPA_METRIC, path + ("type",), kind, "must be either Utilization, Value, or "
                       "AverageValue")
    for key in ("value", "averageValue"):
        amount = syntax.quantity(target.get(key)) if target.get(key) is not None else None
        if amount is not None and amount <= 0:
            report.invalid(INVALID_HPA_METRIC, path + (key,), target[key], "must be positive")
    utilization = integer(target.get("averageUtilization"))
    if utilization is not None and utilization < 1:
        report.invalid(INVALID_HPA_METRIC, path + ("averageUtilization",), utilization, "must be greater than 0")


def _scaling_rules(rules: dict, path: tuple, report: Report) -> None:
    window = integer(rules.get("stabilizationWindowSeconds"))
    if window is not None and window < 0:
        report.invalid(INVALID_HPA_BEHAVIOR, path + ("stabilizationWindowSeconds",), window,
                       "must be greater than or equal to zero")
    elif window is not None and window > MAX_STABILIZATION_WINDOW_SECONDS:
        report.invalid(INVALID_HPA_BEHAVIOR, path + ("stabilizationWindowSeconds",), window,
                       f"must be less than or equal to {MAX_STABILIZATION_WINDOW_SECONDS}")
    select = rules.get("selectPolicy")
    if isinstance(select, str) and select not in ("Disabled", "Max", "Min"):
        report.unsupported(INVALID_HPA_BEHAVIOR, path + ("selectPolicy",), select, ["Disabled", "Max", "Min"])
    policies = rules.get("policies")
    if policies == []:  # absent is defaulted; an explicit empty list is kept and refused
        report.required(INVALID_HPA_BEHAVIOR, path + ("policies",), "must specify at least one Policy")
    for i, policy in enumerate(items(policies)):
        if not isinstance(policy, dict):
            continue
        ppath = path + ("policies", i)
        kind = policy.get("type")
        if isinstance(kind, str) and kind not in ("Percent", "Pods"):
            report.unsupported(INVALID_HPA_BEHAVIOR, ppath + ("type",), kind, ["Percent", "Pods"])
        value = integer(policy.get("value"))
        if value is not None and value <= 0:
            report.invalid(INVALID_HPA_BEHAVIOR, ppath + ("value",), value, "must be greater than zero")
        period = integer(policy.get("periodSeconds"))
        if period is not None and period <= 0:
            report.invalid(INVALID_HPA_BEHAVIOR, ppath + ("periodSeconds",), period, "must be greater than zero")
        elif period is not None and period > MAX_PERIOD_SECONDS:
            report.invalid(INVALID_HPA_BEHAVIOR, ppath + ("periodSeconds",), period,
                           f"must be less than or equal to {MAX_PERIOD_SECONDS}")


def _v2beta1_source(field: str, source: dict, path: tuple, report: Report) -> None:
    """A v2beta1 source (targetAverageUtilization, targetAverageValue, targetValue ...): converted to the v2
    shape, then validated as v2 is."""
    utilization = integer(source.get("targetAverageUtilization"))
    values = {key: source.get(key) for key in ("targetAverageValue", "targetValue", "averageValue")}
    for key, raw in values.items():
        amount = syntax.quantity(raw) if raw is not None else None
        if amount is not None and amount <= 0:
            report.invalid(INVALID_HPA_METRIC, path + (key,), raw, "must be positive")
    average, value = values["targetAverageValue"] is not None, values["targetValue"] is not None
    if field == "resource":
        if utilization is not None and utilization < 1:
            report.invalid(INVALID_HPA_METRIC, path + ("targetAverageUtilization",), utilization,
                           "must be greater than 0")
        if source.get("targetAverageUtilization") is None and not average:
            report.required(INVALID_HPA_METRIC, path + ("targetAverageUtilization",),
                            "must set either a target raw value or a target utilization")
        elif source.get("targetAverageUtilization") is not None and average:
            report.forbidden(INVALID_HPA_METRIC, path + ("targetAverageValue",),
                             "may not set both a target raw value and a target utilization")
    elif field == "external":
        if not value and not average:
            report.required(INVALID_HPA_METRIC, path + ("targetAverageValue",), "must set either a target value "
                            "for metric or a per-pod target")
        elif value and average:
            report.forbidden(INVALID_HPA_METRIC, path + ("targetValue",), "may not set both a target value for "
                             "metric and a per-pod target")
