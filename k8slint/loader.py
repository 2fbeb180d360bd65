"""Files and stdin -> documents -> Kubernetes resources.

A file that cannot be read or parsed, or a document that is not a Kubernetes object, becomes a finding
(data), never an exception that stops the run: the other files and documents are still checked.
"""
from __future__ import annotations

import codecs
import sys
from dataclasses import dataclass, field

from .discover import STDIN
from .model import Finding, ObjectRef, Resource, Severity, format_json_path
from .yamlread import ParsedDocument, parse_documents

# Severity of the findings the loader itself produces; the rule registry documents them under these ids.
LOADER_SEVERITY = {
    "YML001": Severity.ERROR,    # YAML syntax error
    "YML002": Severity.ERROR,    # duplicate mapping key
    "YML003": Severity.INFO,     # document is not a Kubernetes object: skipped
    "YML004": Severity.ERROR,    # apiVersion / kind / metadata of the wrong shape
    "YML005": Severity.ERROR,    # YAML tag not allowed (never constructed)
    "YML006": Severity.ERROR,    # refused: alias bomb, nesting too deep, file too large
    "YML007": Severity.ERROR,    # file unreadable: permissions, binary, not UTF-8/UTF-16
}

DEFAULT_MAX_FILE_SIZE = 64 * 1024 * 1024  # bytes; see --max-file-size


@dataclass
class LoadedFile:
    """What one input produced: its text (None when unreadable), resources and the loader's findings."""

    file: str
    text: str | None
    resources: list = field(default_factory=list)
    findings: list = field(default_factory=list)
    documents: list = field(default_factory=list)  # the ParsedDocuments, for comment-aware features


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


def read_input(path: str, max_file_size: int = DEFAULT_MAX_FILE_SIZE) -> tuple:
    """(text, None) or (None, finding) for a file path or "-" (stdin)."""
    label = "<stdin>" if path == STDIN else path
    try:
        if path == STDIN:
            data = sys.stdin.buffer.read(max_file_size + 1)
        else:
            with open(path, "rb") as fh:
                data = fh.read(max_file_size + 1)
    except OSError as exc:
        return None, _finding("YML007", f"cannot read file: {exc.strerror or exc}", label)
    if len(data) > max_file_size:
        return None, _finding("YML006", f"file is larger than the limit of {max_file_size:,} bytes; refused "
                              "(raise it with --max-file-size)", label)
    return decode(data, label)


def load_path(path: str, max_file_size: int = DEFAULT_MAX_FILE_SIZE) -> LoadedFile:
    label = "<stdin>" if path == STDIN else path
    text, problem = read_input(path, max_file_size)
    if text is None:
        return LoadedFile(label, None, findings=[problem])
    return load_text(text, label)


def load_text(text: str, file: str) -> LoadedFile:
    """Every Kubernetes object in a YAML or JSON text, plus the findings about the text itself."""
    result = LoadedFile(file, text)
    for doc in parse_documents(text):
        result.documents.append(doc)
        for p in doc.problems:
            result.findings.append(_finding(p.rule_id, p.message, file, p.line, p.column, p.path,
                                            doc_index=doc.index))
        if doc.value is None:  # empty (skipped silently) or broken (its problems are reported above)
            continue
        _collect(doc, doc.value, (), file, result)
    return result


def _collect(doc: ParsedDocument, value, item_path: tuple, file: str, result: LoadedFile) -> None:
    span = doc.value_spans.get(item_path, doc.span)
    if not isinstance(value, dict):
        shape = "a list" if isinstance(value, list) else f"the scalar {value!r}"
        result.findings.append(_finding("YML003", f"document is {shape}, not a Kubernetes object; skipped",
                                        file, span.line, span.column, item_path, doc_index=doc.index))
        return
    api_version, kind = value.get("apiVersion"), value.get("kind")
    if api_version is None and kind is None:
        result.findings.append(_finding("YML003", "document has no apiVersion and kind, so it is not a "
                                        "Kubernetes object; skipped", file, span.line, span.column, item_path,
                                        doc_index=doc.index))
        return
    items = value.get("items")
    if isinstance(kind, str) and kind.endswith("List") and isinstance(items, list):  # List, PodList ...
        for i, item in enumerate(items):
            _collect(doc, item, item_path + ("items", i), file, result)
        return
    ref = ObjectRef(api_version if isinstance(api_version, str) else None, kind if isinstance(kind, str) else None,
                    None, None)
    bad_shape = False
    for key, present in (("apiVersion", api_version), ("kind", kind)):
        if not isinstance(present, str) or not present:
            where = doc.value_spans.get(item_path + (key,), span)
            what = "is missing" if present is None else f"must be a non-empty string, not {present!r}"
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
