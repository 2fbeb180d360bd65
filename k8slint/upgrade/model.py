"""The upgrade report as data: objects and their issues (from `analyse`), then hops, API lifecycles and the
summary derived from them. Every output format renders this one structure; `Report.as_dict()` is the JSON
format, documented key by key in README.md ("Upgrade report").
"""
from __future__ import annotations

from ..model import FACTORY, field, record

from .lifecycle import REMOVED, UpgradePath, api_records

# Issue types and states
API, FIELD, SCHEMA, SERVER = "api", "field", "schema", "server"  # SERVER: an SRV refusal
INVALID = "invalid"
# Object status
BLOCKING, ACTION, OK = "blocking", "action", "ok"
# What `k8slint fix` does
SAFE, UNSAFE, MANUAL = "safe", "unsafe", "manual"


@record
class Issue:
    """One thing about one object that changes, or is wrong, on the way to the target version."""

    rule_id: str
    type: str  # API, FIELD, SCHEMA or SERVER
    subject: str  # "extensions/v1beta1 Deployment", "spec.rollbackTo", "metadata.clusterName"
    message: str  # the lint message at the target version
    severity: str  # at the target: error, warning or info
    blocking: bool  # an error at the target: the object cannot be applied (or stops working) there
    state: str  # at the target: "removed", "deprecated" or "invalid"
    since: str  # version of the path from which the issue is in that state (the start: already there)
    file: str
    line: int
    column: int
    json_path: str = ""
    deprecated_in: str | None = None
    removed_in: str | None = None
    replacement: str | None = None
    action: str = ""  # what to do, in a few words
    details: str | None = None  # how to do it by hand
    fix: str | None = None  # SAFE or UNSAFE when `k8slint fix` does it (UNSAFE: with --unsafe-fixes)
    fix_note: str | None = None  # why the fix is unsafe, or why there is none
    helm_release: dict | None = None  # the deployed Helm release whose stored manifest holds the object
    # REF: first version serving the replacement the reference must name (the plan opens its change there)
    available_since: str | None = None

    def __init__(self, rule_id, type, subject, message, severity, blocking, state, since, file, line, column,
                 json_path="", deprecated_in=None, removed_in=None, replacement=None, action="",
                 details=None, fix=None, fix_note=None, helm_release=None, available_since=None):
        self.rule_id = rule_id
        self.type = type
        self.subject = subject
        self.message = message
        self.severity = severity
        self.blocking = blocking
        self.state = state
        self.since = since
        self.file = file
        self.line = line
        self.column = column
        self.json_path = json_path
        self.deprecated_in = deprecated_in
        self.removed_in = removed_in
        self.replacement = replacement
        self.action = action
        self.details = details
        self.fix = fix
        self.fix_note = fix_note
        self.helm_release = helm_release
        self.available_since = available_since

    def as_dict(self) -> dict:
        return {
            "rule_id": self.rule_id, "type": self.type, "subject": self.subject, "message": self.message,
            "severity": self.severity, "blocking": self.blocking, "state": self.state, "since": self.since,
            "file": self.file, "line": self.line, "column": self.column, "json_path": self.json_path,
            "deprecated_in": self.deprecated_in, "removed_in": self.removed_in, "replacement": self.replacement,
            "action": self.action, "details": self.details, "fix": self.fix, "fix_note": self.fix_note,
            "helm_release": self.helm_release,
        }


@record
class Validity:
    """Does the target accept the object (after its migration where it needs one): its schema, and the
    target's API server checks (SRV errors). `result` is "valid" only when both accept it."""

    result: str  # "valid", "invalid" or "unchecked"
    checked: str | None = None  # "as-written" or "after-migration" (None when the schema was not checked)
    api_version: str | None = None  # the apiVersion that was validated
    note: str | None = None  # why it was not checked, or what the migration was
    schema: str | None = None  # the schema's own verdict: "valid", "invalid" or "unchecked"
    refused_by: tuple = ()  # SRV rules by which the target's API server refuses it

    def __init__(self, result, checked=None, api_version=None, note=None, schema=None, refused_by=()):
        self.result = result
        self.checked = checked
        self.api_version = api_version
        self.note = note
        self.schema = schema
        self.refused_by = refused_by

    def judged_by_server(self, refused_by) -> "Validity":
        """This schema verdict completed with the API server's: an object it refuses is never valid."""
        refused = tuple(sorted(set(refused_by)))
        return Validity(INVALID if refused else self.result, self.checked, self.api_version, self.note,
                        self.result, refused)

    def as_dict(self) -> dict:
        return {"result": self.result, "checked": self.checked, "api_version": self.api_version, "note": self.note,
                "schema": self.schema or self.result, "refused_by": list(self.refused_by)}


@record
class ObjectReport:
    file: str
    line: int
    column: int
    api_version: str | None
    kind: str | None
    namespace: str | None
    name: str | None
    states: tuple  # state of its apiVersion/kind at each version of the path
    validity: Validity
    issues: list = field(default_factory=list)
    id: int = -1  # position in the report, set when the report is assembled
    kustomization: bool = False  # kustomize's configuration (its patch targets), not a Kubernetes object

    def __init__(self, file, line, column, api_version, kind, namespace, name, states, validity,
                 issues=FACTORY, id=-1, kustomization=False):
        self.file = file
        self.line = line
        self.column = column
        self.api_version = api_version
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.states = states
        self.validity = validity
        self.issues = [] if issues is FACTORY else issues
        self.id = id
        self.kustomization = kustomization

    @property
    def label(self) -> str:
        kind, name = self.kind or "?", self.name or "<unnamed>"
        return f"{kind}/{self.namespace}/{name}" if self.namespace else f"{kind}/{name}"

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"

    @property
    def blocking(self) -> bool:
        for i in self.issues:  # (a loop, not any() over a generator: asked of every object, most have none)
            if i.blocking:
                return True
        return False

    @property
    def status(self) -> str:
        if not self.issues:
            return OK
        return BLOCKING if self.blocking else ACTION

    @property
    def breaks_at(self) -> str | None:
        """The first version of the path at which the object no longer works (the start: already broken)."""
        if not self.issues:
            return None
        found = [i.since for i in self.issues if i.blocking]
        return min(found, key=_version_key) if found else None

    @property
    def fix(self) -> str | None:
        """What `k8slint fix` does for all of the object's issues: SAFE, UNSAFE (some need --unsafe-fixes),
        MANUAL (some need a person) or None (nothing to do)."""
        if not self.issues:
            return None
        if any(i.fix is None for i in self.issues):
            return MANUAL
        return UNSAFE if any(i.fix == UNSAFE for i in self.issues) else SAFE

    def as_dict(self, labels: list) -> dict:
        return {
            "id": self.id, "file": self.file, "line": self.line, "column": self.column,
            "api_version": self.api_version, "kind": self.kind, "namespace": self.namespace, "name": self.name,
            "states": dict(zip(labels, self.states)), "status": self.status, "breaks_at": self.breaks_at,
            "fix": self.fix, "validity": self.validity.as_dict(), "issues": [i.as_dict() for i in self.issues],
            "kustomization": self.kustomization,
        }


@record
class Change:
    """One line of a hop: this issue of this object changes state there."""

    object: ObjectReport
    issue: Issue
    blocking: bool  # the change makes the object stop working

    def __init__(self, object, issue, blocking):
        self.object = object
        self.issue = issue
        self.blocking = blocking

    def as_dict(self) -> dict:
        return {"object": self.object.id, "rule_id": self.issue.rule_id, "subject": self.issue.subject,
                "blocking": self.blocking, "fix": self.issue.fix}


@record
class Hop:
    """What happens at one version: arriving at `to` (from `start`, when `start` is None: already true there)."""

    start: str | None
    to: str
    removed: list = field(default_factory=list)  # Changes: removed APIs, fields and values no longer honoured
    deprecated: list = field(default_factory=list)
    invalid: list = field(default_factory=list)  # schema errors and API-server refusals that first appear here
    breaks: list = field(default_factory=list)  # ObjectReports that stop working here

    def __init__(self, start, to, removed=FACTORY, deprecated=FACTORY, invalid=FACTORY, breaks=FACTORY):
        self.start = start
        self.to = to
        self.removed = [] if removed is FACTORY else removed
        self.deprecated = [] if deprecated is FACTORY else deprecated
        self.invalid = [] if invalid is FACTORY else invalid
        self.breaks = [] if breaks is FACTORY else breaks

    @property
    def changes(self) -> list:
        return self.removed + self.deprecated + self.invalid

    def fix_counts(self) -> dict:
        counts = {SAFE: 0, UNSAFE: 0, MANUAL: 0}
        for change in self.changes:
            counts[change.issue.fix or MANUAL] += 1
        return counts

    def as_dict(self) -> dict:
        out = {"from": self.start, "to": self.to} if self.start is not None else {"version": self.to}
        out.update({
            "breaks": len(self.breaks),
            "removed": [c.as_dict() for c in self.removed],
            "deprecated": [c.as_dict() for c in self.deprecated],
            "invalid": [c.as_dict() for c in self.invalid],
            "fixes": self.fix_counts(),
        })
        return out


@record
class ApiLifecycle:
    """One apiVersion/kind the input uses, across the path."""

    api_version: str | None
    kind: str | None
    states: tuple
    objects: int
    rule_id: str | None = None
    deprecated_in: str | None = None
    removed_in: str | None = None
    replacement: str | None = None

    def __init__(self, api_version, kind, states, objects, rule_id=None, deprecated_in=None, removed_in=None,
                 replacement=None):
        self.api_version = api_version
        self.kind = kind
        self.states = states
        self.objects = objects
        self.rule_id = rule_id
        self.deprecated_in = deprecated_in
        self.removed_in = removed_in
        self.replacement = replacement

    @property
    def label(self) -> str:
        return f"{self.api_version or '?'} {self.kind or '?'}"

    def as_dict(self, labels: list) -> dict:
        return {"api_version": self.api_version, "kind": self.kind, "objects": self.objects,
                "states": dict(zip(labels, self.states)), "rule_id": self.rule_id,
                "deprecated_in": self.deprecated_in, "removed_in": self.removed_in, "replacement": self.replacement}


@record
class Problem:
    """An input the report could not look into (unreadable file, YAML error, a document that is no object)."""

    rule_id: str
    severity: str
    message: str
    file: str
    line: int
    column: int

    def __init__(self, rule_id, severity, message, file, line, column):
        self.rule_id = rule_id
        self.severity = severity
        self.message = message
        self.file = file
        self.line = line
        self.column = column

    def as_dict(self) -> dict:
        return {"rule_id": self.rule_id, "severity": self.severity, "message": self.message, "file": self.file,
                "line": self.line, "column": self.column}


@record
class Report:
    start: str
    end: str
    versions: list  # labels of every version of the path
    files: int
    objects: list  # ObjectReports, input order
    problems: list  # Problems
    already: Hop  # what is already removed, deprecated or invalid at `start`
    hops: list  # Hops, one per version after `start`
    apis: list  # ApiLifecycles of the apiVersions used, most urgent first
    strict: bool = False
    plan: object = None  # plan.Plan: cluster upgrade steps and the changes made between them
    config_file: str | None = None  # the configuration file the run used: every summary names it
    # kustomization files read (kustomize's configuration, never applied): those with findings are in objects
    kustomizations: int = 0

    def __init__(self, start, end, versions, files, objects, problems, already, hops, apis, strict=False,
                 plan=None, config_file=None, kustomizations=0):
        self.start = start
        self.end = end
        self.versions = versions
        self.files = files
        self.objects = objects
        self.problems = problems
        self.already = already
        self.hops = hops
        self.apis = apis
        self.strict = strict
        self.plan = plan
        self.config_file = config_file
        self.kustomizations = kustomizations

    @property
    def resources(self) -> list:
        """The Kubernetes objects among `objects` (without kustomizations), as lint counts them."""
        return [o for o in self.objects if not o.kustomization]

    @property
    def blocking(self) -> list:
        return [o for o in self.objects if o.issues and o.blocking]

    @property
    def needing_action(self) -> list:
        return [o for o in self.objects if o.issues]

    @property
    def first_breaking_hop(self) -> Hop | None:
        return next((h for h in self.hops if h.breaks), None)

    @property
    def failed(self) -> bool:
        """Exit code 1: some object blocks the upgrade, or some input could not be read."""
        return bool(self.blocking) or any(p.severity == "error" for p in self.problems)

    def summary(self) -> dict:
        # one pass over the objects (every format asks for the summary several times)
        by_fix = {SAFE: 0, UNSAFE: 0, MANUAL: 0}
        by_action = {SAFE: 0, UNSAFE: 0, None: 0}
        resources = acting = blocking = actions = 0
        for o in self.objects:
            if not o.kustomization:
                resources += 1
            issues = o.issues
            if not issues:
                continue
            acting += 1
            if o.blocking:
                blocking += 1
            by_fix[o.fix] += 1
            actions += len(issues)
            for i in issues:
                if i.fix in by_action:
                    by_action[i.fix] += 1
        first = self.first_breaking_hop
        automatic = by_fix[SAFE] + by_fix[UNSAFE]
        return {
            "files": self.files,
            "objects": resources,
            "kustomizations": self.kustomizations,
            "blocking": blocking,
            "already_broken": len(self.already.breaks),
            "first_breaking_hop": {"from": first.start, "to": first.to} if first else None,
            "needing_action": acting,
            "fixable_safe": by_fix[SAFE],
            "fixable_unsafe": by_fix[UNSAFE],
            "manual": by_fix[MANUAL],
            "fixable_share": round(automatic / acting, 3) if acting else None,
            "actions": actions,
            "actions_safe": by_action[SAFE],
            "actions_unsafe": by_action[UNSAFE],
            "manual_actions": by_action[None],
            "problems": len(self.problems),
            **({"config_file": self.config_file} if self.config_file else {}),
        }

    def as_dict(self) -> dict:
        return {
            "from": self.start,
            "to": self.end,
            "versions": list(self.versions),
            "strict": self.strict,
            "summary": self.summary(),
            "already": self.already.as_dict(),
            "hops": [h.as_dict() for h in self.hops],
            "apis": [a.as_dict(self.versions) for a in self.apis],
            "plan": self.plan.as_dict() if self.plan is not None else None,
            "objects": [o.as_dict(self.versions) for o in self.objects],
            "problems": [p.as_dict() for p in self.problems],
        }


def _version_key(label: str) -> tuple:
    major, minor = label.split(".")[:2]
    return int(major), int(minor)


def assemble(path: UpgradePath, files: int, objects: list, problems: list, strict: bool) -> Report:
    """The report of analysed objects: numbered, sorted into hops, their APIs' lifecycles gathered."""
    labels = path.labels
    start = labels[0]
    already = Hop(None, start)
    hops = {to: Hop(frm, to) for frm, to in path.hops}
    for n, obj in enumerate(objects):
        obj.id = n
        if not obj.issues:
            continue
        for issue in obj.issues:
            _place(obj, issue, path, already, hops)
        breaks = obj.breaks_at
        if breaks is not None:
            (already if breaks == start else hops[breaks]).breaks.append(obj)
    for hop in [already, *hops.values()]:
        for group in (hop.removed, hop.deprecated, hop.invalid):
            group.sort(key=lambda c: (c.object.id, c.issue.rule_id, c.issue.json_path))
    return Report(start, labels[-1], labels, files, objects, problems, already, list(hops.values()),
                  _apis(objects, labels), strict)


def _place(obj: ObjectReport, issue: Issue, path: UpgradePath, already: Hop, hops: dict) -> None:
    start = path.labels[0]

    def hop_at(version: str) -> Hop:
        return already if version == start else hops[version]

    if issue.type in (SCHEMA, SERVER):
        hop_at(issue.since).invalid.append(Change(obj, issue, issue.blocking))
        return
    removal_here = issue.state == REMOVED
    if issue.deprecated_in is not None or issue.removed_in is None:
        # the deprecation is a change of its own unless it is the removal itself
        when = path.clamp(issue.deprecated_in)
        if not (removal_here and when == issue.since):
            hop_at(when).deprecated.append(Change(obj, issue, False))
    if removal_here:
        hop_at(issue.since).removed.append(Change(obj, issue, issue.blocking))


def _apis(objects: list, labels: list) -> list:
    used: dict = {}
    for obj in objects:
        key = (obj.api_version, obj.kind)
        known = used.get(key)
        if known is not None:
            known.objects += 1
            continue
        rule_id, record = api_records().get(key, (None, None))
        replacement = None
        if record and record.get("replacement"):
            rep = record["replacement"]
            replacement = f"{rep['api_version']} {rep.get('kind') or obj.kind}"
        used[key] = ApiLifecycle(obj.api_version, obj.kind, obj.states, 1, rule_id,
                                 record.get("deprecated") if record else None,
                                 record.get("removed") if record else None, replacement)

    def urgency(api: ApiLifecycle) -> tuple:
        first_removed = next((i for i, s in enumerate(api.states) if s == REMOVED), len(labels))
        first_deprecated = next((i for i, s in enumerate(api.states) if s == "deprecated"), len(labels))
        return (min(first_removed, len(labels)), first_deprecated, api.label)
    return sorted(used.values(), key=urgency)
