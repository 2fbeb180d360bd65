"""Where findings point, and that one problem gives one finding: a field whose value is a block mapping is
reported at its key (not at its first child), and a removed API or a mis-indented first key is not
reported again as an unknown kind or a missing kind."""
from __future__ import annotations

from k8slint.engine import Linter, LintOptions
from k8slint.loader import load_text
from k8slint.versions import KubeVersion


def _lint(text: str, target: str = "1.30") -> list:
    loaded = load_text(text, "x.yaml")
    return Linter(LintOptions(target=KubeVersion.parse(target))).check_file(loaded)


POD = """apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
  - name: c
    image: nginx
  volumes:
  - name: block
    flocker:
      datasetName: x
  - name: flow
    flocker: {datasetName: y}
"""


def test_a_block_mapping_field_is_reported_at_its_key():
    flocker = [(f.line, f.column) for f in _lint(POD) if f.rule_id == "FLD013"]
    # the `flocker:` key, not `datasetName:` one line below; a flow mapping starts on its key's line
    assert flocker == [(11, 5), (14, 14)]


def test_a_schema_error_about_a_block_mapping_points_at_its_key():
    text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  selector:\n    matchLabels: {a: b}\n"
    (missing,) = [f for f in _lint(text) if f.rule_id == "SCH001" and f.json_path == "spec"]
    assert (missing.line, missing.column) == (5, 1)


def test_a_scalar_keeps_the_position_of_its_value():
    (removed,) = [f for f in _lint("apiVersion: batch/v1beta1\nkind: CronJob\nmetadata:\n  name: c\n")
                  if f.rule_id.startswith("API")]
    assert (removed.line, removed.column) == (1, 13)


def test_an_api_removed_before_the_oldest_schema_is_one_finding():
    # extensions/v1beta1 Job and apps/v1alpha1 PetSet are older than any embedded schema
    for api_version, kind in (("extensions/v1beta1", "Job"), ("apps/v1alpha1", "PetSet"),
                              ("extensions/v1beta1", "HorizontalPodAutoscaler")):
        found = _lint(f"apiVersion: {api_version}\nkind: {kind}\nmetadata:\n  name: x\n")
        assert [f.rule_id[:3] for f in found] == ["API"], found


def test_a_kind_no_rule_knows_is_still_unknown():
    found = _lint("apiVersion: extensions/v1beta1\nkind: NoSuchThing\nmetadata:\n  name: x\n")
    assert [f.rule_id for f in found] == ["SCH004"]


def test_a_mis_indented_first_key_is_a_syntax_error_only():
    for text in ("  apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n",
                 " apiVersion: v1\n kind: ConfigMap\n metadata:\n   name: x\ndata: {}\n"):
        found = _lint(text)
        assert [f.rule_id for f in found] == ["YML001"], found


def test_documents_after_a_broken_one_are_still_read():
    text = "  apiVersion: v1\nkind: ConfigMap\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: 1\n"
    assert [(f.rule_id, f.line) for f in _lint(text)] == [("YML001", 2), ("SCH001", 9)]
