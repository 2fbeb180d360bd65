"""SCH007/SCH008: duplicate keys in keyed lists of built-in kinds, which server-side apply refuses; reported at
the second entry, with the first one's place, per version."""
from __future__ import annotations

import json

import pytest
from crdfactory import crd, custom_resource, spec_schema

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx
        env:
        - name: LOG_LEVEL
          value: info
        - name: MODE
          value: x
        - name: LOG_LEVEL
          value: debug
        ports:
        - containerPort: 80
        - containerPort: 80
          protocol: TCP
        - containerPort: 80
          protocol: UDP
        - containerPort: 443
"""


def lint(cli, write, text: str, version: str = "1.37", *extra):
    path = write("probe.yaml", text)
    result = cli(["lint", "-k", version, "-f", "json", *extra, path])
    found = [f for f in json.loads(result.out)["findings"] if f["rule_id"] in ("SCH007", "SCH008")]
    return result.code, found


def test_duplicates_reported_at_the_second_entry(cli, write):
    path = write("deploy.yaml", DEPLOYMENT)
    result = cli(["lint", "-k", "1.37", path])
    assert result.code == 0  # warnings only
    lines = [line for line in result.out.splitlines() if "SCH007" in line]
    assert lines == [
        f"{path}:18:11: warning SCH007 spec.template.spec.containers[0].env[2]: duplicate entry for key "
        "[name=\"LOG_LEVEL\"] (first at spec.template.spec.containers[0].env[0], line 14): the API server accepts "
        "it on create and client-side apply (recent versions warn), but server-side apply (kubectl apply "
        "--server-side, Flux, Argo CD with server-side apply) fails: duplicate entries for key "
        "[name=\"LOG_LEVEL\"]",
        # ports 80 (protocol left out) and 80/TCP are one key once the default is filled in; 80/UDP is not
        f"{path}:22:11: warning SCH007 spec.template.spec.containers[0].ports[1]: duplicate entry for key "
        "[containerPort=80,protocol=\"TCP\"] (protocol defaults to TCP) (first at "
        "spec.template.spec.containers[0].ports[0], line 21): the API server accepts it on create and "
        "client-side apply (recent versions warn), but server-side apply (kubectl apply --server-side, Flux, "
        "Argo CD with server-side apply) fails: duplicate entries for key [containerPort=80,protocol=\"TCP\"]",
    ]


@pytest.mark.parametrize("version", ["1.23", "1.30", "1.36", "1.37"])
def test_every_version_with_list_semantics(cli, write, version):
    code, found = lint(cli, write, DEPLOYMENT, version)
    assert [(f["line"], f["column"]) for f in found] == [(18, 11), (22, 11)], found


def test_no_list_semantics_before_1_23(cli, write):
    assert lint(cli, write, DEPLOYMENT, "1.22")[1] == []


def test_set_duplicates_are_sch008(cli, write):
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  finalizers:\n  - example.com/a\n  - example.com/a\n"
    code, found = lint(cli, write, text)
    assert code == 0 and [(f["rule_id"], f["line"], f["column"], f["json_path"]) for f in found] == [
        ("SCH008", 7, 5, "metadata.finalizers[1]")]
    assert "server-side apply" in found[0]["message"] and found[0]["severity"] == "warning"


def test_distinct_keys_status_and_validation_enforced_lists_stay_quiet(cli, write):
    text = """apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: a
    image: nginx
    env: [{name: A, value: "1"}, {name: B, value: "2"}, {value: "no name"}, {value: "no name"}]
    ports: [{containerPort: 53, protocol: UDP}, {containerPort: 53, protocol: TCP}]
    volumeMounts: [{name: v, mountPath: /data}, {name: v, mountPath: /data}]
  - name: a
    image: nginx
  volumes: [{name: v, emptyDir: {}}, {name: v, emptyDir: {}}]
status:
  conditions: [{type: Ready, status: "True"}, {type: Ready, status: "True"}]
"""
    # duplicate container, volume and mount names are API-server errors (SRV rules), not SSA warnings;
    # entries without a name are schema errors, not duplicates; status is what the server wrote
    assert lint(cli, write, text)[1] == []


def test_list_items_and_select_ignore(cli, write):
    text = ("apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n"
            "    name: c\n    finalizers: [x.io/a, x.io/a]\n")
    assert [f["rule_id"] for f in lint(cli, write, text)[1]] == ["SCH008"]
    assert lint(cli, write, text, "1.37", "--ignore", "SCH008")[1] == []
    assert lint(cli, write, DEPLOYMENT, "1.37", "--ignore", "SCH007")[1] == []


def test_custom_resources_are_not_checked_here(cli, write):
    tags = {"type": "array", "items": {"type": "string"}, "x-kubernetes-list-type": "set"}
    text = crd(spec_schema({"tags": tags}), group="example.com", kind="Widget") + custom_resource(
        "{tags: [a, a]}", kind="Widget", api_version="example.com/v1", name="w")
    assert lint(cli, write, text)[1] == []


def test_only_lists_the_server_warns_about_say_so(cli, write):
    text = ("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostAliases:\n"
            "  - {ip: 10.0.0.1, hostnames: [a.local]}\n  - {ip: 10.0.0.1, hostnames: [b.local]}\n"
            "  containers: [{name: c, image: nginx}]\n")
    code, found = lint(cli, write, text, "1.30")
    assert [(f["line"], f["column"], f["extra"] if "extra" in f else f.get("first")) for f in found] == [
        (7, 5, "spec.hostAliases[0]")]
    assert "key [ip=\"10.0.0.1\"]" in found[0]["message"] and "warn" not in found[0]["message"]
    code, found = lint(cli, write, DEPLOYMENT, "1.30")
    assert all("(recent versions warn)" in f["message"] for f in found)


def test_odd_values_are_schema_errors_not_duplicates(cli, write):
    text = """apiVersion: v1
kind: Pod
metadata: {name: p, finalizers: [[a], [a], {b: 1}, {b: 1}, null, null, 3, 3, true, true]}
spec:
  containers:
  - name: c
    image: nginx
    env: notalist
    ports: [{containerPort: [80]}, {containerPort: [80]}, 5, 5, {containerPort: "80"}, {containerPort: 80},
            {containerPort: true}, {containerPort: true}]
  - 7
  hostAliases: {ip: x}
status: 5
"""
    result = cli(["lint", "-k", "1.37", "-f", "json", write("odd.yaml", text)])
    found = json.loads(result.out)["findings"]
    assert result.code == 1 and found and all(f["rule_id"] not in ("SCH007", "SCH008") for f in found)
