"""Schema validation of resources: one compiled validator per (version, apiVersion, kind, strict), CRD
schemas from the input, catalog schemas (--schema-location) for custom resources whose CRD is not in the
input, and schema errors turned into findings at the right line, column and path."""
from __future__ import annotations

import json
import os
import re

try:  # compiled (Rust) validation for the common case of a valid object; optional, see _Compiled
    from .fastengine import load as _load_fast_engine
    _fast_engine = _load_fast_engine()

    # jsonschema-rs imports decimal the first time it meets a number; a Ctrl-C or SIGTERM (which we turn
    # into KeyboardInterrupt) landing inside that import makes the Rust side panic with a traceback on
    # stderr. Imported here, before any signal can matter, the import is a dictionary look-up.
    import decimal  # noqa: F401
except ImportError:  # pragma: no cover - no wheel for this platform: pure-Python jsonschema only
    _fast_engine = None

from .crd.defaulting import defaulted
from .enumscope import unchecked as unchecked_enum
from .fasterrors import as_reference_errors
from .intranges import RANGES, json_number, out_of_range
from .catalog import CATALOG_SEVERITY, SCHEMA_LOCATION_PROBLEM, SchemaCatalog, SchemaUnusable
from .crd import meta as crd_meta
from .re2regex import RE2_KEYWORDS, search as re2_search
from .removedfields import find_in, removed_fields, removed_message
from .crd.registry import CrdRegistry
from .crds import CRD_API_VERSIONS, CRD_KIND, UNUSABLE, to_json_schema
from .model import Resource, Severity, finding_at, format_json_path, is_config_file_kind
from .schemastore import SchemaStore, default_store
from .versions import KubeVersion

SCHEMA_INVALID = "SCH001"
UNKNOWN_FIELD = "SCH002"
API_NOT_IN_VERSION = "SCH003"
UNKNOWN_KIND = "SCH004"
NO_SCHEMA_FOR_CUSTOM_RESOURCE = "SCH005"

RULE_SEVERITY = {
    SCHEMA_INVALID: Severity.ERROR,
    UNKNOWN_FIELD: Severity.ERROR,
    API_NOT_IN_VERSION: Severity.ERROR,
    UNKNOWN_KIND: Severity.ERROR,
    NO_SCHEMA_FOR_CUSTOM_RESOURCE: Severity.INFO,
    **CATALOG_SEVERITY,  # SCH006: a schema location that cannot be used
    **crd_meta.SEVERITY,  # CRD rules: findings on CRDs and on resources of refused CRDs
}

# Kinds every API group registers for its own plumbing; never something a manifest means.
_META_KINDS = frozenset({"DeleteOptions", "WatchEvent", "Status", "APIResourceList", "APIGroup",
                         "APIVersions", "APIGroupList"})

_JSON_TYPE_NAMES = {bool: "boolean", int: "integer", float: "number", str: "string", list: "array",
                    dict: "object", type(None): "null"}


def _as_warning(finding):
    finding.severity = Severity.WARNING
    return finding


def _type_name(value) -> str:
    return _JSON_TYPE_NAMES.get(type(value), type(value).__name__)


def describe_versions(versions: list) -> str:
    """[1.7, 1.8, 1.9, 1.12] -> "1.7–1.9, 1.12"."""
    if not versions:
        return "none"
    runs, start, prev = [], versions[0], versions[0]
    for v in versions[1:]:
        if v == prev.next():
            prev = v
            continue
        runs.append((start, prev))
        start = prev = v
    runs.append((start, prev))
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in runs)


class _Compiled:
    """One schema, compiled for two engines. jsonschema-rs answers "is it valid?" (most objects are) in
    microseconds, and gives the errors of an invalid object when fasterrors can word them as python-jsonschema,
    the reference, would; otherwise the reference gives all the errors of that object. tests/test_engines.py
    checks that both agree on every verdict and on every finding."""

    __slots__ = ("schema", "fast", "_reference")
    # K8SLINT_PURE_PYTHON=1 turns the compiled engine off (bench/run compares both on the corpus)
    use_fast_engine = _fast_engine is not None and not os.environ.get("K8SLINT_PURE_PYTHON")

    def __init__(self, schema: dict):
        self.schema = schema
        self._reference = None
        self.fast = None
        if self.use_fast_engine:
            try:  # patterns in linear time (Rust's regex, RE2 syntax); nothing outside the schema is fetched
                self.fast = _fast_engine.validator_for(schema, validate_formats=False, offline=True,
                                                       pattern_options=_fast_engine.RegexOptions())
            except Exception:  # a schema the fast engine cannot compile: the reference engine does it all
                self.fast = None

    @property
    def reference(self):
        if self._reference is None:
            self._reference = _reference_validator_class()(self.schema, registry=_no_retrieval_registry())
        return self._reference

    def iter_errors(self, instance):
        if self.fast is None:
            return self.reference.iter_errors(instance)
        if self.fast.is_valid(instance):
            return iter(())
        # the compiled engine's errors, in the reference's terms (see fasterrors); an error kind we do not
        # word ourselves: the reference gives them all, so every message still comes from one engine
        errors = as_reference_errors(self.fast.iter_errors(instance), self.schema, instance)
        return iter(errors) if errors is not None else self.reference.iter_errors(instance)


_REFERENCE_CLASS = None


def _reference_validator_class():
    """Draft 2020-12 (imported only when an object has errors) with RE2 patterns."""
    global _REFERENCE_CLASS
    if _REFERENCE_CLASS is None:
        from jsonschema import Draft202012Validator, validators
        _REFERENCE_CLASS = validators.extend(Draft202012Validator, RE2_KEYWORDS)
    return _REFERENCE_CLASS


def _no_retrieval_registry():
    """A registry that resolves $refs inside the schema only: it can fetch nothing (no URL, no file)."""
    from referencing import Registry

    def refuse(uri: str):
        from referencing.exceptions import NoSuchResource
        raise NoSuchResource(ref=uri)

    return Registry(retrieve=refuse)


class Validator:
    """Validates resources against the embedded schema of one Kubernetes version (plus CRD schemas)."""

    def __init__(self, version: KubeVersion, strict: bool = False, store: SchemaStore | None = None,
                 crds: CrdRegistry | None = None, ignore_missing_schemas: bool = False,
                 schema_locations: tuple = (), catalog: SchemaCatalog | None = None):
        self.version = version
        self.strict = strict
        self.store = store or default_store()
        self.crds = crds or CrdRegistry()
        self.ignore_missing_schemas = ignore_missing_schemas
        # where schemas of custom resources without a CRD in the input are looked up, in order
        self.catalog = catalog if catalog is not None else (
            SchemaCatalog(tuple(schema_locations), version, strict) if schema_locations else None)
        self._compiled: dict = {}
        self._plans: dict = {}  # (apiVersion, kind) -> the CRD version's compiled CEL rules
        self._defaults: dict = {}  # (apiVersion, kind) -> whether the CRD version's schema has defaults
        self.embedded_metas: list = []  # [(json path, metadata)] of the last custom resource's embedded resources
        self._removed_tries: dict = {}  # (apiVersion, kind) -> where fields this version removed can be
        self._crd_generation = self.crds.generation
        if self.crds.kube_version is None:
            self.crds.kube_version = (version.major, version.minor)

    def _validator_for(self, api_version: str, kind: str):
        key = (api_version, kind)
        if self._crd_generation != self.crds.generation:  # CRDs found since: "no schema" may be stale
            self._compiled.clear()
            self._plans.clear()
            self._defaults.clear()
            self._crd_generation = self.crds.generation
        if key not in self._compiled:
            if key in self.crds:
                openapi = self.crds.schemas[key]
                if openapi is UNUSABLE:
                    self._compiled[key] = UNUSABLE
                    return UNUSABLE
                schema = to_json_schema(openapi, self.strict) if isinstance(openapi, dict) else None
            else:
                # (a built-in object is decoded into Go structs first: the bundle bounds its integers)
                schema = self.store.bundle(self.version, api_version, kind, self.strict)
            self._compiled[key] = _Compiled(schema) if schema is not None else None
        return self._compiled[key]

    def check(self, resource: Resource) -> list:
        self.embedded_metas = []
        validator = self._validator_for(resource.api_version, resource.kind)
        if validator is UNUSABLE:
            return [self._refused_crd(resource)]
        if validator is None:
            found = self._missing(resource)
        else:
            try:
                key = (resource.api_version, resource.kind)
                openapi = self.crds.schemas[key] if key in self.crds else None
                # the API server validates a custom resource with nulls dropped and defaults applied; a
                # default can add an error (maxProperties), so a schema with defaults is validated defaulted
                if openapi is not None and self._has_defaults(key, openapi):
                    found = self._findings(resource, validator, defaulted(resource.data, openapi))
                else:
                    found = self._findings(resource, validator)
                    if openapi is not None and found:
                        found = self._findings(resource, validator, defaulted(resource.data, openapi))
                if openapi is None:
                    found = self._with_removed_fields(resource, found)
                else:
                    found += self._rule_findings(resource, openapi)
            except Exception as exc:  # noqa: BLE001 - a CRD schema no check foresaw must not stop the run
                if (resource.api_version, resource.kind) not in self.crds:
                    raise
                self._compiled[(resource.api_version, resource.kind)] = UNUSABLE
                return [self._refused_crd(resource, f"{type(exc).__name__}: {exc}")]
        if resource.kind == CRD_KIND and resource.api_version in CRD_API_VERSIONS:
            found = self._with_crd_findings(resource, found)
        if resource.notes and found:
            found = _without_unreadable(resource, found)
        return found

    def _has_defaults(self, key, openapi) -> bool:
        known = self._defaults.get(key)
        if known is None:
            from .crd.defaults_check import has_defaults  # custom resources only
            known = self._defaults[key] = has_defaults(openapi)
        return known

    def _with_removed_fields(self, resource: Resource, found: list) -> list:
        """A field an earlier release knew and this one removed is refused (kubectl validates strictly by
        default), with or without --strict: reported as SCH002 saying when it went (see removedfields)."""
        if self.strict and not any(f.rule_id == UNKNOWN_FIELD for f in found):
            return found
        key = (resource.api_version, resource.kind)
        try:
            trie = self._removed_tries[key]
        except KeyError:
            trie = self._removed_tries[key] = removed_fields(self.store).trie(self.version, *key)
        removed = find_in(trie, resource.data)
        if not removed:
            return found
        by_path = {format_json_path(path): (path, last) for path, last in removed}
        if self.strict:  # the strict check found them already: say why each one is unknown
            for f in found:
                if f.rule_id == UNKNOWN_FIELD and f.json_path in by_path:
                    path, last = by_path[f.json_path]
                    f.message, f.extra["last_known"] = removed_message(path, last), last
            return found
        return found + [finding_at(resource, UNKNOWN_FIELD, RULE_SEVERITY[UNKNOWN_FIELD],
                                   removed_message(path, last), path, prefer_key=True,
                                   extra={"last_known": last}) for path, last in removed]

    def _with_crd_findings(self, resource: Resource, found: list) -> list:
        """The CRD rules' findings on a CRD; a schema finding at the same place says the same, less precisely."""
        crd_findings = self.crds.findings_for(resource)
        paths = {f.json_path for f in crd_findings}
        return [f for f in found if not (f.rule_id == SCHEMA_INVALID and f.json_path in paths)] + crd_findings

    def _refused_crd(self, resource: Resource, why: str = "") -> object:
        key = (resource.api_version, resource.kind)
        reason = f" ({why})" if why else " (see the CRD's CRD003, CRD004 and CRD006 findings)"
        return finding_at(resource, crd_meta.UNUSABLE_CRD, RULE_SEVERITY[crd_meta.UNUSABLE_CRD],
                          f"no usable schema for {key[0]} {key[1]}: the API server would refuse its CRD at "
                          f"{self.crds.source(key)}{reason}; not validated", ("kind",))

    def _rule_findings(self, resource: Resource, openapi: dict) -> list:
        """The CRD's CEL rules on the defaulted, pruned custom resource (compiled once per CRD version)."""
        from .cel.rules import REASONS, build_plan  # imported with the first custom resource of a CRD
        from .crd.listtypes import has_list_types
        from .crd.normalise import normalise
        from .schemaformats import any_subschema, checked_formats

        key = (resource.api_version, resource.kind)
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = build_plan(openapi, (), (self.version.major, self.version.minor))
            plan.list_types, plan.formats = has_list_types(openapi), checked_formats(openapi)
            plan.embedded = any_subschema(openapi, lambda node: node.get("x-kubernetes-embedded-resource") is True)
        if plan.root is None and not plan.list_types and not plan.formats and not plan.embedded:
            return []
        data, problems = normalise(resource.data, openapi, plan.list_types, plan.formats, plan.embedded)
        out = []
        # the embedded resources' metadata, for the API-server checks of ObjectMeta (the engine runs them)
        self.embedded_metas = [(path, meta) for path, meta, kind in problems if kind == "metadata"]
        for path, message, kind in [p for p in problems if p[2] != "metadata"]:
            rule_id = {"list": crd_meta.DUPLICATE_ITEM, "format": crd_meta.BAD_FORMAT}.get(kind, SCHEMA_INVALID)
            out.append(finding_at(resource, rule_id, RULE_SEVERITY[rule_id], f"{self._where(path)}: {message}", path))
        for failure in plan.check(data):
            where = self._where(failure.path)
            if failure.judged:
                out.append(finding_at(resource, crd_meta.RULE_FAILED, RULE_SEVERITY[crd_meta.RULE_FAILED],
                                      f"{where}: {REASONS[failure.reason]}: {failure.message}", failure.path,
                                      extra={"rule": failure.rule, "reason": failure.reason}))
            else:
                out.append(finding_at(resource, crd_meta.RULE_NOT_EVALUATED,
                                      RULE_SEVERITY[crd_meta.RULE_NOT_EVALUATED],
                                      f"{where}: CEL rule {failure.rule!r} {failure.message}", failure.path,
                                      extra={"rule": failure.rule}))
        return out

    def _findings(self, resource: Resource, validator, data=None) -> list:
        out, seen = [], set()
        data = resource.data if data is None else data
        for err in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
            for finding in self._convert(resource, err):
                # one node can fail one check twice (a Deployment's selector: a type beside a $ref of that
                # type): the same words at the same place are one finding
                key = (finding.rule_id, finding.json_path, finding.message)
                if key not in seen:
                    seen.add(key)
                    out.append(finding)
        return out

    def _missing(self, resource: Resource) -> list:
        api_version, kind = resource.api_version, resource.kind
        key = (api_version, kind)
        if key in self.crds:  # a CRD without a schema: nothing to validate against
            return []
        serving = self.store.versions_serving(api_version, kind)
        if serving:
            return [finding_at(resource, API_NOT_IN_VERSION, RULE_SEVERITY[API_NOT_IN_VERSION],
                               f"{api_version} {kind} does not exist in Kubernetes {self.version}; the schemas "
                               f"have it in {describe_versions(serving)}", ("apiVersion",),
                               extra={"versions": [str(v) for v in serving]})]
        builtin = _group(api_version) in self._builtin_groups()
        notes: list = []
        if not builtin and self.catalog:
            found, notes = self._from_catalog(resource)
            if found is not None:
                return found
        if self.ignore_missing_schemas:  # told that unvalidated custom resources are fine
            return [_as_warning(n) for n in notes]
        if is_config_file_kind(api_version, kind):
            # a configuration file is no custom resource: no CRD will ever describe it
            return notes
        if builtin:
            known = sorted(k for av, k in self.store.kinds(self.version)
                           if av == api_version and not k.endswith("List") and k not in _META_KINDS)
            hint = f" (known kinds of {api_version}: {', '.join(known)})" if known else ""
            return notes + [finding_at(resource, UNKNOWN_KIND, RULE_SEVERITY[UNKNOWN_KIND],
                                       f"{api_version} {kind} is not a kind Kubernetes {self.version} knows{hint}",
                                       ("kind",))]
        if self.catalog:
            return notes + [finding_at(
                resource, NO_SCHEMA_FOR_CUSTOM_RESOURCE, RULE_SEVERITY[NO_SCHEMA_FOR_CUSTOM_RESOURCE],
                f"no schema for custom resource {api_version} {kind}: its CRD is not in the input and no schema "
                "location has a usable one (add the CRD, or pass --crd FILE); not validated", ("kind",))]
        return [finding_at(resource, NO_SCHEMA_FOR_CUSTOM_RESOURCE, RULE_SEVERITY[NO_SCHEMA_FOR_CUSTOM_RESOURCE],
                           f"no schema for custom resource {api_version} {kind}: its CRD is not in the input "
                           "(add it, or pass --crd FILE); not validated", ("kind",))]

    def _from_catalog(self, resource: Resource) -> tuple:
        """(findings or None when no location has a usable schema, SCH006 findings about the locations)."""
        found, problems = self.catalog.lookup(resource.api_version, resource.kind)
        notes = [self._location_finding(resource, p.location, p.message) for p in problems]
        if found is None:
            return None, notes
        try:
            errors = found.errors(resource.data)
        except SchemaUnusable as exc:  # reported once; the kind counts as having no schema from now on
            notes += [self._location_finding(resource, p.location, p.message)
                      for p in self.catalog.unusable(found, str(exc))]
            return None, notes
        out = [_as_warning(n) for n in notes]  # another location served the schema: nothing went unchecked
        for err in sorted(errors, key=lambda e: list(map(str, e.absolute_path))):
            out.extend(self._convert(resource, err))
        return out, []

    @staticmethod
    def _location_finding(resource: Resource, location: str, message: str):
        return finding_at(resource, SCHEMA_LOCATION_PROBLEM, RULE_SEVERITY[SCHEMA_LOCATION_PROBLEM],
                          f"schema location {location}: {message}", ("kind",),
                          extra={"schema_location": location})

    def _builtin_groups(self) -> set:
        if not hasattr(self, "_groups"):
            self._groups = {_group(av) for av, _ in self.store.kinds(self.version)}
        return self._groups

    def _convert(self, resource: Resource, err) -> list:
        path = tuple(err.absolute_path)
        validator = err.validator
        if validator == "additionalProperties" and isinstance(err.instance, dict):
            known = set(err.schema.get("properties", {}))
            unknown = [k for k in err.instance if k not in known and not _matches_pattern(err.schema, k)]
            return [finding_at(resource, UNKNOWN_FIELD, RULE_SEVERITY[UNKNOWN_FIELD],
                               f"unknown field {k!r} in {self._where(path)} (strict validation)"
                               + _did_you_mean(k, known), path + (k,), prefer_key=True) for k in unknown]
        if validator == "required":
            missing = err.message.split("'")[1] if "'" in err.message else err.message
            return [finding_at(resource, SCHEMA_INVALID, RULE_SEVERITY[SCHEMA_INVALID],
                               f"missing required field {missing!r} in {self._where(path)}", path,
                               prefer_key=True)]
        if validator == "type":
            expected = err.validator_value
            expected = [t for t in (expected if isinstance(expected, list) else [expected]) if t != "null"]
            message = (f"{self._where(path)}: expected {' or '.join(expected)}, got {_type_name(err.instance)} "
                       f"{_short(err.instance)}")
            message += _yaml11_hint(resource, path)
            return [finding_at(resource, SCHEMA_INVALID, RULE_SEVERITY[SCHEMA_INVALID], message, path)]
        if validator in ("minimum", "maximum") and out_of_range(err.schema, err.instance):
            go_type = out_of_range(err.schema, err.instance)
            low, high = RANGES[go_type]
            where, number = self._where(path), json_number(err.instance)
            return [finding_at(resource, SCHEMA_INVALID, RULE_SEVERITY[SCHEMA_INVALID],
                               f"{where}: {number} does not fit the field's Go type {go_type} ({low} to "
                               f"{high}); the API server's decoder refuses the object (json: cannot unmarshal "
                               f"number {number} into Go struct field {where} of type {go_type})", path)]
        if validator == "enum":
            if not _has_schema_type(err.instance, err.schema.get("type")):
                return []  # a wrong type: the type error at the same node says it, once
            message = (f"{self._where(path)}: {_short(err.instance)} is not one of "
                       f"{_allowed(err.validator_value)}{_case_hint(err.instance, err.validator_value)}")
            why = None if (resource.api_version, resource.kind) in self.crds else unchecked_enum(
                resource.api_version, resource.kind, path, self.version, resource.data)
            if why:  # accepted on create, fails later: a warning that says so
                return [finding_at(resource, SCHEMA_INVALID, Severity.WARNING, f"{message}; {why}", path)]
            return [finding_at(resource, SCHEMA_INVALID, RULE_SEVERITY[SCHEMA_INVALID], message, path)]
        return [finding_at(resource, SCHEMA_INVALID, RULE_SEVERITY[SCHEMA_INVALID],
                           f"{self._where(path)}: {err.message}", path)]

    @staticmethod
    def _where(path: tuple) -> str:
        return format_json_path(path) or "the top level"


def _group(api_version: str) -> str:
    return api_version.rsplit("/", 1)[0] if "/" in api_version else ""


def _short(value) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def _has_schema_type(value, types) -> bool:
    """Is value of one of the JSON Schema types (a type name or a list; none given: any type)?"""
    if types is None:
        return True
    for name in (types if isinstance(types, list) else [types]):
        if name == "integer" and isinstance(value, float) and value.is_integer():
            return True  # JSON Schema counts 1.0 as an integer
        if name == "number" and isinstance(value, (int, float)) and not isinstance(value, bool):
            return True
        if _JSON_TYPE_NAMES.get(type(value)) == name:
            return True
    return False


def _allowed(values) -> str:
    """The allowed values as the API server's "supported values" list; "" (a field the server defaults
    when empty) is named last, in words."""
    shown = [json.dumps(v, ensure_ascii=False) for v in values if v is not None and v != ""]
    text = ", ".join(shown)
    return text + " (or empty, for the default)" if "" in values else text


def _case_hint(value, values) -> str:
    """Enumerated values are case-sensitive: `udp` for `UDP` is the usual slip."""
    if not isinstance(value, str):
        return ""
    same = [v for v in values if isinstance(v, str) and v != value and v.lower() == value.lower()]
    return f"; did you mean {json.dumps(same[0])}? (values are case-sensitive)" if same else ""


def _matches_pattern(schema: dict, key: str) -> bool:
    return any(re2_search(p, key) for p in schema.get("patternProperties", {}))


def _did_you_mean(key: str, known: set) -> str:
    import difflib  # here: only a field the schema does not know needs it (~1 ms of every start otherwise)
    close = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.75)
    return f"; did you mean {close[0]!r}?" if close else ""


def _without_unreadable(resource: Resource, found: list) -> list:
    """Drop schema findings at a value kubectl cannot turn into JSON (`.nan`, `.inf`): its YML001 already
    says that the file is refused, and the text kept in its place is not what anyone wrote."""
    unreadable = {format_json_path(p) for kind, p, _ in resource.notes if kind == "non-finite"}
    return [f for f in found if not (f.rule_id == SCHEMA_INVALID and f.json_path in unreadable)] if unreadable \
        else found


def _yaml11_hint(resource: Resource, path: tuple) -> str:
    for kind, note_path, text in resource.notes:
        if kind == "yaml11-bool" and note_path == path:
            return (f" (the unquoted {text} is a boolean to Kubernetes, which reads YAML 1.1; "
                    f"write \"{text}\" to keep it a string)")
    return ""


_MISSING_FIELD = re.compile(r"^missing required field '([A-Za-z_][\w-]*)' in ")


def refused_paths(findings) -> set:
    """The JSON paths of the nodes these schema findings refuse: a wrong value's own path, and a missing
    required field's path under its parent (what the API server's own checks would report again)."""
    out = set()
    for f in findings:
        if f.rule_id != SCHEMA_INVALID:
            continue
        out.add(f.json_path)
        missing = _MISSING_FIELD.match(f.message)
        if missing:
            out.add(f"{f.json_path}.{missing.group(1)}" if f.json_path else missing.group(1))
    return out
