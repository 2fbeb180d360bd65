"""One walk of a custom resource that does what the API server does before its CEL rules run, and the
node checks it makes on the way: unknown fields pruned (apiVersion, kind and metadata kept at the root and
in embedded resources, metadata cut to ObjectMeta's fields), nulls the schema does not allow replaced by
the node's `default` or dropped (see crd.defaulting), `default`s applied, `set` and `map` lists checked
for repeats and string formats checked. The input is not changed."""
from __future__ import annotations

import copy
from ..model import record
from ..schemaformats import format_error
from .defaulting import _PRESERVE_EVERYWHERE, disallowed_null, has_default
from .embedded import resource_problems
from .listtypes import list_duplicates

MAX_DEPTH = 200
_RESOURCE_FIELDS = ("apiVersion", "kind", "metadata")
# ObjectMeta's JSON fields: the API server decodes metadata into ObjectMeta, which drops any other key
OBJECT_META_FIELDS = frozenset({
    "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation",
    "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations",
    "ownerReferences", "finalizers", "managedFields"})


@record
class _Walk:
    """What one normalise() call collects and checks."""

    problems: list
    lists: bool
    formats: bool
    keep_all: bool  # a v1beta1 CRD that prunes nothing: unknown fields and nulls stay
    embedded: bool = False  # check embedded resources' apiVersion, kind and metadata

    def __init__(self, problems, lists, formats, keep_all, embedded=False):
        self.problems = problems
        self.lists = lists
        self.formats = formats
        self.keep_all = keep_all
        self.embedded = embedded


def normalise(value, schema, lists: bool = True, formats: bool = True, embedded: bool = False) -> tuple:
    """(the object as stored, [(json path, message, "list" | "format" | "embedded")]); with `embedded`, also
    (json path, the metadata mapping, "metadata") for each embedded resource's metadata."""
    walk = _Walk([], lists, formats, isinstance(schema, dict) and schema.get(_PRESERVE_EVERYWHERE) is True,
                 embedded)
    return _walk(value, schema, (), True, walk), walk.problems


def _walk(value, schema, path: tuple, is_resource: bool, walk: _Walk, prune: bool = True):
    """`prune` False: a resource's apiVersion, kind or metadata, which the schema does not prune (metadata is
    cut to ObjectMeta's fields instead) but still defaults."""
    if not isinstance(schema, dict) or len(path) > MAX_DEPTH:
        return value
    if isinstance(value, dict):
        if walk.embedded and not is_resource and schema.get("x-kubernetes-embedded-resource") is True:
            walk.problems.extend((path + (key,), message, "embedded") for key, message in resource_problems(value))
            if isinstance(value.get("metadata"), dict):  # ObjectMeta's own rules: see the caller
                walk.problems.append((path + ("metadata",), value["metadata"], "metadata"))
        props = schema.get("properties") if isinstance(schema.get("properties"), dict) else None
        extra = schema.get("additionalProperties")
        preserve = schema.get("x-kubernetes-preserve-unknown-fields") is True or walk.keep_all or not prune
        if props is None and not isinstance(extra, dict) and preserve:
            return value
        props = props or {}
        keep_unknown = preserve or extra is True
        embedded = is_resource or schema.get("x-kubernetes-embedded-resource") is True
        out = {}
        for key, item in value.items():
            if embedded and key in _RESOURCE_FIELDS:
                if key == "metadata" and isinstance(item, dict):
                    item = {k: v for k, v in item.items() if k in OBJECT_META_FIELDS}
                out[key] = _walk(item, props.get(key), path + (key,), False, walk, prune=False)
                continue
            sub = props.get(key)
            if sub is not None:
                if disallowed_null(item, sub) and not walk.keep_all:
                    continue  # dropped, or defaulted below
                out[key] = _walk(item, sub, path + (key,), False, walk, prune)
            elif isinstance(extra, dict):
                if disallowed_null(item, extra):
                    if has_default(extra):
                        item = copy.deepcopy(extra["default"])
                    elif not walk.keep_all:
                        continue
                out[key] = _walk(item, extra, path + (key,), False, walk, prune)
            elif keep_unknown:
                out[key] = item
        for key, sub in props.items():
            if key not in out and has_default(sub):
                out[key] = _walk(copy.deepcopy(sub["default"]), sub, path + (key,), False, walk, prune)
            elif has_default(sub) and disallowed_null(out[key], sub):  # a null kept for a v1beta1 CRD
                out[key] = _walk(copy.deepcopy(sub["default"]), sub, path + (key,), False, walk, prune)
        return out
    if isinstance(value, list):
        items = schema.get("items")
        if isinstance(items, dict):
            filled = has_default(items)
            value = [_walk(copy.deepcopy(items["default"]) if filled and disallowed_null(item, items) else item,
                           items, path + (i,), False, walk, prune) for i, item in enumerate(value)]
        if walk.lists and schema.get("x-kubernetes-list-type") in ("set", "map"):
            walk.problems.extend((where, message, "list") for where, message in list_duplicates(value, schema, path))
        return value
    if walk.formats and isinstance(value, str) and "format" in schema:
        message = format_error(value, schema)
        if message:
            walk.problems.append((path, message, "format"))
    return value
