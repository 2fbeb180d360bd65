"""Services as the core API server checks them: ports (numbers, names, duplicates, targetPort, appProtocol),
the rules of each type (ExternalName, headless, nodePort, the fields only some types may set), addresses
(clusterIP, externalIPs, loadBalancerSourceRanges), session affinity, and the selector's labels."""
from __future__ import annotations

from .. import apisyntax as syntax
from .base import Report, at_least, integer, items, mapping, rule, text
from .endpoints import special_ip_problems
from .metadata import check_labels

KINDS = frozenset({"Service"})

_SVC = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n"

INVALID_SERVICE_PORT = rule(
    "SRV070", "invalid-service-port", "A Service port the API server rejects",
    what="Checks Service ports: at least one (except headless and ExternalName Services), `port` 1-65535, "
         "names required when there is more than one port, DNS-1123 labels and unique, no two ports with one "
         "port number and protocol, `targetPort` 1-65535 or a port name (a numeric string is not a name; 0 "
         "and \"\" default to `port`), no `nodePort` on a ClusterIP Service, no node port used twice for one "
         "protocol, and from 1.19 an `appProtocol` that is a qualified name (`http`, `kubernetes.io/h2c`).",
    why="The API server rejects the Service with `Required value`, `Invalid value`, `Duplicate value` or "
        "`Forbidden`.",
    example=_SVC + "  selector: {app: web}\n  ports:\n  - {port: 80, targetPort: 8080}\n"
                   "  - {port: 443, targetPort: 8443}\n",
    fix="Name every port when there are several (`name: http`, `name: https`); use numbers 1-65535 or "
        "container port names.")
INVALID_SERVICE_TYPE_FIELDS = rule(
    "SRV071", "invalid-service-type-fields", "Service fields that do not go with its type",
    what="Checks type-specific rules: an ExternalName Service needs `externalName` (a DNS name) and may not set "
         "`clusterIP` (nor, from 1.21, `ipFamilies` or `ipFamilyPolicy`); `clusterIP: None` (headless) is not "
         "allowed for NodePort and LoadBalancer Services; `loadBalancerSourceRanges`, and from 1.22 "
         "`allocateLoadBalancerNodePorts`, only on LoadBalancer Services; `externalTrafficPolicy` only on "
         "NodePort and LoadBalancer Services (a ClusterIP Service with `externalIPs` is not judged: recent "
         "versions accept it there); from 1.22 `loadBalancerClass` only on LoadBalancer Services, as a qualified "
         "name; "
         "`healthCheckNodePort` only on a LoadBalancer Service with `externalTrafficPolicy: Local`.",
    why="The API server rejects the Service with `spec.externalName: Required value`, `spec.clusterIPs[0]: "
        "Invalid value: \"None\": may not be set to 'None' for LoadBalancer services`, `spec.externalTrafficPolicy: "
        "Invalid value: \"Local\": may only be set for externally-accessible services` and the like. Charts "
        "that set these fields whatever the `type` hit this when a values file switches the type.",
    example=_SVC + "  selector: {app: web}\n  externalTrafficPolicy: Local\n  ports: [{port: 80}]\n",
    fix="Give ExternalName Services an `externalName: db.example.com` and no cluster IP; drop `clusterIP: None` "
        "from NodePort and LoadBalancer Services; set the LoadBalancer-only and traffic-policy fields only for "
        "the types that take them.")
INVALID_SERVICE_ADDRESS = rule(
    "SRV072", "invalid-service-address", "A Service address or address range that is not an IP or CIDR",
    what="Checks `clusterIP` (empty, `None` or an IP address), every `externalIPs` entry (an IP address, not "
         "unspecified, loopback or link-local), "
         "every `loadBalancerSourceRanges` entry (a CIDR such as `10.0.0.0/8`), and from 1.21 `clusterIPs` "
         "(its first value `clusterIP`'s, IP addresses or a lone `None`, at most one per IP family, each of "
         "the family `ipFamilies` names at its index) and `ipFamilies` without duplicates.",
    why="The API server rejects the Service with `Invalid value: ... must be a valid IP address` or `must be "
        "a valid CIDR value`.",
    example=_SVC + "  selector: {app: web}\n  externalIPs: [203.0.113.300]\n  ports: [{port: 80}]\n",
    fix="Write IPv4 or IPv6 addresses (`203.0.113.10`) and CIDRs with a prefix length (`203.0.113.0/24`).")
INVALID_SESSION_AFFINITY = rule(
    "SRV073", "invalid-session-affinity", "sessionAffinityConfig without ClientIP affinity, or out of range",
    what="Checks `sessionAffinityConfig`: only with `sessionAffinity: ClientIP` (the default is `None`), and a "
         "`clientIP.timeoutSeconds` from 1 to 86400.",
    why="The API server rejects the Service with `spec.sessionAffinityConfig: Forbidden: must not be set when "
        "session affinity is None` or `spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value`.",
    example=_SVC + "  selector: {app: web}\n  sessionAffinityConfig: {clientIP: {timeoutSeconds: 600}}\n"
                   "  ports: [{port: 80}]\n",
    fix="Add `sessionAffinity: ClientIP` (or drop the config), with a timeout of at most 86400 seconds.")

RULES = [INVALID_SERVICE_PORT, INVALID_SERVICE_TYPE_FIELDS, INVALID_SERVICE_ADDRESS, INVALID_SESSION_AFFINITY]

CLIENT_IP_TIMEOUT_MAX = 86400  # core.MaxClientIPServiceAffinitySeconds
CIDR_ERROR = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"


def walk(resource, ctx, report: Report) -> None:
    spec = resource.data.get("spec")
    if spec is None:
        spec = {}  # no spec is an empty one: a ClusterIP Service without ports, refused
    if not isinstance(spec, dict):
        return
    kind = spec.get("type") if isinstance(spec.get("type"), str) and spec.get("type") else "ClusterIP"
    cluster_ip = text(spec.get("clusterIP"))
    headless = cluster_ip == "None"
    ports = spec.get("ports")
    if isinstance(ports, list) or ports is None:
        ports = ports or []
        if not ports and not headless and kind != "ExternalName":
            report.required(INVALID_SERVICE_PORT, ("spec", "ports"))
        _check_ports(ports, kind, report, app_protocol=at_least(ctx.target, 19))
    check_labels(spec.get("selector"), ("spec", "selector"), report)
    if kind == "ExternalName":
        _check_external_name(spec, cluster_ip, ctx, report)
    elif headless and kind in ("NodePort", "LoadBalancer"):
        report.invalid(INVALID_SERVICE_TYPE_FIELDS, ("spec", "clusterIP"), "None",
                       f"may not be set to 'None' for {kind} services")
    _check_type_only_fields(spec, kind, ctx, report)
    _check_addresses(spec, cluster_ip, report)
    if kind != "ExternalName" and at_least(ctx.target, 21):  # IPv6DualStack on by default
        _check_dual_stack(spec, cluster_ip, report)
    _check_session_affinity(spec, report)


def _check_external_name(spec: dict, cluster_ip, ctx, report: Report) -> None:
    name = spec.get("externalName")
    if name in (None, ""):
        report.required(INVALID_SERVICE_TYPE_FIELDS, ("spec", "externalName"))
    elif isinstance(name, str):
        for msg in syntax.dns1123_subdomain(name[:-1] if name.endswith(".") else name):
            report.invalid(INVALID_SERVICE_TYPE_FIELDS, ("spec", "externalName"), name, msg)
    # from 1.20 the strategy copies clusterIP into clusterIPs before validation
    dual_stack_api = at_least(ctx.target, 20)
    if cluster_ip or items(spec.get("clusterIPs")):
        if dual_stack_api:
            report.forbidden(INVALID_SERVICE_TYPE_FIELDS, ("spec", "clusterIPs" if not cluster_ip else "clusterIP"),
                             "may not be set for ExternalName services")
        else:
            report.forbidden(INVALID_SERVICE_TYPE_FIELDS, ("spec", "clusterIP"),
                             "must be empty for ExternalName services")
    if at_least(ctx.target, 21):  # IPv6DualStack on by default: the fields reach validation
        for key in ("ipFamilies", "ipFamilyPolicy"):
            if spec.get(key) not in (None, [], ""):
                report.forbidden(INVALID_SERVICE_TYPE_FIELDS, ("spec", key), "may not be set for ExternalName services")


def _check_type_only_fields(spec: dict, kind: str, ctx, report: Report) -> None:
    get = spec.get
    if items(get("loadBalancerSourceRanges")) and kind != "LoadBalancer":
        report.forbidden(INVALID_SERVICE_TYPE_FIELDS, ("spec", "loadBalancerSourceRanges"),
                         "may only be used when `type` is 'LoadBalancer'")
    # ServiceLBNodePortControl: beta (on by default) from 1.22; before, the field was dropped on create
    if get("allocateLoadBalancerNodePorts") is not None and kind != "LoadBalancer" and at_least(ctx.target, 22):
        report.forbidden(INVALID_SERVICE_TYPE_FIELDS, ("spec", "allocateLoadBalancerNodePorts"),
                         "may only be used when `type` is 'LoadBalancer'")
    policy = get("externalTrafficPolicy")
    # every version refuses it on a Service no external traffic reaches; a ClusterIP Service with externalIPs
    # became allowed to set it in the 1.28/1.29 time frame (kubernetes#119150), so it is not judged here
    exposed = kind in ("NodePort", "LoadBalancer") or (kind == "ClusterIP" and items(get("externalIPs")))
    if isinstance(policy, str) and policy and not exposed:
        report.invalid(INVALID_SERVICE_TYPE_FIELDS, ("spec", "externalTrafficPolicy"), policy,
                       "may only be set for externally-accessible services" if at_least(ctx.target, 29)
                       else "may only be set when `type` is 'NodePort' or 'LoadBalancer'")
    lb_class = get("loadBalancerClass")
    if isinstance(lb_class, str) and at_least(ctx.target, 22):  # ServiceLoadBalancerClass on by default
        if kind != "LoadBalancer":
            report.forbidden(INVALID_SERVICE_TYPE_FIELDS, ("spec", "loadBalancerClass"),
                             "may only be used when `type` is 'LoadBalancer'")
        else:
            for msg in syntax.qualified_name(lb_class):
                report.invalid(INVALID_SERVICE_TYPE_FIELDS, ("spec", "loadBalancerClass"), lb_class, msg)
    health = integer(get("healthCheckNodePort"))
    if health and not (kind == "LoadBalancer" and policy == "Local"):
        report.invalid(INVALID_SERVICE_TYPE_FIELDS, ("spec", "healthCheckNodePort"), health,
                       "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'")


def _cidr_problems(value: str) -> list:
    """Go's ParseCIDR: an address, '/', a prefix length that fits the address family."""
    address, slash, length = value.partition("/")
    if not slash or syntax.ip_address(address) or not length.isdigit() or length != str(int(length)):
        return [CIDR_ERROR]
    return [] if int(length) <= (128 if ":" in address else 32) else [CIDR_ERROR]


def _check_addresses(spec: dict, cluster_ip, report: Report) -> None:
    if cluster_ip and cluster_ip != "None":
        for msg in syntax.ip_address(cluster_ip):
            report.invalid(INVALID_SERVICE_ADDRESS, ("spec", "clusterIP"), cluster_ip, msg)
    for i, ip in enumerate(items(spec.get("externalIPs"))):
        if isinstance(ip, str):
            problems = syntax.ip_address(ip) or special_ip_problems(ip)  # as Endpoints: no loopback, link-local
            for msg in problems:
                report.invalid(INVALID_SERVICE_ADDRESS, ("spec", "externalIPs", i), ip, msg)
    for i, cidr in enumerate(items(spec.get("loadBalancerSourceRanges"))):
        if isinstance(cidr, str):  # space padding is tolerated (the values once came from an annotation)
            for msg in _cidr_problems(cidr.strip()):
                report.invalid(INVALID_SERVICE_ADDRESS, ("spec", "loadBalancerSourceRanges", i), cidr, msg)


def _check_dual_stack(spec: dict, cluster_ip, report: Report) -> None:
    """clusterIPs and ipFamilies as ValidateServiceClusterIPsRelatedFields reads them after create's
    normalisation (an absent clusterIP or clusterIPs is filled from the other)."""
    ips = [ip for ip in items(spec.get("clusterIPs")) if isinstance(ip, str)]
    path = ("spec", "clusterIPs")
    if cluster_ip and ips and ips[0] != cluster_ip:
        report.invalid(INVALID_SERVICE_ADDRESS, path, "...", "first value must match `clusterIP`")
    seen: set = set()
    for i, family in enumerate(items(spec.get("ipFamilies"))):
        if family in seen:
            report.duplicate(INVALID_SERVICE_ADDRESS, ("spec", "ipFamilies", i), family)
        seen.add(family)
    invalid = False
    for i, ip in enumerate(ips):
        if i == 0 and ip == "None":
            if len(ips) > 1:
                invalid = True
                report.invalid(INVALID_SERVICE_ADDRESS, path, "...", "'None' must be the first and only value")
            continue
        for msg in syntax.ip_address(ip):
            invalid = True
            report.invalid(INVALID_SERVICE_ADDRESS, path + (i,), ip, msg)
    if len(ips) > 2:
        report.invalid(INVALID_SERVICE_ADDRESS, path, "...", "may only hold up to 2 values")
    if invalid:
        return  # the API server stops here too
    if len(ips) == 2 and (":" in ips[0]) == (":" in ips[1]):
        report.invalid(INVALID_SERVICE_ADDRESS, path, "...", "may specify no more than one IP for each IP family")
    families = items(spec.get("ipFamilies"))
    if ips and ips[0] != "None":
        for i, (ip, family) in enumerate(zip(ips, families)):
            if family == "IPv4" and ":" in ip:
                report.invalid(INVALID_SERVICE_ADDRESS, path + (i,), ip,
                               f"expected an IPv4 value as indicated by `ipFamilies[{i}]`")
            elif family == "IPv6" and ":" not in ip:
                report.invalid(INVALID_SERVICE_ADDRESS, path + (i,), ip,
                               f"expected an IPv6 value as indicated by `ipFamilies[{i}]`")


def _check_session_affinity(spec: dict, report: Report) -> None:
    config = spec.get("sessionAffinityConfig")
    if config is None:
        return
    affinity = spec.get("sessionAffinity") or "None"  # defaulted to None
    if affinity == "None":
        report.forbidden(INVALID_SESSION_AFFINITY, ("spec", "sessionAffinityConfig"),
                         "must not be set when session affinity is None")
    elif affinity == "ClientIP":
        timeout = integer(mapping(mapping(config).get("clientIP")).get("timeoutSeconds"))
        if timeout is not None and not 0 < timeout <= CLIENT_IP_TIMEOUT_MAX:
            report.invalid(INVALID_SESSION_AFFINITY, ("spec", "sessionAffinityConfig", "clientIP", "timeoutSeconds"),
                           timeout, f"must be greater than 0 and less than {CLIENT_IP_TIMEOUT_MAX}")


def _check_ports(ports: list, kind: str, report: Report, app_protocol: bool) -> None:
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
        elif isinstance(target, str) and target:  # "" means unset, like 0
            for msg in syntax.port_name(target):
                report.invalid(INVALID_SERVICE_PORT, path + ("targetPort",), target, msg)
        protocol_name = port.get("appProtocol")
        if app_protocol and isinstance(protocol_name, str):
            for msg in syntax.qualified_name(protocol_name):
                report.invalid(INVALID_SERVICE_PORT, path + ("appProtocol",), protocol_name, msg)
        node_port = integer(port.get("nodePort"))
        if node_port and kind == "ClusterIP":
            report.forbidden(INVALID_SERVICE_PORT, path + ("nodePort",), "may not be used when `type` is 'ClusterIP'")
        elif node_port:
            # two ports of one Service cannot share a node port of one protocol
            key = (node_port, port.get("protocol") or "TCP")
            if key in node_ports:
                report.duplicate(INVALID_SERVICE_PORT, path + ("nodePort",), node_port)
            node_ports.add(key)



