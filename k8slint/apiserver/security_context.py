"""Pod and container security contexts as ValidatePodSpec checks them: user and group ids, privilege
escalation, sysctls, seccomp and AppArmor profiles. Serves Pods and every kind whose pod template the API
server validates.

Enumerated values (profile types, procMount, fsGroupChangePolicy) are the schema's findings.
"""
from __future__ import annotations

from .. import apisyntax as syntax
from ..lazyre import lazy
from .base import Report, at_least, field, integer, items, mapping, rule
from .pods import POD_SPEC_PATHS

KINDS = frozenset(POD_SPEC_PATHS)

MAX_ID = 2 ** 31 - 1
ID_RANGE = f"must be between 0 and {MAX_ID}, inclusive"
SYSCTL_MAX = 253
_SYSCTL_SEGMENT = "[a-z0-9]([-_a-z0-9]*[a-z0-9])?"
# the form with '/' as a separator too, which every version from 1.23 accepts
_SYSCTL = "(" + _SYSCTL_SEGMENT + "[\\./])*" + _SYSCTL_SEGMENT
_sysctl_re = lazy(_SYSCTL)
APPARMOR_PROFILE_MAX = 4095  # PATH_MAX - 1

INVALID_SECURITY_CONTEXT = rule(
    "SRV039", "invalid-security-context", "A pod or container securityContext the API server rejects",
    what="Checks `securityContext` of the pod and of every container: `runAsUser`, `runAsGroup`, `fsGroup` "
         "and `supplementalGroups` between 0 and 2147483647; `allowPrivilegeEscalation: false` not together "
         "with `privileged: true` or an added `CAP_SYS_ADMIN`; sysctl names well formed and not repeated, "
         "and (from 1.29) no `net.*` sysctl with `hostNetwork: true` nor an IPC one (`kernel.shmmax` and the "
         "other shared memory, message and semaphore limits, `fs.mqueue.*`) with `hostIPC: true`; from 1.33 "
         "(user namespaces on by default) "
         "`hostUsers: false` not with `hostNetwork`, `hostPID` or `hostIPC`, and `procMount: Unmasked` only with "
         "`hostUsers: false`; "
         "`shareProcessNamespace` not with `hostPID`; a seccomp or (from 1.30) AppArmor profile of type "
         "`Localhost` names its `localhostProfile` (a relative path for seccomp), and other types do not; "
         "from 1.24 a pod with `os.name: windows` sets none of the Linux-only fields (user and group ids, "
         "seccomp, SELinux, capabilities, privileged ...) and one with `os.name: linux` no `windowsOptions`.",
    why="The API server rejects the pod (or the workload) with `runAsUser: Invalid value: -1: must be between 0 "
        "and 2147483647, inclusive`, `cannot set `allowPrivilegeEscalation` to false and `privileged` to true`, "
        "`localhostProfile: Required value: must be set when seccomp type is Localhost` and similar answers.",
    example="apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n  - name: app\n"
            "    image: nginx\n    securityContext: {privileged: true, allowPrivilegeEscalation: false}\n",
    fix="Use ids of 0 or more; drop `allowPrivilegeEscalation: false` from privileged containers (or drop "
        "`privileged`); give `localhostProfile` exactly when the profile type is `Localhost`.",
    versions="every version (AppArmor profiles from 1.30, sysctls of host namespaces from 1.29, user namespaces "
             "from 1.33)")

RULES = [INVALID_SECURITY_CONTEXT]

# What a pod that declares `os.name: windows` may not set (validateWindows), with the first minor whose
# schema has the field; `os` itself is honoured from 1.24 (IdentifyPodOS on by default).
_WINDOWS_POD_FIELDS = (("seLinuxOptions", 24), ("seccompProfile", 24), ("fsGroup", 24),
                       ("fsGroupChangePolicy", 24), ("sysctls", 24), ("runAsUser", 24), ("runAsGroup", 24),
                       ("supplementalGroups", 24), ("appArmorProfile", 30), ("supplementalGroupsPolicy", 31),
                       ("seLinuxChangePolicy", 32))
_WINDOWS_SPEC_FIELDS = ("hostPID", "hostIPC", "shareProcessNamespace")
_WINDOWS_CONTAINER_FIELDS = (("seLinuxOptions", 24), ("seccompProfile", 24), ("capabilities", 24),
                             ("readOnlyRootFilesystem", 24), ("privileged", 24), ("allowPrivilegeEscalation", 24),
                             ("procMount", 24), ("runAsUser", 24), ("runAsGroup", 24), ("appArmorProfile", 30))


def walk(resource, ctx, report: Report) -> None:
    path = POD_SPEC_PATHS[resource.kind]
    spec = resource.get(path)
    if spec.__class__ is not dict:
        return
    apparmor = at_least(ctx.target, 30)
    context = spec.get("securityContext")
    if context.__class__ is dict and context:
        _pod_context(context, path, report, apparmor)
        if at_least(ctx.target, 29) and (spec.get("hostNetwork") is True or spec.get("hostIPC") is True):
            _host_sysctls(spec, context.get("sysctls"), path + ("securityContext", "sysctls"), report)
    if spec.get("shareProcessNamespace") is True and spec.get("hostPID") is True:
        report.invalid(INVALID_SECURITY_CONTEXT, path + ("shareProcessNamespace",), True,
                       "ShareProcessNamespace and HostPID cannot both be enabled")
    os_name = spec.get("os")
    if os_name.__class__ is dict and at_least(ctx.target, 24):
        _os_fields(spec, os_name.get("name"), path, report, ctx.target)
    # hostUsers and procMount: their gates (UserNamespacesSupport, ProcMountType) are on by default from 1.33;
    # before, the API server drops both fields
    namespaced = at_least(ctx.target, 33)
    host_users = spec.get("hostUsers") is not False
    if namespaced and not host_users:
        _user_namespace(spec, path, report)
    for group in ("containers", "initContainers", "ephemeralContainers"):
        for i, container in enumerate(items(spec.get(group))):
            if container.__class__ is dict:
                context = container.get("securityContext")
                if context.__class__ is dict and context:
                    _container_context(context, path + (group, i, "securityContext"), report, apparmor)
                    if namespaced and host_users and context.get("procMount") == "Unmasked":
                        report.invalid(INVALID_SECURITY_CONTEXT, path + (group, i, "securityContext", "procMount"),
                                       "Unmasked", "`hostUsers` must be false to use `Unmasked`",
                                       suggestion="Set `hostUsers: false` on the pod (its own user namespace) or "
                                                  "drop `procMount: Unmasked`.")


def _user_namespace(spec: dict, path: tuple, report: Report) -> None:
    """validateHostUsers: a pod in its own user namespace shares no other namespace with the host. (The API
    server names two of the fields in capitals.)"""
    for key, named in (("hostNetwork", "hostNetwork"), ("hostPID", "HostPID"), ("hostIPC", "HostIPC")):
        if spec.get(key) is True:
            report.add(INVALID_SECURITY_CONTEXT, path + (key,),
                       f"{field(path + (named,))}: Forbidden: when `pod.Spec.HostUsers` is false",
                       suggestion=f"Drop `{key}: true` or `hostUsers: false`: a pod in its own user namespace "
                                  "cannot share the host's.")


def _os_fields(spec: dict, name, path: tuple, report: Report, version) -> None:
    """validateWindows and validateLinux: what the declared operating system cannot use."""
    containers = [(group, i, c) for group in ("containers", "initContainers", "ephemeralContainers")
                  for i, c in enumerate(items(spec.get(group))) if c.__class__ is dict]
    if name == "linux":
        forbidden = "windows options cannot be set for a linux pod"
        if mapping(spec.get("securityContext")).get("windowsOptions") is not None:
            report.forbidden(INVALID_SECURITY_CONTEXT, path + ("securityContext", "windowsOptions"), forbidden)
        for group, i, container in containers:
            if mapping(container.get("securityContext")).get("windowsOptions") is not None:
                report.forbidden(INVALID_SECURITY_CONTEXT, path + (group, i, "securityContext", "windowsOptions"),
                                 forbidden)
    elif name == "windows":
        forbidden = "cannot be set for a windows pod"
        context = mapping(spec.get("securityContext"))
        for key, since in _WINDOWS_POD_FIELDS:
            if context.get(key) is not None and at_least(version, since):
                report.forbidden(INVALID_SECURITY_CONTEXT, path + ("securityContext", key), forbidden)
        for key in _WINDOWS_SPEC_FIELDS:
            if spec.get(key) is True or (key == "shareProcessNamespace" and spec.get(key) is not None):
                report.forbidden(INVALID_SECURITY_CONTEXT, path + (key,), forbidden)
        if spec.get("hostUsers") is not None and at_least(version, 33):
            report.forbidden(INVALID_SECURITY_CONTEXT, path + ("hostUsers",), forbidden)
        for group, i, container in containers:
            context = mapping(container.get("securityContext"))
            for key, since in _WINDOWS_CONTAINER_FIELDS:
                if context.get(key) is not None and at_least(version, since):
                    report.forbidden(INVALID_SECURITY_CONTEXT, path + (group, i, "securityContext", key),
                                     forbidden)


def _ids(context: dict, keys: tuple, path: tuple, report: Report) -> None:
    for key in keys:
        value = integer(context.get(key))
        if value is not None and not 0 <= value <= MAX_ID:
            report.invalid(INVALID_SECURITY_CONTEXT, path + (key,), value, ID_RANGE)


def _pod_context(context: dict, spec_path: tuple, report: Report, apparmor: bool) -> None:
    path = spec_path + ("securityContext",)
    _ids(context, ("fsGroup", "runAsUser", "runAsGroup"), path, report)
    for i, group in enumerate(items(context.get("supplementalGroups"))):
        value = integer(group)
        if value is not None and not 0 <= value <= MAX_ID:
            report.invalid(INVALID_SECURITY_CONTEXT, path + ("supplementalGroups", i), value, ID_RANGE)
    sysctls = context.get("sysctls")
    if sysctls:
        _sysctls(sysctls, path + ("sysctls",), report)
    _profiles(context, path, report, apparmor)


def _container_context(context: dict, path: tuple, report: Report, apparmor: bool) -> None:
    _ids(context, ("runAsUser", "runAsGroup"), path, report)
    if context.get("allowPrivilegeEscalation") is False:
        if context.get("privileged") is True:
            report.invalid(INVALID_SECURITY_CONTEXT, path + ("allowPrivilegeEscalation",), False,
                           "cannot set `allowPrivilegeEscalation` to false and `privileged` to true")
        capabilities = context.get("capabilities")
        if capabilities.__class__ is dict:
            for i, added in enumerate(items(capabilities.get("add"))):
                if added == "CAP_SYS_ADMIN":  # upstream compares the string as written: SYS_ADMIN passes
                    report.invalid(INVALID_SECURITY_CONTEXT, path + ("capabilities", "add", i), added,
                                   "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` "
                                   "CAP_SYS_ADMIN")
    _profiles(context, path, report, apparmor)


def _sysctls(sysctls, path: tuple, report: Report) -> None:
    names: set = set()
    for i, sysctl in enumerate(items(sysctls)):
        if sysctl.__class__ is not dict:
            continue
        name = sysctl.get("name")
        if name in (None, ""):
            report.required(INVALID_SECURITY_CONTEXT, path + (i, "name"))
        elif isinstance(name, str):
            if len(name) > SYSCTL_MAX or not _sysctl_re.fullmatch(name):
                report.invalid(INVALID_SECURITY_CONTEXT, path + (i, "name"), name,
                               f"must have at most {SYSCTL_MAX} characters and match regex ^{_SYSCTL}$")
            elif name in names:
                report.duplicate(INVALID_SECURITY_CONTEXT, path + (i, "name"), name)
            names.add(name)


# the IPC sysctls every version from 1.29 knows by name (early versions matched kernel.shm*/kernel.msg* as
# prefixes, later ones list the real names: only names both agree on are judged)
_IPC_SYSCTLS = frozenset({"kernel.sem", "kernel.shm", "kernel.shmall", "kernel.shmmax", "kernel.shmmni",
                          "kernel.shm_rmid_forced", "kernel.msg", "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni"})


def sysctl_namespace(name: str) -> str | None:
    """The host-namespace field a sysctl conflicts with (its kernel namespace is IPC or network), or None.
    Names are taken as written: the slash form (`net/ipv4/ip_forward`), which only later versions normalize,
    is not judged."""
    if name in _IPC_SYSCTLS or name.startswith("fs.mqueue."):
        return "hostIPC"
    if name.startswith("net."):
        return "hostNetwork"
    return None


def _host_sysctls(spec: dict, sysctls, path: tuple, report: Report) -> None:
    """ValidateHostSysctl (from 1.29): a pod sharing the host's network or IPC namespace may not set that
    namespace's sysctls (they would change the host's)."""
    for i, sysctl in enumerate(items(sysctls)):
        name = mapping(sysctl).get("name")
        owner = sysctl_namespace(name) if isinstance(name, str) else None
        if owner is not None and spec.get(owner) is True:
            report.invalid(INVALID_SECURITY_CONTEXT, path + (i, "name"), name,
                           f"may not be specified when '{owner}' is true",
                           suggestion=f"Drop the sysctl or `{owner}: true`: with the host's namespace the sysctl "
                                      "would change the node itself.")


def _profiles(context: dict, path: tuple, report: Report, apparmor: bool) -> None:
    seccomp = context.get("seccompProfile")
    if seccomp.__class__ is dict:
        _profile(seccomp, path + ("seccompProfile",), report, "seccomp")
    profile = context.get("appArmorProfile")
    if apparmor and profile.__class__ is dict:
        _profile(profile, path + ("appArmorProfile",), report, "AppArmor")


def _profile(profile: dict, path: tuple, report: Report, what: str) -> None:
    kind, local = profile.get("type"), profile.get("localhostProfile")
    if not isinstance(kind, str) or not isinstance(local, (str, type(None))):
        return  # the schema's finding
    where = path + ("localhostProfile",)
    if kind != "Localhost":
        if local is not None and kind in ("RuntimeDefault", "Unconfined"):
            report.invalid(INVALID_SECURITY_CONTEXT, where, local,
                           f"can only be set when {what} type is Localhost")
        return
    if local is None or (what == "AppArmor" and not local.strip()):
        report.required(INVALID_SECURITY_CONTEXT, where, f"must be set when {what} type is Localhost")
        return
    if what == "seccomp":
        for msg in syntax.local_descending_path(local):
            report.invalid(INVALID_SECURITY_CONTEXT, where, local, msg)
        return
    if local != local.strip():
        report.invalid(INVALID_SECURITY_CONTEXT, where, local, "must not be padded with whitespace")
    if len(local.encode("utf-8", "surrogatepass")) > APPARMOR_PROFILE_MAX:
        report.too_long(INVALID_SECURITY_CONTEXT, where, f"may not be more than {APPARMOR_PROFILE_MAX} bytes")
