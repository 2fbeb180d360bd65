"""Required markers the API server never enforced are dropped by the schema builder (UNENFORCED_REQUIRED):
an object without such a field is accepted, so SCH001 must stay quiet; a field really required still fails."""
from __future__ import annotations

import pytest

from k8slint.engine import Linter, LintOptions
from k8slint.loader import load_text
from k8slint.model import Severity
from k8slint.versions import resolve

# the shape of kubernetes/website's job-pod-failure-policy example: each rule has only one of
# onExitCodes / onPodConditions, and the pattern leaves status to its default (True)
JOB = """\
apiVersion: batch/v1
kind: Job
metadata: {name: j}
spec:
  template: {spec: {restartPolicy: Never, containers: [{name: main, image: bash}]}}
  podFailurePolicy:
    rules:
    - {action: Ignore, onPodConditions: [{type: DisruptionTarget}]}
    - {action: FailJob, onExitCodes: {containerName: main, operator: In, values: [42]}}
"""

MINORS = [f"1.{m}" for m in range(25, 38)]


def errors(text: str, version: str) -> list:
    linter = Linter(LintOptions(target=resolve(version), strict=True))
    return [(f.rule_id, f.message) for f in linter.check_file(load_text(text, "job.yaml"))
            if f.severity == Severity.ERROR]


@pytest.mark.parametrize("version", MINORS)
def test_pod_failure_policy_rule_with_one_requirement_and_defaulted_status_passes(version):
    assert errors(JOB, version) == []


@pytest.mark.parametrize("version", ["1.26", "1.28", "1.34", "1.37"])
@pytest.mark.parametrize("broken, field", [
    ("{action: Ignore, onPodConditions: [{type: DisruptionTarget}]}", "'action'"),
    ("{action: Ignore, onPodConditions: [{status: 'True'}]}", "'type'"),
])
def test_a_field_really_required_still_fails(version, broken, field):
    text = JOB.replace("{action: Ignore, onPodConditions: [{type: DisruptionTarget}]}",
                       broken.replace("action: Ignore, ", "") if field == "'action'" else broken)
    found = errors(text, version)
    assert any(rule == "SCH001" and field in message for rule, message in found), found


CSI_DRIVER = """\
apiVersion: storage.k8s.io/v1
kind: CSIDriver
metadata: {name: secrets-store.csi.k8s.io}
spec:
  tokenRequests:
  - {expirationSeconds: 3600}
  - {audience: vault}
"""


@pytest.mark.parametrize("version", ["1.21", "1.30", "1.37"])
def test_a_csi_token_request_without_audience_passes(version):
    """An empty audience stands for the API server's own audiences (validateTokenRequests allows one)."""
    assert errors(CSI_DRIVER, version) == []
