"""Reading the rule tables in the top-level `rules/` folder (data, never code).

Parsing the two tables as YAML costs ~20 ms, an eighth of what a pre-commit call may take; the parsed
records are therefore kept in a marshal file in the user's cache directory, keyed by the table's path, size
and modification time and by the Python version, the way Python keeps .pyc files. Any problem with the cache (no home,
read-only disk, a stale or corrupt file) just means the YAML is parsed again.
"""
from __future__ import annotations

import hashlib
import marshal
import os
import sys
from functools import lru_cache
from pathlib import Path

from ..atomic import write_bytes_atomic
from ..datadir import rules_dir


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME")
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".cache"
    return root / "k8slint" / "rules"


STALE_AFTER = 30 * 24 * 3600  # seconds; other installations' caches younger than this are kept


def _forget_stale(current: Path) -> None:
    """Remove this table's caches that no run has written for a month (old installs, edited tables)."""
    name = current.name.rsplit("-", 1)[0]
    for other in current.parent.glob(f"{name}-*.marshal"):
        try:
            if other != current and other.stat().st_mtime < current.stat().st_mtime - STALE_AFTER:
                other.unlink()
        except OSError:
            pass


@lru_cache(maxsize=None)
def load_table(name: str) -> tuple:
    """The records of `rules/<name>.yaml`, in file order. Missing file -> no records."""
    path = rules_dir() / f"{name}.yaml"
    try:
        stat = path.stat()
    except FileNotFoundError:
        return ()
    identity = f"{path.resolve()}:{stat.st_size}:{stat.st_mtime_ns}:{sys.version_info[:2]}"
    key = hashlib.sha256(identity.encode()).hexdigest()[:24]
    cached = None
    try:
        cached = _cache_dir() / f"{name}-{key}.marshal"
        return tuple(marshal.loads(cached.read_bytes()))
    except (OSError, ValueError, EOFError, TypeError, RuntimeError):
        pass
    import yaml

    data = path.read_bytes()
    records = yaml.load(data, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or []
    if cached is not None:
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            write_bytes_atomic(cached, marshal.dumps(records))
            _forget_stale(cached)
        except (OSError, ValueError):
            pass  # no cache this time
    return tuple(records)
