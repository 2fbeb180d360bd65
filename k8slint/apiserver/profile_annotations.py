"""The deprecated seccomp and AppArmor annotations of a pod (or pod template) as the API server checks them:
their values (ValidateSeccompPodAnnotations, ValidateAppArmorPodAnnotations) and, where both an annotation and
the matching `securityContext` field are set, that they agree (validateSeccompAnnotationsAndFields from 1.19,
validateAppArmorAnnotationsAndFieldsMatchOnCreate from 1.30, when the AppArmor field came).

A Pod's own annotations and fields are first synced one way or the other by the API server (a field alone
gets its annotation, an annotation alone its field), so only two that are both written can disagree; pod
templates are not synced.
"""
from __future__ import annotations

from .. import apisyntax as syntax
from .base import Report, at_least, items, mapping, rule
from .pods import POD_SPEC_PATHS, pod_annotations

KINDS = frozenset(POD_SPEC_PATHS)

SECCOMP_POD = "seccomp.security.alpha.kubernetes.io/pod"
SECCOMP_CONTAINER = "container.seccomp.security.alpha.kubernetes.io/"
APPARMOR_CONTAINER = "container.apparmor.security.beta.kubernetes.io/"
_CONTAINER_GROUPS = ("initContainers", "containers", "ephemeralContainers")

PROFILE_ANNOTATION = rule(
    "SRV050", "invalid-profile-annotation", "A seccomp or AppArmor annotation the API server rejects",
    what="Checks the deprecated profile annotations of a pod or pod template: seccomp annotations "
         "(`seccomp.security.alpha.kubernetes.io/pod`, `container.seccomp.security.alpha.kubernetes.io/<name>`) "
         "are `runtime/default`, `docker/default`, `unconfined` or `localhost/<relative path>`; AppArmor "
         "annotations (`container.apparmor.security.beta.kubernetes.io/<name>`) name a container of the pod and "
         "are `runtime/default`, `unconfined` or `localhost/<profile>`; from 1.19 a seccomp annotation agrees with "
         "the `seccompProfile` field it stands for when both are set, and from 1.30 an AppArmor annotation with "
         "the container's (or the pod's) `appArmorProfile`.",
    why="The API server rejects the object with `Invalid value: \"default\": must be a valid seccomp profile`, "
        "`container not found` or `Forbidden: seccomp type in annotation and field must match`: the runtime "
        "could not tell which profile to apply.",
    example="apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  annotations:\n"
            "    seccomp.security.alpha.kubernetes.io/pod: unconfined\nspec:\n"
            "  securityContext: {seccompProfile: {type: RuntimeDefault}}\n  containers: [{name: app, image: nginx}]\n",
    fix="Drop the deprecated annotations and keep the `securityContext` fields (`seccompProfile`, "
        "`appArmorProfile`), or make both say the same.",
    versions="every version (agreement with the seccomp fields from 1.19, with the AppArmor fields from 1.30)")

RULES = [PROFILE_ANNOTATION]


def walk(resource, ctx, report: Report) -> None:
    where, annotations = pod_annotations(resource)
    if annotations is None:
        return
    spec_path = POD_SPEC_PATHS[resource.kind]
    spec = resource.get(spec_path)
    if spec.__class__ is not dict:
        return
    if not any(isinstance(k, str) and (k == SECCOMP_POD or k.startswith((SECCOMP_CONTAINER, APPARMOR_CONTAINER)))
               for k in annotations):
        return
    containers = [(group, i, c) for group in _CONTAINER_GROUPS for i, c in enumerate(items(spec.get(group)))
                  if c.__class__ is dict]
    _annotation_values(annotations, where, containers, report)
    is_pod = resource.kind == "Pod"
    if at_least(ctx.target, 19):
        _seccomp_agreement(annotations, spec, spec_path, containers, report)
    if at_least(ctx.target, 30) and mapping(spec.get("os")).get("name") != "windows":
        _apparmor_agreement(annotations, spec, spec_path, containers, report, is_pod)


def _annotation_values(annotations: dict, where: tuple, containers: list, report: Report) -> None:
    names = {c.get("name") for _, _, c in containers}
    for key, value in annotations.items():
        if not isinstance(key, str) or not isinstance(value, str):
            continue
        path = where + (key,)
        if key == SECCOMP_POD or key.startswith(SECCOMP_CONTAINER):
            for msg in seccomp_value_problems(value):
                report.invalid(PROFILE_ANNOTATION, path, value, msg, prefer_key=True)
        elif key.startswith(APPARMOR_CONTAINER):
            container = key[len(APPARMOR_CONTAINER):]
            if container not in names:
                report.invalid(PROFILE_ANNOTATION, path, container, "container not found", prefer_key=True,
                               suggestion="Name a container of this pod after the prefix, or drop the annotation.")
            if value not in ("", "runtime/default", "unconfined") and not value.startswith("localhost/"):
                report.invalid(PROFILE_ANNOTATION, path, value, f"invalid AppArmor profile name: \"{value}\"",
                               prefer_key=True)


def seccomp_value_problems(value: str) -> list:
    """ValidateSeccompProfile: the known names, or `localhost/` and a relative path without '..'."""
    if value in ("runtime/default", "docker/default", "unconfined"):
        return []
    if value.startswith("localhost/"):
        return list(syntax.local_descending_path(value[len("localhost/"):]))
    return ["must be a valid seccomp profile"]


def _seccomp_mismatch(annotation: str, profile: dict):
    """validateSeccompAnnotationsAndFieldsMatch: the field the disagreement is reported on, or None."""
    kind = profile.get("type")
    if kind == "Unconfined":
        return "type" if annotation != "unconfined" else None
    if kind == "RuntimeDefault":
        return "type" if annotation not in ("runtime/default", "docker/default") else None
    if kind == "Localhost":
        if not annotation.startswith("localhost/"):
            return "type"
        return "localhostProfile" if profile.get("localhostProfile") != annotation[len("localhost/"):] else None
    return None


def _seccomp_agreement(annotations: dict, spec: dict, spec_path: tuple, containers: list, report: Report) -> None:
    checks = [(annotations.get(SECCOMP_POD), mapping(spec.get("securityContext")).get("seccompProfile"),
               spec_path + ("securityContext", "seccompProfile"))]
    for group, i, container in containers:
        name = container.get("name")
        if isinstance(name, str):
            checks.append((annotations.get(SECCOMP_CONTAINER + name),
                           mapping(container.get("securityContext")).get("seccompProfile"),
                           spec_path + (group, i, "securityContext", "seccompProfile")))
    for annotation, profile, path in checks:
        if isinstance(annotation, str) and profile.__class__ is dict:
            wrong = _seccomp_mismatch(annotation, profile)
            if wrong:
                what = "type" if wrong == "type" else "profile"
                report.forbidden(PROFILE_ANNOTATION, path + (wrong,), f"seccomp {what} in annotation and field must match")


def apparmor_field_for(annotation: str):
    """The field a Pod's AppArmor annotation is synced into when the container has none (None: no valid one)."""
    if annotation == "unconfined":
        return {"type": "Unconfined"}
    if annotation == "runtime/default":
        return {"type": "RuntimeDefault"}
    local = annotation[len("localhost/"):] if annotation.startswith("localhost/") else ""
    if local and local == local.strip() and len(local.encode("utf-8", "surrogatepass")) <= 4095:
        return {"type": "Localhost", "localhostProfile": local}
    return None


def _apparmor_mismatch(annotation: str, profile: dict):
    kind = profile.get("type")
    if kind == "Unconfined":
        return "type" if annotation != "unconfined" else None
    if kind == "RuntimeDefault":
        return "type" if annotation != "runtime/default" else None
    if kind == "Localhost":
        if not annotation.startswith("localhost/"):
            return "type"
        return "localhostProfile" if profile.get("localhostProfile") != annotation[len("localhost/"):] else None
    return None


def _apparmor_agreement(annotations: dict, spec: dict, spec_path: tuple, containers: list, report: Report,
                        is_pod: bool) -> None:
    pod_profile = mapping(spec.get("securityContext")).get("appArmorProfile")
    for group, i, container in containers:
        name = container.get("name")
        annotation = annotations.get(APPARMOR_CONTAINER + name) if isinstance(name, str) else None
        if not isinstance(annotation, str):
            continue
        profile = mapping(container.get("securityContext")).get("appArmorProfile")
        if profile is None:
            if is_pod and apparmor_field_for(annotation) is not None:
                continue  # the API server copies the annotation into the container's field: they agree
            profile = pod_profile
        if profile.__class__ is not dict:
            continue
        wrong = _apparmor_mismatch(annotation, profile)
        if wrong:
            what = "type" if wrong == "type" else "profile"
            report.forbidden(PROFILE_ANNOTATION, spec_path + (group, i, "securityContext", "appArmorProfile", wrong),
                             f"apparmor {what} in annotation and field must match")
