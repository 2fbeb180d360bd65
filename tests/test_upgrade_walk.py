"""A 2019-era repository (tests/data/era-2019) walked from 1.16 to 1.30 along `k8slint report`'s plan, the way
a team would: at each step, `k8slint fix --current-version STEP -k 1.30 --write`, the changes the plan leaves
to a person, then the cluster upgrade to the next step. After every step every manifest passes
`lint --strict` at that step's version and at the next one; the last step passes at 1.30."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import run_cli

ERA = Path(__file__).resolve().parent / "data" / "era-2019"


def _plan(root: Path, start: str) -> dict:
    result = run_cli(["report", "--from", start, "--to", "1.30", "-f", "json", "."], cwd=root)
    assert result.code in (0, 1), result.err
    return json.loads(result.out)


def _by_hand(root: Path, report: dict, step: dict) -> None:
    """What the plan leaves to a person at this step: an API with no successor is replaced by something
    else (for PodSecurityPolicy: Pod Security Admission labels on the namespace), here by removing its file,
    which holds the RBAC rules granting it too (their REF003 change: the rule can go)."""
    manual = [c for c in step["changes"] if c["fix"] is None]
    gone = {report["objects"][c["object"]]["file"] for c in manual if "no successor" in c["change"]}
    for change in manual:
        assert report["objects"][change["object"]]["file"] in gone, change
    for name in gone:
        (root / name).unlink()


def _lint_ok(root: Path, version: str) -> None:
    result = run_cli(["lint", "--strict", "-k", version, "."], cwd=root)
    assert result.code == 0, f"lint --strict -k {version}:\n{result.out}"


def test_walk_from_1_16_to_1_30_along_the_plan(tmp_path):
    root = tmp_path / "repo"
    shutil.copytree(ERA, root)
    first = _plan(root, "1.16")
    planned = [s["cluster"] for s in first["plan"]["steps"]]
    assert planned == ["1.16", "1.21", "1.24", "1.30"]
    walked, cluster = [], "1.16"
    while True:
        report = _plan(root, cluster)
        steps = report["plan"]["steps"]
        assert steps[0]["cluster"] == cluster
        result = run_cli(["fix", "--current-version", cluster, "-k", "1.30", "--write", "."], cwd=root)
        assert result.code in (0, 1), result.err
        _by_hand(root, report, steps[0])
        walked.append(cluster)
        _lint_ok(root, cluster)
        if len(steps) == 1:
            break
        _lint_ok(root, steps[1]["cluster"])
        cluster = steps[1]["cluster"]
    assert walked == planned and cluster == "1.30"
    _lint_ok(root, "1.30")
    text = (root / "web.yaml").read_text()
    assert text.startswith("# The shop front end, as deployed since 2018.\napiVersion: apps/v1\n")
    assert "seccompProfile" in text and "networking.k8s.io/v1" in text and "autoscaling/v2\n" in text
    # the kustomization's patch targets moved with the objects they patch
    kustomization = (root / "kustomization.yaml").read_text()
    assert "target: {group: networking.k8s.io, version: v1, kind: Ingress, name: web}" in kustomization
    assert "      group: batch\n      version: v1\n      kind: CronJob\n" in kustomization


def test_the_first_step_waits_for_what_1_16_does_not_serve(tmp_path):
    root = tmp_path / "repo"
    shutil.copytree(ERA, root)
    result = run_cli(["fix", "--current-version", "1.16", "-k", "1.30", "--write", "."], cwd=root)
    text = (root / "web.yaml").read_text()
    assert "apiVersion: extensions/v1beta1\nkind: Ingress" in text  # networking.k8s.io/v1 is served from 1.19
    assert "seccomp.security.alpha.kubernetes.io/pod" in text and "seccompProfile" not in text
    assert "fix waits for the cluster: networking.k8s.io/v1 Ingress is served from 1.19" in result.out
    assert "fix waits for the cluster: batch/v1 CronJob is served from 1.21" in result.out
    _lint_ok(root, "1.16")


def test_without_a_current_version_fix_writes_for_the_target_and_1_16_rejects_it(tmp_path):
    """Today's behaviour, kept: the result is for 1.30 only (the summary says fix assumed nothing)."""
    root = tmp_path / "repo"
    shutil.copytree(ERA, root)
    (root / "psp.yaml").unlink()  # no successor: a person replaces it
    result = run_cli(["fix", "-k", "1.30", "--write", "."], cwd=root)
    assert "Assumed nothing about the version the cluster runs now (see --current-version)." in result.out
    assert run_cli(["lint", "-k", "1.30", "."], cwd=root).code == 0
    assert run_cli(["lint", "-k", "1.16", "."], cwd=root).code == 1


def test_the_plan_gives_each_change_its_window():
    report = _plan(ERA, "1.16")
    changes = {(report["objects"][c["object"]]["kind"], c["rule_id"]): (step["cluster"], c)
               for step in report["plan"]["steps"] for c in step["changes"]}
    cluster, ingress = changes[("Ingress", "API040")]
    assert cluster == "1.21" and ingress["change"] == "extensions/v1beta1 Ingress -> networking.k8s.io/v1 Ingress"
    assert (ingress["available_since"], ingress["removed_in"], ingress["fix"]) == ("1.19", "1.22", "safe")
    cluster, psp = changes[("PodSecurityPolicy", "API065")]
    assert cluster == "1.24" and psp["fix"] is None and psp["removed_in"] == "1.25"
    cluster, seccomp = changes[("Deployment", "FLD024")]
    assert (seccomp["available_since"], seccomp["removed_in"]) == ("1.19", "1.27")
    first = report["plan"]["steps"][0]
    assert first["command"] == "k8slint fix --current-version 1.16 -k 1.30 --write" and first["upgrade_from"] is None
    assert report["plan"]["steps"][1]["through"] == ["1.17", "1.18", "1.19", "1.20", "1.21"]
