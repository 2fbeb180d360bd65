"""Dynamic resource allocation in a pod (validatePodResourceClaims and validateResourceClaimNames), judged from
1.34 when DynamicResourceAllocation is on by default (before, the API server drops both fields): the pod's
`resourceClaims` and the claims its containers' `resources.claims` use. Serves Pods and every kind whose pod
template the API server validates.
"""
from __future__ import annotations

from .. import apisyntax as syntax
from .base import Report, at_least, field, items, mapping, rule
from .pods import POD_SPEC_PATHS

KINDS = frozenset(POD_SPEC_PATHS)
_GROUPS = ("containers", "initContainers", "ephemeralContainers")

INVALID_RESOURCE_CLAIMS = rule(
    "SRV054", "invalid-resource-claims", "Resource claims of a pod the API server rejects",
    what="Checks from 1.34 (dynamic resource allocation on by default) the pod's `resourceClaims`: a name that "
         "is a DNS-1123 label, unique, and exactly one of `resourceClaimName` or `resourceClaimTemplateName` (a "
         "valid object name); and each container's `resources.claims`: a name, not repeated, that is one of the "
         "pod's `resourceClaims` (with an optional `request` that is a DNS-1123 label).",
    why="The API server rejects the pod (or the workload) with `resources.claims[0]: Not found: \"gpu\": must "
        "be one of the names in pod.spec.resourceClaims` or `must specify one of: `resourceClaimName`, "
        "`resourceClaimTemplateName``.",
    example="apiVersion: v1\nkind: Pod\nmetadata: {name: train}\nspec:\n  containers:\n  - name: app\n"
            "    image: trainer\n    resources: {claims: [{name: gpu}]}\n",
    fix="Declare each claim under `spec.resourceClaims` (with a resourceClaimName or resourceClaimTemplateName) "
        "and refer to it by that name.",
    versions="from 1.34")

RULES = [INVALID_RESOURCE_CLAIMS]


def walk(resource, ctx, report: Report) -> None:
    if not at_least(ctx.target, 34):
        return
    path = POD_SPEC_PATHS[resource.kind]
    spec = resource.get(path)
    if spec.__class__ is not dict:
        return
    claims = spec.get("resourceClaims")
    used = [(path + (group, i, "resources", "claims"), c["resources"]["claims"])
            for group in _GROUPS for i, c in enumerate(items(spec.get(group)))
            if c.__class__ is dict and mapping(c.get("resources")).get("claims")]
    if not claims and not used:
        return
    names = _pod_claims(claims, path + ("resourceClaims",), report)
    for where, container_claims in used:
        _container_claims(container_claims, where, names, report)


def _pod_claims(claims, path: tuple, report: Report) -> set:
    """Checks the pod's claims; returns every name they give (valid or not, as gatherPodResourceClaimNames)."""
    given_names = {c.get("name") for c in items(claims) if c.__class__ is dict and isinstance(c.get("name"), str)}
    names: set = set()
    for i, claim in enumerate(items(claims)):
        if claim.__class__ is not dict:
            continue
        where = path + (i,)
        name = claim.get("name")
        if name in (None, ""):
            report.required(INVALID_RESOURCE_CLAIMS, where + ("name",))
        elif isinstance(name, str):
            if name in names:
                report.duplicate(INVALID_RESOURCE_CLAIMS, where + ("name",), name)
            else:
                for msg in syntax.dns1123_label(name):
                    report.invalid(INVALID_RESOURCE_CLAIMS, where + ("name",), name, msg)
                names.add(name)
        given = [k for k in ("resourceClaimName", "resourceClaimTemplateName") if claim.get(k) is not None]
        if len(given) > 1:
            report.invalid(INVALID_RESOURCE_CLAIMS, where, "...",
                           "at most one of `resourceClaimName` or `resourceClaimTemplateName` may be specified")
        elif not given:
            report.invalid(INVALID_RESOURCE_CLAIMS, where, "...",
                           "must specify one of: `resourceClaimName`, `resourceClaimTemplateName`",
                           suggestion="Name an existing ResourceClaim or a ResourceClaimTemplate to create one from.")
        for key in given:
            value = claim.get(key)
            if isinstance(value, str):
                for msg in syntax.dns1123_subdomain(value):
                    report.invalid(INVALID_RESOURCE_CLAIMS, where + (key,), value, msg)
    return given_names - {""}


def _container_claims(claims, path: tuple, pod_names: set, report: Report) -> None:
    seen: set = set()
    for i, claim in enumerate(items(claims)):
        if claim.__class__ is not dict:
            continue
        name, request = claim.get("name"), claim.get("request")
        if not isinstance(name, (str, type(None))) or not isinstance(request, (str, type(None))):
            continue  # the schema's finding
        if not name:
            report.required(INVALID_RESOURCE_CLAIMS, path + (i,))
            continue
        if name in seen:  # every request of the claim already referenced
            report.duplicate(INVALID_RESOURCE_CLAIMS, path + (i,), name)
        else:
            key = name
            if request:
                for msg in syntax.dns1123_label(request):
                    report.invalid(INVALID_RESOURCE_CLAIMS, path + (i, "request"), request, msg)
                key = f"{name}/{request}"
            if key in seen:
                report.duplicate(INVALID_RESOURCE_CLAIMS, path + (i,), key)
            elif not request and any(k.startswith(name + "/") for k in seen):
                report.duplicate(INVALID_RESOURCE_CLAIMS, path + (i,), name)
            seen.add(key)
        if name not in pod_names:
            listed = ": " + ", ".join(sorted(pod_names)) if pod_names else " which is empty"
            report.add(INVALID_RESOURCE_CLAIMS, path + (i, "name"),
                       f"{field(path + (i,))}: Not found: \"{name}\": must be one of the names in "
                       f"pod.spec.resourceClaims{listed}")
