"""FLD027's fix texts: when serviceAccount and serviceAccountName differ the API server keeps
serviceAccountName (v1 conversion) and accepts the pod; the fixer's words must not claim a rejection."""
from __future__ import annotations

from k8slint.engine import Linter, LintOptions
from k8slint.fixer import context_for, describe_fix
from k8slint.loader import load_text
from k8slint.schemastore import default_store
from k8slint.versions import resolve

POD = "apiVersion: v1\nkind: Pod\nmetadata: {name: app}\nspec:\n  serviceAccount: builder\n{extra}" \
      "  containers: [{name: app, image: nginx}]\n"


def _info(text: str):
    version = resolve("1.30")
    resource = load_text(text, "pod.yaml").resources[0]
    finding = next(f for f in Linter(LintOptions(target=version)).check_file(load_text(text, "pod.yaml"))
                   if f.rule_id == "FLD027")
    return describe_fix(finding, resource, context_for(version, default_store(), [resource]))


def test_alias_alone_is_renamed_and_the_manual_step_says_which_field_wins():
    info = _info(POD.replace("{extra}", ""))
    assert info.safety == "safe"
    assert "serviceAccountName wins" in info.manual and "must be equal" not in info.manual


def test_differing_values_are_left_to_the_user_without_claiming_a_rejection():
    info = _info(POD.replace("{extra}", "  serviceAccountName: runner\n"))
    assert info.safety is None
    text = f"{info.note} {info.manual}"
    assert "keeps serviceAccountName" in text and "reject" not in text
