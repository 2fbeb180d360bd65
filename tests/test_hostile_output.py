"""Output that input cannot subvert (issue 17): terminal escapes from manifest values and file names are
shown escaped, file names that are not UTF-8 never crash a format, -o to non-regular files is in place."""
from __future__ import annotations

import json
import os
import threading

import pytest

from conftest import run_cli
from k8slint.printable import encodable, printable

HOSTILE_NAME = "w\\e]0;title\\a\\e[2J\\e]52;c;ZXZpbA==\\a"  # YAML escapes: window title, clear, clipboard
OLD = ("apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {name: \"%s\"}\nspec:\n"
       "  selector: {matchLabels: {app: a}}\n  template:\n    metadata: {labels: {app: a}}\n    spec:\n"
       "      containers: [{name: a, image: nginx}]\n") % HOSTILE_NAME
BAD_NAME = os.fsdecode(b"caf\xe9\x1b[31m.yaml")  # not UTF-8, with an escape sequence in it


@pytest.fixture
def hostile(tmp_path):
    (tmp_path / BAD_NAME).write_text(OLD)
    return tmp_path


def test_printable_escapes_what_acts_on_a_terminal():
    assert printable("a\x1b[2Jb\x07c\x9bd\u202ee\rf\r\n\tg") == "a\\x1b[2Jb\\x07c\\x9bd\\u202ee\\x0df\r\n\tg"
    assert printable(BAD_NAME) == "caf\\xe9\\x1b[31m.yaml"
    assert encodable(BAD_NAME).encode("utf-8") and json.loads('"%s"' % encodable("\udce9")) == "\udce9"


@pytest.mark.parametrize("args", [["lint", "-k", "1.30"], ["lint", "-k", "1.30", "-f", "github"],
                                  ["fix", "-k", "1.30"], ["fix", "-k", "1.30", "--write"],
                                  ["report", "--from", "1.15", "--to", "1.30"],
                                  ["report", "--from", "1.15", "--to", "1.30", "--color"],
                                  ["lint", "-k", "1.30", "--color"]])
def test_no_escape_sequence_from_input_reaches_the_terminal(hostile, args):
    result = run_cli([*args, str(hostile)])
    assert result.code in (0, 1), result.err
    assert "Deployment" in result.out or "w\\x1b" in result.out
    own = ("\x1b[31m", "\x1b[33m", "\x1b[32m", "\x1b[36m", "\x1b[1m", "\x1b[2m", "\x1b[0m")
    rest = result.out
    for code in own:
        rest = rest.replace(code, "")
    assert "\x1b" not in rest and "\x07" not in rest and "\udce9" not in result.out
    assert "\\x1b]0;title\\x07" in result.out or "\\u001b]0;title" in result.out


LINT_FORMATS = ["text", "json", "sarif", "junit", "github", "gitlab"]


@pytest.mark.parametrize("command", [["lint", "-k", "1.30", "-f", f] for f in LINT_FORMATS]
                         + [["report", "--from", "1.15", "--to", "1.30", "-f", f]
                            for f in ("text", "markdown", "html", "json")])
def test_a_file_name_that_is_not_utf8_works_in_every_output_format(hostile, tmp_path, command):
    out = tmp_path / "report.out"
    result = run_cli([*command, "-o", out, str(hostile)])
    assert result.code in (0, 1), result.err
    text = out.read_text(encoding="utf-8")
    assert "caf" in text
    if command[-1] in ("json", "sarif", "gitlab"):
        json.loads(text)
    to_stdout = run_cli([*command, str(hostile)])
    assert to_stdout.code == result.code and "caf" in to_stdout.out


def test_fix_json_with_a_file_name_that_is_not_utf8(hostile):
    result = run_cli(["fix", "-k", "1.30", "-f", "json", str(hostile)])
    assert result.code in (0, 1), result.err
    files = json.loads(result.out)["files_changed"]
    assert [os.path.basename(f) for f in files] == [BAD_NAME]  # the \udcXX escape decodes back to the name


def test_output_to_a_fifo_is_written_in_place(hostile, tmp_path):
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    link = tmp_path / "via-link"
    link.symlink_to(fifo)
    got = []

    def reader():
        with open(fifo, "rb") as fh:
            got.append(fh.read())
    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    result = run_cli(["lint", "-k", "1.30", "-f", "json", "-o", link, str(hostile)])
    thread.join(20)
    assert result.code == 1 and got and json.loads(got[0])["findings"]
    assert fifo.is_fifo() and link.is_symlink()


def test_output_through_a_link_to_a_file_keeps_the_link(hostile, tmp_path):
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    assert run_cli(["lint", "-k", "1.30", "-f", "json", "-o", link, str(hostile)]).code == 1
    assert link.is_symlink() and json.loads(real.read_text())["findings"]
