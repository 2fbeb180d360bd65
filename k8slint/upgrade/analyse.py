"""Every object of the input, judged along an upgrade path, in one lint pass at the target version.

For each file: lint it once at the target (strict, with the start as the current version), give each finding
to its object, then for each object:

- API and FLD findings become issues; their records say when each one was deprecated and removed, so where
  they fall on the path needs no further lint run. `k8slint fix`'s planner says whether it fixes each one
  (safe, unsafe) or a person has to;
- schema validity at the target: an object whose apiVersion the target no longer serves is migrated in memory
  by the fixer's own migrations (nothing is written) and the result is validated, as `k8slint fix` would
  verify it; other objects are judged as written. A schema error the object already had at the start is
  "already there"; a new one is dated by validating at the versions in between (rare: only objects with
  errors at the target get any extra validation). Unknown fields count without --strict too when the
  start version knew them or an earlier release did (removedfields): a field the target dropped is not a typo.

Files are spread over processes like lint spreads them; the result does not depend on their number.
"""
from __future__ import annotations

import dataclasses

from ..engine import Linter, LintOptions, depends_on_crds, is_crd, map_files, severity_override
from ..fixer import FileMigrator, context_for, plan_finding
from ..fixer.apply import not_editable
from ..kustomize_inputs import KUSTOMIZE_INPUT, for_files as kustomize_inputs_of
from ..loader import LoadedFile, load_path, load_pieces
from ..model import Resource, Severity, finding_at, record
from ..rules import rules_by_id, windows
from ..rules.api_versions import helm_release_name, last_applied, mapkubeapis_command, replacement_text
from ..rules.context import RuleContext, lifecycle_state
from ..schemastore import default_store
from ..validation import API_NOT_IN_VERSION, UNKNOWN_FIELD, Validator
from ..versions import KubeVersion
from .lifecycle import TOOL, UpgradePath
from .plan import build as build_plan
from .model import API, FIELD, INVALID, REMOVED, SCHEMA, SERVER, Issue, ObjectReport, Problem, Validity, assemble

SCHEMA_ERRORS = ("SCH001", "SCH002", "SCH003", "SCH004")
NO_SCHEMA = "SCH005"
# What the planner says when no migration is registered at all: not worth repeating in every row.
_NO_MIGRATION = "k8slint has no automatic fix for this"


class Analyser:
    """Judges files along the path from options.current to options.target."""

    def __init__(self, options: LintOptions):
        self.options = options
        self.user_strict = options.strict
        self.start, self.end = options.current, options.target
        # strict always: an unknown field is kept when the start version knew it (see _schema_issues)
        self.linter = Linter(dataclasses.replace(options, strict=True))
        self.store = default_store()
        self.path = UpgradePath(self.start, self.end, self.store, self.linter.crds)
        self.fix_context = context_for(self.end, self.store, [])
        self._validators: dict = {}
        self._valid: dict = {}  # apiVersion -> the Validity of its objects without findings
        self.schema_checked = any(self.linter.enabled(r) for r in SCHEMA_ERRORS)

    # ------------------------------------------------------------------------------------------- inputs

    def register(self, loaded) -> None:
        """Make what a file defines known to every other file: CRDs, IngressClasses, ThirdPartyResources."""
        self.linter.register_crds(loaded)
        extra = context_for(self.end, self.store, [r for r in loaded.resources if r.file == loaded.file])
        self.fix_context.ingress_classes |= extra.ingress_classes
        self.fix_context.tprs.update(extra.tprs)

    def validator(self, version: KubeVersion) -> Validator:
        found = self._validators.get(version)
        if found is None:
            found = self._validators[version] = Validator(version, strict=True, store=self.store,
                                                          crds=self.linter.crds)
        return found

    # ------------------------------------------------------------------------------------------- files

    def analyse_file(self, loaded) -> tuple:
        """(ObjectReports, Problems, how many kustomizations) of one input: a LoadedFile, or its pieces (see
        loader.load_pieces), each analysed and let go before the next is read, so that a large file's parsed
        documents never all exist at once. The result is the whole file's either way."""
        pieces = [loaded] if isinstance(loaded, LoadedFile) else loaded
        result, label = self._analyse_pieces(pieces, None)
        if result is None:  # a YAML problem after the first piece: fix edits none of the file, so start again
            result, _ = self._analyse_pieces(load_pieces(label, self.options.max_file_size), True)
        return result

    def _analyse_pieces(self, pieces, unparsed: bool | None) -> tuple:
        """(analyse_file's result, the input's label); `unparsed`: does the input have a YAML problem (None: not
        known yet). The result is None when a piece after the first shows it had one: the pieces before it
        were judged as if fix could edit them (the rest is still read, for map_files' bookkeeping)."""
        objects, configured, problems, kustomizations = [], [], [], 0
        seen_problem, stale, label = bool(unparsed), False, None
        for n, (piece, findings) in enumerate(self.linter.check_each(pieces)):
            if piece is None:  # the input's own findings (unused suppressions): none is an object's
                self._assign(findings, [], [], {}, {}, problems)
                continue
            label = piece.file
            if not seen_problem and not_editable(piece):
                seen_problem = True
                stale = unparsed is None and n > 0
            if stale:
                continue
            resources = piece.resources
            if piece.source_maps:  # Helm output: objects are placed in their templates, like their findings
                anchors = piece.relabel([finding_at(r, "", Severity.INFO, "") for r in resources])
            else:
                anchors = [_Anchor(r.file, *_line_column(_object_span(r))) for r in resources]
            index: dict = {}
            for i, (r, a) in enumerate(zip(resources, anchors)):
                index.setdefault((a.file, r.doc_index, r.ref), []).append(i)
            per_object: list = [[] for _ in resources]
            configs = {(c.file, c.doc_index): (c, []) for c in piece.kustomizations}
            self._assign(findings, anchors, per_object, index, configs, problems)
            state = FileMigrator(piece, self.fix_context, unparsed=seen_problem)
            for r, anchor, found in zip(resources, anchors, per_object):
                objects.append(self.analyse_object(r, anchor, found, state))
            configured.extend(self.analyse_kustomization(c, found, state) for c, found in configs.values() if found)
            kustomizations += len(configs)
        if stale:
            return None, label
        return (objects + configured, problems, kustomizations), label

    @staticmethod
    def _assign(findings: list, anchors: list, per_object: list, index: dict, configs: dict, problems: list):
        """Give each finding to its object (per_object, by `index`) or kustomization (configs); YAML problems
        outside any object go to `problems`, the rest is dropped."""
        for f in findings:
            candidates = index.get((f.file, f.doc_index, f.obj)) if f.obj is not None else None
            if not candidates and f.rule_id.startswith("REF") and (f.file, f.doc_index) in configs:
                configs[f.file, f.doc_index][1].append(f)
                continue
            if not candidates:
                # YML011 (a kustomize patch) is read: each of its objects' validity says what it is
                if f.rule_id.startswith("YML") and f.rule_id != KUSTOMIZE_INPUT:
                    problems.append(Problem(f.rule_id, str(f.severity), f.message, f.file, f.line, f.column))
                continue
            i = candidates[0]
            if len(candidates) > 1:  # the same object twice in one document (List items): the nearest above
                above = [c for c in candidates if anchors[c].line <= f.line]
                i = max(above, key=lambda c: anchors[c].line) if above else i
            per_object[i].append(f)

    def analyse_kustomization(self, config: Resource, findings: list, state: "FileMigrator") -> ObjectReport:
        """kustomize's configuration: only its selectors are judged (REF), it is never validated."""
        issues = [self._reference_issue(config, f, state) for f in findings if f.extra.get("removed_in")]
        # independent changes: in the order their windows open, so that the plan's queue of this object
        # never holds one that could be made now behind one that waits
        issues.sort(key=lambda i: (KubeVersion.parse(i.available_since or "0.0"), i.line, i.column))
        span = config.span(())
        validity = Validity("unchecked", note="kustomize's configuration, not a Kubernetes object: only the API "
                                              "versions its selectors name are checked")
        return ObjectReport(config.file, span.line, span.column, config.api_version, config.kind or "Kustomization",
                            config.namespace, config.name, (TOOL,) * len(self.path.versions), validity, issues,
                            kustomization=True)

    # ------------------------------------------------------------------------------------------- objects

    def analyse_object(self, resource: Resource, anchor, findings: list, state: "FileMigrator") -> ObjectReport:
        if not findings and self.schema_checked and self.linter.kustomize_inputs.get(resource.file) is None:
            # most objects: nothing to say, valid at the target as written (what the path below concludes)
            return ObjectReport(anchor.file, anchor.line, anchor.column, resource.api_version, resource.kind,
                                resource.namespace, resource.name,
                                self.path.api_states(resource.api_version, resource.kind),
                                self._valid_as_written(resource.api_version), [])
        return self.judge_object(resource, anchor, findings, state)

    def _valid_as_written(self, api_version) -> Validity:
        """The verdict of an object without findings; one (never changed) for all of an apiVersion's, which
        the results sent back from a worker then hold once."""
        try:
            return self._valid[api_version]
        except KeyError:
            found = self._valid[api_version] = Validity("valid", "as-written", api_version, None, "valid", ())
            return found
        except TypeError:  # an apiVersion that is no string (a mapping ...): not kept
            return Validity("valid", "as-written", api_version, None, "valid", ())

    def judge_object(self, resource: Resource, anchor, findings: list, state: "FileMigrator") -> ObjectReport:
        """analyse_object, the whole way for every object (tests compare the two)."""
        lifecycle, schema, no_schema, references, server = [], [], False, [], []
        for f in findings:
            family = f.rule_id[:3]
            rule = rules_by_id().get(f.rule_id)
            if family in ("API", "FLD") and rule is not None and rule.record is not None:
                lifecycle.append(f)
            elif family == "REF" and f.extra.get("removed_in"):
                references.append(f)
            elif f.rule_id in SCHEMA_ERRORS and f.severity == Severity.ERROR:
                schema.append(f)
            elif f.rule_id == NO_SCHEMA:
                no_schema = True
            elif family == "SRV" and f.severity == Severity.ERROR:
                server.append(f)
        issues = [self._lifecycle_issue(resource, f, state) for f in lifecycle] + \
            [self._reference_issue(resource, f, state) for f in references]
        removal = next((f for f, i in zip(lifecycle, issues)
                        if i.type == API and i.state == REMOVED and f.json_path == "apiVersion"), None)
        migrated = None
        patch = self.linter.kustomize_inputs.get(resource.file)
        if patch is not None:  # a part of an object: kustomize merges it, only the built object can be judged
            validity = Validity("unchecked", note=f"a kustomize {patch.role} (named by {patch.kustomization}): "
                                "lint what `kustomize build` makes of it")
            removal, server = None, []
        elif not self.schema_checked:
            validity = Validity("unchecked", note="the schema rules are not selected")
        elif removal is not None:
            validity, schema_issues, migrated = self._after_migration(resource, lifecycle, issues, removal, state)
            issues.extend(schema_issues)
        elif no_schema:
            validity = Validity("unchecked", note="no schema for this kind (add its CRD with --crd or the config)")
        else:
            schema_issues = self._schema_issues(resource, resource.data, schema, None)
            removed = {f.json_path: f for f in schema if "last_known" in f.extra}
            for issue in schema_issues:  # a field the target removed: k8slint fix drops it
                if issue.rule_id == UNKNOWN_FIELD and issue.json_path in removed:
                    self._plan(resource, removed[issue.json_path], issue, state)
            issues.extend(schema_issues)
            validity = Validity(INVALID if schema_issues else "valid", "as-written", resource.api_version)
        if removal is not None:  # judged as it would be applied there: migrated, or not at all
            server = state.loaded.relabel(self._server_errors(resource, migrated, self.end)) if migrated else []
        server_issues = self._server_issues(resource, server, migrated)
        issues.extend(server_issues)
        validity = validity.judged_by_server(i.rule_id for i in server_issues)
        states = self.path.api_states(resource.api_version, resource.kind)
        return ObjectReport(anchor.file, anchor.line, anchor.column, resource.api_version, resource.kind,
                            resource.namespace, resource.name, states, validity, issues)

    def _lifecycle_issue(self, resource: Resource, f, state: "FileMigrator") -> Issue:
        record = rules_by_id()[f.rule_id].record
        deprecated, removed = record.get("deprecated"), record.get("removed")
        at_end = lifecycle_state(self.end, deprecated, removed)
        if at_end == "removed":
            since = self.path.clamp(removed)
        else:  # deprecated, or a record without a lifecycle, which lint reports at every version
            at_end = "deprecated"
            since = self.path.clamp(deprecated)
        if f.rule_id.startswith("API"):
            kind, via = resource.kind, ""
            if f.json_path != "apiVersion":
                applied = last_applied(resource)
                kind, via = (applied[1] if applied else kind), " (last applied)"
            issue_type, subject = API, f"{record['api_version']} {kind}{via}"
            replacement = replacement_text(record, kind)
        else:
            issue_type, subject = FIELD, f.json_path or resource.kind or ""
            replacement = record.get("replacement")
        issue = Issue(f.rule_id, issue_type, subject, f.message, str(f.severity), f.severity == Severity.ERROR,
                      at_end, since, f.file, f.line, f.column, f.json_path, deprecated, removed, replacement)
        self._plan(resource, f, issue, state)
        release = f.extra.get("helm_release")
        if release and issue_type == API and at_end == "removed" and f.json_path == "apiVersion":
            # the chart is fixed elsewhere; the stored release must be rewritten too, or helm upgrade fails
            issue.helm_release = release
            issue.fix = None
            issue.fix_note = (f"inside deployed Helm release {helm_release_name(release)}: k8slint fix does not "
                              "rewrite release records")
            issue.action = (f"fix the chart, then `{mapkubeapis_command(release)}` (the stored release holds the "
                            "removed API: helm upgrade fails without it)")
        return issue

    def _reference_issue(self, resource: Resource, f, state: "FileMigrator") -> Issue:
        """A REF finding: an apiVersion named inside the object, which stops resolving at its removal."""
        removed = f.extra["removed_in"]
        issue = Issue(f.rule_id, FIELD, f.json_path or resource.kind or "", f.message, str(f.severity),
                      f.severity == Severity.ERROR, REMOVED, self.path.clamp(removed), f.file, f.line, f.column,
                      f.json_path, None, removed, f.extra.get("replacement"))
        if issue.replacement and f.extra.get("kind"):  # a kustomize target must move with its resources
            served = windows.served(issue.replacement, f.extra["kind"])
            issue.available_since = str(served[0]) if served else None
        self._plan(resource, f, issue, state)
        if issue.fix is None:  # the rule's own advice: "remove it" is not what a reference needs
            advice = rules_by_id()[f.rule_id].meta.docs.fix.split(": ", 1)[0].split(" (", 1)[0]
            issue.action = advice[:1].lower() + advice[1:]
        return issue

    def _plan(self, resource: Resource, f, issue: Issue, state: "FileMigrator") -> None:
        """What `k8slint fix` does about this finding, and what a person does otherwise."""
        issue.details = _words(f.suggestion)
        refusal = state.refusal(resource)
        if refusal:
            issue.fix_note = refusal
            issue.action = _manual_action(issue)
            return
        try:
            planned = plan_finding(resource, f, self.fix_context)
        except Exception as exc:  # noqa: BLE001 - a failing migration must not take the report down
            issue.fix_note = f"k8slint fix could not plan a fix ({type(exc).__name__}: {exc})"
            issue.action = _manual_action(issue)
            return
        proposal = planned.proposal
        if proposal is not None:
            issue.fix = proposal.safety.value
            issue.action = proposal.title
            issue.fix_note = _words(proposal.unsafe_because) or None
            issue.details = _words(proposal.manual) or issue.details
        else:
            issue.action = _manual_action(issue)
            issue.fix_note = planned.reason if planned.reason and planned.reason != _NO_MIGRATION else None
            issue.details = _words(planned.manual) or issue.details

    # ------------------------------------------------------------------------------------------- validity

    def _after_migration(self, resource: Resource, lifecycle: list, issues: list, removal, state) -> tuple:
        """(Validity, schema issues, the migrated object or None) of an object whose apiVersion the target no
        longer serves."""
        migrated, refused = state.migrate(resource, lifecycle)
        by_finding = {id(f): i for f, i in zip(lifecycle, issues)}
        for f, reason in refused.items():
            issue = by_finding.get(f)
            if issue is not None and issue.fix is not None:
                issue.fix, issue.fix_note = None, f"k8slint fix cannot do it here: {reason}"
        if migrated is None:
            api_issue = by_finding[id(removal)]
            note = api_issue.fix_note or "no automatic migration"
            return Validity("unchecked", note=f"needs its migration first: {note}"), [], None
        errors = self._errors(resource, migrated, self.end, state)
        before_version = self._last_serving(resource)
        before = self._keys(self._errors(resource, resource.data, before_version)) if errors and before_version \
            else set()
        new = [e for e in errors if (e.rule_id, e.json_path) not in before]
        if new:  # k8slint fix checks the migrated object the same way and refuses the whole migration
            reason = (f"the migrated object would not validate for Kubernetes {self.end}: {new[0].message}; "
                      "correct that first")
            for issue in issues:
                if issue.fix is not None:
                    issue.fix, issue.fix_note = None, f"k8slint fix refuses it: {reason}"
        schema_issues = self._schema_issues(resource, migrated, errors, before)
        result = INVALID if schema_issues else "valid"
        return Validity(result, "after-migration", migrated.get("apiVersion"),
                        f"migrated in memory to {migrated.get('apiVersion')} {migrated.get('kind')}"), schema_issues, \
            migrated

    def _schema_issues(self, resource: Resource, data: dict, errors: list, before: set | None) -> list:
        """Schema errors at the target -> issues, dated along the path. `before`: the error keys the object
        already had (None: compute them at the first version of the path that serves it)."""
        if not errors:
            return []
        baseline = self._first_serving(resource)
        if before is None:
            before = self._keys(self._errors(resource, resource.data, baseline)) if baseline else set()
        out = []
        for e in errors:
            key = (e.rule_id, e.json_path)
            old = key in before
            if old and e.rule_id == UNKNOWN_FIELD and not self.user_strict and "last_known" not in e.extra:
                continue  # unknown at the start as well: a typo, reported with --strict only (not a removed field)
            since = str(self.start) if old else self._first_failing(resource, data, key, baseline)
            out.append(Issue(e.rule_id, SCHEMA, e.json_path or "the object", e.message, str(e.severity),
                             e.severity == Severity.ERROR, INVALID, since, e.file, e.line, e.column, e.json_path,
                             action=_schema_action(e, since, old), details=_words(e.suggestion)))
        return out

    def _server_issues(self, resource: Resource, found: list, migrated) -> list:
        """What the target's API server refuses beyond the schema (SRV errors at the target, of the object or
        of its migration when its apiVersion is gone there), dated along the path."""
        out = []
        for f in found:
            key = (f.rule_id, f.json_path)
            since = next((str(v) for v in self.path.versions
                          if key in self._keys(self._server_errors(resource, self._form(resource, migrated, v), v))),
                         str(self.end))
            already = since == str(self.start)
            action = f"correct {f.json_path or 'the object'}" + ("" if already else f" (Kubernetes {since} refuses it)")
            out.append(Issue(f.rule_id, SERVER, f.json_path or "the object", f.message, str(f.severity), True,
                             INVALID, since, f.file, f.line, f.column, f.json_path, action=action,
                             details=_words(f.suggestion)))
        return out

    def _form(self, resource: Resource, migrated, version: KubeVersion) -> dict:
        """The object as it would be written for `version`: migrated once its own apiVersion is gone."""
        if migrated is None or self.path.serves(resource.api_version, resource.kind, version):
            return resource.data
        return migrated

    def _server_errors(self, resource: Resource, data: dict, version: KubeVersion) -> list:
        """The enabled SRV rules' errors on `data` at `version` (the cluster upgraded from the start)."""
        probe = resource if data is resource.data else dataclasses.replace(resource, data=data)
        context = RuleContext(version, self.start)
        out = []
        for walk, ids in self.linter.shared_walks.items():
            for f in walk(probe, context):
                if f.rule_id not in ids:
                    continue
                override = severity_override(f.rule_id, self.options.severity_overrides)
                if (override or f.severity) == Severity.ERROR:
                    out.append(f)
        return out

    def _first_failing(self, resource: Resource, data: dict, key: tuple, after) -> str:
        """The first version of the path (after `after`) at which the object, as it would be written for that
        version (migrated once its own apiVersion is gone), has the error `key`."""
        for v in self.path.versions:
            if after is not None and v <= after:
                continue
            form = resource.data if self.path.serves(resource.api_version, resource.kind, v) else data
            if key in self._keys(self._errors(resource, form, v)):
                return str(v)
        return str(self.end)

    def _errors(self, resource: Resource, data: dict, version: KubeVersion, state: "FileMigrator | None" = None) -> list:
        """Schema error findings of `data` (the object or its migration) at `version`, filtered like lint's;
        with the file's state, at the positions lint would give (Helm templates)."""
        probe = resource if data is resource.data else dataclasses.replace(resource, data=data)
        if not isinstance(probe.api_version, str) or not isinstance(probe.kind, str):
            return []
        out = []
        ignored = self.options.path_ignores(resource.file) if self.options.path_ignores else ()
        for f in self.validator(version).check(probe):
            if f.rule_id not in SCHEMA_ERRORS or not self.linter.enabled(f.rule_id):
                continue
            if any(f.rule_id.startswith(p.upper()) for p in ignored):
                continue
            override = severity_override(f.rule_id, self.options.severity_overrides)
            if override is not None:
                f.severity = override
            if f.severity == Severity.ERROR:
                out.append(f)
        return state.loaded.relabel(out) if state is not None else out

    @staticmethod
    def _keys(findings: list) -> set:
        return {(f.rule_id, f.json_path) for f in findings}

    def _first_serving(self, resource: Resource):
        for v in self.path.versions:
            if self.path.serves(resource.api_version, resource.kind, v):
                return v
        return None

    def _last_serving(self, resource: Resource):
        """The newest version up to the target that serves the object as written (what fix compares with)."""
        if self.path.serves(resource.api_version, resource.kind, self.end):
            return self.end
        serving = [v for v in self.path.serving(resource.api_version, resource.kind) if v <= self.end]
        return max(serving) if serving else None


@record
class _Anchor:
    file: str
    line: int
    column: int

    def __init__(self, file, line, column):
        self.file = file
        self.line = line
        self.column = column


def _object_span(resource: Resource):
    """Where an object starts: a document's object at its document's root, which the reader noted (looking
    it up by path composes the document's nodes again); a List item by its path."""
    return resource.doc_span if not resource.item_path else resource.span(())


def _line_column(span) -> tuple:
    return span.line, span.column


def _words(text: str | None) -> str:
    return " ".join(text.split()) if text else ""


def _manual_action(issue: Issue) -> str:
    if issue.type == API:
        if issue.replacement:
            return f"rewrite it as {issue.replacement} by hand"
        return "replace it by hand: the API has no successor"
    if issue.replacement:
        return f"change it by hand: use {issue.replacement}"
    return "remove it by hand"


def _schema_action(f, since: str, old: bool) -> str:
    where = f.json_path or "the object"
    if f.rule_id == UNKNOWN_FIELD:
        return f"remove {where} (Kubernetes {since} does not know it)" if not old else f"correct or remove {where}"
    if f.rule_id == API_NOT_IN_VERSION:
        return "rewrite it for an apiVersion the target serves"
    return f"correct {where}"


# ----------------------------------------------------------------------------------------------- driver

def defines(resource) -> bool:
    """What other files' reports need: CRDs (schemas, served versions), IngressClasses (ingress class
    moves), ThirdPartyResources (their custom resources)."""
    return is_crd(resource) or resource.kind in ("IngressClass", "ThirdPartyResource")


def depends(keys: set, definitions: list) -> bool:
    """Can these definitions change the report of a file whose resources have these keys?"""
    if any(r.kind == "ThirdPartyResource" for r in definitions):
        return True  # rare (removed in 1.8): any file may hold its resources
    if any(r.kind == "IngressClass" for r in definitions) and any(kind == "Ingress" for _, kind in keys):
        return True
    return depends_on_crds(keys, definitions)


def build_report(paths: list, options: LintOptions, jobs=1):
    """The upgrade report for already-discovered files ("-" is stdin) from options.current to options.target,
    over `jobs` processes (engine.AUTO: as many as default_jobs says once the first batch is checked)."""
    if options.current is None or options.current > options.target:
        raise ValueError("an upgrade report needs options.current (the start) no newer than options.target")
    analyser = Analyser(options)
    analyser.linter.kustomize_inputs = kustomize_inputs_of(paths, options.max_file_size)
    problems: list = []
    for crd_path in options.crd_files + options.repository_crd_files:
        loaded = load_path(crd_path, options.max_file_size)
        analyser.register(loaded)
    results = map_files(paths, options.max_file_size, analyser.analyse_file, analyser.register, jobs,
                        defines, depends, load=load_pieces)
    objects, kustomizations = [], 0
    for path in paths:
        file_objects, file_problems, file_kustomizations = results[path]
        objects.extend(file_objects)
        problems.extend(file_problems)
        kustomizations += file_kustomizations
    report = assemble(analyser.path, len(paths), objects, problems, analyser.user_strict)
    report.kustomizations = kustomizations
    report.plan = build_plan(report)
    return report
