"""Which fix applies to which finding: the rule behind a finding picks a registered migration, which
proposes a fix for that object (or says why there is none). Fixes of one object run in a fixed order:
apiVersion migrations first, then field fixes by rule and path, so that later ones see the migrated object.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..model import FixSafety, Severity, finding_at
from ..removedfields import removed_fields, removed_message
from ..rules import rules_by_id, windows
from ..validation import UNKNOWN_FIELD
from ..versions import KubeVersion
from .migrations import API_MIGRATIONS, FIELD_MIGRATIONS, FixContext, NoFix, Proposal, Waits, as_dict, strings
from .migrations.removed import REMOVED_FIELD
from .migrations.tpr import propose_custom_resource, version_map
from .source import SourceError


@dataclass
class Planned:
    """The outcome of planning one finding: a proposal, or the reason there is no automatic fix."""

    finding: object
    proposal: Proposal | None = None
    reason: str = ""  # why there is no fix (when proposal is None)
    manual: str = ""
    waits: Waits | None = None  # the fix exists but waits for a newer running cluster (--current-version)


# The first Kubernetes version whose API server (or kubelet, for labels) understands what a field-level fix
# writes. With --current-version, a fix whose result the running cluster does not know yet waits for it.
# tests/test_plan_windows.py checks the schema fields against the embedded schemas.
FIELD_SINCE = {
    "seccomp-annotations": ("1.19", "securityContext.seccompProfile"),
    "apparmor-annotations": ("1.30", "securityContext.appArmorProfile"),
    "ingress-class-annotation": ("1.18", "spec.ingressClassName"),
    "beta-os-arch-labels": ("1.14", "the kubernetes.io/os and kubernetes.io/arch node labels"),
    "failure-domain-labels": ("1.17", "the topology.kubernetes.io/zone and region node labels"),
    "beta-instance-type-label": ("1.17", "the node.kubernetes.io/instance-type node label"),
    "beta-storage-provisioner-annotation": ("1.23", "the volume.kubernetes.io/storage-provisioner annotation"),
    "traffic-distribution-prefer-close": ("1.34", "spec.trafficDistribution: PreferSameZone"),
}


def migration_for(finding, kind: str | None = None):
    """The registered migration for a finding (None when the rule has none)."""
    if is_removed_field(finding):
        return REMOVED_FIELD
    rule = rules_by_id().get(finding.rule_id)
    if rule is None or (rule.record is None and not finding.rule_id.startswith("REF")):
        return None
    if finding.rule_id.startswith("API"):
        if finding.json_path != "apiVersion":
            return None  # found through last-applied-configuration: the manifest itself is elsewhere
        kind = kind or (finding.obj.kind if finding.obj else None)
        return API_MIGRATIONS.get((rule.record["api_version"], kind))
    if finding.rule_id.startswith(("FLD", "REF")):
        return FIELD_MIGRATIONS.get(rule.meta.name)
    return None


def is_removed_field(finding) -> bool:
    """A field the target removed (SCH002 saying when): the one schema finding fix acts on."""
    return finding.rule_id == UNKNOWN_FIELD and "last_known" in finding.extra


def removed_after_migration(resource, findings: list, ctx: FixContext) -> list:
    """SCH002 findings the object will have once its removed apiVersion is migrated: lint cannot validate
    it at the target as written (the target does not serve it), but its migration keeps fields the target
    removed (metadata.clusterName of a batch/v1beta1 CronJob moving to batch/v1 at 1.30)."""
    if not any(f.rule_id.startswith("API") and f.json_path == "apiVersion" and f.severity == Severity.ERROR
               for f in findings):
        return []
    pick = windows.choose(resource.api_version, resource.kind, ctx.target)
    if pick is None:
        return []
    return [finding_at(resource, UNKNOWN_FIELD, Severity.ERROR, removed_message(path, last), path, prefer_key=True,
                       extra={"last_known": last})
            for path, last in removed_fields(ctx.store).find(ctx.target, pick[0], pick[1], resource.data)]


def plan_finding(resource, finding, ctx: FixContext) -> Planned:
    migration = migration_for(finding, resource.kind)
    if migration is None:
        return Planned(finding, reason="k8slint has no automatic fix for this")
    try:
        _field_window(finding, ctx)
        proposal = migration.propose(resource, finding, ctx)
    except Waits as exc:
        return _waiting(resource, finding, exc)
    except NoFix as exc:
        return Planned(finding, reason=exc.reason, manual=exc.manual)
    except SourceError as exc:
        return Planned(finding, reason=str(exc))
    if proposal is None:
        return Planned(finding, reason="nothing to change")
    return Planned(finding, proposal)


def _field_window(finding, ctx: FixContext) -> None:
    """Waits when a field-level fix writes something the running cluster does not know yet."""
    rule = rules_by_id().get(finding.rule_id)
    since = FIELD_SINCE.get(rule.meta.name) if rule is not None and finding.rule_id.startswith("FLD") else None
    if since is not None and ctx.current is not None and KubeVersion.parse(since[0]) > ctx.current:
        raise Waits(since[1], KubeVersion.parse(since[0]), ctx.current)


def closing(resource, finding):
    """The last version at which the object still works as written (None: to the end of what we know)."""
    record = rules_by_id()[finding.rule_id].record or {}
    if finding.rule_id.startswith("API"):
        return windows.window((resource.api_version, resource.kind), None)[1]
    if finding.rule_id.startswith("REF"):  # the apiVersion it names: works up to its removal
        record = {"removed": finding.extra.get("removed_in")}
    removed = record.get("removed")
    if removed and (record.get("removed_severity") or "error") == "error":
        v = KubeVersion.parse(removed)
        return KubeVersion(v.major, v.minor - 1)
    return None


def _waiting(resource, finding, exc: Waits) -> Planned:
    exc.closes = closing(resource, finding)
    if exc.closes is None or exc.closes >= exc.opens:
        until = f"-{exc.closes}" if exc.closes is not None and exc.closes > exc.opens else \
            ("" if exc.closes is not None else " or later")
        exc.reason += f"; upgrade the cluster to {exc.opens}{until}, then run k8slint fix again"
    else:
        exc.reason += (f"; no version serves both: the object works up to {exc.closes}, its replacement from "
                       f"{exc.opens}")
    return Planned(finding, reason=exc.reason, manual=exc.manual, waits=exc)


def plan_resource(resource, findings: list, ctx: FixContext) -> list:
    """Planned fixes for one object's findings, in the order they must run."""
    planned = [plan_finding(resource, f, ctx) for f in findings
               if f.rule_id[:3] in ("API", "FLD", "REF") or is_removed_field(f)]
    planned += [plan_finding(resource, f, ctx) for f in removed_after_migration(resource, findings, ctx)]
    extra = propose_custom_resource(resource, ctx)
    if extra is not None:
        planned.append(Planned(None, extra))

    def order(p: Planned):
        rule = p.proposal.rule_id if p.proposal else (p.finding.rule_id if p.finding else "")
        return (0 if rule.startswith("API") else 1, rule, p.proposal.path if p.proposal else ())
    return sorted(planned, key=order)


def _psp_grants(resources) -> dict:
    """Which roles grant `use` of which PodSecurityPolicy, and in which namespaces they are bound."""
    roles = {}
    for r in resources:
        if r.kind not in ("Role", "ClusterRole") or not str(r.api_version).startswith("rbac.authorization.k8s.io/"):
            continue
        for rule in r.data.get("rules") if isinstance(r.data.get("rules"), list) else []:
            if not isinstance(rule, dict):
                continue
            if any(v in ("use", "*") for v in strings(rule.get("verbs"))) and any(
                    res in ("podsecuritypolicies", "*") for res in strings(rule.get("resources"))):
                key = (r.kind, r.namespace if r.kind == "Role" else None, r.name)
                roles.setdefault(key, set()).update(strings(rule.get("resourceNames")) or ["*"])
    grants: dict = {}
    for r in resources:
        if r.kind not in ("RoleBinding", "ClusterRoleBinding"):
            continue
        ref = {k: v for k, v in as_dict(r.data.get("roleRef")).items() if isinstance(v, str)}
        key = (ref.get("kind"), r.namespace if ref.get("kind") == "Role" else None, ref.get("name"))
        if key not in roles:
            continue
        if r.kind == "RoleBinding":
            namespaces = [r.namespace or "default"]
        else:
            subjects = [s for s in r.data.get("subjects") if isinstance(s, dict)] \
                if isinstance(r.data.get("subjects"), list) else []
            namespaces = sorted({s.get("namespace") for s in subjects if s.get("kind") == "ServiceAccount"
                                 and isinstance(s.get("namespace"), str) and s.get("namespace")}) or ["*"]
            if any(s.get("kind") == "Group" for s in subjects):
                namespaces = ["*"]
        label = f"{key[0]}/{key[1] + '/' if key[1] else ''}{key[2]}"
        for psp in roles[key]:
            grants.setdefault(psp, []).append((label, namespaces))
    return grants


def context_for(target, store, resources, current=None) -> FixContext:
    """The FixContext for a run: the IngressClasses, ThirdPartyResources and PodSecurityPolicy grants of
    every input; `current` the version the cluster runs now (None: assume nothing about it)."""
    ctx = FixContext(target, store, current)
    ctx.psp_grants = _psp_grants(resources)
    for r in resources:
        if r.kind == "IngressClass" and r.name:
            ctx.ingress_classes.add(r.name)
        elif r.kind == "ThirdPartyResource" and r.api_version == "extensions/v1beta1" and r.name and "." in r.name:
            try:
                ctx.tprs[r.name.split(".", 1)[1]] = version_map(r.data)
            except NoFix:
                pass
    return ctx


@dataclass(frozen=True)
class FixInfo:
    """What `k8slint fix` does about one finding, for reports."""

    safety: str | None  # "safe", "unsafe" or None (manual only)
    title: str = ""  # what the fix does ("migrate Deployment to apps/v1")
    note: str = ""  # why it is unsafe, or why there is no automatic fix
    manual: str = ""  # the steps to do it by hand


def describe_fix(finding, resource=None, ctx: FixContext | None = None) -> FixInfo:
    """`fixability` with the reasons: the fix's title, why it is unsafe or absent, and the manual steps.
    Without a resource and context, the answer is the rule's (see fixability)."""
    if resource is not None and ctx is not None:
        planned = plan_finding(resource, finding, ctx)
        p = planned.proposal
        if p is None:
            return FixInfo(None, "", planned.reason, planned.manual)
        return FixInfo(p.safety.value, p.title, p.unsafe_because, p.manual)
    migration = migration_for(finding)
    if migration is None:
        return FixInfo(None, "", "k8slint has no automatic fix for this")
    if migration.safety is None:
        return FixInfo(None, "", migration.doc)
    return FixInfo(FixSafety(migration.safety).value, migration.doc,
                   "" if migration.safety == FixSafety.SAFE else migration.doc)


def fixability(finding, resource=None, ctx: FixContext | None = None) -> str | None:
    """How `k8slint fix` can fix a finding: "safe" (applied by default), "unsafe" (only with --unsafe-fixes:
    it changes behaviour or needs a decision) or None (manual only).

    With just the finding, the answer is the rule's: what the migration does for a typical object (the data
    of a particular object can still make it unsafe, e.g. a PodDisruptionBudget with an empty selector, or
    manual, e.g. a Deployment whose template has no labels). Pass the resource and a FixContext (target
    version, schemas, the other inputs) for the exact answer for that object. A finding that already
    carries a fix (finding.fix) answers with its safety."""
    if getattr(finding, "fix", None) is not None:
        return finding.fix.safety.value
    if resource is not None and ctx is not None:
        planned = plan_finding(resource, finding, ctx)
        return planned.proposal.safety.value if planned.proposal else None
    migration = migration_for(finding)
    if migration is None or migration.safety is None:
        return None
    return FixSafety(migration.safety).value
