"""The `x-kubernetes-validations` of a CRD schema: compiled once per CRD version into a plan (which schema
nodes carry rules), then evaluated on each custom resource with `self` bound to each matching value, as
the API server does on create. Transition rules (`oldSelf`) need the stored object: skipped on create,
except with `optionalOldSelf: true`, where `oldSelf` is an empty optional as on create in the cluster."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .env import FIRST_VERSION, NOT_PROVIDED, CompileError, activation, compile_expression, features

REASONS = {"FieldValueInvalid": "Invalid value", "FieldValueRequired": "Required value",
           "FieldValueForbidden": "Forbidden", "FieldValueDuplicate": "Duplicate value"}
_OLD_SELF = re.compile(r"\boldSelf\b")
_UNDECLARED = re.compile(r"(?:undeclared reference to|no matching overload for) '([\w.]+)'")
MAX_MESSAGE = 300


@dataclass
class CompiledRule:
    text: str
    program: object
    expression: str
    message: str | None
    message_program: object | None
    reason: str
    field_path: tuple


@dataclass
class PlanNode:
    rules: list = field(default_factory=list)
    combined: object = None  # all rules in one program (`r1 && r2 ...`): one evaluation when all hold
    props: dict = field(default_factory=dict)
    items: "PlanNode | None" = None
    additional: "PlanNode | None" = None


@dataclass
class Failure:
    """A rule that rejects a value: where (JSON path in the object), the API server's message, why."""

    path: tuple
    message: str
    reason: str
    rule: str
    judged: bool = True  # False: could not be evaluated within the budget (not a verdict)


@dataclass
class RulePlan:
    root: PlanNode | None
    problems: list  # (json path in the CRD, message): rules the API server would refuse to compile
    skipped: int  # transition rules and rules calling functions k8slint does not provide

    def check(self, obj) -> list:
        out: list = []
        if self.root is not None:
            _evaluate(self.root, obj, (), self.feats, out)
        return out


def build_plan(schema, schema_path: tuple, version: tuple) -> RulePlan:
    """The rules of one CRD version's schema, compiled for Kubernetes `version` (major, minor)."""
    if version < FIRST_VERSION:
        plan = RulePlan(None, [], 0)
    else:
        feats = features(version)
        problems: list = []
        counter = [0]
        root = _plan(schema, tuple(schema_path), feats, problems, counter, 0)
        plan = RulePlan(root, problems, counter[0])
        plan.feats = feats
        return plan
    plan.feats = frozenset()
    return plan


def _plan(node, path: tuple, feats, problems: list, skipped: list, depth: int):
    if not isinstance(node, dict) or depth > 200:
        return None
    out = PlanNode()
    rules = node.get("x-kubernetes-validations")
    for i, spec in enumerate(rules if isinstance(rules, list) else ()):
        if not isinstance(spec, dict) or not isinstance(spec.get("rule"), str):
            continue
        compiled = _compile_rule(spec, path + ("x-kubernetes-validations", i), feats, problems, skipped)
        if compiled is not None:
            out.rules.append(compiled)
    if len(out.rules) > 1:
        try:
            out.combined = compile_expression(feats, " && ".join(f"({r.expression})" for r in out.rules))
        except CompileError:
            out.combined = None
    props = node.get("properties")
    if isinstance(props, dict):
        for name, child in props.items():
            sub = _plan(child, path + ("properties", name), feats, problems, skipped, depth + 1)
            if sub is not None:
                out.props[name] = sub
    if isinstance(node.get("items"), dict):
        out.items = _plan(node["items"], path + ("items",), feats, problems, skipped, depth + 1)
    if isinstance(node.get("additionalProperties"), dict):
        out.additional = _plan(node["additionalProperties"], path + ("additionalProperties",), feats, problems,
                               skipped, depth + 1)
    if not (out.rules or out.props or out.items or out.additional):
        return None
    return out


def _compile_rule(spec: dict, path: tuple, feats, problems: list, skipped: list):
    text = spec["rule"]
    transition = bool(_OLD_SELF.search(text))
    if transition and spec.get("optionalOldSelf") is not True:
        expression = text  # compiled to check it, never evaluated on create
    elif transition:
        expression = f"cel.bind(oldSelf, optional.none(), {text})" if "optional" in feats else text
    else:
        expression = text
    try:
        program = compile_expression(feats, expression)
    except CompileError as exc:
        missing = _UNDECLARED.findall(str(exc))
        if missing and any(name.split(".")[0] in NOT_PROVIDED for name in missing):
            skipped[0] += 1  # a library k8slint does not provide: not judged rather than wrongly refused
            return None
        problems.append((path + ("rule",), f"the rule does not compile: {exc}"))
        return None
    message_program = None
    if isinstance(spec.get("messageExpression"), str) and spec["messageExpression"].strip():
        try:
            message_program = compile_expression(feats, spec["messageExpression"])
        except CompileError as exc:
            problems.append((path + ("messageExpression",), f"messageExpression does not compile: {exc}"))
    if transition and spec.get("optionalOldSelf") is not True:
        skipped[0] += 1
        return None
    reason = spec.get("reason") if spec.get("reason") in REASONS else "FieldValueInvalid"
    field_path = parse_field_path(spec.get("fieldPath")) if isinstance(spec.get("fieldPath"), str) else ()
    message = spec.get("message") if isinstance(spec.get("message"), str) and spec["message"].strip() else None
    return CompiledRule(text, program, expression, message, message_program, reason, field_path or ())


_FIELD_PATH = re.compile(r"\.([A-Za-z_][\w-]*)|\['((?:[^'\\]|\\.)*)'\]|\[(\d+)\]")


def parse_field_path(text: str) -> tuple | None:
    """`.spec.ports['http'][0]` -> ("spec", "ports", "http", 0); None when it is not such a path."""
    out, pos = [], 0
    text = text.strip()
    while pos < len(text):
        match = _FIELD_PATH.match(text, pos)
        if not match:
            return None
        name, key, index = match.groups()
        out.append(name if name is not None else key if key is not None else int(index))
        pos = match.end()
    return tuple(out)


def _evaluate(node: PlanNode, value, path: tuple, feats, out: list) -> None:
    if value is None:
        return
    if node.rules:
        _run_rules(node, value, path, feats, out)
    if node.props and isinstance(value, dict):
        for name, child in node.props.items():
            if name in value:
                _evaluate(child, value[name], path + (name,), feats, out)
    if node.items is not None and isinstance(value, list):
        for i, item in enumerate(value):
            _evaluate(node.items, item, path + (i,), feats, out)
    if node.additional is not None and isinstance(value, dict):
        for key, item in value.items():
            _evaluate(node.additional, item, path + (key,), feats, out)


def _run_rules(node: PlanNode, value, path: tuple, feats, out: list) -> None:
    rules = node.rules
    try:
        act = activation(feats, value)
        if node.combined is not None:
            result = node.combined.eval(act)
            if result.type().name().lower() == "bool" and result.value() is True:
                return  # every rule holds; otherwise each is evaluated alone to say which does not
    except Exception as exc:  # noqa: BLE001 - a value CEL cannot hold (an integer beyond 64 bits ...)
        for rule in rules:
            out.append(Failure(path, f"the value cannot be given to CEL ({_short(str(exc))})", rule.reason,
                               rule.text, judged=False))
        return
    for rule in rules:
        try:
            result = rule.program.eval(act)
        except Exception as exc:  # noqa: BLE001 - the runtime stops a rule past its iteration budget
            out.append(Failure(path, f"not evaluated: {_short(str(exc))}", rule.reason, rule.text, judged=False))
            continue
        kind = result.type().name().lower()
        if kind == "bool":
            if result.value() is True:
                continue
            out.append(Failure(path + rule.field_path, _message(rule, act), rule.reason, rule.text))
        else:
            detail = str(result.value()) if kind == "error" else f"the rule gave {kind}, not a boolean"
            out.append(Failure(path + rule.field_path, f"error evaluating rule: {_short(detail)}", rule.reason,
                               rule.text))


def _message(rule: CompiledRule, act) -> str:
    if rule.message_program is not None:
        try:
            result = rule.message_program.eval(act)
            if result.type().name().lower() == "string":
                text = result.value()
                if text.strip() and "\n" not in text:
                    return _short(text)
        except Exception:  # noqa: BLE001 - the API server falls back to message on any failure
            pass
    if rule.message:
        return rule.message
    return f"failed rule: {_short(rule.text)}"


def _short(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= MAX_MESSAGE else text[:MAX_MESSAGE - 3] + "..."
