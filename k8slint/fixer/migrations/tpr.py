"""ThirdPartyResource (extensions/v1beta1, gone in 1.8) to an apiextensions.k8s.io/v1 CustomResourceDefinition.

A TPR named `cron-tab.stable.example.com` served kind CronTab of group stable.example.com at the path
`crontabs`: the CRD gets exactly those names (so clients keep their URLs), scope Namespaced (TPR data was
always namespaced), one served version per TPR version (the first stores), and a schema that keeps every
field, as TPRs never validated or pruned anything. Custom resources in the same input whose version had to
be renamed follow.
"""
from __future__ import annotations

import re

from . import SAFE, NoFix, Proposal, api

V1 = "apiextensions.k8s.io/v1"
_DNS1035 = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")


def tpr_names(name: str) -> dict:
    """Group, kind and resource names of the TPR called `name` (kind-with-dashes.group)."""
    if not isinstance(name, str) or "." not in name:
        raise NoFix("metadata.name is not of the form kind-name.group (for example cron-tab.stable.example.com)")
    dashed, group = name.split(".", 1)
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", dashed):
        raise NoFix(f"{dashed!r} is not a lower-case dashed kind name")
    kind = "".join(part[:1].upper() + part[1:] for part in dashed.split("-"))
    singular = dashed.replace("-", "")
    return {"group": group, "kind": kind, "singular": singular, "plural": singular + "s", "listKind": kind + "List"}


def crd_version_name(name: str) -> str | None:
    """A valid CRD version name for a TPR version name (lower-cased, other characters as dashes)."""
    if _DNS1035.match(name):
        return name
    fixed = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")
    return fixed if _DNS1035.match(fixed) else None


def version_map(data: dict) -> dict:
    """{TPR version name: CRD version name}; a TPR without versions served v1."""
    versions = data.get("versions")
    if versions in (None, []):
        return {"v1": "v1"}
    if not isinstance(versions, list) or not all(isinstance(v, dict) and isinstance(v.get("name"), str)
                                                  for v in versions):
        raise NoFix("versions is not a list of {name: ...}")
    out = {}
    for v in versions:
        new = crd_version_name(v["name"])
        if new is None:
            raise NoFix(f"version {v['name']!r} cannot be turned into a valid CRD version name")
        out[v["name"]] = new
    if len(set(out.values())) != len(out):
        raise NoFix("two versions map to the same CRD version name")
    return out


@api([("extensions/v1beta1", "ThirdPartyResource")])
def tpr_to_crd(resource, finding, ctx):
    """ThirdPartyResource to a v1 CustomResourceDefinition with the same group, kind and resource path."""
    ctx.require(V1, "CustomResourceDefinition")
    names = tpr_names(resource.name)
    versions = version_map(resource.data)
    description = resource.data.get("description")

    def run(ed):
        schema = {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
        if isinstance(description, str) and description:
            schema = {"description": description, **schema}
        crd_versions = [{"name": new, "served": True, "storage": i == 0,
                         "schema": {"openAPIV3Schema": dict(schema)}} for i, new in enumerate(versions.values())]
        spec = {"group": names["group"],
                "names": {"kind": names["kind"], "plural": names["plural"], "singular": names["singular"],
                          "listKind": names["listKind"]},
                "scope": "Namespaced", "versions": crd_versions}
        ed.set(("apiVersion",), V1)
        ed.set(("kind",), "CustomResourceDefinition")
        ed.set(("metadata", "name"), f"{names['plural']}.{names['group']}")
        ed.delete(("description",))
        ed.delete(("versions",))
        ed.set(("spec",), spec)
        notes = [f"ThirdPartyResource {resource.name} -> CustomResourceDefinition "
                 f"{names['plural']}.{names['group']} (kind {names['kind']}, resource {names['plural']}, "
                 f"scope Namespaced, versions {', '.join(versions.values())}; the first is the storage version)",
                 "schema: type object with x-kubernetes-preserve-unknown-fields: true (a TPR neither validated nor "
                 "pruned its data)"]
        if description:
            notes.append("description moved into the schema's description")
        renamed = {k: v for k, v in versions.items() if k != v}
        if renamed:
            notes.append("versions renamed to valid CRD names: " + ", ".join(f"{k} -> {v}" for k, v in renamed.items()))
        return notes

    return Proposal(finding.rule_id, "rewrite the ThirdPartyResource as a CustomResourceDefinition", SAFE, run,
                    manual=f"Replace the object by an {V1} CustomResourceDefinition named "
                           f"{names['plural']}.{names['group']} with spec.group {names['group']}, spec.names "
                           f"{{kind: {names['kind']}, plural: {names['plural']}, singular: {names['singular']}, "
                           f"listKind: {names['listKind']}}}, scope: Namespaced, and one spec.versions entry per TPR "
                           "version with an open schema (type: object, x-kubernetes-preserve-unknown-fields: true). "
                           "Data stored through the TPR had to be migrated on a 1.7 cluster.")


def custom_resource_version(resource, ctx):
    """For a custom resource of a TPR in the input whose version was renamed: the new apiVersion, or None."""
    if not resource.api_version or "/" not in resource.api_version:
        return None
    group, version = resource.api_version.rsplit("/", 1)
    renamed = ctx.tprs.get(group, {}).get(version)
    return f"{group}/{renamed}" if renamed and renamed != version else None


def propose_custom_resource(resource, ctx):
    """The fix of a custom resource whose TPR version name had to change (not tied to a finding)."""
    new = custom_resource_version(resource, ctx)
    if new is None:
        return None
    old = resource.api_version

    def run(ed):
        ed.set(("apiVersion",), new)
        return [f"apiVersion {old} -> {new} (its ThirdPartyResource version was renamed for the CRD)"]

    return Proposal("API008", f"follow the renamed version of its ThirdPartyResource ({new})", SAFE, run,
                    manual=f"Set apiVersion: {new}.")

