"""Apply the planned fixes of every input, check the result, write it atomically, lint what remains.

For each file: plan the fixes of each object, let each object's Editor turn them into text edits, apply
the edits of all objects (an object whose edits overlap another's is left out), then parse the new text
again and check, document by document, that it holds exactly the intended objects, that they validate
for the target version (strict), and that the text has no new YAML problem. A document that fails the
check keeps its old text and a finding says why. Files that do not parse (YML001, YML006-YML009) are never
rewritten. Writes are atomic and keep the file's mode and encoding (byte-order mark included).
"""
from __future__ import annotations

import ast
import bisect
import codecs
import copy
import difflib
import os
import re
import stat
from collections import Counter
from array import array
from dataclasses import dataclass, field

from ..atomic import Changed, remove_stale_temporaries, settle_interrupted_writes, unchanged_since, write_bytes_atomic
from ..discover import STDIN
from .. import engine
from ..engine import Linter, LintOptions, LintResult, mentions
from .. import loader
from ..loader import LOADER_SEVERITY, LoadedFile, decode, load_path, load_text, read_bytes
from ..kustomize_inputs import for_files as kustomize_inputs_of
from ..model import Edit, Finding, Fix, FixSafety, ObjectRef, Resource, Severity, Span
from ..schemastore import default_store
from ..validation import CrdRegistry, Validator
from ..listitems import cut_items
from ..yamlread import parse_documents
from .migrations import NoFix
from .plan import context_for, is_removed_field, plan_finding, plan_resource
from .positions import PreviewPositions, object_key
from .source import Document, SourceError, compose_documents, newline_of
from .yamledit import Editor, FixRefused, apply_edits, check_overlaps

# Findings about the text itself that forbid rewriting the file.
UNPARSED = ("YML001", "YML006", "YML007", "YML008", "YML009", "YML020")
_BOMS = [(codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF8, "utf-8"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")]


@dataclass
class FixOptions:
    lint: LintOptions
    unsafe: bool = False  # also apply unsafe fixes
    write: bool = False  # write the files (otherwise only compute what would change)
    # processes that compute the fixes (the files are written by this one); engine.AUTO: as many as
    # engine.default_jobs says once the first batch is fixed (its sample of idle cores runs beside that work)
    jobs: int | None = 1
    diff: bool = False  # the caller shows the diffs: each changed file's is made where it was fixed (a worker)


@dataclass
class AppliedFix:
    file: str
    line: int
    column: int
    rule_id: str
    obj: ObjectRef | None
    title: str
    safety: FixSafety
    notes: list
    finding: Finding | None = None  # what it fixes, at its place in the text before the fix

    def as_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "column": self.column, "rule_id": self.rule_id,
                "object": self.obj.as_dict() if self.obj else None, "description": self.title,
                "safety": self.safety.value, "notes": list(self.notes)}


@dataclass
class FileOutcome:
    path: str  # as given ("-" for standard input)
    file: str  # label in findings
    before: str | None
    after: str | None = None  # the fixed text (None: unchanged)
    applied: list = field(default_factory=list)
    write_error: str | None = None
    written: bool = False
    problem: Finding | None = None  # YML020: the file could not be fixed at all
    edits: list = field(default_factory=list)  # before -> after
    objects: dict | None = None  # of a fixed input: its objects as read (see PreviewPositions)
    # the findings of the text as read, when the fixer found nothing to do in it: the same as the final
    # lint's when that lint knows the same CRDs (see _FinalLint.check), which then need not run again
    lint: list | None = None
    # the fixed text as the verification read it back (load_text), when that is what the final lint would
    # read: it is linted as it is, not parsed a third time (see fix_one); never sent back from a worker
    read_back: LoadedFile | None = None
    diff: str | None = None  # unified_diff(file, before, after), made beside the fix when FixOptions.diff

    @property
    def changed(self) -> bool:
        return self.after is not None and self.after != self.before


@dataclass
class FixRun:
    files: list
    result: LintResult  # the findings that remain (after writing, or that would remain)
    unsafe_available: int = 0  # fixes not applied because they are unsafe
    # backups of interrupted in-place writes (atomic.Leftover) of files this run was not given: said on stderr
    leftovers: list = field(default_factory=list)

    @property
    def applied(self) -> list:
        return [a for f in self.files for a in f.applied]


@dataclass
class _Input:
    path: str
    raw: bytes | None
    loaded: LoadedFile
    st: os.stat_result | None = None  # the file as it was when read (size, mtime, inode)
    # a large multi-document input, fixed and linted a piece at a time (see loader.load_pieces): `loaded`
    # then holds only its text, never its documents
    pieced: bool = False


# Memory a fix takes per byte of the file (measured: a 16 MB file took 2 GB), and what lint may take per
# byte of one huge document. fix refuses files whose fixing would take more memory than lint may take
# for a file at --max-file-size, so that the limit bounds memory for both commands.
FIX_BYTES_PER_BYTE = 130
LINT_BYTES_PER_BYTE = 50


def fix_size_limit(max_file_size: int) -> int:
    return max_file_size * LINT_BYTES_PER_BYTE // FIX_BYTES_PER_BYTE


def _read(path: str, max_size: int, whole: bool = False) -> _Input:
    """The input as read: parsed whole, or (unless `whole`) left to be read a piece at a time when it is a
    large multi-document text."""
    label = "<stdin>" if path == STDIN else path
    raw, problem = read_bytes(path, max_size)
    try:
        st = os.stat(path) if path != STDIN else None
    except OSError:
        st = None
    if raw is None:  # unreadable or over the limit: reported, never rewritten
        return _Input(path, None, LoadedFile(label, None, findings=[problem]), st)
    limit = fix_size_limit(max_size)
    text = None
    if not whole and len(raw) > loader.PIECE_CHARS:
        text, problem = decode(raw, label)
        if text is not None and _in_pieces(text, label):  # memory grows with a piece, not with the file
            return _Input(path, raw, LoadedFile(label, text), st, pieced=True)
    if len(raw) > limit:  # linted as usual, never fixed: the fix would exceed the memory the limit allows
        loaded = load_text(decode(raw, label)[0] or "", label) if len(raw) <= max_size else LoadedFile(label, None)
        loaded.findings.append(Finding(
            "YML020", LOADER_SEVERITY["YML020"], f"file is too large for k8slint fix ({len(raw):,} bytes; fix takes "
            f"about {FIX_BYTES_PER_BYTE} times a file's size in memory, so it refuses files over {limit:,} bytes, "
            f"{LINT_BYTES_PER_BYTE}/{FIX_BYTES_PER_BYTE} of --max-file-size); left unchanged", label, 1, 1))
        return _Input(path, None, loaded, st)
    if text is None:
        text, problem = decode(raw, label)
    if text is None:
        return _Input(path, raw, LoadedFile(label, None, findings=[problem]), st)
    return _Input(path, raw, load_text(text, label), st)


def _in_pieces(text: str, label: str) -> bool:
    """Does loader.load_pieces read this text in more than one piece?"""
    return loader.piece_plan(text, label, loader.PIECE_CHARS) is not None


def _pieces(inp: _Input, text: str):
    """The pieces of a pieced input's `text` (as read, or as fixed)."""
    data = inp.raw if text is inp.loaded.text else encode_like(text, inp.raw)
    return loader.load_pieces(inp.path, len(data), data=data)


def encode_like(text: str, raw: bytes) -> bytes:
    """`text` encoded the way the original bytes were (UTF-8, or UTF-16/32 with the same byte-order mark)."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            return bom + text.encode(encoding)
    return text.encode("utf-8")


def _lines(text: str) -> list:
    parts = text.split("\n")
    lines = [p + "\n" for p in parts[:-1]]
    return lines + [parts[-1]] if parts[-1] else lines


# Texts longer than this are diffed document by document (see _large_diff).
LARGE_DIFF_CHARS = 1 << 20


def unified_diff(label: str, before: str, after: str) -> str:
    # split at \n only, as the file is written: splitlines() also splits at U+2028, U+0085 and a lone CR,
    # which made a preview that patch rejects
    out = []
    name = label.lstrip("/")
    if len(before) > LARGE_DIFF_CHARS:
        lines = _large_diff(_Lines(before), _Lines(after), f"a/{name}", f"b/{name}")
    else:
        lines = difflib.unified_diff(_lines(before), _lines(after), fromfile=f"a/{name}", tofile=f"b/{name}")
    for line in lines:
        out.append(line)
        if not line.endswith("\n"):
            out.append("\n\\ No newline at end of file\n")
    return "".join(out)


_DOC_LINE = re.compile(r"^(?:---|\.\.\.)(?:[ \t\r\n]|$)", re.M)


class _Lines:
    """The lines of a large text (split at \n, as _lines splits them), cut out only when asked for: a text of
    a million lines as a list of strings takes ten times its size."""

    def __init__(self, text: str):
        self.text = text
        starts = array("q", [0])
        at = text.find("\n")
        while at >= 0:
            starts.append(at + 1)
            at = text.find("\n", at + 1)
        if starts[-1] != len(text):
            starts.append(len(text))
        self.starts = starts  # line k is text[starts[k]:starts[k + 1]]

    def __len__(self) -> int:
        return len(self.starts) - 1

    def __getitem__(self, k: slice) -> list:
        return [self.text[self.starts[i]:self.starts[i + 1]] for i in range(*k.indices(len(self)))]

    def chunk(self, i1: int, i2: int) -> str:
        return self.text[self.starts[i1]:self.starts[i2]]

    def documents(self) -> list:
        """Line number where each document starts (a `---` or `...` line after the first line starts one),
        and in a large List document where each of its items starts (see listitems), as fix keeps them."""
        found = [0]
        for m in _DOC_LINE.finditer(self.text):
            if m.start():
                found.append(bisect.bisect_left(self.starts, m.start()))
        out = []
        for first, stop in zip(found, found[1:] + [len(self)]):
            out.append(first)
            start, end = self.starts[first], self.starts[stop]
            # (a document of the whole text is asked about as the whole text: what the reader cut)
            cut = cut_items(self.text if len(found) == 1 else self.text[start:end]) \
                if len(found) == 1 or end - start > loader.PIECE_CHARS else None
            if cut is not None:
                out.extend(bisect.bisect_left(self.starts, start + at) for at, _, _ in cut.items)
        return out


class _Opcodes(difflib.SequenceMatcher):
    """A SequenceMatcher whose opcodes are given (difflib's grouping into hunks, our matching)."""

    def __init__(self, opcodes: list):
        super().__init__(None, [], [])
        self.opcodes = opcodes

    def get_opcodes(self):
        return self.opcodes


def _large_diff(a: _Lines, b: _Lines, fromfile: str, tofile: str):
    """unified_diff of a large text that fix changed: fix keeps every document (its `---` lines), so the
    texts are matched document by document, each changed pair by difflib (matching the whole text at once
    takes minutes on a file of 100,000 lines)."""
    da, db = a.documents(), b.documents()
    if len(da) != len(db):
        yield from difflib.unified_diff(a[:], b[:], fromfile=fromfile, tofile=tofile)
        return
    opcodes = []
    for (i1, i2), (j1, j2) in zip(zip(da, da[1:] + [len(a)]), zip(db, db[1:] + [len(b)])):
        if a.chunk(i1, i2) == b.chunk(j1, j2):
            opcodes.append(("equal", i1, i2, j1, j2))
            continue
        for tag, x1, x2, y1, y2 in difflib.SequenceMatcher(None, a[i1:i2], b[j1:j2]).get_opcodes():
            opcodes.append((tag, i1 + x1, i1 + x2, j1 + y1, j1 + y2))
    merged = []  # neighbouring equal stretches are one, as difflib gives them
    for op in opcodes:
        if op[1] == op[2] and op[3] == op[4]:
            continue
        if merged and op[0] == "equal" and merged[-1][0] == "equal":
            merged[-1] = ("equal", merged[-1][1], op[2], merged[-1][3], op[4])
        else:
            merged.append(op)
    groups = list(_Opcodes(merged or [("equal", 0, len(a), 0, len(b))]).get_grouped_opcodes(3))
    if not groups or all(tag == "equal" for group in groups for tag, *_ in group):
        return
    yield f"--- {fromfile}\n"
    yield f"+++ {tofile}\n"
    for group in groups:
        first, last = group[0], group[-1]
        yield f"@@ -{_range(first[1], last[2])} +{_range(first[3], last[4])} @@\n"
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                yield from (" " + line for line in a[i1:i2])
                continue
            yield from ("-" + line for line in a[i1:i2])
            yield from ("+" + line for line in b[j1:j2])


def _range(start: int, stop: int) -> str:
    """A hunk's range as unified diffs write it: first line (1-based) and length, one line without length."""
    length = stop - start
    if length == 1:
        return str(start + 1)
    return f"{start + 1 if length else start},{length}"


class _Verifier:
    """Strict validation for the target version, and the errors an object already had before its fix."""

    def __init__(self, options: LintOptions, crds: CrdRegistry):
        self.store = default_store()
        self.target = options.target
        self.current = options.current  # the running cluster must accept every fixed object too
        self.crds = crds
        self.schema_locations = tuple(getattr(options, "schema_locations", ()) or ())
        self._validators: dict = {}

    def validator(self, version) -> Validator:
        if version not in self._validators:
            extra = {"schema_locations": self.schema_locations} if self.schema_locations else {}
            self._validators[version] = Validator(version, strict=True, store=self.store, crds=self.crds, **extra)
        return self._validators[version]

    def errors(self, data: dict, version=None) -> dict:
        res = Resource(file="", doc_index=0, data=data, value_spans={}, key_spans={}, doc_span=Span(1, 1))
        if not res.api_version or not res.kind:
            return {}
        return {(f.rule_id, f.json_path): f.message for f in self.validator(version or self.target).check(res)
                if f.severity == Severity.ERROR}

    def checked_at(self, data: dict):
        """The target, or for one step of an upgrade plan (a version the target no longer serves, written
        because the running cluster does not serve the final one yet) the last version serving it."""
        api, kind = data.get("apiVersion"), data.get("kind")
        if self.current is None or not isinstance(api, str) or not isinstance(kind, str):
            return self.target
        versions = [v for v in self.store.versions_serving(api, kind) if self.current <= v <= self.target]
        return self.target if not versions or self.target in versions else versions[-1]

    def before(self, data: dict) -> dict:
        """Errors of the unfixed object, judged at the target or, if its API is gone there, at the last
        version that served it."""
        api, kind = data.get("apiVersion"), data.get("kind")
        versions = self.store.versions_serving(api, kind) if isinstance(api, str) and isinstance(kind, str) else []
        if not versions or self.target in versions:
            return self.errors(data)
        older = [v for v in versions if v <= self.target] or versions
        return self.errors(data, older[-1])


@dataclass
class _Work:
    """One object's fixes in one file."""

    resource: Resource
    editor: Editor
    applied: list  # (Planned, notes)
    edits: list = field(default_factory=list)


def origin(finding: Finding) -> str:
    """The input a finding was found in, before Helm relabelling named the template that rendered it."""
    rendered_at = finding.extra.get("rendered_at")
    return rendered_at.rsplit(":", 1)[0] if isinstance(rendered_at, str) else finding.file


def _key(resource: Resource, rule_id: str) -> tuple:
    """Which remaining finding a refusal explains (the apiVersion may have changed since)."""
    return (resource.file, rule_id, resource.namespace, resource.name)


def _refusal(finding: Finding | None, resource: Resource, rule_id: str, reason: str, manual: str = "") -> tuple:
    return (_key(resource, rule_id), (reason, manual))


def not_editable(loaded: LoadedFile) -> bool:
    """A file fix never edits: unreadable, or with a YAML problem that leaves its text unparsed."""
    return loaded.text is None or any(f.rule_id in UNPARSED for f in loaded.findings)


def fix_file(inp: _Input, linter: Linter, ctx, options: FixOptions, verifier: _Verifier,
             refusals: dict) -> FileOutcome:
    loaded = inp.loaded
    outcome = FileOutcome(inp.path, loaded.file, loaded.text)
    if not_editable(loaded):
        return outcome
    text = loaded.text
    # The editor finds lines by "\n": a file of lone CRs (classic Mac) is edited as LF and written back with
    # CRs, never with mixed line ends. One character for one keeps every position and edit offset the same.
    lone_cr = "\r" in text and "\n" not in text
    if lone_cr:
        text = text.replace("\r", "\n")
    findings = linter.check_file(loaded)
    read_back: list = [] if not lone_cr else None  # (a text of lone CRs is linted as written, with its CRs)
    fixed = _fix_text(loaded, text, findings, ctx, options, verifier, refusals, read_back=read_back)
    if fixed is None:  # most files: nothing to edit, so no node tree to edit it at
        outcome.lint = findings
        return outcome
    outcome.edits, outcome.applied = fixed
    if outcome.edits:
        # the objects as read, for the preview's positions (which would otherwise parse the text again)
        outcome.objects = {object_key(r.doc_index, r.ref): r.ref for r in loaded.resources}
        outcome.after = apply_edits(text, outcome.edits)
        if lone_cr:
            outcome.after = outcome.after.replace("\n", "\r")
        elif read_back and read_back[-1].text == outcome.after:
            outcome.read_back = read_back[-1]
    return outcome


def fix_pieces(inp: _Input, linter: Linter, ctx, options: FixOptions, verifier: _Verifier,
               refusals: dict) -> FileOutcome:
    """fix_file for a pieced input: each piece is linted, fixed and verified on its own text (documents never
    span pieces, and the edits of one object stay inside its document), then let go. A YAML problem in any
    piece leaves the whole file unchanged, as fix_file does."""
    text = inp.loaded.text
    outcome = FileOutcome(inp.path, inp.loaded.file, text)
    newline = newline_of(text)
    edits, applied, parts, mine, at, unparsed = [], [], [], {}, 0, False
    outcome.objects = {}
    for piece, findings in linter.check_each(_pieces(inp, text)):
        if piece is None:
            continue
        outcome.objects.update((object_key(r.doc_index, r.ref), r.ref) for r in piece.resources)
        unparsed = unparsed or not_editable(piece)
        if unparsed:
            continue
        start, end = piece.bounds or (0, len(text))
        fixed = _fix_text(piece, piece.own_text(), findings, ctx, options, verifier, mine, newline)
        if fixed and fixed[0]:
            edits.extend(Edit(e.start + start, e.end + start, e.text) for e in fixed[0])
            applied.extend(fixed[1])
            # spliced into the text as it is (a List item's own text has its `-` blanked; no edit is before it)
            parts.extend((text[at:start], apply_edits(text[start:end], fixed[0])))
            at = end
    if unparsed:
        return outcome
    refusals.update(mine)
    if edits:
        parts.append(text[at:])
        outcome.after, outcome.edits, outcome.applied = "".join(parts), edits, applied
    return outcome


def _fix_text(loaded: LoadedFile, text: str, findings: list, ctx, options: FixOptions, verifier: _Verifier,
              refusals: dict, newline: str | None = None, read_back: list | None = None) -> tuple | None:
    """(edits of `text`, AppliedFixes) of the objects of `loaded` (a file whose text is `text`, or one piece
    of a larger input whose own text it is: see loader.load_pieces), or None when nothing was planned.
    `read_back`, a list, gets the LoadedFile of each fixed text the verification read whole (see _verify)."""
    first = loaded.documents[0].index if loaded.documents else 0
    body = loaded.item[1] - loaded.bounds[0] if loaded.item is not None else 0  # in `text`
    resources = [r for r in loaded.resources if r.file == loaded.file] + loaded.kustomizations
    by_key: dict = {}
    for r in resources:
        by_key.setdefault((r.doc_index, r.ref), []).append(r)
    per_resource: dict = {id(r): [] for r in resources}
    for f in findings:
        if origin(f) != loaded.file:
            continue  # inside a Helm release record: not text of this file
        candidates = by_key.get((f.doc_index, f.obj), [])
        if f.obj is not None and len(candidates) == 1:
            per_resource[id(candidates[0])].append(f)
    plans, unplanned = [], {}
    for r in resources:
        try:
            planned = plan_resource(r, per_resource[id(r)], ctx)
        except Exception as exc:  # noqa: BLE001 - a shape no migration expected: this object only, never the run
            for f in per_resource[id(r)]:
                unplanned[_key(r, f.rule_id)] = (_unexpected(exc), "")
            continue
        runnable = [p for p in planned if p.proposal is not None
                    and (p.proposal.safety == FixSafety.SAFE or options.unsafe)]
        if runnable:
            plans.append((r, runnable))
    if not plans and not unplanned:
        return None
    roots = _roots(loaded, text, {r.doc_index for r, _ in plans}, first)
    if roots is None:
        return [], []
    refusals.update(unplanned)
    documents: dict = {}
    work = []
    newline = newline or newline_of(text)  # (a document composed alone: its text is a piece of this one)
    for r, runnable in plans:
        if r.doc_index not in documents:
            root, at, own = roots[r.doc_index]
            documents[r.doc_index] = (Document(own, root, newline=newline), at)
        document, at = documents[r.doc_index]
        try:
            editor = Editor(document, r.item_path[len(loaded.item_prefix):], r.data)
        except SourceError as exc:
            for p in runnable:
                key, why = _refusal(p.finding, r, p.proposal.rule_id, str(exc))
                refusals[key] = why
            continue
        w = _Work(r, editor, [])
        for p in runnable:
            try:
                with editor.fix(p.proposal.rule_id + ":" + ".".join(map(str, p.proposal.path))):
                    notes = p.proposal.run(editor)
            except (FixRefused, NoFix, SourceError) as exc:
                if isinstance(exc, NoFix):
                    key, why = _refusal(p.finding, r, p.proposal.rule_id, exc.reason, exc.manual)
                else:
                    key, why = _refusal(p.finding, r, p.proposal.rule_id, str(exc))
                refusals[key] = why
                continue
            except Exception as exc:  # noqa: BLE001 - rolled back by the editor; the other fixes go on
                refusals[_key(r, p.proposal.rule_id)] = (_unexpected(exc), "")
                continue
            if notes:  # a fix with nothing left to do (another fix did it) is not listed
                w.applied.append((p, notes))
        if not w.applied:
            continue
        try:
            w.edits = editor.edits()
            if at:
                w.edits = [Edit(e.start + at, e.end + at, e.text) for e in w.edits]
        except (FixRefused, SourceError) as exc:
            for p, _ in w.applied:
                refusals[_refusal(p.finding, r, p.proposal.rule_id, "")[0]] = (str(exc), "")
            continue
        if w.edits and any(e.start < body for e in w.edits):
            # the text fixed is a List item with its `-` (or a JSON `[`) blanked: an edit there would lose it
            _refuse_all(w, "its edits would change the text before its List item", refusals)
            continue
        if w.edits:
            work.append(w)
    active = list(work)
    new_text = text
    while active:
        kept, edits = [], []
        for w in active:
            try:
                check_overlaps(edits + w.edits)
            except FixRefused:
                _refuse_all(w, "its edits overlap the fix of another object in the same text", refusals)
                continue
            kept.append(w)
            edits.extend(w.edits)
        active = kept
        new_text = apply_edits(text, edits)
        failed = _verify(loaded, new_text, active, verifier, first, read_back)
        if not failed:
            break
        for w in active:
            if w.resource.doc_index in failed:
                _refuse_all(w, failed[w.resource.doc_index], refusals)
        active = [w for w in active if w.resource.doc_index not in failed]
    if not active:
        return [], []
    applied = []
    for w in active:
        for p, notes in w.applied:
            f = p.finding
            if f is None:  # at the apiVersion, named as lint names it (the template of rendered Helm output)
                span = w.resource.span(("apiVersion",))
                f = loaded.relabel([Finding(p.proposal.rule_id, Severity.INFO, p.proposal.title, loaded.file,
                                            span.line, span.column, obj=w.resource.ref,
                                            doc_index=w.resource.doc_index)])[0]
            applied.append(AppliedFix(f.file, f.line, f.column, p.proposal.rule_id,
                                      w.resource.ref, p.proposal.title, p.proposal.safety, notes, f))
    return [e for w in active for e in w.edits], applied


# Whole-file composition only (each document in the text as a whole, never a piece of it): what
# tests/test_fix_speed_paths.py compares the composition of single documents with.
COMPOSE_WHOLE = False


_MARKER = re.compile(r"\n(?:---|\.\.\.)(?=[ \t\r\n]|\Z)")


def _stretches(text: str) -> list:
    """yamlread.document_chunks(text, 0): (start, end) of the stretches of `text` between document markers, or
    the whole text when it has directives or line breaks other than \n and \r\n. The same answer at a tenth
    of the cost (its multi-line patterns test every position of the text; these look for a character)."""
    if text.startswith("%") or "\n%" in text or "\x85" in text or "\u2028" in text or "\u2029" in text \
            or text.count("\r") != text.count("\r\n"):
        return [(0, len(text))]
    points = [0] + [m.start() + 1 for m in _MARKER.finditer(text)]
    if text[:3] in ("---", "...") and (len(text) == 3 or text[3] in " \t\r\n"):
        points.insert(1, 0)
    return list(zip(points, points[1:] + [len(text)]))


def _roots(loaded: LoadedFile, text: str, wanted: set, first: int) -> dict | None:
    """{document index: (its composed root node, where the text it was composed in starts in `text`, that
    text)} for the documents in `wanted`, or None when the file cannot be edited (the composer refuses it, or
    counts its documents otherwise than the reader did).

    A whole file of several documents is cut at its `---` / `...` lines (as yamlread.document_chunks cuts:
    YAML forbids markers inside scalars, so each stretch composes as it does within the whole), and only the
    stretches holding a wanted document are composed: most fixed files have one object to fix among several.
    Each stretch must give the documents the reader placed in it (by their start), else the whole text is
    composed, as always before."""
    docs = loaded.documents
    if not COMPOSE_WHOLE and len(docs) > 1 and loaded.bounds is None and loaded.list_cut is None \
            and all(doc.span.start >= 0 for doc in docs):
        bounds = _stretches(text)
        starts = [start for start, _ in bounds]
        placed: dict = {}  # stretch -> the indices of the documents that start in it, in order
        for n, doc in enumerate(docs):
            placed.setdefault(bisect.bisect_right(starts, doc.span.start) - 1, []).append(first + n)
        where = {d: k for k, indices in placed.items() for d in indices}
        out: dict = {}
        for k in sorted({where[d] for d in wanted}):
            start, end = bounds[k]
            own = text[start:end]
            try:
                roots = compose_documents(own)
            except Exception:  # noqa: BLE001 - decided by the whole text below
                break
            if len(roots) != len(placed[k]):
                break
            out.update((d, (root, start, own)) for d, root in zip(placed[k], roots))
        else:
            return out
    try:
        roots = compose_documents(text)
    except Exception:  # noqa: BLE001 - a text the reader accepted but the composer does not: leave it alone
        return None
    if len(roots) != len(docs):
        return None
    return {d: (roots[d - first], 0, text) for d in wanted}


def _not_fixed(file: str, exc: Exception) -> Finding:
    return Finding("YML020", LOADER_SEVERITY["YML020"], f"k8slint fix could not handle this file and left it "
                   f"unchanged ({type(exc).__name__}: {exc}); the other files were fixed", file, 1, 1)


def _not_written(file: str, reason: str) -> Finding:
    return Finding("YML020", LOADER_SEVERITY["YML020"], f"k8slint fix could not write this file and left it "
                   f"unchanged: {reason}", file, 1, 1)


def _unexpected(exc: Exception) -> str:
    """Why a fix that failed in an unforeseen way was not applied (the object keeps its text)."""
    return (f"the object has a shape this fix does not handle ({type(exc).__name__}: {exc}); it was left "
            "as it is")


def _refuse_all(w: _Work, reason: str, refusals: dict) -> None:
    for p, _ in w.applied:
        refusals[_key(w.resource, p.proposal.rule_id)] = (reason, "")


def _read_back(loaded: LoadedFile, new_text: str, read_back: list | None) -> list:
    """The documents of the fixed text. For a whole file of ordinary size whose fixed text reads cleanly,
    those of load_text, whose LoadedFile is kept in `read_back` for the final lint (it parses the text
    exactly so: same reader, same offsets); else parse_documents' own."""
    if read_back is not None and loaded.bounds is None and loaded.list_cut is None \
            and len(new_text) <= loader.PIECE_CHARS:
        read_back.clear()  # the last text verified is the one kept
        again = load_text(new_text, loaded.file)
        # (no problem: then no summary of broken documents, which parse_documents alone adds as a document)
        if again.documents and not any(doc.problems for doc in again.documents):
            read_back.append(again)
            return again.documents
    return parse_documents(new_text)


def _verify(loaded: LoadedFile, new_text: str, active: list, verifier: _Verifier, first: int = 0,
            read_back: list | None = None) -> dict:
    """{document index: why} for the documents whose fixed text is not exactly what was intended. `first`:
    the index of loaded's first document (one piece of a larger input)."""
    docs = _read_back(loaded, new_text, read_back)
    old_docs = loaded.documents
    touched = sorted({w.resource.doc_index for w in active})
    if len(docs) != len(old_docs):
        return {d: "the fixed text has a different number of YAML documents" for d in touched}
    failed = {}
    for d in touched:
        old, new = old_docs[d - first], docs[d - first]
        if Counter(p.rule_id for p in new.problems) - Counter(p.rule_id for p in old.problems):
            failed[d] = "the fixed text has a YAML problem the original did not have"
            continue
        expected = copy.deepcopy(old.value)
        mine = [w for w in active if w.resource.doc_index == d]
        for w in mine:
            expected = _put(expected, w.resource.item_path[len(loaded.item_prefix):], w.editor.data)
        if new.value != expected:
            failed[d] = "reading the fixed text back did not give the intended object (an anchor, alias or " \
                        "unusual layout?)"
            continue
        for w in mine:
            if w.editor.data.get("kind") == "CustomResourceDefinition":
                verifier.crds.add_resource(Resource(w.resource.file, d, w.editor.data, {}, {}, Span(1, 1)))
        for w in mine:
            if any(w.resource is k for k in loaded.kustomizations):
                continue  # kustomize's configuration: not a Kubernetes object, nothing to validate
            # (the object's errors before its fix matter only beside errors after it: most fixed objects have
            # none, and the schema of the version the old object was judged at need not be compiled)
            after = verifier.errors(w.editor.data, verifier.checked_at(w.editor.data))
            before = verifier.before(w.resource.data) if after else {}
            new_errors = [m for k, m in after.items()
                          if k not in before and not _untouched(k[1], m, w.resource.data, w.editor.data)]
            if new_errors:
                failed[d] = f"the fixed object would not validate for Kubernetes {verifier.target}: {new_errors[0]}"
                break
            if verifier.current is not None and verifier.current != verifier.target:
                after = verifier.errors(w.editor.data, verifier.current)
                before = verifier.errors(w.resource.data, verifier.current) if after else {}
                new_errors = [m for k, m in after.items()
                              if k not in before and not _untouched(k[1], m, w.resource.data, w.editor.data)]
                if new_errors:
                    failed[d] = (f"the fixed object would not validate for the Kubernetes {verifier.current} your "
                                 f"cluster runs: {new_errors[0]}")
                    break
    return failed


_PATH_TOKEN = re.compile(r"\[('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")\]|\[(\d+)\]|\.?([^.\[]+)")
_ABSENT = object()


def _parse_json_path(text: str) -> tuple:
    """The inverse of model.format_json_path: "spec.containers[0]['a.b']" -> ("spec", "containers", 0, "a.b")."""
    out = []
    for m in _PATH_TOKEN.finditer(text):
        quoted, index, name = m.groups()
        out.append(ast.literal_eval(quoted) if quoted else int(index) if index else name)
    return tuple(out)


def _at(data, path: tuple):
    for part in path:
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            return _ABSENT
    return data


def _untouched(json_path: str, message: str, before: dict, after: dict) -> bool:
    """Is a schema error about a node the fix left exactly as it was (a problem of the object, not of the
    fix: a field the target version no longer has, a typo)? A missing required field never counts as one."""
    if message.startswith("missing required field"):
        return False
    path = _parse_json_path(json_path)
    old = _at(before, path)
    return old is not _ABSENT and old == _at(after, path)


def _put(doc_value, item_path: tuple, data):
    if not item_path:
        return copy.deepcopy(data)
    node = doc_value
    for part in item_path[:-1]:
        node = node[part]
    node[item_path[-1]] = copy.deepcopy(data)
    return doc_value


def _write(inp: _Input, outcome: FileOutcome, leftovers: dict) -> None:
    """Write the fixed text, unless the file changed since it was read (checked again right before the
    rename, and after it), is read-only or has the backup of an interrupted in-place write beside it
    (`leftovers`: real path -> atomic.Leftover). Keeps mode, owner and hard links (see atomic)."""
    try:
        leftover = leftovers.get(os.path.realpath(inp.path))
        if leftover is not None:
            outcome.write_error = f"not rewritten while {leftover.message()}"
            return
        if inp.st is None or not stat.S_ISREG(inp.st.st_mode):
            outcome.write_error = "not a regular file"
            return
        if not inp.st.st_mode & 0o222:
            outcome.write_error = (f"the file is read-only (mode {stat.S_IMODE(inp.st.st_mode):04o}); k8slint does "
                                   "not rewrite read-only files (make it writable to fix it)")
            return
        # through a symbolic link: replace the file it points to, not the link
        write_bytes_atomic(os.path.realpath(inp.path), encode_like(outcome.after, inp.raw),
                           expect=unchanged_since(inp.raw, inp.st))
        outcome.written = True
    except Changed as exc:
        outcome.write_error = str(exc)
    except OSError as exc:
        outcome.write_error = exc.strerror or str(exc)


# Files whose objects other files' fixes depend on: CRDs (validation), IngressClasses (ingress class moves),
# ThirdPartyResources (their custom resources), RBAC grants of PodSecurityPolicies (the suggested labels).
PRELOAD_WORDS = (b"CustomResourceDefinition", b"IngressClass", b"ThirdPartyResource", b"podsecuritypolicies",
                 b"RoleBinding")
# The RBAC grants serve only the fix of a PodSecurityPolicy: without one in the input (most repositories
# today) RBAC files are fixed like any other, in the workers.
PSP_GRANT_WORDS = (b"podsecuritypolicies", b"RoleBinding")


def _preload_paths(paths: list, max_file_size: int) -> list:
    """The paths to read first (see PRELOAD_WORDS), in order. One look at every file finds the few that may
    matter at all; only those are looked at again for the exact words (most files are read once, not twice)."""
    candidates = {p for p in paths if p != STDIN
                  and mentions(p, max_file_size, PRELOAD_WORDS + (b"PodSecurityPolicy",))}
    words = PRELOAD_WORDS
    if STDIN not in paths and not any(mentions(p, max_file_size, (b"PodSecurityPolicy",)) for p in candidates):
        words = tuple(w for w in PRELOAD_WORDS if w not in PSP_GRANT_WORDS)
    return [p for p in paths if p == STDIN or (p in candidates and mentions(p, max_file_size, words))]


def run_fix(paths: list, options: FixOptions) -> FixRun:
    """Fix every input (files already discovered; "-" is standard input, never written).

    Files are handled one at a time and let go, so memory does not grow with the input: only the files that
    others depend on (see PRELOAD_WORDS) are read first, to build the context and the CRD schemas."""
    lint_options = options.lint
    leftovers: dict = {}
    if options.write:  # temporary files and backups a killed run (kill -9) left next to the files to fix
        for directory in sorted({os.path.dirname(f(p)) for p in paths if p != STDIN
                                 for f in (os.path.abspath, os.path.realpath)}):
            remove_stale_temporaries(directory)
            leftovers.update((os.path.realpath(left.target), left) for left in settle_interrupted_writes(directory))
    linter = Linter(lint_options)
    linter.kustomize_inputs = kustomize_inputs_of(paths, lint_options.max_file_size)  # patches: parts of objects
    crd_inputs = [load_path(p, lint_options.max_file_size)
                  for p in lint_options.crd_files + lint_options.repository_crd_files]
    for loaded in crd_inputs:
        linter.register_crds(loaded)
    preloaded = {p: _read(p, lint_options.max_file_size, whole=True)
                 for p in _preload_paths(paths, lint_options.max_file_size)}
    for inp in preloaded.values():
        linter.register_crds(inp.loaded)
    store = default_store()
    ctx = context_for(lint_options.target, store, [r for inp in preloaded.values() for r in inp.loaded.resources
                                                   if r.file == inp.loaded.file], lint_options.current)
    verifier = _Verifier(lint_options, linter.crds.copy())
    refusals: dict = {}
    final = _FinalLint(options, crd_inputs, refusals, linter.crds)
    final.linter.kustomize_inputs = linter.kustomize_inputs

    def fix_one(inp, write_now: bool = True):
        try:
            outcome = (fix_pieces if inp.pieced else fix_file)(inp, linter, ctx, options, verifier, refusals)
        except Exception as exc:  # noqa: BLE001 - this file stays as it is, the other files are still fixed
            outcome = FileOutcome(inp.path, inp.loaded.file, inp.loaded.text)
            outcome.problem = _not_fixed(inp.loaded.file, exc)
        if outcome.problem is None:  # refused before fixing (too large): the final lint must still say so
            outcome.problem = next((f for f in inp.loaded.findings if f.rule_id == "YML020"), None)
        # (realpath costs a few system calls a file: only when there is a leftover to find)
        leftover = leftovers.get(os.path.realpath(inp.path)) if leftovers and inp.path != STDIN else None
        if leftover is not None and outcome.problem is None:  # said whether or not a fix would change it
            outcome.problem = _not_written(inp.loaded.file, f"not rewritten while {leftover.message()}")
        if outcome.changed and options.write and inp.path != STDIN:
            if write_now:
                write_one(inp, outcome)
            else:  # provisionally: the parent process writes it (see _fix_rest) and checks again if that fails
                outcome.written = True
        if options.diff and outcome.changed:
            outcome.diff = unified_diff(outcome.file, outcome.before, outcome.after)
        text = outcome.after if outcome.changed and outcome.write_error is None else outcome.before
        if inp.pieced:  # linted again piece by piece (see _FinalLint.check)
            return outcome, _PiecedText(inp, text, outcome.problem)
        untouched = outcome.lint is not None or not_editable(inp.loaded)
        if untouched and (outcome.problem is None or any(f is outcome.problem for f in inp.loaded.findings)):
            # what was read is what the final lint would read, and it says so already: not parsed again (a
            # second parse of a file at --max-file-size held both in memory at once; a file of 300,000 broken
            # documents was read twice)
            return outcome, inp.loaded
        if outcome.read_back is not None and text is outcome.after:
            loaded = outcome.read_back  # what load_text(text) would give: verifying the fix read it so
        else:
            loaded = load_text(text, inp.loaded.file) if text is not None else inp.loaded
        outcome.lint = outcome.read_back = None
        if outcome.problem is not None:
            loaded.findings.append(outcome.problem)
        return outcome, loaded

    def write_one(inp, outcome):
        _write(inp, outcome, leftovers)
        if outcome.written:
            written.append(inp.path)
        elif outcome.write_error and outcome.problem is None:  # a finding too, not only a line on stderr
            outcome.problem = _not_written(inp.loaded.file, outcome.write_error)

    written: list = []
    try:
        run = _fix_all(paths, preloaded, fix_one, write_one, final, lint_options, options.jobs)
        given = {os.path.realpath(p) for p in paths if p != STDIN}
        run.leftovers = [left for target, left in sorted(leftovers.items()) if target not in given]
        return run
    except KeyboardInterrupt as stop:  # Ctrl-C, SIGTERM, SIGHUP: say what is already on disk
        stop.written = list(written)
        raise


def _fix_all(paths, preloaded, fix_one, write_one, final, lint_options, jobs: int = 1) -> FixRun:

    done: dict = {}
    for path, inp in preloaded.items():  # first, so that their CRDs (as fixed) serve the final lint of all
        done[path] = fix_one(inp)
        final.register(done[path][1])
    final.prepare([loaded for _, loaded in done.values()])
    results: dict = {path: (outcome, final.check(loaded, outcome)) for path, (outcome, loaded) in done.items()}
    rest = [path for path in paths if path not in results]

    def here(path):
        outcome, loaded = fix_one(_read(path, lint_options.max_file_size))
        return outcome, final.check(loaded, outcome)

    if jobs is engine.AUTO or jobs > 1:  # (-j 1 never looks for workers)
        results.update(_fix_rest(rest, fix_one, write_one, here, final, lint_options, jobs))
    for path in rest:
        if path not in results:
            results[path] = here(path)
    outcomes = [results[p][0] for p in paths]
    return FixRun(outcomes, *final.result([results[p][1] for p in paths]))


# What a forked worker of fix runs on each path (inherited from the parent, as the whole fix state is).
_FIX_TASK = None


def _fix_batch(batch: list) -> list:
    return [_FIX_TASK(path) for path in batch]


def _fix_worker_signals() -> None:
    """Ctrl-C is the parent's to handle (it stops the pool); SIGTERM from the pool ends a worker quietly
    (engine._worker_signals: the worker was forked with it blocked, see engine._pool)."""
    import signal
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    engine._worker_signals()


def _fix_rest(paths: list, fix_one, write_one, here, final, lint_options, jobs) -> dict:
    """path -> (outcome, final findings) of files that nothing else depends on, computed over `jobs` forked
    processes. Workers never write: this process writes each file as its result comes, so an interrupted
    run knows exactly which files it rewrote, and a file it could not write is linted again as it is.
    The first batch is fixed here (`here(path)`), before the fork, as lint checks its first batch
    (engine.split_for_workers): what fixing and checking build lazily (the compiled validators of the fixer's
    lint, of the verifier and of the final lint, rule tables) is then built once and inherited, not once in
    every worker."""
    results, batches, jobs = engine.split_for_workers(paths, jobs, here)
    if jobs < 2 or len(batches) < 2:
        return results  # the rest is fixed here too, in order (_fix_all)

    def fix_and_check(path):
        inp = _read(path, lint_options.max_file_size)
        outcome, loaded = fix_one(inp, write_now=False)
        checked = final.check(loaded, outcome)
        if not outcome.changed:  # not sent back: the parent needs the texts of changed files only
            outcome.before = outcome.after = outcome.lint = None
        return outcome, checked, (inp.raw, inp.st) if outcome.written else None

    global _FIX_TASK
    _FIX_TASK = fix_and_check
    try:
        with engine._pool(min(jobs, len(batches)), _fix_worker_signals) as pool:
            for batch, batch_results in zip(batches, pool.imap(_fix_batch, batches)):
                for path, (outcome, checked, pending) in zip(batch, batch_results):
                    if pending is not None:
                        outcome.written = False
                        write_one(_Input(path, pending[0], LoadedFile(outcome.file, None), pending[1]), outcome)
                        if not outcome.written:  # left as it was: its findings are those of the old text
                            loaded = load_text(outcome.before, outcome.file)
                            loaded.findings.extend([outcome.problem] if outcome.problem is not None else [])
                            checked = final.check(loaded, outcome)
                    results[path] = (outcome, checked)
    finally:
        _FIX_TASK = None
    return results


@dataclass
class _PiecedText:
    """What the final lint reads of a pieced input: its text as fixed (or as read), in pieces, and the finding
    that says why it was not fixed or written, if any."""

    inp: _Input
    text: str
    problem: Finding | None

    def pieces(self):
        for n, piece in enumerate(_pieces(self.inp, self.text)):
            if n == 0 and self.problem is not None:
                piece.findings.append(self.problem)
            yield piece


class _FinalLint:
    """Lints the texts as they are now (written) or would be (preview) and says which findings have fixes."""

    def __init__(self, options: FixOptions, crd_inputs: list, refusals: dict, fixer_crds):
        self.options = options
        self.fixer_crds = fixer_crds
        self.refusals = refusals
        self.linter = Linter(options.lint)
        for loaded in crd_inputs:
            self.linter.register_crds(loaded)
        self.ctx = None
        self.same_crds = False  # does this lint know the CRDs the fixer's lint knew?

    def register(self, loaded: LoadedFile) -> None:
        self.linter.register_crds(loaded)

    def prepare(self, preloaded: list) -> None:
        self.ctx = context_for(self.options.lint.target, default_store(),
                               [r for loaded in preloaded for r in loaded.resources if r.file == loaded.file],
                               self.options.lint.current)
        self.same_crds = self.linter.crds.state() == self.fixer_crds.state()

    def check(self, loaded, outcome: FileOutcome) -> tuple:
        """(findings, objects, unsafe fixes left, kustomizations) of a LoadedFile or a _PiecedText."""
        moved = None
        if outcome.changed and not outcome.written and outcome.write_error is None:
            # a preview: the findings are of the fixed text, the file on disk is still the old one
            moved = PreviewPositions(outcome.file, outcome.before, outcome.after, outcome.edits, outcome.objects)
        if isinstance(loaded, _PiecedText):
            checked = self.linter.check_each(loaded.pieces())
        else:
            found = outcome.lint if outcome.lint is not None and self.same_crds else self.linter.check_file(loaded)
            checked = [(loaded, found)]
        out, objects, unsafe_available, kustomizations = [], [], 0, 0
        for piece, found in checked:
            if piece is None:  # the input's own findings (unused suppressions)
                out.extend([moved.move(f) for f in found] if moved else found)
                continue
            resources = None  # built at the first finding a fix may be about (most files have none)
            for f in found:
                if not (f.rule_id[:3] in ("API", "FLD", "REF") or is_removed_field(f)) or origin(f) != piece.file:
                    continue
                if resources is None:
                    resources = {(r.doc_index, r.ref): r for r in piece.resources + piece.kustomizations
                                 if r.file == piece.file}
                resource = resources.get((f.doc_index, f.obj))
                if resource is not None:
                    unsafe_available += _annotate(f, resource, self.ctx, self.options, self.refusals)
            out.extend([moved.move(f) for f in found] if moved else found)
            kustomizations += sum(1 for c in piece.kustomizations if c.file == piece.file)
            objects.extend((piece.file, r.ref) for r in piece.resources)
        return out, objects, unsafe_available, kustomizations

    @staticmethod
    def result(per_file: list) -> tuple:
        findings, objects, unsafe_available, kustomizations = [], [], 0, 0
        for found, file_objects, unsafe, file_kustomizations in per_file:
            findings.extend(found)
            objects.extend(file_objects)
            unsafe_available += unsafe
            kustomizations += file_kustomizations
        findings.sort(key=Finding.sort_key)
        return LintResult(findings, len(per_file), len(objects), objects, kustomizations), unsafe_available

def _annotate(f: Finding, resource: Resource, ctx, options: FixOptions, refusals: dict) -> int:
    """Say in a remaining finding what `fix` can or cannot do about it. Returns 1 for an unsafe fix left."""
    planned = plan_finding(resource, f, ctx)
    refused = refusals.get(_key(resource, f.rule_id))
    p = planned.proposal
    if p is not None and p.safety == FixSafety.UNSAFE and not options.unsafe:
        f.message += f" [unsafe fix not applied: {p.unsafe_because}; --unsafe-fixes would {p.title}]"
        f.suggestion = p.manual or f.suggestion
        f.fix = Fix(p.title, [], FixSafety.UNSAFE)
        return 1
    if refused:
        reason, manual = refused
        f.message += f" [automatic fix not applied: {reason}]"
        if manual or (p is not None and p.manual):
            f.suggestion = manual or p.manual
    elif planned.waits is not None:
        f.message += f" [fix {planned.reason}]"
        f.extra["fix_waits_for"] = str(planned.waits.opens)
    elif p is None and planned.reason and planned.reason != "k8slint has no automatic fix for this":
        f.message += f" [no automatic fix: {planned.reason}]"
        if planned.manual:
            f.suggestion = planned.manual
    return 0
