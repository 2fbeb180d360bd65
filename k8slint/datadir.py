"""Where the shipped data lives: `rules/`, `schemas/` and the generated rule pages `docs/rules/`.

In a wheel they are installed inside the package (`k8slint/data/...`, see pyproject's force-include); in a
checkout or an editable install they are the top-level folders of the repository.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@lru_cache(maxsize=None)
def data_dir(name: str) -> Path:
    for candidate in (_PACKAGE / "data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"k8slint data folder {name!r} is missing from the installation")


def rules_dir() -> Path:
    return data_dir("rules")


def schemas_dir() -> Path:
    return data_dir("schemas")


def rule_docs_dir() -> Path | None:
    """The generated rule pages (docs/rules/ID.md), or None in an installation without them."""
    try:
        return data_dir("docs/rules")
    except FileNotFoundError:
        return None
