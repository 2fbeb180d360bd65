"""The `x-kubernetes-validations` of a CRD schema: compiled once per CRD version into a plan (which schema
nodes carry rules), then evaluated on each custom resource with `self` bound to each matching value, as
the API server does on create. Transition rules (`oldSelf`) need the stored object: skipped on create,
except with `optionalOldSelf: true`, where `oldSelf` is an empty optional as on create in the cluster.
A plan for a CRD's defaults (`on_default`) runs transition rules too, with `oldSelf` the value itself, as
the API server's ValidateDefaults passes the default as both the new and the old object."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from . import cost, literals
from .comprehensions import with_two_variable_comprehensions
from .keyedlists import has_keyed_lists
from .rule_fields import entry_problems
from .runtime_errors import api_server_error, rule_error_string
from .env import (FIRST_VERSION, CelUnavailable, CompileError, activation, check_expression,
                  compile_expression, convert_literal, features, INDEX_OF_ON_LIST, public_names, with_format_calls,
                  with_list_index_calls, with_schema_equality)

REASONS = {"FieldValueInvalid": "Invalid value", "FieldValueRequired": "Required value",
           "FieldValueForbidden": "Forbidden", "FieldValueDuplicate": "Duplicate value"}
_OLD_SELF = re.compile(r"\boldSelf\b")
_UNDECLARED = re.compile(r"(?:undeclared reference to|no matching overload for) '([\w.]+)'")
MAX_MESSAGE = 300
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# all(k, v, ...), exists(i, v, ...), transformList ...: the two-variable comprehensions of 1.33 on; a rule
# whose comprehension comprehensions.py cannot rewrite is not judged there, rather than refused
_TWO_VARIABLES = re.compile(r"\.(?:all|exists|existsOne|exists_one|transformList|transformMap|transformMapEntry)"
                            r"\(\s*[A-Za-z_]\w*\s*,\s*[A-Za-z_]\w*\s*,")


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
    convert: object = None  # the value as CEL sees it (escaped names, timestamps ...); None: unchanged
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
        # the API server's error list aggregates identical errors (same node, reason and words) into one; a
        # rule not evaluated is named in its finding, so it stays one per rule
        seen: set = set()
        return [f for f in out if (key := (f.path, f.reason, f.message, f.judged or f.rule)) not in seen
                and not seen.add(key)]


_TYPES_CACHE: dict = {}
_TYPES_CACHE_SIZE = 64


def schema_types(schema):
    """The CEL types of a schema (see types.py), built once per schema content."""
    from .types import SchemaTypes

    key = json.dumps(schema, sort_keys=True, default=str)
    types = _TYPES_CACHE.get(key)
    if types is None:
        if len(_TYPES_CACHE) >= _TYPES_CACHE_SIZE:
            _TYPES_CACHE.pop(next(iter(_TYPES_CACHE)))
        types = _TYPES_CACHE[key] = SchemaTypes(schema)
    return types


@dataclass
class _Context:
    feats: frozenset
    types: object  # SchemaTypes
    problems: list
    skipped: list
    total_cost: int = 0  # the schema's rules' estimated costs, each times how often its node can occur
    on_default: bool = False  # oldSelf is self (optionalOldSelf: an optional of self): defaults' first run


def build_plan(schema, schema_path: tuple, version: tuple, on_default: bool = False) -> RulePlan:
    """The rules of one CRD version's schema, compiled for Kubernetes `version` (major, minor); with
    `on_default`, as they run on the schema's defaults when the CRD is checked (transition rules included)."""
    if version < FIRST_VERSION:
        plan = RulePlan(None, [], 0)
    else:
        feats = features(version)
        ctx = _Context(feats, schema_types(schema) if _has_rules(schema, 0) else None, [], [0],
                       on_default=on_default)
        root = _plan(schema, tuple(schema_path), (), True, ctx, 0, 1)
        if ctx.total_cost > cost.PER_CRD_LIMIT:
            ctx.problems.append((tuple(schema_path), "x-kubernetes-validations estimated rule cost total for "
                                 "entire OpenAPIv3 schema " + cost.exceeds(ctx.total_cost, cost.PER_CRD_LIMIT)))
        plan = RulePlan(root, ctx.problems, ctx.skipped[0])
        plan.feats, plan.version = feats, version
        return plan
    plan.feats, plan.version = frozenset(), version
    return plan


def has_transition_rules(schema) -> bool:
    return bool(_OLD_SELF.search(json.dumps(schema, default=str)))


def _has_rules(node, depth: int) -> bool:
    if not isinstance(node, dict) or depth > 200:
        return False
    if node.get("x-kubernetes-validations"):
        return True
    props = node.get("properties")
    children = list(props.values()) if isinstance(props, dict) else []
    children += [node.get("items"), node.get("additionalProperties")]
    return any(_has_rules(child, depth + 1) for child in children)


def _plan(node, path: tuple, where: tuple, is_resource: bool, ctx: _Context, depth: int, occurs: int | None,
          correlatable: bool = True):
    """`occurs`: how many times this node can occur in one object (None: no schema bound); `correlatable`:
    whether an old value can be matched to this node (not inside the items of a list that is not a map list)."""
    if not isinstance(node, dict) or depth > 200:
        return None
    out = PlanNode()
    rules = node.get("x-kubernetes-validations")
    if isinstance(rules, list) and rules:
        from .values import converter

        spec = ctx.types.type_of(where)
        if spec is None:
            ctx.problems.append((path + ("x-kubernetes-validations",),
                                 "rules cannot be compiled here: CEL has no type for this node (it needs a `type`; "
                                 "x-kubernetes-preserve-unknown-fields alone, or an array without items, is not "
                                 "exposed to CEL)"))
            rules = []
        names = frozenset(_IDENTIFIER.findall(" ".join(
            str(r.get(k, "")) for r in rules if isinstance(r, dict) for k in ("rule", "messageExpression"))))
        out.convert = converter(node, names, is_resource or node.get("x-kubernetes-embedded-resource") is True)
    entries = [(i, r) for i, r in enumerate(rules if isinstance(rules, list) else ())
               if isinstance(r, dict) and isinstance(r.get("rule"), str)]
    fields = [p for i, r in entries for p in entry_problems(r, path + ("x-kubernetes-validations", i), node)]
    ctx.problems.extend(fields)
    for i, rule in [] if fields else entries:  # the API server compiles no rule of a node with such problems
        times = occurs if occurs is not None else cost.unbounded_cardinality(node)
        compiled = _compile_rule(rule, path + ("x-kubernetes-validations", i), spec, node, times, correlatable, ctx)
        if compiled is not None:
            out.rules.append(compiled)
    if len(out.rules) > 1:
        try:
            out.combined = _runnable(ctx.feats, " && ".join(f"({r.expression})" for r in out.rules), node)
        except CompileError:
            out.combined = None
    factor = cost.cardinality_factor(node)
    below = None if occurs is None or factor is None else occurs * factor
    props = node.get("properties")
    if isinstance(props, dict):
        for name, child in props.items():
            sub = _plan(child, path + ("properties", name), where + ("properties", name), False, ctx, depth + 1,
                        below, correlatable)
            if sub is not None:
                out.props[name] = sub
    for key in ("items", "additionalProperties"):
        if isinstance(node.get(key), dict):
            keeps = correlatable and (key == "additionalProperties" or node.get("x-kubernetes-list-type") == "map")
            sub = _plan(node[key], path + (key,), where + (key,), False, ctx, depth + 1, below, keeps)
            setattr(out, "items" if key == "items" else "additional", sub)
    if not (out.rules or out.props or out.items or out.additional):
        return None
    return out


def _compile_rule(spec: dict, path: tuple, self_type: tuple, node: dict, times: int, correlatable: bool,
                  ctx: _Context):
    text = spec["rule"]
    feats, problems = ctx.feats, ctx.problems
    transition = bool(_OLD_SELF.search(text))
    optional_old_self = spec.get("optionalOldSelf") is True
    if transition and ctx.on_default:
        expression = _old_self_is_self(text, optional_old_self, feats)
    elif transition and not optional_old_self:
        expression = text  # compiled to check it, never evaluated on create
    elif transition:
        expression = f"cel.bind(oldSelf, optional.none(), {text})" if "optional" in feats else text
    else:
        expression = text

    def attempt(rename):
        gives = _checked(ctx, self_type, rename(text), optional_old_self, node, path + ("rule",), times, "rule")
        return _runnable(feats, rename(expression), node), gives, rename(expression)
    try:
        program, gives, expression = _with_list_index_calls(attempt, feats)
    except _NotJudged:
        ctx.skipped[0] += 1
        return None
    except CompileError as exc:
        if _UNDECLARED.search(str(exc)) and "two_var_comprehensions" in feats and _TWO_VARIABLES.search(text):
            ctx.skipped[0] += 1  # a comprehension not rewritten: not judged rather than wrongly refused
            return None
        problems.append((path + ("rule",), f"the rule does not compile: {exc}"))
        return None
    if not _gives(ctx, gives, "bool"):
        problems.append((path + ("rule",), f"the rule must evaluate to a bool, not {gives}"))
        return None
    if transition and not correlatable:
        problems.append((path + ("rule",), "oldSelf cannot be used on the uncorrelatable portion of the schema "
                                           "(inside the items of a list that is not x-kubernetes-list-type: map)"))
    elif not transition and spec.get("optionalOldSelf") is not None:
        problems.append((path + ("optionalOldSelf",), "optionalOldSelf may not be set if oldSelf is not used in "
                                                      "the rule"))
    message_program = None
    if isinstance(spec.get("messageExpression"), str) and spec["messageExpression"].strip():
        def attempt_message(rename):
            text = rename(spec["messageExpression"])
            if transition and ctx.on_default:
                text = _old_self_is_self(text, optional_old_self, feats)
            gives = _checked(ctx, self_type, text, optional_old_self, node, path + ("messageExpression",), times,
                             "messageExpression")
            return _runnable(feats, text, node), gives

        try:
            message_program, gives = _with_list_index_calls(attempt_message, feats)
            if not _gives(ctx, gives, "string"):
                problems.append((path + ("messageExpression",),
                                 f"messageExpression must evaluate to a string, not {gives}"))
        except _NotJudged:
            message_program = None  # not judged: the rule's message stands in
        except CompileError as exc:
            problems.append((path + ("messageExpression",), f"messageExpression does not compile: {exc}"))
    if transition and not optional_old_self and not ctx.on_default:
        ctx.skipped[0] += 1
        return None
    reason = spec.get("reason") if spec.get("reason") in REASONS else "FieldValueInvalid"
    field_path = parse_field_path(spec.get("fieldPath")) if isinstance(spec.get("fieldPath"), str) else ()
    message = spec.get("message") if isinstance(spec.get("message"), str) and spec["message"].strip() else None
    return CompiledRule(text, program, expression, message, message_program, reason, field_path or ())


def _old_self_is_self(text: str, optional_old_self: bool, feats: frozenset) -> str:
    old = "optional.of(self)" if optional_old_self and "optional" in feats else "self"
    return f"cel.bind(oldSelf, {old}, {text})"


class _NotJudged(Exception):
    """The expression type-checks as the API server checks it, but the evaluating environment cannot run
    it: string() of an IP or CIDR (its values are maps there, and the standard string() takes no further
    overload), `!= null` on a library value, a string's indexOf with an offset beside a list's ..."""


class _NotRunnable(CompileError):
    """The expression type-checks but the evaluating environment cannot compile it."""


def _runnable(feats: frozenset, expression: str, node: dict):
    """The program the rule runs as, with `==`, `!=` and `+` on set and map lists as the API server has them
    (keyedlists.py)."""
    try:
        program = compile_expression(feats, expression)
    except CompileError as exc:
        raise _NotRunnable(str(exc)) from None
    if any(op in expression for op in ("==", "!=", "+")) and has_keyed_lists(node):
        program = with_schema_equality(feats, program, node)
    return program


def _with_list_index_calls(attempt, feats: frozenset):
    """attempt(rename), renaming the format library's calls where the version has it; when the checker
    says indexOf/lastIndexOf was called on a list, again with k8slint's names for them too (the Kubernetes
    lists library's functions, which the strings extension's shadow in this runtime). The typed environment
    declares every overload under those names, so a rule it refuses then is refused; one only the evaluating
    environment cannot take (a string's indexOf with an offset beside a list's) is not judged."""
    def rename(text):
        if "two_var_comprehensions" in feats or "lists_v3" in feats:
            text = with_two_variable_comprehensions(text)
        return with_format_calls(text) if "format" in feats else text
    try:
        return attempt(rename)
    except _NotRunnable:
        raise _NotJudged() from None
    except CompileError as exc:
        if not INDEX_OF_ON_LIST.search(str(exc)):
            raise CompileError(public_names(str(exc))) from None
    try:
        return attempt(lambda text: with_list_index_calls(rename(text)))
    except _NotRunnable:
        raise _NotJudged() from None
    except CompileError as exc:
        raise CompileError(public_names(str(exc))) from None


def _checked(ctx: _Context, self_type: tuple, expression: str, optional_old_self: bool, node: dict,
             path: tuple, times: int, what: str) -> str:
    """The type an expression gives with `self` typed from the schema, as the API server checks it when the
    CRD is created (a field the schema does not declare, a string function on an integer, int == string
    are compile errors there); CompileError when it does not check. Its estimated cost is reported when it
    exceeds the API server's limit, and added to the schema's total."""
    try:
        gives, bound, serialized = check_expression(ctx.feats, ctx.types, self_type, expression, optional_old_self)
    except CelUnavailable:  # pragma: no cover - no descriptors for this schema: the rules run unchecked
        ctx.types.exact = False
        return "dyn"
    try:
        mismatch = literals.mixed_literal(serialized)
    except (ValueError, IndexError):  # pragma: no cover - a serialization this reader does not know
        mismatch = None
    if mismatch:
        raise CompileError(mismatch)
    if "literal_validators" in ctx.feats:
        try:
            invalid = literals.invalid_literal_argument(serialized, lambda f, t: convert_literal(ctx.feats, f, t))
        except (ValueError, IndexError):  # pragma: no cover - a serialization this reader does not know
            invalid = None
        if invalid:
            raise CompileError(invalid)
    try:
        estimated = cost.estimate(cost.checked_expression(serialized), {bound: node})
    except (ValueError, IndexError):  # pragma: no cover - a serialization this reader does not know
        estimated = 0
    # the API server weighs each expression by how often its node can occur, for its own limit as well
    if estimated * times > cost.PER_RULE_LIMIT:
        ctx.problems.append((path, f"estimated {what} cost "
                                   f"{cost.exceeds(estimated * times, cost.PER_RULE_LIMIT)}"))
    ctx.total_cost += estimated * times
    return gives


def _gives(ctx: _Context, gives: str, wanted: str) -> bool:
    # dyn is what the API server refuses too, unless our types fell back to dyn where it has a real type
    return gives == wanted or (gives == "dyn" and not ctx.types.exact)


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
        _run_rules(node, value if node.convert is None else node.convert(value), path, feats, out)
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
        elif kind == "error":  # field.Invalid at the rule's node: its fieldPath and reason are for false
            detail = api_server_error(public_names(str(result.value())))
            out.append(Failure(path, _short(f"{detail} evaluating rule: {rule_error_string(rule.text, rule.message)}"),
                               "FieldValueInvalid", rule.text))
        else:
            out.append(Failure(path + rule.field_path, f"error evaluating rule: the rule gave {kind}, not a boolean",
                               rule.reason, rule.text))


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
