"""CI formats put findings on files of the repository: findings of a Helm release record on the Secret that
holds it, findings of rendered Helm output on the template in the chart directory."""
from __future__ import annotations

import json
import shutil

from conftest import CASES, run_cli

RELEASES = CASES / "helm-release-secrets" / "releases.yaml"
RENDERED = (CASES / "helm-template-stdin" / "rendered.yaml").read_text()


def test_release_findings_name_the_file_and_line_of_their_record(tmp_path):
    path = tmp_path / "releases.yaml"
    shutil.copy(RELEASES, path)
    doc = json.loads(run_cli(["lint", "-k", "1.30", "-f", "json", path]).out)
    in_records = [f for f in doc["findings"] if "helm_release" in f]
    records = {f["helm_release"]["record"] for f in in_records}
    assert records and all(r.startswith(f"{path}:") for r in records)
    gitlab = json.loads(run_cli(["lint", "-k", "1.30", "-f", "gitlab", "--root", tmp_path, path]).out)
    in_release = [i for i in gitlab if i["description"].startswith("helm:prod/shop@2:shop/templates/")]
    assert len(in_release) == len(in_records)
    assert {(i["location"]["path"], f"{path}:{i['location']['lines']['begin']}") for i in in_release} == \
        {("releases.yaml", r) for r in records}
    text = run_cli(["lint", "-k", "1.30", path]).out
    assert text.count(f"    in the Helm release record at {path}:") == len(in_records)
    github = run_cli(["lint", "-k", "1.30", "-f", "github", "--root", tmp_path, path]).out
    assert "::error file=releases.yaml,line=" in github and "::helm:prod/shop@2:shop/templates/hpa.yaml:1:13: " in github


def test_rendered_output_lands_on_the_template_in_the_chart_directory(tmp_path):
    (tmp_path / ".git").mkdir()
    chart = tmp_path / "deploy" / "charts" / "storefront"  # the folder is not named after the chart
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: shop  # the name Helm writes in # Source:\nversion: 1.0.0\n")
    for name in ("configmap", "deployment", "ingress"):
        (chart / "templates" / f"{name}.yaml").write_text("# template\n")
    work = tmp_path / "service"
    work.mkdir()  # CI runs in a sub-directory of the monorepo
    sarif = json.loads(run_cli(["lint", "-f", "sarif", "-"], cwd=work, stdin=RENDERED).out)
    uris = sorted({r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                   for r in sarif["runs"][0]["results"]})
    assert uris == [f"deploy/charts/storefront/templates/{n}.yaml" for n in ("configmap", "deployment", "ingress")]
    text = run_cli(["lint", "-"], cwd=work, stdin=RENDERED).out  # people still see what Helm called it
    assert "shop/templates/ingress.yaml:1:13" in text


def test_rendered_output_without_its_chart_keeps_the_template_name(tmp_path):
    (tmp_path / ".git").mkdir()
    github = run_cli(["lint", "-f", "github", "-"], cwd=tmp_path, stdin=RENDERED).out
    assert "file=shop/templates/ingress.yaml,line=1,col=13" in github


def test_rendered_output_on_disk_without_its_chart_lands_on_the_rendered_file(tmp_path):
    # rendered manifests committed to the repository, their chart elsewhere: the template Helm names is no
    # file here, so code scanning gets the rendered file's own line, the template leading the message
    (tmp_path / ".git").mkdir()
    (tmp_path / "deploy").mkdir()
    path = tmp_path / "deploy" / "rendered.yaml"
    path.write_text(RENDERED)
    lines = RENDERED.splitlines()
    github = run_cli(["lint", "-f", "github", "deploy/rendered.yaml"], cwd=tmp_path).out
    doc = json.loads(run_cli(["lint", "-f", "json", "deploy/rendered.yaml"], cwd=tmp_path).out)
    ingress = next(f for f in doc["findings"] if f["file"] == "shop/templates/ingress.yaml")
    rendered_line = int(ingress["rendered_at"].rsplit(":", 1)[1])
    assert lines[rendered_line - 2].startswith("# Source: shop/templates/ingress.yaml")
    assert f"file=deploy/rendered.yaml,line={rendered_line},col={ingress['column']}" in github
    assert f"::shop/templates/ingress.yaml:{ingress['line']}:{ingress['column']}: " in github
    assert "file=shop/templates/" not in github
