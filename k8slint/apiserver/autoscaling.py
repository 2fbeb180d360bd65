"""HorizontalPodAutoscalers and PodDisruptionBudgets as the autoscaling and policy API servers check them."""
from __future__ import annotations

from .base import Report, integer, rule
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
         "non-negative integer or a percentage up to 100%.",
    why="The API server rejects it with `minAvailable and maxUnavailable cannot be both set`.",
    example="apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: web}\nspec:\n"
            "  minAvailable: 1\n  maxUnavailable: 1\n  selector: {matchLabels: {app: web}}\n",
    fix="Keep one of the two.")

RULES = [INVALID_HPA, INVALID_PDB]
REPORTS = [INVALID_SELECTOR]  # rules of other areas this one reports too


def walk(resource, ctx, report: Report) -> None:
    spec = resource.data.get("spec")
    if not isinstance(spec, dict):
        return
    if resource.kind == "HorizontalPodAutoscaler":
        _hpa(spec, report)
    elif resource.api_version in ("policy/v1", "policy/v1beta1"):
        _pdb(spec, report)


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



