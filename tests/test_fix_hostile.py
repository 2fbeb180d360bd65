"""fix on hostile input and file systems (issue 17): odd shapes never crash nor stop the other objects or
files; no lost update; read-only files, owners and hard links respected; interruptions say what is done."""
from __future__ import annotations

import json
import os
import threading

import pytest

from conftest import run_cli

OLD = ("apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {name: %s}\nspec:\n"
       "  selector: {matchLabels: {app: a}}\n  template:\n    metadata: {labels: {app: a}}\n    spec:\n"
       "      containers: [{name: a, image: nginx}]\n")

# Shapes the schema check reports, which migrations once assumed were mappings or lists.
ODD = [
    "apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {name: odd}\nspec:\n  template:\n"
    "    metadata: [a]\n",
    "apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {name: odd}\nspec:\n  template: {metadata: text}\n",
    "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: odd}\nspec: {rules: 5}\n",
    "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: odd}\nspec:\n  rules: [{http: {paths: true}}]\n",
    "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: odd}\nrules:\n"
    "- {verbs: [use], resources: [podsecuritypolicies], resourceNames: [{a: 1}]}\n---\n"
    "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: odd}\n"
    "roleRef: {kind: ClusterRole, name: {a: 1}}\nsubjects: 3\n",
    "apiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata: {name: odd}\nspec:\n"
    "  allowedCapabilities: [{a: 1}]\n  requiredDropCapabilities: [null]\n  runAsUser: 5\n",
    "apiVersion: apiextensions.k8s.io/v1beta1\nkind: CustomResourceDefinition\nmetadata: {name: a.b.c}\n"
    "spec:\n  group: b.c\n  names: {kind: A, plural: a}\n  versions: [{name: v1, served: true, storage: true}]\n"
    "  validation: {openAPIV3Schema: {type: object, properties: [x]}}\n",
    "apiVersion: admissionregistration.k8s.io/v1beta1\nkind: ValidatingWebhookConfiguration\n"
    "metadata: {name: odd}\nwebhooks: [{name: {a: 1}}, {name: [b]}]\n",
    "apiVersion: autoscaling/v2beta1\nkind: HorizontalPodAutoscaler\nmetadata: {name: odd}\nspec:\n"
    "  scaleTargetRef: {kind: Deployment, name: a}\n  maxReplicas: 2\n  metrics: [{type: {a: 1}}]\n",
    "apiVersion: discovery.k8s.io/v1beta1\nkind: EndpointSlice\nmetadata: {name: odd}\naddressType: IPv4\n"
    "endpoints: 7\n",
]


@pytest.mark.parametrize("odd", ODD)
def test_an_object_of_odd_shape_never_stops_the_fix_of_the_others(tmp_path, odd):
    path = tmp_path / "mixed.yaml"
    path.write_text(odd + "---\n" + OLD % "good")
    result = run_cli(["fix", "-k", "1.30", "--write", str(path)])
    assert result.code in (0, 1), result.err
    assert "Traceback" not in result.err
    assert "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: good}" in path.read_text()


def test_a_file_the_fixer_fails_on_is_a_finding_and_the_others_are_fixed(tmp_path, monkeypatch):
    from k8slint.fixer import apply
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.yaml").write_text(OLD % name)
    real = apply.fix_file

    def failing(inp, *args):
        if inp.path.endswith("b.yaml"):
            raise RuntimeError("boom")
        return real(inp, *args)
    monkeypatch.setattr(apply, "fix_file", failing)
    result = run_cli(["fix", "-k", "1.30", "--write", str(tmp_path)])
    assert result.code == 1 and "YML020" in result.out and "b.yaml" in result.out
    assert "apps/v1" in (tmp_path / "a.yaml").read_text() and "apps/v1" in (tmp_path / "c.yaml").read_text()
    assert (tmp_path / "b.yaml").read_text() == OLD % "b"


def test_a_migration_that_fails_is_refused_for_that_object_only(tmp_path, monkeypatch):
    from k8slint.fixer import apply
    path = tmp_path / "two.yaml"
    path.write_text(OLD % "first" + "---\n" + OLD % "second")
    real = apply.plan_resource

    def failing(resource, *args):
        if resource.name == "first":
            raise TypeError("unexpected shape")
        return real(resource, *args)
    monkeypatch.setattr(apply, "plan_resource", failing)
    result = run_cli(["fix", "-k", "1.30", "--write", str(path)])
    assert "shape this fix does not handle" in result.out
    text = path.read_text()
    assert "extensions/v1beta1\nkind: Deployment\nmetadata: {name: first}" in text
    assert "apps/v1\nkind: Deployment\nmetadata: {name: second}" in text


def test_read_only_file_is_refused_and_kept(tmp_path):
    path = tmp_path / "ro.yaml"
    path.write_text(OLD % "ro")
    path.chmod(0o444)
    result = run_cli(["fix", "-k", "1.30", "--write", str(path)])
    assert result.code == 2 and "read-only" in result.err
    assert path.read_text() == OLD % "ro" and (path.stat().st_mode & 0o777) == 0o444
    # a finding on the file too, so that every output format (and CI annotations) says it
    assert result.out.startswith(f"{path}:1:1: error YML020 k8slint fix could not write this file and left it "
                                 "unchanged: the file is read-only (mode 0444)")
    assert "Nothing to fix." in result.out  # nothing was fixed: the findings are of the file as it is
    doc = json.loads(run_cli(["fix", "-k", "1.30", "--write", "-f", "json", str(path)]).out)
    assert [(f["rule_id"], f["line"]) for f in doc["findings"]][:1] == [("YML020", 1)]


def test_hard_links_and_owner_are_kept(tmp_path):
    path = tmp_path / "app.yaml"
    path.write_text(OLD % "linked")
    other = tmp_path / "other-name.yaml.bak"
    os.link(path, other)
    if os.geteuid() == 0:
        os.chown(path, 4321, 4321)
    assert run_cli(["fix", "-k", "1.30", "--write", str(path)]).code in (0, 1)
    assert "apps/v1" in other.read_text() and os.stat(path).st_ino == os.stat(other).st_ino
    if os.geteuid() == 0:
        assert (path.stat().st_uid, path.stat().st_gid) == (4321, 4321)


def test_an_edit_landing_right_before_the_rename_is_not_lost(tmp_path, monkeypatch):
    """A concurrent writer edits the file after k8slint read it, while it writes its temporary file."""
    from k8slint import atomic
    path = tmp_path / "app.yaml"
    path.write_text(OLD % "race")
    theirs = OLD % "race" + "# an edit from another tool\n"
    real_fsync = os.fsync

    def fsync_then_edit(fd):  # the moment the temporary file is synced: the other writer lands
        real_fsync(fd)
        if path.read_text() != theirs:
            path.write_text(theirs)
    monkeypatch.setattr(atomic.os, "fsync", fsync_then_edit)
    result = run_cli(["fix", "-k", "1.30", "--write", str(path)])
    assert result.code == 2 and "changed while k8slint was fixing it" in result.err
    assert path.read_text() == theirs
    assert [p.name for p in tmp_path.iterdir()] == ["app.yaml"]


def test_an_edit_to_the_old_file_during_the_rename_is_put_back(tmp_path, monkeypatch):
    from k8slint import atomic
    path = tmp_path / "app.yaml"
    path.write_text(OLD % "race")
    theirs = (OLD % "race").replace("nginx", "nginx:2")  # same size would fool a size check: content counts
    real_replace = os.replace

    def edit_then_replace(src, dst):
        with open(dst, "r+") as fh:  # an in-place writer, on the old file, just before the rename
            fh.write(theirs)
        real_replace(src, dst)
    monkeypatch.setattr(atomic.os, "replace", edit_then_replace)
    result = run_cli(["fix", "-k", "1.30", "--write", str(path)])
    assert result.code == 2 and "changed" in result.err
    assert path.read_text() == theirs


def test_a_concurrent_writer_never_loses_an_edit(tmp_path):
    """A real second writer appends to files while fix --write runs: whichever comes first, the edit is
    never lost (k8slint refuses a file that changed; an edit after the fix appends to the fixed file)."""
    paths = []
    for i in range(40):
        p = tmp_path / f"f{i:02}.yaml"
        p.write_text(OLD % f"f{i}")
        paths.append(p)
    stop = threading.Event()

    def writer():
        for p in paths[::2]:
            if stop.is_set():
                return
            with open(p, "a") as fh:
                fh.write("# edited\n")
    thread = threading.Thread(target=writer)
    thread.start()
    run_cli(["fix", "-k", "1.30", "--write", str(tmp_path)])
    stop.set()
    thread.join()
    for p in paths[::2]:
        assert p.read_text().endswith("# edited\n"), p


def test_stale_temporary_files_of_killed_runs_are_removed(tmp_path):
    path = tmp_path / "app.yaml"
    path.write_text(OLD % "x")
    dead = tmp_path / ".app.yaml.k8slint-999999999-abcd1234.tmp"
    dead.write_text("half")
    foreign = tmp_path / ".app.yaml.other-tool.tmp"
    foreign.write_text("not ours")
    live = tmp_path / f".app.yaml.k8slint-{os.getppid()}-abcd1234.tmp"  # a running process: kept
    live.write_text("in use")
    assert run_cli(["fix", "-k", "1.30", "--write", str(path)]).code in (0, 1)
    assert not dead.exists() and foreign.exists() and live.exists()


def test_interrupted_fix_says_which_files_were_rewritten(tmp_path, monkeypatch):
    from k8slint.fixer import apply
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.yaml").write_text(OLD % name)
    real = apply.fix_file

    def interrupted(inp, *args):
        if inp.path.endswith("c.yaml"):
            raise KeyboardInterrupt
        return real(inp, *args)
    monkeypatch.setattr(apply, "fix_file", interrupted)
    result = run_cli(["fix", "-k", "1.30", "--write", str(tmp_path)])
    assert result.code == 130
    assert "2 files already rewritten" in result.err and "a.yaml" in result.err and "b.yaml" in result.err
    assert (tmp_path / "c.yaml").read_text() == OLD % "c"


def test_a_file_of_lone_cr_line_ends_is_written_back_with_cr_only(tmp_path):
    text = ("# top\n" + OLD % "cr" + "---\napiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: i}\n"
            "spec:\n  backend: {serviceName: s, servicePort: 80}  # kept\n  rules:\n  - http:\n      paths:\n"
            "      - backend: {serviceName: s, servicePort: 80}\n")
    lf, cr = tmp_path / "lf.yaml", tmp_path / "cr.yaml"
    lf.write_bytes(text.encode())
    cr.write_bytes(text.replace("\n", "\r").encode())
    assert run_cli(["fix", "-k", "1.30", "--write", "--unsafe-fixes", str(lf), str(cr)]).code == 0
    fixed = lf.read_bytes()
    assert b"apps/v1" in fixed and b"networking.k8s.io/v1" in fixed and fixed != text.encode()
    assert cr.read_bytes() == fixed.replace(b"\n", b"\r")  # the same fix, and not one LF in it


FLOW = ("apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {name: d}\nspec: {\n  replicas: 2,  # two\n"
        "%s  selector: {matchLabels: {app: a}},  # sel\n"
        "  template: {metadata: {labels: {app: a}}, spec: {containers: [{name: a, image: nginx}]}}%s\n}\n")


@pytest.mark.parametrize("middle, last", [
    ("  rollbackTo: {revision: 1},  # rb\n", "  # tpl"),  # a deleted entry between kept ones
    ("", ",  # tpl\n  rollbackTo: {revision: 1}  # rb"),  # the last entry deleted
])
def test_deleting_an_entry_of_a_multi_line_flow_mapping_keeps_the_other_lines_comments(tmp_path, middle, last):
    path = tmp_path / "d.yaml"
    path.write_text(FLOW % (middle, last))
    assert run_cli(["fix", "-k", "1.30", "--write", str(path)]).code == 0
    text = path.read_text()
    assert "rollbackTo" not in text and "# rb" not in text and "apps/v1" in text
    assert "  replicas: 2,  # two\n" in text and "  selector: {matchLabels: {app: a}},  # sel\n" in text
    assert "image: nginx}]}}  # tpl\n}" in text  # the new last entry has no trailing comma


def test_deleting_the_last_entry_of_multi_line_json_leaves_valid_json(tmp_path):
    doc = {"apiVersion": "extensions/v1beta1", "kind": "Deployment", "metadata": {"name": "d"},
           "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "a"}},
                    "template": {"metadata": {"labels": {"app": "a"}},
                                 "spec": {"containers": [{"name": "a", "image": "nginx"}]}},
                    "rollbackTo": {"revision": 1}}}
    path = tmp_path / "d.json"
    path.write_text(json.dumps(doc, indent=2))
    assert run_cli(["fix", "-k", "1.30", "--write", str(path)]).code == 0
    fixed = json.loads(path.read_text())
    assert fixed["apiVersion"] == "apps/v1" and "rollbackTo" not in fixed["spec"]
