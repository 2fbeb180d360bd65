"""The embedded Kubernetes schemas: which kinds each minor serves, and validation-ready JSON Schema bundles.

The data under `schemas/` (built by tools/build_schemas.py, described in schemas/README.md) is stored once per
distinct definition and loaded lazily: a lookup reads `index.json`, a bundle for one minor reads
`versions/<minor>.json` and the `defs/<name>.json` files reachable from the requested kind, nothing else.

Stored definitions use a canonical dialect without nullability or strictness. `bundle()` applies both:

* null is accepted by every typed node, as the API server treats an explicit null like an absent field,
  except where the node is the value of a required property (there null is as good as missing);
* strict bundles add `additionalProperties: false` to every object node that lists `properties` and is not
  marked `x-kubernetes-preserve-unknown-fields` -- the structs whose unknown fields
  `kubectl --validate=strict` rejects. Maps (`additionalProperties: {...}`) and open objects stay open.
"""
from __future__ import annotations

import copy
import json
import marshal
import sys
import threading
from functools import lru_cache
from pathlib import Path

from .datadir import derived_cache_dir, forget_stale, schemas_dir
from .digests import sha256
from .versions import KubeVersion, embedded_index

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
_DEFS_PREFIX = "#/$defs/"
_PRESERVE = "x-kubernetes-preserve-unknown-fields"


def _ref_target(ref: str) -> str:
    return ref[len(_DEFS_PREFIX):] if ref.startswith(_DEFS_PREFIX) else ref.rsplit("/", 1)[-1]


class SchemaStore:
    """Read access to one schemas/ folder; every loaded file and built bundle is cached on the instance."""

    def __init__(self, root: Path | None = None):
        self._root = Path(root) if root is not None else schemas_dir()
        self._lock = threading.RLock()
        self._index: dict | None = None
        self._versions: tuple | None = None
        self._version_maps: dict = {}  # "1.30" -> {definition name: content hash}
        self._def_files: dict = {}  # definition name -> {content hash: canonical definition}
        self._kinds: dict = {}  # "1.30" -> [(apiVersion, kind)]
        self._serving: dict = {}  # (apiVersion, kind) -> the minors serving it, oldest first
        self._bundles: dict = {}  # (minor, apiVersion, kind, strict) -> bundle
        self._reached: dict = {}  # minor -> {definition name: canonical definition}, from stored closures
        self._closures: set = set()
        self._minors: dict = {}  # "v1.30.2", "1.30" or (1, 30) -> "1.30", once checked  # (minor, root definition) whose closure is in _reached

    # ------------------------------------------------------------------------------------ loading

    def _read(self, relative: str):
        if relative == "index.json" and self._root == schemas_dir():
            return embedded_index()  # parsed once a run: the versions read it too
        with open(self._root / relative, "rb") as fh:
            return json.loads(fh.read())

    def _load_index(self) -> dict:
        if self._index is None:
            with self._lock:
                if self._index is None:
                    index = self._read("index.json")
                    if index.get("format") != 1:
                        raise ValueError(f"{self._root}/index.json: unsupported format {index.get('format')!r}")
                    self._versions = tuple(sorted(KubeVersion.parse(v) for v in index["versions"]))
                    self._index = index
        return self._index

    def _minor(self, version) -> str:
        """'1.30', 'v1.30.2' or a KubeVersion -> '1.30', checked against the embedded minors."""
        # asked once per definition read (~115 for a Deployment): remember the answer, the check is not free
        key = (version.major, version.minor) if isinstance(version, KubeVersion) else version
        found = self._minors.get(key) if isinstance(key, (str, tuple)) else None
        if found is None:
            v = KubeVersion.parse(version)
            self._load_index()
            if v not in self._versions:
                raise ValueError(f"Kubernetes {v} is not embedded (known: {self._versions[0]} to {self._versions[-1]})")
            found = str(v)
            if isinstance(key, (str, tuple)):
                self._minors[key] = found
        return found

    def _version_map(self, minor: str) -> dict:
        mapping = self._version_maps.get(minor)
        if mapping is None:
            with self._lock:
                mapping = self._version_maps.get(minor)
                if mapping is None:
                    mapping = self._read(f"versions/{minor}.json")
                    self._version_maps[minor] = mapping
        return mapping

    def _def(self, minor: str, name: str) -> dict | None:
        """The shared (do not mutate) canonical definition `name` of `minor`, or None if it has none."""
        content = self._version_map(minor).get(name)
        if content is None:
            return None
        reached = self._reached.get(minor)
        if reached is not None and name in reached:
            return reached[name]
        variants = self._def_files.get(name)
        if variants is None:
            with self._lock:
                variants = self._def_files.get(name)
                if variants is None:
                    variants = self._read(f"defs/{name}.json")
                    self._def_files[name] = variants
        return variants[content]

    # ------------------------------------------------------------------------------------ lookups

    def versions(self) -> tuple:
        self._load_index()
        return self._versions

    def definition_name(self, version, api_version: str, kind: str) -> str | None:
        minor = self._minor(version)
        for name, minors in self._load_index()["kinds"].get(api_version, {}).get(kind, ()):
            if minor in minors:
                self._reach(minor, name)
                return name
        return None

    def _reach(self, minor: str, root: str) -> None:
        """Load every definition `root` reaches in `minor` from one stored file: readers that walk a kind's
        definitions (list keys, bundles) would otherwise parse ~115 JSON files for a Deployment (~10 ms of
        a one-file run). The stored copy is keyed like a bundle; a name it lacks is simply read from defs/."""
        if (minor, root) in self._closures:
            return
        stored = self._stored_bundle((minor, root), "closures")
        closure = stored.read()
        if closure is None:
            closure = {"$defs": self._closure(minor, root)}
            stored.write(closure)
        with self._lock:
            self._reached.setdefault(minor, {}).update(closure["$defs"])
            self._closures.add((minor, root))

    def _closure(self, minor: str, root: str) -> dict:
        found: dict = {}
        todo = [root]
        while todo:
            name = todo.pop()
            if name in found:
                continue
            definition = self._def(minor, name)
            if definition is None:
                continue
            found[name] = definition
            nodes = [definition]
            while nodes:
                node = nodes.pop()
                if isinstance(node, dict):
                    ref = node.get("$ref")
                    if isinstance(ref, str):
                        todo.append(_ref_target(ref))
                    nodes.extend(node.values())
                elif isinstance(node, list):
                    nodes.extend(node)
        return found

    def versions_serving(self, api_version: str, kind: str) -> list:
        """Every embedded minor whose schema has apiVersion/kind, oldest first."""
        # asked for every object by several rules: the index never changes, so remember each pair's answer
        key = (api_version, kind)
        cached = self._serving.get(key)
        if cached is None:
            found = set()
            for _name, minors in self._load_index()["kinds"].get(api_version, {}).get(kind, ()):
                found.update(minors)
            cached = self._serving[key] = tuple(sorted(KubeVersion.parse(m) for m in found))
        return list(cached)

    def api_groups(self) -> frozenset:
        """Every API group some embedded version serves ("" is the core group): groups no CRD can define."""
        return frozenset(av.rsplit("/", 1)[0] if "/" in av else "" for av in self._load_index()["kinds"])

    def kinds(self, version) -> list:
        """(apiVersion, kind) pairs present in that minor, sorted."""
        minor = self._minor(version)
        cached = self._kinds.get(minor)
        if cached is None:
            # every minor's pairs in one pass over the index: the rules ask for all of them (windows'
            # known pairs), and one pass per minor went over the whole index thirty times
            by_minor: dict = {}
            for api_version, by_kind in self._load_index()["kinds"].items():
                for kind, entries in by_kind.items():
                    for _name, minors in entries:
                        for m in minors:
                            by_minor.setdefault(m, set()).add((api_version, kind))
            for m, pairs in by_minor.items():
                self._kinds.setdefault(m, sorted(pairs))
            cached = self._kinds.setdefault(minor, [])
        return list(cached)

    def definition(self, version, name: str, shared: bool = False) -> dict:
        """A copy of the canonical (stored) definition `name` of that minor; KeyError when it has none.
        `shared`: the store's own object, for readers that never change it (no copy to pay for)."""
        minor = self._minor(version)
        found = self._def(minor, name)
        if found is None:
            raise KeyError(f"Kubernetes {minor} has no definition {name!r}")
        return found if shared else copy.deepcopy(found)

    # ------------------------------------------------------------------------------------ bundles

    def bundle(self, version, api_version: str, kind: str, strict: bool) -> dict | None:
        """A self-contained draft 2020-12 schema for apiVersion/kind in that minor, integer fields bounded by
        their Go types (intranges); None if it has no such kind.

        The result is cached and shared: treat it as read-only.
        """
        minor = self._minor(version)
        key = (minor, api_version, kind, bool(strict))
        cached = self._bundles.get(key)
        if cached is not None:
            return cached
        root = self.definition_name(minor, api_version, kind)
        if root is None:
            return None
        stored = self._stored_bundle(key)
        bundle = stored.read()
        if bundle is None:
            # with the Go integer types' bounds (intranges): applied once, when the bundle is built and stored
            from .intranges import with_integer_ranges
            bundle = with_integer_ranges(self._build_bundle(minor, root, bool(strict)))
            stored.write(bundle)
        with self._lock:
            return self._bundles.setdefault(key, bundle)

    def _build_bundle(self, minor: str, root: str, strict: bool) -> dict:
        defs: dict = {}
        todo = [root]
        while todo:
            name = todo.pop()
            if name in defs:
                continue
            definition = self._def(minor, name)
            if definition is None:  # a dangling reference in the data: accept anything there
                defs[name] = {}
                continue
            refs: set = set()
            defs[name] = _Preparer(self, minor, strict, refs).node(definition, required=False)
            todo.extend(r for r in refs if r not in defs)
        return {
            "$schema": SCHEMA_DIALECT,
            "$ref": _DEFS_PREFIX + root,
            "type": "object",
            "$defs": dict(sorted(defs.items())),
        }

    def _stored_bundle(self, key: tuple, part: str = "bundles") -> "_StoredBundle":
        """Where a built bundle is kept between runs. Building one reads and prepares every definition the
        kind reaches (~20 ms for a Deployment, most of a one-file run's validation); the stored copy is
        keyed, like a .pyc file, by the data it was built from (the index and the minor's version map,
        whose content hashes change with any definition), by this module (the preparation) and by Python."""
        parts = [str(self._root.resolve()), repr(key), sys.version]
        for path in (self._root / "index.json", self._root / "versions" / f"{key[0]}.json", Path(__file__),
                     Path(__file__).with_name("intranges.py")):
            try:
                st = path.stat()
            except OSError:
                return _StoredBundle(None)
            parts.append(f"{st.st_size}:{st.st_mtime_ns}")
        name = sha256(repr(key).encode()).hexdigest()[:16]
        identity = sha256("\n".join(parts).encode()).hexdigest()[:24]
        try:
            return _StoredBundle(derived_cache_dir(part) / f"{key[0]}-{name}-{identity}.marshal")
        except RuntimeError:  # no home directory
            return _StoredBundle(None)

    # ------------------------------------------------------------------------------------ descriptions

    def _follow(self, minor: str, node: dict) -> dict:
        seen = set()
        while isinstance(node, dict) and "$ref" in node:
            name = _ref_target(node["$ref"])
            if name in seen:
                break
            seen.add(name)
            target = self._def(minor, name)
            if target is None:
                return {}
            node = target
        return node

    def field_description(self, version, api_version: str, kind: str, json_path: tuple) -> str | None:
        """The description of the field at json_path ((), ("spec", "replicas"), ("spec", "containers", 0)).

        A property's own text wins over its type's; an array element or map entry without text of its own
        gets the text of the array or map field. None when the path is not in the schema.
        """
        minor = self._minor(version)
        root = self.definition_name(minor, api_version, kind)
        if root is None:
            return None
        node = self._def(minor, root)
        description = node.get("description") if node else None
        for part in json_path:
            target = self._follow(minor, node)
            declared = False
            child = None
            if isinstance(part, int):
                child = target.get("items")
            else:
                props = target.get("properties") or {}
                if part in props:
                    child, declared = props[part], True
                elif isinstance(target.get("additionalProperties"), dict):
                    child = target["additionalProperties"]
            if not isinstance(child, dict):
                return None
            own = child.get("description")
            if not own and "$ref" in child:
                own = self._follow(minor, child).get("description")
            if own:
                description = own
            elif declared:
                description = None  # a declared property without any text
            node = child
        return description or None


class _Preparer:
    """Turns one canonical definition into its bundle form (nullability, strictness), noting references."""

    __slots__ = ("store", "minor", "strict", "refs")

    def __init__(self, store: SchemaStore, minor: str, strict: bool, refs: set):
        self.store = store
        self.minor = minor
        self.strict = strict
        self.refs = refs

    def node(self, node: dict, required: bool) -> dict:
        out = {}
        for key, value in node.items():
            if key == "properties":
                req = node.get("required") or ()
                out[key] = {p: self.node(s, p in req) for p, s in value.items()}
            elif key in ("items", "additionalProperties", "not") and isinstance(value, dict):
                out[key] = self.node(value, False)
            elif key in ("anyOf", "oneOf", "allOf"):
                out[key] = [self.node(v, True) for v in value]  # null is handled once, below
            else:
                out[key] = value
        ref = node.get("$ref")
        if ref is not None:
            target_name = _ref_target(ref)
            self.refs.add(target_name)
            if required:  # the target accepts null; a required property must not be null
                target = self.store._def(self.minor, target_name)
                if target and "type" in target:
                    out["type"] = target["type"]
        elif not required:
            if "type" in out:
                types = out["type"]
                out["type"] = [types, "null"] if isinstance(types, str) else [*types, "null"]
                if "enum" in out:
                    out["enum"] = [*out["enum"], None]
            elif "anyOf" in out or "oneOf" in out:
                out = {"anyOf": [{"type": "null"}, out]}
        if (self.strict and "properties" in node and "additionalProperties" not in node
                and node.get(_PRESERVE) is not True):
            out["additionalProperties"] = False
        return out


class _StoredBundle:
    """A bundle file in the user cache; any problem with it (none yet, corrupt, read-only disk, no home)
    only means the bundle is built here."""

    def __init__(self, path: Path | None):
        self.path = path

    def read(self) -> dict | None:
        if self.path is None:
            return None
        try:
            bundle = marshal.loads(self.path.read_bytes())
        except (OSError, ValueError, EOFError, TypeError):
            return None
        return bundle if isinstance(bundle, dict) and "$defs" in bundle else None

    def write(self, bundle: dict) -> None:
        if self.path is None:
            return
        from .atomic import write_bytes_atomic
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_bytes_atomic(self.path, marshal.dumps(bundle))
            forget_stale(self.path, self.path.name.rsplit("-", 1)[0] + "-*.marshal")
        except (OSError, ValueError):
            pass  # no stored copy this time


@lru_cache(maxsize=1)
def default_store() -> SchemaStore:
    """The process-wide store over the installed schemas/."""
    return SchemaStore()
