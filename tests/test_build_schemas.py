"""tools/build_schemas.py on small synthetic inputs: every input flavour, reproducibility, the strict check."""
from __future__ import annotations

import importlib.util
import io
import hashlib
import json
import sys
import tarfile
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from k8slint.schemastore import SchemaStore

_TOOL = Path(__file__).resolve().parent.parent / "tools" / "build_schemas.py"
_spec = importlib.util.spec_from_file_location("build_schemas", _TOOL)
build_schemas = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("build_schemas", build_schemas)  # dataclasses look their module up there
_spec.loader.exec_module(build_schemas)


def errors(schema: dict, doc) -> list:
    return sorted(e.message for e in Draft202012Validator(schema).iter_errors(doc))


def meta_defs(ref: str, flavour: str = "v2") -> dict:
    """ObjectMeta, IntOrString and Quantity as the given flavour writes them."""
    nullable = flavour == "kv-2020"
    def t(name):
        return [name, "null"] if nullable else name
    defs = {
        "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta": {
            "description": "Standard object metadata.",
            "type": t("object"),
            "properties": {
                "name": {"description": "Name of the object.", "type": t("string")},
                "labels": {"description": "Labels of the object.", "type": t("object"),
                           "additionalProperties": {"type": t("string")}},
                "creationTimestamp": {"$ref": f"{ref}io.k8s.apimachinery.pkg.apis.meta.v1.Time",
                                      "description": "When it was created."},
            },
        },
        "io.k8s.apimachinery.pkg.apis.meta.v1.Time": {"type": t("string"), "format": "date-time"},
        "io.k8s.apimachinery.pkg.api.resource.Quantity": {"type": "string", "description": "A quantity."},
        "io.k8s.apimachinery.pkg.util.intstr.IntOrString": {"type": "string", "format": "int-or-string"},
    }
    if flavour == "kv-2020":
        defs["io.k8s.apimachinery.pkg.api.resource.Quantity"] = {
            "oneOf": [{"type": ["string", "null"]}, {"type": ["number", "null"]}]}
        defs["io.k8s.apimachinery.pkg.util.intstr.IntOrString"] = {
            "oneOf": [{"type": ["string", "null"]}, {"type": ["integer", "null"]}]}
    return defs


def widget_defs(ref: str, flavour: str = "v2", version: str = "v1") -> dict:
    nullable = flavour == "kv-2020"
    def t(name):
        return [name, "null"] if nullable else name
    def r(name, description=None):
        node = {"$ref": f"{ref}{name}"}
        if flavour == "v3":
            node = {"allOf": [node], "default": {}}
        if description:
            node["description"] = description
        return node
    defs = meta_defs(ref, flavour)
    defs.update({
        f"com.example.{version}.Widget": {
            "description": "A widget.",
            "type": t("object"),
            "required": ["spec"],
            "properties": {
                "apiVersion": {"type": t("string"), "enum": [f"example.com/{version}"]},
                "kind": {"type": t("string"), "enum": ["Widget"]},
                "metadata": r("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", "Standard metadata."),
                "spec": r(f"com.example.{version}.WidgetSpec", "What the widget should be."),
            },
            "x-kubernetes-group-version-kind": [{"group": "example.com", "version": version, "kind": "Widget"}],
        },
        f"com.example.{version}.WidgetSpec": {
            "description": "The widget's desired state.",
            "type": t("object"),
            "required": ["size"],
            "properties": {
                "replicas": {"description": "How many.", "type": t("integer"), "format": "int32"},
                "size": r("io.k8s.apimachinery.pkg.api.resource.Quantity", "How big."),
                "surge": r("io.k8s.apimachinery.pkg.util.intstr.IntOrString", "How much extra."),
                "mode": {"description": "Fast or Slow.", "type": t("string"), "enum": ["Fast", "Slow"]},
                "tags": {"type": t("array"), "items": {"type": t("string")}},
                "extra": {"description": "Free-form.", "type": t("object"),
                          "x-kubernetes-preserve-unknown-fields": True,
                          "properties": {"known": {"type": t("string")}}},
                "payload": {"description": "Any JSON."},
                "port": {"description": "A port.", "format": "int-or-string", "type": t("string")},
            },
        },
        "com.example.v1.Unused": {"type": t("object"), "properties": {"x": {"type": t("string")}}},
    })
    return defs


def check_widget_store(root: Path, minor: str, api_version: str = "example.com/v1") -> SchemaStore:
    store = SchemaStore(root)
    assert [str(v) for v in store.versions()] == [minor] or minor in [str(v) for v in store.versions()]
    assert (api_version, "Widget") in store.kinds(minor)
    plain = store.bundle(minor, api_version, "Widget", strict=False)
    strict = store.bundle(minor, api_version, "Widget", strict=True)
    Draft202012Validator.check_schema(strict)
    good = {"apiVersion": api_version, "kind": "Widget",
            "metadata": {"name": "w", "labels": {"any/key": "v"}, "creationTimestamp": None},
            "spec": {"replicas": 2, "size": "500m", "surge": "25%", "mode": "Fast", "tags": ["a", None],
                     "extra": {"known": "k", "unknown": {"deep": 1}}, "payload": [1, "two"], "port": 8080}}
    assert errors(strict, good) == []
    for size in ("1Gi", 1, 0.5):
        good["spec"]["size"] = size
        assert errors(strict, good) == [], size
    good["spec"]["surge"] = 1
    good["spec"]["port"] = "http"
    good["spec"]["mode"] = None
    assert errors(strict, good) == []
    bad = json.loads(json.dumps(good))
    bad["spec"]["replicas"] = "three"
    assert errors(plain, bad)
    bad = json.loads(json.dumps(good))
    bad["spec"]["mode"] = "Medium"
    assert errors(plain, bad)
    bad = json.loads(json.dumps(good))
    bad["spec"]["size"] = None  # required
    assert errors(plain, bad)
    bad = json.loads(json.dumps(good))
    bad["spec"] = None  # required, and a $ref
    assert errors(plain, bad)
    typo = json.loads(json.dumps(good))
    typo["spec"]["replica"] = 2
    assert errors(plain, typo) == []
    assert any("replica" in m for m in errors(strict, typo))
    # the apiVersion/kind enums are gone: lookups already pin them
    assert "enum" not in store.definition(minor, store.definition_name(minor, api_version, "Widget"))[
        "properties"]["kind"]
    assert store.field_description(minor, api_version, "Widget", ("spec", "size")) == "How big."
    assert store.field_description(minor, api_version, "Widget", ("metadata", "creationTimestamp")) == \
        "When it was created."
    # only reachable definitions are stored
    assert not (root / "defs" / "com.example.v1.Unused.json").exists()
    return store


# ------------------------------------------------------------------------------------------ flavours

def test_swagger_v2(tmp_path):
    swagger = {"swagger": "2.0", "info": {"title": "Kubernetes", "version": "v1.40.0"}, "paths": {},
               "definitions": widget_defs("#/definitions/")}
    (tmp_path / "swagger.json").write_text(json.dumps(swagger))
    out = tmp_path / "schemas"
    assert build_schemas.main(["--openapi", f"1.40={tmp_path / 'swagger.json'}", "--out", str(out)]) == 0
    check_widget_store(out, "1.40")
    provenance = json.loads((out / "PROVENANCE.json").read_text())
    assert provenance["inputs"][0]["kind"] == "openapi-v2"
    assert provenance["inputs"][0]["minors_used"] == ["1.40"]


def test_openapi_v3_folder_is_merged(tmp_path):
    folder = tmp_path / "v3"
    folder.mkdir()
    defs = widget_defs("#/components/schemas/", flavour="v3")
    meta = meta_defs("#/components/schemas/")
    core = {k: v for k, v in defs.items() if k in meta}
    widget = dict(defs)  # shares the meta types, as every upstream group-version file does
    (folder / "api__v1_openapi.json").write_text(json.dumps({"openapi": "3.0.0", "components": {"schemas": core}}))
    (folder / "apis__example.com__v1_openapi.json").write_text(
        json.dumps({"openapi": "3.0.0", "paths": {}, "components": {"schemas": widget}}))
    out = tmp_path / "schemas"
    build_schemas.main(["--openapi", f"v1.41.0={folder}", "--out", str(out)])
    check_widget_store(out, "1.41")


def test_openapi_v3_single_document(tmp_path):
    doc = {"openapi": "3.0.0", "components": {"schemas": widget_defs("#/components/schemas/", flavour="v3")}}
    (tmp_path / "doc.json").write_text(json.dumps(doc))
    out = tmp_path / "schemas"
    build_schemas.main(["--openapi", f"1.42={tmp_path / 'doc.json'}", "--out", str(out)])
    check_widget_store(out, "1.42")


def _sdist(path: Path, version: str, minors: dict) -> Path:
    """A kubernetes-validate-like sdist: minors maps 'X.Y' -> (document, strict document or None)."""
    root = f"kubernetes_validate-{version}"
    with tarfile.open(path, "w:gz") as tar:
        def add(name, data: bytes):
            info = tarfile.TarInfo(f"{root}/{name}")
            info.size = len(data)
            info.mtime = 0
            tar.addfile(info, io.BytesIO(data))
        add("PKG-INFO", f"Metadata-Version: 2.1\nName: kubernetes-validate\nVersion: {version}\n\nbody\n".encode())
        base = "src/kubernetes_validate/kubernetes-json-schema"
        for minor, (doc, strict) in minors.items():
            add(f"{base}/v{minor}.0-local/_definitions.json", json.dumps(doc).encode())
            if strict is not None:
                add(f"{base}/v{minor}.0-local-strict/_definitions.json", json.dumps(strict).encode())
    return path


def _strict_twin(document: dict) -> dict:
    """What kubernetes-validate's -local-strict variant does: additionalProperties false next to properties."""
    twin = json.loads(json.dumps(document))
    for definition in (twin.get("definitions") or twin["$defs"]).values():
        if "properties" in definition and "additionalProperties" not in definition:
            definition["additionalProperties"] = False
    return twin


def test_sdists_newest_package_wins_and_strict_check(tmp_path):
    old_style = {"definitions": widget_defs("#/definitions/")}
    new_style = {"$schema": "https://json-schema.org/draft/2020-12/schema",
                 "$defs": widget_defs("/api/_definitions.json#/$defs/", flavour="kv-2020")}
    older = _sdist(tmp_path / "kubernetes-validate-1.0.0.tar.gz", "1.0.0",
                   {"1.7": (old_style, _strict_twin(old_style)), "1.8": (old_style, None)})
    newer = _sdist(tmp_path / "kubernetes_validate-2.0.0.tar.gz", "2.0.0",
                   {"1.8": (new_style, _strict_twin(new_style))})
    out = tmp_path / "schemas"
    build_schemas.main(["--sdist", str(newer), "--sdist", str(older), "--out", str(out)])
    for minor in ("1.7", "1.8"):
        check_widget_store(out, minor)
    provenance = json.loads((out / "PROVENANCE.json").read_text())
    assert provenance["minors"] == {"1.7": "kubernetes-validate 1.0.0", "1.8": "kubernetes-validate 2.0.0"}
    by_version = {i["version"]: i for i in provenance["inputs"]}
    assert by_version["1.0.0"]["minors_used"] == ["1.7"]
    assert by_version["2.0.0"]["minors_used"] == ["1.8"]
    assert by_version["1.0.0"]["minors_available"] == ["1.7", "1.8"]
    assert by_version["2.0.0"]["sha256"] == hashlib.sha256(newer.read_bytes()).hexdigest()
    # the derived strict marks agree with the strict twins on every reachable definition
    for minor in ("1.7", "1.8"):
        report = provenance["strict_check"][minor]
        assert report["only_in_input"] == [] and report["only_derived"] == []
        assert report["agree"] == 3  # Widget, WidgetSpec, ObjectMeta (WidgetSpec.extra is open on purpose)
    # both flavours normalise to the same canonical definitions: one variant each
    spec = json.loads((out / "defs" / "com.example.v1.WidgetSpec.json").read_text())
    assert len(spec) == 1


def test_strict_check_reports_disagreement(tmp_path):
    document = {"definitions": widget_defs("#/definitions/")}
    strict = _strict_twin(document)
    del strict["definitions"]["com.example.v1.WidgetSpec"]["additionalProperties"]
    strict["definitions"]["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"]["properties"]["labels"][
        "additionalProperties"] = False
    sdist = _sdist(tmp_path / "kubernetes-validate-1.0.0.tar.gz", "1.0.0", {"1.9": (document, strict)})
    out = tmp_path / "schemas"
    build_schemas.main(["--sdist", str(sdist), "--out", str(out)])
    report = json.loads((out / "PROVENANCE.json").read_text())["strict_check"]["1.9"]
    assert report["only_derived"] == ["com.example.v1.WidgetSpec"]
    assert report["only_in_input"] == ["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta/properties/labels"]


def test_extracted_sdist_folder(tmp_path):
    document = {"definitions": widget_defs("#/definitions/")}
    sdist = _sdist(tmp_path / "kubernetes-validate-1.0.0.tar.gz", "1.0.0", {"1.10": (document, None)})
    with tarfile.open(sdist) as tar:
        if hasattr(tarfile, "data_filter"):  # Python >= 3.10.12 / 3.11.4
            tar.extractall(tmp_path / "x", filter="data")
        else:  # pragma: no cover - older patch releases
            tar.extractall(tmp_path / "x")
    out = tmp_path / "schemas"
    build_schemas.main(["--sdist", str(tmp_path / "x" / "kubernetes_validate-1.0.0"), "--out", str(out)])
    check_widget_store(out, "1.10")
    provenance = json.loads((out / "PROVENANCE.json").read_text())
    assert provenance["inputs"][0]["version"] == "1.0.0"
    assert provenance["inputs"][0]["sha256"].startswith("tree:")


def test_openapi_overrides_sdist_and_versions_dedupe(tmp_path):
    document = {"definitions": widget_defs("#/definitions/")}
    sdist = _sdist(tmp_path / "kubernetes-validate-1.0.0.tar.gz", "1.0.0",
                   {"1.11": (document, None), "1.12": (document, None)})
    changed = widget_defs("#/definitions/")
    changed["com.example.v1.WidgetSpec"]["properties"]["colour"] = {"type": "string"}
    (tmp_path / "swagger.json").write_text(json.dumps({"swagger": "2.0", "definitions": changed}))
    out = tmp_path / "schemas"
    build_schemas.main(["--sdist", str(sdist), "--openapi", f"1.12={tmp_path / 'swagger.json'}", "--out", str(out)])
    store = SchemaStore(out)
    assert [str(v) for v in store.versions()] == ["1.11", "1.12"]
    assert "colour" not in store.definition("1.11", "com.example.v1.WidgetSpec")["properties"]
    assert "colour" in store.definition("1.12", "com.example.v1.WidgetSpec")["properties"]
    assert len(json.loads((out / "defs" / "com.example.v1.WidgetSpec.json").read_text())) == 2
    assert len(json.loads((out / "defs" / "com.example.v1.Widget.json").read_text())) == 1
    index = json.loads((out / "index.json").read_text())
    assert index["kinds"]["example.com/v1"]["Widget"] == [["com.example.v1.Widget", ["1.11", "1.12"]]]


def test_same_inputs_same_bytes(tmp_path):
    document = {"definitions": widget_defs("#/definitions/")}
    sdist = _sdist(tmp_path / "kubernetes-validate-1.0.0.tar.gz", "1.0.0",
                   {"1.7": (document, _strict_twin(document))})
    (tmp_path / "swagger.json").write_text(json.dumps({"swagger": "2.0", "definitions": widget_defs(
        "#/definitions/", version="v2")}))

    def snapshot(out: Path) -> dict:
        build_schemas.main(["--sdist", str(sdist), "--openapi", f"1.8={tmp_path / 'swagger.json'}",
                            "--out", str(out)])
        return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}

    first = snapshot(tmp_path / "a")
    second = snapshot(tmp_path / "b")
    assert first == second
    # rebuilding in place removes what the new inputs no longer produce
    (tmp_path / "a" / "defs" / "stale.json").write_text("{}")
    assert snapshot(tmp_path / "a") == second


# ------------------------------------------------------------------------------------------ normalisation

@pytest.mark.parametrize("node, expected", [
    ({"type": ["string", "null"], "description": "d"}, {"type": "string", "description": "d"}),
    ({"oneOf": [{"type": "string"}, {"type": "integer"}]},
     {"type": ["integer", "string"], "format": "int-or-string", "x-kubernetes-int-or-string": True}),
    ({"anyOf": [{"type": "integer"}, {"type": "string"}], "x-kubernetes-int-or-string": True, "description": "p"},
     {"type": ["integer", "string"], "format": "int-or-string", "x-kubernetes-int-or-string": True,
      "description": "p"}),
    ({"$ref": "/api/_definitions.json#/$defs/io.k8s.X", "description": "d", "default": {}},
     {"$ref": "#/$defs/io.k8s.X", "description": "d"}),
    ({"allOf": [{"$ref": "#/components/schemas/io.k8s.X"}], "default": {}, "description": "d"},
     {"$ref": "#/$defs/io.k8s.X", "description": "d"}),
    ({"properties": {"a": {"type": "string", "x-kubernetes-patch-strategy": "merge"}}, "required": ["a"],
      "x-kubernetes-list-type": "atomic"},
     {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]}),
    ({"type": ["array", "null"], "items": {"type": ["string", "null"], "enum": ["A", "B", None]}},
     {"type": "array", "items": {"type": "string", "enum": ["A", "B"]}}),
    ({"type": "object", "additionalProperties": {"type": "string"}},
     {"type": "object", "additionalProperties": {"type": "string"}}),
    ({"description": "Any JSON value."}, {"description": "Any JSON value."}),
])
def test_normalise_node(node, expected):
    assert build_schemas.normalise_node(node) == expected


def test_special_definitions():
    quantity = build_schemas.normalise_definition(
        "io.k8s.apimachinery.pkg.api.resource.Quantity", {"oneOf": [{"type": "string"}, {"type": "integer"}]})
    assert quantity["type"] == ["number", "string"]
    raw = build_schemas.normalise_definition(
        "io.k8s.apimachinery.pkg.runtime.RawExtension",
        {"required": ["Raw"], "properties": {"Raw": {"type": "string", "format": "byte"}}, "description": "raw"})
    assert raw == {"type": "object", "x-kubernetes-preserve-unknown-fields": True, "description": "raw"}
    ios = build_schemas.normalise_definition(
        "io.k8s.apimachinery.pkg.util.intstr.IntOrString", {"type": "string", "format": "int-or-string"})
    assert ios["type"] == ["integer", "string"] and ios["x-kubernetes-int-or-string"] is True
    kind = build_schemas.normalise_definition("a.B", {
        "properties": {"kind": {"type": "string", "enum": ["B"]}, "apiVersion": {"type": "string", "enum": ["a/v1"]},
                       "mode": {"type": "string", "enum": ["x"]}},
        "x-kubernetes-group-version-kind": [{"group": "a", "version": "v1", "kind": "B"}]})
    assert "enum" not in kind["properties"]["kind"] and "enum" not in kind["properties"]["apiVersion"]
    assert kind["properties"]["mode"]["enum"] == ["x"]
    condition = build_schemas.normalise_definition("a.v1.WidgetCondition", {
        "properties": {"type": {"type": "string", "enum": ["Ready"]}, "status": {"type": "string", "enum": ["True"]}}})
    assert "enum" not in condition["properties"]["type"] and condition["properties"]["status"]["enum"] == ["True"]
    text = build_schemas.normalise_node({"type": "string", "description": "Policy.\n\n"})
    assert text["description"] == "Policy."


def test_required_markers_the_api_server_never_enforced_are_dropped():
    # 1.7-1.13 mark Role.rules required (a Go field without omitempty); the API server accepts a Role
    # without rules, and an aggregated ClusterRole has none of its own
    role = build_schemas.normalise_definition("io.k8s.api.rbac.v1beta1.Role", {
        "required": ["rules"], "properties": {"rules": {"type": "array"}, "metadata": {"type": "object"}}})
    assert "required" not in role
    binding = build_schemas.normalise_definition("io.k8s.api.rbac.v1.RoleBinding", {
        "required": ["subjects", "roleRef"], "properties": {"subjects": {"type": "array"},
                                                            "roleRef": {"type": "object"}}})
    assert binding["required"] == ["roleRef"]  # what validation does require stays
    # the same field name elsewhere keeps its marker (flowcontrol validation does require subjects)
    flow = build_schemas.normalise_definition("io.k8s.api.flowcontrol.v1.PolicyRulesWithSubjects", {
        "required": ["subjects"], "properties": {"subjects": {"type": "array"}}})
    assert flow["required"] == ["subjects"]


@pytest.mark.parametrize("minor", ["1.8", "1.10", "1.12", "1.13"])
def test_embedded_old_schemas_accept_what_their_api_server_accepted(minor):
    store = SchemaStore()
    for api_version, kind, doc in [
            ("rbac.authorization.k8s.io/v1beta1", "Role", {"metadata": {"name": "r"}}),
            ("rbac.authorization.k8s.io/v1beta1", "ClusterRole", {"metadata": {"name": "r"}}),
            ("rbac.authorization.k8s.io/v1beta1", "RoleBinding",
             {"metadata": {"name": "b"}, "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role",
                                                     "name": "r"}}),
            ("admissionregistration.k8s.io/v1beta1", "ValidatingWebhookConfiguration",
             {"metadata": {"name": "w"}, "webhooks": [{"name": "a.example.com", "clientConfig": {
                 "service": {"namespace": "default", "name": "svc"}}}]})]:
        schema = store.bundle(minor, api_version, kind, strict=True)
        if schema is None:  # admissionregistration v1beta1 came in 1.9
            continue
        assert errors(schema, {"apiVersion": api_version, "kind": kind, **doc}) == [], (minor, kind)
    # a wrong type is still an error
    role = store.bundle(minor, "rbac.authorization.k8s.io/v1beta1", "Role", strict=True)
    assert errors(role, {"apiVersion": "rbac.authorization.k8s.io/v1beta1", "kind": "Role", "rules": "all"})


# --------------------------------------------------------------------------------- recovered enums

def _pod_swagger(minor: str, with_enums: bool) -> dict:
    """A tiny core/v1 Pod as a v2 document of `minor`: enums only when with_enums (as 1.23 published)."""
    def enum(*values):
        return {"enum": list(values)} if with_enums else {}
    core = "io.k8s.api.core.v1."
    defs = meta_defs("#/definitions/")
    defs.update({
        core + "Pod": {"type": "object", "properties": {
            "apiVersion": {"type": "string"}, "kind": {"type": "string"},
            "metadata": {"$ref": "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"},
            "spec": {"$ref": f"#/definitions/{core}PodSpec"},
            "status": {"$ref": f"#/definitions/{core}PodStatus"}},
            "x-kubernetes-group-version-kind": [{"group": "", "version": "v1", "kind": "Pod"}]},
        core + "PodSpec": {"type": "object", "properties": {
            "restartPolicy": {"type": "string", **enum("Always", "Never", "OnFailure")},
            "dnsPolicy": {"type": "string", **enum("ClusterFirst", "Default", "None")},
            "os": {"$ref": f"#/definitions/{core}PodOS"},
            "tolerations": {"type": "array", "items": {"$ref": f"#/definitions/{core}Toleration"}}}},
        core + "PodOS": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}},
        core + "Toleration": {"type": "object", "properties": {
            "operator": {"type": "string", **enum("Equal", "Exists")}}},
        core + "PodStatus": {"type": "object", "properties": {
            "phase": {"type": "string", **enum("Pending", "Running")}}},
    })
    return {"swagger": "2.0", "info": {"title": "Kubernetes", "version": f"v{minor}.0"}, "paths": {},
            "definitions": defs}


def test_enums_are_carried_from_1_23_to_every_minor_by_the_tables(tmp_path):
    args = []
    for minor in ("1.8", "1.9", "1.22", "1.23", "1.24", "1.35"):
        path = tmp_path / f"{minor}.json"
        path.write_text(json.dumps(_pod_swagger(minor, with_enums=minor == "1.23")))
        args += ["--openapi", f"{minor}={path}"]
    out = tmp_path / "schemas"
    build_schemas.main(args + ["--out", str(out)])
    store = SchemaStore(out)

    def enum(minor, definition, field):
        return store.definition(minor, "io.k8s.api.core.v1." + definition)["properties"][field].get("enum")

    # carried back and forward (only 1.23's input lists them); the API server defaults an empty value
    for minor in ("1.8", "1.9", "1.22", "1.23", "1.24", "1.35"):
        assert enum(minor, "PodSpec", "restartPolicy") == ["", "Always", "Never", "OnFailure"], minor
        assert enum(minor, "PodStatus", "phase") is None, minor  # status is never checked
    # a value the earlier API server did not know yet: dnsPolicy None from 1.9 on
    assert enum("1.8", "PodSpec", "dnsPolicy") == ["", "ClusterFirst", "Default"]
    assert enum("1.9", "PodSpec", "dnsPolicy") == ["", "ClusterFirst", "Default", "None"]
    assert enum("1.22", "PodOS", "name") is None  # added tables apply from their own minor on
    assert enum("1.23", "PodOS", "name") is None  # the table adds PodOS from 1.24 on
    assert enum("1.24", "PodOS", "name") == ["linux", "windows"]
    assert enum("1.24", "Toleration", "operator") == ["", "Equal", "Exists"]
    assert enum("1.35", "Toleration", "operator") == ["", "Equal", "Exists", "Gt", "Lt"]  # gated values
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
           "spec": {"restartPolicy": "always"}, "status": {"phase": "Evicted"}}
    assert len(errors(store.bundle("1.35", "v1", "Pod", False), pod)) == 1
    pod["spec"]["restartPolicy"] = ""
    assert errors(store.bundle("1.35", "v1", "Pod", False), pod) == []
    recovery = json.loads((out / "PROVENANCE.json").read_text())["enum_recovery"]
    assert recovery["donor_minor"] == "1.23" and recovery["fields_with_enum"]["1.35"] == 4
    assert "io.k8s.api.core.v1.PodStatus/properties/phase" in recovery["status_only_dropped"]
    assert recovery["fields_with_enum"]["1.8"] == 3  # restartPolicy, dnsPolicy, toleration operator
    assert recovery["earlier_limits"]["io.k8s.api.core.v1.PodSpec/properties/dnsPolicy"] == [
        {"value": "None", "accepted_from": "1.9"}]


def test_enum_tables_match_the_embedded_schemas():
    """Every table entry matched a field of the real inputs (a typo or a renamed field would not)."""
    provenance = json.loads((Path(__file__).resolve().parent.parent / "schemas" / "PROVENANCE.json").read_text())
    assert provenance["enum_recovery"]["unused_table_entries"] == []


# --------------------------------------------------------------------------------- list semantics

def _v3_pod_folder(root: Path, minor: str, env_type: str = "map") -> None:
    """Upstream-like OpenAPI v3 documents of `minor` with list extensions on a tiny Pod."""
    ref = "#/components/schemas/io.k8s.api.core.v1."
    schemas = {
        "io.k8s.api.core.v1.PodSpec": {"type": "object", "properties": {
            "containers": {"type": "array", "items": {"allOf": [{"$ref": ref + "Container"}], "default": {}},
                           "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"]},
            "tolerations": {"type": "array", "items": {"allOf": [{"$ref": ref + "Toleration"}]},
                            "x-kubernetes-list-type": "atomic"}}},
        "io.k8s.api.core.v1.Container": {"type": "object", "properties": {
            "name": {"type": "string", "default": ""},
            "env": {"type": "array", "items": {"type": "object"}, "x-kubernetes-list-type": env_type,
                    "x-kubernetes-list-map-keys": ["name"]},
            "ports": {"type": "array", "items": {"allOf": [{"$ref": ref + "ContainerPort"}]},
                      "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["containerPort", "protocol"]}}},
        "io.k8s.api.core.v1.ContainerPort": {"type": "object", "properties": {
            "containerPort": {"type": "integer", "default": 0}, "protocol": {"type": "string", "default": "TCP"}}},
    }
    folder = root / minor / "api"
    folder.mkdir(parents=True)
    (folder / "v1.json").write_text(json.dumps({"openapi": "3.0.0", "components": {"schemas": schemas}}))


def _pod_with_lists_swagger(minor: str) -> dict:
    core = "io.k8s.api.core.v1."
    doc = _pod_swagger(minor, with_enums=False)
    defs = doc["definitions"]
    defs[core + "PodSpec"]["properties"]["containers"] = {
        "type": "array", "items": {"$ref": f"#/definitions/{core}Container"}}
    defs[core + "Container"] = {"type": "object", "properties": {
        "name": {"type": "string"}, "env": {"type": "array", "items": {"type": "object"}},
        "ports": {"type": "array", "items": {"$ref": f"#/definitions/{core}ContainerPort"}}}}
    defs[core + "ContainerPort"] = {"type": "object", "properties": {
        "containerPort": {"type": "integer"}, "protocol": {"type": "string"}}}
    return doc


def test_list_semantics_come_from_the_v3_folder_per_minor(tmp_path):
    v3 = tmp_path / "v3"
    _v3_pod_folder(v3, "1.23", env_type="atomic")
    _v3_pod_folder(v3, "1.24")
    args = []
    for minor in ("1.22", "1.23", "1.24", "1.25"):
        path = tmp_path / f"{minor}.json"
        path.write_text(json.dumps(_pod_with_lists_swagger(minor)))
        args += ["--openapi", f"{minor}={path}"]
    out = tmp_path / "schemas"
    build_schemas.main(args + ["--list-semantics", str(v3), "--out", str(out)])
    store = SchemaStore(out)

    def props(minor, name):
        return store.definition(minor, "io.k8s.api.core.v1." + name)["properties"]

    assert "x-kubernetes-list-type" not in props("1.22", "PodSpec")["containers"]  # older than every v3 input
    assert "x-kubernetes-list-type" not in props("1.23", "Container")["env"]  # atomic: nothing to check
    assert "x-kubernetes-list-type" not in props("1.24", "PodSpec")["tolerations"]
    for minor in ("1.23", "1.24", "1.25"):  # 1.25 is newer than every v3 input: 1.24's semantics
        containers = props(minor, "PodSpec")["containers"]
        assert containers["x-kubernetes-list-type"] == "map" and containers["x-kubernetes-list-map-keys"] == ["name"]
        assert "x-k8slint-list-map-key-defaults" not in containers  # "" is a Go zero value, not a default
        ports = props(minor, "Container")["ports"]
        assert ports["x-kubernetes-list-map-keys"] == ["containerPort", "protocol"]
        assert ports["x-k8slint-list-map-key-defaults"] == {"protocol": "TCP"}
    assert props("1.25", "Container")["env"]["x-kubernetes-list-type"] == "map"
    provenance = json.loads((out / "PROVENANCE.json").read_text())["list_semantics"]
    assert provenance["source_of_each_minor"] == {"1.23": "1.23", "1.24": "1.24", "1.25": "1.24"}
    assert provenance["lists_marked"] == {"1.23": 2, "1.24": 3, "1.25": 3}
    assert sorted(provenance["inputs"]) == ["1.23", "1.24"]
    assert provenance["inputs"]["1.24"]["sha256"].startswith("tree:")
    # the bundle still validates (the extensions are annotations to a JSON Schema validator)
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
           "spec": {"containers": [{"name": "a", "ports": [{"containerPort": 80}, {"containerPort": 80}]}]}}
    assert errors(store.bundle("1.24", "v1", "Pod", True), pod) == []
