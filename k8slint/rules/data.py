"""Reading the rule tables in the top-level `rules/` folder (data, never code)."""
from __future__ import annotations

from functools import lru_cache

import yaml

from ..datadir import rules_dir


@lru_cache(maxsize=None)
def load_table(name: str) -> tuple:
    """The records of `rules/<name>.yaml`, in file order. Missing file -> no records."""
    path = rules_dir() / f"{name}.yaml"
    if not path.exists():
        return ()
    with open(path, encoding="utf-8") as fh:
        records = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or []
    return tuple(records)
