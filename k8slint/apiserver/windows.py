"""Windows options of a pod's and its containers' security contexts as the API server checks them: the
GMSA credential spec fields and runAsUserName (validateWindowsSecurityContextOptions, from 1.18 when both
went GA) and HostProcess pods (validateWindowsHostProcessPod, from 1.23 when WindowsHostProcessContainers
came on by default). Serves Pods and every kind whose pod template the API server validates.
"""
from __future__ import annotations

from .. import apisyntax as syntax
from ..lazyre import lazy
from .base import Report, at_least, items, mapping, rule
from .pods import POD_SPEC_PATHS

KINDS = frozenset(POD_SPEC_PATHS)

GMSA_SPEC_MAX = 64 * 1024
DOMAIN_MAX = 256  # the domain must be shorter than this
USER_MAX = 104
_CONTROL = lazy("[\x00-\x1f\x7f]")
_NETBIOS = lazy(r'[^\\/:*?"<>|.][^\\/:*?"<>|]{0,14}')
_DNS_LABEL = "[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
_DNS_DOMAIN = lazy(f"{_DNS_LABEL}(?:\\.{_DNS_LABEL})*")
_USER_CHARS = lazy(r'["/\\:;|=,+*?<>@\[\]]')
_DOTS_SPACES = lazy(r"[. ]+")

INVALID_WINDOWS_OPTIONS = rule(
    "SRV051", "invalid-windows-options", "Windows security options the API server rejects",
    what="Checks `securityContext.windowsOptions` of the pod and of every container: from 1.18 "
         "`gmsaCredentialSpecName` a DNS-1123 subdomain, `gmsaCredentialSpec` not empty and under 64 KiB, "
         "`runAsUserName` not empty, without control characters, at most one backslash, a NetBIOS or DNS "
         "domain under 256 characters and a user of at most 104 characters that is not only dots or spaces "
         "and has none of `\"/\\:;|=,+*?<>@[]`; from 1.23, HostProcess pods: the pod's and a container's "
         "`hostProcess` agree when both are set, every container is a HostProcess container once one is, and "
         "the pod sets `hostNetwork: true`.",
    why="The API server rejects the pod (or the workload) with `hostNetwork: Invalid value: false: hostNetwork "
        "must be true if pod contains any hostProcess containers`, `runAsUserName's User cannot contain the "
        "following characters` and similar answers.",
    example="apiVersion: v1\nkind: Pod\nmetadata: {name: agent}\nspec:\n  os: {name: windows}\n"
            "  securityContext:\n    windowsOptions: {hostProcess: true, runAsUserName: \"NT AUTHORITY\\\\SYSTEM\"}\n"
            "  containers: [{name: agent, image: mcr.microsoft.com/windows/nanoserver:ltsc2022}]\n",
    fix="Set `hostNetwork: true` on HostProcess pods and make every container a HostProcess container (set "
        "`hostProcess` on the pod only); write runAsUserName as `USER` or `DOMAIN\\USER`.",
    versions="from 1.18 (HostProcess pods from 1.23)")

RULES = [INVALID_WINDOWS_OPTIONS]
_GROUPS = ("initContainers", "containers", "ephemeralContainers")


def walk(resource, ctx, report: Report) -> None:
    if not at_least(ctx.target, 18):
        return
    path = POD_SPEC_PATHS[resource.kind]
    spec = resource.get(path)
    if spec.__class__ is not dict:
        return
    pod_options = mapping(spec.get("securityContext")).get("windowsOptions")
    if pod_options is None and not any(_has_options(c) for group in _GROUPS for c in items(spec.get(group))):
        return  # the common case, decided without building paths
    containers = [(path + (group, i), c) for group in _GROUPS for i, c in enumerate(items(spec.get(group)))
                  if c.__class__ is dict]
    options = [(path + ("securityContext", "windowsOptions"), pod_options)]
    options += [(where + ("securityContext", "windowsOptions"),
                 mapping(c.get("securityContext")).get("windowsOptions")) for where, c in containers]
    for where, option in options:
        if option.__class__ is dict:
            _options(option, where, report)
    if at_least(ctx.target, 23):
        _host_process(spec, path, mapping(pod_options).get("hostProcess"), containers, report)


def _has_options(container) -> bool:
    context = container.get("securityContext") if container.__class__ is dict else None
    return context.__class__ is dict and context.get("windowsOptions") is not None


def _options(options: dict, path: tuple, report: Report) -> None:
    name = options.get("gmsaCredentialSpecName")
    if isinstance(name, str):
        for msg in syntax.dns1123_subdomain(name):
            report.invalid(INVALID_WINDOWS_OPTIONS, path + ("gmsaCredentialSpecName",), name, msg)
    credential = options.get("gmsaCredentialSpec")
    if isinstance(credential, str):
        size = len(credential.encode("utf-8", "surrogatepass"))
        if size == 0:
            report.invalid(INVALID_WINDOWS_OPTIONS, path + ("gmsaCredentialSpec",), credential,
                           "gmsaCredentialSpec cannot be an empty string")
        elif size > GMSA_SPEC_MAX:
            report.invalid(INVALID_WINDOWS_OPTIONS, path + ("gmsaCredentialSpec",), "...",
                           "gmsaCredentialSpec size must be under 64 KiB")
    user = options.get("runAsUserName")
    if isinstance(user, str):
        for msg in user_name_problems(user):
            report.invalid(INVALID_WINDOWS_OPTIONS, path + ("runAsUserName",), user, msg)


def user_name_problems(value: str) -> list:
    """validateWindowsSecurityContextOptions' rules for runAsUserName (lengths in bytes, as Go counts)."""
    if not value:
        return ["runAsUserName cannot be an empty string"]
    if _CONTROL.search(value):
        return ["runAsUserName cannot contain control characters"]
    parts = value.split("\\")
    if len(parts) > 2:
        return ["runAsUserName cannot contain more than one backslash"]
    domain, user = (parts[0], parts[1]) if len(parts) == 2 else ("", parts[0])
    problems = []
    if len(domain.encode("utf-8", "surrogatepass")) >= DOMAIN_MAX:
        problems.append(f"runAsUserName's Domain length must be under {DOMAIN_MAX} characters")
    if len(parts) == 2 and not (_NETBIOS.fullmatch(domain) or _DNS_DOMAIN.fullmatch(domain)):
        problems.append("runAsUserName's Domain doesn't match the NetBios nor the DNS format")
    size = len(user.encode("utf-8", "surrogatepass"))
    if size == 0:
        problems.append("runAsUserName's User cannot be empty")
    elif size > USER_MAX:
        problems.append(f"runAsUserName's User length must not be longer than {USER_MAX} characters")
    if _DOTS_SPACES.fullmatch(user):
        problems.append("runAsUserName's User cannot contain only periods or spaces")
    if _USER_CHARS.search(user):
        problems.append("runAsUserName's User cannot contain the following characters: \"/\\:;|=,+*?<>@[]")
    return problems


def _host_process(spec: dict, path: tuple, pod_value, containers: list, report: Report) -> None:
    pod_value = pod_value if isinstance(pod_value, bool) else None
    hosted = 0
    for where, container in containers:
        value = mapping(mapping(container.get("securityContext")).get("windowsOptions")).get("hostProcess")
        value = value if isinstance(value, bool) else None
        if pod_value is not None and value is not None and value != pod_value:
            report.invalid(INVALID_WINDOWS_OPTIONS, where + ("securityContext", "windowsOptions", "hostProcess"),
                           value, f"pod hostProcess value must be identical if both are specified, was "
                                  f"{str(pod_value).lower()}")
        if value is True or (value is None and pod_value is True):
            hosted += 1
    if not hosted:
        return
    if hosted != len(containers):
        report.invalid(INVALID_WINDOWS_OPTIONS, path, "", "If pod contains any hostProcess containers then all "
                       "containers must be HostProcess containers",
                       suggestion="Set `hostProcess: true` on the pod's windowsOptions so every container "
                                  "inherits it, or on none.")
    if spec.get("hostNetwork") is not True:
        report.invalid(INVALID_WINDOWS_OPTIONS, path + ("hostNetwork",), False,
                       "hostNetwork must be true if pod contains any hostProcess containers",
                       suggestion="Add `hostNetwork: true`: HostProcess containers run in the node's network.")
