"""`k8slint fix` end to end: preview and --write, exit codes, output formats, safety levels, atomic writes
that keep the file's mode and encoding, files that are never rewritten, and `fixability`."""
from __future__ import annotations

import codecs
import json
import os
import stat

import pytest

from k8slint import fixer
from k8slint.fixer import fixability
from k8slint.fixer.migrations import API_MIGRATIONS, FIELD_MIGRATIONS
from k8slint.model import Finding, ObjectRef, Severity
from k8slint.rules import all_rules

OLD = """# billing, written for 1.9
apiVersion: extensions/v1beta1
kind: Deployment
metadata:
  name: billing
spec:
  template:
    metadata:
      labels: {app: billing}
    spec:
      containers:
        - name: billing
          image: billing:1
"""
OLD_PDB = "apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata: {name: all}\nspec:\n  selector: {}\n"
CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n"


def test_preview_shows_a_diff_changes_nothing_and_exits_on_what_would_remain(cli, write):
    path = write("app.yaml", OLD)
    result = cli(["fix", path])
    assert path.read_text() == OLD
    assert result.code == 0, result.out
    name = str(path).lstrip("/")
    assert f"--- a/{name}\n+++ b/{name}\n" in result.out and "+apiVersion: apps/v1\n" in result.out
    assert f"{path}:2:13: would fix API021 Deployment/billing: migrate Deployment to apps/v1\n" in result.out
    assert result.out.endswith("Would fix 1 problem in 1 file; run with --write to apply. Assumed nothing about "
                               "the version the cluster runs now (see --current-version).\n")
    lint = cli(["lint", path])
    assert lint.code == 1


def test_write_rewrites_in_place_keeps_comments_and_mode_and_reports_what_was_pinned(cli, write):
    path = write("app.yaml", OLD)
    os.chmod(path, 0o640)
    result = cli(["fix", "--write", path])
    assert result.code == 0
    text = path.read_text()
    assert text.startswith("# billing, written for 1.9\napiVersion: apps/v1\n")
    assert "  selector:\n    matchLabels: {app: billing}\n  revisionHistoryLimit: 2147483647\n" in text
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
    assert "--- a/" not in result.out
    assert "    - pinned revisionHistoryLimit: 2147483647 (extensions/v1beta1 kept every old ReplicaSet" in result.out
    assert not [p for p in path.parent.iterdir() if "k8slint-tmp" in p.name]
    assert cli(["lint", "--strict", path]).code == 0


def test_a_symbolic_link_stays_a_link_and_its_target_is_fixed(cli, write, tmp_path):
    real = write("real/app.yaml", OLD)
    link = tmp_path / "link.yaml"
    link.symlink_to(real)
    assert cli(["fix", "--write", link]).code == 0
    assert link.is_symlink() and "apiVersion: apps/v1" in real.read_text()


def test_fixes_that_need_a_decision_run_only_with_unsafe_fixes(cli, write):
    path = write("pdb.yaml", OLD_PDB)
    result = cli(["fix", "--write", path])
    assert path.read_text() == OLD_PDB and result.code == 1
    assert "[unsafe fix not applied: spec.selector is empty" in result.out
    assert "--unsafe-fixes would migrate PodDisruptionBudget to policy/v1 keeping selector: {}]" in result.out
    assert "1 more fix available with --unsafe-fixes." in result.out
    result = cli(["fix", "--write", "--unsafe-fixes", path])
    assert result.code == 0 and "apiVersion: policy/v1\n" in path.read_text()
    assert "fixed API064 PodDisruptionBudget/all: migrate PodDisruptionBudget to policy/v1 keeping selector: {} " \
           "(unsafe)" in result.out


def test_json_report_has_the_remaining_findings_the_fixes_and_the_diff(cli, write):
    path = write("app.yaml", OLD + "---\n" + OLD_PDB)
    result = cli(["fix", "-f", "json", path])
    doc = json.loads(result.out)
    assert [f["rule_id"] for f in doc["findings"]] == ["API064"]
    assert doc["findings"][0]["fix"] == {"description": "migrate PodDisruptionBudget to policy/v1 keeping selector: {}",
                                         "safety": "unsafe"}
    assert doc["fixes"][0]["rule_id"] == "API021" and doc["fixes"][0]["applied"] is False
    assert doc["fixes"][0]["object"]["name"] == "billing" and doc["fixes"][0]["safety"] == "safe"
    assert doc["diff"].startswith("--- a/" + str(path).lstrip("/")) and doc["unsafe_fixes_available"] == 1
    assert result.code == 1


def test_exit_code_and_fail_on_are_judged_on_the_remaining_findings(cli, write):
    path = write("app.yaml", OLD)
    assert cli(["fix", "--write", path]).code == 0
    warn = write("warn.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  serviceAccount: a\n"
                              "  containers: [{name: c, image: i}]\n")
    assert cli(["lint", "--fail-on", "warning", warn]).code == 1
    assert cli(["fix", "--fail-on", "warning", warn]).code == 0  # FLD027 would be fixed
    assert cli(["fix", "--fail-on", "info", "--ignore", "FLD", warn]).code == 0


def test_a_file_that_does_not_parse_is_never_rewritten(cli, write):
    broken = OLD + "---\nkind: [unclosed\n"
    path = write("broken.yaml", broken)
    result = cli(["fix", "--write", path])
    assert path.read_text() == broken
    assert "YML001" in result.out and result.code == 1
    latin = write("latin.yaml", OLD.encode().replace(b"billing", b"b\xe9lling"))
    cli(["fix", "--write", latin])
    assert b"b\xe9lling" in latin.read_bytes()


def test_encoding_byte_order_mark_and_crlf_are_kept(cli, write):
    utf16 = write("utf16.yaml", codecs.BOM_UTF16_LE + OLD.replace("\n", "\r\n").encode("utf-16-le"))
    assert cli(["fix", "--write", utf16]).code == 0
    data = utf16.read_bytes()
    assert data.startswith(codecs.BOM_UTF16_LE)
    text = data[2:].decode("utf-16-le")
    assert "apiVersion: apps/v1\r\n" in text and "\n" not in text.replace("\r\n", "")
    bom = write("bom.yaml", codecs.BOM_UTF8 + OLD.encode())
    cli(["fix", "--write", bom])
    assert bom.read_bytes().startswith(codecs.BOM_UTF8 + b"# billing")


def test_the_other_documents_and_files_stay_byte_for_byte(cli, write, tmp_path):
    text = CONFIGMAP + "---\n" + OLD + "--- # the budget\n" + OLD_PDB + "...\n"
    path = write("multi.yaml", text)
    other = write("other.yaml", CONFIGMAP)
    cli(["fix", "--write", tmp_path])
    fixed = path.read_text()
    assert fixed.startswith(CONFIGMAP + "---\n# billing") and fixed.endswith("--- # the budget\n" + OLD_PDB + "...\n")
    assert other.read_text() == CONFIGMAP


def test_standard_input_can_be_previewed_but_not_written(cli):
    result = cli(["fix", "-"], stdin=OLD)
    assert "--- a/<stdin>\n" in result.out and "would fix API021" in result.out
    result = cli(["fix", "--write", "-"], stdin=OLD)
    assert result.code == 2 and "--write cannot rewrite standard input" in result.err


def test_usage_errors_are_lint_s(cli, write):
    path = write("app.yaml", OLD)
    assert cli(["fix", "-k", "1.99", path]).code == 2
    assert cli(["fix", "-f", "nope", path]).code == 2
    assert cli(["fix", "--select", "NOPE", path]).code == 2
    assert cli(["fix", "missing.yaml"]).code == 2


def test_a_target_that_does_not_serve_the_replacement_gets_no_fix(cli, write):
    path = write("ingress.yaml", "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: i}\nspec:\n"
                                 "  backend: {serviceName: s, servicePort: 80}\n")
    result = cli(["fix", "--write", "-k", "1.18", path])
    assert "apiVersion: extensions/v1beta1" in path.read_text()
    assert "networking.k8s.io/v1 Ingress is not served by Kubernetes 1.18 (served from 1.19)" in result.out


def test_a_document_whose_result_does_not_validate_keeps_its_text(cli, write, monkeypatch):
    """The check after the edit: a (deliberately broken) migration writing an invalid object is refused, with
    the reason, and the other documents of the file are still fixed."""
    from k8slint.fixer.migrations import simple
    real = simple.bump

    def broken(resource, finding, ctx):
        proposal = real(resource, finding, ctx)
        inner = proposal.run

        def run(ed):
            notes = inner(ed)
            ed.set(("spec", "schedule"), 5)  # not a string: invalid for batch/v1
            return notes
        proposal.run = run
        return proposal
    monkeypatch.setattr(API_MIGRATIONS[("batch/v1beta1", "CronJob")], "propose", broken)
    cron = "apiVersion: batch/v1beta1\nkind: CronJob\nmetadata: {name: c}\nspec:\n  schedule: '@daily'\n" \
           "  jobTemplate: {spec: {template: {spec: {restartPolicy: Never, containers: [{name: c, image: i}]}}}}\n"
    path = write("both.yaml", cron + "---\n" + OLD)
    result = cli(["fix", "--write", path])
    fixed = path.read_text()
    assert fixed.startswith(cron) and "apiVersion: apps/v1" in fixed
    assert "API059 CronJob batch/v1beta1 was removed in 1.25; use batch/v1 CronJob [automatic fix not applied: the " \
           "fixed object would not validate for Kubernetes 1.37: spec.schedule: expected string" in result.out


def test_an_interrupted_write_leaves_the_file_whole(write, monkeypatch):
    path = write("app.yaml", OLD)

    def interrupted(src, dst):
        raise KeyboardInterrupt
    monkeypatch.setattr(os, "replace", interrupted)
    from k8slint.engine import LintOptions
    from k8slint.versions import newest_embedded
    with pytest.raises(KeyboardInterrupt):
        fixer.run_fix([str(path)], fixer.FixOptions(LintOptions(target=newest_embedded()), write=True))
    assert path.read_text() == OLD
    assert [p.name for p in path.parent.iterdir()] == ["app.yaml"]


def test_a_file_that_cannot_be_written_is_left_alone_and_exits_2(cli, write, tmp_path):
    path = write("ro/app.yaml", OLD)
    os.chmod(path.parent, 0o555)
    try:
        if os.access(path.parent, os.W_OK):
            pytest.skip("running as a user who may write anywhere")
        result = cli(["fix", "--write", path])
    finally:
        os.chmod(path.parent, 0o755)
    assert result.code == 2 and "cannot write" in result.err and path.read_text() == OLD


def test_fixability_answers_for_a_rule_and_exactly_for_an_object():
    ref = ObjectRef("policy/v1beta1", "PodDisruptionBudget", None, "all")
    finding = Finding("API064", Severity.ERROR, "m", "f", 1, 1, "apiVersion", ref)
    assert fixability(finding) == "safe"
    from k8slint.fixer.plan import context_for
    from k8slint.loader import load_text
    from k8slint.schemastore import default_store
    from k8slint.versions import newest_embedded
    resource = load_text(OLD_PDB, "f").resources[0]
    ctx = context_for(newest_embedded(), default_store(), [resource])
    assert fixability(finding, resource, ctx) == "unsafe"
    psp = Finding("API065", Severity.ERROR, "m", "f", 1, 1, "apiVersion",
                  ObjectRef("policy/v1beta1", "PodSecurityPolicy", None, "p"))
    assert fixability(psp) is None
    recycle = Finding("FLD001", Severity.WARNING, "m", "f", 1, 1, "spec.persistentVolumeReclaimPolicy", None)
    assert fixability(recycle) == "unsafe"
    assert fixability(Finding("SCH001", Severity.ERROR, "m", "f", 1, 1)) is None
    via_annotation = Finding("API021", Severity.ERROR, "m", "f", 1, 1,
                             "metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']",
                             ObjectRef("apps/v1", "Deployment", None, "d"))
    assert fixability(via_annotation) is None


def test_describe_fix_gives_the_reasons():
    from k8slint.fixer import context_for, describe_fix
    from k8slint.loader import load_text
    from k8slint.schemastore import default_store
    from k8slint.versions import newest_embedded
    resource = load_text(OLD_PDB, "f").resources[0]
    finding = Finding("API064", Severity.ERROR, "m", "f", 1, 1, "apiVersion", resource.ref)
    info = describe_fix(finding, resource, context_for(newest_embedded(), default_store(), [resource]))
    assert info.safety == "unsafe" and "empty" in info.note and "matchLabels" in info.manual
    psp = load_text("apiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata: {name: p}\nspec: {}\n",
                    "f").resources[0]
    finding = Finding("API065", Severity.ERROR, "m", "f", 1, 1, "apiVersion", psp.ref)
    info = describe_fix(finding, psp, context_for(newest_embedded(), default_store(), [psp]))
    assert info.safety is None and "no replacement" in info.note and "pod-security.kubernetes.io/enforce" in info.manual
    assert describe_fix(finding).safety is None


def test_every_registered_migration_names_a_rule_that_exists():
    names = {r.meta.name for r in all_rules()}
    pairs = {(r.record["api_version"], k) for r in all_rules() if r.id.startswith("API") and r.record
             for k in r.record["kinds"]}
    assert set(FIELD_MIGRATIONS) <= names
    assert set(API_MIGRATIONS) <= pairs, set(API_MIGRATIONS) - pairs


PLC_V1BETA3 = """apiVersion: flowcontrol.apiserver.k8s.io/v1beta3
kind: PriorityLevelConfiguration
metadata:
  name: batch{annotations}
spec:
  type: Limited
  limited:
    nominalConcurrencyShares: 0
    limitResponse: {{type: Reject}}
"""


def test_flowcontrol_v1beta3_zero_shares_keep_their_meaning_in_v1(cli, write):
    # without the annotation, v1beta3 read 0 as the default 30: the fix pins 30 instead of leaving a zero-share level
    plain = write("plc.yaml", PLC_V1BETA3.format(annotations=""))
    result = cli(["fix", "--write", "-k", "1.32", plain])
    text = plain.read_text()
    assert result.code == 0 and "apiVersion: flowcontrol.apiserver.k8s.io/v1\n" in text
    assert "nominalConcurrencyShares: 30" in text and "nominalConcurrencyShares: 0" not in text
    # with the annotation, zero was meant: keep 0, drop the annotation v1 does not need
    kept = write("kept.yaml", PLC_V1BETA3.format(
        annotations="\n  annotations:\n    flowcontrol.k8s.io/v1beta3-preserve-zero-concurrency-shares: \"true\"\n"
                    "    owner: platform"))
    assert cli(["fix", "--write", "-k", "1.32", kept]).code == 0
    text = kept.read_text()
    assert "nominalConcurrencyShares: 0" in text and "preserve-zero" not in text and "owner: platform" in text
