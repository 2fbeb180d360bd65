"""A node the schema refuses (a number past the Go type's range, a value outside the enum) gets that one
finding: the API server's own checks of the same node (SRV023's port range, SRV043's restart policy) would
repeat the problem in other words."""
from __future__ import annotations

import json
from pathlib import Path

DATA = Path(__file__).parent / "data" / "schema-refusal-cascade.yaml"


def test_one_finding_per_refused_node(cli):
    found = json.loads(cli(["lint", "-k", "1.30", "-f", "json", str(DATA)]).out)["findings"]
    assert [(f["line"], f["rule_id"]) for f in found] == [(9, "SCH001"), (13, "SCH001")]


def test_the_api_server_checks_still_judge_values_the_schema_accepts(cli, write):
    path = write("deploy.yaml", DATA.read_text().replace("Sometimes", "Never").replace("99999999999", "70000"))
    found = json.loads(cli(["lint", "-k", "1.30", "-f", "json", str(path)]).out)["findings"]
    assert [(f["line"], f["rule_id"]) for f in found] == [(9, "SRV043"), (13, "SRV023")]


def test_a_missing_required_field_is_one_finding(cli, write):
    # SCH001 says the field is missing; the API server's "Required value" at the field (SRV020 for a
    # container's name, SRV037 for nodeSelectorTerms) would say it again
    path = write("pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  affinity:\n    nodeAffinity:\n"
                             "      requiredDuringSchedulingIgnoredDuringExecution: {}\n  containers: [{image: b}]\n")
    found = json.loads(cli(["lint", "-k", "1.30", "-f", "json", str(path)]).out)["findings"]
    assert [(f["rule_id"], f["message"].split(" in ")[0]) for f in found] == [
        ("SCH001", "missing required field 'nodeSelectorTerms'"), ("SCH001", "missing required field 'name'")]
