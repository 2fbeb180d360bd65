"""IngressClasses as the networking API server checks them: the controller's domain-prefixed name and the
parameters reference (its kind and name, and from 1.21 its scope and namespace)."""
from __future__ import annotations

from .. import apisyntax as syntax
from ..lazyre import lazy
from .base import Report, at_least, rule, text

KINDS = frozenset({"IngressClass"})

CONTROLLER_MAX = 250  # maxLenIngressClassController
HTTP_PATH = lazy(r"[A-Za-z0-9/\-._~%!$&'()*+,;=:]+")  # the path characters of RFC 3986
SCOPES = ["Cluster", "Namespace"]

INVALID_INGRESS_CLASS = rule(
    "SRV093", "invalid-ingress-class", "An IngressClass controller or parameters reference the API server rejects",
    what="Checks an IngressClass: `spec.controller` is a domain-prefixed path (`example.com/ingress`, at most 250 "
         "characters); `spec.parameters` names a kind and a name (path segments) in an optional DNS-subdomain "
         "`apiGroup`; from 1.21 its `scope` is `Cluster` (the default) or `Namespace`, a `Namespace` scope needs a "
         "`namespace` (a DNS-1123 label) and a `Cluster` scope takes none.",
    why="The API server rejects the class with `spec.controller: Invalid value: \"nginx\": must be a "
        "domain-prefixed path (such as \"acme.io/foo\")` or `spec.parameters.namespace: Required value: "
        "`parameters.scope` is set to 'Namespace'`.",
    example="apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: {name: nginx}\n"
            "spec:\n  controller: nginx\n",
    fix="Name the controller with its domain (`k8s.io/ingress-nginx`, `example.com/ingress-controller`); give "
        "namespaced parameters their namespace.")

RULES = [INVALID_INGRESS_CLASS]


def walk(resource, ctx, report: Report) -> None:
    spec = resource.data.get("spec")
    if not isinstance(spec, dict) or not resource.api_version.startswith("networking.k8s.io/"):
        return
    controller = text(spec.get("controller"))
    if controller:
        _check_controller(controller, report)
    params = spec.get("parameters")
    if isinstance(params, dict):
        _check_parameters(params, ctx, report)


def _check_controller(controller: str, report: Report) -> None:
    path = ("spec", "controller")
    if len(controller) > CONTROLLER_MAX:
        report.too_long(INVALID_INGRESS_CLASS, path, f"may not be more than {CONTROLLER_MAX} bytes")
    host, slash, rest = controller.partition("/")
    if not slash or not host or not rest:
        report.invalid(INVALID_INGRESS_CLASS, path, controller,
                       "must be a domain-prefixed path (such as \"acme.io/foo\")")
        return
    for msg in syntax.dns1123_subdomain(host):
        report.invalid(INVALID_INGRESS_CLASS, path, host, msg)
    if not HTTP_PATH.fullmatch(rest):
        report.invalid(INVALID_INGRESS_CLASS, path, rest, "Invalid path (regex used for validation is "
                       f"'{HTTP_PATH.pattern}')")


def _check_parameters(params: dict, ctx, report: Report) -> None:
    base = ("spec", "parameters")
    group = text(params.get("apiGroup"))
    if group:
        for msg in syntax.dns1123_subdomain(group):
            report.invalid(INVALID_INGRESS_CLASS, base + ("apiGroup",), group, msg)
    for key in ("kind", "name"):
        value = params.get(key)
        if value in (None, ""):
            report.required(INVALID_INGRESS_CLASS, base + (key,), f"{key} is required")
        elif isinstance(value, str):
            for msg in syntax.path_segment_name(value):
                report.invalid(INVALID_INGRESS_CLASS, base + (key,), value, msg)
    if not at_least(ctx.target, 21):  # IngressClassNamespacedParams: scope and namespace reach validation
        return
    scope = params.get("scope", "Cluster")  # defaulted to Cluster
    namespace = params.get("namespace")
    if not isinstance(scope, str):
        return
    if scope not in SCOPES:
        report.unsupported(INVALID_INGRESS_CLASS, base + ("scope",), scope, SCOPES)
    elif scope == "Namespace":
        if namespace is None:
            report.required(INVALID_INGRESS_CLASS, base + ("namespace",), "`parameters.scope` is set to 'Namespace'")
        elif isinstance(namespace, str):
            for msg in syntax.dns1123_label(namespace):
                report.invalid(INVALID_INGRESS_CLASS, base + ("namespace",), namespace, msg)
    elif namespace is not None:
        report.forbidden(INVALID_INGRESS_CLASS, base + ("namespace",), "`parameters.scope` is set to 'Cluster'")
