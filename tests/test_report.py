"""`k8slint report`: golden outputs of every format, and the report's rules one by one.

Golden cases live in tests/report_cases/<name>/: a `case.yaml` lists runs (arguments, exit code, the file
holding the expected standard output, the expected standard error), next to their inputs. Set
K8SLINT_REGENERATE=1 to rewrite the expected files on purpose (then review the diff). The fixer's wording
(fix titles, manual steps) shows in them, so a change there shows here too.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
import yaml

from conftest import REPO, run_cli

CASES = Path(__file__).resolve().parent / "report_cases"
RUNS = [(case, i, run) for case in sorted(p for p in CASES.iterdir() if (p / "case.yaml").exists())
        for i, run in enumerate(yaml.safe_load((case / "case.yaml").read_text())["runs"])]
FIXTURE = CASES / "upgrade-1.15-to-1.30"


@pytest.mark.parametrize("case,index,run", RUNS, ids=[f"{c.name}-{run.get('expected', i)}" for c, i, run in RUNS])
def test_golden_report(case, index, run):
    result = run_cli(run["args"], cwd=case)
    assert result.err == run.get("stderr", ""), result.err
    if "expected" in run:
        expected = case / run["expected"]
        if os.environ.get("K8SLINT_REGENERATE"):
            expected.write_text(result.out)
        assert result.out == expected.read_text(), f"{case.name}: {run['expected']} changed"
    else:
        assert result.out == ""
    assert result.code == run["exit"]


def report_json(args, cwd=FIXTURE) -> dict:
    result = run_cli(["report", *args, "--format", "json"], cwd=cwd)
    assert result.err == ""
    return json.loads(result.out)


@pytest.fixture(scope="module")
def fixture_report() -> dict:
    return report_json(["--from", "1.15", "--to", "1.30", "manifests"])


# ------------------------------------------------------------------------------------------ the fixture set

def _objects(report: dict) -> dict:
    return {o["name"] if o["kind"] != "HorizontalPodAutoscaler" else "hpa": o for o in report["objects"]}


def test_every_hop_from_start_to_target_is_listed(fixture_report):
    hops = fixture_report["hops"]
    assert [(h["from"], h["to"]) for h in hops] == [(f"1.{n}", f"1.{n + 1}") for n in range(15, 30)]
    assert fixture_report["versions"] == [f"1.{n}" for n in range(15, 31)]


def test_removals_land_on_their_hop(fixture_report):
    by_name = {o["id"]: o["name"] for o in fixture_report["objects"]}
    removed = {h["to"]: sorted((by_name[c["object"]], c["rule_id"]) for c in h["removed"])
               for h in fixture_report["hops"] if h["removed"]}
    assert removed == {
        "1.16": [("web", "API021"), ("worker", "API021"), ("worker", "FLD064")],
        "1.22": [("shop", "API041")],
        "1.25": [("cleanup", "API059"), ("nightly-report", "API059"), ("restricted", "API065")],
        "1.26": [("web", "API066")],
    }
    deprecated = {h["to"]: sorted(c["rule_id"] for c in h["deprecated"]) for h in fixture_report["hops"]
                  if h["deprecated"]}
    assert deprecated == {"1.18": ["FLD057"], "1.19": ["API041"], "1.21": ["API059", "API059", "API065"],
                          "1.23": ["API066"]}
    assert sorted(c["rule_id"] for c in fixture_report["already"]["deprecated"]) == ["API021", "API021"]


def test_states_of_each_object_along_the_path(fixture_report):
    objects = _objects(fixture_report)
    assert objects["web"]["states"]["1.15"] == "deprecated"
    assert set(objects["web"]["states"][f"1.{n}"] for n in range(16, 31)) == {"removed"}
    ingress = objects["shop"]["states"]
    assert [ingress[v] for v in ("1.18", "1.19", "1.21", "1.22")] == ["served", "deprecated", "deprecated", "removed"]
    assert set(objects["api"]["states"].values()) == {"served"}
    assert objects["api"]["status"] == "ok" and objects["api"]["issues"] == []


def test_summary(fixture_report):
    s = fixture_report["summary"]
    assert (s["objects"], s["files"], s["blocking"], s["already_broken"]) == (8, 5, 7, 0)
    assert s["first_breaking_hop"] == {"from": "1.15", "to": "1.16"}
    assert s["needing_action"] == 7
    assert s["fixable_safe"] + s["fixable_unsafe"] + s["manual"] == s["needing_action"]
    assert s["fixable_share"] == round((s["fixable_safe"] + s["fixable_unsafe"]) / 7, 3)
    assert s["manual_actions"] == sum(1 for o in fixture_report["objects"] for i in o["issues"] if i["fix"] is None)


def test_validity_in_the_target_is_judged_after_the_migration(fixture_report):
    objects = _objects(fixture_report)
    assert objects["web"]["validity"] == {"result": "valid", "checked": "after-migration", "api_version": "apps/v1",
                                          "note": "migrated in memory to apps/v1 Deployment", "schema": "valid",
                                          "refused_by": []}
    # keeps metadata.clusterName, which 1.25 dropped: the migration drops it too (the API server ignored it),
    # so the migrated object validates and fix makes the whole change
    cleanup = objects["cleanup"]
    assert cleanup["validity"]["result"] == "valid" and cleanup["validity"]["api_version"] == "batch/v1"
    assert [i["type"] for i in cleanup["issues"]] == ["api"]
    assert cleanup["issues"][0]["fix"] == "safe"
    # no successor API: nothing to validate until a person has migrated it
    assert objects["restricted"]["validity"]["result"] == "unchecked"
    assert objects["restricted"]["fix"] == "manual"


def test_fixability_comes_from_the_fixer(fixture_report):
    objects = _objects(fixture_report)
    assert objects["hpa"]["fix"] == "safe"
    ingress = {i["rule_id"]: i for i in objects["shop"]["issues"]}
    assert ingress["API041"]["fix"] == "safe"
    assert ingress["FLD057"]["fix"] == "unsafe" and "IngressClass" in ingress["FLD057"]["fix_note"]
    assert objects["shop"]["fix"] == "unsafe"


def test_report_from_a_version_where_things_are_already_gone():
    report = report_json(["--from", "1.16", "--to", "1.30", "manifests"])
    assert report["summary"]["already_broken"] == 2
    assert report["summary"]["first_breaking_hop"] == {"from": "1.21", "to": "1.22"}
    assert {c["rule_id"] for c in report["already"]["removed"]} == {"API021", "FLD064"}


def test_same_start_and_target_has_no_hops():
    report = report_json(["--from", "1.30", "--to", "1.30", "manifests"])
    assert report["hops"] == [] and report["versions"] == ["1.30"]
    assert report["summary"]["blocking"] == 7 and report["summary"]["first_breaking_hop"] is None


# ------------------------------------------------------------------------------------------ options

def test_output_file_and_no_colour_off_a_terminal(tmp_path):
    target = tmp_path / "report.html"
    result = run_cli(["report", "--from", "1.15", "--to", "1.30", "-f", "html", "-o", target, "manifests"], cwd=FIXTURE)
    assert result.out == "" and result.code == 1
    assert target.read_text().startswith("<!DOCTYPE html>")
    plain = run_cli(["report", "--from", "1.15", "--to", "1.30", "manifests"], cwd=FIXTURE)
    assert "\033[" not in plain.out
    coloured = run_cli(["report", "--from", "1.15", "--to", "1.30", "--color", "manifests"], cwd=FIXTURE)
    assert "\033[31m" in coloured.out
    assert re.sub(r"\033\[[0-9;]*m", "", coloured.out) == plain.out


def test_from_and_to_come_from_the_configuration(tmp_path, write):
    write(".k8slint.yaml", "current-version: '1.15'\ntarget-version: '1.22'\n")
    write("ingress.yaml", (FIXTURE / "manifests" / "ingress.yaml").read_text())
    report = report_json(["ingress.yaml"], cwd=tmp_path)
    assert (report["from"], report["to"]) == ("1.15", "1.22")
    assert report["summary"]["first_breaking_hop"] == {"from": "1.21", "to": "1.22"}


def test_select_and_ignore(fixture_report):
    only_api = report_json(["--from", "1.15", "--to", "1.30", "--select", "API", "manifests"])
    kinds = {i["type"] for o in only_api["objects"] for i in o["issues"]}
    assert kinds == {"api"}
    assert {o["validity"]["result"] for o in only_api["objects"]} == {"unchecked"}
    no_fld = report_json(["--from", "1.15", "--to", "1.30", "--ignore", "FLD", "manifests"])
    assert not any(i["rule_id"].startswith("FLD") for o in no_fld["objects"] for i in o["issues"])


def test_jobs_give_the_same_report(tmp_path, write):
    manifests = (FIXTURE / "manifests").glob("*.yaml")
    texts = [p.read_text() for p in sorted(manifests)]
    for n in range(40):  # more files than one batch, so the work is really spread over processes
        write(f"m/{n:02d}.yaml", texts[n % len(texts)])
    one = run_cli(["report", "--from", "1.15", "--to", "1.30", "-j", "1", "-f", "json", "m"], cwd=tmp_path)
    two = run_cli(["report", "--from", "1.15", "--to", "1.30", "-j", "3", "-f", "json", "m"], cwd=tmp_path)
    assert one.code == two.code == 1
    assert one.out == two.out


def test_standard_input_and_helm_templates():
    text = ("---\n# Source: shop/templates/ingress.yaml\n"
            + (FIXTURE / "manifests" / "ingress.yaml").read_text())
    result = run_cli(["report", "--from", "1.18", "--to", "1.25", "-f", "json", "-"], stdin=text)
    report = json.loads(result.out)
    [obj] = report["objects"]
    assert (obj["file"], obj["line"]) == ("shop/templates/ingress.yaml", 1)
    assert {i["file"] for i in obj["issues"]} == {"shop/templates/ingress.yaml"}
    assert obj["validity"]["checked"] == "after-migration"


def test_custom_resources_follow_their_crd(tmp_path, write):
    write("crd.yaml", """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema: {openAPIV3Schema: {type: object, properties: {spec: {type: object, properties: {size: {type: integer}}}}}}
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: w}
spec: {size: "three"}
---
apiVersion: v1
kind: Podd
metadata: {name: p}
""")
    report = report_json(["--from", "1.20", "--to", "1.30", "crd.yaml"], cwd=tmp_path)
    objects = {o["kind"]: o for o in report["objects"]}
    widget = objects["Widget"]
    assert set(widget["states"].values()) == {"custom"}
    assert [(i["rule_id"], i["since"]) for i in widget["issues"]] == [("SCH001", "1.20")]
    assert set(objects["Podd"]["states"].values()) == {"unserved"}


# ------------------------------------------------------------------------------------------ formats

def test_markdown_folds_each_hop_and_caps_long_tables(tmp_path, write):
    md = (FIXTURE / "expected.md").read_text()
    # "already at 1.15", the 8 hops with changes, the objects
    assert md.count("<details>") == md.count("</details>") == 10
    assert md.startswith("## Kubernetes upgrade report: 1.15 → 1.30")
    from k8slint.upgrade.markdown_format import MAX_ROWS
    cronjob = (FIXTURE / "manifests" / "cronjob.yaml").read_text().split("---\n")[0]
    write("many.yaml", "---\n".join(cronjob.replace("nightly-report", f"job-{n}") for n in range(MAX_ROWS + 5)))
    result = run_cli(["report", "--from", "1.20", "--to", "1.25", "-f", "markdown", "many.yaml"], cwd=tmp_path)
    assert "… and 5 more" in result.out
    assert len(result.out) < 65536


def test_markdown_caps_the_whole_document(tmp_path):
    """400 copies of an old manifest made 142,408 characters, more than a GitHub comment holds (65,536): the
    tables shrink until the document fits, every section still there and saying what it left out."""
    from k8slint.upgrade.markdown_format import MAX_CHARS
    legacy = (REPO / "examples" / "legacy-app.yaml").read_text()
    for n in range(400):
        (tmp_path / f"app{n:03}.yaml").write_text(legacy)
    result = run_cli(["report", "--from", "1.15", "--to", "1.30", "-f", "markdown", "."], cwd=tmp_path)
    md = result.out
    assert len(md) <= MAX_CHARS < 65536
    assert md.count("<details>") == md.count("</details>")
    assert "### Objects needing action" in md and "### Hops" in md
    assert re.search(r"… and \d+ more \(the `--format html` and `--format json` reports list every one\)", md)


def test_markdown_cut_at_a_line_says_what_is_missing(fixture_report):
    from k8slint.engine import LintOptions
    from k8slint.upgrade.analyse import build_report
    from k8slint.upgrade.markdown_format import render
    from k8slint.discover import discover
    from k8slint.versions import resolve
    old = os.getcwd()
    os.chdir(FIXTURE)
    try:
        report = build_report(discover(["manifests"]), LintOptions(target=resolve("1.30"), current=resolve("1.15")))
    finally:
        os.chdir(old)
    whole = render(report)
    cut = render(report, max_chars=3000)
    assert len(cut) <= 3000 < len(whole)
    assert cut.count("<details>") == cut.count("</details>")
    assert re.search(r"\*\*This report is cut here to fit a pull-request comment \(\d+ of \d+ lines left out, "
                     r"from [^)]+\)\.\*\* `k8slint report --format html` or `--format json` has everything\.\n$", cut)


def test_html_is_self_contained():
    page = (FIXTURE / "expected.html").read_text()
    assert "<script" not in page and "<link" not in page and "<img" not in page and "@import" not in page
    assert not re.search(r"(?:https?:)?//[\w.-]+\.\w", page.split("</style>", 1)[1]), "an address outside the page"
    assert set(re.findall(r"url\(([^)]*)\)", page)) <= {"#pat-deprecated", "#pat-removed", "#pat-unserved"}
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert "@media print" in page and 'name="viewport"' in page


def test_every_json_key_is_documented_in_the_readme(fixture_report):
    readme = (REPO / "README.md").read_text()
    section = readme.split("## Upgrade report", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"`([a-z_]+)`", section))
    keys: set = set()

    def collect(value, versions=False):
        if isinstance(value, dict):
            for k, v in value.items():
                if not versions:
                    keys.add(k)
                collect(v, versions=k == "states")
        elif isinstance(value, list):
            for v in value:
                collect(v)
    collect(fixture_report)
    collect(report_json(["--from", "1.28", "--to", "1.30", "input.yaml"], cwd=CASES / "unreadable-input"))
    assert keys - documented == set(), f"undocumented JSON keys: {sorted(keys - documented)}"


def test_lifecycle_states():
    from k8slint.schemastore import default_store
    from k8slint.upgrade.lifecycle import UpgradePath, describe_states
    from k8slint.versions import KubeVersion
    path = UpgradePath(KubeVersion.parse("1.21"), KubeVersion.parse("1.26"), default_store())
    assert path.api_states("batch/v1beta1", "CronJob") == ("deprecated",) * 4 + ("removed",) * 2
    assert path.api_states("autoscaling/v2", "HorizontalPodAutoscaler") == ("unserved",) * 2 + ("served",) * 4
    assert path.api_states("example.com/v1", "Widget") == ("custom",) * 6
    assert describe_states(path.api_states("batch/v1beta1", "CronJob"), path.labels) == \
        "deprecated 1.21–1.24 · removed 1.25–1.26"
    assert path.hops[0] == ("1.21", "1.22") and len(path.hops) == 5
