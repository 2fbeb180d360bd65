"""Strict mode (unknown fields) on custom resources judges fields as the API server prunes them."""
from __future__ import annotations

from conftest import run_cli

CRD_V1 = """apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gates.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {kind: Gate, plural: gates, singular: gate, listKind: GateList}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                addresses:
                  type: array
                  items:
                    type: object
                    # value validation only: each branch names one field, the fields are declared below
                    oneOf:
                      - properties: {type: {enum: [IPAddress]}}
                      - properties: {type: {not: {enum: [IPAddress]}}}
                    properties:
                      type: {type: string, default: IPAddress}
                      value: {type: string}
"""


def _gate(address: str) -> str:
    return f"---\napiVersion: example.com/v1\nkind: Gate\nmetadata: {{name: g}}\nspec:\n  addresses: [{address}]\n"


def test_strict_mode_does_not_close_the_branches_of_oneof(write):
    path = write("gate.yaml", CRD_V1 + _gate("{type: Hostname, value: example.com}"))
    result = run_cli(["lint", "--strict", "-k", "1.30", "--no-cache", str(path)])
    assert "SCH00" not in result.out, result.out
    assert result.code == 0, result.out


def test_strict_mode_still_reports_a_field_no_branch_declares(write):
    path = write("gate.yaml", CRD_V1 + _gate("{type: Hostname, value: example.com, valeu: x}"))
    result = run_cli(["lint", "--strict", "-k", "1.30", "--no-cache", str(path)])
    assert "SCH002" in result.out and "valeu" in result.out, result.out


CRD_V1BETA1 = """apiVersion: apiextensions.k8s.io/v1beta1
kind: CustomResourceDefinition
metadata: {name: backups.example.com}
spec:
  group: example.com
  version: v1
  scope: Namespaced
  names: {kind: Backup, plural: backups}
PRESERVE  validation:
    openAPIV3Schema:
      properties:
        spec:
          properties:
            schedule: {type: string}
---
apiVersion: example.com/v1
kind: Backup
metadata: {name: nightly}
spec: {schedule: daily, extra: 1}
"""


def test_v1beta1_crd_keeps_unknown_fields_unless_preserve_unknown_fields_is_false(write):
    kept = write("kept.yaml", CRD_V1BETA1.replace("PRESERVE", ""))
    result = run_cli(["lint", "--strict", "-k", "1.16", "--no-cache", str(kept)])
    assert "SCH002" not in result.out, result.out
    pruned = write("pruned.yaml", CRD_V1BETA1.replace("PRESERVE", "  preserveUnknownFields: false\n"))
    result = run_cli(["lint", "--strict", "-k", "1.16", "--no-cache", str(pruned)])
    assert "SCH002" in result.out and "extra" in result.out, result.out
