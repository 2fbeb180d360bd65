"""When an apiVersion/kind is served, and which replacement to write for a given running cluster and target.

"Served at v" means both sources agree: the embedded schema of v has the kind, and the API record (if any)
does not say it is removed at v (a few schemas describe a version after its default removal). Records of kinds
that no embedded schema carries (pre-1.7 alphas) are served from `introduced` up to `removed`.

A replacement is chosen as a function of the versions, never as one "newest" successor:

- `choose(api, kind, target, current)`: the successor served at the target (and at the current version, when
  known), preferring the record's replacement, else the one served longest;
- `chain(api, kind, current, target)`: the migrations an object needs on the way from `current` to `target`,
  each with its window (the cluster versions at which it can be applied: the new version is served and the old
  one still is). Ingress from 1.16 to 1.30 is one link, extensions/v1beta1 -> networking.k8s.io/v1 in the
  window 1.19-1.21; FlowSchema v1beta1 from 1.20 to 1.30 takes three.
"""
from __future__ import annotations

from functools import lru_cache

from ..lazyre import lazy
from ..model import record, set_frozen
from ..schemastore import default_store
from ..versions import KubeVersion, embedded_versions
from .data import load_table


@lru_cache(maxsize=1)
def records() -> dict:
    """(apiVersion, kind) -> API record."""
    out = {}
    for record in load_table("api-versions"):
        for kind in record["kinds"]:
            out[(record["api_version"], kind)] = record
    return out


@lru_cache(maxsize=1)
def _replacement_since() -> dict:
    """(apiVersion, kind) -> the `since` of the records that name it as their replacement."""
    out = {}
    for (api_version, kind), record in records().items():
        rep = record.get("replacement") or {}
        if rep.get("api_version") and rep.get("since"):
            out.setdefault((rep["api_version"], rep.get("kind") or kind), rep["since"])
    return out


def _group(api_version: str) -> str:
    return api_version.rsplit("/", 1)[0] if "/" in api_version else ""


_VERSION_NAME = lazy(r"v(\d+)(?:(alpha|beta)(\d+))?$")


def _age(api_version: str) -> tuple:
    """How new a version name is within its group: v1alpha1 < v1beta1 < v1 < v2beta1 < v2."""
    m = _VERSION_NAME.match(api_version.rsplit("/", 1)[-1])
    if not m:
        return (0, 0, 0)
    return (int(m.group(1)), {"alpha": 0, "beta": 1, None: 2}[m.group(2)], int(m.group(3) or 0))


@lru_cache(maxsize=None)
def served(api_version: str, kind: str) -> tuple:
    """Every embedded minor that serves apiVersion/kind, oldest first."""
    record = records().get((api_version, kind))
    removed = KubeVersion.parse(record["removed"]) if record and record.get("removed") else None
    in_schema = default_store().versions_serving(api_version, kind)
    if not in_schema:  # a kind the schemas never carried (pre-1.7, config files, CRDs): the records' dates
        since = record.get("introduced") if record is not None else _replacement_since().get((api_version, kind))
        if record is None and since is None:
            return ()
        start = KubeVersion.parse(since) if since else None
        return tuple(v for v in embedded_versions() if (start is None or v >= start) and (removed is None or v < removed))
    return tuple(v for v in in_schema if removed is None or v < removed)


def serves(api_version: str, kind: str, version: KubeVersion) -> bool:
    return version in served(api_version, kind)


def _last(pair) -> KubeVersion | None:
    versions = served(*pair)
    return versions[-1] if versions else None


@lru_cache(maxsize=None)
def successors(api_version: str, kind: str) -> tuple:
    """(apiVersion, kind) pairs an object of this apiVersion/kind can move to: the record's replacement and the
    other versions of its group that serve the same kind for longer. The record's replacement comes first."""
    record = records().get((api_version, kind))
    if record is None or not record.get("replacement"):
        return ()
    rep = record["replacement"]
    new_kind = rep.get("kind") or kind
    first = (rep["api_version"], new_kind)
    own_last = _last((api_version, kind))
    out = [first]
    for group in dict.fromkeys((_group(rep["api_version"]), _group(api_version))):
        for av, k in _all_kinds():
            if k != new_kind or _group(av) != group or av == api_version or (av, new_kind) in out:
                continue
            if group == _group(api_version) and _age(av) <= _age(api_version):
                continue  # never back to an older version of the same group (autoscaling/v1 for v2beta1)
            last = _last((av, new_kind))
            if last is not None and (own_last is None or last > own_last):
                out.append((av, new_kind))
    return tuple(out)


@lru_cache(maxsize=1)
def _all_kinds() -> tuple:
    """Every (apiVersion, kind) some embedded version serves."""
    store = default_store()
    return tuple(sorted({pair for v in store.versions() for pair in store.kinds(v)}))


def known_pairs() -> tuple:
    """Every (apiVersion, kind) some embedded version serves."""
    return _all_kinds()


def _preference(pair, first) -> tuple:
    versions = served(*pair)
    return (pair == first, versions[-1] if versions else KubeVersion(0, 0), versions[0] if versions else
            KubeVersion(0, 0))


def choose(api_version: str, kind: str, target: KubeVersion, current: KubeVersion | None = None):
    """The (apiVersion, kind) to write for an object of apiVersion/kind: served at `target` and, when given,
    at `current`; None when no successor is. The record's replacement wins when it qualifies."""
    options = successors(api_version, kind)
    ok = [p for p in options if serves(*p, target) and (current is None or serves(*p, current))]
    if not ok:
        return None
    return max(ok, key=lambda p: _preference(p, options[0]))


@record(frozen=True)
class Link:
    """One migration of an object on the way to the target: from (api, kind) to (api, kind), applicable while
    the cluster runs a version in [opens, closes]. `to` None: no successor; the object must go by `closes`.
    `advised`: the object still works at the target without it (only deprecated there)."""

    old: tuple
    to: tuple | None
    opens: KubeVersion | None  # first cluster version at which the change can be applied
    closes: KubeVersion | None  # last cluster version that still serves the old form (None: served to the end)
    advised: bool = False

    def __init__(self, old, to, opens, closes, advised=False):
        set_frozen(self, "old", old)
        set_frozen(self, "to", to)
        set_frozen(self, "opens", opens)
        set_frozen(self, "closes", closes)
        set_frozen(self, "advised", advised)

    def contains(self, version: KubeVersion) -> bool:
        return (self.opens is None or self.opens <= version) and (self.closes is None or version <= self.closes)


def window(old: tuple, new: tuple | None) -> tuple:
    """(opens, closes): the first version serving `new` and the last one serving `old` (None: no bound)."""
    old_versions = served(*old)
    new_versions = served(*new) if new else ()
    opens = new_versions[0] if new_versions else None
    closes = old_versions[-1] if old_versions else None
    if closes is not None and closes >= embedded_versions()[-1]:
        closes = None
    return opens, closes


def chain(api_version: str, kind: str, current: KubeVersion, target: KubeVersion) -> list:
    """The migrations an object of apiVersion/kind needs while its cluster goes from `current` to `target`."""
    links: list = []
    pair = (api_version, kind)
    if pair not in records():
        return links
    at = current
    for _ in range(8):  # a chain is at most a few links; the bound only guards against a cycle in bad data
        if serves(*pair, target):
            break
        own = served(*pair)
        deadline = max((v for v in own if v <= target), default=None)
        options = [p for p in successors(*pair) if any(at <= v <= target for v in served(*p))]
        if not options:
            links.append(Link(pair, None, None, deadline if deadline is None or deadline >= at else at))
            return links
        first = successors(*pair)[0]
        # reachable without a gap: served before the old form goes (or at all, when it is already gone)
        overlapping = [p for p in options if deadline is None or deadline < at or served(*p)[0] <= deadline]
        best = max(overlapping or options, key=lambda p: _preference_reach(p, first, target))
        opens = max(served(*best)[0], at)
        closes = deadline if deadline is not None and deadline >= opens else opens
        links.append(Link(pair, best, opens, closes))
        pair, at = best, opens
    record = records().get(pair)
    if record is not None and record.get("deprecated") and target >= KubeVersion.parse(record["deprecated"]):
        better = choose(*pair, target)
        if better is not None and better != pair:
            opens = max(served(*better)[0], at)
            links.append(Link(pair, better, opens, None, advised=True))
    return links


def _preference_reach(pair, first, target) -> tuple:
    """Prefer the successor that carries the object furthest along the path, then the record's replacement."""
    versions = served(*pair)
    reach = max((v for v in versions if v <= target), default=KubeVersion(0, 0))
    return (reach, pair == first, versions[-1])


def words(pair) -> str:
    return f"{pair[0]} {pair[1]}"


def span_text(versions) -> str:
    """"1.19-1.21" for a tuple of versions (first and last)."""
    if not versions:
        return "no embedded version"
    return str(versions[0]) if versions[0] == versions[-1] else f"{versions[0]}-{versions[-1]}"
