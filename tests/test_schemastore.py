"""The embedded schema store: data integrity, lookups, lazy loading and validation behaviour per minor."""
from __future__ import annotations

import copy
import hashlib
import json
import os
import shutil
import time
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from k8slint.datadir import schemas_dir
from k8slint.schemastore import SchemaStore, default_store
from k8slint.versions import KubeVersion

ROOT = schemas_dir()
ALL_MINORS = [f"1.{m}" for m in range(7, 38)]


def _canonical_hash(value, length: int) -> str:
    raw = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(raw).hexdigest()[:length]


def _refs(node, out: set) -> set:
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            out.add(node["$ref"])
        for k, v in node.items():
            if k not in ("description", "enum", "required"):
                _refs(v, out)
    elif isinstance(node, list):
        for v in node:
            _refs(v, out)
    return out


@pytest.fixture(scope="module")
def store() -> SchemaStore:
    return SchemaStore()


@pytest.fixture(scope="module")
def index() -> dict:
    return json.loads((ROOT / "index.json").read_text(encoding="utf-8"))


def errors(schema: dict, doc: dict) -> list:
    return sorted(e.message for e in Draft202012Validator(schema).iter_errors(doc))


def deployment_api(minor: str) -> str:
    return "extensions/v1beta1" if KubeVersion.parse(minor) < KubeVersion(1, 9) else "apps/v1"


def minimal_deployment(minor: str) -> dict:
    return {
        "apiVersion": deployment_api(minor),
        "kind": "Deployment",
        "metadata": {"name": "web", "labels": {"app": "web"}},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "web", "image": "nginx:1.25"}]},
            },
        },
    }


MINIMAL_CONFIGMAP = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg"}, "data": {"a": "b"}}
MINIMAL_SERVICE = {
    "apiVersion": "v1",
    "kind": "Service",
    "metadata": {"name": "web"},
    "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": 8080}]},
}

# What `kubectl get deployment web -o yaml` prints on a recent cluster (as JSON).
KUBECTL_DUMP = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {
        "annotations": {"deployment.kubernetes.io/revision": "1",
                        "kubectl.kubernetes.io/last-applied-configuration": "{\"apiVersion\":\"apps/v1\"}\n"},
        "creationTimestamp": "2024-03-01T10:00:00Z",
        "generation": 1,
        "labels": {"app": "web"},
        "managedFields": [
            {
                "apiVersion": "apps/v1",
                "fieldsType": "FieldsV1",
                "fieldsV1": {"f:metadata": {"f:labels": {".": {}, "f:app": {}}}, "f:spec": {"f:replicas": {}}},
                "manager": "kubectl-client-side-apply",
                "operation": "Update",
                "time": "2024-03-01T10:00:00Z",
            },
            {
                "apiVersion": "apps/v1",
                "fieldsType": "FieldsV1",
                "fieldsV1": {"f:status": {"f:availableReplicas": {}, "f:conditions": {}}},
                "manager": "kube-controller-manager",
                "operation": "Update",
                "subresource": "status",
                "time": "2024-03-01T10:00:05Z",
            },
        ],
        "name": "web",
        "namespace": "default",
        "resourceVersion": "123456",
        "uid": "0b6c3f4e-8d55-4a8c-9d0e-2b1f3f1f0a11",
    },
    "spec": {
        "progressDeadlineSeconds": 600,
        "replicas": 2,
        "revisionHistoryLimit": 10,
        "selector": {"matchLabels": {"app": "web"}},
        "strategy": {"rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}, "type": "RollingUpdate"},
        "template": {
            "metadata": {"creationTimestamp": None, "labels": {"app": "web"}},
            "spec": {
                "containers": [{
                    "image": "nginx:1.25",
                    "imagePullPolicy": "IfNotPresent",
                    "name": "web",
                    "ports": [{"containerPort": 80, "protocol": "TCP"}],
                    "resources": {},
                    "terminationMessagePath": "/dev/termination-log",
                    "terminationMessagePolicy": "File",
                }],
                "dnsPolicy": "ClusterFirst",
                "restartPolicy": "Always",
                "schedulerName": "default-scheduler",
                "securityContext": {},
                "terminationGracePeriodSeconds": 30,
            },
        },
    },
    "status": {
        "availableReplicas": 2,
        "conditions": [
            {"lastTransitionTime": "2024-03-01T10:00:05Z", "lastUpdateTime": "2024-03-01T10:00:05Z",
             "message": "Deployment has minimum availability.", "reason": "MinimumReplicasAvailable",
             "status": "True", "type": "Available"},
            {"lastTransitionTime": "2024-03-01T10:00:00Z", "lastUpdateTime": "2024-03-01T10:00:05Z",
             "message": "ReplicaSet \"web-5d8f\" has successfully progressed.", "reason": "NewReplicaSetAvailable",
             "status": "True", "type": "Progressing"},
        ],
        "observedGeneration": 1,
        "readyReplicas": 2,
        "replicas": 2,
        "updatedReplicas": 2,
    },
}


# ------------------------------------------------------------------------------------------ the data

def test_every_minor_is_embedded(store, index):
    assert index["format"] == 1
    assert index["versions"] == ALL_MINORS
    assert [str(v) for v in store.versions()] == ALL_MINORS
    for minor in ALL_MINORS:
        assert (ROOT / "versions" / f"{minor}.json").is_file()
    assert sorted(p.stem for p in (ROOT / "versions").glob("*.json")) == sorted(ALL_MINORS)


def test_index_is_consistent(index):
    maps = {m: json.loads((ROOT / "versions" / f"{m}.json").read_text(encoding="utf-8")) for m in ALL_MINORS}
    for api_version, by_kind in index["kinds"].items():
        for kind, entries in by_kind.items():
            seen = set()
            for name, minors in entries:
                assert minors == sorted(minors, key=KubeVersion.parse), (api_version, kind)
                for minor in minors:
                    assert minor in maps, (api_version, kind, minor)
                    assert name in maps[minor], (api_version, kind, minor, name)
                    assert minor not in seen, f"{api_version} {kind} has two definitions in {minor}"
                    seen.add(minor)


def test_defs_files_match_their_hashes_and_references_resolve():
    variants = {}
    for path in sorted((ROOT / "defs").glob("*.json")):
        by_hash = json.loads(path.read_text(encoding="utf-8"))
        assert by_hash, path
        for h, definition in by_hash.items():
            assert _canonical_hash(definition, len(h)) == h, f"{path.name}: {h} does not match its content"
        variants[path.stem] = by_hash
    used = {name: set() for name in variants}
    for minor in ALL_MINORS:
        mapping = json.loads((ROOT / "versions" / f"{minor}.json").read_text(encoding="utf-8"))
        for name, h in mapping.items():
            assert h in variants[name], (minor, name, h)
            used[name].add(h)
            for ref in _refs(variants[name][h], set()):
                assert ref.startswith("#/$defs/"), (minor, name, ref)
                assert ref[len("#/$defs/"):] in mapping, f"{minor}: {name} refers to missing {ref}"
    for name, hashes in used.items():
        assert hashes == set(variants[name]), f"defs/{name}.json holds a variant no version uses"


def test_canonical_form_never_lists_null_or_kind_enums(store):
    for minor in ("1.7", "1.23", "1.37"):
        deployment = store.definition(minor, store.definition_name(minor, deployment_api(minor), "Deployment"))
        assert "enum" not in deployment["properties"]["apiVersion"]
        assert "enum" not in deployment["properties"]["kind"]

    def walk(node):
        if isinstance(node, dict):
            t = node.get("type")
            assert t != "null" and (not isinstance(t, list) or "null" not in t), node
            for k, v in node.items():
                if k not in ("enum", "description"):
                    walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    for path in (ROOT / "defs").glob("io.k8s.api.apps.v1.*.json"):
        walk(json.loads(path.read_text(encoding="utf-8")))


def test_provenance_names_every_minor():
    provenance = json.loads((ROOT / "PROVENANCE.json").read_text(encoding="utf-8"))
    assert sorted(provenance["minors"], key=KubeVersion.parse) == ALL_MINORS
    used = [m for source in provenance["inputs"] for m in source["minors_used"]]
    assert sorted(used, key=KubeVersion.parse) == ALL_MINORS
    for source in provenance["inputs"]:
        assert len(source["sha256"]) == 64
    assert provenance["builder"] == "tools/build_schemas.py"


# ------------------------------------------------------------------------------------------ lookups

def test_version_arguments(store):
    name = store.definition_name("1.30", "apps/v1", "Deployment")
    assert name == "io.k8s.api.apps.v1.Deployment"
    assert store.definition_name(KubeVersion(1, 30), "apps/v1", "Deployment") == name
    assert store.definition_name("v1.30.4", "apps/v1", "Deployment") == name
    assert store.definition_name("1.30", "apps/v1", "NoSuchKind") is None
    with pytest.raises(ValueError):
        store.definition_name("1.6", "apps/v1", "Deployment")


def test_extensions_deployment_served_until_1_17(store):
    serving = [str(v) for v in store.versions_serving("extensions/v1beta1", "Deployment")]
    assert serving == [f"1.{m}" for m in range(7, 18)]
    for minor in ("1.15", "1.16", "1.17"):
        assert store.bundle(minor, "extensions/v1beta1", "Deployment", False) is not None
    assert store.bundle("1.18", "extensions/v1beta1", "Deployment", False) is None
    assert ("extensions/v1beta1", "Deployment") in store.kinds("1.17")
    assert ("extensions/v1beta1", "Deployment") not in store.kinds("1.18")


def test_third_party_resource_only_in_1_7(store):
    assert [str(v) for v in store.versions_serving("extensions/v1beta1", "ThirdPartyResource")] == ["1.7"]
    assert store.bundle("1.8", "extensions/v1beta1", "ThirdPartyResource", False) is None


def test_kinds_whose_old_inputs_lack_group_version_kind(store):
    # 1.7-1.10 publish these definitions without x-kubernetes-group-version-kind; the builder borrows it
    crd = [str(v) for v in store.versions_serving("apiextensions.k8s.io/v1beta1", "CustomResourceDefinition")]
    assert crd == [f"1.{m}" for m in range(8, 22)]
    assert [str(v) for v in store.versions_serving("apiregistration.k8s.io/v1beta1", "APIService")] == [
        f"1.{m}" for m in range(7, 22)]
    assert str(store.versions_serving("apiregistration.k8s.io/v1", "APIService")[0]) == "1.10"


def test_enums_on_every_minor_with_core_v1_names_and_status_stays_open(store):
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
           "spec": {"containers": [{"name": "c", "image": "i", "imagePullPolicy": "Sometimes"}],
                    "readinessGates": [{"conditionType": "example.com/feature-ready"}]},
           "status": {"phase": "Evicted", "qosClass": "Platinum",
                      "conditions": [{"type": "cloud.example.com/neg-ready", "status": "True"}]}}
    # 1.23's input lists enum values; the builder carries them to every other minor (1.7's core types,
    # io.k8s.kubernetes.pkg.api.v1.*, matched under their later names)
    for minor in ("1.7", "1.8", "1.16", "1.22", "1.23", "1.24", "1.30", "1.37"):
        found = errors(store.bundle(minor, "v1", "Pod", False), pod)
        assert len(found) == 1 and "Sometimes" in found[0], (minor, found)
    # condition types and status values stay open; "" is the default and accepted
    for value in ("IfNotPresent", None, ""):
        pod["spec"]["containers"][0]["imagePullPolicy"] = value
        for minor in ("1.8", "1.23", "1.37"):  # (readinessGates: 1.11 on, so not strict for 1.8)
            assert errors(store.bundle(minor, "v1", "Pod", minor != "1.8"), pod) == [], minor


def test_apps_v1_deployment_from_1_9(store):
    serving = [str(v) for v in store.versions_serving("apps/v1", "Deployment")]
    assert serving == [f"1.{m}" for m in range(9, 38)]
    assert store.versions_serving("example.com/v1", "Widget") == []


def test_kinds_lists_pairs(store):
    kinds = store.kinds("1.30")
    assert kinds == sorted(kinds)
    assert ("apps/v1", "Deployment") in kinds and ("v1", "ConfigMap") in kinds
    assert ("apps/v1", "Deployment") not in store.kinds("1.8")


def test_definition_returns_a_copy(store):
    d = store.definition("1.30", "io.k8s.api.core.v1.ConfigMap")
    d["properties"].clear()
    assert store.definition("1.30", "io.k8s.api.core.v1.ConfigMap")["properties"]
    with pytest.raises(KeyError):
        store.definition("1.30", "io.k8s.api.core.v1.NoSuchThing")
    # readers that never change it may have the store's own object, without a copy
    shared = store.definition("1.30", "io.k8s.api.core.v1.ConfigMap", shared=True)
    assert shared is store.definition("1.30", "io.k8s.api.core.v1.ConfigMap", shared=True)
    assert shared == store.definition("1.30", "io.k8s.api.core.v1.ConfigMap") is not shared


def test_field_description(store):
    text = store.field_description("1.30", "apps/v1", "Deployment", ("spec", "replicas"))
    assert text and "desired pods" in text
    assert "Deployment" in store.field_description("1.30", "apps/v1", "Deployment", ())
    image = store.field_description("1.30", "apps/v1", "Deployment",
                                    ("spec", "template", "spec", "containers", 0, "image"))
    assert image and "image" in image.lower()
    # a map entry falls back to the map's text
    assert "labels" in store.field_description("1.30", "apps/v1", "Deployment", ("metadata", "labels", "app")).lower()
    assert store.field_description("1.30", "apps/v1", "Deployment", ("spec", "replica")) is None
    assert store.field_description("1.30", "apps/v1", "Deployment", ("spec", "replicas", "x")) is None
    assert store.field_description("1.30", "apps/v1", "Nope", ("spec",)) is None
    assert store.field_description("1.7", "extensions/v1beta1", "Deployment", ("spec", "template")) is not None


def test_default_store_is_shared():
    assert default_store() is default_store()


# ------------------------------------------------------------------------------------------ loading

def test_bundle_loads_only_what_it_needs(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))  # no bundle stored by an earlier run
    fresh = SchemaStore()
    reads = []
    original = SchemaStore._read

    def spy(self, relative):
        reads.append(relative)
        return original(self, relative)

    monkeypatch.setattr(SchemaStore, "_read", spy)
    bundle = fresh.bundle("1.30", "apps/v1", "Deployment", strict=False)
    expected = {"index.json", "versions/1.30.json"} | {f"defs/{name}.json" for name in bundle["$defs"]}
    assert set(reads) == expected
    assert len(reads) == len(expected)  # nothing read twice
    assert set(fresh._def_files) == set(bundle["$defs"])
    assert "io.k8s.api.core.v1.ConfigMap" not in fresh._def_files
    assert set(fresh._version_maps) == {"1.30"}
    # cached: the same object comes back, and the strict twin reads no new file
    assert fresh.bundle("1.30", "apps/v1", "Deployment", strict=False) is bundle
    before = len(reads)
    fresh.bundle("1.30", "apps/v1", "Deployment", strict=True)
    assert len(reads) == before


def _small_store(tmp_path) -> Path:
    """A schemas/ folder holding 1.30's index, version map and the definitions of a ConfigMap."""
    root = tmp_path / "schemas"
    (root / "versions").mkdir(parents=True)
    (root / "defs").mkdir()
    shutil.copy(ROOT / "index.json", root / "index.json")
    shutil.copy(ROOT / "versions" / "1.30.json", root / "versions" / "1.30.json")
    for name in SchemaStore().bundle("1.30", "v1", "ConfigMap", strict=True)["$defs"]:
        shutil.copy(ROOT / "defs" / f"{name}.json", root / "defs" / f"{name}.json")
    return root


def test_built_bundles_are_kept_between_runs_and_rebuilt_when_the_data_changes(tmp_path, monkeypatch):
    root = _small_store(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    built = SchemaStore(root).bundle("1.30", "v1", "ConfigMap", strict=True)
    stored = list((tmp_path / "cache" / "k8slint" / "bundles").glob("*.marshal"))
    assert len(stored) == 1
    real_build = SchemaStore._build_bundle
    builds = []
    monkeypatch.setattr(SchemaStore, "_build_bundle", lambda *a: builds.append(1) or real_build(*a))
    assert SchemaStore(root).bundle("1.30", "v1", "ConfigMap", strict=True) == built  # a later run
    assert builds == []
    assert SchemaStore(root).bundle("1.30", "v1", "ConfigMap", strict=False) != built  # its own key
    assert len(builds) == 1
    stored[0].write_bytes(b"not marshal")  # broken: built again
    assert SchemaStore(root).bundle("1.30", "v1", "ConfigMap", strict=True) == built
    assert len(builds) == 2
    version_map = root / "versions" / "1.30.json"  # new data (a definition changed its content hash)
    st = version_map.stat()
    os.utime(version_map, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    assert SchemaStore(root).bundle("1.30", "v1", "ConfigMap", strict=True) == built
    assert len(builds) == 3


def test_a_later_run_reads_a_kinds_definitions_from_one_stored_file(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    first = SchemaStore()
    root = first.definition_name("1.30", "apps/v1", "Deployment")
    reached = {name: first.definition("1.30", name) for name in first._def_files}
    assert "io.k8s.api.core.v1.PodSpec" in reached
    reads = []
    original = SchemaStore._read
    monkeypatch.setattr(SchemaStore, "_read", lambda self, rel: reads.append(rel) or original(self, rel))
    later = SchemaStore()
    assert later.definition_name("1.30", "apps/v1", "Deployment") == root
    assert {name: later.definition("1.30", name) for name in reached} == reached
    assert not [r for r in reads if r.startswith("defs/")]
    assert later.definition("1.30", "io.k8s.api.core.v1.ConfigMap")["type"] == "object"  # outside: read
    assert reads[-1] == "defs/io.k8s.api.core.v1.ConfigMap.json"


def test_cold_deployment_bundle_is_fast():
    best = min(_cold_bundle_seconds() for _ in range(3))
    assert best < 0.5, f"cold Deployment bundle took {best * 1000:.1f} ms"


def _cold_bundle_seconds() -> float:
    start = time.perf_counter()
    SchemaStore().bundle("1.30", "apps/v1", "Deployment", strict=False)
    return time.perf_counter() - start


# ------------------------------------------------------------------------------------------ validation

@pytest.mark.parametrize("minor", ALL_MINORS)
def test_minimal_objects_pass_on_every_minor(store, minor):
    for strict in (False, True):
        for doc in (MINIMAL_CONFIGMAP, MINIMAL_SERVICE, minimal_deployment(minor)):
            bundle = store.bundle(minor, doc["apiVersion"], doc["kind"], strict)
            assert bundle is not None, (minor, doc["kind"])
            assert errors(bundle, doc) == [], (minor, doc["kind"], strict)


@pytest.mark.parametrize("minor", ALL_MINORS)
def test_deployment_values_on_every_minor(store, minor):
    plain = store.bundle(minor, deployment_api(minor), "Deployment", False)
    strict = store.bundle(minor, deployment_api(minor), "Deployment", True)

    doc = minimal_deployment(minor)
    doc["spec"]["replicas"] = "three"
    assert errors(plain, doc) and errors(strict, doc)

    for surge in ("25%", 1):
        doc = minimal_deployment(minor)
        doc["spec"]["strategy"] = {"type": "RollingUpdate",
                                   "rollingUpdate": {"maxSurge": surge, "maxUnavailable": 0}}
        assert errors(strict, doc) == [], surge
    doc["spec"]["strategy"]["rollingUpdate"]["maxSurge"] = 1.5
    assert errors(plain, doc)

    doc = minimal_deployment(minor)
    doc["spec"]["template"]["spec"]["containers"][0]["resources"] = {
        "limits": {"cpu": 1, "memory": "1Gi"}, "requests": {"cpu": "500m", "memory": 268435456}}
    assert errors(strict, doc) == []
    doc["spec"]["template"]["spec"]["containers"][0]["resources"]["requests"]["cpu"] = 0.5
    assert errors(strict, doc) == []
    doc["spec"]["template"]["spec"]["containers"][0]["resources"]["requests"]["cpu"] = True
    assert errors(plain, doc)

    # an explicit null for optional fields is the same as leaving them out
    doc = minimal_deployment(minor)
    doc["metadata"]["namespace"] = None
    doc["metadata"]["annotations"] = None
    doc["spec"]["template"]["metadata"]["creationTimestamp"] = None
    doc["spec"]["strategy"] = None
    doc["spec"]["template"]["spec"]["containers"][0]["args"] = None
    assert errors(strict, doc) == []
    # but not for a required one
    doc["spec"]["template"]["spec"]["containers"][0]["name"] = None
    assert errors(plain, doc)
    doc = minimal_deployment(minor)
    doc["spec"]["template"]["spec"]["containers"] = None
    assert errors(plain, doc)

    # strict: unknown fields are rejected, map keys are free
    doc = minimal_deployment(minor)
    doc["spec"]["replica"] = 3
    doc["metadata"]["labels"]["any.example.com/key"] = "v"
    doc["metadata"]["annotations"] = {"whatever/you-like": "x", "another": "y"}
    assert errors(plain, doc) == []
    assert any("replica" in m for m in errors(strict, doc))
    del doc["spec"]["replica"]
    assert errors(strict, doc) == []
    doc["spec"]["template"]["spec"]["containers"][0]["imagePullPolic"] = "Always"
    assert errors(strict, doc) and not errors(plain, doc)


@pytest.mark.parametrize("minor", [f"1.{m}" for m in range(18, 38)])
def test_kubectl_dump_with_status_and_managed_fields(store, minor):
    plain = store.bundle(minor, "apps/v1", "Deployment", False)
    assert errors(plain, KUBECTL_DUMP) == []
    strict = store.bundle(minor, "apps/v1", "Deployment", True)
    if KubeVersion.parse(minor) >= KubeVersion(1, 22):
        assert errors(strict, KUBECTL_DUMP) == []
    else:  # managedFields[].subresource arrived in 1.22
        assert any("subresource" in m for m in errors(strict, KUBECTL_DUMP))
        dump = copy.deepcopy(KUBECTL_DUMP)
        del dump["metadata"]["managedFields"][1]["subresource"]
        assert errors(strict, dump) == []


def test_bundles_are_valid_2020_12_schemas(store):
    for minor in ("1.7", "1.16", "1.37"):
        bundle = store.bundle(minor, "v1", "Pod", True)
        Draft202012Validator.check_schema(bundle)
        assert bundle["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert bundle["$ref"] == "#/$defs/" + store.definition_name(minor, "v1", "Pod")
        assert _refs(bundle, set()) <= {"#/$defs/" + n for n in bundle["$defs"]}


def test_document_itself_must_be_an_object(store):
    assert errors(store.bundle("1.30", "v1", "ConfigMap", False), None)


def test_open_objects_stay_open_in_strict_mode(store):
    crd = {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": "widgets.example.com"},
        "spec": {
            "group": "example.com",
            "names": {"kind": "Widget", "plural": "widgets"},
            "scope": "Namespaced",
            "versions": [{
                "name": "v1", "served": True, "storage": True,
                "schema": {"openAPIV3Schema": {
                    "type": "object",
                    "properties": {"spec": {"type": "object", "x-kubernetes-preserve-unknown-fields": True,
                                            "default": {"any": {"nested": ["thing"]}},
                                            "properties": {"size": {"type": "integer", "default": 3}}}},
                }},
            }],
        },
    }
    for minor in ("1.16", "1.25", "1.37"):
        strict = store.bundle(minor, "apiextensions.k8s.io/v1", "CustomResourceDefinition", True)
        assert errors(strict, crd) == [], minor
        typo = copy.deepcopy(crd)
        typo["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["proprties"] = {}
        assert errors(strict, typo), minor

    revision = {"apiVersion": "apps/v1", "kind": "ControllerRevision", "metadata": {"name": "r"}, "revision": 1,
                "data": {"spec": {"template": {"anything": True}}}}
    for minor in ("1.9", "1.30"):
        assert errors(store.bundle(minor, "apps/v1", "ControllerRevision", True), revision) == [], minor


def test_a_version_is_checked_once_not_per_definition_read(monkeypatch):
    fresh = SchemaStore()
    version = KubeVersion.parse("1.30")
    fresh.definition(version, "io.k8s.api.core.v1.PodSpec")
    parses = []
    real = KubeVersion.parse
    monkeypatch.setattr(KubeVersion, "parse", lambda text: parses.append(text) or real(text))
    fresh.definition(version, "io.k8s.api.core.v1.Container")
    fresh.definition("1.30", "io.k8s.api.core.v1.Container")
    fresh.definition("1.30", "io.k8s.api.core.v1.Volume")
    assert parses == ["1.30"]  # the text form once, then remembered
    with pytest.raises(ValueError, match="not embedded"):
        fresh.definition("1.99", "io.k8s.api.core.v1.Container")
    with pytest.raises(ValueError, match="not embedded"):  # a refusal is not remembered as an answer
        fresh.definition("1.99", "io.k8s.api.core.v1.Container")
