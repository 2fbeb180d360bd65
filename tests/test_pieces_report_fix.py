"""report and fix read large inputs a piece at a time, as lint does (see loader.load_pieces), and let each
piece go once it is judged or fixed: every output format, and every byte fix writes, must be exactly those
of reading each input whole, whatever the piece size."""
from __future__ import annotations

import re
import shutil

import pytest

from conftest import REPO, run_cli
from k8slint import loader
from k8slint.yamlread import document_chunks

FIXTURES = [REPO / d for d in ("examples", "tests/cases", "tests/fixes", "tests/report_cases")]
WHOLE = 1 << 30


def _pieces_of(monkeypatch, piece_chars: int) -> None:
    monkeypatch.setattr(loader, "PIECE_CHARS", piece_chars)
    monkeypatch.setattr(loader.load_pieces, "__defaults__", (loader.DEFAULT_MAX_FILE_SIZE, piece_chars))


def _report(paths, monkeypatch, piece_chars: int, fmt: str, *extra) -> tuple:
    _pieces_of(monkeypatch, piece_chars)
    result = run_cli(["report", "--from", "1.16", "--to", "1.30", "-f", fmt, "-j", "1", *extra, *map(str, paths)])
    return result.code, result.out, result.err


def big_file(tmp_path):
    """A multi-document file with what a piece can get wrong: removed APIs to migrate, schema errors,
    suppressions by comment, annotation and file, a broken document, CRLF line ends."""
    docs = ["# k8slint: ignore=SCH001\n"]
    for i in range(120):
        api = "extensions/v1beta1" if i % 3 == 0 else "apps/v1"
        selector = "" if i % 3 == 0 else "  selector: {matchLabels: {a: b}}\n"
        docs.append(f"# object {i}\napiVersion: {api}\nkind: Deployment\nmetadata:\n  name: d{i}\n"
                    f"  annotations: {{k8slint.io/ignore: \"{'SCH002' if i % 5 == 0 else 'FLD'}\"}}\nspec:\n"
                    f"  replicas: {'x' if i % 7 == 0 else 2}\n  bogus: {i}\n{selector}"
                    "  template:\n    metadata: {labels: {a: b}}\n    spec: {containers: [{name: c, image: i}]}\n")
        if i % 10 == 4:
            docs.append(f"apiVersion: networking.k8s.io/v1beta1\nkind: Ingress\nmetadata:\n  name: i{i}\nspec:\n"
                        "  backend:\n    serviceName: s\n    servicePort: 80\n")
    path = tmp_path / "big.yaml"
    path.write_bytes("---\n".join(docs).replace("\n", "\r\n").encode())
    assert len(document_chunks(path.read_text(), 4096)) > 5
    return path


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "json"])
def test_report_of_every_fixture_is_the_same_in_pieces(monkeypatch, fmt):
    whole = _report(FIXTURES, monkeypatch, WHOLE, fmt)
    assert whole[1]
    assert _report(FIXTURES, monkeypatch, 1, fmt) == whole


def test_report_of_a_large_file_is_the_same_in_pieces(tmp_path, monkeypatch):
    path = big_file(tmp_path)
    whole = _report([path], monkeypatch, WHOLE, "json", "--strict")
    assert '"after-migration"' in whole[1] and '"fix": "safe"' in whole[1]
    for size in (1, 777, 4096):
        assert _report([path], monkeypatch, size, "json", "--strict") == whole, size


def test_report_of_a_large_file_with_a_late_yaml_problem(tmp_path, monkeypatch):
    """fix edits no part of a file with a YAML problem: the pieces before the broken one say so too."""
    path = big_file(tmp_path)
    path.write_bytes(path.read_bytes() + b"---\r\nkey: [broken\r\n")
    whole = _report([path], monkeypatch, WHOLE, "json")
    assert "does not rewrite a file with a YAML problem" in whole[1]
    assert _report([path], monkeypatch, 4096, "json") == whole


def _fix(paths, monkeypatch, piece_chars: int, *extra) -> tuple:
    _pieces_of(monkeypatch, piece_chars)
    result = run_cli(["fix", "-k", "1.30", "-f", "json", "-j", "1", "--unsafe-fixes", *extra, *map(str, paths)])
    return result.code, result.out, result.err


def test_fix_preview_of_every_fixture_is_the_same_in_pieces(monkeypatch):
    whole = _fix(FIXTURES, monkeypatch, WHOLE)
    assert '"diff": "---' in whole[1]
    assert _fix(FIXTURES, monkeypatch, 1) == whole


def _written(tmp_path, source, monkeypatch, piece_chars: int) -> tuple:
    copy = tmp_path / f"pieces-{piece_chars}"
    shutil.copytree(source, copy)
    result = _fix([copy], monkeypatch, piece_chars, "--write")
    files = {p.relative_to(copy): p.read_bytes() for p in sorted(copy.rglob("*")) if p.is_file()}
    return result[0], result[1].replace(str(copy), "DIR"), files


@pytest.mark.parametrize("fixture", ["tests/fixes", "examples"])
def test_fix_writes_the_same_bytes_in_pieces(tmp_path, monkeypatch, fixture):
    whole = _written(tmp_path, REPO / fixture, monkeypatch, WHOLE)
    assert _written(tmp_path, REPO / fixture, monkeypatch, 1) == whole


def test_fix_of_a_large_file_is_the_same_in_pieces(tmp_path, monkeypatch):
    source = tmp_path / "in"
    source.mkdir()
    big_file(source)
    whole = _written(tmp_path, source, monkeypatch, WHOLE)
    assert whole[2][next(iter(whole[2]))] != (source / "big.yaml").read_bytes()  # fixed
    for size in (1, 4096):
        assert _written(tmp_path, source, monkeypatch, size) == whole, size
    preview = _fix([source], monkeypatch, WHOLE)
    assert '"diff": "---' in preview[1]
    assert _fix([source], monkeypatch, 4096) == preview


def test_fix_of_a_large_file_with_a_late_yaml_problem_changes_nothing(tmp_path, monkeypatch):
    source = tmp_path / "in"
    source.mkdir()
    path = big_file(source)
    path.write_bytes(path.read_bytes() + b"---\r\nkey: [broken\r\n")
    whole = _written(tmp_path, source, monkeypatch, WHOLE)
    assert whole[2][next(iter(whole[2]))] == path.read_bytes()
    assert _written(tmp_path, source, monkeypatch, 4096) == whole


def test_a_multi_document_file_over_fixs_old_limit_is_fixed(tmp_path, monkeypatch):
    """fix's memory grows with a piece, not with the file: only a file that is one piece is refused as too
    large (YML020), since one huge document is parsed whole."""
    path = big_file(tmp_path)
    size = path.stat().st_size
    _pieces_of(monkeypatch, 4096)
    result = run_cli(["fix", "-k", "1.30", "-j", "1", "--max-file-size", str(size + 10), "--write", str(path)])
    assert "YML020" not in result.out
    assert b"extensions/v1beta1" not in path.read_bytes()
    one = tmp_path / "one.yaml"
    one.write_text("apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {name: d}\n" + "# pad\n" * 2000)
    result = run_cli(["fix", "-k", "1.30", "-j", "1", "--max-file-size", str(one.stat().st_size + 10), str(one)])
    assert "YML020" in result.out


def _apply_exactly(before: list, diff: str) -> list:
    """`before` (lines) with the hunks of a unified diff applied at exactly the lines they name."""
    lines = diff.splitlines(keepends=True)[2:]
    out, at, k = [], 0, 0
    while k < len(lines):
        m = re.match(r"@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@", lines[k])
        start = int(m.group(1)) - (1 if m.group(2) != "0" else 0)
        out.extend(before[at:start])
        at, k = start, k + 1
        while k < len(lines) and not lines[k].startswith("@@"):
            sign, text = lines[k][0], lines[k][1:]
            if sign in " -":
                assert before[at] == text, (at, text)
                at += 1
            if sign in " +":
                out.append(text)
            k += 1
    return out + before[at:]


def test_the_diff_of_a_large_file_applies(tmp_path, monkeypatch):
    """A large text is diffed document by document (fixer.apply.LARGE_DIFF_CHARS): the diff must turn the
    file into what fix --write writes."""
    import json
    from k8slint.fixer import apply
    source = tmp_path / "in"
    source.mkdir()
    path = big_file(source)
    before = path.read_bytes().decode().split("\n")
    monkeypatch.setattr(apply, "LARGE_DIFF_CHARS", 0)
    diff = json.loads(_fix([path], monkeypatch, 4096)[1])["diff"]
    assert diff.count("@@ -") > 10
    _fix([path], monkeypatch, 4096, "--write")
    lines = [line + "\n" for line in before[:-1]] + ([before[-1]] if before[-1] else [])
    assert "".join(_apply_exactly(lines, diff)) == path.read_bytes().decode()
