"""Container resize policies (validateResizePolicy, judged from 1.33 when InPlacePodVerticalScaling came on
by default; before that the API server drops the field) and pod-level resources (validatePodResources, from
1.34 when PodLevelResources came on by default). Serves Pods and every kind whose pod template the API
server validates.
"""
from __future__ import annotations

from .. import apisyntax as syntax
from .base import Report, at_least, field, items, mapping, rule
from .pods import POD_SPEC_PATHS

KINDS = frozenset(POD_SPEC_PATHS)

_POD = "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n"
RESIZE_RESOURCES = ("cpu", "memory")
RESIZE_POLICIES = ("NotRequired", "RestartContainer")
_GROUPS = ("containers", "initContainers", "ephemeralContainers")

INVALID_RESIZE_POLICY = rule(
    "SRV052", "invalid-resize-policy", "A container resizePolicy the API server rejects",
    what="Checks every container's `resizePolicy` from 1.33 (in-place resize on by default): each entry names "
         "`cpu` or `memory`, at most once, with `restartPolicy` `NotRequired` or `RestartContainer`; in a pod "
         "with `restartPolicy: Never` only `NotRequired`.",
    why="The API server rejects the pod (or the workload) with `resizePolicy: Unsupported value`, `Duplicate "
        "value` or `must be 'NotRequired' when `restartPolicy` is 'Never'`.",
    example=_POD + "  containers:\n  - name: app\n    image: nginx\n    resizePolicy:\n"
                   "    - {resourceName: cpu, restartPolicy: NotRequired}\n"
                   "    - {resourceName: cpu, restartPolicy: RestartContainer}\n",
    fix="Give one entry per resource, `cpu` or `memory`, with `NotRequired` or `RestartContainer` (only "
        "`NotRequired` when the pod never restarts).",
    versions="from 1.33")
INVALID_POD_RESOURCES = rule(
    "SRV053", "invalid-pod-level-resources", "Pod-level resources the API server rejects",
    what="Checks `spec.resources` of a pod from 1.34 (pod-level resources on by default): no `claims`; only "
         "`cpu`, `memory` and huge pages; readable, non-negative quantities; each request no more than its "
         "limit; no container limit above the pod's limit; a pod request no less than what its containers "
         "request together (regular containers and sidecars added up, an init container at a time).",
    why="The API server rejects the pod (or the workload) with `resources.limits: Unsupported value`, `must be "
        "less than or equal to pod limits of ...` or `must be greater than or equal to aggregate container "
        "requests of ...`.",
    example=_POD + "  resources: {limits: {cpu: '1'}}\n  containers:\n  - name: app\n    image: nginx\n"
                   "    resources: {limits: {cpu: '2'}}\n",
    fix="Keep pod-level resources to cpu and memory (and huge pages), and size them to hold what the "
        "containers ask for.",
    versions="from 1.34")

RULES = [INVALID_RESIZE_POLICY, INVALID_POD_RESOURCES]


def walk(resource, ctx, report: Report) -> None:
    version = ctx.target
    if not at_least(version, 33):
        return
    path = POD_SPEC_PATHS[resource.kind]
    spec = resource.get(path)
    if spec.__class__ is not dict:
        return
    never = spec.get("restartPolicy") == "Never"
    for group in _GROUPS:
        for i, container in enumerate(items(spec.get(group))):
            if container.__class__ is dict and container.get("resizePolicy"):
                _resize_policy(container.get("resizePolicy"), path + (group, i, "resizePolicy"), never, report)
    resources = spec.get("resources")
    if at_least(version, 34) and resources.__class__ is dict and resources:
        _pod_resources(resources, spec, path, report)


def _resize_policy(policies, path: tuple, never: bool, report: Report) -> None:
    seen: set = set()
    for i, policy in enumerate(items(policies)):
        if policy.__class__ is not dict:
            continue
        name, restart = policy.get("resourceName"), policy.get("restartPolicy")
        if not isinstance(name, (str, type(None))) or not isinstance(restart, (str, type(None))):
            continue  # the schema's finding
        if name in seen:
            report.duplicate(INVALID_RESIZE_POLICY, path + (i,), name or "")
        seen.add(name)
        # the API server's answers name the whole list, not the entry
        if not name:
            report.add(INVALID_RESIZE_POLICY, path + (i, "resourceName"), f"{field(path)}: Required value")
        elif name not in RESIZE_RESOURCES:
            report.add(INVALID_RESIZE_POLICY, path + (i, "resourceName"),
                       f"{field(path)}: Unsupported value: \"{name}\": supported values: \"cpu\", \"memory\"")
        if not restart:
            report.add(INVALID_RESIZE_POLICY, path + (i, "restartPolicy"), f"{field(path)}: Required value")
        elif restart not in RESIZE_POLICIES:
            report.add(INVALID_RESIZE_POLICY, path + (i, "restartPolicy"),
                       f"{field(path)}: Unsupported value: \"{restart}\": supported values: \"NotRequired\", "
                       "\"RestartContainer\"")
        if never and restart != "NotRequired":
            report.add(INVALID_RESIZE_POLICY, path + (i, "restartPolicy"),
                       f"{field(path)}: Invalid value: \"{restart or ''}\": must be 'NotRequired' when "
                       "`restartPolicy` is 'Never'",
                       suggestion="Use `restartPolicy: NotRequired`: a pod that never restarts cannot restart a "
                                  "container to resize it.")


def _quantities(values, path: tuple, report: Report) -> dict:
    parsed = {}
    for key, raw in mapping(values).items():
        if not isinstance(key, str) or not isinstance(raw, (str, int, float)) or isinstance(raw, bool):
            continue
        where = path + (key,)
        problems = syntax.qualified_name(key)
        for msg in problems:
            report.invalid(INVALID_POD_RESOURCES, where, key, msg, prefer_key=True)
        if not problems and key not in ("cpu", "memory") and not key.startswith("hugepages-"):
            if "/" not in key and key not in ("ephemeral-storage", "storage", "pods"):
                report.invalid(INVALID_POD_RESOURCES, where, key, "must be a standard resource type or fully "
                               "qualified", prefer_key=True)
            else:
                report.unsupported(INVALID_POD_RESOURCES, where, key, ("cpu", "hugepages-", "memory"))
        amount = syntax.quantity(raw)
        if amount is None:
            report.invalid(INVALID_POD_RESOURCES, where, raw, syntax.QUANTITY_ERROR)
        elif amount < 0:
            report.invalid(INVALID_POD_RESOURCES, where, raw, "must be greater than or equal to 0")
        else:
            parsed[key] = (raw, amount)
    return parsed


def _container_requests(container: dict) -> dict:
    """A container's requests after defaulting (a limit without a request is also the request)."""
    resources = mapping(container.get("resources"))
    out = {}
    for part in ("limits", "requests"):  # requests win over the limits they default from
        for key, raw in mapping(resources.get(part)).items():
            amount = syntax.quantity(raw) if isinstance(raw, (str, int, float)) and not isinstance(raw, bool) \
                else None
            if amount is not None and amount >= 0:
                out[key] = amount
    return out


def aggregate_requests(spec: dict) -> dict:
    """AggregateContainerRequests: regular containers and sidecars (restartPolicy Always init containers,
    which keep running) add up; a regular init container runs alone beside the sidecars started before it."""
    total: dict = {}
    for container in items(spec.get("containers")):
        if container.__class__ is dict:
            for key, amount in _container_requests(container).items():
                total[key] = total.get(key, 0) + amount
    sidecars: dict = {}
    peak: dict = {}
    for container in items(spec.get("initContainers")):
        if container.__class__ is not dict:
            continue
        requests = _container_requests(container)
        if container.get("restartPolicy") == "Always":
            for key, amount in requests.items():
                sidecars[key] = sidecars.get(key, 0) + amount
                total[key] = total.get(key, 0) + amount
            requests = dict(sidecars)
        else:
            requests = {k: requests.get(k, 0) + sidecars.get(k, 0) for k in set(requests) | set(sidecars)}
        for key, amount in requests.items():
            peak[key] = max(peak.get(key, 0), amount)
    return {k: max(total.get(k, 0), peak.get(k, 0)) for k in set(total) | set(peak)}


def _pod_resources(resources: dict, spec: dict, spec_path: tuple, report: Report) -> None:
    path = spec_path + ("resources",)
    if resources.get("claims") is not None:
        report.forbidden(INVALID_POD_RESOURCES, path + ("claims",), "claims cannot be set for Resources at pod-level")
    limits = _quantities(resources.get("limits"), path + ("limits",), report)
    requests = _quantities(resources.get("requests"), path + ("requests",), report)
    for key, (raw, amount) in requests.items():
        limit = limits.get(key)
        huge = key.startswith("hugepages-")  # huge pages cannot be overcommitted: request and limit are equal
        if limit is None:
            if huge and key not in mapping(resources.get("limits")):
                report.required(INVALID_POD_RESOURCES, path + ("limits",),
                                "Limit must be set for non overcommitable resources")
        elif huge and amount != limit[1]:
            report.add(INVALID_POD_RESOURCES, path + ("requests", key),
                       f"{field(path + ('requests',))}: Invalid value: \"{raw}\": must be equal to {key} limit "
                       f"of {limit[0]}")
        elif amount > limit[1]:
            report.add(INVALID_POD_RESOURCES, path + ("requests", key),
                       f"{field(path + ('requests',))}: Invalid value: \"{raw}\": must be less than or equal to "
                       f"{key} limit of {limit[0]}")
    named = set(mapping(resources.get("limits"))) | set(mapping(resources.get("requests")))
    if any(isinstance(k, str) and k.startswith("hugepages-") for k in named) and not named & {"cpu", "memory"}:
        report.forbidden(INVALID_POD_RESOURCES, path, "HugePages require cpu or memory")
    for key, amount in aggregate_requests(spec).items():
        own = requests.get(key)  # only requests the pod states: others are defaulted from the containers
        if own is not None and amount > own[1]:
            report.invalid(INVALID_POD_RESOURCES, path + ("requests", key), own[0],
                           f"must be greater than or equal to aggregate container requests of {_shown(amount)}")
    for i, container in enumerate(items(spec.get("containers"))):
        for key, raw in mapping(mapping(mapping(container).get("resources")).get("limits")).items():
            limit = limits.get(key)
            amount = syntax.quantity(raw) if isinstance(raw, (str, int, float)) and not isinstance(raw, bool) \
                else None
            if limit is not None and amount is not None and amount > limit[1]:
                report.add(INVALID_POD_RESOURCES, spec_path + ("containers", i, "resources", "limits", key),
                           f"{field(path + ('containers', i))}[{key}].limits: Invalid value: \"{raw}\": must be "
                           f"less than or equal to pod limits of {limit[0]}")


def _shown(amount) -> str:
    """An amount the way a quantity prints: millis for fractions, a binary suffix where one divides it."""
    if amount != int(amount):
        milli = amount * 1000
        return f"{int(milli)}m" if milli == int(milli) else format(amount, "f")
    whole = int(amount)
    for suffix, power in (("Ei", 60), ("Pi", 50), ("Ti", 40), ("Gi", 30), ("Mi", 20), ("Ki", 10)):
        if whole and whole % (1 << power) == 0:
            return f"{whole >> power}{suffix}"
    return str(whole)
