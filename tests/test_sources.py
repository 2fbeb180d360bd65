"""Rendered and live sources: Helm `# Source:` comments, unrendered templates, Helm release records and
kustomize's configuration (k8slint.sources and how the loader uses it)."""
from __future__ import annotations

import base64
import gzip
import json
import zlib

import pytest
import yaml

from k8slint import loader as loader_module
from k8slint.discover import discover
from k8slint.engine import Linter, LintOptions
from k8slint.loader import load_path, load_text
from k8slint.model import Finding, Severity
from k8slint.sources import (HELM_RELEASE_SECRET_TYPE, ReleaseError, decode_release, encode_release,
                             find_unrendered_template, helm_source_map, is_kustomize_config)
from k8slint.versions import resolve


def lint_loaded(loaded, **options) -> list:
    """What the engine reports for one loaded input, relabelled like `lint` does (relabel is idempotent, so
    this holds whether or not Linter.check_file already calls it)."""
    linter = Linter(LintOptions(target=resolve("1.30"), **options))
    return loaded.relabel(linter.check_file(loaded))


# ------------------------------------------------------------------------------------------------------
# `# Source:` comments of rendered Helm output
# ------------------------------------------------------------------------------------------------------

RENDERED = """---
# Source: web/templates/serviceaccount.yaml
apiVersion: v1
kind: ServiceAccount
metadata:
  name: web
---
# Source: web/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: "two"
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx
---
# Source: web/charts/cache/templates/configmap.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: cache
data:
  size: 512
"""


def test_source_map_segments_start_after_each_comment():
    source_map = helm_source_map(RENDERED)
    assert [(s.first_line, s.last_line, s.source) for s in source_map.segments] == [
        (3, 6, "web/templates/serviceaccount.yaml"),
        (9, 23, "web/templates/deployment.yaml"),
        (26, 31, "web/charts/cache/templates/configmap.yaml"),
    ]
    assert source_map.locate(14).source == "web/templates/deployment.yaml"
    assert source_map.locate(7) is None  # the `---` line belongs to no template
    assert source_map.locate(1) is None


@pytest.mark.parametrize("comment", [
    "# Source: https://github.com/example/manifests/blob/main/app.yaml",
    "# Source: copied from the vendor docs",
    "# Source: app.yaml",
    "  # Source: web/templates/x.yaml",
])
def test_source_comments_that_are_not_helm_paths_are_ignored(comment):
    assert helm_source_map(f"{comment}\napiVersion: v1\nkind: Namespace\nmetadata: {{name: x}}\n") is None


def test_crds_folder_with_include_crds_is_a_helm_source():
    text = "---\n# Source: op/crds/widgets.yaml\napiVersion: v1\nkind: Namespace\n"
    assert helm_source_map(text).segments[0].source == "op/crds/widgets.yaml"


def test_findings_of_rendered_stdin_name_the_template_with_relative_lines():
    loaded = load_text(RENDERED, "<stdin>")
    findings = {f.file: f for f in lint_loaded(loaded)}
    replicas = findings["web/templates/deployment.yaml"]
    assert replicas.rule_id == "SCH001" and replicas.json_path == "spec.replicas"
    assert (replicas.line, replicas.column) == (6, 13)  # line 14 of the stream, 6 of the rendered template
    assert replicas.extra["rendered_at"] == "<stdin>:14"
    size = findings["web/charts/cache/templates/configmap.yaml"]
    assert (size.line, size.extra["rendered_at"]) == (6, "<stdin>:31")


def test_rendered_output_saved_to_a_file_is_relabelled_too(write):
    path = write("rendered.yaml", RENDERED)
    loaded = load_path(str(path))
    finding = next(f for f in lint_loaded(loaded) if f.rule_id == "SCH001" and f.json_path == "spec.replicas")
    assert finding.file == "web/templates/deployment.yaml"
    assert finding.extra["rendered_at"] == f"{path}:14"


def test_a_yaml_error_in_a_rendered_document_names_the_template():
    text = RENDERED.replace("  replicas: \"two\"", "  replicas: [2")
    findings = lint_loaded(load_text(text, "<stdin>"))
    error = next(f for f in findings if f.rule_id == "YML001")
    assert error.file == "web/templates/deployment.yaml"
    assert error.extra["rendered_at"].startswith("<stdin>:")
    # the other documents are still checked and named after their own templates
    assert any(f.file == "web/charts/cache/templates/configmap.yaml" for f in findings)


def test_relabel_is_idempotent_and_leaves_other_findings_alone():
    loaded = load_text(RENDERED, "<stdin>")
    outside = Finding("YML003", Severity.INFO, "x", "<stdin>", 1, 1)
    elsewhere = Finding("SCH001", Severity.ERROR, "x", "other.yaml", 14, 1)
    inside = Finding("SCH001", Severity.ERROR, "x", "<stdin>", 14, 3)
    once = loaded.relabel([outside, elsewhere, inside])
    assert once[:2] == [outside, elsewhere]
    assert (once[2].file, once[2].line, once[2].column) == ("web/templates/deployment.yaml", 6, 3)
    assert loaded.relabel(once) == once
    assert (inside.file, inside.line) == ("<stdin>", 14)  # the originals are not modified


def test_plain_multi_document_input_is_not_relabelled():
    loaded = load_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {x: 1}\n", "<stdin>")
    assert loaded.source_maps == {}
    assert [f.file for f in lint_loaded(loaded)] == ["<stdin>"]


# ------------------------------------------------------------------------------------------------------
# Unrendered templates (YML008)
# ------------------------------------------------------------------------------------------------------

TEMPLATES = {
    "control line": "{{- if .Values.enabled }}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n{{- end }}\n",
    "name with suffix": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-config\n",
    "include with nindent": ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels:\n"
                             "    {{- include \"x.labels\" . | nindent 4 }}\n"),
    "value that parses": "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: {{ .Values.type }}\n",
    "helm values in quotes": "apiVersion: v1\nkind: Service\nmetadata:\n  name: \"{{ .Release.Name }}\"\n",
    "root context in quotes": "apiVersion: v1\nkind: Service\nmetadata:\n  name: '{{ $.Values.name }}'\n",
    "toYaml": ("apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n"
               "        - name: x\n          resources:\n            {{- toYaml .Values.resources | nindent 12 }}\n"),
    "range over values": "apiVersion: v1\nkind: ConfigMap\ndata:\n{{- range $k, $v := .Values.env }}\n"
                         "  {{ $k }}: {{ $v | quote }}\n{{- end }}\n",
    "flow list": ("apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: x\n"
                  "    args: [--level={{ .Values.level }}]\n"),
    "end after valid yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n{{ end }}\n",
    "jinja": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ app_name }}\n",
}

NOT_TEMPLATES = {
    "prometheus rule annotations": (
        "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: {name: r}\nspec:\n  groups:\n"
        "  - name: g\n    rules:\n    - alert: Down\n      expr: up == 0\n      annotations:\n"
        "        description: \"{{ $labels.instance }} of {{ $labels.job }} is down\"\n"
        "        summary: Instance {{ $labels.instance }} down\n"
        "        value: '{{ printf \"%.2f\" $value }}'\n"),
    "alert rules in a block scalar": (
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: rules}\ndata:\n  alerts.yaml: |\n    groups:\n"
        "    - name: x\n      rules:\n      - alert: Down\n        annotations:\n"
        "          summary: {{ $labels.instance }}\n        {{ if gt 1 0 }}\n        {{ end }}\n"),
    "alertmanager templates": (
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: am}\ndata:\n  slack.tmpl: |-\n"
        "    {{ define \"slack.title\" }}[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }}{{ end }}\n"
        "  config.yaml: >\n    {{ range .Alerts }}{{ .Annotations.summary }}{{ end }}\n"
        "  title: '{{ template \"slack.title\" . }}'\n"),
    "argo workflow parameters": (
        "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {generateName: x-}\nspec:\n  templates:\n"
        "  - name: main\n    container:\n      args: [\"{{inputs.parameters.message}}\"]\n"),
    "comments": ("# rendered from {{ .Values.x }}\napiVersion: v1\nkind: ConfigMap  # {{ not this }}\n"
                 "metadata: {name: x}\n"),
    "json strings": '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}, "data": {"t": "{{ .x }}"}}',
    "no braces": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {a: '{', b: '}}'}\n",
}


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_unrendered_templates_are_recognised(name):
    assert find_unrendered_template(TEMPLATES[name]) is not None


@pytest.mark.parametrize("name", sorted(NOT_TEMPLATES))
def test_templates_kept_in_values_are_not_unrendered_templates(name):
    assert find_unrendered_template(NOT_TEMPLATES[name]) is None


def test_prometheus_rules_in_a_configmap_are_still_linted_normally():
    loaded = load_text(NOT_TEMPLATES["alert rules in a block scalar"] + "  retention: 15\n", "rules.yaml")
    findings = lint_loaded(loaded)
    assert [(f.rule_id, f.json_path) for f in findings] == [("SCH001", "data.retention")]


def test_an_unrendered_template_is_one_finding_and_nothing_else():
    text = TEMPLATES["include with nindent"] + "---\n" + TEMPLATES["control line"]
    loaded = load_text(text, "<stdin>")
    assert loaded.resources == []
    (finding,) = lint_loaded(loaded)
    assert finding.rule_id == "YML008" and finding.severity == Severity.ERROR
    assert (finding.line, finding.column) == (6, 5)
    assert "helm template CHART | k8slint lint -" in finding.message
    assert '{{- include "x.labels" . | nindent 4 }}' in finding.message
    assert finding.suggestion


def test_a_syntax_error_far_from_template_values_stays_a_syntax_error():
    text = NOT_TEMPLATES["prometheus rule annotations"] + "  broken: [unclosed\n"
    findings = lint_loaded(load_text(text, "rules.yaml"))
    assert [f.rule_id for f in findings] == ["YML001"]


def test_a_file_in_a_chart_templates_folder_names_the_chart(write):
    write("chart/Chart.yaml", "apiVersion: v2\nname: web\nversion: 0.1.0\n")
    path = write("chart/templates/sub/service.yaml",
                 "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  annotations:\n    x: \"{{ .x }}\"\n")
    (finding,) = lint_loaded(load_path(str(path)))
    assert finding.rule_id == "YML008"
    assert (finding.line, finding.column) == (6, 9)
    assert f"helm template {path.parents[2]} | k8slint lint -" in finding.message
    # Chart.yaml itself is the chart's metadata, not an object: nothing to report
    assert lint_loaded(load_path(str(path.parents[2] / "Chart.yaml"))) == []


def test_the_same_text_outside_a_chart_is_linted(write):
    path = write("templates/service.yaml",
                 "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  annotations:\n    x: \"{{ .x }}\"\n"
                 "spec:\n  ports: [{port: 80}]\n")  # a Service needs a port (SRV070)
    assert [f.rule_id for f in lint_loaded(load_path(str(path)))] == []


# ------------------------------------------------------------------------------------------------------
# Helm 3 release records
# ------------------------------------------------------------------------------------------------------

MANIFEST = """---
# Source: shop/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: shop
spec:
  ports:
    - port: "eighty"
---
# Source: shop/templates/deployment.yaml
apiVersion: extensions/v1beta1
kind: Deployment
metadata:
  name: shop
spec:
  replicas: 1
"""

HOOK = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\nspec:\n  backoffLimit: many\n"


def release_record(revision=3, status="deployed", manifest=MANIFEST, hooks=None, name="shop", namespace="prod"):
    return {"name": name, "namespace": namespace, "version": revision, "manifest": manifest,
            "info": {"status": status, "description": "Upgrade complete"},
            "chart": {"metadata": {"name": "shop", "version": "1.2.3"}},
            "hooks": hooks if hooks is not None else [
                {"name": "migrate", "kind": "Job", "path": "shop/templates/job.yaml", "manifest": HOOK}]}


def release_secret(record=None, label_status="deployed", data=None, kind="Secret") -> dict:
    record = record or release_record()
    labels = {"owner": "helm", "name": record["name"], "version": str(record["version"])}
    if label_status is not None:
        labels["status"] = label_status
    obj = {"apiVersion": "v1", "kind": kind,
           "metadata": {"name": f"sh.helm.release.v1.{record['name']}.v{record['version']}",
                        "namespace": record["namespace"], "labels": labels},
           "data": {"release": data if data is not None else encode_release(record, kind.lower())}}
    if kind == "Secret":
        obj["type"] = HELM_RELEASE_SECRET_TYPE
    return obj


def kubectl_list(*items) -> str:
    return yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": list(items),
                           "metadata": {"resourceVersion": ""}}, width=10_000)


def test_decode_release_from_a_secret_and_from_a_configmap():
    for kind in ("Secret", "ConfigMap"):
        release = decode_release(release_secret(kind=kind))
        assert (release.name, release.namespace, release.revision, release.status) == ("shop", "prod", 3, "deployed")
        assert (release.chart, release.chart_version) == ("shop", "1.2.3")
        assert release.manifest == MANIFEST
        assert [(h.path, h.manifest) for h in release.hooks] == [("shop/templates/job.yaml", HOOK)]
        assert release.label == "helm:prod/shop@3"


def test_decode_release_accepts_uncompressed_json_as_helm_does():
    helm = base64.b64encode(json.dumps(release_record()).encode())
    release = decode_release(release_secret(data=base64.b64encode(helm).decode()))
    assert release.manifest == MANIFEST


def test_decode_release_whose_helm_base64_ends_in_line_ends():
    """Go's base64 decoder (Helm's) skips CR and LF: a record whose inner base64 ends in a newline, or is
    wrapped, is readable, so the removed API inside it is still found."""
    helm = base64.b64encode(gzip.compress(json.dumps(release_record()).encode(), mtime=0))
    for inner in (helm + b"\n", helm[:40] + b"\r\n" + helm[40:] + b"\n"):
        release = decode_release(release_secret(data=base64.b64encode(inner).decode()))
        assert release.manifest == MANIFEST


def _twice(raw: bytes) -> str:
    return base64.b64encode(base64.b64encode(raw)).decode()


@pytest.mark.parametrize("data,message", [
    ("", "no data.release"),
    ("not base64!", "data.release is not valid base64"),
    (base64.b64encode(b"plain words").decode(), "Helm encoding inside data.release is not valid base64"),
    (_twice(b"\x1f\x8b\x08" + b"\x00" * 20), "not valid gzip"),
    (_twice(gzip.compress(b'{"name": "x", "manifest": ""}')[:-12]), "truncated"),
    (_twice(gzip.compress(b"<html>")), "not JSON"),
    (_twice(gzip.compress(b"[1, 2]")), "not a JSON object"),
    (_twice(gzip.compress(b'{"name": "x", "manifest": 5}')), "manifest is not a string"),
])
def test_broken_release_records_raise_release_error(data, message):
    obj = release_secret(data=data)
    if not data:
        obj["data"] = {}
    with pytest.raises(ReleaseError, match=message):
        decode_release(obj)


def test_a_record_without_a_name_anywhere_is_refused():
    obj = release_secret(data=_twice(gzip.compress(b'{"manifest": ""}')))
    assert decode_release(obj).name == "shop"  # the record has none, the `name` label does
    del obj["metadata"]["labels"]["name"]
    with pytest.raises(ReleaseError, match="no name"):
        decode_release(obj)


def test_decompression_is_bounded():
    record = release_record(manifest="#" * 200_000)
    with pytest.raises(ReleaseError, match="more than 10,000 bytes"):
        decode_release(release_secret(record), limit=10_000)
    bomb = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    payload = bomb.compress(b"\0" * (60 * 1024 * 1024)) + bomb.flush()
    with pytest.raises(ReleaseError, match="decompresses to more than"):
        decode_release(release_secret(data=_twice(payload)))


def test_deployed_release_is_linted_under_a_release_label_and_the_secret_is_not():
    loaded = load_text(kubectl_list(release_secret()), "<stdin>")
    assert sorted(r.kind for r in loaded.resources) == ["Deployment", "Job", "Service"]
    assert all(r.kind != "Secret" for r in loaded.resources)
    findings = lint_loaded(loaded, select=("SCH001", "API"))
    by_file = {(f.file, f.rule_id) for f in findings}
    assert ("helm:prod/shop@3:shop/templates/service.yaml", "SCH001") in by_file
    assert any(file == "helm:prod/shop@3:shop/templates/deployment.yaml" and rule.startswith("API")
               for file, rule in by_file)
    assert ("helm:prod/shop@3:shop/templates/job.yaml", "SCH001") in by_file
    port = next(f for f in findings if f.file.endswith("service.yaml"))
    assert (port.line, port.column) == (7, 13)
    assert port.extra["rendered_at"] == "helm:prod/shop@3:9"
    assert port.extra["helm_release"] == {"name": "shop", "namespace": "prod", "revision": 3, "status": "deployed",
                                          "chart": "shop", "chart_version": "1.2.3", "record": "<stdin>:3"}
    hook = next(f for f in findings if f.json_path == "spec.backoffLimit")
    assert hook.file == "helm:prod/shop@3:shop/templates/job.yaml"
    assert hook.line == 6 and "rendered_at" not in hook.extra and hook.extra["helm_release"]["revision"] == 3


def test_history_is_skipped_silently_even_when_it_is_damaged():
    superseded = release_secret(release_record(revision=1, status="superseded"), label_status="superseded")
    damaged_old = release_secret(release_record(revision=2), label_status="failed", data="%%%")
    unlabelled_failed = release_secret(release_record(revision=4, status="failed"), label_status=None)
    loaded = load_text(kubectl_list(superseded, damaged_old, unlabelled_failed), "<stdin>")
    assert loaded.resources == [] and loaded.findings == []


def test_a_damaged_deployed_record_is_a_finding_at_its_data():
    text = kubectl_list(release_secret(data="bm90IGEgcmVsZWFzZQ=="), release_secret(release_record(name="web")))
    loaded = load_text(text, "<stdin>")
    (problem,) = loaded.findings
    assert problem.rule_id == "YML009" and problem.severity == Severity.ERROR
    assert problem.json_path == "data.release"
    assert problem.obj.name == "sh.helm.release.v1.shop.v3"
    assert text.splitlines()[problem.line - 1].strip().startswith("release:")
    assert {r.file for r in loaded.resources} >= {"helm:prod/web@3"}  # the other release is still read


def test_a_release_inside_a_release_manifest_is_not_unpacked():
    inner = yaml.safe_dump(release_secret(release_record(name="inner")))
    outer = release_record(name="outer", manifest="---\n# Source: outer/templates/s.yaml\n" + inner, hooks=[])
    loaded = load_text(yaml.safe_dump(release_secret(outer)), "<stdin>")
    assert [(r.kind, r.file) for r in loaded.resources] == [("Secret", "helm:prod/outer@3")]


def test_release_records_of_one_input_share_a_budget(monkeypatch):
    first = decode_release(release_secret()).size
    monkeypatch.setattr(loader_module, "MAX_RELEASES_BYTES_PER_INPUT", first + 10)
    text = kubectl_list(release_secret(), release_secret(release_record(name="web")))
    loaded = load_text(text, "<stdin>")
    assert [f.rule_id for f in loaded.findings] == ["YML009"]
    assert "refused" in loaded.findings[0].message
    assert {r.file.split(":")[1] for r in loaded.resources} == {"prod/shop@3"}


def test_an_ordinary_secret_is_linted_as_usual():
    secret = {"apiVersion": "v1", "kind": "Secret", "type": "Opaque", "metadata": {"name": "db"},
              "data": {"release": "not base64 and not a release"}}
    loaded = load_text(yaml.safe_dump(secret), "<stdin>")
    assert [r.kind for r in loaded.resources] == ["Secret"] and loaded.findings == []


# ------------------------------------------------------------------------------------------------------
# kustomize
# ------------------------------------------------------------------------------------------------------

def test_kustomization_files_are_read_in_directory_walks(tmp_path):
    """Their patch targets name apiVersions (REF004); every other file without a manifest suffix is not."""
    for name in ("kustomization.yaml", "kustomization.yml", "Kustomization", "deployment.yaml", "README"):
        (tmp_path / name).write_text("resources: []\n")
    assert [p.rsplit("/", 1)[-1] for p in discover([str(tmp_path)])] == [
        "Kustomization", "deployment.yaml", "kustomization.yaml", "kustomization.yml"]
    assert discover([str(tmp_path / "kustomization.yaml")]) == [str(tmp_path / "kustomization.yaml")]


@pytest.mark.parametrize("name,text", [
    ("kustomization.yaml", "resources:\n  - deployment.yaml\nnamePrefix: prod-\n"),
    ("kustomization.yml", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n"),
    ("component.yaml", "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources: []\n"),
])
def test_kustomize_configuration_gives_no_finding(write, name, text):
    loaded = load_path(str(write(name, text)))
    assert loaded.resources == [] and lint_loaded(loaded) == []
    assert [k.doc_index for k in loaded.kustomizations] == [0]  # kept apart, for REF004 only


def test_a_flux_kustomization_is_a_kubernetes_object():
    flux = {"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization"}
    assert not is_kustomize_config(flux)
    assert is_kustomize_config({"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization"})
    loaded = load_text(yaml.safe_dump({**flux, "metadata": {"name": "apps"}}), "kustomization.yaml")
    assert [r.kind for r in loaded.resources] == ["Kustomization"]


def test_kustomize_build_output_is_plain_multi_document_yaml():
    text = ("apiVersion: v1\ndata:\n  A: b\nkind: ConfigMap\nmetadata:\n  labels:\n    env: prod\n"
            "  name: prod-app-config-7h2b9c8f6m\n---\napiVersion: v1\nkind: Service\nmetadata:\n"
            "  labels:\n    env: prod\n  name: prod-app\nspec:\n  ports:\n  - port: 80\n")
    loaded = load_text(text, "<stdin>")
    assert [r.name for r in loaded.resources] == ["prod-app-config-7h2b9c8f6m", "prod-app"]
    assert lint_loaded(loaded) == []
