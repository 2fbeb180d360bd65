"""Migrations computed in memory, the way `k8slint fix` computes them, without writing anything: what the
upgrade report needs to judge an object's validity in the target version after its migration."""
from __future__ import annotations

from ..listitems import item_text
from ..model import Resource
from .apply import not_editable
from .migrations import NoFix
from .plan import FixContext, plan_resource
from .source import Document, SourceError, compose_documents, newline_of
from .yamledit import Editor, FixRefused


class FileMigrator:
    """The objects of one loaded file, or of one piece of it (see loader.load_pieces), migrated in memory.
    Composes the documents once, on demand, and refuses exactly where `k8slint fix` would (a file with a YAML
    problem, objects from Helm releases). `unparsed`: does the whole input have a YAML problem (the piece
    may not know: a later piece may hold it)?"""

    def __init__(self, loaded, ctx: FixContext, unparsed: bool | None = None):
        self.loaded = loaded
        self.ctx = ctx
        self._roots = None
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
        if self._roots is None:
            try:
                self._roots = compose_documents(self._text)
            except Exception:  # noqa: BLE001 - text the reader took but the composer does not: fix skips it too
                self._roots = []
        if len(self._roots) != len(self.loaded.documents):
            return None, "k8slint fix cannot edit this file (its documents do not compose the same way)"
        found = self._documents.get(resource.doc_index)
        if found is None:
            try:
                found = self._documents[resource.doc_index] = Document(
                    self._text, self._roots[resource.doc_index - self._first], newline=self._newline)
            except SourceError as exc:
                return None, str(exc)
        return found, None

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
