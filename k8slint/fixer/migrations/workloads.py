"""Deployment, DaemonSet, ReplicaSet and StatefulSet from extensions/v1beta1, apps/v1beta1 and apps/v1beta2
(and the PetSet of apps/v1alpha1) to apps/v1.

apps/v1 requires spec.selector, which the old versions defaulted to the pod template's labels: the fix
writes that selector out, so the live object keeps the selector it already has. Fields apps/v1 does not
have are dropped, and every default that changed is pinned to its old value so the workload keeps
behaving as before (each pin is listed in the fix's notes with the reason).
"""
from __future__ import annotations

from . import SAFE, UNSAFE, NoFix, Proposal, api, as_dict

INT32_MAX = 2147483647

# (apiVersion, kind) -> [(path, old default, why)] for the defaults apps/v1 changed.
OLD_DEFAULTS = {
    ("extensions/v1beta1", "Deployment"): [
        (("spec", "revisionHistoryLimit"), INT32_MAX,
         "extensions/v1beta1 kept every old ReplicaSet; apps/v1 would keep 10"),
        (("spec", "progressDeadlineSeconds"), INT32_MAX,
         "extensions/v1beta1 had no progress deadline; apps/v1 would report a rollout failed after 600 s"),
        (("spec", "strategy", "rollingUpdate", "maxSurge"), 1,
         "extensions/v1beta1 surged by 1 pod; apps/v1 would surge by 25%"),
        (("spec", "strategy", "rollingUpdate", "maxUnavailable"), 1,
         "extensions/v1beta1 allowed 1 unavailable pod; apps/v1 would allow 25%"),
    ],
    ("apps/v1beta1", "Deployment"): [
        (("spec", "revisionHistoryLimit"), 2, "apps/v1beta1 kept 2 old ReplicaSets; apps/v1 would keep 10"),
    ],
    ("extensions/v1beta1", "DaemonSet"): [
        (("spec", "updateStrategy", "type"), "OnDelete",
         "extensions/v1beta1 replaced pods only when they were deleted; apps/v1 would roll every pod as soon "
         "as the template changes (RollingUpdate)"),
    ],
    ("apps/v1alpha1", "StatefulSet"): [
        (("spec", "updateStrategy", "type"), "OnDelete",
         "a PetSet never replaced running pods itself; apps/v1 would roll every pod as soon as the template "
         "changes (RollingUpdate)"),
    ],
    ("apps/v1beta1", "StatefulSet"): [
        (("spec", "updateStrategy", "type"), "OnDelete",
         "apps/v1beta1 replaced pods only when they were deleted; apps/v1 would roll every pod as soon as "
         "the template changes (RollingUpdate)"),
    ],
}

# Fields apps/v1 does not have: (kind, path, safe to drop?, why).
DROPPED = [
    ("Deployment", ("spec", "rollbackTo"), True,
     "a rollback request, not a setting; apps/v1 has no such field: roll back with `kubectl rollout undo "
     "deployment/NAME --to-revision=N` when needed"),
    ("DaemonSet", ("spec", "templateGeneration"), True,
     "spec.templateGeneration was deprecated in 1.7 and apps/v1 has no such field (the controller tracks "
     "revisions itself)"),
]

_SOURCES = [("extensions/v1beta1", k) for k in ("Deployment", "DaemonSet", "ReplicaSet")] + \
    [("apps/v1beta1", k) for k in ("Deployment", "StatefulSet", "ReplicaSet")] + \
    [("apps/v1beta2", k) for k in ("Deployment", "DaemonSet", "ReplicaSet", "StatefulSet")]


def _rolling(data: dict, kind: str) -> bool:
    strategy = as_dict(data.get("spec")).get("strategy") if kind == "Deployment" else None
    kind_of = strategy.get("type") if isinstance(strategy, dict) else None
    return kind_of in (None, "RollingUpdate")


def _plan(resource, kind: str, new_kind: str | None, ctx, finding, safety_floor=SAFE, extra_reason=""):
    ctx.require("apps/v1", new_kind or kind)
    old = resource.api_version
    data = resource.data
    spec = data.get("spec") if isinstance(data.get("spec"), dict) else None
    if spec is None:
        raise NoFix("the object has no spec")
    labels = as_dict(as_dict(spec.get("template")).get("metadata")).get("labels")
    if "selector" not in spec and not (isinstance(labels, dict) and labels):
        raise NoFix("apps/v1 requires spec.selector and the pod template has no labels to build it from",
                    "Add labels to spec.template.metadata.labels and the same pairs to spec.selector.matchLabels, "
                    "then set apiVersion: apps/v1.")
    unsafe = [why for k, path, safe, why in DROPPED
              if k == kind and not safe and resource.get(path) is not None]
    if extra_reason:
        unsafe.insert(0, extra_reason)
    safety = UNSAFE if unsafe or safety_floor == UNSAFE else SAFE

    def run(ed):
        notes = [f"apiVersion {old} -> apps/v1" + (f", kind {resource.kind} -> {new_kind}" if new_kind else "")]
        ed.set(("apiVersion",), "apps/v1")
        if new_kind:
            ed.set(("kind",), new_kind)
        before = "template" if ed.has(("spec", "template")) else None
        for k, path, _, why in DROPPED:
            if k == kind and ed.has(path):
                ed.delete(path)
                notes.append(f"dropped {'.'.join(path)}: {why}")
        if not ed.has(("spec", "selector")):
            labels = ed.extract(("spec", "template", "metadata", "labels"), copy_only=True)  # as written
            ed.set(("spec", "selector"), {"matchLabels": labels}, before=before)
            notes.append("spec.selector.matchLabels copied from the pod template labels (the selector the old "
                         "API gave the object by default, so the live object keeps it)")
        for path, value, why in OLD_DEFAULTS.get((old, kind), []):
            if path[1] == "strategy" and not _rolling(ed.data, kind):
                continue
            if ed.has(path):
                continue
            top = path[:2]
            if ed.has(top):
                ed.set(path, value)
            else:
                nested = value
                for part in reversed(path[2:]):
                    nested = {part: nested}
                ed.set(top, nested, before=before)
            notes.append(f"pinned {'.'.join(path[1:])}: {value} ({why})")
        return notes

    manual = (f"Set apiVersion: apps/v1{' and kind: ' + new_kind if new_kind else ''}; add spec.selector.matchLabels "
              "equal to spec.template.metadata.labels; " +
              "; ".join(f"write {'.'.join(p[1:])}: {v} to keep the old behaviour ({w})"
                        for p, v, w in OLD_DEFAULTS.get((old, kind), [])) +
              "".join(f"; remove {'.'.join(p)} ({w})" for k, p, _, w in DROPPED if k == kind))
    title = f"migrate {resource.kind} to apps/v1" + (f" {new_kind}" if new_kind else "")
    return Proposal(finding.rule_id, title, safety, run,
                    unsafe_because="; ".join(unsafe), manual=manual.strip("; ") + ".")


@api(_SOURCES)
def apps_v1(resource, finding, ctx):
    """Workloads to apps/v1: explicit selector, removed fields dropped, changed defaults pinned."""
    return _plan(resource, resource.kind, None, ctx, finding)


@api([("apps/v1alpha1", "PetSet")], UNSAFE)
def petset(resource, finding, ctx):
    """PetSet to apps/v1 StatefulSet (a different object for the API server: needs the orphan procedure)."""
    return _plan(resource, "StatefulSet", "StatefulSet", ctx, finding, UNSAFE,
                 "a live PetSet cannot become a StatefulSet in place: delete it with `kubectl delete petset NAME "
                 "--cascade=orphan` so its pods and volume claims survive, then create the StatefulSet, which "
                 "adopts them")


@api([("extensions/v1beta1", "Job")])
def job_batch_v1(resource, finding, ctx):
    """extensions/v1beta1 Job to batch/v1: spec.autoSelector is gone; a selector written by hand is kept
    with manualSelector: true (batch/v1 otherwise rejects it and generates its own)."""
    ctx.require("batch/v1", "Job")
    spec = resource.get(("spec",)) if isinstance(resource.get(("spec",)), dict) else {}
    auto = spec.get("autoSelector") is True

    def run(ed):
        ed.set(("apiVersion",), "batch/v1")
        notes = ["apiVersion extensions/v1beta1 -> batch/v1"]
        if ed.has(("spec", "autoSelector")):
            ed.delete(("spec", "autoSelector"))
            notes.append("dropped spec.autoSelector (batch/v1 generates the selector unless manualSelector is true)")
        if ed.has(("spec", "selector")) and not auto and not ed.has(("spec", "manualSelector")):
            ed.set(("spec", "manualSelector"), True, before="selector")
            notes.append("pinned spec.manualSelector: true (the Job keeps the selector written here; batch/v1 "
                         "would reject it and generate one)")
        elif not ed.has(("spec", "selector")) and not auto:
            notes.append("batch/v1 selects the Job's pods by a generated controller-uid label instead of the "
                         "template labels (only pods of this Job, as intended)")
        elif auto and ed.has(("spec", "selector")):
            ed.delete(("spec", "selector"))
            notes.append("dropped spec.selector (it was generated: autoSelector was true)")
        return notes

    return Proposal(finding.rule_id, "migrate Job to batch/v1", SAFE, run,
                    manual="Set apiVersion: batch/v1, delete spec.autoSelector, and add spec.manualSelector: true "
                           "if you keep a spec.selector of your own.")
