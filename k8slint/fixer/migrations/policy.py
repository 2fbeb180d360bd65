"""PodDisruptionBudget to policy/v1, and PodSecurityPolicy, which has no successor API.

policy/v1 reads an empty selector ({}) as "every pod of the namespace" where v1beta1 read it as "no pod":
converting such a budget is an unsafe fix. A PodSecurityPolicy is never deleted or rewritten into something
else automatically: the finding suggests the Pod Security Admission labels that match the policy.
"""
from __future__ import annotations

from . import SAFE, UNSAFE, NoFix, Proposal, api, as_dict, strings

_RESTRICTED_VOLUMES = {"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim",
                       "projected", "secret"}
_BASELINE_CAPS = {"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE",
                  "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"}


@api([("policy/v1beta1", "PodDisruptionBudget"), ("policy/v1alpha1", "PodDisruptionBudget")])
def pdb_v1(resource, finding, ctx):
    """PodDisruptionBudget to policy/v1; unsafe when the selector is empty (its meaning flips)."""
    ctx.require("policy/v1", "PodDisruptionBudget")
    selector = resource.get(("spec", "selector"))
    empty = isinstance(selector, dict) and not selector.get("matchLabels") and not selector.get("matchExpressions")
    old = resource.api_version

    def run(ed):
        ed.set(("apiVersion",), "policy/v1")
        notes = [f"apiVersion {old} -> policy/v1"]
        if empty:
            notes.append("kept spec.selector: {}, which policy/v1 reads as every pod of the namespace")
        return notes

    because = ("spec.selector is empty: policy/v1beta1 read that as no pod at all, policy/v1 reads it as every "
               "pod of the namespace, so the budget starts blocking evictions (node drains) of all of them")
    title = "migrate PodDisruptionBudget to policy/v1" + (" keeping selector: {}" if empty else "")
    return Proposal(finding.rule_id, title,
                    UNSAFE if empty else SAFE, run, unsafe_because=because if empty else "",
                    manual="Set apiVersion: policy/v1." + (
                        " Decide what the empty selector should mean: give it explicit matchLabels for the pods "
                        "to protect, or delete spec.selector to keep protecting none." if empty else ""))


def pod_security_level(spec: dict) -> str:
    """The Pod Security Standards level whose rules a PodSecurityPolicy spec is at least as strict as."""
    if not isinstance(spec, dict):
        return "privileged"
    caps = set(strings(spec.get("allowedCapabilities")))
    volumes = set(strings(spec.get("volumes")))
    if (spec.get("privileged") or spec.get("hostNetwork") or spec.get("hostPID") or spec.get("hostIPC")
            or spec.get("hostPorts") or "*" in caps or not caps <= _BASELINE_CAPS or "*" in volumes
            or "hostPath" in volumes or spec.get("allowedUnsafeSysctls")):
        return "privileged"
    run_as = as_dict(spec.get("runAsUser")).get("rule")
    drops = {c.upper() for c in strings(spec.get("requiredDropCapabilities"))}
    if (run_as in ("MustRunAsNonRoot",) and "ALL" in drops and spec.get("allowPrivilegeEscalation") is False
            and volumes and volumes <= _RESTRICTED_VOLUMES and not caps - {"NET_BIND_SERVICE"}):
        return "restricted"
    return "baseline"


@api([("extensions/v1beta1", "PodSecurityPolicy")])
def pod_security_policy_extensions(resource, finding, ctx):
    """extensions/v1beta1 PodSecurityPolicy: to policy/v1beta1 while the target still serves it."""
    return pod_security_policy(resource, finding, ctx)


@api([("policy/v1beta1", "PodSecurityPolicy")], None)
def pod_security_policy(resource, finding, ctx):
    """To policy/v1beta1 while the target still serves it; otherwise manual: Pod Security Admission."""
    level = pod_security_level(resource.data.get("spec"))
    grants = ctx.psp_grants.get(resource.name, []) + ctx.psp_grants.get("*", [])
    namespaces = sorted({n for _, names in grants for n in names})
    where = "each namespace whose pods it admitted"
    if namespaces and "*" not in namespaces:
        where = "the namespaces where the RBAC in the input grants it (" + ", ".join(namespaces) + ")"
    elif namespaces:
        where = "every namespace whose pods it admitted (the RBAC in the input grants it cluster-wide)"
    rbac = " (" + ", ".join(sorted({label for label, _ in grants})) + ")" if grants else ""
    steps = (f"PodSecurityPolicy has no successor API and its admission plugin is gone from 1.25 on. This policy "
             f"is closest to the Pod Security Standards level '{level}': label {where} with "
             f"pod-security.kubernetes.io/enforce: {level} (try pod-security.kubernetes.io/warn and audit with the "
             f"same level first, and pin pod-security.kubernetes.io/enforce-version), then delete this object and "
             f"the RBAC rules that grant `use` on it{rbac}. `k8slint fix` never deletes it for you.")
    if resource.api_version == "extensions/v1beta1" and ctx.serves("policy/v1beta1", "PodSecurityPolicy"):
        def run(ed):
            ed.set(("apiVersion",), "policy/v1beta1")
            return ["apiVersion extensions/v1beta1 -> policy/v1beta1 (no field changes; that API is itself removed "
                    "in 1.25)"]
        return Proposal(finding.rule_id, "migrate PodSecurityPolicy to policy/v1beta1", SAFE, run, manual=steps)
    raise NoFix("PodSecurityPolicy has no replacement API", steps)
