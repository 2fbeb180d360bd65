"""Results of earlier runs, so that a run over unchanged files (pre-commit on a large repository, lint run
again) does not parse and check them again.

An entry is found by where the file is (the working directory, its label and what about its place changes
its findings) and is used only when everything its findings depend on is the same as when it was stored:
- the file's bytes (a BLAKE2 digest),
- the schemas of the CRDs known when it was checked (other files and --crd files; see engine.map_files),
- the options, k8slint's version and its code and data (the folder name: a context fingerprint).
Anything else that could change a verdict (schemas fetched with --schema-location) turns the cache off.

Entries live in the user's cache directory ($XDG_CACHE_HOME/k8slint/results, or ~/.cache/...; or
$K8SLINT_CACHE_DIR), in a few pickle files ("shards", by where the file is) that are replaced atomically:
concurrent runs never see a half-written shard; when two write the same shard at once one run's new
entries are lost, never mixed. Only k8slint writes there, like Python's .pyc files; a shard that cannot be
read is ignored and rebuilt.
"""
from __future__ import annotations

import os
import sys
import time
from functools import lru_cache
from pathlib import Path

from . import __version__
from .datadir import rules_dir, schemas_dir
from .digests import blake2b

FORMAT = 1  # bump when the stored shape changes
SHARDS = 64
MAX_ENTRIES_PER_SHARD = 4096  # about 260,000 files; the oldest entries of a full shard go first
STALE_AFTER = 30 * 24 * 3600  # seconds; contexts (options, versions) unused for a month are removed


def cache_root() -> Path:
    explicit = os.environ.get("K8SLINT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME")
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".cache"
    return root / "k8slint" / "results"


def disabled_by_environment() -> bool:
    return os.environ.get("K8SLINT_NO_CACHE", "") not in ("", "0")


@lru_cache(maxsize=None)
def code_and_data_fingerprint() -> str:
    """Path, size and modification time of k8slint's modules (Python and compiled), rule tables and schema
    indexes (the schema definitions are named by their versions' files, which change with them)."""
    package = os.path.dirname(os.path.realpath(__file__))
    entries = _code_files(package)
    for folder in (rules_dir(), schemas_dir()):
        entries.extend(_files_in(str(folder)))
        entries.extend(_files_in(os.path.join(folder, "versions")))
    digest = blake2b(f"{__version__}:{sys.version_info[:2]}:{FORMAT}".encode(), digest_size=16)
    for path, st in entries:
        digest.update(f"{path}:{st.st_size}:{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _files_in(folder: str, suffixes: tuple | None = None) -> list:
    """(path, stat) of the entries of `folder` (with one of `suffixes`), by name; os.scandir, not pathlib's
    glob: this runs on every cached run, pre-commit's included (pathlib took 6 ms for ~200 files)."""
    try:
        with os.scandir(folder) as it:
            names = sorted((e.name, e.path) for e in it if suffixes is None or e.name.endswith(suffixes))
    except OSError:
        return []
    out = []
    for _, path in names:
        try:
            out.append((path, os.stat(path)))
        except OSError:
            continue
    return out


def _code_files(package: str) -> list:
    """Every module below `package`: .py files and compiled extensions (a rebuilt reader changes results)."""
    out = _files_in(package, (".py", ".so", ".pyd"))
    try:
        with os.scandir(package) as it:
            subfolders = sorted(e.path for e in it if e.is_dir() and e.name != "__pycache__")
    except OSError:
        return out
    for folder in subfolders:
        out.extend(_code_files(folder))
    return out


def fingerprint(value) -> str:
    """A digest of a value made of dicts, lists, strings, numbers (dict order ignored)."""
    return blake2b(repr(_canonical(value)).encode(), digest_size=16).hexdigest()


def _canonical(value):
    if isinstance(value, dict):
        return tuple(sorted(((repr(k), _canonical(v)) for k, v in value.items())))
    if isinstance(value, (list, tuple)):
        return tuple(_canonical(v) for v in value)
    return (type(value).__name__, value if isinstance(value, (str, int, float, bool, type(None))) else repr(value))


def content_digest(data: bytes) -> str:
    return blake2b(data, digest_size=20).hexdigest()


class ResultCache:
    """The stored results of one kind of job (`namespace`: "lint") under one context (options ...)."""

    def __init__(self, namespace: str, context, root: Path | None = None):
        key = fingerprint((namespace, context, code_and_data_fingerprint()))[:24]
        self.root = root or cache_root()
        self.dir = self.root / f"{namespace}-{key}"
        self.cwd = os.getcwd()
        self._shards: dict = {}
        self._new: dict = {}  # shard -> {where: entry}
        self.hits = self.misses = 0

    def where(self, label: str, *place) -> str:
        return repr((self.cwd, label, place))

    def _shard_of(self, where: str) -> int:
        return int(blake2b(where.encode(), digest_size=2).hexdigest(), 16) % SHARDS

    def _shard(self, n: int) -> dict:
        shard = self._shards.get(n)
        if shard is None:
            shard = self._shards[n] = self._read(n)
        return shard

    def _read(self, n: int) -> dict:
        import pickle  # here: a run that reads no shard (--no-cache, K8SLINT_NO_CACHE) never imports it
        try:
            with open(self.dir / f"{n:02}.pickle", "rb") as fh:
                loaded = pickle.load(fh)
            return loaded if isinstance(loaded, dict) else {}
        except Exception:  # missing, half-written by an older release, unreadable: no entries
            return {}

    def preload(self, wheres: list) -> None:
        """Read the shards these entries are in (before workers fork, so that they inherit them)."""
        for n in sorted({self._shard_of(w) for w in wheres}):
            self._shard(n)

    def has_entries(self) -> bool:
        """Did an earlier run store anything under this context (among the shards read so far)?"""
        return any(self._shards.values())

    def get(self, where: str, digest: str, state: str):
        entry = self._shard(self._shard_of(where)).get((where, state))
        if entry is not None and entry[0] == digest:
            return entry[1]
        return None

    def put(self, where: str, digest: str, state: str, value) -> None:
        self._new.setdefault(self._shard_of(where), {})[(where, state)] = (digest, value)

    def save(self) -> None:
        """Write the shards that got new entries, merged with what other runs stored meanwhile. Any
        problem (read-only disk, no home) leaves the cache as it was."""
        if not self._new:
            return
        import pickle
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            for n, entries in self._new.items():
                shard = self._read(n)  # fresh: another run may have written since we read it
                for key in entries:
                    shard.pop(key, None)  # re-inserted last: the newest entries are kept longest
                shard.update(entries)
                while len(shard) > MAX_ENTRIES_PER_SHARD:
                    del shard[next(iter(shard))]
                _replace(self.dir / f"{n:02}.pickle", pickle.dumps(shard, pickle.HIGHEST_PROTOCOL))
            self._new = {}
            os.utime(self.dir)
            self._forget_stale_contexts()
        except (OSError, pickle.PicklingError, RecursionError, TypeError, AttributeError):
            pass

    def _forget_stale_contexts(self) -> None:
        limit = time.time() - STALE_AFTER
        for other in self.root.iterdir():
            try:
                if other != self.dir and other.is_dir() and other.stat().st_mtime < limit:
                    for f in other.iterdir():
                        f.unlink()
                    other.rmdir()
            except OSError:
                pass


def _replace(path: Path, data: bytes) -> None:
    """Write a temporary file beside `path`, then rename it over `path` (no fsync: a cache file lost in a
    crash is only a miss, and a truncated one fails to load and is ignored)."""
    import tempfile
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".k8slint-tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
