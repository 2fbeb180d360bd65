"""Changes to source nodes -> text edits: where new entries go, how they are indented and quoted, and what a
deleted entry takes with it. The Editor (yamledit) keeps the changes; `layout_edits` turns a snapshot of them
into `Edit`s at the parser's positions, in the style of the mapping they land in (block, flow, JSON)."""
from __future__ import annotations

import yaml

from ..model import Edit
from ..yamlscalars import resolve_plain
from .render import BlockWriter, Flow, FlowList, flow, json_value, key, plain_value, scalar
from .source import Document


class FixRefused(Exception):
    """This fix cannot be made here; the message says why (it is shown to the user)."""


def layout_edits(doc: Document, state: dict) -> list:
    """The edits for the changes recorded in `state` (the Editor's tables), sorted by position."""
    return _Layout(doc).edits(state)


class _Layout:
    def __init__(self, doc: Document):
        self.doc = doc

    def edits(self, st: dict) -> list:
        doc = self.doc
        out = []
        writer = BlockWriter(doc.indent_step, doc.sequence_indent, doc.newline)
        dead = []  # text ranges whose own changes do not matter: deleted entries, replaced collections
        for key_node, mapping, _ in st["deletes"].values():
            value = next(e.value_node for e in doc.entries(mapping) if e.key_node is key_node)
            dead.append((key_node.end_mark.index, max(key_node.end_mark.index, doc.content_end(value)), None))
        for node, _, _, _ in st["sets"].values():
            dead.append((node.start_mark.index, doc.content_end(node), node))

        def buried(node) -> bool:
            at = node.start_mark.index
            return any(s <= at < e and owner is not node for s, e, owner in dead)

        for node, parent, value, _ in st["sets"].values():
            if not buried(node):
                out.append(self._replace(node, parent, value, writer))
        mappings = {}
        for table in ("renames", "deletes"):
            for item in st[table].values():
                mappings[id(item[1])] = item[1]
        for mapping, records in st["inserts"].values():
            if records:
                mappings[id(mapping)] = mapping
        for mapping in mappings.values():
            if id(mapping) in st["sets"] or buried(mapping):
                continue
            records = st["inserts"].get(id(mapping), [None, []])[1]
            if doc.is_flow(mapping):
                out.extend(self._flow_mapping(mapping, st, records))
            else:
                out.extend(self._block_mapping(mapping, writer, st, records))
        # inserts at one position: the deeper mapping's lines first (they end it before the outer one goes on)
        return sorted(out, key=lambda e: (e.start, e.end, -_insert_column(e)))

    def _json_keys(self, mapping) -> bool:
        if mapping.value:
            return mapping.value[0][0].style == '"'
        return self.doc.is_json()

    def _json_multiline(self) -> bool:
        root = self.doc.root
        return self.doc.text.count("\n", root.start_mark.index, root.end_mark.index) > 0

    def _replace(self, node, parent, value, writer: BlockWriter) -> Edit:
        """The edit writing `value` where the source node `node` (child of `parent`) is."""
        doc = self.doc
        start, end = node.start_mark.index, doc.content_end(node)
        bare = plain_value(value)
        in_flow = (parent is not None and doc.is_flow(parent)) or doc.is_flow(node)
        if doc.is_json() or (in_flow and isinstance(parent, yaml.MappingNode) and self._json_keys(parent)):
            text = json_value(value, doc.line_indent(start), doc.indent_step, doc.newline, self._json_multiline())
            return Edit(start, end, text)
        block_value = isinstance(bare, (dict, list)) and bare and not isinstance(value, (Flow, FlowList)) \
            and not in_flow
        if not block_value:
            if isinstance(bare, (dict, list)):
                text = flow(value)
            else:
                style = node.style if isinstance(node, yaml.ScalarNode) and node.style in ("'", '"') else None
                text = scalar(value, in_flow, style)
            if start == end and start > 0 and doc.text[start - 1] == ":":
                text = " " + text
            return Edit(start, end, text)
        if isinstance(node, yaml.ScalarNode):  # a null (or a scalar) becomes a block collection under its key
            if not doc.is_null(node):
                raise FixRefused("cannot write a block collection in place of a scalar")
            key_col = _key_column(doc, node)
            lines = (writer.entries(list(value.items()), key_col + doc.indent_step) if isinstance(value, dict)
                     else writer.items(value, key_col + doc.sequence_indent))
            at = start
            while at > 0 and doc.text[at - 1] == " ":
                at -= 1
            return Edit(at, end, doc.newline + doc.newline.join(lines))
        column = node.start_mark.column
        if isinstance(value, dict):
            lines = writer.entries(list(value.items()), column)
        else:
            lines = writer.items(value, column)
        return Edit(start, end, doc.newline.join(lines)[column:])

    def _styles(self, mapping) -> tuple:
        """(key quoting, string value quoting) shared by every entry of a mapping, for new entries to copy."""
        keys = [k.style for k, _ in mapping.value if isinstance(k, yaml.ScalarNode)]
        values = [v.style for _, v in mapping.value if isinstance(v, yaml.ScalarNode) and v.value
                  and (v.style in ("'", '"') or isinstance(plain_value(resolve_plain(v.value)), str))]

        def common(styles):
            return styles[0] if styles and styles[0] in ("'", '"') and all(x == styles[0] for x in styles) else None
        return common(keys), common(values)

    def _render_records(self, records: list, column: int, writer: BlockWriter) -> list:
        lines = []
        for r in records:
            lines.extend(writer.entry(r.name, r.value, column))
        return lines

    def _block_mapping(self, mapping, writer: BlockWriter, st: dict, records: list) -> list:
        doc = self.doc
        entries = [(e.key_node, e.value_node) for e in doc.entries(mapping)]
        n = len(entries)
        column = doc.key_column(mapping)
        writer = writer.styled(*self._styles(mapping))
        nl = doc.newline
        deleted = [id(k) in st["deletes"] for k, _ in entries]
        groups = [[] for _ in range(n + 1)]
        for r in records:
            index = next((i for i, (k, _) in enumerate(entries) if k is r.before), n) if r.before is not None else n
            groups[index].append(r)
        out = []
        for k, _ in entries:
            if id(k) in st["renames"] and id(k) not in st["deletes"]:
                style = k.style if k.style in ("'", '"') else None
                out.append(Edit(k.start_mark.index, k.end_mark.index, key(st["renames"][id(k)][2], False, style)))

        def a(i):
            k = entries[i][0].start_mark.index
            return doc.line_start(k) if doc.first_on_line(k) else k

        def b(i):
            k, v = entries[i]
            return doc.line_end(max(k.end_mark.index, doc.content_end(v)))

        def text_of(group_records, unindent_first: bool) -> str:
            lines = self._render_records(group_records, column, writer)
            if not lines:
                return ""
            if unindent_first:
                lines[0] = lines[0][column:]
            return "".join(line + nl for line in lines)

        first = 0
        if n and not doc.first_on_line(entries[0][0].start_mark.index):
            if deleted[0]:
                k = next((i for i in range(n) if not deleted[i]), n)
                merged = [r for g in groups[:k + 1] for r in g]
                groups[:k + 1] = [[] for _ in range(k + 1)]
                text = text_of(merged, True)
                start = entries[0][0].start_mark.index
                if text and k < n:
                    out.append(Edit(start, a(k), text))
                elif text:
                    out.append(Edit(start, b(n - 1), text))
                elif k < n:
                    out.append(Edit(start, entries[k][0].start_mark.index, ""))
                else:
                    out.append(Edit(start, doc.content_end(mapping), "{}"))
                first = k + 1
            elif groups[0]:
                text = text_of(groups[0], True)
                groups[0] = []
                out.append(Edit(entries[0][0].start_mark.index, entries[0][0].start_mark.index, text + " " * column))
                first = 1
            else:
                first = 1
        if first == 0 and n and all(deleted) and not any(groups):
            return out + [Edit(entries[0][0].start_mark.index, doc.content_end(mapping), "{}")]
        for i in range(first, n):
            if deleted[i]:
                out.append(Edit(a(i), b(i), ""))
            if groups[i]:  # right after the previous entry, above the comments that lead into entry i
                at = b(i - 1) if i > 0 else a(i)
                out.append(Edit(at, at, text_of(groups[i], False)))
        if groups[n]:
            pos = b(n - 1) if n else mapping.end_mark.index
            text = text_of(groups[n], False)
            if pos == len(doc.text) and not doc.text.endswith("\n"):
                text = nl + text[:-len(nl)]
            out.append(Edit(pos, pos, text))
        return out

    def _flow_mapping(self, mapping, st: dict, records: list) -> list:
        doc = self.doc
        entries = [(e.key_node, e.value_node) for e in doc.entries(mapping)]
        n = len(entries)
        json_keys = self._json_keys(mapping)
        out = []
        for k, _ in entries:
            if id(k) in st["renames"] and id(k) not in st["deletes"]:
                style = k.style if k.style in ("'", '"') else None
                out.append(Edit(k.start_mark.index, k.end_mark.index,
                                key(st["renames"][id(k)][2], True, style, json_keys)))
        multiline = n > 0 and entries[0][0].start_mark.line != mapping.start_mark.line
        column = entries[0][0].start_mark.column if n else 0
        compact = n > 0 and not multiline and doc.text[entries[0][0].end_mark.index:
                                                         entries[0][1].start_mark.index] == ":"
        sep = ("," + doc.newline + " " * column) if multiline else ("," if compact else ", ")
        key_style, value_style = self._styles(mapping)
        pieces, anchored = [], {}
        deleted = [id(k) in st["deletes"] for k, _ in entries]
        for r in records:
            if json_keys:
                text = json_value(r.value, column, doc.indent_step, doc.newline, multiline, compact)
            else:
                text = flow(r.value, False, key_style, value_style)
            piece = key(r.name, True, key_style, json_keys) + (":" if compact else ": ") + text
            at = next((i for i, (k, _) in enumerate(entries) if k is r.before), None)
            if at is not None and not deleted[at]:
                anchored.setdefault(at, []).append(piece)  # written before that entry
            else:
                pieces.append(piece)
        for at, group in anchored.items():
            start = entries[at][0].start_mark.index
            out.append(Edit(start, start, "".join(p + sep for p in group)))
        ks = [k.start_mark.index for k, _ in entries]
        vs = [doc.content_end(v) for _, v in entries]
        i = 0
        while i < n:
            if not deleted[i]:
                i += 1
                continue
            j = i
            while j + 1 < n and deleted[j + 1]:
                j += 1
            own_lines = self._own_lines(ks[i], vs[j], ks[j + 1] if j + 1 < n else None) if i > 0 else None
            if own_lines is not None and (j < n - 1 or not pieces):
                # entries on lines of their own go with their lines: the comment of the line above stays
                out.append(Edit(*own_lines, ""))
                if j == n - 1:  # the new last entry loses its comma (JSON allows no trailing one)
                    comma = doc.text.find(",", vs[i - 1], own_lines[0])
                    if comma >= 0 and not doc.text[vs[i - 1]:comma].strip():
                        out.append(Edit(comma, comma + 1, ""))
            elif i > 0:
                out.append(Edit(vs[i - 1], vs[j], ""))
            elif j < n - 1:
                out.append(Edit(ks[0], ks[j + 1], ""))
            else:
                out.append(Edit(ks[0], vs[n - 1], sep.join(pieces)))
                pieces = []
            i = j + 1
        if pieces:
            kept = [i for i in range(n) if not deleted[i]]
            if kept:
                out.append(Edit(vs[kept[-1]], vs[kept[-1]], "".join(sep + p for p in pieces)))
            else:
                start = mapping.start_mark.index
                if doc.text[start] != "{":
                    raise FixRefused("unexpected flow mapping text")
                out.append(Edit(start + 1, start + 1, ", ".join(pieces)))
        return out


    def _own_lines(self, start: int, end: int, next_key: int | None):
        """(first, after) of the whole lines that hold a run of flow entries from `start` to `end` and nothing
        else but their comma and comment, or None when they share a line with other entries."""
        doc = self.doc
        if not doc.first_on_line(start):
            return None
        after = doc.line_end(end)
        rest = doc.text[end:after].strip()
        if rest.startswith(","):
            rest = rest[1:].strip()
        if rest and not rest.startswith("#"):
            return None
        if next_key is not None and next_key < after:
            return None
        return doc.line_start(start), after


def _key_column(doc: Document, null_node) -> int:
    """Column of the key whose (null) value starts at this node."""
    return doc.line_indent(null_node.start_mark.index) if doc.first_on_line(null_node.start_mark.index) else \
        _indent_of_key_line(doc, null_node.start_mark.index)


def _indent_of_key_line(doc: Document, pos: int) -> int:
    line_start = doc.line_start(pos)
    line = doc.text[line_start:pos]
    stripped = line.lstrip(" ")
    column = len(line) - len(stripped)
    while stripped.startswith("- "):  # `- key:` inside a list item
        rest = stripped[2:]
        column += 2 + len(rest) - len(rest.lstrip(" "))
        stripped = rest.lstrip(" ")
    return column


def _insert_column(edit: Edit) -> int:
    if edit.start != edit.end:
        return 0
    text = edit.text.lstrip("\r\n")
    return len(text) - len(text.lstrip(" "))


def check_overlaps(edits: list) -> None:
    """Raise FixRefused when two edits overlap (touching ends and inserts at one point are fine)."""
    ordered = sorted(edits, key=lambda e: (e.start, e.end))
    for prev, cur in zip(ordered, ordered[1:]):
        if cur.start < prev.end and not (cur.start == cur.end == prev.start):
            raise FixRefused(f"two edits overlap at offset {cur.start}")


def apply_edits(text: str, edits: list) -> str:
    """Apply non-overlapping edits, from the end of the text backwards (inserts at one point keep their
    order; a deletion starting where an insert is made goes first)."""
    indexed = sorted(enumerate(edits), key=lambda p: (p[1].start, p[1].end, p[0]), reverse=True)
    out = text
    for _, e in indexed:
        out = out[:e.start] + e.text + out[e.end:]
    return out
