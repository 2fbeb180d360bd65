"""Migrations computed in memory, the way `k8slint fix` computes them, without writing anything: what the
upgrade report needs to judge an object's validity in the target version after its migration."""
from __future__ import annotations

import re

from ..listitems import item_text
from ..model import Resource
from .apply import not_editable
from .migrations import NoFix
from .plan import FixContext, plan_resource
from .source import Document, SourceError, compose_documents, newline_of
from .yamledit import Editor, FixRefused


# A document separator line alone; anything that makes separators harder to read than "a line that is
# exactly ---" (directives, document ends, content or a tag after ---) sends the file to whole composition.
_SEPARATOR = re.compile(r"^---[ \t]*$", re.M)
_UNUSUAL = re.compile(r"^(?:%|\.\.\.|---[ \t]*[^ \t\n])", re.M)
_COMMENT_OR_BLANK = re.compile(r"(?:[ \t]*(?:#[^\n]*)?(?:\n|$))*")


def document_regions(text: str) -> list | None:
    """(start, end) in `text` of each YAML document, in order, when the text is split simply: separators
    are lines that are exactly `---`, there is no directive, no `...`, no anchor (composing a whole text can
    refuse a duplicate anchor in another document), no byte-order mark, no CR, no empty document; else None.
    Each region begins at a line start, so that its own text composes into the same nodes, at the same
    columns (tests/test_report_document_compose.py compares them)."""
    if "\r" in text or "&" in text or "\ufeff" in text or _UNUSUAL.search(text):
        return None
    regions, start = [], 0
    for m in _SEPARATOR.finditer(text):
        regions.append((start, m.start()))
        start = min(m.end() + 1, len(text))
    regions.append((start, len(text)))
    blank = [_COMMENT_OR_BLANK.fullmatch(text, a, b) is not None for a, b in regions]
    if any(blank[1:]):  # an explicit empty document: null, or nothing? left to the whole composition
        return None
    return regions[1:] if blank[0] else regions


class FileMigrator:
    """The objects of one loaded file, or of one piece of it (see loader.load_pieces), migrated in memory.
    Composes the documents once, on demand, and refuses exactly where `k8slint fix` would (a file with a YAML
    problem, objects from Helm releases). `unparsed`: does the whole input have a YAML problem (the piece
    may not know: a later piece may hold it)?"""

    def __init__(self, loaded, ctx: FixContext, unparsed: bool | None = None):
        self.loaded = loaded
        self.ctx = ctx
        self._roots = None
        self._regions = None  # document_regions of the text ([]: it does not split simply)
        self._documents: dict = {}
        self.unparsed = not_editable(loaded) if unparsed is None else unparsed
        self._text = loaded.own_text()
        self._newline = newline_of(loaded.text) if loaded.bounds and loaded.text is not None else None
        self._first = loaded.documents[0].index if loaded.documents else 0

    def refusal(self, resource: Resource) -> str | None:
        """Why `k8slint fix` never edits this object, or None."""
        if self.unparsed:
            return "k8slint fix does not rewrite a file with a YAML problem"
        if resource.file != self.loaded.file:
            return "the object is inside a Helm release record: change the chart and deploy it again"
        return None

    def document(self, resource: Resource) -> tuple:
        """(composed Document of the resource's YAML document, None) or (None, why not)."""
        why = self.refusal(resource)
        if why:
            return None, why
        if self.loaded.list_cut is not None and resource.item_path[:1] == ("items",):
            return self._item_document(resource.item_path[1])
        found = self._documents.get(resource.doc_index)
        if found is not None:
            return found, None
        document = self._own_document(resource.doc_index) if self.per_document else None
        if document is not None:
            self._documents[resource.doc_index] = document
            return document, None
        if self._roots is None:
            try:
                self._roots = compose_documents(self._text)
            except Exception:  # noqa: BLE001 - text the reader took but the composer does not: fix skips it too
                self._roots = []
        if len(self._roots) != len(self.loaded.documents):
            return None, "k8slint fix cannot edit this file (its documents do not compose the same way)"
        try:
            found = self._documents[resource.doc_index] = Document(
                self._text, self._roots[resource.doc_index - self._first], newline=self._newline)
        except SourceError as exc:
            return None, str(exc)
        return found, None

    # compose only the document at hand where the text splits simply (document_regions); off: the whole
    # text every time (tests compare both)
    per_document = True

    def _own_document(self, doc_index: int):
        """The Document of one document composed from its own text (a few documents' worth of nodes
        fewer), or None: the whole text is composed instead (it decides, and words, every refusal)."""
        if self._regions is None:
            self._regions = document_regions(self._text) or []
        if len(self._regions) != len(self.loaded.documents):
            return None
        start, end = self._regions[doc_index - self._first]
        text = self._text[start:end]
        try:
            roots = compose_documents(text)
            if len(roots) != 1:
                return None
            return Document(text, roots[0], newline=self._newline or newline_of(self._text))
        except Exception:  # noqa: BLE001 - whatever this text does, the whole composition says it
            return None

    def _item_document(self, i: int) -> tuple:
        """The Document of item i of a List read item by item (loader.load_text): its own text composed."""
        found = self._documents.get(("item", i))
        if found is None:
            start, end, body = self.loaded.list_cut.items[i]
            text = item_text(self.loaded.text, start, end, body)
            try:
                found = Document(text, compose_documents(text)[0], newline=newline_of(self.loaded.text))
            except SourceError as exc:
                return None, str(exc)
            self._documents = {("item", i): found}  # the item at hand only: the List's objects come in order
        return found, None

    def _within(self, resource: Resource) -> tuple:
        """The path, in its document, of what the resource's Document holds."""
        if self.loaded.list_cut is not None and resource.item_path[:1] == ("items",):
            return resource.item_path[:2]
        return self.loaded.item_prefix

    def migrate(self, resource: Resource, findings: list) -> tuple:
        """(the object after every fix k8slint knows for it, safe or not, or None when its apiVersion could
        not be migrated; {id(finding): why a fix could not run})."""
        refused: dict = {}
        document, why = self.document(resource)
        if document is None:
            return None, {id(f): why for f in findings}
        try:
            planned = plan_resource(resource, findings, self.ctx)
            editor = Editor(document, resource.item_path[len(self._within(resource)):], resource.data)
        except (SourceError, FixRefused, NoFix) as exc:
            return None, {id(f): getattr(exc, "reason", str(exc)) for f in findings}
        migrated_api = False
        for p in planned:
            if p.proposal is None:
                continue
            try:
                with editor.fix(p.proposal.rule_id + ":" + ".".join(map(str, p.proposal.path))):
                    p.proposal.run(editor)
            except (FixRefused, NoFix, SourceError) as exc:
                if p.finding is not None:
                    refused[id(p.finding)] = exc.reason if isinstance(exc, NoFix) else str(exc)
                continue
            if p.finding is not None and p.finding.rule_id.startswith("API") and p.finding.json_path == "apiVersion":
                migrated_api = True
        try:
            editor.edits()
        except (FixRefused, SourceError) as exc:
            return None, {id(f): str(exc) for f in findings}
        if not migrated_api:
            return None, refused
        return editor.data, refused
