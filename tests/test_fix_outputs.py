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


def _tree(root, count: int = 20):
    root.mkdir()
    for i in range(count):  # more than one batch of files, so that -j 2 forks
        (root / f"f{i:02}.yaml").write_text(LEGACY.replace("name: billing", f"name: billing-{i}"))
    return root


def test_jobs_give_the_same_preview_and_the_same_files(cli, tmp_path, monkeypatch):
    from k8slint.fixer import apply
    forked = []
    original = apply._fix_rest
    monkeypatch.setattr(apply, "_fix_rest", lambda *a: forked.append(original(*a)) or forked[-1])
    one, two = _tree(tmp_path / "one"), _tree(tmp_path / "two")
    preview = [cli(["fix", "-j", str(jobs), "-f", "json", root]).out for jobs, root in ((1, one), (2, two))]
    assert preview[0].replace(str(one), "") == preview[1].replace(str(two), "")
    assert [len(done) for done in forked] == [20]  # -j 1 never forks; -j 2 computed every file in workers
    written = [cli(["fix", "--write", "-j", str(jobs), root]) for jobs, root in ((1, one), (2, two))]
    assert written[0].out.replace(str(one), "") == written[1].out.replace(str(two), "")
    assert all((one / p.name).read_text() == p.read_text() != LEGACY.replace("name: billing", "name: billing-0")
               for p in sorted(two.iterdir()))


def test_with_jobs_a_file_that_cannot_be_written_is_left_and_reported(cli, tmp_path):
    root = _tree(tmp_path / "t")
    locked = root / "f05.yaml"
    before = locked.read_text()
    locked.chmod(0o444)
    result = cli(["fix", "--write", "-j", "2", "-f", "json", root])
    doc = json.loads(result.out)
    assert result.code == 2 and locked.read_text() == before
    assert [f["rule_id"] for f in doc["findings"] if f["file"] == str(locked)].count("YML020") == 1
    assert str(locked) not in doc["files_changed"] and len(doc["files_changed"]) == 19
    assert "API021" in {f["rule_id"] for f in doc["findings"] if f["file"] == str(locked)}  # as it still is


def test_github_format_of_fix_writes_the_step_summary_too(cli, write, tmp_path, monkeypatch):
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    path = write("app.yaml", LEGACY)
    out = cli(["fix", "-f", "github", path]).out
    table = summary.read_text()
    assert out.count("::") >= 16 and table.startswith("### k8slint")
    assert table.count("[would fix: ") == 6 and "| error | API065 |" in table
