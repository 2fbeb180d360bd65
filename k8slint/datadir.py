"""Where the shipped data lives: `rules/`, `schemas/` and the generated rule pages `docs/rules/`; and where
what is derived from it is kept between runs (the user cache directory, like .pyc files).

In a wheel they are installed inside the package (`k8slint/data/...`, see pyproject's force-include); in a
checkout or an editable install they are the top-level folders of the repository.
"""
from __future__ import annotations

import os
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


def derived_cache_dir(part: str) -> Path:
    """The folder for data derived from the shipped data (parsed rule tables, schema bundles)."""
    base = os.environ.get("XDG_CACHE_HOME")
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".cache"
    return root / "k8slint" / part


STALE_AFTER = 30 * 24 * 3600  # seconds; other installations' caches younger than this are kept


def forget_stale(current: Path, pattern: str) -> None:
    """Remove the files beside `current` matching `pattern` that no run has written for a month (old
    installs, edited data)."""
    for other in current.parent.glob(pattern):
        try:
            if other != current and other.stat().st_mtime < current.stat().st_mtime - STALE_AFTER:
                other.unlink()
        except OSError:
            pass
