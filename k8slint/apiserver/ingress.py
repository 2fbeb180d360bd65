"""Ingresses (networking.k8s.io/v1) as the API server checks them: hosts, paths by pathType, backends."""
from __future__ import annotations

import ipaddress

from .. import apisyntax as syntax
from .base import Report, at_least, integer, items, mapping, rule, text

KINDS = frozenset({"Ingress"})

_ING = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web}\nspec:\n"

INVALID_PATH = rule(
    "SRV090", "invalid-ingress-path", "An Ingress path its pathType does not allow",
    what="Checks `rules[].http.paths`: at least one path per rule; `Prefix` and `Exact` paths start with '/' "
         "and hold no `//`, `/./`, `/../`, `%2f` or a trailing `/.` or `/..`; `ImplementationSpecific` paths, "
         "when given, start with '/'. The beta APIs (`extensions/v1beta1`, `networking.k8s.io/v1beta1`, served "
         "until 1.21) are checked the same way from 1.18, a path without `pathType` counting as "
         "`ImplementationSpecific` (its default); before 1.18 a path, when given, only has to start with '/' "
         "(that API server also required a valid regular expression, which is not checked here). The paths "
         "of a beta Ingress rule whose host has a wildcard are not checked: neither are they by the API server.",
    why="The API server rejects the Ingress with `path: Invalid value: ...: must be an absolute path` and "
        "similar answers.",
    example=_ING + "  rules:\n  - http:\n      paths:\n      - path: api\n        pathType: Prefix\n"
                   "        backend: {service: {name: api, port: {number: 80}}}\n",
    fix="Start every path with '/' (`/api`).")
INVALID_BACKEND = rule(
    "SRV091", "invalid-ingress-backend", "An Ingress backend the API server rejects",
    what="Checks every backend (and `defaultBackend`): exactly one of `service` and `resource`; a service "
         "`name` (a DNS-1035 label) and a `port` with exactly one of `number` (1-65535) and `name` (a port "
         "name); and that an Ingress has rules or a default backend. The beta APIs (served until 1.21) are "
         "checked as that era's API server did: a `serviceName` (a DNS-1035 label) and a `servicePort` that is "
         "a port number or, when a string, a port name (so `servicePort: '80'` is refused); before 1.19 a "
         "missing `servicePort` counts as port 0 and is refused; from 1.18 a `resource` backend instead (a "
         "`kind` and a `name`), never both; `spec.backend` or rules required.",
    why="The API server rejects the Ingress with `port name or number is required`, `cannot set both port "
        "name & port number` and similar answers.",
    example=_ING + "  defaultBackend:\n    service: {name: web, port: {name: http, number: 80}}\n",
    fix="Give each backend one service with one port, by number or by name.")
INVALID_HOST = rule(
    "SRV092", "invalid-ingress-host", "An Ingress host that is not a DNS name",
    what="Checks `rules[].host` and `tls[].hosts`: a DNS-1123 subdomain, or `*.` followed by one; not an IP "
         "address. Also `ingressClassName`, a DNS-1123 subdomain.",
    why="The API server rejects the Ingress with `host: Invalid value: ...: must be a DNS name, not an IP "
        "address` or a DNS format error.",
    example=_ING + "  rules:\n  - host: 10.0.0.1\n    http:\n      paths:\n      - path: /\n"
                   "        pathType: Prefix\n        backend: {service: {name: web, port: {number: 80}}}\n",
    fix="Use a lower-case DNS name (`shop.example.com`, `*.example.com`); to match any host leave `host` out.")

RULES = [INVALID_PATH, INVALID_BACKEND, INVALID_HOST]

_BAD_SEQUENCES = ("//", "/./", "/../", "%2f", "%2F")
_BAD_SUFFIXES = ("/..", "/.")


_BETA = frozenset({"extensions/v1beta1", "networking.k8s.io/v1beta1"})


def walk(resource, ctx, report: Report) -> None:
    if resource.api_version in _BETA:
        _walk_beta(resource, ctx, report)
        return
    if resource.api_version != "networking.k8s.io/v1":
        return
    spec = resource.data.get("spec")
    if not isinstance(spec, dict):
        return
    rules = spec.get("rules")
    default = spec.get("defaultBackend")
    if default is None and not rules and (rules is None or isinstance(rules, list)):
        report.invalid(INVALID_BACKEND, ("spec",), "...", "either `defaultBackend` or `rules` must be specified")
    if isinstance(default, dict):
        _check_backend(default, ("spec", "defaultBackend"), report)
    name = text(spec.get("ingressClassName"))
    if name:
        for msg in syntax.dns1123_subdomain(name):
            report.invalid(INVALID_HOST, ("spec", "ingressClassName"), name, msg)
    for i, rule_ in enumerate(items(rules)):
        if not isinstance(rule_, dict):
            continue
        host = text(rule_.get("host"))
        if host:
            _check_host(host, ("spec", "rules", i, "host"), report, ip_forbidden=True)
        http = rule_.get("http")
        if not isinstance(http, dict):
            continue
        paths = http.get("paths")
        if isinstance(paths, list) and not paths:
            report.required(INVALID_PATH, ("spec", "rules", i, "http", "paths"))
        for j, entry in enumerate(items(paths)):
            if isinstance(entry, dict):
                where = ("spec", "rules", i, "http", "paths", j)
                _check_path(entry, where, report)
                backend = entry.get("backend")
                if isinstance(backend, dict):
                    _check_backend(backend, where + ("backend",), report)
    for i, tls in enumerate(items(spec.get("tls"))):
        for j, host in enumerate(items(mapping(tls).get("hosts"))):
            if isinstance(host, str):
                _check_host(host, ("spec", "tls", i, "hosts", j), report, ip_forbidden=False)


def _walk_beta(resource, ctx, report: Report) -> None:
    """The paths of a beta Ingress (served until 1.21), as validateHTTPIngressRuleValue checked them: by
    pathType from 1.18 (an omitted one defaults to ImplementationSpecific), before that only that a path is
    absolute. The rules of a wildcard host were never checked; their backends have another shape (not here)."""
    if at_least(ctx.target, 22):
        return  # no longer served: SCH003 says so
    spec = resource.data.get("spec")
    if not isinstance(spec, dict):
        return
    rules, default = spec.get("rules"), spec.get("backend")
    if default is None and not rules and (rules is None or isinstance(rules, list)):
        report.invalid(INVALID_BACKEND, ("spec",), "...", "either `backend` or `rules` must be specified")
    if isinstance(default, dict):
        _check_beta_backend(default, ("spec", "backend"), ctx, report)
    for i, rule_ in enumerate(items(rules)):
        if not isinstance(rule_, dict) or "*" in (text(rule_.get("host")) or ""):
            continue
        http = rule_.get("http")
        if not isinstance(http, dict):
            continue
        paths = http.get("paths")
        if isinstance(paths, list) and not paths:
            report.required(INVALID_PATH, ("spec", "rules", i, "http", "paths"))
        for j, entry in enumerate(items(paths)):
            if not isinstance(entry, dict):
                continue
            where = ("spec", "rules", i, "http", "paths", j)
            if at_least(ctx.target, 18):
                kind = entry.get("pathType")
                _check_path(entry, where, report, "ImplementationSpecific" if kind is None else kind)
            else:
                value = entry.get("path")
                if isinstance(value, str) and value and not value.startswith("/"):
                    report.invalid(INVALID_PATH, where + ("path",), value, "must be an absolute path")
            backend = entry.get("backend")
            if isinstance(backend, dict):
                _check_beta_backend(backend, where + ("backend",), ctx, report)


def _check_beta_backend(backend: dict, path: tuple, ctx, report: Report) -> None:
    """A beta backend (`serviceName`, `servicePort`, from 1.18 `resource`) as validateIngressBackend saw it
    after conversion: from 1.19 a service backend exists when a name or a port is given and an empty one is
    refused; before, a backend without a resource is a service backend whose port defaults to 0 (until 1.18
    the schema required both fields, so an omitted one is the schema's finding there)."""
    name, port, resource = backend.get("serviceName"), backend.get("servicePort"), backend.get("resource")
    if not isinstance(name, (str, type(None))) or not isinstance(port, (str, int, type(None))) \
            or isinstance(port, bool):
        return  # the schema's finding
    if not at_least(ctx.target, 18):
        if name is None or port is None:
            return  # both were required fields of the schema until 1.18: SCH001 says so
        resource = None  # the field did not exist yet: the schema says so
    has_service = bool(name) or port not in (None, 0, "") or (at_least(ctx.target, 19) and port == "")
    if resource is not None and has_service:
        report.invalid(INVALID_BACKEND, path, "", "cannot set both resource and service backends")
        return
    if isinstance(resource, dict):
        _check_typed_reference(resource, path + ("resource",), report)
        return
    if resource is not None:
        return
    if at_least(ctx.target, 19) and not has_service:
        report.invalid(INVALID_BACKEND, path, "", "resource or service backend is required")
        return
    if not name:
        report.required(INVALID_BACKEND, path + ("serviceName",))
        if not at_least(ctx.target, 19):
            return
    else:
        for msg in syntax.dns1035_label(name):
            report.invalid(INVALID_BACKEND, path + ("serviceName",), name, msg)
    if isinstance(port, str) and (port or not at_least(ctx.target, 19)):
        for msg in syntax.port_name(port):
            report.invalid(INVALID_BACKEND, path + ("servicePort",), port, msg)
    elif isinstance(port, int) and (port or not at_least(ctx.target, 19)):
        for msg in syntax.port_number(port):
            report.invalid(INVALID_BACKEND, path + ("servicePort",), port, msg)
    elif port is None and not at_least(ctx.target, 19):  # 1.18: an omitted port is the number 0
        for msg in syntax.port_number(0):
            report.invalid(INVALID_BACKEND, path + ("servicePort",), 0, msg)
    else:
        report.required(INVALID_BACKEND, path, "port name or number is required")


def _check_typed_reference(ref: dict, path: tuple, report: Report) -> None:
    """validateIngressTypedLocalObjectReference: an optional DNS-subdomain apiGroup, a kind and a name."""
    group = text(ref.get("apiGroup"))
    if group is not None:
        for msg in syntax.dns1123_subdomain(group):
            report.invalid(INVALID_BACKEND, path + ("apiGroup",), group, msg)
    for key in ("kind", "name"):
        value = ref.get(key)
        if value in (None, ""):
            report.required(INVALID_BACKEND, path + (key,), f"{key} is required")
        elif isinstance(value, str):
            for msg in syntax.path_segment_name(value):
                report.invalid(INVALID_BACKEND, path + (key,), value, msg)


def _check_host(host: str, path: tuple, report: Report, ip_forbidden: bool) -> None:
    if ip_forbidden:
        try:
            ipaddress.ip_address(host)
            report.invalid(INVALID_HOST, path, host, "must be a DNS name, not an IP address")
            return
        except ValueError:
            pass
    if "*" in host:
        if not (host.startswith("*.") and not syntax.dns1123_subdomain(host[2:])) or len(host) > 253:
            report.invalid(INVALID_HOST, path, host,
                           "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, "
                           "which must consist of lower case alphanumeric characters, '-' or '.' and end with an "
                           "alphanumeric character (e.g. '*.example.com', regex used for validation is "
                           "'\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")
    else:
        for msg in syntax.dns1123_subdomain(host):
            report.invalid(INVALID_HOST, path, host, msg)


def _check_path(entry: dict, where: tuple, report: Report, kind=None) -> None:
    kind, value = kind or entry.get("pathType"), entry.get("path")
    if not isinstance(kind, str) or (value is not None and not isinstance(value, str)):
        return
    value = value or ""
    if kind in ("Prefix", "Exact"):
        if not value.startswith("/"):
            report.invalid(INVALID_PATH, where + ("path",), value, "must be an absolute path")
            return
        for bad in _BAD_SEQUENCES:
            if bad in value:
                report.invalid(INVALID_PATH, where + ("path",), value, f"must not contain '{bad}'")
        for bad in _BAD_SUFFIXES:
            if value.endswith(bad):
                report.invalid(INVALID_PATH, where + ("path",), value, f"cannot end with '{bad}'")
    elif kind == "ImplementationSpecific" and value and not value.startswith("/"):
        report.invalid(INVALID_PATH, where + ("path",), value, "must be an absolute path")


def _check_backend(backend: dict, path: tuple, report: Report) -> None:
    service, resource = backend.get("service"), backend.get("resource")
    if service is not None and resource is not None:
        report.invalid(INVALID_BACKEND, path, "", "cannot set both resource and service backends")
        return
    if service is None and resource is None:
        if not backend:
            report.invalid(INVALID_BACKEND, path, "", "resource or service backend is required")
        return
    if not isinstance(service, dict):
        return
    name = service.get("name")
    if name in (None, ""):
        report.required(INVALID_BACKEND, path + ("service", "name"))
    elif isinstance(name, str):
        for msg in syntax.dns1035_label(name):
            report.invalid(INVALID_BACKEND, path + ("service", "name"), name, msg)
    port = service.get("port")
    if port is None:
        report.required(INVALID_BACKEND, path + ("service", "port"), "port name or number is required")
    elif isinstance(port, dict):
        pname, number = port.get("name"), port.get("number")
        has_name, has_number = pname not in (None, ""), number not in (None, 0)
        if has_name and has_number:
            report.invalid(INVALID_BACKEND, path + ("service", "port"), "...",
                           "cannot set both port name & port number")
        elif not has_name and not has_number:
            report.invalid(INVALID_BACKEND, path + ("service", "port"), "...", "port name or number is required")
        elif has_name and isinstance(pname, str):
            for msg in syntax.port_name(pname):
                report.invalid(INVALID_BACKEND, path + ("service", "port", "name"), pname, msg)
        elif integer(number) is not None:
            for msg in syntax.port_number(number):
                report.invalid(INVALID_BACKEND, path + ("service", "port", "number"), number, msg)
