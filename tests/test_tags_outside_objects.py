"""A document skipped as "not a Kubernetes object" (YML003) draws no YML005: its tags are another tool's
business (mkdocs.yml's `!!python/name:` in a directory walk). A Kubernetes object with such a tag still does,
and nothing is ever constructed from the tag either way."""
from __future__ import annotations

import json

from k8slint.loader import load_text

MKDOCS = "site_name: x\nmarkdown_extensions:\n- a:\n    b: !!python/name:m.f\n"


def _ids(loaded) -> list:
    return sorted(f.rule_id for f in loaded.findings)


def test_tag_in_a_document_that_is_no_object_is_not_reported():
    assert _ids(load_text(MKDOCS, "mkdocs.yml")) == ["YML003"]
    assert _ids(load_text("- !!python/object:os.system [x]\n", "list.yaml")) == ["YML003"]


def test_tag_in_a_kubernetes_object_is_still_an_error():
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  a: !!python/name:m.f\n"
    assert "YML005" in _ids(load_text(text, "cm.yaml"))
    # an object inside a multi-document file with a non-object document: each judged on its own
    loaded = load_text(MKDOCS + "---\n" + text, "both.yaml")
    assert [(f.rule_id, f.doc_index) for f in loaded.findings if f.rule_id in ("YML003", "YML005")] == [
        ("YML003", 0), ("YML005", 1)]


def test_directory_walk_with_mkdocs_passes(cli, write):
    write("mkdocs.yml", MKDOCS)
    path = write("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
    result = cli(["lint", "-f", "json", path.parent])
    assert result.code == 0, result.out
    assert [f["rule_id"] for f in json.loads(result.out)["findings"]] == ["YML003"]
