"""RuntimeClasses as the node API server checks them: the handler name the kubelet's runtime knows."""
from __future__ import annotations

from .. import apisyntax as syntax
from .base import Report, rule

KINDS = frozenset({"RuntimeClass"})

INVALID_HANDLER = rule(
    "SRV160", "invalid-runtime-class-handler", "A RuntimeClass handler that is not a DNS-1123 label",
    what="Checks the `handler` of a node.k8s.io/v1 (and v1beta1) RuntimeClass: a DNS-1123 label (at most 63 "
         "lower-case alphanumerics and '-').",
    why="The API server rejects the RuntimeClass with `handler: Invalid value: ...: a lowercase RFC 1123 label "
        "must consist of lower case alphanumeric characters or '-'`; the handler names a runtime entry in the "
        "CRI configuration of the nodes.",
    example="apiVersion: node.k8s.io/v1\nkind: RuntimeClass\nmetadata: {name: sandboxed}\nhandler: Kata_QEMU\n",
    fix="Use the handler name of the CRI configuration, lower-case with '-' (`kata-qemu`, `runsc`).")

RULES = [INVALID_HANDLER]


def walk(resource, ctx, report: Report) -> None:
    # v1alpha1 (1.12-1.21) spelled it spec.runtimeHandler, with the same rule; v1 and v1beta1 carry `handler`
    if resource.api_version not in ("node.k8s.io/v1", "node.k8s.io/v1beta1"):
        return
    handler = resource.data.get("handler")
    if isinstance(handler, str):
        for msg in syntax.dns1123_label(handler):
            report.invalid(INVALID_HANDLER, ("handler",), handler, msg)
