"""Large inputs are read and checked a piece at a time (cut at document boundaries); the findings must be
exactly those of reading the whole input at once, whatever the piece size."""
from __future__ import annotations

import json

import pytest

from conftest import REPO, run_cli
from k8slint import loader
from k8slint.yamlread import document_chunks

INPUTS = sorted(p for d in ("tests/cases", "tests/fixes", "examples") for p in (REPO / d).rglob("*")
                if p.is_file() and p.suffix in (".yaml", ".yml", ".json") and p.name != "case.yaml")


def _lint(path, monkeypatch, piece_chars):
    monkeypatch.setattr(loader, "PIECE_CHARS", piece_chars)
    monkeypatch.setattr(loader.load_pieces, "__defaults__", (loader.DEFAULT_MAX_FILE_SIZE, piece_chars))
    result = run_cli(["lint", "-k", "1.30", "--strict", "-f", "json", "-j", "1", str(path)])
    return result.code, json.loads(result.out) if result.out.startswith("{") else result.out


@pytest.mark.parametrize("path", INPUTS, ids=[str(p.relative_to(REPO)) for p in INPUTS])
def test_pieces_give_the_same_findings(path, monkeypatch):
    whole = _lint(path, monkeypatch, 1 << 30)
    assert _lint(path, monkeypatch, 1) == whole


def test_a_large_multi_document_file(tmp_path, monkeypatch):
    docs = []
    for i in range(300):
        docs.append(f"# object {i}\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d{i}\n"
                    f"  annotations: {{k8slint.io/ignore: \"{'SCH002' if i % 5 == 0 else 'FLD'}\"}}\nspec:\n"
                    f"  replicas: {'x' if i % 7 == 0 else 2}\n  bogus: {i}\n  selector: {{matchLabels: {{a: b}}}}\n"
                    "  template:\n    metadata: {labels: {a: b}}\n    spec: {containers: [{name: c, image: i}]}\n")
    docs.insert(150, "key: [broken\n")
    docs.insert(10, "# k8slint: ignore=SCH001\n")
    text = "---\n".join(docs).replace("\n", "\r\n")
    path = tmp_path / "big.yaml"
    path.write_bytes(text.encode())
    assert len(document_chunks(text, 4096)) > 5
    whole = _lint(path, monkeypatch, 1 << 30)
    for size in (1, 777, 4096):
        assert _lint(path, monkeypatch, size) == whole
    findings = whole[1]["findings"]
    assert {f["rule_id"] for f in findings} >= {"SCH001", "SCH002", "YML001", "SUP001"}


@pytest.mark.parametrize("text", ["%YAML 1.1\n---\na: 1\n---\nb: 2\n", "a: 1\r---\rb: 2\r", "a: 1\n---\nb: 2\n"])
def test_texts_that_must_not_be_cut(text):
    pieces = document_chunks(text, 1)
    assert (len(pieces) == 1) == (not text.startswith("a: 1\n"))
