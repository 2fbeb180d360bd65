"""The rest of what the API server checks in a CRD before it accepts it: names (`<plural>.<group>`), scope,
versions (unique DNS labels, exactly one storage version, a schema for each in apiextensions v1), the
approval annotation of protected groups, and a structural schema (every node typed) in v1."""
from __future__ import annotations

from ..lazyre import lazy
from .schema_check import schema_problems
from .structural import structural_problems

_DNS_LABEL = lazy(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
_PROTECTED = ("k8s.io", "kubernetes.io")
APPROVAL = "api-approved.kubernetes.io"


def spec_problems(data: dict, crd_api: str) -> list:
    """[(json path, message)] for a CRD object whose spec is a mapping."""
    out: list = []
    spec = data.get("spec") if isinstance(data.get("spec"), dict) else {}
    names = spec.get("names") if isinstance(spec.get("names"), dict) else {}
    group, plural = spec.get("group"), names.get("plural")
    metadata = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
    if not isinstance(plural, str) or not plural:
        out.append((("spec", "names", "plural"), "spec.names.plural is required"))
    elif not _DNS_LABEL.match(plural):
        out.append((("spec", "names", "plural"), f"{plural!r} must be a lowercase DNS label"))
    if isinstance(group, str) and group:
        if "." not in group:
            out.append((("spec", "group"), f"group {group!r} should be a domain with at least one dot"))
        if isinstance(plural, str) and plural and metadata.get("name") != f"{plural}.{group}":
            out.append((("metadata", "name"), f"metadata.name must be spec.names.plural + \".\" + spec.group: "
                                              f"{plural}.{group}"))
        protected = any(group == p or group.endswith("." + p) for p in _PROTECTED)
        annotations = metadata.get("annotations") if isinstance(metadata.get("annotations"), dict) else {}
        if protected and crd_api.endswith("/v1") and not annotations.get(APPROVAL):
            out.append((("metadata", "annotations"), f"protected groups ({', '.join('*.' + p for p in _PROTECTED)})"
                                                     f" need the {APPROVAL} annotation (a link to the approved "
                                                     "API review, or \"unapproved, ...\")"))
    if spec.get("scope") not in ("Namespaced", "Cluster"):
        out.append((("spec", "scope"), "spec.scope must be Namespaced or Cluster"))
    versions = spec.get("versions")
    if isinstance(versions, list) and versions:
        seen, storage = set(), 0
        for i, v in enumerate(versions):
            if not isinstance(v, dict):
                continue
            name = v.get("name")
            if isinstance(name, str):
                if not _DNS_LABEL.match(name):
                    out.append((("spec", "versions", i, "name"), f"version {name!r} must be a DNS-1035 label"))
                if name in seen:
                    out.append((("spec", "versions", i, "name"), f"version {name!r} is listed twice"))
                seen.add(name)
            if v.get("storage") is True:
                storage += 1
            if crd_api.endswith("/v1") and not (isinstance(v.get("schema"), dict)
                                                and "openAPIV3Schema" in v["schema"]):
                out.append((("spec", "versions", i, "schema"), "schemas are required in apiextensions.k8s.io/v1"))
        if storage != 1:
            out.append((("spec", "versions"), f"exactly one version must be the storage version ({storage} are)"))
    elif crd_api.endswith("/v1") and not versions:  # (a versions that is not a list is reported by crds)
        out.append((("spec", "versions"), "spec.versions must list at least one version"))
    return out


def v1_schema_problems(schema, path: tuple) -> list:
    """[(json path, message)]: why the API server refuses this schema in an apiextensions.k8s.io/v1 CRD
    (malformed keywords first; the structural rules only once those are right). The CRD verdict and the
    v1beta1 -> v1 fixer both ask this, so that they never disagree."""
    return schema_problems(schema, path) or structural_problems(schema, path)
