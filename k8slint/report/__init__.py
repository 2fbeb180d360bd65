"""Output formats: one small module per format, each `render(result, **options) -> str`."""
from __future__ import annotations

import importlib

FORMATS = ("text", "json")


def render(fmt: str, result, **options) -> str:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
    module = importlib.import_module(f".{fmt}_format", __name__)
    return module.render(result, **options)
