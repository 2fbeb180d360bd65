"""Runs every API-server check of an object in one walk and hands each SRV rule its share.

The engine calls one check per rule; walking a pod spec once per rule would cost a walk per rule, so the
first SRV rule called for an object walks it for all of them and the others read the result (a one-object
cache: the engine checks one object at a time).
"""
from __future__ import annotations

from .base import Report


class Runner:
    def __init__(self, areas: list):
        self.areas = areas  # modules with RULES, KINDS (None: every kind) and walk(resource, ctx, report)
        self._by_kind: dict = {}
        self._last = None  # (resource, ctx, findings by rule id)

    def _walks(self, kind):
        walks = self._by_kind.get(kind)
        if walks is None:
            walks = self._by_kind[kind] = [a.walk for a in self.areas if a.KINDS is None or kind in a.KINDS]
        return walks

    def findings(self, resource, ctx) -> dict:
        last = self._last
        if last is not None and last[0] is resource and last[1] is ctx:
            return last[2]
        report = Report(resource)
        for walk in self._walks(resource.kind):
            walk(resource, ctx, report)
        self._last = (resource, ctx, report.by_rule)
        return report.by_rule

    def check_for(self, area, rule_id: str):
        def check(resource, ctx):
            return self.findings(resource, ctx).get(rule_id, ())
        check.kinds = None if area.KINDS is None else frozenset(area.KINDS)
        check.__name__ = f"check_{rule_id}"
        return check
