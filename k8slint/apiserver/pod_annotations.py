"""Annotations the API server reads on a pod (ValidatePodSpecificAnnotations), other than the seccomp and
AppArmor ones (`profile_annotations`): the mirror-pod annotation needs a node, and a Pod's deletion cost is a
32-bit integer (from 1.22, when PodDeletionCost came on by default).
"""
from __future__ import annotations

from .base import Report, at_least, rule
from .pods import POD_SPEC_PATHS, pod_annotations

KINDS = frozenset(POD_SPEC_PATHS)

MIRROR = "kubernetes.io/config.mirror"
DELETION_COST = "controller.kubernetes.io/pod-deletion-cost"
INT32 = (-2 ** 31, 2 ** 31 - 1)

INVALID_POD_ANNOTATION = rule(
    "SRV055", "invalid-pod-annotation", "A pod annotation the API server reads and rejects",
    what="Checks the annotations the API server reads on a pod or pod template: `kubernetes.io/config.mirror` "
         "only with `spec.nodeName`; and, on a Pod from 1.22, `controller.kubernetes.io/pod-deletion-cost` a "
         "32-bit integer written plainly (no '+', no leading zeros).",
    why="The API server rejects the object with `must set spec.nodeName if mirror pod annotation is set` or "
        "`annotations[controller.kubernetes.io/pod-deletion-cost]: Invalid value: \"high\": must be a 32bit "
        "integer`.",
    example="apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  annotations:\n"
            "    controller.kubernetes.io/pod-deletion-cost: high\nspec:\n  containers: [{name: app, image: nginx}]\n",
    fix="Write the deletion cost as an integer such as `100` or `-5`; leave the mirror annotation to the kubelet.")

RULES = [INVALID_POD_ANNOTATION]


def walk(resource, ctx, report: Report) -> None:
    where, annotations = pod_annotations(resource)
    if annotations is None:
        return
    if MIRROR in annotations:
        spec = resource.get(POD_SPEC_PATHS[resource.kind])
        if spec.__class__ is dict and not spec.get("nodeName"):
            report.invalid(INVALID_POD_ANNOTATION, where + (MIRROR,), annotations[MIRROR],
                           "must set spec.nodeName if mirror pod annotation is set", prefer_key=True)
    cost = annotations.get(DELETION_COST)
    if resource.kind == "Pod" and isinstance(cost, str) and at_least(ctx.target, 22) and not deletion_cost_ok(cost):
        report.invalid(INVALID_POD_ANNOTATION, where + (DELETION_COST,), cost, "must be a 32bit integer",
                       prefer_key=True)


def deletion_cost_ok(value: str) -> bool:
    """GetDeletionCostFromPodAnnotations: an optional '-', then digits without a leading zero (or "0"),
    within int32."""
    if not value or not (value[0] == "-" or value == "0" or "1" <= value[0] <= "9"):
        return False
    digits = value[1:] if value[0] == "-" else value
    if not digits or not digits.isascii() or not digits.isdigit():
        return False
    return INT32[0] <= int(value) <= INT32[1]
