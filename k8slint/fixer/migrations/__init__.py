"""Migrations: what `k8slint fix` knows how to rewrite, one module per family, registered here.

A migration looks at one finding on one resource and either proposes a fix (`Proposal`: a safety level and
a function that edits the object through an Editor), raises `NoFix` with the reason and the manual steps,
or returns None when it has nothing to say. Proposals read the object from the editor (`ed.get`), never
from the resource, so that several fixes of one object compose.

Registration is explicit: `api(...)` keys a migration by the (apiVersion, kind) an API rule reports,
`field(...)` by the name of a FLD rule; the family modules are imported at the bottom of this file.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from ...model import FixSafety
from ...rules import windows

SAFE, UNSAFE = FixSafety.SAFE, FixSafety.UNSAFE


# Input has any shape the schema check reports, never only the one a migration expects: read through these.
def as_dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def as_list(value) -> list:
    return value if isinstance(value, list) else []


def strings(value) -> list:
    """The string items of a list (anything else: none)."""
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


class NoFix(Exception):
    """No automatic fix for this finding here: `reason` says why, `manual` what to do by hand."""

    def __init__(self, reason: str, manual: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.manual = manual


class Waits(NoFix):
    """The fix exists, but the cluster running now (`--current-version`) would not accept its result:
    `needs` (an apiVersion and kind, or a field) is served from `opens` on. The planner completes the reason
    with the object's own window (see plan.waiting)."""

    def __init__(self, needs: str, opens, current):
        super().__init__(f"waits for the cluster: {needs} is served from {opens} and your cluster runs {current}")
        self.needs = needs
        self.opens = opens
        self.current = current
        self.closes = None  # last version serving the object as it is (set by the planner)


@dataclass
class Proposal:
    rule_id: str
    title: str  # what the fix does, in a few words: "migrate to apps/v1"
    safety: FixSafety
    run: Callable  # run(editor) -> list of notes (what was pinned or copied, and why)
    unsafe_because: str = ""  # for unsafe fixes: the behaviour change a person has to accept
    manual: str = ""  # the steps to make the change by hand
    path: tuple = ()  # JSON path the fix is about (for ordering and messages)


@dataclass
class Migration:
    """A registered migration: its default safety (for `fixability`) and the function proposing fixes."""

    name: str
    safety: FixSafety | None  # for a typical object (None: manual only); the data may make it unsafe or manual
    propose: Callable  # propose(resource, finding, ctx) -> Proposal | None, or raise NoFix
    doc: str = ""


API_MIGRATIONS: dict = {}  # (apiVersion, kind) -> Migration
FIELD_MIGRATIONS: dict = {}  # FLD rule name -> Migration


def api(pairs, safety: FixSafety = SAFE):
    """Register a migration for findings about these (apiVersion, kind) pairs."""
    def register(fn):
        migration = Migration(fn.__name__, safety, fn, (fn.__doc__ or "").strip())
        for pair in pairs:
            if pair in API_MIGRATIONS:
                raise RuntimeError(f"two migrations for {pair}")
            API_MIGRATIONS[pair] = migration
        return fn
    return register


def field_rule(names, safety: FixSafety = SAFE):
    """Register a migration for findings of these FLD rules (by rule name)."""
    def register(fn):
        migration = Migration(fn.__name__, safety, fn, (fn.__doc__ or "").strip())
        for name in ([names] if isinstance(names, str) else names):
            if name in FIELD_MIGRATIONS:
                raise RuntimeError(f"two migrations for {name}")
            FIELD_MIGRATIONS[name] = migration
        return fn
    return register


@dataclass
class FixContext:
    """What a migration may need besides the object: the target version, the schemas, the other inputs."""

    target: object  # KubeVersion
    store: object  # SchemaStore
    current: object = None  # KubeVersion the cluster runs now (--current-version), None: assume nothing
    ingress_classes: set = field(default_factory=set)  # names of IngressClass objects in the input
    tprs: dict = field(default_factory=dict)  # group -> {old version: new version} of ThirdPartyResources
    # PodSecurityPolicy name ("*": any) -> [(role label, [namespaces or "*"])] from the RBAC in the input
    psp_grants: dict = field(default_factory=dict)

    def serves(self, api_version: str, kind: str) -> bool:
        return self.target in self.store.versions_serving(api_version, kind)

    def first_serving(self, api_version: str, kind: str):
        versions = self.store.versions_serving(api_version, kind)
        return versions[0] if versions else None

    def replacement(self, api_version: str, kind: str):
        """The (apiVersion, kind) this run writes for an object of apiVersion/kind: served at the target and
        at the running cluster (when known); without such a version, the step of the plan the running
        cluster can take now (Waits when there is none yet). None: no successor at all."""
        pick = windows.choose(api_version, kind, self.target, self.current)
        if pick is not None or self.current is None:
            return pick
        links = windows.chain(api_version, kind, self.current, self.target)
        if not links or links[0].to is None:
            return None
        if links[0].contains(self.current):
            return links[0].to
        raise Waits(windows.words(links[0].to), links[0].opens, self.current)

    def require(self, api_version: str, kind: str) -> None:
        """NoFix unless the target version serves apiVersion/kind; Waits unless the current version (when
        known) serves it too."""
        if not self.serves(api_version, kind):
            first = self.first_serving(api_version, kind)
            when = f" (served from {first})" if first is not None else ""
            raise NoFix(f"{api_version} {kind} is not served by Kubernetes {self.target}{when}; the object "
                        "can only be migrated for a target version that has it")
        self.require_now(api_version, kind)

    def require_now(self, api_version: str, kind: str) -> None:
        """Waits when the running cluster (--current-version) does not serve apiVersion/kind yet."""
        if self.current is None or windows.serves(api_version, kind, self.current):
            return
        later = [v for v in windows.served(api_version, kind) if v > self.current]
        if not later:
            raise NoFix(f"{api_version} {kind} is not served by your current version {self.current}")
        raise Waits(f"{api_version} {kind}", later[0], self.current)


from . import crd, fields, hpa, ingress, policy, references, simple, tpr, webhooks, workloads  # noqa: E402,F401 (registration)
