"""How the command line behaves in CI logs: with -o the log still gets one line saying what the report holds."""
from __future__ import annotations

import json

from conftest import run_cli

BROKEN = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: three\n"


def test_output_file_leaves_a_summary_on_stderr(tmp_path):
    (tmp_path / "web.yaml").write_text(BROKEN)
    out = tmp_path / "k8slint.sarif"
    result = run_cli(["lint", "-f", "sarif", "-o", out, "web.yaml"], cwd=tmp_path)
    assert result.code == 1
    assert result.out == ""
    assert result.err == f"3 errors, 0 warnings, 0 infos in 1 file (1 resource) (written to {out})\n"
    assert json.loads(out.read_text())["runs"][0]["results"]


def test_report_output_file_leaves_its_verdict_on_stderr(tmp_path):
    (tmp_path / "web.yaml").write_text(BROKEN)
    out = tmp_path / "upgrade.html"
    result = run_cli(["report", "--from", "1.29", "--to", "1.30", "-f", "html", "-o", out, "web.yaml"], cwd=tmp_path)
    assert result.code == 1 and result.out == ""
    assert result.err == f"1 object blocks the upgrade to 1.30. (report written to {out})\n"


def test_github_format_writes_every_finding_to_the_step_summary(tmp_path, monkeypatch):
    """GitHub shows only 10 annotations of each level per step: the step summary lists them all."""
    docs = "---\n".join(BROKEN.replace("name: web", f"name: web{i}") for i in range(12))
    (tmp_path / "web.yaml").write_text(docs)
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    result = run_cli(["lint", "-f", "github", "web.yaml"], cwd=tmp_path)
    assert result.code == 1
    text = summary.read_text()
    assert text.startswith("earlier step\n### k8slint\n")  # appended, as GitHub expects
    assert text.count("| error | SCH001 | `web.yaml:") == 36
    assert "36 errors, 0 warnings, 0 infos in 1 file (12 resources)" in text
    other = run_cli(["lint", "-f", "text", "web.yaml"], cwd=tmp_path)  # only with --format github
    assert other.code == 1 and summary.read_text() == text
