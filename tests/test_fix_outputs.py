"""fix writes lint's outputs: -o, --color/--no-color and every format; the CI formats show the files as
they are on disk (in a preview: what a fix would change as well as what would remain)."""
from __future__ import annotations

import json

from conftest import REPO

LEGACY = (REPO / "examples" / "legacy-app.yaml").read_text()


def test_a_preview_in_sarif_lists_what_fixes_would_change_and_what_remains(cli, write):
    path = write("app.yaml", LEGACY)
    preview = json.loads(cli(["fix", "-f", "json", path]).out)
    result = cli(["fix", "-f", "sarif", "--root", path.parent, path])
    assert result.code == 1
    results = json.loads(result.out)["runs"][0]["results"]
    would = [r for r in results if "[would fix: " in r["message"]["text"]]
    assert sorted((r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in would) == \
        sorted((f["rule_id"], f["line"]) for f in preview["fixes"])
    assert len(results) - len(would) == len(preview["findings"])
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results} == {"app.yaml"}
    assert path.read_text() == LEGACY


def test_after_write_the_ci_formats_show_what_remains(cli, write):
    path = write("app.yaml", LEGACY)
    result = cli(["fix", "--write", "-f", "gitlab", path])
    issues = json.loads(result.out)
    assert issues and not any("would fix" in i["description"] for i in issues)
    assert len(issues) == len(json.loads(cli(["lint", "-f", "json", path]).out)["findings"])


def test_junit_names_the_objects_as_on_disk(cli, write):
    path = write("app.yaml", LEGACY)
    out = cli(["fix", "-f", "junit", path]).out
    assert 'name="Ingress/finance/billing (extensions/v1beta1)"' in out and "networking.k8s.io/v1)" not in out
    assert out.count("<testcase ") == 4


def test_output_file_and_a_summary_on_stderr(cli, write, tmp_path):
    path = write("app.yaml", LEGACY)
    report = tmp_path / "fix.json"
    result = cli(["fix", "-f", "json", "-o", report, path])
    assert result.out == "" and json.loads(report.read_text())["fixes"]
    assert result.err.startswith("Would fix 6 problems in 1 file") and f"(written to {report})" in result.err
    assert result.code == 1


def test_colour_only_when_asked(cli, write):
    path = write("app.yaml", LEGACY)
    coloured = cli(["fix", "--color", "--no-diff", path]).out
    assert "\033[31merror\033[0m" in coloured and "would fix API021" in coloured
    assert "\033[" not in cli(["fix", "--no-diff", path]).out  # not a terminal: no colour by default
    assert "\033[" not in cli(["fix", "--no-color", "--no-diff", path]).out
