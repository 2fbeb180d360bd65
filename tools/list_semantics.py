"""List semantics of built-in fields (x-kubernetes-list-type, x-kubernetes-list-map-keys), per minor, for
tools/build_schemas.py.

The JSON schema inputs dropped these extensions; the upstream OpenAPI v3 documents keep them. Input: a folder
with one subfolder per minor (`1.23/`, `1.24/`, ...), each holding that release's OpenAPI v3 documents
(`api/v1.json`, `apis/<group>/<version>.json`, as kubernetes publishes them in `api/openapi-spec/v3`).

A list that declares no list type but has patch strategy `merge` and a patch merge key is a `map` keyed by
that key: server-side apply derives its schema that way (env was keyed by name long before 1.30 declared
it). Only `map` and `set` lists are kept (an `atomic` list has no uniqueness to check). A map list also records
the defaults of its key fields (`protocol` of a port defaults to TCP), because server-side apply compares
keys with the defaults filled in: ports `80` and `80/TCP` collide.

Minors newer than the newest folder take the newest folder's semantics wherever the definition still has
the list (a list's type is part of the API contract and changes only with a new API version); minors older
than the oldest folder get none.
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

LIST_TYPE = "x-kubernetes-list-type"
MAP_KEYS = "x-kubernetes-list-map-keys"
KEY_DEFAULTS = "x-k8slint-list-map-key-defaults"  # ours: {key field: default value}
KEPT_TYPES = ("map", "set")
PATCH_STRATEGY = "x-kubernetes-patch-strategy"
MERGE_KEY = "x-kubernetes-patch-merge-key"

NOTES = [
    "List semantics: x-kubernetes-list-type (map and set only) and x-kubernetes-list-map-keys come from the "
    "upstream OpenAPI v3 documents of that minor (list_semantics lists which); a list without a list type "
    "whose patch strategy is merge counts as a map keyed by its patch merge key, as server-side apply "
    "treats it; x-k8slint-list-map-key-defaults "
    "records the default of a map key field that has one other than the Go zero value (server-side "
    "apply fills it in before comparing keys: ports 80 and 80/TCP collide). Minors newer than the newest v3 input reuse its semantics where the list still exists; older "
    "minors have none.",
]

_MINOR = re.compile(r"^\d+\.\d+$")


def _minor_key(text: str) -> tuple:
    return tuple(int(p) for p in text.split("."))


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _target(node: dict) -> str | None:
    """The definition a node refers to, directly or through a single-entry allOf."""
    if isinstance(node.get("$ref"), str):
        return _ref_name(node["$ref"])
    all_of = node.get("allOf")
    if isinstance(all_of, list) and len(all_of) == 1 and isinstance(all_of[0], dict):
        return _target(all_of[0])
    return None


def _extensions(node: dict, schemas: dict) -> dict | None:
    list_type = node.get(LIST_TYPE)
    keys = node.get(MAP_KEYS)
    if list_type is None and node.get("type") == "array" and isinstance(node.get(MERGE_KEY), str) and "merge" in str(
            node.get(PATCH_STRATEGY, "")).split(","):
        # no list type declared: server-side apply keys a strategic-merge list by its patch merge key
        # (kube-openapi's schema conversion), which is how env was keyed before 1.30 declared it a map
        list_type, keys = "map", [node[MERGE_KEY]]
    if list_type not in KEPT_TYPES:
        return None
    out = {LIST_TYPE: list_type}
    if list_type == "map":
        if not isinstance(keys, list) or not keys:
            return None
        out[MAP_KEYS] = list(keys)
        items = node.get("items") if isinstance(node.get("items"), dict) else {}
        item = schemas.get(_target(items) or "", items)
        props = item.get("properties") or {} if isinstance(item, dict) else {}
        # a Go zero value ("" or 0: the generator writes one for every non-pointer field) is no default:
        # an entry missing a required key is a schema error already, not a duplicate
        defaults = {k: props[k]["default"] for k in keys
                    if isinstance(props.get(k), dict) and props[k].get("default") not in (None, "", 0, False)
                    and not isinstance(props[k]["default"], (dict, list))}
        if defaults:
            out[KEY_DEFAULTS] = defaults
    return out


def extract(schemas: dict) -> dict:
    """{definition name: {path inside the definition: extensions}} for one minor's merged v3 schemas."""
    found: dict = {}

    def walk(name: str, node, path: tuple) -> None:
        if not isinstance(node, dict):
            return
        ext = _extensions(node, schemas)
        if ext is not None:
            found.setdefault(name, {})[path] = ext
        for key, child in (node.get("properties") or {}).items():
            walk(name, child, path + ("properties", key))
        for key in ("items", "additionalProperties"):
            if isinstance(node.get(key), dict):
                walk(name, node[key], path + (key,))

    for name, definition in schemas.items():
        walk(name, definition, ())
    return found


def read_folder(root: Path) -> dict:
    """{minor: {"sha256": tree digest, "files": n, "semantics": extract()}} of every minor subfolder."""
    out: dict = {}
    for sub in sorted((p for p in root.iterdir() if p.is_dir() and _MINOR.match(p.name)),
                      key=lambda p: _minor_key(p.name)):
        digest = hashlib.sha256()
        merged: dict = {}
        files = sorted(p for p in sub.rglob("*.json") if p.is_file())
        for file in files:
            data = file.read_bytes()
            digest.update(file.relative_to(sub).as_posix().encode() + b"\0" + hashlib.sha256(data).digest())
            schemas = (json.loads(data).get("components") or {}).get("schemas") or {}
            for name, schema in schemas.items():
                merged.setdefault(name, schema)
        if merged:
            out[sub.name] = {"sha256": "tree:" + digest.hexdigest(), "files": len(files),
                             "semantics": extract(merged)}
    if not out:
        raise SystemExit(f"{root}: no minor folders (1.23/, 1.24/, ...) with OpenAPI v3 documents")
    return out


def source_for(minor: str, available: list) -> str | None:
    """The v3 minor whose semantics a minor uses: its own, else the newest older one if the minor is newer
    than every input, else none."""
    if minor in available:
        return minor
    if available and _minor_key(minor) > _minor_key(available[-1]):
        return available[-1]
    return None


def apply(defs: dict, semantics: dict) -> int:
    """Put the extensions on the array nodes of one minor's canonical definitions; returns how many."""
    count = 0
    for name, by_path in semantics.items():
        definition = defs.get(name)
        if definition is None:
            continue
        for path, ext in by_path.items():
            node = definition
            for key in path:
                node = node.get(key) if isinstance(node, dict) else None
            if isinstance(node, dict) and node.get("type") == "array":
                node.update(ext)
                count += 1
    return count
