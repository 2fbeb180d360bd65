"""The checks of one run: every enabled rule, schema validation and the CRD checks, applied to loaded files.

Kept apart from engine (which schedules files and the result cache) so that a run whose files are all in
the result cache never imports the rules, the validators or jsonschema_rs: engine builds a Linter only
when a file has to be checked (or a CRD registered)."""
from __future__ import annotations

from . import suppress
from .apiserver.metadata import check_embedded_metas
from .identified import identified
from .kustomize_inputs import KUSTOMIZE_INPUT, PATCH, KustomizeInputs, input_finding, partial_findings
from .listkeys import DUPLICATE_MAP_KEY, DUPLICATE_SET_VALUE, ListKeyChecker
from .loader import LoadedFile
from .model import Severity
from .rules import all_rules, is_enabled
from .rules.api_versions import last_applied, with_helm_release_advice
from .rules.context import RuleContext
from .rules.fields import FieldRule, FieldRuleSet
from .validation import (API_NOT_IN_VERSION, RULE_SEVERITY as VALIDATION_RULES, UNKNOWN_KIND, CrdRegistry, Validator,
                         refused_paths)


class Linter:
    """Runs every enabled check on files; keeps only what the next file needs (CRD schemas, caches)."""

    def __init__(self, options):  # an engine.LintOptions (engine is the layer above)
        self.options = options
        self.context = RuleContext(options.target, options.current)
        self.crds = CrdRegistry()
        self.validator = Validator(options.target, options.strict, crds=self.crds,
                                   ignore_missing_schemas=options.ignore_missing_schemas,
                                   schema_locations=options.schema_locations)
        # schema validation (and the CRD checks riding on it) is most of a resource's checking: skipped when
        # none of its rules is enabled (`--select API`: deprecations only)
        self.validating = any(self.enabled(rule_id) for rule_id in VALIDATION_RULES)
        # SCH007/SCH008: duplicate keys that server-side apply refuses (built-in kinds only)
        self.list_keys = (ListKeyChecker(options.target) if self.enabled(DUPLICATE_MAP_KEY)
                          or self.enabled(DUPLICATE_SET_VALUE) else None)
        enabled = [r for r in all_rules() if r.check is not None and self.enabled(r.id)]
        self.rules_by_api: dict = {}
        self.other_rules = []
        self.kustomization_rules = []  # the rules that read kustomize's configuration, and nothing else
        self._by_kind: dict = {}
        field_rules = []
        self.shared_walks: dict = {}  # one walk serving several rules (check.shared_walk) -> their enabled ids
        for rule in enabled:
            api = getattr(rule.check, "api_version", None)
            walk = getattr(rule.check, "shared_walk", None)
            if getattr(rule.check, "reads_kustomizations", False):
                self.kustomization_rules.append(rule)
            elif walk is not None:
                self.shared_walks.setdefault(walk, set()).add(rule.id)
            elif api is not None:
                self.rules_by_api.setdefault(api, []).append(rule)
            elif isinstance(getattr(rule.check, "__self__", None), FieldRule):
                field_rules.append(rule.check.__self__)
            else:
                self.other_rules.append(rule)
        # every FLD rule in one walk of the resource (same findings as calling each rule's check)
        self.field_rules = FieldRuleSet(field_rules, self.context)
        self.kustomize_inputs = KustomizeInputs()  # patches and plugin configurations: checked apart

    def _rules_for_kind(self, kind: str) -> list:
        """The non-API rules that can fire on this kind (rules declare their kinds as `check.kinds`)."""
        rules = self._by_kind.get(kind)
        if rules is None:
            rules = self._by_kind[kind] = [r for r in self.other_rules
                                           if getattr(r.check, "kinds", None) is None or kind in r.check.kinds]
        return rules

    def enabled(self, rule_id: str) -> bool:
        return is_enabled(rule_id, self.options.select, self.options.ignore)

    def register_crds(self, loaded: LoadedFile) -> None:
        for resource in loaded.resources:
            self.crds.add_resource(resource)

    def check_resource(self, resource) -> list:
        found = []
        candidates = list(self.rules_by_api.get(resource.api_version, ()))
        applied = last_applied(resource)
        if applied and applied[0] != resource.api_version:
            candidates += self.rules_by_api.get(applied[0], ())
        for rule in candidates + self._rules_for_kind(resource.kind):
            found.extend(rule.check(resource, self.context))
        found.extend(self.field_rules.check(resource))
        validated = self.validator.check(resource) if self.validating else None
        if self.shared_walks and identified(self.validator, resource, validated):
            # a node the schema refuses (wrong type, out of range, a required field missing) is refused
            # before the API server's own checks see it: one problem, one finding
            refused = refused_paths(validated or ())
            for walk, ids in self.shared_walks.items():  # the SRV rules: one walk per object for all of them
                found.extend(f for f in walk(resource, self.context)
                             if f.rule_id in ids and f.json_path not in refused)
            if validated is not None and self.validator.embedded_metas:
                found.extend(check_embedded_metas(resource, self.validator.embedded_metas))
        removed_by_rule = any(f.rule_id.startswith("API") and f.severity == Severity.ERROR
                              and f.json_path == "apiVersion" for f in found)
        for f in validated or ():
            if removed_by_rule and f.rule_id in (API_NOT_IN_VERSION, UNKNOWN_KIND):
                continue  # one problem, one finding: the removal rule already says it, with its migration
                # (an API gone before the oldest embedded schema is not even a known kind there)
            if "last_known" in f.extra and any(g.json_path == f.json_path and g.rule_id.startswith("FLD")
                                               for g in found):
                continue  # a removed field an FLD rule reports, with its replacement
            found.append(f)
        if self.list_keys is not None and (resource.api_version, resource.kind) not in self.crds:
            found.extend(self.list_keys.check(resource))
        return found

    def _piece_findings(self, loaded: LoadedFile, named, first: bool) -> list:
        """The enabled findings of one piece's documents and objects; `named`: the input is a kustomize patch
        or plugin configuration (kustomize_inputs), checked as such."""
        found = []
        if first and named is not None and self.enabled(KUSTOMIZE_INPUT):
            found.append(input_finding(named, loaded.file))
        # a JSON 6902 patch is a list, not an object: YML011 says what it is
        found.extend(f for f in loaded.findings if self.enabled(f.rule_id)
                     and not (named is not None and f.rule_id == "YML003"))
        for resource in loaded.resources:
            checked = (self.check_resource(resource) if named is None
                       else partial_findings(self, resource) if named.role == PATCH else ())
            found.extend(f for f in checked if self.enabled(f.rule_id))
        return found

    def check_file(self, loaded: LoadedFile) -> list:
        return self.check_pieces([loaded])[0]

    def check_pieces(self, pieces) -> tuple:
        """(findings, objects, kustomizations: how many) of one input given as pieces (see loader.load_pieces): every piece is
        checked and let go before the next is read; suppressions, path ignores and relabelling are then
        applied once for the whole input."""
        findings, annotations, objects, first, kustomizations, named = [], [], [], None, 0, None
        for loaded in pieces:
            if first is None:
                named = self.kustomize_inputs.get(loaded.file)
            findings.extend(self._piece_findings(loaded, named, first is None))
            first = first or loaded
            kustomizations += len(loaded.kustomizations)
            for config in loaded.kustomizations:  # not Kubernetes objects: never validated
                findings.extend(f for rule in self.kustomization_rules for f in rule.check(config, self.context))
            annotations.extend(suppress.from_annotations(loaded.resources))
            objects.extend((loaded.file, r.ref) for r in loaded.resources)
        if first.text is not None:
            suppressions = suppress.from_comments(first.text) + annotations
            findings = [f for f in suppress.apply(findings, suppressions, first.file, self.reportable)
                        if self.enabled(f.rule_id)]
        return self._finish(first, findings), objects, kustomizations

    def check_each(self, pieces):
        """check_pieces for callers that use each piece and let it go (report, fix): yields (piece, its
        findings), then (None, the findings about the input as a whole: unused suppressions). Together they
        are check_pieces' findings in its order; suppressions, path ignores, severities and relabelling are
        the same, because every suppression but a file-wide one covers findings of one piece only."""
        comments, annotations, first, named = None, [], None, None
        for loaded in pieces:
            if first is None:
                named = self.kustomize_inputs.get(loaded.file)
                comments = suppress.from_comments(loaded.text) if loaded.text is not None else None
            found = self._piece_findings(loaded, named, first is None)
            first = first or loaded
            for config in loaded.kustomizations:  # not Kubernetes objects: never validated
                found.extend(f for rule in self.kustomization_rules for f in rule.check(config, self.context))
            if comments is not None:
                own = suppress.from_annotations(loaded.resources)
                annotations.extend(own)
                found = [f for f in suppress.silence(found, comments + own) if self.enabled(f.rule_id)]
            yield loaded, self._finish(first, found)
        rest = suppress.unused(comments + annotations, first.file, self.reportable) if comments is not None else []
        yield None, self._finish(first, [f for f in rest if self.enabled(f.rule_id)])

    def _finish(self, first: LoadedFile, findings: list) -> list:
        """Path ignores, configured severities, then Helm relabelling (`# Source:` templates and releases:
        last, after suppressions)."""
        ignored_here = self.options.path_ignores(first.file) if self.options.path_ignores else ()
        out = []
        for f in findings:
            if ignored_here and any(f.rule_id.startswith(p.upper()) for p in ignored_here):
                continue
            override = severity_override(f.rule_id, self.options.severity_overrides)
            if override is not None:
                f.severity = override
            out.append(f)
        return with_helm_release_advice(first.relabel(out))

    def reportable(self, pattern: str) -> bool:
        """Did any rule matching this id or prefix run? (An unused suppression of a rule that did not run
        proves nothing.)"""
        return any(r.id.startswith(pattern) and self.enabled(r.id) for r in all_rules())


def severity_override(rule_id: str, overrides: dict):
    """The configured severity of a rule (the longest matching id or prefix wins), or None."""
    best = None
    for key, severity in overrides.items():
        if rule_id.startswith(key.upper()) and (best is None or len(key) > len(best[0])):
            best = (key, severity)
    return best[1] if best else None
