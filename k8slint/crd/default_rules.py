"""The CEL rules of a CRD schema on its defaults, as the API server runs them before it accepts the CRD
(structural defaulting's ValidateDefaults): each default is a value of its node, so the node's rules and
those of the nodes below it must hold on it, as written (no further defaults applied). Transition rules
are skipped here as on create (the API server runs them once with oldSelf set to the default itself,
where the usual immutability rules hold)."""
from __future__ import annotations

from .defaults_check import defaults

_STEP = {"properties": "props", "items": "items", "additionalProperties": "additional"}


def default_rule_problems(plan, schema, schema_path: tuple) -> list:
    """[(json path in the CRD, message)]: defaults some rule of the compiled `plan` (cel.rules.RulePlan of
    the same schema) refuses."""
    if plan.root is None:
        return []
    from ..cel.rules import REASONS, RulePlan

    out = []
    for at, node in defaults(schema):
        sub = _plan_node(plan.root, at)
        if sub is None:
            continue
        local = RulePlan(sub, [], 0)
        local.feats = plan.feats
        for failure in local.check(node["default"]):
            if not failure.judged:
                continue  # not a verdict (a budget, a value CEL cannot hold)
            inside = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in failure.path).lstrip(".")
            where = f"{inside}: " if inside else ""
            out.append((tuple(schema_path) + at + ("default",),
                        f"default is not valid for its rules: {where}{REASONS[failure.reason]}: {failure.message}"))
    return out


def _plan_node(root, at: tuple):
    node, i = root, 0
    while node is not None and i < len(at):
        step = _STEP[at[i]]
        if step == "props":
            node, i = node.props.get(at[i + 1]), i + 2
        else:
            node, i = getattr(node, step), i + 1
    return node
