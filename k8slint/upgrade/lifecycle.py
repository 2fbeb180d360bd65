"""Where things stand at each version of an upgrade path: the API records and the embedded schemas, read once.

A path is every embedded minor from the version a cluster runs (`start`) to the one it upgrades to (`end`);
a hop is one step of it (1.24 -> 1.25), named by the version it arrives at. The state of an apiVersion/kind
at a version is one of STATES.
"""
from __future__ import annotations

from functools import lru_cache

from ..rules import rules_by_id
from ..rules.context import lifecycle_state
from ..versions import KubeVersion, version_range

SERVED, DEPRECATED, REMOVED, UNSERVED, CUSTOM = "served", "deprecated", "removed", "unserved", "custom"
TOOL = "tool"  # a tool's configuration (kustomize's): never applied, no Kubernetes version serves it
STATES = (SERVED, DEPRECATED, REMOVED, UNSERVED, CUSTOM, TOOL)

# How each state reads in a sentence or a table cell.
STATE_LABELS = {
    SERVED: "served",
    DEPRECATED: "deprecated",
    REMOVED: "removed",
    UNSERVED: "not served",
    CUSTOM: "custom resource",
    TOOL: "kustomize's configuration, not applied",
}


@lru_cache(maxsize=1)
def api_records() -> dict:
    """(apiVersion, kind) -> (rule id, record) for every API rule."""
    out = {}
    for rule in rules_by_id().values():
        if rule.id.startswith("API") and rule.record:
            for kind in rule.record["kinds"]:
                out[(rule.record["api_version"], kind)] = (rule.id, rule.record)
    return out


class UpgradePath:
    """The versions from `start` to `end` (both embedded minors, start <= end) and what they serve."""

    def __init__(self, start: KubeVersion, end: KubeVersion, store, crds=None):
        self.start = start
        self.end = end
        self.versions = version_range(start, end)
        self.labels = [str(v) for v in self.versions]
        self.store = store
        self.crds = crds  # custom resource kinds of the input: served whatever the Kubernetes version
        self._states: dict = {}
        self._serving: dict = {}
        self._groups: set | None = None

    @property
    def hops(self) -> list:
        """(from, to) labels of every hop, oldest first."""
        return list(zip(self.labels, self.labels[1:]))

    def clamp(self, version: str | None) -> str:
        """The version of the path from which something that starts at `version` holds: `start` for anything
        older, None counting as older than everything."""
        if version is None:
            return str(self.start)
        v = KubeVersion.parse(version)
        return str(max(v, self.start))

    def api_states(self, api_version: str | None, kind: str | None) -> tuple:
        """The state of apiVersion/kind at every version of the path."""
        key = (api_version, kind)
        found = self._states.get(key)
        if found is None:
            found = self._states[key] = tuple(self._compute(api_version, kind))
        return found

    def _compute(self, api_version, kind) -> list:
        if not api_version or not kind:
            return [UNSERVED] * len(self.versions)
        if self.crds is not None and (api_version, kind) in self.crds:
            return [CUSTOM] * len(self.versions)
        entry = api_records().get((api_version, kind))
        serving = self.serving(api_version, kind)
        if entry is None and not serving and _group(api_version) not in self._builtin_groups():
            return [CUSTOM] * len(self.versions)
        out = []
        for v in self.versions:
            state = lifecycle_state(v, entry[1].get("deprecated"), entry[1].get("removed")) if entry else "ok"
            if state == "removed":
                out.append(REMOVED)
            elif state == "deprecated":
                out.append(DEPRECATED)
            else:
                # a record whose kinds no embedded schema has (before 1.7) is served until its removal
                out.append(SERVED if v in serving or (entry and not serving) else UNSERVED)
        return out

    def _builtin_groups(self) -> set:
        """API groups Kubernetes itself serves somewhere on the path or names in its API records."""
        if self._groups is None:
            groups = {_group(av) for v in (self.start, self.end) for av, _ in self.store.kinds(v)}
            groups |= {_group(av) for av, _ in api_records()}
            self._groups = groups
        return self._groups

    def serving(self, api_version: str, kind: str) -> frozenset:
        """Every embedded version whose schema has apiVersion/kind."""
        key = (api_version, kind)
        found = self._serving.get(key)
        if found is None:
            found = self._serving[key] = frozenset(self.store.versions_serving(api_version, kind))
        return found

    def serves(self, api_version: str, kind: str, version: KubeVersion) -> bool:
        """Is apiVersion/kind usable at `version` (a schema has it, or it is a custom resource)?"""
        if self.crds is not None and (api_version, kind) in self.crds:
            return True
        return version in self.serving(api_version, kind)


def _group(api_version: str) -> str:
    return api_version.rsplit("/", 1)[0] if "/" in api_version else ""


def runs(states, labels) -> list:
    """[(state, first label, last label)] for each stretch of equal states, in order."""
    out: list = []
    for state, label in zip(states, labels):
        if out and out[-1][0] == state:
            out[-1] = (state, out[-1][1], label)
        else:
            out.append((state, label, label))
    return out


def describe_states(states, labels, sep: str = " · ") -> str:
    """"deprecated 1.15 · removed 1.16–1.30" for a timeline of states."""
    parts = []
    for state, first, last in runs(states, labels):
        when = first if first == last else f"{first}–{last}"
        parts.append(f"{STATE_LABELS[state]} {when}")
    return sep.join(parts)
