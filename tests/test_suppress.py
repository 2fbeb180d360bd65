"""Suppressions in the manifests: comments on the line or above it, file-wide, object annotations, and
reports of suppressions that silence nothing."""
from __future__ import annotations

import json

from conftest import run_cli


def _lint(path, *args):
    result = run_cli(["lint", "-k", "1.30", "--strict", "-f", "json", *args, path])
    return [(f["rule_id"], f["line"]) for f in json.loads(result.out)["findings"]], result.code


def test_line_and_line_above(write):
    path = write("s.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n"
                           "  bogus: 1  # k8slint: ignore=SCH002\n"
                           "  # k8slint: ignore=SCH002\n"
                           "  other: 2\n"
                           "  third: 3\n"
                           "  ports: [{port: 80}]\n")
    assert _lint(path) == ([("SCH002", 8)], 1)


def test_prefixes_and_several_rules(write):
    path = write("s.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n"
                           "  ports: [{port: x}]  # k8slint: ignore=API,SCH\n")
    assert _lint(path) == ([], 0)


def test_ignore_file(write):
    path = write("s.yaml", "# k8slint: ignore-file\napiVersion: v1\nkind: Service\nmetadata: {name: s}\n"
                           "spec: {bogus: 1, ports: [{port: x}]}\n")
    assert _lint(path) == ([], 0)
    path = write("t.yaml", "# k8slint: ignore-file=SCH002\napiVersion: v1\nkind: Service\nmetadata: {name: s}\n"
                           "spec: {bogus: 1, ports: [{port: x}]}\n")
    assert _lint(path) == ([("SCH001", 5)], 1)


def test_object_annotation(write):
    path = write("s.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n"
                           "  annotations: {k8slint.io/ignore: \"SCH002, SCH001\"}\nspec: {bogus: 1, ports: [{port: x}]}\n"
                           "---\napiVersion: v1\nkind: Service\nmetadata: {name: t}\nspec: {bogus: 1, ports: [{port: 80}]}\n")
    assert _lint(path) == ([("SCH002", 11)], 1)


def test_unused_suppressions_are_reported_as_info(write):
    path = write("s.yaml", "apiVersion: v1  # k8slint: ignore=SCH001\nkind: ConfigMap\nmetadata:\n  name: c\n"
                           "  annotations: {k8slint.io/ignore: API}\ndata: {a: b}\n")
    findings, code = _lint(path)
    assert findings == [("SUP001", 1), ("SUP001", 5)] and code == 0
    # a suppression of rules that did not run proves nothing and is not reported
    assert _lint(path, "--select", "YML")[0] == []
    assert _lint(path, "--ignore", "SUP001")[0] == []
