"""Endpoints (core v1) and EndpointSlices as the API server checks them: each subset's addresses (valid IPs
outside the special ranges endpoints may not use) and ports (named when there are several); a slice's addresses
of its addressType, hostnames and unique port names."""
from __future__ import annotations

import ipaddress

from .. import apisyntax as syntax
from .base import Report, integer, items, rule, text

KINDS = frozenset({"Endpoints", "EndpointSlice"})

INVALID_ENDPOINTS = rule(
    "SRV074", "invalid-endpoints", "An Endpoints subset the API server rejects",
    what="Checks every subset of a v1 Endpoints object: `addresses` or `notReadyAddresses` given; each `ip` an IP "
         "address that is not unspecified (0.0.0.0), loopback (127.0.0.0/8, ::1), link-local (169.254.0.0/16, "
         "fe80::/10) or link-local multicast (224.0.0.0/24, ff02::/10), each `hostname` a DNS-1123 label; ports "
         "1-65535, named (DNS-1123 labels) when a subset has several.",
    why="The API server rejects the object with `subsets[0].addresses[0].ip: Invalid value: \"127.0.0.1\": may "
        "not be in the loopback range (127.0.0.0/8, ::1/128)` and similar answers: such addresses would send the "
        "Service's traffic to whichever node or pod handles it.",
    example="apiVersion: v1\nkind: Endpoints\nmetadata: {name: db}\nsubsets:\n- addresses: [{ip: 127.0.0.1}]\n"
            "  ports: [{port: 5432}]\n",
    fix="List the real addresses of the backends (for a database outside the cluster, its routable address), "
        "and name the ports when there are several.")

INVALID_SLICE = rule(
    "SRV075", "invalid-endpoint-slice", "An EndpointSlice endpoint or port the API server rejects",
    what="Checks a discovery.k8s.io EndpointSlice: every endpoint has at least one address, each of the slice's "
         "`addressType` (an IPv4 or IPv6 address, or a domain name of at least two labels for FQDN); hostnames "
         "are DNS-1123 labels and node names DNS subdomains; port names are DNS-1123 labels, unique in the slice "
         "(an unnamed port counts as the name \"\").",
    why="The API server rejects the slice with `endpoints[0].addresses[0]: Invalid value: \"fd00::1\": must be a "
        "valid IPv4 address` or `ports[1].name: Duplicate value: \"\"`.",
    example="apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: db-1}\naddressType: IPv4\n"
            "endpoints: [{addresses: [\"fd00::1\"]}]\n",
    fix="Put IPv6 addresses in a slice of addressType IPv6, and name the ports of a slice that has several.")

RULES = [INVALID_ENDPOINTS, INVALID_SLICE]

_SPECIAL = [
    (lambda ip: ip.is_unspecified, "may not be unspecified (0.0.0.0)"),
    (lambda ip: ip.is_loopback, "may not be in the loopback range (127.0.0.0/8, ::1/128)"),
    (lambda ip: ip.version == 4 and ip in ipaddress.ip_network("169.254.0.0/16")
     or ip.version == 6 and ip in ipaddress.ip_network("fe80::/10"),
     "may not be in the link-local range (169.254.0.0/16, fe80::/10)"),
    (lambda ip: ip.version == 4 and ip in ipaddress.ip_network("224.0.0.0/24")
     or ip.version == 6 and ip in ipaddress.ip_network("ff02::/16"),
     "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"),
]


def walk(resource, ctx, report: Report) -> None:
    if resource.kind == "EndpointSlice":
        if resource.api_version in ("discovery.k8s.io/v1", "discovery.k8s.io/v1beta1"):
            _check_slice(resource.data, report)
        return
    if resource.api_version != "v1":
        return
    for i, subset in enumerate(items(resource.data.get("subsets"))):
        if isinstance(subset, dict):
            _check_subset(subset, ("subsets", i), report)


def _check_subset(subset: dict, path: tuple, report: Report) -> None:
    ready, not_ready = items(subset.get("addresses")), items(subset.get("notReadyAddresses"))
    if not ready and not not_ready:
        report.required(INVALID_ENDPOINTS, path, "must specify `addresses` or `notReadyAddresses`")
    for key, addresses in (("addresses", ready), ("notReadyAddresses", not_ready)):
        for j, address in enumerate(addresses):
            if isinstance(address, dict):
                _check_address(address, path + (key, j), report)
    ports = items(subset.get("ports"))
    for j, port in enumerate(ports):
        if not isinstance(port, dict):
            continue
        ppath = path + ("ports", j)
        name = port.get("name")
        if name in (None, ""):
            if len(ports) > 1:
                report.required(INVALID_ENDPOINTS, ppath + ("name",))
        elif isinstance(name, str):
            for msg in syntax.dns1123_label(name):
                report.invalid(INVALID_ENDPOINTS, ppath + ("name",), name, msg)
        number = integer(port.get("port"))
        if number is not None:
            for msg in syntax.port_number(number):
                report.invalid(INVALID_ENDPOINTS, ppath + ("port",), number, msg)


def _check_address(address: dict, path: tuple, report: Report) -> None:
    hostname = text(address.get("hostname"))
    if hostname:
        for msg in syntax.dns1123_label(hostname):
            report.invalid(INVALID_ENDPOINTS, path + ("hostname",), hostname, msg)
    ip_text = text(address.get("ip"))
    if ip_text is None:
        return
    problems = syntax.ip_address(ip_text)
    if problems:
        for msg in problems:
            report.invalid(INVALID_ENDPOINTS, path + ("ip",), ip_text, msg)
        return
    for msg in special_ip_problems(ip_text):
        report.invalid(INVALID_ENDPOINTS, path + ("ip",), ip_text, msg)


def special_ip_problems(ip_text: str) -> list:
    """ValidateNonSpecialIP for an address that parses (endpoints and Service externalIPs may not use these)."""
    try:  # the sloppy parser reads leading zeros in IPv4 octets as decimal
        ip = ipaddress.ip_address(ip_text if ":" in ip_text else ".".join(str(int(p)) for p in ip_text.split(".")))
    except ValueError:
        return []
    return [msg for test, msg in _SPECIAL if test(ip)]


def _check_slice(data: dict, report: Report) -> None:
    kind = data.get("addressType")
    for i, endpoint in enumerate(items(data.get("endpoints"))):
        if not isinstance(endpoint, dict):
            continue
        path = ("endpoints", i)
        addresses = endpoint.get("addresses")
        if isinstance(addresses, list) and not addresses:
            report.required(INVALID_SLICE, path + ("addresses",), "must contain at least 1 address")
        for j, address in enumerate(items(addresses)):
            if isinstance(address, str):
                for msg in _slice_address_problems(address, kind):
                    report.invalid(INVALID_SLICE, path + ("addresses", j), address, msg)
        hostname = text(endpoint.get("hostname"))
        if hostname:
            for msg in syntax.dns1123_label(hostname):
                report.invalid(INVALID_SLICE, path + ("hostname",), hostname, msg)
        node = text(endpoint.get("nodeName"))
        if node:
            for msg in syntax.dns1123_subdomain(node):
                report.invalid(INVALID_SLICE, path + ("nodeName",), node, msg)
    names: set = set()
    for i, port in enumerate(items(data.get("ports"))):
        if not isinstance(port, dict):
            continue
        name = port.get("name") or ""  # defaulted to ""
        if not isinstance(name, str):
            continue
        if name:
            for msg in syntax.dns1123_label(name):
                report.invalid(INVALID_SLICE, ("ports", i, "name"), name, msg)
        if name in names:
            report.duplicate(INVALID_SLICE, ("ports", i, "name"), name)
        names.add(name)


def _slice_address_problems(address: str, kind) -> list:
    if kind in ("IPv4", "IPv6"):
        if syntax.ip_address(address):
            return [f"must be a valid {kind} address"]
        return [f"must be a valid {kind} address"] if (":" in address) != (kind == "IPv6") else []
    if kind == "FQDN":
        address = address[:-1] if address.endswith(".") else address  # a fully qualified name's root dot
        problems = syntax.dns1123_subdomain(address)
        if problems:
            return problems
        return [] if len(address.split(".")) >= 2 else ["should be a domain with at least two segments separated "
                                                        "by dots"]
    return []  # an unknown type: its addresses are not judged
