"""`k8slint report`: what an upgrade from one Kubernetes version to another does to a set of manifests.

- `lifecycle`: the path's versions and the state (served, deprecated, removed ...) of an API at each;
- `analyse`: one lint pass at the target, each finding given to its object and placed on the path, fixes
  planned (and migrations made in memory) by the fixer, schema validity at the target;
- `model`: the report (objects, hops, API lifecycles, summary); its `as_dict()` is the JSON format;
- one module per output format: `text_format`, `markdown_format`, `html_format`, `json_format`.
"""
from __future__ import annotations

import importlib

FORMATS = ("text", "markdown", "html", "json")


def render(fmt: str, report, **options) -> str:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
    module = importlib.import_module(f".{fmt}_format", __name__)
    return module.render(report, **options)
