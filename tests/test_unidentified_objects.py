"""Objects the schema step could not identify (SCH004 unknown built-in kind, SCH005 custom resource without
a CRD: "not validated") get no API-server (SRV) findings: what the API server would say about an object it
does not serve is unknown, and such documents are often a tool's configuration (kind cluster configs,
kubeconfigs, conformance reports), not objects at all. Well-known configuration files get no finding."""
from __future__ import annotations

import json

from crdfactory import crd

KIND_CLUSTER = "apiVersion: kind.x-k8s.io/v1alpha4\nkind: Cluster\nnodes: [{role: control-plane}]\n"
KUBECONFIG = "apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n"
UNKNOWN_BUILTIN = "apiVersion: v1\nkind: Bogus\nspec: {}\n"
NO_CRD = "apiVersion: gateway.networking.k8s.io/v1\nkind: ConformanceReport\nimplementation: {organization: x}\n"

CRD = crd("{type: object, x-kubernetes-preserve-unknown-fields: true}", kind="Widget")
WIDGET_WITHOUT_NAME = "apiVersion: acme.io/v1\nkind: Widget\nspec: {}\n"


def _ids(cli, *paths, args=()) -> list:
    result = cli(["lint", "--strict", "-f", "json", *args, *paths])
    return sorted((f["file"].rsplit("/", 1)[-1], f["rule_id"]) for f in json.loads(result.out)["findings"])


def test_unknown_builtin_kind_is_one_finding(cli, write):
    assert _ids(cli, write("bogus.yaml", UNKNOWN_BUILTIN)) == [("bogus.yaml", "SCH004")]


def test_custom_resource_without_crd_gets_no_api_server_findings(cli, write):
    assert _ids(cli, write("report.yaml", NO_CRD)) == [("report.yaml", "SCH005")]


def test_skipped_even_when_schema_findings_are_not_reported(cli, write):
    # --ignore-missing-schemas and --select SRV: the object is still not identified, SRV stays silent
    path = write("report.yaml", NO_CRD)
    assert _ids(cli, path, args=("--ignore-missing-schemas",)) == []
    assert _ids(cli, path, args=("--select", "SRV")) == []


def test_custom_resource_with_its_crd_is_still_judged_by_the_api_servers_rules(cli, write):
    write("crd.yaml", CRD)
    path = write("widget.yaml", WIDGET_WITHOUT_NAME)
    assert ("widget.yaml", "SRV001") in _ids(cli, path.parent)
    # and its name is a DNS-1123 subdomain, as for every custom resource
    write("widget.yaml", "apiVersion: acme.io/v1\nkind: Widget\nmetadata: {name: My_Widget}\n")
    assert ("widget.yaml", "SRV002") in _ids(cli, path.parent)


def test_kind_cluster_config_and_kubeconfig_are_configuration_files(cli, write):
    found = _ids(cli, write("kind.yaml", KIND_CLUSTER), write("kubeconfig.yaml", KUBECONFIG))
    assert found == []


def test_a_core_kind_named_like_a_kubeconfig_elsewhere_is_still_unknown(cli, write):
    # only v1 Config is kubectl's file; "Config" of another built-in group is an unknown kind
    path = write("x.yaml", "apiVersion: apps/v1\nkind: Config\nmetadata: {name: x}\n")
    assert _ids(cli, path) == [("x.yaml", "SCH004")]
