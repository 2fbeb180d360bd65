"""FLD rules: one per record of `rules/fields.yaml`, matching fields, annotations, labels and values by path.

Path syntax (see docs/rules-format.md): dotted keys, `[*]` for every list item, `*` for every mapping key,
and the macros @podspec, @podmeta and @containers that expand to wherever the object's kind keeps them.
"""
from __future__ import annotations

import re
import string

from ..model import RuleDoc, RuleMeta, Severity
from ..model import finding_at
from . import Rule
from .context import RuleContext, lifecycle_state
from .data import load_table

# Where each kind keeps its pod template: the prefix of @podspec / @podmeta.
POD_TEMPLATE_PREFIXES = {
    "Pod": [()],
    "Deployment": [("spec", "template")],
    "ReplicaSet": [("spec", "template")],
    "StatefulSet": [("spec", "template")],
    "DaemonSet": [("spec", "template")],
    "Job": [("spec", "template")],
    "ReplicationController": [("spec", "template")],
    "PodTemplate": [("template",)],
    "CronJob": [("spec", "jobTemplate", "spec", "template")],
    "ScheduledJob": [("spec", "jobTemplate", "spec", "template")],
}
WORKLOAD_KINDS = frozenset(POD_TEMPLATE_PREFIXES)
CONTAINER_LISTS = ("containers", "initContainers", "ephemeralContainers")
_TOKEN = re.compile(r"\[\*\]|\[(\d+)\]|([^.\[\]]+)")
ANY_ITEM, ANY_KEY = object(), object()


def parse_path(text: str) -> list:
    """'spec.volumes[*].flexVolume' -> ['spec', 'volumes', ANY_ITEM, 'flexVolume']; macros stay as text."""
    out = []
    for m in _TOKEN.finditer(text):
        if m.group(0) == "[*]":
            out.append(ANY_ITEM)
        elif m.group(1) is not None:
            out.append(int(m.group(1)))
        elif m.group(2) == "*":
            out.append(ANY_KEY)
        else:
            out.append(m.group(2))
    return out


def expand(segments: list, kind: str | None) -> list:
    """Replace a leading macro by the concrete prefixes of this kind; [] when the kind has none."""
    if not segments or not isinstance(segments[0], str) or not segments[0].startswith("@"):
        return [segments]
    macro, rest = segments[0], segments[1:]
    prefixes = POD_TEMPLATE_PREFIXES.get(kind or "", [])
    if macro == "@podspec":
        return [list(p) + ["spec"] + rest for p in prefixes]
    if macro == "@podmeta":
        return [list(p) + ["metadata"] + rest for p in prefixes]
    if macro == "@containers":
        return [list(p) + ["spec", c, ANY_ITEM] + rest for p in prefixes for c in CONTAINER_LISTS]
    raise ValueError(f"unknown path macro {macro}")


def walk(value, segments: list, path: tuple = ()):
    """Yield (path, value) for every node the segments reach."""
    if not segments:
        yield path, value
        return
    head, rest = segments[0], segments[1:]
    if head is ANY_ITEM:
        if isinstance(value, list):
            for i, item in enumerate(value):
                yield from walk(item, rest, path + (i,))
    elif head is ANY_KEY:
        if isinstance(value, dict):
            for k, v in value.items():
                yield from walk(v, rest, path + (k,))
    elif isinstance(head, int):
        if isinstance(value, list) and head < len(value):
            yield from walk(value[head], rest, path + (head,))
    elif isinstance(value, dict) and head in value:
        yield from walk(value[head], rest, path + (head,))


def _test(matcher: dict, path: tuple, value, data=None) -> bool:
    if "differs_from_sibling" in matcher:
        # written by the API server when it mirrors the sibling (serviceAccount <- serviceAccountName)
        parent = _at(data, path[:-1])
        return value is not None and not (isinstance(parent, dict)
                                          and parent.get(matcher["differs_from_sibling"]) == value)
    if "key_in" in matcher:
        return bool(path) and path[-1] in matcher["key_in"]
    if "key_prefix" in matcher:
        return bool(path) and isinstance(path[-1], str) and path[-1].startswith(matcher["key_prefix"])
    if "equals" in matcher:
        return value == matcher["equals"]
    if "in" in matcher:
        return value in matcher["in"]
    return value is not None


def _at(data, path: tuple):
    for segment in path:
        if isinstance(segment, int) and isinstance(data, list) and segment < len(data):
            data = data[segment]
        elif isinstance(data, dict) and segment in data:
            data = data[segment]
        else:
            return None
    return data


class _Blank(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def _meta(record: dict) -> RuleMeta:
    docs = record.get("docs") or {}
    lifecycle = ", ".join(f"{k} {record[k]}" for k in ("deprecated", "removed") if record.get(k))
    severity = Severity.parse(record.get("removed_severity", "error")) if record.get("removed") \
        else Severity.parse(record.get("severity", "warning"))
    return RuleMeta(record["id"], record["name"], record["title"], severity, RuleDoc(
        what=docs.get("what", ""), why=docs.get("why", ""), example=docs.get("example", ""),
        fix=docs.get("fix", ""), fix_safety=docs.get("fix_safety", "No automatic fix.")),
        versions=lifecycle or "every version", family="FLD")


class FieldRule:
    """One record of rules/fields.yaml, compiled: its kinds, matchers, and how it reports a match."""

    def __init__(self, record: dict, meta: RuleMeta):
        self.record = record
        self.meta = meta
        kinds = record.get("kinds")
        if kinds and "@workloads" in kinds:
            kinds = (set(kinds) - {"@workloads"}) | WORKLOAD_KINDS
        self.kinds = frozenset(kinds) if kinds else None
        self.matchers = [(m, parse_path(m["path"])) for m in record["match"]]
        # `unless`: conditions that mark the object as written by the API server or a controller
        self.unless = [(m, parse_path(m["path"])) for m in record.get("unless") or ()]
        self.once = bool(record.get("once"))  # one finding per object, at the first match
        self._states: dict = {}  # target version -> lifecycle state, computed once per run
        self._paths: dict = {}  # kind -> [(matcher, concrete segments)]

    def silenced(self, resource) -> bool:
        """Does one of the record's `unless` conditions hold for this object?"""
        for matcher, segments in self.unless:
            for concrete in expand(segments, resource.kind):
                if any(_test(matcher, path, value, resource.data) for path, value in walk(resource.data, concrete)):
                    return True
        return False

    def state(self, target) -> str | None:
        """'removed', 'deprecated' or 'ok'; None when the rule is silent at this target."""
        if target not in self._states:
            state = lifecycle_state(target, self.record.get("deprecated"), self.record.get("removed"))
            lifecycle = self.record.get("deprecated") or self.record.get("removed")
            self._states[target] = None if state == "ok" and lifecycle else state
        return self._states[target]

    def applies_to(self, kind) -> bool:
        return self.kinds is None or kind in self.kinds

    def paths(self, kind) -> list:
        """(matcher, concrete segments) with the macros expanded for this kind."""
        if kind not in self._paths:
            self._paths[kind] = [(m, concrete) for m, segments in self.matchers for concrete in expand(segments, kind)]
        return self._paths[kind]

    def finding(self, resource, ctx: RuleContext, state: str, matcher: dict, path: tuple, value):
        record = self.record
        fields = _Blank(key=path[-1] if path else "", value=value, kind=resource.kind, target=ctx.target,
                        deprecated=record.get("deprecated"), removed=record.get("removed"))
        message = _FORMATTER.vformat(record["message"], (), fields)
        if state == "removed" and record.get("removed"):
            message += f" (removed in {record['removed']})"
            severity = Severity.parse(record.get("removed_severity", "error"))
        else:
            severity = Severity.parse(record.get("severity", "warning"))
        keyed = "key_in" in matcher or "key_prefix" in matcher
        extra = {"deprecated_in": record.get("deprecated"), "removed_in": record.get("removed"),
                 "replacement": record.get("replacement")}
        if ctx.current is not None and (record.get("deprecated") or record.get("removed")):
            # as for API rules: does it already break on the version the cluster runs, or only on the way?
            current_state = lifecycle_state(ctx.current, record.get("deprecated"), record.get("removed"))
            extra["current_version_state"] = current_state
            if state == "removed":
                message += (f" (already breaks at {ctx.current})" if current_state == "removed" else
                            f" (still works at {ctx.current}; removed on the upgrade to {record['removed']})")
        return finding_at(resource, self.meta.id, severity, message, path, prefer_key=keyed,
                          suggestion=record.get("replacement"), extra=extra)

    def check(self, resource, ctx: RuleContext):
        """This rule alone on one resource (the engine uses FieldRuleSet, which gives the same findings)."""
        if not self.applies_to(resource.kind):
            return
        state = self.state(ctx.target)
        if state is None:
            return
        if self.unless and self.silenced(resource):
            return
        seen = set()
        for matcher, concrete in self.paths(resource.kind):
            for path, value in walk(resource.data, concrete):
                if path not in seen and _test(matcher, path, value, resource.data):
                    seen.add(path)
                    yield self.finding(resource, ctx, state, matcher, path, value)
                    if self.once:
                        return


_FORMATTER = string.Formatter()
_MATCHES = object()  # trie slot holding the (rule, state, matcher) entries that end at a node


class FieldRuleSet:
    """Every enabled FLD rule at once: their paths for a kind merged into one trie, so a resource is walked
    once instead of once per rule and matcher. Rules silent at the target are left out when compiling."""

    def __init__(self, rules: list, ctx: RuleContext):
        self.rules = rules
        self.ctx = ctx
        self._tries: dict = {}

    def _trie(self, kind):
        """The compiled trie of this kind's paths (see _compiled), or None when no rule applies."""
        if kind in self._tries:
            return self._tries[kind]
        trie: dict = {}
        for rule in self.rules:
            state = rule.state(self.ctx.target)
            if state is None or not rule.applies_to(kind):
                continue
            for matcher, concrete in rule.paths(kind):
                node = trie
                for segment in concrete:
                    node = node.setdefault(segment, {})
                node.setdefault(_MATCHES, []).append((rule, state, matcher))
        # (a path that ends at the object itself matches nothing: the walk starts below it)
        compiled = self._tries[kind] = ((),) + _compiled(trie)[1:] if trie else None
        return compiled

    def check(self, resource) -> list:
        trie = self._trie(resource.kind)
        if trie is None:
            return []
        hits: list = []
        _visit(resource.data, trie, (), hits)
        out, seen, silenced, reported = [], set(), {}, set()
        for rule, state, matcher, path, value in hits:
            rid = rule.meta.id
            if (rid, path) in seen or rid in reported or not _test(matcher, path, value, resource.data):
                continue
            if rule.unless:
                if rid not in silenced:
                    silenced[rid] = rule.silenced(resource)
                if silenced[rid]:
                    continue
            seen.add((rid, path))
            out.append(rule.finding(resource, self.ctx, state, matcher, path, value))
            if rule.once:
                reported.add(rid)
        return out


def _compiled(node: dict) -> tuple:
    """A trie node as (its matches, the steps into a mapping, the steps into a list), each step (segment,
    child) in the trie's order: a walk then tests only the steps that can apply to the value's type."""
    in_map, in_list = [], []
    for segment, child in node.items():
        if segment is _MATCHES:
            continue
        step = (segment, _compiled(child))
        (in_list if segment is ANY_ITEM or isinstance(segment, int) else in_map).append(step)
    return tuple(node.get(_MATCHES, ())), tuple(in_map), tuple(in_list)


def _visit(value, node: tuple, path: tuple, hits: list) -> None:
    """Record the matches at `node` and walk on into `value` (hits in the order of the trie)."""
    matches, in_map, in_list = node
    for rule, state, matcher in matches:
        hits.append((rule, state, matcher, path, value))
    if in_map and isinstance(value, dict):
        for segment, child in in_map:
            if segment is ANY_KEY:
                for k, v in value.items():
                    _visit(v, child, path + (k,), hits)
            elif segment in value:
                _visit(value[segment], child, path + (segment,), hits)
    elif in_list and isinstance(value, list):
        for segment, child in in_list:
            if segment is ANY_ITEM:
                for i, item in enumerate(value):
                    _visit(item, child, path + (i,), hits)
            elif segment < len(value):
                _visit(value[segment], child, path + (segment,), hits)


def field_rules() -> list:
    out = []
    for record in load_table("fields"):
        meta = _meta(record)
        compiled = FieldRule(record, meta)
        out.append(Rule(meta, compiled.check, record))
    return out
