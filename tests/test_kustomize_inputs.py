"""Files a kustomization names as patches or plugin configurations are kustomize's input, not objects: no
completeness checks (SCH001 missing required, SRV Required value) on a patch, one YML011 information finding
that says how to lint the built result; a patch still gets its apiVersion's deprecation and its field rules."""
from __future__ import annotations

import json

DEPLOY = """apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx}]}
"""
# a strategic-merge patch: no selector, a container without image
PATCH = """apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
      - name: web
        resources: {limits: {memory: 1Gi}}
"""
JSON_PATCH = '[{"op": "replace", "path": "/spec/replicas", "value": 3}]\n'
FUNCTION_CONFIG = "apiVersion: example.com/v1\nkind: ValueAnnotator\nmetadata: {name: notimportant}\nvalue: x\n"


def _lint(cli, *paths, args=()) -> dict:
    result = cli(["lint", "--strict", "-f", "json", *args, *paths])
    return json.loads(result.out)


def _by_file(out: dict) -> dict:
    found: dict = {}
    for f in out["findings"]:
        found.setdefault(f["file"].rsplit("/", 1)[-1], []).append(f["rule_id"])
    return found


def test_patch_named_by_patches_is_not_judged_as_a_complete_object(cli, write):
    write("kustomization.yaml", "resources: [deploy.yaml]\npatches:\n- path: patch.yaml\n")
    write("deploy.yaml", DEPLOY)
    path = write("patch.yaml", PATCH)
    out = _lint(cli, path.parent)
    assert _by_file(out) == {"patch.yaml": ["YML011"]}
    finding = out["findings"][0]
    assert finding["severity"] == "info" and "kustomize patch" in finding["message"]
    assert f"kustomize build {path.parent} | k8slint lint -" in finding["message"]


def test_without_the_kustomization_the_same_file_is_an_object(cli, write):
    path = write("patch.yaml", PATCH)
    assert "SCH001" in _by_file(_lint(cli, path))["patch.yaml"]


def test_every_way_of_naming_a_patch(cli, write):
    write("kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
          "resources: [deploy.yaml]\npatchesStrategicMerge: [smp.yaml]\npatchesJson6902:\n"
          "- target: {group: apps, version: v1, kind: Deployment, name: web}\n  path: ops.json\n"
          "patches:\n- path: ops.yaml\n  target: {kind: Deployment}\n- patch: |-\n    - op: remove\n"
          "      path: /spec/replicas\n")
    write("deploy.yaml", DEPLOY)
    write("smp.yaml", PATCH)
    write("ops.json", JSON_PATCH)
    path = write("ops.yaml", "- op: add\n  path: /metadata/labels/x\n  value: y\n")
    # a JSON 6902 patch is a list: no YML003 "not a Kubernetes object" either
    assert _by_file(_lint(cli, path.parent)) == {"ops.json": ["YML011"], "ops.yaml": ["YML011"],
                                                 "smp.yaml": ["YML011"]}


def test_component_patches_and_a_patch_named_explicitly_in_a_subdirectory(cli, write):
    write("components/tls/kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n"
          "patches:\n- path: patches/deploy.yaml\n")
    path = write("components/tls/patches/deploy.yaml", PATCH)
    assert _by_file(_lint(cli, path)) == {"deploy.yaml": ["YML011"]}


def test_a_patch_still_gets_its_apiversions_removal(cli, write):
    write("kustomization.yaml", "resources: [deploy.yaml]\npatchesStrategicMerge: [old.yaml]\n")
    write("deploy.yaml", DEPLOY)
    path = write("old.yaml", PATCH.replace("apps/v1", "extensions/v1beta1"))
    found = _by_file(_lint(cli, path.parent, args=("-k", "1.16")))["old.yaml"]
    assert "YML011" in found and [r for r in found if r.startswith("API")], found
    assert not [r for r in found if r.startswith(("SCH", "SRV"))], found


def test_a_file_also_named_as_a_resource_stays_an_object(cli, write):
    write("base/kustomization.yaml", "resources: [../patch.yaml]\n")
    write("kustomization.yaml", "resources: [deploy.yaml]\npatches: [{path: patch.yaml}]\n")
    write("deploy.yaml", DEPLOY)
    path = write("patch.yaml", PATCH)
    assert "SCH001" in _by_file(_lint(cli, path.parent))["patch.yaml"]


def test_plugin_configuration_is_not_validated(cli, write):
    write("kustomization.yaml", "resources: [deploy.yaml]\ntransformers: [annotator.yaml]\n")
    write("deploy.yaml", DEPLOY)
    path = write("annotator.yaml", FUNCTION_CONFIG)
    out = _lint(cli, path.parent)
    assert _by_file(out) == {"annotator.yaml": ["YML011"]}
    assert "kustomize plugin configuration" in out["findings"][0]["message"]


def test_result_cache_tells_a_patch_from_an_object(cli, write, tmp_path, monkeypatch):
    monkeypatch.delenv("K8SLINT_NO_CACHE", raising=False)
    monkeypatch.setenv("K8SLINT_CACHE_DIR", str(tmp_path / "cache"))
    write("deploy.yaml", DEPLOY)
    path = write("patch.yaml", PATCH)
    assert "SCH001" in _by_file(_lint(cli, path.parent))["patch.yaml"]
    write("kustomization.yaml", "resources: [deploy.yaml]\npatches:\n- path: patch.yaml\n")
    assert _by_file(_lint(cli, path.parent)) == {"patch.yaml": ["YML011"]}


def test_fix_judges_a_patch_as_lint_does(cli, write):
    write("kustomization.yaml", "resources: [deploy.yaml]\npatches:\n- path: patch.yaml\n")
    write("deploy.yaml", DEPLOY)
    path = write("patch.yaml", PATCH)
    result = cli(["fix", "-k", "1.30", path.parent])
    assert "YML011" in result.out and "SCH001" not in result.out and "SRV" not in result.out, result.out


def test_upgrade_report_leaves_a_patch_unchecked_but_keeps_its_removal(cli, write):
    write("kustomization.yaml", "resources: [deploy.yaml]\npatches:\n- path: patch.yaml\n"
          "patchesStrategicMerge: [old.yaml]\n")
    write("deploy.yaml", DEPLOY)
    write("patch.yaml", PATCH)
    path = write("old.yaml", PATCH.replace("apps/v1", "extensions/v1beta1"))
    result = cli(["report", "--from", "1.29", "--to", "1.31", "-f", "json", path.parent])
    out = json.loads(result.out)
    objects = {o["file"].rsplit("/", 1)[-1]: o for o in out["objects"]}
    assert objects["patch.yaml"]["validity"]["result"] == "unchecked"
    assert [i["rule_id"] for i in objects["patch.yaml"]["issues"]] == []
    assert [i["rule_id"] for i in objects["old.yaml"]["issues"]] == ["API021"]
    assert not [p for p in out.get("problems", []) if p["rule_id"] == "YML011"]


def test_the_result_cache_sees_a_changed_kustomization(cli, write, tmp_path, monkeypatch):
    # the cache keeps what a kustomization names under its bytes: an unchanged one is not parsed again,
    # a changed one is read anew, and the verdict on the patch follows it
    monkeypatch.delenv("K8SLINT_NO_CACHE", raising=False)
    monkeypatch.setenv("K8SLINT_CACHE_DIR", str(tmp_path / "cache"))
    kustomization = write("kustomization.yaml", "resources: [deploy.yaml]\npatches:\n- path: patch.yaml\n")
    write("deploy.yaml", DEPLOY)
    path = write("patch.yaml", PATCH)
    assert _by_file(_lint(cli, path.parent)) == {"patch.yaml": ["YML011"]}
    assert _by_file(_lint(cli, path.parent)) == {"patch.yaml": ["YML011"]}  # from the cache
    kustomization.write_text("resources: [deploy.yaml, patch.yaml]\n")
    assert "SCH001" in _by_file(_lint(cli, path.parent))["patch.yaml"]
