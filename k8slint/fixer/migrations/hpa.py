"""HorizontalPodAutoscaler: extensions/v1beta1 to autoscaling/v1, and v2alpha1 / v2beta1 / v2beta2 to
autoscaling/v2 (v2beta2 already has the v2 shape; the older ones name metric targets differently)."""
from __future__ import annotations

from . import SAFE, NoFix, Proposal, api, as_list

V2 = "autoscaling/v2"
_SCALE_TARGET_API = {"Deployment": "apps/v1", "ReplicaSet": "apps/v1", "StatefulSet": "apps/v1",
                     "ReplicationController": "v1"}


SECTIONS = {"Resource": "resource", "Pods": "pods", "Object": "object", "External": "external",
            "ContainerResource": "containerResource"}


def _check_metric(metric, where: str) -> None:
    kind = metric.get("type") if isinstance(metric, dict) else None
    if not isinstance(kind, str) or not isinstance(metric.get(SECTIONS.get(kind, "")), dict):
        raise NoFix(f"{where} has no metric source matching its type")


def _rewrite_metric(ed, base: tuple, where: str) -> bool:
    """Rewrite one v2beta1 metric (at `base`) in the v2 shape; True when something changed."""
    metric = ed.get(base)
    _check_metric(metric, where)
    kind = metric["type"]
    p = base + (SECTIONS[kind],)
    body = ed.get(p)
    before = dict(body)

    def target(old_key: str, type_: str, field: str) -> None:
        ed.replace(p + (old_key,), "target", {"type": type_, field: body[old_key]})

    if kind in ("Resource", "ContainerResource"):
        if "targetAverageUtilization" in body:
            target("targetAverageUtilization", "Utilization", "averageUtilization")
        elif "targetAverageValue" in body:
            target("targetAverageValue", "AverageValue", "averageValue")
        return ed.get(p) != before
    if kind == "Object" and isinstance(body.get("target"), dict) and "describedObject" not in body:
        ed.rename(p + ("target",), "describedObject")
    selector_key = "metricSelector" if kind == "External" else "selector"
    if "metricName" in body:
        value = {"name": body["metricName"]}
        if selector_key in body:
            value["selector"] = ed.extract(p + (selector_key,))
            ed.delete(p + (selector_key,))
        ed.replace(p + ("metricName",), "metric", value)
    if kind == "Pods" and "targetAverageValue" in body:
        target("targetAverageValue", "AverageValue", "averageValue")
    elif kind == "Object" and "averageValue" in body:
        ed.delete(p + ("targetValue",))
        target("averageValue", "AverageValue", "averageValue")
    elif kind == "Object" and "targetValue" in body:
        target("targetValue", "Value", "value")
    elif kind == "External" and "targetAverageValue" in body:
        target("targetAverageValue", "AverageValue", "averageValue")
    elif kind == "External" and "targetValue" in body:
        target("targetValue", "Value", "value")
    return ed.get(p) != before


@api([("autoscaling/v2beta1", "HorizontalPodAutoscaler"), ("autoscaling/v2alpha1", "HorizontalPodAutoscaler")])
def hpa_v2(resource, finding, ctx):
    """v2beta1 metric sources (targetAverageUtilization, metricName, targetValue ...) to v2 metric/target."""
    ctx.require(V2, "HorizontalPodAutoscaler")
    for i, metric in enumerate(as_list(resource.get(("spec", "metrics")))):
        _check_metric(metric, f"spec.metrics[{i}]")
    old = resource.api_version

    def run(ed):
        ed.set(("apiVersion",), V2)
        notes = [f"apiVersion {old} -> {V2}"]
        for i, metric in enumerate(as_list(ed.get(("spec", "metrics")))):
            if _rewrite_metric(ed, ("spec", "metrics", i), f"spec.metrics[{i}]"):
                notes.append(f"spec.metrics[{i}] ({metric.get('type')}) written with v2 metric and target fields")
        return notes

    return Proposal(finding.rule_id, f"migrate HorizontalPodAutoscaler to {V2}", SAFE, run,
                    manual="Set apiVersion: autoscaling/v2 and rewrite each metric: targetAverageUtilization: U -> "
                           "target: {type: Utilization, averageUtilization: U}; targetAverageValue: Q -> target: "
                           "{type: AverageValue, averageValue: Q}; metricName/selector -> metric: {name, selector}; "
                           "object.target -> object.describedObject; targetValue: Q -> target: {type: Value, "
                           "value: Q}.")


@api([("autoscaling/v2beta2", "HorizontalPodAutoscaler")])
def hpa_v2beta2(resource, finding, ctx):
    """v2beta2 already has the v2 shape: apiVersion only."""
    ctx.require(V2, "HorizontalPodAutoscaler")

    def run(ed):
        ed.set(("apiVersion",), V2)
        return [f"apiVersion autoscaling/v2beta2 -> {V2} (no field changes)"]

    return Proposal(finding.rule_id, f"migrate HorizontalPodAutoscaler to {V2}", SAFE, run,
                    manual=f"Set apiVersion: {V2}.")


@api([("extensions/v1beta1", "HorizontalPodAutoscaler")])
def hpa_extensions(resource, finding, ctx):
    """extensions/v1beta1 to autoscaling/v1: scaleRef -> scaleTargetRef, cpuUtilization -> a percentage."""
    ctx.require("autoscaling/v1", "HorizontalPodAutoscaler")
    ref = resource.get(("spec", "scaleRef"))
    if not isinstance(ref, dict) or ref.get("kind") not in _SCALE_TARGET_API or not ref.get("name"):
        raise NoFix("spec.scaleRef does not name a Deployment, ReplicaSet, StatefulSet or ReplicationController",
                    "Write spec.scaleTargetRef: {apiVersion, kind, name} for the scaled workload.")

    def run(ed):
        ed.set(("apiVersion",), "autoscaling/v1")
        target = {"apiVersion": _SCALE_TARGET_API[ref["kind"]], "kind": ref["kind"], "name": ref["name"]}
        ed.replace(("spec", "scaleRef"), "scaleTargetRef", target)
        notes = ["apiVersion extensions/v1beta1 -> autoscaling/v1",
                 f"spec.scaleRef -> spec.scaleTargetRef (apiVersion {target['apiVersion']})"]
        percent = ed.get(("spec", "cpuUtilization", "targetPercentage"))
        if ed.has(("spec", "cpuUtilization")):
            if percent is not None:
                ed.replace(("spec", "cpuUtilization"), "targetCPUUtilizationPercentage", percent)
                notes.append("spec.cpuUtilization.targetPercentage -> spec.targetCPUUtilizationPercentage")
            else:
                ed.delete(("spec", "cpuUtilization"))
        return notes

    return Proposal(finding.rule_id, "migrate HorizontalPodAutoscaler to autoscaling/v1", SAFE, run,
                    manual="Set apiVersion: autoscaling/v1; replace spec.scaleRef by spec.scaleTargetRef {apiVersion, "
                           "kind, name}; spec.cpuUtilization.targetPercentage -> spec.targetCPUUtilizationPercentage.")
