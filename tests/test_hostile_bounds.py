"""Hostile input, second round (issue 17): each case once hung, blew up or crashed. Every one must finish
fast, in-process, with a finding on the offending place and without hiding the other documents."""
from __future__ import annotations

import time

import pytest

from k8slint.loader import load_text
from k8slint.sources import find_unrendered_template
from k8slint.yamlscalars import resolve_plain

CM = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: %s}\ndata:\n"
OTHER = "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: other}\ndata: {a: b}\n"


def _load(text: str, seconds: float = 5.0):
    start = time.monotonic()
    loaded = load_text(text, "x.yaml")
    assert time.monotonic() - start < seconds
    return loaded


def _ids(loaded) -> list:
    return [f.rule_id for f in loaded.findings]


def test_merge_key_bomb_is_refused_quickly():
    lines = ["  m0: &m0 {a: 1, b: 2}"] + [f"  m{i}: &m{i} {{<<: [*m{i - 1}, *m{i - 1}]}}" for i in range(1, 31)]
    loaded = _load(CM % "bomb" + "\n".join(lines) + "\n" + OTHER)
    assert "YML006" in _ids(loaded)
    assert [r.name for r in loaded.resources] == ["other"]


@pytest.mark.parametrize("text", ["data: &a {<<: *a}\n", "data: &a {x: {<<: *a}}\n", "data: &a [*a]\n",
                                  "data: &a {<<: [{b: 1}, *a]}\n"])
def test_recursive_alias_or_merge_is_a_finding(text):
    loaded = _load(CM.replace("data:\n", "") % "rec" + text + OTHER)
    refused = [f for f in loaded.findings if f.rule_id == "YML006"]
    assert refused and "recursive" in refused[0].message
    assert [r.name for r in loaded.resources] == ["other"]


def test_many_duplicate_keys_cost_linear_time():
    text = CM % "dup" + "".join(f"  k{i}: v\n" for i in range(50_000)) + "  dup: v\n" * 50_000
    loaded = _load(text)
    dups = [f for f in loaded.findings if f.rule_id == "YML002"]
    assert len(dups) == 49_999 and "first at line 50005" in dups[0].message


def test_three_hundred_thousand_broken_documents():
    loaded = _load("---\n@\n" * 300_000, seconds=30)  # linear: a few seconds; quadratic: minutes
    broken = [f for f in loaded.findings if f.rule_id == "YML001"]
    assert len(broken) == 300_000 and broken[-1].line == 600_000


@pytest.mark.parametrize("template", ["a: {}\n", 'a: "{}"\n', "a: '{}'\n", "a: 1  # {}\n", "# {}\n"])
def test_template_scan_of_many_unclosed_actions_is_linear(template):
    text = template.format("{{ " * 40_000)
    start = time.monotonic()
    find_unrendered_template(text)
    assert time.monotonic() - start < 2


def test_template_actions_still_recognised():
    assert find_unrendered_template('a: "{{- .Values.x -}}"\n').reason == "helm-object"
    assert find_unrendered_template('a: "{{ $labels.instance }}"\n') is None
    assert find_unrendered_template("a: 1 # {{ .Values.x }}\n") is None
    assert find_unrendered_template("{{- if .Values.x }}\na: 1\n{{- end }}\n").reason == "structure"


@pytest.mark.parametrize("digits", [4301, 5000, 100_000])
def test_huge_integers_are_strings_as_for_go(digits):
    assert resolve_plain("9" * digits) == float("inf")  # the reader keeps non-finite numbers as their text
    loaded = _load(CM % "n" + "  a: " + "9" * digits + "\n")
    assert loaded.resources[0].data["data"]["a"] == "9" * digits
    assert resolve_plain("0x" + "f" * 16) == (1 << 64) - 1 and resolve_plain("00005") == 5


@pytest.mark.parametrize("line", [" " * 1000, "  e: " + "-" * 1000, "#" + " " * 1000 + "x", "  a: \"" + "[" * 1001 + "\"",
                                  "  b: '" + "{" * 1001 + "'", "  c: 1 # " + "[" * 1001, "  d: |\n    " + "-" * 1500])
def test_nesting_guard_counts_real_depth_only(line):
    loaded = _load(CM % "flat" + "  x: y\n" + line + "\n" + OTHER)
    assert "YML006" not in _ids(loaded), loaded.findings
    assert sorted(r.name for r in loaded.resources) == ["flat", "other"]


@pytest.mark.parametrize("deep", ["a: " + "[" * 1200 + "]" * 1200 + "\n", "- " * 1200 + "x\n",
                                  "".join(" " * i + f"k{i}:\n" for i in range(1200)) + " " * 1200 + "v\n"])
def test_a_deep_document_is_refused_alone(deep):
    loaded = _load(CM % "first" + "  a: b\n---\n" + deep + OTHER)
    refused = [f for f in loaded.findings if f.rule_id == "YML006"]
    assert refused and refused[0].line >= 6
    assert sorted(r.name for r in loaded.resources) == ["first", "other"]


@pytest.mark.parametrize("text", ["a: b\x07c\n", "a: [\n b: c\n", "a: 'x\n", "\t- a\n"])
def test_syntax_error_messages_are_one_line(text):
    loaded = _load(text)
    assert loaded.findings and all("\n" not in f.message for f in loaded.findings)
