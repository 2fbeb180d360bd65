"""Admission webhook configurations from admissionregistration.k8s.io/v1beta1 to v1.

v1 requires sideEffects (None or NoneOnDryRun) and admissionReviewVersions, and changed three defaults;
the fix pins the old ones (failurePolicy Ignore, matchPolicy Exact, timeoutSeconds 30, and the v1beta1
review version the webhook server understands). Whether a webhook has side effects only its authors know:
declaring one is an unsafe fix.
"""
from __future__ import annotations

from ..render import FlowList, flow
from . import SAFE, UNSAFE, NoFix, Proposal, api, as_list

V1 = "admissionregistration.k8s.io/v1"
PINS = [
    ("failurePolicy", "Ignore", "v1beta1 let requests through when the webhook failed; v1 would reject them (Fail)"),
    ("matchPolicy", "Exact", "v1beta1 matched only the listed API versions; v1 would also send equivalent ones"),
    ("timeoutSeconds", 30, "v1beta1 waited 30 s for the webhook; v1 would wait 10 s"),
    ("admissionReviewVersions", FlowList(["v1beta1"]),
     "v1beta1 sent AdmissionReview v1beta1, the only version the webhook server is known to understand; v1 "
     "requires the list"),
]


@api([("admissionregistration.k8s.io/v1beta1", "MutatingWebhookConfiguration"),
      ("admissionregistration.k8s.io/v1beta1", "ValidatingWebhookConfiguration")])
def webhooks_v1(resource, finding, ctx):
    """Webhook configurations to v1: old defaults pinned; sideEffects declared only with --unsafe-fixes."""
    ctx.require(V1, resource.kind)
    hooks = resource.get(("webhooks",)) or []  # checked below
    if not isinstance(hooks, list) or not all(isinstance(h, dict) for h in hooks):
        raise NoFix("webhooks is not a list of mappings")
    names = [h.get("name") if isinstance(h.get("name"), (str, type(None))) else repr(h.get("name")) for h in hooks]
    if len(set(names)) != len(names):
        raise NoFix("two webhooks have the same name, which v1 rejects", "Give every webhook a unique name.")
    undeclared = [i for i, h in enumerate(hooks) if h.get("sideEffects") not in ("None", "NoneOnDryRun")]

    def run(ed):
        ed.set(("apiVersion",), V1)
        notes = [f"apiVersion admissionregistration.k8s.io/v1beta1 -> {V1}"]
        for i, hook in enumerate(as_list(ed.get(("webhooks",)))):
            pinned = []
            for name, value, why in PINS:
                if name not in hook:
                    ed.set(("webhooks", i, name), value)
                    pinned.append(f"{name}: {flow(value)} ({why})")
            if i in undeclared:
                old = hook.get("sideEffects")
                ed.set(("webhooks", i, "sideEffects"), "None")
                pinned.append(f"sideEffects: None (was {old or 'unset, meaning Unknown'}; declared without "
                              "knowing the webhook)")
            if pinned:
                notes.append(f"webhooks[{i}] ({hook.get('name')}): pinned " + "; ".join(pinned))
        return notes

    because = ""
    if undeclared:
        because = ("sideEffects of " + ", ".join(f"webhooks[{i}]" for i in undeclared) + " is unset, Unknown or "
                   "Some, which v1 rejects: only the webhook's authors know whether None (no side effects, "
                   "dry-run requests are sent to it) or NoneOnDryRun (it skips side effects on dry runs) is true")
    return Proposal(finding.rule_id, f"migrate {resource.kind} to {V1}", UNSAFE if undeclared else SAFE, run,
                    unsafe_because=because,
                    manual=f"Set apiVersion: {V1}; give every webhook sideEffects: None or NoneOnDryRun and "
                           "admissionReviewVersions (e.g. [v1, v1beta1]); to keep the v1beta1 behaviour write "
                           "failurePolicy: Ignore, matchPolicy: Exact and timeoutSeconds: 30 where they are unset.")
