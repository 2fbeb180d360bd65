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
