"""The CEL runtime's evaluation errors in the words of the API server's runtime (cel-go).

k8slint evaluates rules with the C++ runtime, whose errors carry a status prefix and their own phrasing
(`NOT_FOUND: Key not found in map : "protocol"`); the API server answers with cel-go's text (`no such key:
protocol`), followed by " evaluating rule: " and the rule's message or, without one, its text
(ruleErrorString in apiextensions-apiserver's schema/cel validation).
"""
from __future__ import annotations

import re

_STATUS = re.compile(r"^[A-Z][A-Z_]+: ")
_REWORDED = (
    (re.compile(r'^Key not found in map\s*:\s*"?(.*?)"?$'), lambda m: f"no such key: {m.group(1)}"),
    (re.compile(r"^Index error: index=(-?\d+) size=\d+$"), lambda m: f"index out of bounds: {m.group(1)}"),
    (re.compile(r"^divide by zero$"), lambda m: "division by zero"),
)


def api_server_error(runtime_text: str) -> str:
    """cel-go's text for the error the C++ runtime describes as `runtime_text` (unknown errors: the runtime's
    own words, without the status prefix)."""
    text = _STATUS.sub("", " ".join(runtime_text.split()), count=1)
    for pattern, words in _REWORDED:
        match = pattern.match(text)
        if match:
            return words(match)
    return text


def rule_error_string(text: str, message: str | None) -> str:
    """How the API server names a rule in an evaluation error: its message, else its text, trimmed."""
    return (message or text).strip()
