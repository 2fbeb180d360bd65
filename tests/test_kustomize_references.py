"""REF004: kustomize selectors (patch and replacement targets) naming an API version the target removed.
kustomization files are read in directory walks for this and nothing else: never validated."""
from __future__ import annotations

import json

KUSTOMIZATION = """apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources: [ingress.yaml]
patches:
  - path: tls.yaml
    target:
      group: extensions
      version: v1beta1
      kind: Ingress
      name: web
  - path: replicas.yaml
    target: {group: apps, version: v1beta2, kind: Deployment}  # removed in 1.16
  - path: fine.yaml
    target: {group: apps, version: v1, kind: Deployment}
  - path: by-kind.yaml
    target: {kind: Ingress}  # by kind alone: matches the migrated Ingress too
patchesStrategicMerge: [no-target.yaml]
patchesJson6902:
  - target: {group: batch, version: v1beta1, kind: CronJob, name: nightly}
    path: cron.yaml
replacements:
  - source: {kind: Deployment, group: extensions, name: web}
    targets:
      - select: {group: policy, version: v1beta1, kind: PodDisruptionBudget}
        reject: [{group: extensions, kind: Ingress}]
openapi: {path: schema.json}
unknownField: [1, 2]
"""

INGRESS = """apiVersion: extensions/v1beta1
kind: Ingress
metadata: {name: web}
spec:
  backend: {serviceName: web, servicePort: 80}
"""


def _refs(out: str) -> list:
    return [(f["rule_id"], f["line"], f["column"], f["json_path"]) for f in json.loads(out)["findings"]]


def test_each_selector_naming_a_removed_version_is_reported_where_it_is(cli, write):
    path = write("kustomization.yaml", KUSTOMIZATION)
    result = cli(["lint", "-k", "1.30", "-f", "json", path])
    assert _refs(result.out) == [
        ("REF004", 8, 16, "patches[0].target.version"),
        ("REF004", 12, 36, "patches[1].target.version"),
        ("REF004", 19, 37, "patchesJson6902[0].target.version"),
        ("REF004", 22, 39, "replacements[0].source.group"),
        ("REF004", 24, 42, "replacements[0].targets[0].select.version"),
        ("REF004", 25, 26, "replacements[0].targets[0].reject[0].group"),
    ]
    messages = [f["message"] for f in json.loads(result.out)["findings"]]
    assert messages[0].endswith("kustomize silently skips it; select networking.k8s.io/v1")
    assert "kustomize build fails" in messages[3] and "excludes nothing" in messages[5]
    assert result.code == 1


def test_a_kustomization_is_quiet_while_the_versions_are_served_and_never_validated(cli, write):
    path = write("kustomization.yaml", KUSTOMIZATION)
    quiet = _refs(cli(["lint", "--strict", "-k", "1.15", "-f", "json", path]).out)
    # no SCH or SRV noise, and no YML010 either: REF004 checked the kustomization (a pre-commit run on it alone)
    assert quiet == []
    assert [r[3] for r in _refs(cli(["lint", "-k", "1.22", "-f", "json", path]).out)] == [
        "patches[0].target.version", "patches[1].target.version", "replacements[0].source.group",
        "replacements[0].targets[0].reject[0].group"]


def test_the_replacement_is_the_one_current_and_target_both_serve(cli, write):
    path = write("kustomization.yaml", "resources: [flow.yaml]\npatches:\n  - path: p.yaml\n    target:\n"
                 "      group: flowcontrol.apiserver.k8s.io\n      version: v1beta1\n      kind: FlowSchema\n")
    out = cli(["lint", "-k", "1.27", "--current-version", "1.26", "-f", "json", path]).out
    assert json.loads(out)["findings"][0]["message"].endswith("; select flowcontrol.apiserver.k8s.io/v1beta3")
    cli(["fix", "-k", "1.27", "--current-version", "1.26", "--write", path])
    assert "      version: v1beta3\n" in path.read_text()


def test_a_directory_walk_reads_the_kustomization(cli, tmp_path):
    (tmp_path / "kustomization.yaml").write_text(KUSTOMIZATION)
    (tmp_path / "ingress.yaml").write_text(INGRESS)
    result = json.loads(cli(["lint", "-k", "1.30", "-f", "json", tmp_path]).out)
    files = {f["file"].rsplit("/", 1)[-1] for f in result["findings"]}
    assert files == {"ingress.yaml", "kustomization.yaml"}


def test_fix_moves_the_selectors_with_the_resources_step_by_step(cli, tmp_path):
    kustomization, ingress = tmp_path / "kustomization.yaml", tmp_path / "ingress.yaml"
    kustomization.write_text(KUSTOMIZATION)
    ingress.write_text(INGRESS)
    first = cli(["fix", "-k", "1.30", "--current-version", "1.16", "--write", tmp_path])
    text = kustomization.read_text()
    # on 1.16 only what the cluster already serves: apps/v1; the Ingress and its targets wait for 1.19
    assert "target: {group: apps, version: v1, kind: Deployment}  # removed in 1.16" in text
    assert "source: {kind: Deployment, group: apps, name: web}" in text  # no version given: the group only
    assert "      group: extensions\n      version: v1beta1\n" in text and "extensions/v1beta1" in ingress.read_text()
    assert "fixed REF004" in first.out
    waiting = [line for line in first.out.splitlines() if "REF004 patches[0]" in line]
    assert waiting and waiting[0].endswith("[fix waits for the cluster: networking.k8s.io/v1 Ingress is served from "
                                           "1.19 and your cluster runs 1.16; upgrade the cluster to 1.19-1.21, then "
                                           "run k8slint fix again]")
    assert "Waiting for a newer cluster: 3 fixes from 1.19, 2 fixes from 1.21." in first.out
    cli(["fix", "-k", "1.30", "--current-version", "1.21", "--write", tmp_path])
    text = kustomization.read_text()
    assert "      group: networking.k8s.io\n      version: v1\n      kind: Ingress\n" in text
    assert "reject: [{group: networking.k8s.io, kind: Ingress}]" in text
    assert "target: {group: batch, version: v1, kind: CronJob, name: nightly}" in text
    assert "unknownField: [1, 2]" in text and "patchesStrategicMerge: [no-target.yaml]" in text
    assert cli(["lint", "--strict", "-k", "1.30", tmp_path]).code == 0


def test_the_report_plans_each_selector_in_the_window_of_its_resources(cli, tmp_path):
    (tmp_path / "kustomization.yaml").write_text(KUSTOMIZATION)
    (tmp_path / "ingress.yaml").write_text(INGRESS)
    report = json.loads(cli(["report", "--from", "1.16", "--to", "1.30", "-f", "json", tmp_path]).out)
    config = next(o for o in report["objects"] if o["kind"] == "Kustomization")
    assert config["status"] == "blocking" and config["validity"]["result"] == "unchecked"
    assert set(config["states"].values()) == {"tool"}  # never applied: not "not served"
    assert sorted(i["json_path"] for i in config["issues"]) == sorted(
        r[3] for r in _refs(cli(["lint", "-k", "1.30", "-f", "json", tmp_path / "kustomization.yaml"]).out))
    steps = {c["subject"]: step["cluster"] for step in report["plan"]["steps"] for c in step["changes"]}
    assert steps["patches[1].target.version"] == "1.16"
    assert steps["patches[0].target.version"] == steps["extensions/v1beta1 Ingress"] == "1.21"


def test_lint_and_report_count_objects_and_kustomizations_alike_in_every_format(cli, tmp_path):
    # one word for one thing: a kustomization is kustomize's configuration, not a Kubernetes object
    (tmp_path / "kustomization.yaml").write_text(KUSTOMIZATION)
    (tmp_path / "ingress.yaml").write_text(INGRESS)
    (tmp_path / "base").mkdir()
    (tmp_path / "base" / "kustomization.yaml").write_text("resources: [../ingress.yaml]\n")  # nothing to say
    lint = cli(["lint", "-k", "1.30", tmp_path]).out.splitlines()[-1]
    assert lint.endswith("in 3 files (1 resource, 2 kustomizations)")
    lint_json = json.loads(cli(["lint", "-k", "1.30", "-f", "json", tmp_path]).out)["summary"]
    assert (lint_json["resources"], lint_json["kustomizations"]) == (1, 2)
    versions = ["report", "--from", "1.16", "--to", "1.30", tmp_path]
    report = json.loads(cli([*versions, "-f", "json"]).out)
    assert (report["summary"]["objects"], report["summary"]["kustomizations"]) == (1, 2)
    assert report["summary"]["blocking"] == 2  # the Ingress and the kustomization with its removed targets
    assert [o["kustomization"] for o in report["objects"]] == [False, True]
    text = cli(versions).out
    assert "Objects scanned         1 in 3 files" in text
    assert "Kustomizations          2 (kustomize's configuration, not applied to the cluster)" in text
    assert "Blocking the upgrade    2 of 3 (1 object, 2 kustomizations)" in text
    assert "Objects needing action: 2 of 3 (1 object, 2 kustomizations)" in text
    markdown = cli([*versions, "-f", "markdown"]).out
    assert "| Objects scanned | 1 in 3 files |" in markdown
    assert "| Kustomizations | 2 (kustomize's configuration, not applied to the cluster) |" in markdown
    html = cli([*versions, "-f", "html"]).out
    assert "Kustomizations" in html and "kustomize&#x27;s configuration, not applied to the cluster" in html


def test_a_kustomization_alone_is_something_to_lint_for_lint_and_report_alike(cli, tmp_path):
    # REF004 reads it: neither command calls the input empty (YML010), whether it has findings or not
    (tmp_path / "quiet").mkdir()
    (tmp_path / "quiet" / "kustomization.yaml").write_text("resources: [elsewhere.yaml]\n")
    (tmp_path / "loud").mkdir()
    (tmp_path / "loud" / "kustomization.yaml").write_text(KUSTOMIZATION)
    for folder, code in (("quiet", 0), ("loud", 1)):
        lint = cli(["lint", "-k", "1.30", tmp_path / folder])
        report = cli(["report", "--from", "1.29", "--to", "1.30", tmp_path / folder])
        assert "YML010" not in lint.out + report.out and lint.code == code, folder
        assert report.code == code, folder
    (tmp_path / "none").mkdir()
    (tmp_path / "none" / "notes.yaml").write_text("just: data\n")
    assert "YML010" in cli(["lint", "-k", "1.30", tmp_path / "none"]).out
