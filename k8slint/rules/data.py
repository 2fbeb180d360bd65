"""Reading the rule tables in the top-level `rules/` folder (data, never code).

Parsing the two tables as YAML costs ~20 ms, an eighth of what a pre-commit call may take; the parsed
records are therefore kept in a marshal file in the user's cache directory, keyed by the table's path, size
and modification time and by the Python version, the way Python keeps .pyc files. Any problem with the cache (no home,
read-only disk, a stale or corrupt file) just means the YAML is parsed again.
"""
from __future__ import annotations

import marshal
import sys
from functools import lru_cache

from ..datadir import derived_cache_dir, forget_stale, rules_dir
from ..digests import sha256


@lru_cache(maxsize=None)
def load_table(name: str) -> tuple:
    """The records of `rules/<name>.yaml`, in file order. Missing file -> no records."""
    path = rules_dir() / f"{name}.yaml"
    try:
        stat = path.stat()
    except FileNotFoundError:
        return ()
    identity = f"{path.resolve()}:{stat.st_size}:{stat.st_mtime_ns}:{sys.version_info[:2]}"
    key = sha256(identity.encode()).hexdigest()[:24]
    cached = None
    try:
        cached = derived_cache_dir("rules") / f"{name}-{key}.marshal"
        return tuple(marshal.loads(cached.read_bytes()))
    except (OSError, ValueError, EOFError, TypeError, RuntimeError):
        pass
    import yaml

    data = path.read_bytes()
    records = yaml.load(data, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or []
    if cached is not None:
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            from ..atomic import write_bytes_atomic  # only when the cache is written: most runs read it
            write_bytes_atomic(cached, marshal.dumps(records))
            forget_stale(cached, f"{name}-*.marshal")
        except (OSError, ValueError):
            pass  # no cache this time
    return tuple(records)
