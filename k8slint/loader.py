"""Files and stdin -> documents -> Kubernetes resources.

A file that cannot be read or parsed, or a document that is not a Kubernetes object, becomes a finding
(data), never an exception that stops the run: the other files and documents are still checked.

Sources that are not plain manifests (see `sources`):
- rendered Helm output: every document after a `# Source: CHART/templates/FILE.yaml` comment is mapped to
  that template; `LoadedFile.relabel` renames findings accordingly (the engine calls it last);
- an unrendered template (`{{ ... }}` where YAML should be) is one YML008 finding, nothing else;
- a Helm 3 release record (Secret of type helm.sh/release.v1, or the configmap driver's ConfigMap) is not
  itself checked: the manifest and hooks of a *deployed* revision are, as files named
  `helm:NAMESPACE/RELEASE@REVISION:CHART/templates/FILE.yaml`; other revisions are skipped silently;
- kustomize's configuration (kustomization.yaml, apiVersion kustomize.config.k8s.io/...) is not a Kubernetes
  object: it is kept apart in `LoadedFile.kustomizations` (only the REF rule for patch targets reads it, see
  rules.logic.api_references), never validated; a Helm chart's Chart.yaml is skipped quietly.
"""
from __future__ import annotations

import codecs
import os
import stat
import sys

from .discover import STDIN
from .model import FACTORY, Finding, ObjectRef, Resource, Severity, field, format_json_path, record
from .sources import (MAX_RELEASE_BYTES, ReleaseError, SourceMap, decode_release, find_unrendered_template,
                      helm_source_map, is_chart_metadata_file, is_kustomization_file, is_kustomize_config,
                      release_label_status, release_storage)
# listitems and yamlread (PyYAML and libyaml behind them) are imported where a text is parsed: a run
# answered by the result cache reads and digests files, and never imports them

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no FIFOs to worry about
    fcntl = None

# Severity of the findings the loader itself produces; the rule registry documents them under these ids.
LOADER_SEVERITY = {
    "YML001": Severity.ERROR,    # YAML syntax error
    "YML002": Severity.ERROR,    # duplicate mapping key
    "YML003": Severity.INFO,     # document is not a Kubernetes object: skipped
    "YML004": Severity.ERROR,    # apiVersion / kind / metadata of the wrong shape
    "YML005": Severity.ERROR,    # YAML tag not allowed (never constructed)
    "YML006": Severity.ERROR,    # refused: alias bomb, nesting too deep, file too large
    "YML007": Severity.ERROR,    # file unreadable: permissions, binary, not UTF-8/UTF-16
    "YML008": Severity.ERROR,    # an unrendered template ({{ ... }}): render it first
    "YML009": Severity.ERROR,    # a Helm release record that cannot be decoded
    "YML010": Severity.ERROR,    # nothing to lint: the whole input holds no Kubernetes object
    "YML011": Severity.INFO,     # a kustomize patch or plugin configuration (see kustomize_inputs)
    "YML020": Severity.ERROR,    # fix could not handle (or safely write) a file: left unchanged
}

# Decompressed Helm release records one input may expand to, all releases together (each is also bounded
# by sources.MAX_RELEASE_BYTES).
MAX_RELEASES_BYTES_PER_INPUT = 256 * 1024 * 1024

# Bytes; see --max-file-size. lint reads large multi-document files a piece at a time (load_pieces), so
# they cost about 3 times their size in memory (an 80 MB file peaks near 280 MB), and a block-style List an
# item at a time (listitems); but any other huge document is parsed whole, at about 50 times its size.
# Larger files are therefore refused with a finding unless the user raises the limit.
DEFAULT_MAX_FILE_SIZE = 16 * 1024 * 1024


@record
class LoadedFile:
    """What one input produced: its text (None when unreadable), resources and the loader's findings."""

    file: str
    text: str | None
    resources: list = field(default_factory=list)
    findings: list = field(default_factory=list)
    documents: list = field(default_factory=list)  # the ParsedDocuments, for comment-aware features
    # file label of findings -> SourceMap: rendered Helm output, whose findings name the template
    source_maps: dict = field(default_factory=dict)
    release_bytes: int = 0  # decompressed Helm release records read so far (bounded per input)
    # kustomize's configuration documents, as Resources that are never validated (not Kubernetes objects)
    kustomizations: list = field(default_factory=list)
    # (start, end) of the text this piece covers when it is one piece of a larger input (see load_pieces);
    # None: the whole text
    bounds: tuple | None = None
    # when this piece is one item of a List document (see listitems): (its path in the document, e.g.
    # ("items", 3), the index in the text where the item begins: its own text blanks its line before that)
    item: tuple | None = None
    # a large List read whole but item by item (load_text): its listitems.ListCut, so that the fixer composes
    # the item it edits, not the whole document
    list_cut: object = None

    def __init__(self, file, text, resources=FACTORY, findings=FACTORY, documents=FACTORY, source_maps=FACTORY,
                 release_bytes=0, kustomizations=FACTORY, bounds=None, item=None, list_cut=None):
        self.file = file
        self.text = text
        self.resources = [] if resources is FACTORY else resources
        self.findings = [] if findings is FACTORY else findings
        self.documents = [] if documents is FACTORY else documents
        self.source_maps = {} if source_maps is FACTORY else source_maps
        self.release_bytes = release_bytes
        self.kustomizations = [] if kustomizations is FACTORY else kustomizations
        self.bounds = bounds
        self.item = item
        self.list_cut = list_cut

    def own_text(self) -> str | None:
        """The text of this piece as YAML documents of their own (what the fixer composes and edits), at the
        same indices as within `text` from `bounds`' start."""
        if self.text is None or self.bounds is None:
            return self.text
        start, end = self.bounds
        if self.item is None:
            return self.text[start:end]
        from .listitems import item_text
        return item_text(self.text, start, end, self.item[1])

    @property
    def item_prefix(self) -> tuple:
        """The path, in its document, of what this piece's own text holds: () for whole documents."""
        return self.item[0] if self.item is not None else ()

    def relabel(self, findings: list) -> list:
        """Findings of this input with the file and line of the template that rendered them.

        A finding inside a document that follows a Helm `# Source: PATH` comment gets `file` = PATH (behind
        the release label for Helm release records), `line` counted from that comment (line 1 is the line
        after it) and `extra["rendered_at"]` = the original "FILE:LINE". Findings of a Helm release also get
        `extra["helm_release"]`. Other findings are returned unchanged; relabelling twice changes nothing.
        Call it last, after anything that matches findings against this input's text (suppressions)."""
        if not self.source_maps:
            return list(findings)
        import dataclasses
        out = []
        for f in findings:
            source_map = self.source_maps.get(f.file)
            if source_map is None or "rendered_at" in f.extra:
                out.append(f)
                continue
            extra = dict(f.extra)
            extra.update(source_map.extra)
            segment = source_map.locate(f.line)
            if segment is None:
                out.append(dataclasses.replace(f, extra=extra))
                continue
            extra["rendered_at"] = f"{f.file}:{f.line}"
            out.append(dataclasses.replace(f, file=source_map.prefix + segment.source,
                                           line=f.line - segment.first_line + 1, extra=extra))
        return out


def _finding(rule_id: str, message: str, file: str, line: int = 1, column: int = 1, path: tuple = (),
             obj: ObjectRef | None = None, doc_index: int = 0) -> Finding:
    return Finding(rule_id, LOADER_SEVERITY[rule_id], message, file, line, column, format_json_path(path),
                   obj, doc_index=doc_index)


def decode(data: bytes, file: str) -> tuple:
    """Bytes -> (text, None) or (None, finding). Accepts UTF-8 (with or without BOM) and UTF-16/32 with BOM."""
    for bom, encoding in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                          (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(encoding), None
            except UnicodeDecodeError as exc:
                return None, _finding("YML007", f"file starts with a {encoding} byte-order mark but is not valid "
                                      f"{encoding}: {exc.reason}", file)
    if b"\x00" in data[:8192]:
        return None, _finding("YML007", "binary file (contains NUL bytes); not a manifest", file)
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        before = data[:exc.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        return None, _finding("YML007", f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
                              "Kubernetes manifests must be UTF-8", file, line, column)


def read_limited(path: str, limit: int) -> bytes:
    """At most `limit` bytes of the file `path`. A FIFO is opened without waiting for a writer: one that
    has a writer (`<(helm template ...)`) is read to its end, one that has none reads as empty instead of
    blocking the run forever. Raises OSError."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        st = os.fstat(fd)
        if stat.S_ISREG(st.st_mode):  # O_NONBLOCK means nothing to a regular file; no buffer: see _read_chunks
            return _read_chunks(lambda n: os.read(fd, n), limit, first=st.st_size + 1)
        if fcntl is not None:
            flags = fcntl.fcntl(fd, fcntl.F_GETFL)
            fcntl.fcntl(fd, fcntl.F_SETFL, flags & ~os.O_NONBLOCK)  # now wait for data as usual
        with os.fdopen(fd, "rb", closefd=False) as fh:
            return read_upto(fh, limit)
    finally:
        os.close(fd)


_READ_CHUNK = 1 << 24
_PROBE = 1 << 16


def read_upto(stream, limit: int) -> bytes:
    """At most `limit` bytes of a binary stream, read in chunks: `read(limit)` allocates `limit` bytes
    up front, and --max-file-size may be far more than the memory there is."""
    return _read_chunks(stream.read, limit)


def _read_chunks(read, limit: int, first: int = _READ_CHUNK) -> bytes:
    """At most `limit` bytes from `read(n)`, a request of `first` bytes first (a regular file's size plus
    one). A request shorter than asked for is followed by a small probe, not by another _READ_CHUNK (which
    allocates 16 MiB however little is left): reading a file a few KiB long costs what it is, and a file
    that grows meanwhile is still read on, up to `limit`."""
    chunks, remaining, want = [], limit, first
    while remaining > 0:
        chunk = read(min(remaining, want))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
        want = _READ_CHUNK if len(chunk) == want else _PROBE
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def read_bytes(path: str, max_file_size: int = DEFAULT_MAX_FILE_SIZE) -> tuple:
    """(bytes, None) or (None, finding) for a file path or "-" (stdin); files over the limit are refused."""
    label = "<stdin>" if path == STDIN else path
    try:
        if path == STDIN:
            data = read_upto(sys.stdin.buffer, max_file_size + 1)
        else:
            data = read_limited(path, max_file_size + 1)
    except OSError as exc:
        return None, _finding("YML007", f"cannot read file: {exc.strerror or exc}", label)
    if len(data) > max_file_size:
        return None, _finding("YML006", f"file is larger than the limit of {max_file_size:,} bytes; refused "
                              "(raise it with --max-file-size)", label)
    return data, None


def read_input(path: str, max_file_size: int = DEFAULT_MAX_FILE_SIZE, data: bytes | None = None) -> tuple:
    """(text, None) or (None, finding) for a file path or "-" (stdin); `data` = its bytes, when already read."""
    problem = None
    if data is None:
        data, problem = read_bytes(path, max_file_size)
    if data is None:
        return None, problem
    return decode(data, "<stdin>" if path == STDIN else path)


def load_path(path: str, max_file_size: int = DEFAULT_MAX_FILE_SIZE, *, data: bytes | None = None) -> LoadedFile:
    label = "<stdin>" if path == STDIN else path
    text, problem = read_input(path, max_file_size, data)
    if text is None:
        return LoadedFile(label, None, findings=[problem])
    return load_text(text, label)


def load_text(text: str, file: str) -> LoadedFile:
    """Every Kubernetes object in a YAML or JSON text, plus the findings about the text itself."""
    result = LoadedFile(file, text)
    template = find_unrendered_template(text, None if file == "<stdin>" else file)
    if template is not None:
        result.findings.append(_template_finding(template, file))
        return result
    cut = None
    if len(text) > PIECE_CHARS:  # listitems (and PyYAML's parser it checks items with) only for a large text
        from .listitems import cut_items
        cut = cut_items(text)
    if cut is not None:  # a large List: its items read one by one (no node graph of the whole to place them)
        _load_list_whole(text, file, result, cut)
        return result
    _load_documents(text, file, result, top_level=True)
    return result


def _load_list_whole(text: str, file: str, result: LoadedFile, cut) -> None:
    """load_text of a List document cut into its items: what reading it whole gives, its one document (for
    the fixer) the List's value with each item's spans."""
    from .listitems import ItemSpans, list_without_items
    from .yamlread import ParsedDocument, parse_documents
    found_map = helm_source_map(text)
    if found_map is not None:
        result.source_maps[file] = found_map
    from .yamlread import NotObjects
    values, spans, keys, problems, notes = [], [], [], [], []
    not_objects = NotObjects()
    for piece in _list_items(text, file, cut, result.source_maps, not_objects=not_objects):
        for doc in piece.documents:
            values.append(doc.value)
            spans.append(doc.value_spans)
            keys.append(doc.key_spans)
            problems.extend(doc.problems)
            notes.extend(doc.notes)
        result.resources.extend(piece.resources)
        result.findings.extend(piece.findings)
        result.kustomizations.extend(piece.kustomizations)
        result.release_bytes = piece.release_bytes
    head = parse_documents(list_without_items(text, cut))[0]
    value = {k: (values if k == "items" else v) for k, v in head.value.items()}
    result.documents.append(ParsedDocument(0, value, ItemSpans(spans), ItemSpans(keys), head.span, problems, notes))
    result.list_cut = cut
    _report_skipped(file, result, not_objects)


# Inputs larger than this are read and checked a piece at a time (see load_pieces).
PIECE_CHARS = 1 << 20
# ... and a piece holds at most about this many documents: the parsed form of a document costs a few
# hundred bytes beyond its text, which a megabyte of tiny documents (100,000 of them) made 300 MB.
PIECE_DOCUMENTS = 2000


def load_pieces(path: str, max_file_size: int = DEFAULT_MAX_FILE_SIZE, piece_chars: int = PIECE_CHARS,
                *, data: bytes | None = None):
    """The input as a sequence of LoadedFiles, one per piece of about `piece_chars` characters cut at
    document boundaries, so that a large file's parsed nodes never all exist at once. Positions and document
    indices are the whole input's; every piece carries the whole text (for comments) and the input's source
    maps. A small input is one piece, exactly what load_path gives."""
    label = "<stdin>" if path == STDIN else path
    text, problem = read_input(path, max_file_size, data)
    if text is None:
        yield LoadedFile(label, None, findings=[problem])
        return
    plan = piece_plan(text, label, piece_chars)
    if plan is None:
        yield load_text(text, label)
        return
    source_maps: dict = {}
    found_map = helm_source_map(text)
    if found_map is not None:
        source_maps[label] = found_map
    from .yamlread import BrokenDocuments, NotObjects
    # broken documents and documents that are no objects, counted per input, summed up with its last piece
    broken, not_objects = BrokenDocuments(), NotObjects()
    last = None
    for piece in _planned_pieces(text, label, plan if isinstance(plan, list) else [plan], source_maps, broken,
                                 not_objects):
        if last is not None:
            yield last
        last = piece
    if last is not None:
        _report_skipped(label, last, broken, not_objects)
        yield last


def _planned_pieces(text: str, label: str, plan: list, source_maps: dict, broken, not_objects):
    """The LoadedFiles of a piece plan (see piece_plan): whole documents, and the items of Lists."""
    first_index, release_bytes, line, counted = 0, 0, 0, 0
    for entry in plan:
        if not isinstance(entry, tuple):  # one List document, an item at a time
            for result in _list_items(text, label, entry, source_maps, first_index, release_bytes, not_objects):
                release_bytes = result.release_bytes
                yield result
            first_index += 1
            continue
        start, end = entry
        line += text.count("\n", counted, start)  # counted on from the piece before: linear in the text
        counted = start
        result = LoadedFile(label, text, source_maps=source_maps, release_bytes=release_bytes, bounds=(start, end))
        _load_documents(text[start:end], label, result, top_level=True,
                        piece=(line, start, first_index), broken=broken,
                        not_objects=not_objects)
        first_index += len(result.documents)
        release_bytes = result.release_bytes
        yield result


def piece_plan(text: str, label: str, piece_chars: int = PIECE_CHARS):
    """How load_pieces cuts this text: a list of (start, end) pieces of whole documents, a ListCut (one
    List document, read an item at a time), or None when it is read whole."""
    if (len(text) <= piece_chars and text.count("\n---") < PIECE_DOCUMENTS) \
            or find_unrendered_template(text, None if label == "<stdin>" else label) is not None:
        return None  # (a short text of thousands of tiny documents is read in pieces too)
    from .yamlread import document_chunks
    plan = []
    # documents together, in pieces of >= piece_chars or of PIECE_DOCUMENTS documents
    for start, end in document_chunks(text, piece_chars, PIECE_DOCUMENTS):
        plan.extend(_with_lists(text, start, end, piece_chars) if end - start > piece_chars else [(start, end)])
    if len(plan) == 1:
        return None if isinstance(plan[0], tuple) else plan[0]
    return plan


def _with_lists(text: str, start: int, end: int, piece_chars: int) -> list:
    """The piece text[start:end] as plan entries: a large List document in it alone, read an item at a
    time (listitems), and the documents around it as pieces. (Its documents are listed one piece at a time:
    a file of a million tiny documents never lists them all at once.)"""
    from .listitems import cut_items, moved
    from .yamlread import document_chunks
    whole = start == 0 and end == len(text)
    out, rest = [], start
    for at, stop in document_chunks(text if whole else text[start:end], 0):
        if stop - at <= piece_chars:
            continue
        cut = cut_items(text if whole and stop - at == len(text) else text[start + at:start + stop])
        if cut is None:
            continue
        if start + at > rest:
            out.append((rest, start + at))
        out.append(moved(cut, start + at))
        rest = start + stop
    if rest < end or not out:
        out.append((rest, end))
    return out


def _list_items(text: str, file: str, cut, source_maps: dict, doc_index: int = 0, release_bytes: int = 0,
                not_objects: "NotObjects | None" = None):
    """One LoadedFile per item of a List document (see listitems), the document `doc_index` of the text: each
    item's text is parsed alone, at its place in the whole text, and its findings are those of the List read
    whole."""
    from .listitems import Prefixed, item_text, shifted
    from .yamlread import ParsedDocument, Problem, parse_documents
    quiet = is_kustomization_file(file) or is_chart_metadata_file(file)
    line, counted, line_start = 0, 0, 0
    for i, (start, end, body) in enumerate(cut.items):
        line += text.count("\n", counted, start)  # counted on from the last item: linear in the text
        line_start = max(line_start, text.rfind("\n", counted, start) + 1)
        counted = start
        prefix = ("items", i)
        # how far right of its own text's columns the item's first line stands: 0 from the start of a line;
        # for an item inside a line (a one-line JSON List), what precedes it there, left out of its own text
        shift = (line + 1, start - line_start)
        result = LoadedFile(file, text, source_maps=source_maps, release_bytes=release_bytes, bounds=(start, end),
                            item=(prefix, body))
        for doc in parse_documents(item_text(text, start, end, body), line, start, 0):
            doc = ParsedDocument(doc_index, doc.value, Prefixed(doc.value_spans, prefix, shift),
                                 Prefixed(doc.key_spans, prefix, shift), shifted(doc.span, shift),
                                 [shifted(Problem(p.rule_id, p.message, p.line, p.column, prefix + p.path), shift)
                                  for p in doc.problems],
                                 [(k, prefix + p, t) for (k, p, t) in doc.notes])
            result.documents.append(doc)
            for p in doc.problems:
                result.findings.append(_finding(p.rule_id, p.message, file, p.line, p.column, p.path))
            _collect(doc, doc.value, prefix, file, result, True, quiet, tally=not_objects)
        release_bytes = result.release_bytes
        yield result


def _load_documents(text: str, file: str, result: LoadedFile, top_level: bool,
                    source_map: SourceMap | None = None, piece: tuple | None = None,
                    broken: BrokenDocuments | None = None, not_objects: "NotObjects | None" = None) -> None:
    """Parse `text` and collect its objects into `result` under the file label `file`. Only the input
    itself (top_level) may hold Helm release records: a release's manifest is never unpacked further.
    `piece` = (line offset, character offset, first document index) when `text` is one piece of a larger
    input whose source map the caller already set; `broken` then counts the input's broken documents
    across its pieces, and the caller reports those past the limit (_report_skipped)."""
    from .yamlread import BrokenDocuments, NotObjects, parse_documents
    if piece is None:
        found_map = helm_source_map(text)
        if found_map is not None or source_map is not None:
            merged = source_map or SourceMap()
            if found_map is not None:
                merged.segments = found_map.segments
            result.source_maps[file] = merged
    kustomization = top_level and is_kustomization_file(file)
    quiet = kustomization or (top_level and is_chart_metadata_file(file))
    own = broken is None
    broken = BrokenDocuments() if own else broken
    not_objects = NotObjects() if not_objects is None else not_objects
    for doc in parse_documents(text, *(piece or (0, 0, 0)), broken=broken):
        if top_level:
            result.documents.append(doc)
        not_an_object = _not_an_object(doc.value)
        # a List's problems come with its items, as when it is read an item at a time (_list_items)
        per_item: dict = {} if _is_list(doc.value) and not is_kustomize_config(doc.value) else None
        for p in doc.problems:
            if not_an_object and p.rule_id == "YML005":
                continue  # a tag Kubernetes refuses, in a document it never reads (mkdocs.yml): YML003 says so
            finding = _finding(p.rule_id, p.message, file, p.line, p.column, p.path, doc_index=doc.index)
            if per_item is not None and len(p.path) > 1 and p.path[0] == "items" and isinstance(p.path[1], int):
                per_item.setdefault(p.path[1], []).append(finding)
            else:
                result.findings.append(finding)
        if doc.value is None:  # empty (skipped silently) or broken (its problems are reported above)
            continue
        if top_level and isinstance(doc.value, dict) and (is_kustomize_config(doc.value)
                                            or (kustomization and doc.value.get("kind") is None)):
            result.kustomizations.append(Resource(file=file, doc_index=doc.index, data=doc.value,
                                                  value_spans=doc.value_spans, key_spans=doc.key_spans,
                                                  doc_span=doc.span))
            continue
        _collect(doc, doc.value, (), file, result, top_level, quiet, per_item, not_objects)
    if own:
        _report_skipped(file, result, broken, not_objects)


def _not_an_object(value) -> bool:
    """Is this parsed document one _collect skips as not a Kubernetes object (YML003)?"""
    if value is None:
        return False  # empty or broken: its problems are all there is to say
    return not isinstance(value, dict) or ("apiVersion" not in value and "kind" not in value)


def _report_skipped(file: str, result: LoadedFile, *tallies: BrokenDocuments) -> None:
    """One finding for each kind of document not reported one by one (broken ones, ones that are no objects)."""
    for tally in tallies:
        problem = tally.summary()
        if problem is not None:
            result.findings.append(_finding(problem.rule_id, problem.message, file, problem.line, problem.column))


def _reported(tally: NotObjects | None, line: int) -> bool:
    """Is this document that is no object to be reported one by one (else counted)?"""
    if tally is None or tally.take():
        return True
    tally.skip(line)
    return False


def _template_finding(template, file: str) -> Finding:
    """The one finding an unrendered template gets (its YAML errors would only be noise)."""
    if template.reason == "chart":
        why = f"this file is a template of the Helm chart at `{template.chart_dir}`"
        render = f"helm template {template.chart_dir} | k8slint lint -"
    elif template.reason == "helm-object":
        why = f"{template.action} uses Helm's template values"
        render = "helm template CHART | k8slint lint -"
    else:
        why = f"{template.action} is template syntax where YAML is expected"
        render = "helm template CHART | k8slint lint -"
    finding = _finding("YML008", f"unrendered template, not checked: {why}; render it first "
                       f"(`{render}`)", file, template.line, template.column)
    finding.suggestion = ("Lint what the template renders to, not the template. If the braces are meant "
                          "literally (an alerting or notification template kept in a value), quote the value "
                          "or use a block scalar (|).")
    return finding


def _is_list(value) -> bool:
    """Is this a List (List, PodList ...) whose items _collect reads (unless it is kustomize's own)?"""
    if not isinstance(value, dict):
        return False
    kind = value.get("kind")
    return isinstance(kind, str) and kind.endswith("List") and isinstance(value.get("items"), list)


def _collect(doc: ParsedDocument, value, item_path: tuple, file: str, result: LoadedFile,
             top_level: bool = True, quiet: bool = False, per_item: dict | None = None,
             tally: NotObjects | None = None) -> None:
    """`per_item`: the findings about the text of each item of the List `value`, to report before it;
    `tally`: the input's count of what is no object (see NotObjects; None: every one reported)."""
    span = doc.value_spans.get(item_path, doc.span)
    if isinstance(value, dict) and (is_kustomize_config(value) or (quiet and value.get("kind") is None)):
        return  # kustomize's or Helm's own configuration: not a Kubernetes object, nothing to say about it
    if not isinstance(value, dict):
        if _reported(tally, span.line):
            shape = "a list" if isinstance(value, list) else f"the scalar {value!r}"
            result.findings.append(_finding("YML003", f"document is {shape}, not a Kubernetes object; skipped",
                                            file, span.line, span.column, item_path, doc_index=doc.index))
        return
    api_version, kind = value.get("apiVersion"), value.get("kind")
    if "apiVersion" not in value and "kind" not in value:  # a document with either key is meant as an object
        if _reported(tally, span.line):
            result.findings.append(_finding("YML003", "document has no apiVersion and kind, so it is not a "
                                            "Kubernetes object; skipped", file, span.line, span.column, item_path,
                                            doc_index=doc.index))
        return
    if _is_list(value):
        for i, item in enumerate(value["items"]):
            result.findings.extend((per_item or {}).get(i, ()))
            _collect(doc, item, item_path + ("items", i), file, result, top_level, quiet, tally=tally)
        return
    if top_level and release_storage(value) is not None:
        _load_release(doc, value, item_path, file, result)
        return
    ref = ObjectRef(api_version if isinstance(api_version, str) else None, kind if isinstance(kind, str) else None,
                    None, None)
    bad_shape = False
    for key, present in (("apiVersion", api_version), ("kind", kind)):
        if not isinstance(present, str) or not present:
            where = doc.value_spans.get(item_path + (key,), span)
            what = ("is missing" if key not in value else "has no value" if present is None
                    else f"must be a non-empty string, not {present!r}")
            result.findings.append(_finding("YML004", f"{key} {what}", file, where.line, where.column,
                                            (key,), ref, doc.index))
            bad_shape = True
    if bad_shape:
        return
    resource = Resource(file=file, doc_index=doc.index, data=value, value_spans=doc.value_spans,
                        key_spans=doc.key_spans, doc_span=span, item_path=item_path)
    n = len(item_path)
    resource.notes = [(k, p[n:], t) for (k, p, t) in doc.notes if p[:n] == item_path]
    result.resources.append(resource)


def _load_release(doc: ParsedDocument, value: dict, item_path: tuple, file: str, result: LoadedFile) -> None:
    """A Helm 3 release record: lint what the deployed revision installed, not the record itself."""
    label_status = release_label_status(value)
    if label_status is not None and label_status != "deployed":
        return  # superseded, failed, uninstalled ... history: skipped silently
    meta = value.get("metadata") if isinstance(value.get("metadata"), dict) else {}
    ref = ObjectRef("v1", value.get("kind"), meta.get("namespace") if isinstance(meta.get("namespace"), str)
                    else None, meta.get("name") if isinstance(meta.get("name"), str) else None)
    where = doc.value_spans.get(item_path + ("data", "release")) or doc.value_spans.get(item_path, doc.span)
    budget = MAX_RELEASES_BYTES_PER_INPUT - result.release_bytes
    try:
        if budget <= 0:
            raise ReleaseError(f"this input already unpacked {MAX_RELEASES_BYTES_PER_INPUT:,} bytes of Helm "
                               "release records; refused")
        release = decode_release(value, min(MAX_RELEASE_BYTES, budget))
    except ReleaseError as exc:
        result.findings.append(_finding("YML009", f"Helm release record {ref.name or '?'} cannot be read: {exc}; "
                                        "its manifest was not checked", file, where.line, where.column,
                                        ("data", "release"), ref, doc.index))
        return
    result.release_bytes += release.size
    if label_status is None and release.status != "deployed":
        return
    record = doc.value_spans.get(item_path, doc.span)  # the Secret or ConfigMap: what CI formats point at
    extra = {"helm_release": {**release.describe(), "record": f"{file}:{record.line}"}}
    label = release.label
    _load_documents(release.manifest, label, result, top_level=False,
                    source_map=SourceMap(prefix=label + ":", extra=extra))
    for hook in release.hooks:  # a hook's manifest is one document without a `# Source:` comment
        hook_label = f"{label}:{hook.path}"
        if hook_label not in result.source_maps:
            result.source_maps[hook_label] = SourceMap(prefix=label + ":", extra=extra)
        _load_documents(hook.manifest, hook_label, result, top_level=False,
                        source_map=result.source_maps[hook_label])
