"""CRDs are discovered from the parsed documents, not by a byte search: a CRD in a UTF-16 or UTF-32 file, or
whose kind is spelled with escapes, still validates its custom resources in other files; and every input
file is read once (issue 16, and the discovery defect of issue 17)."""
from __future__ import annotations

import json

import pytest

from conftest import run_cli

CRD = """apiVersion: apiextensions.k8s.io/v1
kind: {kind}
metadata: {{name: widgets.a.io}}
spec:
  group: a.io
  scope: Namespaced
  names: {{kind: Widget, plural: widgets}}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec: {{type: object, properties: {{size: {{type: integer}}}}}}
"""
BAD_WIDGET = "apiVersion: a.io/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: big}\n"


def _widget_findings(out: str) -> list:
    return [f["rule_id"] for f in json.loads(out)["findings"] if f["object"] and f["object"]["kind"] == "Widget"]


@pytest.mark.parametrize("encoding,kind", [
    ("utf-8", "CustomResourceDefinition"),
    ("utf-16", "CustomResourceDefinition"),
    ("utf-32", "CustomResourceDefinition"),
    ("utf-32-be-bom", "CustomResourceDefinition"),
    ("utf-8", '"Custom\\x52esource\\u0044efinition"'),  # a double-quoted scalar spelled with escapes
    ("utf-8", '"CustomResource\\\n  Definition"'),  # an escaped line break inside the word
])
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_crd_in_any_encoding_or_spelling_validates_custom_resources_elsewhere(tmp_path, encoding, kind, jobs):
    text = CRD.format(kind=kind)
    data = (b"\x00\x00\xfe\xff" + text.encode("utf-32-be")) if encoding == "utf-32-be-bom" \
        else text.encode(encoding)
    (tmp_path / "z-crd.yaml").write_bytes(data)
    for i in range(40):  # enough files for several batches, so that -j 2 forks workers
        (tmp_path / f"w{i:02}.yaml").write_text(BAD_WIDGET.replace("name: w", f"name: w{i}"))
    result = run_cli(["lint", "-k", "1.30", "-f", "json", "--jobs", jobs, str(tmp_path)])
    rules = _widget_findings(result.out)
    assert "SCH005" not in rules  # the CRD was found: no "no schema for custom resource"
    assert len(rules) == 40 and result.code == 1  # and its schema refused every bad size


def test_a_crd_and_its_resource_in_one_file(tmp_path):
    (tmp_path / "both.yaml").write_text(BAD_WIDGET + "---\n" + CRD.format(kind="CustomResourceDefinition"))
    result = run_cli(["lint", "-k", "1.30", "-f", "json", str(tmp_path)])
    rules = _widget_findings(result.out)
    assert rules and "SCH005" not in rules


def test_a_crd_on_stdin_serves_files_and_files_serve_stdin(tmp_path):
    (tmp_path / "w.yaml").write_text(BAD_WIDGET)
    result = run_cli(["lint", "-k", "1.30", "-f", "json", "-", str(tmp_path / "w.yaml")],
                     stdin=CRD.format(kind="CustomResourceDefinition"))
    assert _widget_findings(result.out) and "SCH005" not in _widget_findings(result.out)
    (tmp_path / "crd.yaml").write_text(CRD.format(kind="CustomResourceDefinition"))
    result = run_cli(["lint", "-k", "1.30", "-f", "json", "-", str(tmp_path / "crd.yaml")], stdin=BAD_WIDGET)
    assert _widget_findings(result.out) and "SCH005" not in _widget_findings(result.out)


def test_every_file_is_read_once_when_no_file_depends_on_a_later_crd(tmp_path, monkeypatch):
    from k8slint import loader
    reads: list = []
    real = loader.read_bytes

    def counting(path, *args, **kwargs):
        reads.append(path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(loader, "read_bytes", counting)
    (tmp_path / "a-crd.yaml").write_text(CRD.format(kind="CustomResourceDefinition"))
    (tmp_path / "b.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n")
    (tmp_path / "c.yaml").write_text(BAD_WIDGET)
    result = run_cli(["lint", "-k", "1.30", "-f", "json", "--jobs", "1", str(tmp_path)])
    assert _widget_findings(result.out) and "SCH005" not in _widget_findings(result.out)
    names = sorted(p.rsplit("/", 1)[-1] for p in reads)
    # the custom resource's file is read again once its CRD is known; nothing else is read twice
    assert names == ["a-crd.yaml", "b.yaml", "c.yaml", "c.yaml"]


def test_report_finds_crds_in_utf16_files(tmp_path):
    (tmp_path / "crd.yaml").write_bytes(CRD.format(kind="CustomResourceDefinition").encode("utf-16"))
    (tmp_path / "w.yaml").write_text(BAD_WIDGET)
    result = run_cli(["report", "--from", "1.20", "--to", "1.30", "-f", "json", str(tmp_path)])
    assert "no schema for custom resource" not in result.out
