"""A fix preview names the positions of the file on disk (the remaining findings come from linting the
fixed text), and findings in rendered Helm output, fixed or not, name the template as lint does."""
from __future__ import annotations

import json

from conftest import CASES, REPO

from k8slint.fixer.positions import OffsetMap, PreviewPositions
from k8slint.model import Edit, Finding, Severity

LEGACY = REPO / "examples" / "legacy-app.yaml"


def _positions(result_out: str) -> dict:
    return {(f["rule_id"], f["json_path"]): (f["file"], f["line"], f["column"])
            for f in json.loads(result_out)["findings"]}


def test_preview_findings_are_at_the_lines_lint_gives_for_the_file_on_disk(cli):
    lint = cli(["lint", "-f", "json", LEGACY])
    fix = cli(["fix", "-f", "json", LEGACY])
    remaining = _positions(fix.out)
    lines = len(LEGACY.read_text().splitlines())
    assert remaining and all(line <= lines for _, line, _ in remaining.values())
    before = _positions(lint.out)
    assert all(before[key] == where for key, where in remaining.items()), (before, remaining)


def test_after_write_the_findings_are_at_the_lines_of_the_new_file(cli, write):
    path = write("app.yaml", LEGACY.read_text())
    fixed = cli(["fix", "--write", "-f", "json", path])
    assert _positions(fixed.out) == _positions(cli(["lint", "-f", "json", path]).out)


def test_rendered_helm_output_names_the_template_in_fixes_and_findings(cli):
    rendered = (CASES / "helm-template-stdin" / "rendered.yaml").read_text()
    lint = cli(["lint", "-f", "json", "-"], stdin=rendered)
    fix = cli(["fix", "-f", "json", "-"], stdin=rendered)
    doc = json.loads(fix.out)
    assert [(f["file"], f["line"], f["column"]) for f in doc["fixes"]] == [("shop/templates/ingress.yaml", 1, 13)]
    remaining = _positions(fix.out)
    assert remaining and all(_positions(lint.out)[key] == where for key, where in remaining.items())
    text = cli(["fix", "--no-diff", "-"], stdin=rendered).out
    assert "shop/templates/ingress.yaml:1:13: would fix API041" in text and "<stdin>" not in text


def test_offsets_outside_edits_shift_and_inside_go_to_the_replaced_text():
    before = "a\nbb\ncc\ndd\n"
    edits = [Edit(2, 4, "XX\nYY"), Edit(8, 8, "new\n")]  # bb -> XX\nYY; insert before dd
    offsets = OffsetMap(edits)
    after = "a\nXX\nYY\ncc\nnew\ndd\n"
    assert offsets.old(after.index("a")) == (0, False)
    assert offsets.old(after.index("YY")) == (2, True)
    assert offsets.old(after.index("cc")) == (before.index("cc"), False)
    assert offsets.old(after.index("new")) == (8, True)
    assert offsets.old(after.index("dd")) == (before.index("dd"), False)


def test_a_finding_only_in_the_fixed_text_says_so():
    before, after = "a: 1\nb: 2\n", "a: 1\nz:\n  q: 3\nb: 2\n"
    moved = PreviewPositions("f.yaml", before, after, [Edit(5, 5, "z:\n  q: 3\n")])
    kept = moved.move(Finding("SCH001", Severity.ERROR, "m", "f.yaml", 4, 1))
    assert (kept.line, kept.column, "after_fix" in kept.extra) == (2, 1, False)
    new = moved.move(Finding("SCH001", Severity.ERROR, "m", "f.yaml", 3, 3))
    assert (new.line, new.column) == (2, 1) and new.extra["after_fix"] == "f.yaml:3:3"
    assert "only after the fix: at 3:3 of the fixed text" in new.message


def test_preview_positions_count_lines_as_the_reader_does(cli, write):
    # lone CR line ends (old Mac files): the reader counts each CR as a line break, and so must the preview
    text = LEGACY.read_text().replace("\n", "\r")
    path = write("app.yaml", text.encode())
    lint, fix = _positions(cli(["lint", "-f", "json", path]).out), _positions(cli(["fix", "-f", "json", path]).out)
    assert fix and all(lint[key] == where for key, where in fix.items()), (lint, fix)
