"""REF001: an object reference (scaleTargetRef, describedObject, targetRef, ownerReferences) to a removed
apiVersion is rewritten to the version that serves the same object at the target (and at the running cluster
with --current-version). The object referred to does not change, only the version it is read through."""
from __future__ import annotations

from ...model import format_json_path
from ...rules.logic.api_references import kustomize_selectors, reference_places, selected_removed
from . import SAFE, NoFix, Proposal, field_rule


@field_rule("api-reference-removed")
def reference(resource, finding, ctx):
    """An object reference to a removed apiVersion -> the version serving that kind now."""
    path = next((p for p, _, _ in reference_places(resource) if format_json_path(p) == finding.json_path), None)
    if path is None:
        raise NoFix("the finding's place could not be found again")
    ref = resource.get(path[:-1])
    old, kind = ref.get("apiVersion"), ref.get("kind")
    new = ctx.replacement(old, kind)
    if new is None:
        raise NoFix(f"no version serves {kind} at Kubernetes {ctx.target}")
    ctx.require_now(*new)
    where = format_json_path(path)

    def run(ed):
        ed.set(path, new[0])
        return [f"{where} {old} -> {new[0]}"]

    return Proposal(finding.rule_id, f"point {format_json_path(path[:-1])} at {new[0]}", SAFE, run,
                    manual=f"Set {where}: {new[0]}.", path=path)


@field_rule("kustomize-target-removed-version")
def kustomize_target(resource, finding, ctx):
    """REF004: a kustomize selector naming a removed version -> the group and version the resources are
    migrated to (the same replacement the resources get); a selector without a version gets the group only."""
    found = next(((p, s) for p, s in kustomize_selectors(resource)
                  if finding.json_path.startswith(format_json_path(p) + ".")), None)
    if found is None:
        raise NoFix("the finding's place could not be found again")
    path, selector = found
    gone = selected_removed(selector, ctx.target)
    if not gone:
        raise NoFix("the selector no longer selects a removed version")
    old, kind = gone[0]
    new = ctx.replacement(old, kind)
    if new is None or new[1] != kind:
        raise NoFix(f"no version serves {kind} at Kubernetes {ctx.target}", manual=REF004_MANUAL)
    ctx.require_now(*new)
    group, version = (new[0].rsplit("/", 1) if "/" in new[0] else ("", new[0]))
    if not group:
        raise NoFix(f"{kind} moves to the core group, which a kustomize selector cannot name (an empty group "
                    "matches every group)", manual=REF004_MANUAL)
    if not selector.get("version") and group == (selector.get("group") or ""):
        raise NoFix(f"{kind} keeps its group; select the version by hand", manual=REF004_MANUAL)
    where = format_json_path(path)

    def run(ed):
        notes = []
        if group and ed.get(path + ("group",)) != group:
            ed.set(path + ("group",), group)
            notes.append(f"{where}.group -> {group}")
        if ed.has(path + ("version",)) and ed.get(path + ("version",)) != version:
            ed.set(path + ("version",), version)
            notes.append(f"{where}.version -> {version}")
        return notes

    return Proposal(finding.rule_id, f"select {new[0]} {kind} in {where}", SAFE, run,
                    manual=f"Set {where}: group {group or '(none)'}, version {version}.", path=path)


REF004_MANUAL = "Select the group and version the resources are migrated to, in the same change."
