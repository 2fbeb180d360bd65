"""kustomize's builtin plugin configurations (`apiVersion: builtin`, named from a kustomization's
`transformers:` or `generators:`) are kustomize's configuration, like the kustomization itself: read, never
validated as objects, no SCH004 "builtin LabelTransformer is not a kind"."""
from __future__ import annotations

import json

LABELS = "apiVersion: builtin\nkind: LabelTransformer\nmetadata: {name: labels}\nlabels: {a: b}\n" \
         "fieldSpecs: [{path: metadata/labels, create: true}]\n"
REPLACEMENTS = """apiVersion: builtin
kind: ReplacementTransformer
metadata: {name: r}
replacements:
- source: {kind: Deployment, group: extensions, version: v1beta1, name: web}
  targets: [{select: {kind: Service}, fieldPaths: [metadata.labels.app]}]
"""


def _findings(cli, *paths) -> list:
    result = cli(["lint", "--strict", "-k", "1.30", "-f", "json", *paths])
    return json.loads(result.out)


def test_builtin_plugin_config_is_not_an_object(cli, write):
    out = _findings(cli, write("labels.yaml", LABELS))
    assert out["findings"] == []
    assert out["summary"]["resources"] == 0 and out["summary"]["kustomizations"] == 1


def test_its_selectors_are_checked_like_a_kustomizations(cli, write):
    out = _findings(cli, write("replacements.yaml", REPLACEMENTS))
    assert [(f["rule_id"], f["json_path"]) for f in out["findings"]] == [
        ("REF004", "replacements[0].source.version")]


def test_an_object_next_to_it_is_still_checked(cli, write):
    path = write("both.yaml", LABELS + "---\napiVersion: v1\nkind: ConfigMap\ndata: {a: b}\n")
    assert [f["rule_id"] for f in _findings(cli, path)["findings"]] == ["SRV001"]
