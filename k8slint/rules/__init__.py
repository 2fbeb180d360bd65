"""The rule registry: every rule k8slint knows, with its metadata, docs and (for resource rules) its check.

Rules come from three places, listed explicitly here:
- builtin: the loader's YML rules and the validator's SCH rules (their logic lives in those modules);
- data: the deprecation and removal tables in the top-level `rules/` folder (API and FLD rules);
- logic: small Python rules under `k8slint/rules/logic/` for what data cannot express;
- apiserver: the SRV rules of `k8slint/apiserver/` (the API server's own validation), listed in its registry.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Callable

from ..model import RuleMeta, record, set_frozen
from .builtin import BUILTIN_RULES


@record(frozen=True)
class Rule:
    """A rule: its metadata, its check (resource rules) and the data record behind it (data rules)."""

    meta: RuleMeta
    # check(resource, context) -> iterable of findings; None for rules the loader or validator implement
    check: Callable | None = None
    # the data record behind a data rule (API and FLD rules), for reports and fixes
    record: dict | None = None

    def __init__(self, meta, check=None, record=None):
        set_frozen(self, "meta", meta)
        set_frozen(self, "check", check)
        set_frozen(self, "record", record)

    @property
    def id(self) -> str:
        return self.meta.id


@lru_cache(maxsize=1)
def all_rules() -> tuple:
    from ..apiserver.registry import SRV_RULES
    from .api_versions import api_version_rules
    from .fields import field_rules
    from .logic import LOGIC_RULES
    from .suppression_rule import SUPPRESSION_RULES

    from ..crd.meta import CRD_RULES

    rules = [Rule(meta) for meta in BUILTIN_RULES + CRD_RULES + SUPPRESSION_RULES]
    rules += api_version_rules()
    rules += field_rules()
    rules += LOGIC_RULES
    rules += [Rule(meta, check) for meta, check in SRV_RULES]
    seen: set = set()
    duplicates = {r.id for r in rules if r.id in seen or seen.add(r.id)}
    if duplicates:
        raise RuntimeError(f"duplicate rule ids: {sorted(duplicates)}")
    return tuple(sorted(rules, key=lambda r: (_family_order(r.id), r.id)))


def _family_order(rule_id: str) -> int:
    order = ["YML", "SCH", "SRV", "CRD", "API", "FLD", "REF", "SUP"]
    family = rule_id.rstrip("0123456789")
    return order.index(family) if family in order else len(order)


@lru_cache(maxsize=1)
def rules_by_id() -> dict:
    return {r.id: r for r in all_rules()}


def find_rule(text: str) -> Rule | None:
    """A rule by id (case-insensitive) or by name."""
    by_id = rules_by_id()
    key = text.strip()
    if key.upper() in by_id:
        return by_id[key.upper()]
    for rule in all_rules():
        if rule.meta.name == key.lower():
            return rule
    return None


def matches(rule_id: str, patterns) -> bool:
    """Does a rule id match any of the ids or id prefixes (API, API0, FLD012 ...)?"""
    return any(rule_id.startswith(p.strip().upper()) for p in patterns if p.strip())


def is_enabled(rule_id: str, select, ignore) -> bool:
    if select and not matches(rule_id, select):
        return False
    return not (ignore and matches(rule_id, ignore))


def unknown_patterns(patterns) -> list:
    """Patterns that match no rule at all (a usage error: a typo in --select would silently select nothing)."""
    ids = [r.id for r in all_rules()]
    return [p for p in patterns if p.strip() and not any(i.startswith(p.strip().upper()) for i in ids)]
