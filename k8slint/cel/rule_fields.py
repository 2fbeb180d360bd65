"""What the API server checks in the fields of an `x-kubernetes-validations` entry before it compiles the
rule: a rule, a message without line breaks (and one at all when the rule has them), no empty
messageExpression or fieldPath, a supported reason, and a fieldPath that names a field of the schema."""
from __future__ import annotations

import re

REASONS = ("FieldValueInvalid", "FieldValueForbidden", "FieldValueRequired", "FieldValueDuplicate")
_STEP = re.compile(r"\.([^.\[\]]+)|\['((?:[^'\\]|\\.)*)'\]")


def entry_problems(entry: dict, path: tuple, node: dict) -> list:
    """[(json path, message)] for one entry of a node's x-kubernetes-validations."""
    out = []
    rule = entry.get("rule") if isinstance(entry.get("rule"), str) else ""
    message = entry.get("message")
    if not rule.strip():
        out.append((path + ("rule",), "rule is not specified"))
    elif isinstance(message, str) and message and not message.strip():
        out.append((path + ("message",), "message must be non-empty if specified"))
    elif isinstance(message, str) and "\n" in message.strip():
        out.append((path + ("message",), "message must not contain line breaks"))
    elif "\n" in rule.strip() and not (isinstance(message, str) and message.strip()):
        out.append((path + ("message",), "message must be specified if rule contains line breaks"))
    expression = entry.get("messageExpression")
    if isinstance(expression, str) and expression and not expression.strip():
        out.append((path + ("messageExpression",), "messageExpression must be non-empty if specified"))
    reason = entry.get("reason")
    if reason is not None and reason not in REASONS:
        out.append((path + ("reason",), f"reason {reason!r} is not supported (one of {', '.join(REASONS)})"))
    field_path = entry.get("fieldPath")
    if isinstance(field_path, str) and field_path:
        if not field_path.strip():
            out.append((path + ("fieldPath",), "fieldPath must be non-empty if specified"))
        elif "\n" in field_path:
            out.append((path + ("fieldPath",), "fieldPath must not contain line breaks"))
        elif not path_valid(node, field_path):
            out.append((path + ("fieldPath",), f"fieldPath {field_path!r} must be a valid path (`.field` or "
                                               "`['key']` steps through the schema's properties and maps)"))
    return out


def path_valid(node, text: str) -> bool:
    """Does `.a['b'].c` lead from this schema node through properties (or map keys) as the API server
    reads it? (No list indexes: `[0]` is not a valid step.)"""
    pos = 0
    while pos < len(text):
        match = _STEP.match(text, pos)
        if not match or not isinstance(node, dict):
            return False
        name = match.group(1) if match.group(1) is not None else re.sub(r"\\(.)", r"\1", match.group(2))
        if isinstance(node.get("properties"), dict):
            node = node["properties"].get(name)
            if node is None:
                return False
        elif isinstance(node.get("additionalProperties"), dict):
            node = node["additionalProperties"]
        else:
            return False
        pos = match.end()
    return True
