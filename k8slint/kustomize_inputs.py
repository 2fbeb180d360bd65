"""Files a kustomization names as kustomize's input rather than as resources: patches and plugin configurations.

A strategic-merge patch (`patches: [{path: ...}]`, `patchesStrategicMerge:`) is a partial object that kustomize
merges into a resource; a JSON 6902 patch (`patchesJson6902: [{path: ...}]`) is a list of operations; a file
named by `transformers:`, `generators:` or `validators:` configures a plugin. None of them is applied as it
is, so judging one as a complete object (SCH001 "missing required field", SRV "Required value") is a false
error: what reaches the cluster is `kustomize build`'s output, and that is what to lint.

Which files are such inputs is read from the kustomization files (Kustomization and Component alike) in the
input and in the directories above each input file, so that a patch named explicitly is known too. A file
some kustomization names as a resource stays an object, whatever another names it.

A patch still gets the checks that hold for a part of an object: the deprecation rules of its apiVersion and
kind (kustomize matches a strategic-merge patch to its resource by them), the field rules (a removed field a
patch sets is in the built object) and the reference rules; never schema completeness or the API server's
create checks (SRV). A plugin configuration gets none. Each such file gets one YML011 information finding.
"""
from __future__ import annotations

import os

from .loader import LOADER_SEVERITY, load_path
from .model import FACTORY, Finding, field, record, set_frozen
from .sources import KUSTOMIZATION_FILE_NAMES

KUSTOMIZE_INPUT = "YML011"
PATCH, PLUGIN = "patch", "plugin configuration"
# kustomization keys whose entries name files, and what those files are
_PATH_LISTS = {"patches": PATCH, "patchesJson6902": PATCH}  # entries {path: FILE, target: ...}
_FILE_LISTS = {"patchesStrategicMerge": PATCH, "transformers": PLUGIN, "generators": PLUGIN,
               "validators": PLUGIN}  # entries FILE (or inline YAML)


@record(frozen=True)
class Named:
    """How a kustomization names a file it takes as input."""

    role: str  # PATCH or PLUGIN
    kustomization: str  # the kustomization file naming it
    key: str  # the kustomization key naming it (patches, patchesStrategicMerge ...)

    def __init__(self, role, kustomization, key):
        set_frozen(self, "role", role)
        set_frozen(self, "kustomization", kustomization)
        set_frozen(self, "key", key)


def named_files(data: dict) -> list:
    """(relative path, role, key) of the files a kustomization's data names as kustomize's input."""
    out = []
    for key, role in _PATH_LISTS.items():
        for item in _list(data.get(key)):
            if isinstance(item, dict) and _is_path(item.get("path")):
                out.append((item["path"], role, key))
    for key, role in _FILE_LISTS.items():
        for item in _list(data.get(key)):
            if _is_path(item):  # not an inline patch (YAML text, several lines)
                out.append((item, role, key))
    return out


def resource_files(data: dict) -> list:
    return [item for item in _list(data.get("resources")) if _is_path(item)]


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _is_path(value) -> bool:
    return isinstance(value, str) and bool(value.strip()) and "\n" not in value and "://" not in value


def _shown(path: str) -> str:
    """A path found above an input, as findings name files: relative to the current directory when inside it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return path
    return path if relative.startswith(os.pardir) else relative


def _key(path: str) -> str:
    return os.path.normcase(os.path.abspath(path))


@record
class KustomizeInputs:
    """Path (as abspath) -> Named, for the files kustomizations name as kustomize's input."""

    named: dict = field(default_factory=dict)

    def __init__(self, named=FACTORY):
        self.named = {} if named is FACTORY else named

    def get(self, path: str) -> Named | None:
        if not self.named or path in ("-", "<stdin>"):
            return None
        return self.named.get(_key(path))

    def fingerprint(self, path: str) -> tuple:
        """What about this file's place the result cache must tell apart (see engine._place)."""
        named = self.get(path)
        return () if named is None else (named.role, named.kustomization, named.key)


def find(files: list, read_kustomization) -> KustomizeInputs:
    """The kustomize inputs named by the kustomization files among `files` and in the directories above each
    of them. `read_kustomization(path) -> list of dict` gives a kustomization file's documents (empty when
    it cannot be read: its own findings come when it is linted)."""
    candidates: dict = {}
    for path in files:
        if path == "-":
            continue
        if os.path.basename(path) in KUSTOMIZATION_FILE_NAMES:
            candidates.setdefault(_key(path), path)
    checked: set = set()
    for path in files:
        if path == "-":
            continue
        directory = os.path.dirname(os.path.abspath(path))
        while directory not in checked:
            checked.add(directory)
            for name in KUSTOMIZATION_FILE_NAMES:
                found = os.path.join(directory, name)
                if os.path.isfile(found):
                    candidates.setdefault(_key(found), _shown(found))
            parent = os.path.dirname(directory)
            if parent == directory:
                break
            directory = parent
    named: dict = {}
    resources: set = set()
    for kustomization in sorted(candidates.values()):
        base = os.path.dirname(os.path.abspath(kustomization))
        for data in read_kustomization(kustomization):
            for relative, role, key in named_files(data):
                named.setdefault(_key(os.path.join(base, relative)), Named(role, kustomization, key))
            resources.update(_key(os.path.join(base, r)) for r in resource_files(data))
    return KustomizeInputs({k: v for k, v in named.items() if k not in resources})


# the kustomization keys find() reads: all a cached reading keeps
_READ_KEYS = tuple(_PATH_LISTS) + tuple(_FILE_LISTS) + ("resources",)


def for_files(files: list, max_file_size: int, cache=None) -> KustomizeInputs:
    """find() reading kustomization files with the loader (what lint and fix use). With the result cache,
    an unchanged kustomization is not parsed again: its keys find() reads are kept under its bytes' digest,
    so that a run over unchanged input parses nothing."""
    def read(path: str) -> list:
        if cache is None:
            return [k.data for k in load_path(path, max_file_size).kustomizations]
        from .resultcache import content_digest
        try:
            with open(path, "rb") as fh:
                data = fh.read(max_file_size + 1)
        except OSError:
            return []  # its own finding comes when it is linted
        where, digest = cache.where("kustomize-inputs", path), content_digest(data)
        kept = cache.get(where, digest, "")
        if kept is None:
            documents = [k.data for k in load_path(path, max_file_size, data=data).kustomizations]
            kept = [{key: d[key] for key in _READ_KEYS if key in d} for d in documents if isinstance(d, dict)]
            cache.put(where, digest, "", kept)
        return kept

    return find(files, read)


def input_finding(named: Named, file: str) -> Finding:
    """The one YML011 finding of a kustomize input file."""
    directory = os.path.dirname(named.kustomization) or "."
    if named.role == PATCH:
        what = (f"kustomize patch (named by {named.kustomization}'s `{named.key}`): checked as a part of an "
                "object, not as a complete one")
    else:
        what = (f"kustomize {named.role} (named by {named.kustomization}'s `{named.key}`): not a Kubernetes "
                "object, not validated")
    return Finding(KUSTOMIZE_INPUT, LOADER_SEVERITY[KUSTOMIZE_INPUT], f"{what}; lint what kustomize builds "
                   f"(`kustomize build {directory} | k8slint lint -`)", file, 1, 1)


def partial_findings(linter, resource) -> list:
    """The findings of the rules that hold for a part of an object (see the module's docstring): rules of
    its apiVersion, of its kind, and the field rules."""
    found = []
    for rule in list(linter.rules_by_api.get(resource.api_version, ())) + linter._rules_for_kind(resource.kind):
        found.extend(rule.check(resource, linter.context))
    found.extend(linter.field_rules.check(resource))
    return found
