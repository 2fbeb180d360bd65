"""Which CRD defines a kind: a CRD never replaces a built-in group's schema, and several CRDs for one kind
give the same verdict whatever the order of the files, with the conflict reported."""
from __future__ import annotations

from crdfactory import crd
from k8slint.engine import LintOptions, lint
from k8slint.versions import KubeVersion


def _crd(group: str, kind: str, schema: str, api: str = "apiextensions.k8s.io/v1", served: str = "true") -> str:
    return crd(schema, group=group, kind=kind, api=api, served=served)


DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: three
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx}]}
"""

OPEN = "{type: object, x-kubernetes-preserve-unknown-fields: true}"
SIZE_INT = "{type: object, properties: {spec: {type: object, properties: {size: {type: integer}}}}}"
SIZE_STR = "{type: object, properties: {spec: {type: object, properties: {size: {type: string}}}}}"
WIDGET = "apiVersion: acme.io/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: big}\n"


def _lint(paths, version="1.30", crd_files=()):
    return lint([str(p) for p in paths], LintOptions(KubeVersion.parse(version), crd_files=tuple(map(str, crd_files))))


def _ids(result, file_suffix=None):
    return sorted((f.rule_id, f.line) for f in result.findings if file_suffix is None or f.file.endswith(file_suffix))


def test_crd_in_a_builtin_group_keeps_the_builtin_schema(tmp_path):
    path = tmp_path / "all.yaml"
    path.write_text(_crd("apps", "Deployment", OPEN) + "---\n" + DEPLOYMENT)
    result = _lint([path])
    ids = [f.rule_id for f in result.findings]
    assert "CRD001" in ids
    replicas = [f for f in result.findings if f.rule_id == "SCH001" and f.json_path == "spec.replicas"]
    assert replicas, result.findings  # the hostile CRD does not silence the real Deployment's error


def test_crd_for_customresourcedefinition_does_not_replace_the_crd_schema(tmp_path):
    """A CRD that claims apiextensions.k8s.io/v1 CustomResourceDefinition would make every other CRD's fields
    'unknown'; the built-in schema stays, so a valid CRD beside it is clean."""
    hostile = tmp_path / "hostile.yaml"
    hostile.write_text(_crd("apiextensions.k8s.io", "CustomResourceDefinition",
                            "{type: object, properties: {spec: {type: object}}}"))
    good = tmp_path / "good.yaml"
    good.write_text(_crd("acme.io", "Widget", SIZE_INT))
    result = lint([str(hostile), str(good)], LintOptions(KubeVersion.parse("1.30"), strict=True))
    assert [f.rule_id for f in result.findings if f.file.endswith("good.yaml")] == []
    # CRD004: apiextensions.k8s.io is also a protected group (no api-approved.kubernetes.io annotation)
    assert sorted(f.rule_id for f in result.findings if f.file.endswith("hostile.yaml")) == ["CRD001", "CRD004"]


def test_crd_group_that_only_looks_builtin_is_a_custom_group(tmp_path):
    path = tmp_path / "gw.yaml"
    crd = _crd("gateway.networking.k8s.io", "Gateway", SIZE_INT).replace(
        "metadata: {name: gateways.gateway.networking.k8s.io}",
        "metadata: {name: gateways.gateway.networking.k8s.io, annotations: {api-approved.kubernetes.io: 'x'}}")
    path.write_text(crd + "---\napiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: g}\n"
                      "spec: {size: big}\n")
    result = _lint([path])
    assert [f.rule_id for f in result.findings] == ["SCH001"]


def test_several_crds_for_one_kind_give_the_same_verdict_in_any_order(tmp_path):
    a, b, cr = tmp_path / "a.yaml", tmp_path / "b.yaml", tmp_path / "widget.yaml"
    a.write_text(_crd("acme.io", "Widget", SIZE_INT))
    b.write_text(_crd("acme.io", "Widget", SIZE_STR))
    cr.write_text(WIDGET)
    first = _lint([a, b, cr])
    second = _lint([cr, b, a])
    assert _ids(first) == _ids(second)
    assert [f.rule_id for f in first.findings if f.file.endswith("widget.yaml")] == ["SCH001"]  # a.yaml wins
    conflict = [f for f in first.findings if f.rule_id == "CRD002"]
    assert len(conflict) == 1 and conflict[0].file.endswith("b.yaml") and "a.yaml" in conflict[0].message


def test_v1_crd_wins_over_a_stale_v1beta1_copy_whatever_the_order(tmp_path):
    old, new, cr = tmp_path / "0-old.yaml", tmp_path / "1-new.yaml", tmp_path / "widget.yaml"
    old.write_text(_crd("acme.io", "Widget", SIZE_STR, api="apiextensions.k8s.io/v1beta1"))
    new.write_text(_crd("acme.io", "Widget", SIZE_INT))
    cr.write_text(WIDGET)
    for order in ([old, new, cr], [new, old, cr]):
        result = _lint(order, version="1.21")  # a version that still serves apiextensions v1beta1
        assert [f.rule_id for f in result.findings if f.file.endswith("widget.yaml")] == ["SCH001"]
        assert [f.file.rsplit("/", 1)[-1] for f in result.findings if f.rule_id == "CRD002"] == ["0-old.yaml"]


def test_serving_crd_wins_over_one_that_does_not_serve_the_version(tmp_path):
    unserved, served, cr = tmp_path / "a.yaml", tmp_path / "b.yaml", tmp_path / "widget.yaml"
    unserved.write_text(_crd("acme.io", "Widget", SIZE_STR, served="false"))
    served.write_text(_crd("acme.io", "Widget", SIZE_INT))
    cr.write_text(WIDGET)
    result = _lint([unserved, served, cr])
    assert [f.rule_id for f in result.findings if f.file.endswith("widget.yaml")] == ["SCH001"]


def test_identical_copies_are_no_conflict(tmp_path):
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text(_crd("acme.io", "Widget", SIZE_INT))
    b.write_text(_crd("acme.io", "Widget", SIZE_INT))
    assert _lint([a, b]).findings == []


def test_crd_given_with_crd_option_gets_the_same_verdict(tmp_path):
    crd, cr = tmp_path / "crd.yaml", tmp_path / "deploy.yaml"
    crd.write_text(_crd("apps", "Deployment", OPEN))
    cr.write_text(DEPLOYMENT)
    result = _lint([cr], crd_files=[crd])
    assert sorted(f.rule_id for f in result.findings) == ["CRD001", "CRD004", "SCH001"]  # 004: no dot in "apps"


def test_crd_the_api_server_refuses_leaves_its_resources_without_a_schema(tmp_path):
    """A CRD004 problem (here a name that is not <plural>.<group>, or two storage versions) makes the API
    server refuse the whole CRD: its resources are reported as unvalidated (CRD005), not judged by the schema
    of a CRD that cannot exist."""
    bad_name = _crd("acme.io", "Widget", SIZE_INT).replace("name: widgets.acme.io", "name: widget.acme.io")
    two_storage = _crd("acme.io", "Widget", SIZE_INT).replace(
        "    - name: v1\n", "    - name: v2\n      served: true\n      storage: true\n      schema:\n"
                           f"        openAPIV3Schema: {SIZE_INT}\n    - name: v1\n")
    for crd in (bad_name, two_storage):
        path = tmp_path / "all.yaml"
        path.write_text(crd + "---\n" + WIDGET)
        found = [(f.rule_id, f.file.endswith("all.yaml")) for f in _lint([path]).findings]
        assert ("CRD004", True) in found
        assert [f.rule_id for f in _lint([path]).findings if f.line > crd.count("\n") + 1] == ["CRD005"]
