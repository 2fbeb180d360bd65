"""Which fix applies to which finding: the rule behind a finding picks a registered migration, which
proposes a fix for that object (or says why there is none). Fixes of one object run in a fixed order:
apiVersion migrations first, then field fixes by rule and path, so that later ones see the migrated object.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..model import FixSafety
from ..rules import rules_by_id
from .migrations import API_MIGRATIONS, FIELD_MIGRATIONS, FixContext, NoFix, Proposal
from .migrations.tpr import propose_custom_resource, version_map
from .source import SourceError


@dataclass
class Planned:
    """The outcome of planning one finding: a proposal, or the reason there is no automatic fix."""

    finding: object
    proposal: Proposal | None = None
    reason: str = ""  # why there is no fix (when proposal is None)
    manual: str = ""


def migration_for(finding, kind: str | None = None):
    """The registered migration for a finding (None when the rule has none)."""
    rule = rules_by_id().get(finding.rule_id)
    if rule is None or rule.record is None:
        return None
    if finding.rule_id.startswith("API"):
        if finding.json_path != "apiVersion":
            return None  # found through last-applied-configuration: the manifest itself is elsewhere
        kind = kind or (finding.obj.kind if finding.obj else None)
        return API_MIGRATIONS.get((rule.record["api_version"], kind))
    if finding.rule_id.startswith("FLD"):
        return FIELD_MIGRATIONS.get(rule.meta.name)
    return None


def plan_finding(resource, finding, ctx: FixContext) -> Planned:
    migration = migration_for(finding, resource.kind)
    if migration is None:
        return Planned(finding, reason="k8slint has no automatic fix for this")
    try:
        proposal = migration.propose(resource, finding, ctx)
    except NoFix as exc:
        return Planned(finding, reason=exc.reason, manual=exc.manual)
    except SourceError as exc:
        return Planned(finding, reason=str(exc))
    if proposal is None:
        return Planned(finding, reason="nothing to change")
    return Planned(finding, proposal)


def plan_resource(resource, findings: list, ctx: FixContext) -> list:
    """Planned fixes for one object's findings, in the order they must run."""
    planned = [plan_finding(resource, f, ctx) for f in findings if f.rule_id[:3] in ("API", "FLD")]
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
        for rule in r.data.get("rules") or []:
            if not isinstance(rule, dict):
                continue
            if any(v in ("use", "*") for v in rule.get("verbs") or []) and any(
                    res in ("podsecuritypolicies", "*") for res in rule.get("resources") or []):
                key = (r.kind, r.namespace if r.kind == "Role" else None, r.name)
                roles.setdefault(key, set()).update(rule.get("resourceNames") or ["*"])
    grants: dict = {}
    for r in resources:
        if r.kind not in ("RoleBinding", "ClusterRoleBinding"):
            continue
        ref = r.data.get("roleRef") if isinstance(r.data.get("roleRef"), dict) else {}
        key = (ref.get("kind"), r.namespace if ref.get("kind") == "Role" else None, ref.get("name"))
        if key not in roles:
            continue
        if r.kind == "RoleBinding":
            namespaces = [r.namespace or "default"]
        else:
            subjects = [s for s in r.data.get("subjects") or [] if isinstance(s, dict)]
            namespaces = sorted({s.get("namespace") for s in subjects if s.get("kind") == "ServiceAccount"
                                 and s.get("namespace")}) or ["*"]
            if any(s.get("kind") == "Group" for s in subjects):
                namespaces = ["*"]
        label = f"{key[0]}/{key[1] + '/' if key[1] else ''}{key[2]}"
        for psp in roles[key]:
            grants.setdefault(psp, []).append((label, namespaces))
    return grants


def context_for(target, store, resources) -> FixContext:
    """The FixContext for a run: the IngressClasses, ThirdPartyResources and PodSecurityPolicy grants of
    every input."""
    ctx = FixContext(target, store)
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
