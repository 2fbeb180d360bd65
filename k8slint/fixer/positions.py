"""Positions of a fix preview: the findings that would remain are found by linting the fixed text, but the
file on disk is still the old one, so their lines and columns are moved back to the old text.

The edits say exactly how the texts differ (no diff heuristics): a position outside every edit moves by the
size of the edits before it; one inside a replacement text exists only after the fix and is placed at the
start of the text it replaces, with `extra["after_fix"]` = its position in the fixed text. Objects are
named with their apiVersion on disk too.
"""
from __future__ import annotations

import bisect
from array import array
from itertools import accumulate
import dataclasses
import re

from ..loader import LoadedFile, load_text
from ..sources import helm_source_map


class OffsetMap:
    """Character offsets of the fixed text -> (offset in the text on disk, inside a replacement?)."""

    def __init__(self, edits: list):
        # ascending order is the order apply_edits leaves the replacement texts in
        self._starts, self._spans = [], []  # per edit: fixed-text start; (fixed end, old start, old end)
        shift = 0
        for e in sorted(edits, key=lambda e: (e.start, e.end)):
            start = e.start + shift
            self._starts.append(start)
            self._spans.append((start + len(e.text), e.start, e.end))
            shift += len(e.text) - (e.end - e.start)

    def old(self, offset: int) -> tuple:
        i = bisect.bisect_right(self._starts, offset) - 1
        if i < 0:
            return offset, False
        end, old_start, old_end = self._spans[i]
        if offset < end:
            return old_start, True
        return old_end + (offset - end), False


# the line breaks the YAML reader counts lines by (YAML 1.1, as libyaml): CRLF counts once
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def _line_starts(text: str) -> array:
    """Offsets of the line starts, packed (8 bytes a line, not 36: a large file has a million lines)."""
    starts = array("q", [0])
    if len(text) <= _SPLIT_CHARS and "\x85" not in text and "\u2028" not in text and "\u2029" not in text \
            and text.count("\r") == text.count("\r\n"):
        # breaks are \n alone: each line start is one past the lengths of the lines before (computed without
        # a Python step per line; the pattern tests every character)
        starts.extend(accumulate(map((1).__add__, map(len, text.split("\n")[:-1]))))
        return starts
    starts.extend(m.end() for m in _LINE_BREAK.finditer(text))
    return starts


_SPLIT_CHARS = 1 << 20  # larger texts are not split into a list of lines (ten times their size)


def object_key(doc_index: int, ref) -> tuple:
    return doc_index, ref.kind, ref.namespace, ref.name


class PreviewPositions:
    """Moves the findings of the fixed text of one file to the text on disk."""

    def __init__(self, file: str, before: str, after: str, edits: list, objects: dict | None = None):
        """`objects`: object_key -> ObjectRef of the objects as on disk, when the caller knows them (a large
        input read a piece at a time: it is not parsed whole here)."""
        self.file = file
        self.offsets = OffsetMap(edits)
        self.before_lines, self.after_lines = _line_starts(before), _line_starts(after)
        source_map = helm_source_map(before)  # rendered Helm output: name the template, as lint does
        self.relabeller = LoadedFile(file, before, source_maps={file: source_map} if source_map else {})
        # the objects as on disk (a migration changes the apiVersion, never the document, kind or name)
        self.objects = objects if objects is not None else \
            {object_key(r.doc_index, r.ref): r.ref for r in load_text(before, file).resources}

    def _old(self, line: int, column: int) -> tuple:
        if not 1 <= line <= len(self.after_lines):
            return line, column, False
        offset, inside = self.offsets.old(self.after_lines[line - 1] + max(column, 1) - 1)
        old_line = bisect.bisect_right(self.before_lines, offset)
        return old_line, offset - self.before_lines[old_line - 1] + 1, inside

    def move(self, finding):
        rendered_at = finding.extra.get("rendered_at")
        if rendered_at is not None and not rendered_at.startswith(self.file + ":"):
            return finding  # inside a Helm release record: positions of its manifest, not of this file
        line = int(rendered_at.rsplit(":", 1)[1]) if rendered_at is not None else finding.line
        if finding.file != self.file and rendered_at is None:
            return finding
        old_line, old_column, inside = self._old(line, finding.column)
        extra = {k: v for k, v in finding.extra.items() if k != "rendered_at"}
        if inside:
            extra["after_fix"] = f"{finding.file}:{finding.line}:{finding.column}"
        obj = finding.obj and self.objects.get(object_key(finding.doc_index, finding.obj), finding.obj)
        moved = dataclasses.replace(finding, file=self.file, line=old_line, column=old_column, extra=extra, obj=obj)
        if inside:
            moved.message += f" [only after the fix: at {finding.line}:{finding.column} of the fixed text]"
        return self.relabeller.relabel([moved])[0]
