"""Kubernetes versions: parsing what users type, ordering, and the minors the schema store embeds."""
from __future__ import annotations

import json
import re
from functools import lru_cache, total_ordering

from .datadir import schemas_dir

_VERSION_TEXT = re.compile(r"^v?(\d+)\.(\d+)(?:\.(\d+))?(?:[-+].*)?$")


_PARSED: dict = {}  # text -> KubeVersion, see KubeVersion.parse (versions are never changed once made)


@total_ordering
class KubeVersion:
    """A Kubernetes minor release (1.29); patch levels are accepted on input and dropped."""

    __slots__ = ("major", "minor")

    def __init__(self, major: int, minor: int):
        self.major = major
        self.minor = minor

    @classmethod
    def parse(cls, text: str | "KubeVersion") -> "KubeVersion":
        """Accept `1.29`, `v1.29`, `1.29.3` (and `1.29.3-gke.1`); raise ValueError otherwise."""
        if isinstance(text, KubeVersion):
            return text
        # rules parse the same few record dates ("1.16", "1.25") for every object: remember each text's answer
        known = _PARSED.get(text) if isinstance(text, str) else None
        if known is not None:
            return known
        parsed = cls._parse(text)
        if isinstance(text, str) and len(_PARSED) < 4096:
            _PARSED[text] = parsed
        return parsed

    @classmethod
    def _parse(cls, text) -> "KubeVersion":
        raw = str(text).strip()
        m = _VERSION_TEXT.match(raw)
        if not m:
            raise ValueError(f"not a Kubernetes version: {text!r} (expected e.g. 1.29, v1.29 or 1.29.3)")
        major, minor = m.group(1), m.group(2)
        if not (major.isascii() and minor.isascii()):  # \d matches other scripts' digits too: not a version
            raise ValueError(f"not a Kubernetes version: {text!r}")
        return cls(int(major), int(minor))

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}"

    def __repr__(self) -> str:
        return f"KubeVersion({self})"

    def __eq__(self, other) -> bool:
        if isinstance(other, str):
            other = KubeVersion.parse(other)
        return isinstance(other, KubeVersion) and (self.major, self.minor) == (other.major, other.minor)

    def __lt__(self, other) -> bool:
        if isinstance(other, str):
            other = KubeVersion.parse(other)
        return (self.major, self.minor) < (other.major, other.minor)

    def __hash__(self) -> int:
        return hash((self.major, self.minor))

    def next(self) -> "KubeVersion":
        return KubeVersion(self.major, self.minor + 1)


@lru_cache(maxsize=1)
def embedded_index() -> dict:
    """The embedded schemas' index.json, parsed once a run: the versions here and the default schema store
    both read it (~1 ms a parse). Shared: never change it."""
    with open(schemas_dir() / "index.json", "rb") as fh:
        return json.loads(fh.read())


@lru_cache(maxsize=1)
def embedded_versions() -> tuple:
    """Every Kubernetes minor whose schema is embedded, oldest first."""
    return tuple(sorted(KubeVersion.parse(n) for n in embedded_index()["versions"]))


def newest_embedded() -> KubeVersion:
    return embedded_versions()[-1]


def resolve(text: str | None) -> KubeVersion:
    """The embedded minor a user asked for; None means the newest. Unknown minors raise ValueError."""
    if text is None:
        return newest_embedded()
    v = KubeVersion.parse(text)
    if v not in embedded_versions():
        known = embedded_versions()
        raise ValueError(f"Kubernetes {v} is not embedded (known: {known[0]} to {known[-1]})")
    return v


def version_range(start: KubeVersion, end: KubeVersion) -> list:
    """Every embedded minor from start to end, both included."""
    return [v for v in embedded_versions() if start <= v <= end]
