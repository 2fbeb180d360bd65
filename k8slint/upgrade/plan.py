"""The upgrade plan: cluster upgrade steps interleaved with the manifest changes that must happen between them.

Every change has a window: the cluster versions at which it can be made (`opens`: the first version serving
what the change writes; `closes`: the last version that still serves what the object has now). The plan stops
the cluster as few times as it can:

- at the start, every change whose window is already open is made (`k8slint fix --current-version START`);
- then the cluster goes up to the earliest deadline (the smallest `closes` of what is left) and every change
  open there is made; and so on up to the target, where the advised changes (deprecated, still served) end it.

Changes with nothing to write (an API with no successor, a schema error, an object applied from elsewhere) are
placed at their deadline: the last stop before they break. A change that is already late (the object does not
work at the start) is made at the start.
"""
from __future__ import annotations

from ..model import FACTORY, field, record

from ..fixer.plan import FIELD_SINCE
from ..rules import rules_by_id, windows
from ..rules.api_versions import mapkubeapis_command
from ..versions import KubeVersion
from .model import API, FIELD, SCHEMA, SERVER


@record
class PlannedChange:
    """One change of one object, with its window."""

    object: object  # ObjectReport
    issue: object  # Issue
    what: str  # "extensions/v1beta1 Ingress -> networking.k8s.io/v1 Ingress", "remove", ...
    opens: KubeVersion | None  # first cluster version where it can be made (None: any)
    closes: KubeVersion | None  # last cluster version at which the object still works without it (None: all)
    writes: bool  # k8slint fix (or a person) writes something new: made as early as the window allows
    advised: bool = False  # not needed to reach the target (deprecated there, still served)
    fix: str | None = None  # "safe", "unsafe" or None (a person does it)
    action: str = ""

    def __init__(self, object, issue, what, opens, closes, writes, advised=False, fix=None, action=""):
        self.object = object
        self.issue = issue
        self.what = what
        self.opens = opens
        self.closes = closes
        self.writes = writes
        self.advised = advised
        self.fix = fix
        self.action = action

    @property
    def removed_in(self) -> str | None:
        return str(self.closes.next()) if self.closes is not None else None

    def ready(self, cluster: KubeVersion, final: bool) -> bool:
        if final:
            return True
        if self.writes:
            return self.opens is None or self.opens <= cluster
        return self.closes is not None and self.closes <= cluster

    def as_dict(self) -> dict:
        return {"object": self.object.id, "rule_id": self.issue.rule_id, "subject": self.issue.subject,
                "change": self.what, "available_since": str(self.opens) if self.opens else None,
                "removed_in": self.removed_in, "advised": self.advised, "fix": self.fix, "action": self.action}


@record
class Step:
    """A cluster version of the plan and the changes made while the cluster runs it."""

    cluster: str
    upgrade_from: str | None  # the previous stop (None for the start)
    changes: list = field(default_factory=list)
    command: str = ""  # the k8slint fix command for this step

    def __init__(self, cluster, upgrade_from, changes=FACTORY, command=""):
        self.cluster = cluster
        self.upgrade_from = upgrade_from
        self.changes = [] if changes is FACTORY else changes
        self.command = command

    @property
    def through(self) -> list:
        """The minors the control plane passes on the way here (one minor at a time)."""
        if self.upgrade_from is None:
            return []
        a, b = KubeVersion.parse(self.upgrade_from), KubeVersion.parse(self.cluster)
        return [str(KubeVersion(a.major, m)) for m in range(a.minor + 1, b.minor + 1)]

    def as_dict(self) -> dict:
        return {"cluster": self.cluster, "upgrade_from": self.upgrade_from, "through": self.through,
                "command": self.command, "changes": [c.as_dict() for c in self.changes]}


@record
class Plan:
    start: str
    end: str
    steps: list

    def __init__(self, start, end, steps):
        self.start = start
        self.end = end
        self.steps = steps

    @property
    def changes(self) -> list:
        return [c for s in self.steps for c in s.changes]

    def as_dict(self) -> dict:
        return {"from": self.start, "to": self.end, "steps": [s.as_dict() for s in self.steps]}


def _minus_one(version: str) -> KubeVersion:
    v = KubeVersion.parse(version)
    return KubeVersion(v.major, v.minor - 1)


def object_changes(obj, start: KubeVersion, end: KubeVersion, chains: dict | None = None) -> list:
    """The changes one object needs, in the order they must be made. `chains`: windows.chain's answers
    so far, by (apiVersion, kind), for these start and end (the same for every object of that kind)."""
    out = []
    for issue in obj.issues:
        if issue.type == API and issue.json_path == "apiVersion" and obj.api_version and obj.kind:
            key = (obj.api_version, obj.kind)
            links = chains.get(key) if chains is not None else None
            if links is None:
                links = windows.chain(obj.api_version, obj.kind, start, end)
                if chains is not None:
                    chains[key] = links
            if not links and issue.state == "deprecated":
                better = windows.choose(obj.api_version, obj.kind, end)
                if better is not None:
                    links = [windows.Link((obj.api_version, obj.kind), better, windows.served(*better)[0], None,
                                          advised=True)]
            for link in links:
                old = windows.words(link.old)
                if link.to is None:
                    what = f"{old}: no successor API; replace or remove the object"
                else:
                    what = f"{old} -> {windows.words(link.to)}"
                if issue.helm_release:
                    what += f" in the chart, then `{mapkubeapis_command(issue.helm_release)}`"
                opens = max(link.opens, start) if link.opens is not None else None
                action = f"migrate to {windows.words(link.to)}" if link.to is not None and not issue.helm_release \
                    else issue.action
                out.append(PlannedChange(obj, issue, what, opens, link.closes, link.to is not None, link.advised,
                                         issue.fix if link.to is not None else None, action))
        elif issue.type == API:  # found in last-applied-configuration: the live object is fine
            closes = _minus_one(issue.removed_in) if issue.removed_in else None
            out.append(PlannedChange(obj, issue, f"{issue.subject}: fix the source manifest (or `kubectl apply "
                                     "set-last-applied`)", None, closes, False, issue.state != "removed", None,
                                     issue.action))
        elif issue.type == FIELD:
            rule = rules_by_id().get(issue.rule_id)
            since = FIELD_SINCE.get(rule.meta.name) if rule is not None else None
            opens = max(KubeVersion.parse(since[0]), start) if since else None
            record = (rule.record if rule is not None else None) or {}
            reference = issue.rule_id.startswith("REF")  # an apiVersion inside the object: due at its removal
            if reference and issue.available_since:  # and possible once the cluster serves the replacement
                opens = max(KubeVersion.parse(issue.available_since), start)
            hard = bool(issue.removed_in) and (reference or (record.get("removed_severity") or "error") == "error")
            closes = _minus_one(issue.removed_in) if hard else None
            if closes is not None and opens is not None and closes < opens:
                closes = opens
            out.append(PlannedChange(obj, issue, f"{issue.subject}: {issue.action}", opens, closes,
                                     not reference or issue.fix is not None, not hard or not issue.blocking,
                                     issue.fix, issue.action))
        elif issue.type in (SCHEMA, SERVER):
            closes = _minus_one(issue.since) if KubeVersion.parse(issue.since) > start else None
            out.append(PlannedChange(obj, issue, f"{issue.subject}: {issue.action}", None, closes, False,
                                     False, issue.fix, issue.action))
    return out


def build(report) -> Plan:
    """The plan for a report's objects from its start to its end version."""
    start, end = KubeVersion.parse(report.start), KubeVersion.parse(report.end)
    chains: dict = {}
    queues = [object_changes(o, start, end, chains) for o in report.objects if o.issues]
    queues = [q for q in queues if q]
    steps: list = []
    cluster, previous = start, None
    while True:
        final = cluster == end
        step = Step(str(cluster), previous, command=f"k8slint fix --current-version {cluster} -k {end} --write")
        progress = True
        while progress:
            progress = False
            for q in queues:
                if q and q[0].ready(cluster, final):
                    step.changes.append(q.pop(0))
                    progress = True
        if step.changes or cluster == start or final:
            if not any(c.fix for c in step.changes):
                step.command = ""
            steps.append(step)
            previous = str(cluster)
        if final:
            break
        deadlines = [q[0].closes for q in queues if q and q[0].closes is not None and q[0].closes > cluster]
        following = min(deadlines) if deadlines else end
        cluster = min(max(following, cluster.next()), end)
    return Plan(report.start, report.end, steps)


# ------------------------------------------------------------------------------------------- words


def window_text(change: PlannedChange) -> str:
    """"1.19–1.21", "from 1.29", "by 1.24" or "any time": when the change can be made."""
    if change.opens is not None and change.closes is not None:
        return str(change.opens) if change.opens == change.closes else f"{change.opens}–{change.closes}"
    if change.opens is not None:
        return f"from {change.opens}"
    if change.closes is not None:
        return f"by {change.closes}"
    return "any time"


def step_title(step: Step, plan: Plan) -> str:
    """"Now, on 1.16" or "Upgrade the cluster 1.16 → 1.21 (1.17, 1.18, ...; one minor at a time)"."""
    if step.upgrade_from is None:
        return f"Now, on {step.cluster}"
    through = step.through
    passing = f" (through {', '.join(through[:-1])}: one minor at a time)" if len(through) > 1 else ""
    return f"Upgrade the cluster {step.upgrade_from} → {step.cluster}{passing}"


def step_note(step: Step) -> str:
    """What to do at the step, in a few words."""
    if not step.changes:
        return "nothing to change"
    parts = [f"run `{step.command}`"] if step.command else []
    manual = sum(1 for c in step.changes if c.fix is None)
    if manual:
        parts.append(f"{manual} change{'s' * (manual != 1)} by hand")
    if all(c.advised for c in step.changes):
        parts.append("advised, nothing breaks without it")
    return "; ".join(parts)


def change_fix(change: PlannedChange) -> str:
    return {"safe": "k8slint fix", "unsafe": "k8slint fix --unsafe-fixes"}.get(change.fix, "by hand")
