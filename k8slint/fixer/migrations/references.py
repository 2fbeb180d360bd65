"""REF001: an object reference (scaleTargetRef, describedObject, targetRef, ownerReferences) to a removed
apiVersion is rewritten to the version that serves the same object at the target (and at the running cluster
with --current-version). The object referred to does not change, only the version it is read through."""
from __future__ import annotations

from ...model import format_json_path
from ...rules.logic.api_references import reference_places
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
