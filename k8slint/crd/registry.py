"""Which CRD defines a custom resource kind: CRDs from the input and --crd files, chosen the same way
whatever the order of the files, never replacing a built-in kind, with their problems as findings."""
from __future__ import annotations

import json

from ..crds import CRD_API_VERSIONS, CRD_KIND, UNUSABLE, CrdVersion, read_crd
from ..model import Resource, finding_at, record, set_frozen
from . import meta


@record(frozen=True)
class Candidate:
    """One CRD's definition of one (apiVersion, kind)."""

    version: CrdVersion
    crd_api: str  # apiextensions.k8s.io/v1 or v1beta1
    origin: tuple  # (file, document, item path): the CRD object, also a stable order

    def __init__(self, version, crd_api, origin):
        set_frozen(self, "version", version)
        set_frozen(self, "crd_api", crd_api)
        set_frozen(self, "origin", origin)

    def rank(self) -> tuple:
        # serving the version first, then the newer apiextensions version, then file and position
        return (not self.version.served, CRD_API_VERSIONS.index(self.crd_api), self.origin)

    def same_definition(self, other: "Candidate") -> bool:
        return (self.version.served == other.version.served
                and _canonical(self.version.schema) == _canonical(other.version.schema))


def _canonical(schema) -> str:
    return "UNUSABLE" if schema is UNUSABLE else json.dumps(schema, sort_keys=True, default=str)


def _origin(resource: Resource) -> tuple:
    return (str(resource.file), resource.doc_index, tuple(map(str, resource.item_path)))


class CrdRegistry:
    """Custom resource schemas, keyed by (apiVersion, kind). `schemas[key]` is the chosen CRD's
    openAPIV3Schema (None when it gives none, UNUSABLE when the API server would refuse it)."""

    def __init__(self, builtin_groups=None):
        self._builtin_groups = builtin_groups  # None: every group the embedded schemas know (read lazily)
        self._candidates: dict = {}  # (apiVersion, kind) -> {origin: Candidate}
        self.schemas: dict = {}
        self.sources: dict = {}
        self.generation = 0  # counts additions, so that validators drop schemas compiled before one
        self.kube_version = None  # (major, minor) whose CEL libraries judge the rules; None: the newest

    def builtin_groups(self) -> frozenset:
        if self._builtin_groups is None:
            from ..schemastore import default_store
            self._builtin_groups = default_store().api_groups()
        return self._builtin_groups

    def copy(self) -> "CrdRegistry":
        other = CrdRegistry(self._builtin_groups)
        other._candidates = {k: dict(v) for k, v in self._candidates.items()}
        other.schemas, other.sources = dict(self.schemas), dict(self.sources)
        other.generation = self.generation
        other.kube_version = self.kube_version
        return other

    def add_resource(self, resource: Resource) -> None:
        if resource.kind != CRD_KIND or resource.api_version not in CRD_API_VERSIONS:
            return
        origin = _origin(resource)
        for key in [k for k, by_origin in self._candidates.items() if origin in by_origin]:
            del self._candidates[key][origin]  # the same object again (the fixer re-adds edited CRDs)
            self._choose(key)
        usable, problems = self.verdict(resource)
        for v in usable:
            key = (v.api_version, v.kind)
            self._candidates.setdefault(key, {})[origin] = Candidate(v, resource.api_version, origin)
            self._choose(key)

    def verdict(self, resource: Resource) -> tuple:
        """([CrdVersion] it may define, with UNUSABLE schemas where the API server refuses them;
        [(rule id, json path, message)] on the CRD), from the CRD alone."""
        # the checks of CRD objects, imported with the first one (most runs have none)
        from .default_rules import default_rule_problems
        from .defaults_check import has_defaults
        from .schema_check import schema_problems
        from .spec_check import spec_problems, v1_schema_problems
        span = resource.span(())
        versions, shape = read_crd(resource.data, f"{resource.file}:{span.line}")
        problems = [(meta.INVALID_CRD, path, message) for path, message in shape]
        if isinstance(resource.data.get("spec"), dict):
            problems += [(meta.INVALID_CRD, path, message) for path, message in
                         spec_problems(resource.data, resource.api_version)]
        usable = []
        for v in versions:
            if isinstance(v.schema, dict):
                # v1beta1 accepted non-structural schemas; v1 does not
                found = (v1_schema_problems if resource.api_version.endswith("/v1") else schema_problems)(
                    v.schema, v.schema_path)
                if not found:
                    found = _default_problems(resource, v)
                problems += [(meta.INVALID_SCHEMA, path, message) for path, message in found]
                if not found:
                    from ..cel.rules import build_plan  # imported with the first CRD that has a schema
                    plan = build_plan(v.schema, v.schema_path, self.kube_version or (1, 99))
                    found = plan.problems
                    problems += [(meta.INVALID_RULE, path, message) for path, message in found]
                    if not found and has_defaults(v.schema):
                        found = default_rule_problems(plan, v.schema, v.schema_path)
                        problems += [(meta.INVALID_SCHEMA, path, message) for path, message in found]
                if found:
                    v = CrdVersion(v.group, v.version, v.kind, UNUSABLE, v.source, v.served, v.schema_path)
            usable.append(v)
        if any(rule_id == meta.INVALID_CRD for rule_id, _path, _message in problems):
            # the API server refuses the whole CRD (a bad name, two storage versions ...): none of its kinds
            # exists, so its resources have no schema to be validated against
            usable = [CrdVersion(v.group, v.version, v.kind, UNUSABLE, v.source, v.served, v.schema_path)
                      for v in usable]
        if versions and versions[0].group in self.builtin_groups():
            group = versions[0].group or "core"
            problems.append((meta.SHADOWS_BUILTIN, ("spec", "group"),
                             f"group {group!r} is built into Kubernetes; a CRD cannot define "
                             f"{versions[0].kind} there, so the built-in schema is used for its objects"))
            usable = []
        return usable, _unique(problems)

    def _choose(self, key) -> None:
        candidates = self._candidates.get(key)
        if not candidates:
            self._candidates.pop(key, None)
            self.schemas.pop(key, None)
            self.sources.pop(key, None)
            self.generation += 1
            return
        chosen = min(candidates.values(), key=Candidate.rank)
        self.schemas[key] = chosen.version.schema
        self.sources[key] = chosen.version.source
        self.generation += 1

    def __contains__(self, key) -> bool:
        return key in self.schemas

    def state(self) -> list:
        """Every candidate CRD as plain values: all that verdicts and CRD findings depend on (the result
        cache keys files with it)."""
        return [(key, origin, c.crd_api, c.version.served, c.version.source, _canonical(c.version.schema))
                for key, by_origin in sorted(self._candidates.items()) for origin, c in sorted(by_origin.items())]

    def source(self, key) -> str | None:
        return self.sources.get(key)

    def findings_for(self, resource: Resource) -> list:
        """The CRD rules' findings on a CRD object (call once every CRD of the run is added)."""
        if resource.kind != CRD_KIND or resource.api_version not in CRD_API_VERSIONS:
            return []  # a --crd file may hold other objects too
        origin = _origin(resource)
        problems = list(self.verdict(resource)[1])
        for key, candidates in sorted(self._candidates.items()):
            mine = candidates.get(origin)
            if mine is None:
                continue
            chosen = min(candidates.values(), key=Candidate.rank)
            if chosen is not mine and not chosen.same_definition(mine):
                problems.append((meta.CONFLICTING_CRDS, ("spec", "names", "kind"),
                                 f"{key[0]} {key[1]} is also defined, differently, by the CRD at "
                                 f"{chosen.version.source}; that one is used (see `k8slint explain CRD002`)"))
        return [finding_at(resource, rule_id, meta.SEVERITY[rule_id], message, path, prefer_key=True)
                for rule_id, path, message in problems]


def _default_problems(resource: Resource, version: CrdVersion) -> list:
    """Defaults that are not valid values of their node; in v1beta1, defaults without
    preserveUnknownFields: false."""
    from .defaults_check import default_problems, has_defaults
    spec = resource.data.get("spec") if isinstance(resource.data.get("spec"), dict) else {}
    if resource.api_version.endswith("/v1beta1") and spec.get("preserveUnknownFields") is not False \
            and has_defaults(version.schema):
        return [(("spec", "preserveUnknownFields"), "must be false in order to use defaults in the schema")]
    return default_problems(version.schema, version.schema_path)


def defines_a_kind_twice(resources) -> bool:
    """Do two of these CRD objects define the same (apiVersion, kind)? (Only then can one CRD's verdict
    depend on another: CRD002.)"""
    seen: set = set()
    for r in resources:
        if r.kind != CRD_KIND or r.api_version not in CRD_API_VERSIONS:
            continue
        keys = {(v.api_version, v.kind) for v in read_crd(r.data, "")[0]}
        if not seen.isdisjoint(keys):
            return True
        seen |= keys
    return False


def _unique(problems: list) -> list:
    seen, out = set(), []
    for p in problems:
        if (p[1], p[2]) not in seen:
            seen.add((p[1], p[2]))
            out.append(p)
    return out
