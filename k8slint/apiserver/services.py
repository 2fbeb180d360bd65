"""Services as the core API server checks them: ports (numbers, names, duplicates, targetPort), the rules of
each type (ExternalName, headless, nodePort), and the selector's labels."""
from __future__ import annotations

from .. import apisyntax as syntax
from .base import Report, integer, rule, text
from .metadata import check_labels

KINDS = frozenset({"Service"})

_SVC = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n"

INVALID_SERVICE_PORT = rule(
    "SRV070", "invalid-service-port", "A Service port the API server rejects",
    what="Checks Service ports: at least one (except headless and ExternalName Services), `port` 1-65535, "
         "names required when there is more than one port, DNS-1123 labels and unique, no two ports with one "
         "port number and protocol, `targetPort` 1-65535 or a port name (a numeric string is not a name), no "
         "`nodePort` on a ClusterIP Service and no node port used twice for one protocol.",
    why="The API server rejects the Service with `Required value`, `Invalid value`, `Duplicate value` or "
        "`Forbidden`.",
    example=_SVC + "  selector: {app: web}\n  ports:\n  - {port: 80, targetPort: 8080}\n"
                   "  - {port: 443, targetPort: 8443}\n",
    fix="Name every port when there are several (`name: http`, `name: https`); use numbers 1-65535 or "
        "container port names.")
INVALID_SERVICE_TYPE_FIELDS = rule(
    "SRV071", "invalid-service-type-fields", "Service fields that do not go with its type",
    what="Checks type-specific rules: an ExternalName Service needs `externalName` (a DNS name); `clusterIP: "
         "None` (headless) is not allowed for NodePort and LoadBalancer Services.",
    why="The API server rejects the Service with `spec.externalName: Required value` or `spec.clusterIPs[0]: "
        "Invalid value: \"None\": may not be set to 'None' for LoadBalancer services`.",
    example=_SVC + "  type: ExternalName\n",
    fix="Give ExternalName Services an `externalName: db.example.com`; drop `clusterIP: None` from NodePort "
        "and LoadBalancer Services.")

RULES = [INVALID_SERVICE_PORT, INVALID_SERVICE_TYPE_FIELDS]


def walk(resource, ctx, report: Report) -> None:
    spec = resource.data.get("spec")
    if not isinstance(spec, dict):
        return
    kind = spec.get("type") if isinstance(spec.get("type"), str) else "ClusterIP"
    cluster_ip = text(spec.get("clusterIP"))
    headless = cluster_ip == "None"
    ports = spec.get("ports")
    if isinstance(ports, list) or ports is None:
        ports = ports or []
        if not ports and not headless and kind != "ExternalName":
            report.required(INVALID_SERVICE_PORT, ("spec", "ports"))
        _check_ports(ports, kind, report)
    check_labels(spec.get("selector"), ("spec", "selector"), report)
    if kind == "ExternalName":
        name = spec.get("externalName")
        if name in (None, ""):
            report.required(INVALID_SERVICE_TYPE_FIELDS, ("spec", "externalName"))
        elif isinstance(name, str):
            for msg in syntax.dns1123_subdomain(name[:-1] if name.endswith(".") else name):
                report.invalid(INVALID_SERVICE_TYPE_FIELDS, ("spec", "externalName"), name, msg)
    elif headless and kind in ("NodePort", "LoadBalancer"):
        report.invalid(INVALID_SERVICE_TYPE_FIELDS, ("spec", "clusterIP"), "None",
                       f"may not be set to 'None' for {kind} services")


def _check_ports(ports: list, kind: str, report: Report) -> None:
    names: set = set()
    seen: set = set()
    node_ports: set = set()
    need_names = len(ports) > 1
    for i, port in enumerate(ports):
        if not isinstance(port, dict):
            continue
        path = ("spec", "ports", i)
        name = port.get("name")
        if name in (None, ""):
            if need_names:
                report.required(INVALID_SERVICE_PORT, path + ("name",))
        elif isinstance(name, str):
            for msg in syntax.dns1123_label(name):
                report.invalid(INVALID_SERVICE_PORT, path + ("name",), name, msg)
            if name in names:
                report.duplicate(INVALID_SERVICE_PORT, path + ("name",), name)
            names.add(name)
        number = integer(port.get("port"))
        if number is not None:
            for msg in syntax.port_number(number):
                report.invalid(INVALID_SERVICE_PORT, path + ("port",), number, msg)
            protocol = port.get("protocol") or "TCP"
            if isinstance(protocol, str):
                if (number, protocol) in seen:
                    report.duplicate(INVALID_SERVICE_PORT, path, f"{number}/{protocol}")
                seen.add((number, protocol))
        target = port.get("targetPort")
        if isinstance(target, bool):
            pass
        elif isinstance(target, int):
            if target != 0:  # 0 means unset: it defaults to port
                for msg in syntax.port_number(target):
                    report.invalid(INVALID_SERVICE_PORT, path + ("targetPort",), target, msg)
        elif isinstance(target, str):
            for msg in syntax.port_name(target):
                report.invalid(INVALID_SERVICE_PORT, path + ("targetPort",), target, msg)
        node_port = integer(port.get("nodePort"))
        if node_port and kind == "ClusterIP":
            report.forbidden(INVALID_SERVICE_PORT, path + ("nodePort",), "may not be used when `type` is 'ClusterIP'")
        elif node_port:
            # two ports of one Service cannot share a node port of one protocol
            key = (node_port, port.get("protocol") or "TCP")
            if key in node_ports:
                report.duplicate(INVALID_SERVICE_PORT, path + ("nodePort",), node_port)
            node_ports.add(key)



