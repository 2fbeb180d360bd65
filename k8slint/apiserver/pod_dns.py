"""How a pod resolves names, as ValidatePodSpec checks it: its DNS settings (validatePodDNSConfig:
`dnsPolicy: None` needs its own nameservers; the limits on nameservers, search domains and options) and its
/etc/hosts entries (ValidateHostAliases). Reported as SRV035 (a pod spec field the API server rejects)."""
from __future__ import annotations

from .. import apisyntax as syntax
from .base import Report, at_least, items
from .pods import INVALID_POD_FIELD, POD_SPEC_PATHS

KINDS = frozenset(POD_SPEC_PATHS)
RULES: list = []
REPORTS = [INVALID_POD_FIELD]  # rules of other areas this one reports too

MAX_NAMESERVERS = 3


def search_limits(version) -> tuple:
    """(paths, characters) a search list may hold: ExpandedDNSConfig is on by default from 1.26."""
    return (32, 2048) if at_least(version, 26) else (6, 256)


def walk(resource, ctx, report: Report) -> None:
    path = POD_SPEC_PATHS[resource.kind]
    spec = resource.get(path)
    if spec.__class__ is not dict:
        return
    aliases = spec.get("hostAliases")
    if aliases:
        check_host_aliases(aliases, path + ("hostAliases",), report)
    policy, config = spec.get("dnsPolicy"), spec.get("dnsConfig")
    if policy != "None" and config is None:
        return
    cpath = path + ("dnsConfig",)
    if policy == "None":
        if config is None:
            report.required(INVALID_POD_FIELD, cpath, "must provide `dnsConfig` when `dnsPolicy` is None")
            return
        if config.__class__ is dict and config.get("nameservers") in (None, []):
            report.required(INVALID_POD_FIELD, cpath + ("nameservers",),
                            "must provide at least one DNS nameserver when `dnsPolicy` is None")
    if config.__class__ is dict:
        check_dns_config(config, cpath, report, ctx.target)


def check_dns_config(config: dict, path: tuple, report: Report, version) -> None:
    nameservers = items(config.get("nameservers"))
    if len(nameservers) > MAX_NAMESERVERS:
        report.invalid(INVALID_POD_FIELD, path + ("nameservers",), "...",
                       f"must not have more than {MAX_NAMESERVERS} nameservers")
    for i, server in enumerate(nameservers):
        if isinstance(server, str):
            for msg in syntax.ip_address(server):
                report.invalid(INVALID_POD_FIELD, path + ("nameservers", i), server, msg)
    searches = [s for s in items(config.get("searches")) if isinstance(s, str)]
    most, chars = search_limits(version)
    if len(searches) > most:
        report.invalid(INVALID_POD_FIELD, path + ("searches",), "...",
                       f"must not have more than {most} search paths")
    if len(" ".join(searches)) > chars:
        report.invalid(INVALID_POD_FIELD, path + ("searches",), "...",
                       f"must not have more than {chars} characters (including spaces) in the search list")
    relaxed = at_least(version, 33)  # RelaxedDNSSearchValidation: '_' and a lone '.' allowed
    for i, search in enumerate(items(config.get("searches"))):
        if not isinstance(search, str) or (relaxed and search == "."):
            continue
        domain = search[:-1] if search.endswith(".") else search
        problems = syntax.dns1123_subdomain(domain.replace("_", "a") if relaxed else domain)
        for msg in problems:
            report.invalid(INVALID_POD_FIELD, path + ("searches", i), domain, msg)
    for i, option in enumerate(items(config.get("options"))):
        if option.__class__ is dict and option.get("name") in (None, ""):
            report.required(INVALID_POD_FIELD, path + ("options", i), "must not be empty")


def check_host_aliases(aliases, path: tuple, report: Report) -> None:
    for i, alias in enumerate(items(aliases)):
        if alias.__class__ is not dict:
            continue
        ip = alias.get("ip")
        if isinstance(ip, str):
            for msg in syntax.ip_address(ip):
                report.invalid(INVALID_POD_FIELD, path + (i, "ip"), ip, msg)
        for j, name in enumerate(items(alias.get("hostnames"))):
            if isinstance(name, str):
                for msg in syntax.dns1123_subdomain(name):
                    report.invalid(INVALID_POD_FIELD, path + (i, "hostnames", j), name, msg)
