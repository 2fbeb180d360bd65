"""Runs every API-server check of an object in one walk and hands each SRV rule its share.

Walking a pod spec once per rule would cost a walk per rule. The engine calls `run` once per object (each
rule's check names it as `shared_walk`) and keeps the findings of the enabled rules. Each rule's check also
works alone: the first one called for an object walks it for all of them and the others read the result (a
one-object cache: objects are checked one at a time).
"""
from __future__ import annotations

from .base import Report
from .metadata import BUILTIN_GROUPS, group_of


class Runner:
    def __init__(self, areas: list):
        self.areas = areas  # modules with RULES, KINDS (None: every kind) and walk(resource, ctx, report)
        self._by_kind: dict = {}  # (kind, built-in group) -> walks
        self._by_pair: dict = {}  # (apiVersion, kind) -> walks
        self._last = None  # (resource, ctx, findings by rule id)
        self._by_meta = None  # see _reporters

    def _walks(self, resource):
        """The walks for an object: those of every kind, and those of its kind when a built-in group serves it.
        A custom resource may reuse a built-in kind's name (Knative's serving.knative.dev Service, a Job of
        some operator): the API server judges it by its CRD, never by the built-in kind's validation."""
        pair = (resource.api_version, resource.kind)  # asked per object: remembered per pair, then per kind
        walks = self._by_pair.get(pair)
        if walks is None:
            key = (pair[1], group_of(pair[0]) in BUILTIN_GROUPS)
            walks = self._by_kind.get(key)
            if walks is None:
                kind, builtin = key
                walks = self._by_kind[key] = [a.walk for a in self.areas
                                              if a.KINDS is None or (builtin and kind in a.KINDS)]
            if len(self._by_pair) < 4096:  # the pairs come from the input: bounded
                self._by_pair[pair] = walks
        return walks

    def run(self, resource, ctx) -> list:
        """Every SRV finding of one object."""
        walks = self._walks(resource)
        if not walks:
            return []
        report = Report(resource)
        for walk in walks:
            walk(resource, ctx, report)
        return [f for found in report.by_rule.values() for f in found]

    def findings(self, resource, ctx) -> dict:
        last = self._last
        if last is not None and last[0] is resource and last[1] is ctx:
            return last[2]
        report = Report(resource)
        for walk in self._walks(resource):
            walk(resource, ctx, report)
        self._last = (resource, ctx, report.by_rule)
        return report.by_rule

    def _reporters(self) -> dict:
        """id(rule metadata) -> the areas that report it, built once: by identity, since comparing the
        metadata dataclasses field by field cost more than the rest of start-up's rule listing; one pass
        over the areas rather than one per rule (77 rules x 28 areas on every start)."""
        if self._by_meta is None:
            self._by_meta = {}
            for area in self.areas:
                for m in (*area.RULES, *getattr(area, "REPORTS", ())):
                    reporters = self._by_meta.setdefault(id(m), [])
                    if area not in reporters:
                        reporters.append(area)
        return self._by_meta

    def check_for(self, meta):
        """The engine's check for one rule; it runs on the kinds of every area that reports the rule (its own
        area and those listing it in REPORTS)."""
        rule_id = meta.id

        def check(resource, ctx):
            return self.findings(resource, ctx).get(rule_id, ())
        kinds = [a.KINDS for a in self._reporters().get(id(meta), ())]
        check.kinds = None if any(k is None for k in kinds) else frozenset().union(*kinds)
        check.__name__ = f"check_{rule_id}"
        check.shared_walk = self.run
        return check
