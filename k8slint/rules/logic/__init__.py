"""Logic rules: short Python checks for what the rule tables cannot express, listed explicitly."""
from __future__ import annotations

LOGIC_RULES: list = []
