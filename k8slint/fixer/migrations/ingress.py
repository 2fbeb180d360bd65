"""Ingress from extensions/v1beta1 and networking.k8s.io/v1beta1 to networking.k8s.io/v1.

Backends name their Service as service.name and service.port.number (a numeric port) or
service.port.name (a named one); spec.backend becomes spec.defaultBackend; every path gets a pathType, and
ImplementationSpecific is the one that keeps the v1beta1 matching (the controller decides, as before).
The kubernetes.io/ingress.class annotation is moved by the FLD rule's own fix (see fields.py).
"""
from __future__ import annotations

from ..render import Commented
from . import SAFE, NoFix, Proposal, api, as_dict, as_list

V1 = "networking.k8s.io/v1"


def backend_paths(data: dict) -> list:
    """JSON paths of every backend of an Ingress spec (default backend and rule paths)."""
    spec = data.get("spec") if isinstance(data.get("spec"), dict) else {}
    out = []
    for name in ("backend", "defaultBackend"):
        if isinstance(spec.get(name), dict):
            out.append(("spec", name))
    for i, rule in enumerate(as_list(spec.get("rules"))):
        http = rule.get("http") if isinstance(rule, dict) else None
        paths = http.get("paths") if isinstance(http, dict) else None
        for j, p in enumerate(as_list(paths)):
            if isinstance(p, dict) and isinstance(p.get("backend"), dict):
                out.append(("spec", "rules", i, "http", "paths", j, "backend"))
    return out


def _service(backend: dict, where: str) -> dict:
    name, port = backend.get("serviceName"), backend.get("servicePort")
    if not isinstance(name, str) or port is None:
        raise NoFix(f"{where} has serviceName without servicePort (or the reverse)")
    if isinstance(port, bool) or not isinstance(port, (int, str)):
        raise NoFix(f"{where}.servicePort is neither a number nor a port name")
    if isinstance(port, str) and port.isdigit():
        port = int(port)
    return {"name": name, "port": {"number": port} if isinstance(port, int) else {"name": port}}


@api([("extensions/v1beta1", "Ingress"), ("networking.k8s.io/v1beta1", "Ingress")])
def ingress_v1(resource, finding, ctx):
    """Ingress to networking.k8s.io/v1: service backends, defaultBackend, pathType."""
    ctx.require(V1, "Ingress")
    for path in backend_paths(resource.data):
        backend = resource.get(path)
        if "serviceName" in backend or "servicePort" in backend:
            _service(backend, ".".join(map(str, path)))
    old = resource.api_version

    def run(ed):
        notes = [f"apiVersion {old} -> {V1}"]
        ed.set(("apiVersion",), V1)
        if ed.has(("spec", "backend")):
            if ed.has(("spec", "defaultBackend")):
                raise NoFix("both spec.backend and spec.defaultBackend are set")
            ed.rename(("spec", "backend"), "defaultBackend")
            notes.append("spec.backend renamed spec.defaultBackend")
        converted = 0
        for path in backend_paths(ed.data):
            backend = ed.get(path)
            if "serviceName" not in backend and "servicePort" not in backend:
                continue
            service = _service(backend, ".".join(map(str, path)))
            port_comment = ed.comment(path + ("servicePort",))
            if port_comment:
                kind = next(iter(service["port"]))
                service["port"][kind] = Commented(service["port"][kind], port_comment)
            ed.delete(path + ("servicePort",))
            ed.replace(path + ("serviceName",), "service", service)
            converted += 1
        if converted:
            notes.append(f"{converted} backend(s) written as service.name and service.port.number|name")
        added = 0
        for i, rule in enumerate(as_list(ed.get(("spec", "rules")))):
            http = rule.get("http") if isinstance(rule, dict) else None
            for j, p in enumerate(as_list(http.get("paths") if isinstance(http, dict) else None)):
                if isinstance(p, dict) and "pathType" not in p:
                    ed.set(("spec", "rules", i, "http", "paths", j, "pathType"), "ImplementationSpecific",
                           before="backend" if "backend" in p else None)
                    added += 1
        if added:
            notes.append(f"pathType: ImplementationSpecific added to {added} path(s) (the matching v1beta1 "
                         "used: the ingress controller decides, as before)")
        return notes

    return Proposal(finding.rule_id, f"migrate Ingress to {V1}", SAFE, run,
                    manual=f"Set apiVersion: {V1}; rename spec.backend to spec.defaultBackend; in every backend "
                           "replace serviceName: S and servicePort: P by service: {name: S, port: {number: P}} "
                           "(port.name for a named port); add pathType: ImplementationSpecific to every path.")
