"""NetworkPolicies as the networking API server checks them: ports, port ranges, IP blocks, selectors."""
from __future__ import annotations

import ipaddress

from .. import apisyntax as syntax
from .base import Report, at_least, integer, items, rule
from .workloads import INVALID_SELECTOR, check_label_selector

KINDS = frozenset({"NetworkPolicy"})

INVALID_POLICY_PORT = rule(
    "SRV140", "invalid-network-policy-port", "A NetworkPolicy port or port range the API server rejects",
    what="Checks `ingress[].ports` and `egress[].ports`: `port` 1-65535 or a port name; from 1.22 `endPort` "
         "only with a numeric `port` and not below it (on 1.21 its feature gate is alpha, off by default, and "
         "the API server drops the field; before, it does not exist).",
    why="The API server rejects the policy with `endPort: Invalid value: ...: must be greater than or equal to "
        "`port`` and similar answers.",
    example="apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: db}\nspec:\n"
            "  podSelector: {}\n  ingress:\n  - ports: [{port: 5432, endPort: 5000}]\n",
    fix="Give `endPort` a number at least `port`, and a numeric `port` with it.")
INVALID_POLICY_PEER = rule(
    "SRV141", "invalid-network-policy-peer", "A NetworkPolicy peer the API server rejects",
    what="Checks `from`/`to` peers: an `ipBlock` has a valid CIDR whose `except` entries lie inside it and "
         "stands alone (no pod or namespace selector beside it); selector expressions are well formed; and "
         "that `policyTypes` lists at most two types.",
    why="The API server rejects the policy with `ipBlock.cidr: Invalid value` or `may not specify both "
        "ipBlock and another peer`.",
    example="apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: out}\nspec:\n"
            "  podSelector: {}\n  egress:\n  - to: [{ipBlock: {cidr: 10.0.0.0/33}}]\n",
    fix="Write CIDRs like `10.0.0.0/8`; keep each `except` inside its `cidr`.")

RULES = [INVALID_POLICY_PORT, INVALID_POLICY_PEER]
REPORTS = [INVALID_SELECTOR]  # rules of other areas this one reports too


def walk(resource, ctx, report: Report) -> None:
    # extensions/v1beta1 (served until 1.16) carries the same spec, validated by the same code
    if resource.api_version not in ("networking.k8s.io/v1", "extensions/v1beta1"):
        return
    spec = resource.data.get("spec")
    if not isinstance(spec, dict):
        return
    if isinstance(spec.get("podSelector"), dict):
        check_label_selector(spec["podSelector"], ("spec", "podSelector"), report)
    policy_types = items(spec.get("policyTypes"))
    if len(policy_types) > 2:  # the values themselves are the schema's enum
        report.invalid(INVALID_POLICY_PEER, ("spec", "policyTypes"), "...", "may not specify more than two "
                       "policyTypes")
    for direction, peers_key in (("ingress", "from"), ("egress", "to")):
        for i, entry in enumerate(items(spec.get(direction))):
            if not isinstance(entry, dict):
                continue
            base = ("spec", direction, i)
            for j, port in enumerate(items(entry.get("ports"))):
                if isinstance(port, dict):
                    _check_port(port, base + ("ports", j), report, end_port=at_least(ctx.target, 22))
            for j, peer in enumerate(items(entry.get(peers_key))):
                if isinstance(peer, dict):
                    _check_peer(peer, base + (peers_key, j), report)


def _check_port(port: dict, path: tuple, report: Report, end_port: bool) -> None:
    value, end = port.get("port"), integer(port.get("endPort")) if end_port else None
    number = integer(value)
    if number is not None:
        for msg in syntax.port_number(number):
            report.invalid(INVALID_POLICY_PORT, path + ("port",), number, msg)
    elif isinstance(value, str):
        for msg in syntax.port_name(value):
            report.invalid(INVALID_POLICY_PORT, path + ("port",), value, msg)
    if end is None:
        return
    if value is None:
        report.invalid(INVALID_POLICY_PORT, path + ("endPort",), end,
                       "may not be specified when `port` is not specified")
    elif number is None:
        report.invalid(INVALID_POLICY_PORT, path + ("endPort",), end,
                       "may not be specified when `port` is non-numeric")
    elif end < number:
        report.invalid(INVALID_POLICY_PORT, path + ("endPort",), end, "must be greater than or equal to `port`")
    else:
        for msg in syntax.port_number(end):
            report.invalid(INVALID_POLICY_PORT, path + ("endPort",), end, msg)


def _network(text_):
    """The network a CIDR names, as the API server's sloppy parser reads it (it takes leading zeros in IPv4
    octets, `010.0.0.0/8`, as decimal), or None."""
    if not isinstance(text_, str) or "/" not in text_:
        return None
    address, _, length = text_.partition("/")
    if not syntax.ip_address(address) and "." in address and ":" not in address:
        address = ".".join(str(int(part)) for part in address.split("."))
    try:
        return ipaddress.ip_network(f"{address}/{length}", strict=False)
    except ValueError:
        return None


def _check_peer(peer: dict, path: tuple, report: Report) -> None:
    for key in ("podSelector", "namespaceSelector"):
        if isinstance(peer.get(key), dict):
            check_label_selector(peer[key], path + (key,), report)
    block = peer.get("ipBlock")
    if not peer:
        report.required(INVALID_POLICY_PEER, path, "must specify a peer")
    if not isinstance(block, dict):
        return
    if peer.get("podSelector") is not None or peer.get("namespaceSelector") is not None:
        report.forbidden(INVALID_POLICY_PEER, path, "may not specify both ipBlock and another peer")
    cidr = block.get("cidr")
    if not isinstance(cidr, str):
        return
    network = _network(cidr)
    if network is None:
        report.invalid(INVALID_POLICY_PEER, path + ("ipBlock", "cidr"), cidr, "must be a valid CIDR value, "
                       "(e.g. 10.9.8.0/24 or 2001:db8::/64)")
        return
    for k, other in enumerate(items(block.get("except"))):
        if not isinstance(other, str):
            continue
        inner = _network(other)
        if inner is None:
            report.invalid(INVALID_POLICY_PEER, path + ("ipBlock", "except", k), other, "must be a valid CIDR "
                           "value, (e.g. 10.9.8.0/24 or 2001:db8::/64)")
        elif inner.version != network.version or not inner.subnet_of(network) or inner == network:
            report.invalid(INVALID_POLICY_PEER, path + ("ipBlock", "except", k), other,
                           "must be a strict subset of `cidr`")



