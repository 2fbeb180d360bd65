"""The CEL rules of a CRD schema on its defaults, as the API server runs them before it accepts the CRD
(structural defaulting's ValidateDefaults): each default is a value of its node, so the node's rules and
those of the nodes below it must hold on it, as written (no further defaults applied). The API server
runs them with the default as both the new and the old object, so transition rules run with oldSelf the
default itself (optionalOldSelf: an optional holding it); from 1.30 (CRD validation ratcheting on by
default) a default that passes runs once more as on create, oldSelf absent."""
from __future__ import annotations

from .defaults_check import defaults

RATCHETING = (1, 30)  # CRDValidationRatcheting beta, on by default: defaults are also checked as on create
_STEP = {"properties": "props", "items": "items", "additionalProperties": "additional"}


def default_rule_problems(plan, schema, schema_path: tuple) -> list:
    """[(json path in the CRD, message)]: defaults some rule of the compiled `plan` (cel.rules.RulePlan of
    the same schema) refuses."""
    from ..cel.rules import REASONS, build_plan, has_transition_rules

    runs = [plan]  # the default as new and old object, then (ratcheting) as on create
    if getattr(plan, "version", None) and has_transition_rules(schema):
        runs = [build_plan(schema, schema_path, plan.version, on_default=True)] + \
            ([plan] if plan.version >= RATCHETING else [])
    out = []
    for at, node in defaults(schema):
        for failure in _failures(runs, at, node["default"]):
            if not failure.judged:
                continue  # not a verdict (a budget, a value CEL cannot hold)
            inside = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in failure.path).lstrip(".")
            where = f"{inside}: " if inside else ""
            out.append((tuple(schema_path) + at + ("default",),
                        f"default is not valid for its rules: {where}{REASONS[failure.reason]}: {failure.message}"))
    return out


def _failures(runs: list, at: tuple, value) -> list:
    """The failures of the first run that finds any at this default (the API server's second run follows a
    clean first one)."""
    from ..cel.rules import RulePlan

    for run in runs:
        sub = _plan_node(run.root, at) if run.root is not None else None
        if sub is None:
            continue
        local = RulePlan(sub, [], 0)
        local.feats = run.feats
        found = local.check(value)
        if found:
            return found
    return []


def _plan_node(root, at: tuple):
    node, i = root, 0
    while node is not None and i < len(at):
        step = _STEP[at[i]]
        if step == "props":
            node, i = node.props.get(at[i + 1]), i + 2
        else:
            node, i = getattr(node, step), i + 1
    return node
