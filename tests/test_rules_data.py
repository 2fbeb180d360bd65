"""The rule tables in rules/: valid against rules/_schema.json, internally consistent, and in agreement with the
embedded schema store (schemas/index.json), which is the judge of when a kind stopped being served."""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import jsonschema
import pytest
from referencing import Registry, Resource
from ruamel.yaml import YAML

REPO = Path(__file__).resolve().parents[1]
RULES = REPO / "rules"
SCHEMA_FILE = RULES / "_schema.json"
SCHEMAS = REPO / "schemas"
INDEX = SCHEMAS / "index.json"
SOURCES_DOC = REPO / "docs" / "sources.md"

NO_STORE = f"the embedded schema store is missing ({INDEX.relative_to(REPO)} absent; run tools/build_schemas.py)"


def _load_yaml(path: Path):
    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))


API = _load_yaml(RULES / "api-versions.yaml")
FIELDS = _load_yaml(RULES / "fields.yaml")
FILES = {"api-versions.yaml": ("apiVersionsFile", API), "fields.yaml": ("fieldsFile", FIELDS)}


def V(text: str) -> tuple:
    """'1.16' -> (1, 16), so that versions compare numerically."""
    major, minor = text.split(".")
    return int(major), int(minor)


def S(version: tuple) -> str:
    return f"{version[0]}.{version[1]}"


def _group(api_version: str) -> str:
    return api_version.rsplit("/", 1)[0] if "/" in api_version else ""


# ------------------------------------------------------------------------------------------ the store


@lru_cache(maxsize=1)
def _index() -> dict:
    return json.loads(INDEX.read_text(encoding="utf-8"))


def store_minors() -> list:
    return sorted(V(v) for v in _index()["versions"])


@lru_cache(maxsize=None)
def served(api_version: str, kind: str) -> tuple:
    """Every embedded minor whose schema has apiVersion/kind, oldest first (via SchemaStore when available)."""
    try:
        from k8slint.schemastore import SchemaStore
    except ImportError:  # the store's reader is not there: read the documented index format directly
        entries = _index()["kinds"].get(api_version, {}).get(kind, [])
        return tuple(sorted({V(m) for _name, minors in entries for m in minors}))
    return tuple(V(str(v)) for v in _store().versions_serving(api_version, kind))


@lru_cache(maxsize=1)
def _store():
    from k8slint.schemastore import SchemaStore

    return SchemaStore(SCHEMAS)


def group_in_store(group: str) -> bool:
    return any(_group(api_version) == group for api_version in _index()["kinds"])


needs_store = pytest.mark.skipif(not INDEX.exists(), reason=NO_STORE)


# ------------------------------------------------------------------------------------------ schema


@lru_cache(maxsize=1)
def _schema() -> dict:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def _validator(definition: str) -> jsonschema.Draft202012Validator:
    root = _schema()
    registry = Registry().with_resource(root["$id"], Resource.from_contents(root))
    return jsonschema.Draft202012Validator({"$ref": f"{root['$id']}#/$defs/{definition}"}, registry=registry)


def test_schema_is_a_valid_draft_2020_12_schema():
    root = _schema()
    assert root["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(root)


@pytest.mark.parametrize("name", sorted(FILES))
def test_file_matches_schema(name):
    definition, data = FILES[name]
    errors = sorted(_validator(definition).iter_errors(data), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(
        f"{name}{''.join(f'[{p!r}]' for p in e.absolute_path)}: {e.message[:300]}" for e in errors[:20])
    # and the root schema accepts each file as one of its two shapes
    jsonschema.validate(data, _schema(), cls=jsonschema.Draft202012Validator)


def test_schema_rejects_bad_records():
    api = _validator("apiVersionsFile")
    good = dict(API[0])
    assert api.is_valid([good])
    assert not api.is_valid([{**good, "removed": 1.16}]), "unquoted versions must be rejected"
    assert not api.is_valid([{**good, "id": "API1"}])
    assert not api.is_valid([{**good, "surprise": True}])
    assert not api.is_valid([{**good, "schema_note": "schema-lags", "notes": None}])
    fld = _validator("fieldsFile")
    good = dict(FIELDS[0])
    assert fld.is_valid([good])
    assert not fld.is_valid([{**good, "id": "API001"}])
    assert not fld.is_valid([{**good, "match": [{"path": "spec.x", "equals": 1, "in": [1]}]}])
    assert not fld.is_valid([{**good, "match": [{"path": "metadata.annotations", "key_in": ["a"]}]}])
    assert not fld.is_valid([{**good, "match": [{"path": "@containers[*].image"}]}])


# ------------------------------------------------------------------------------------------ consistency


@pytest.mark.parametrize("name", sorted(FILES))
def test_ids_are_unique(name):
    ids = [r["id"] for r in FILES[name][1]]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


def test_names_are_unique_across_files():
    names = [r["name"] for _d, data in FILES.values() for r in data]
    assert len(names) == len(set(names)), sorted({n for n in names if names.count(n) > 1})


def test_each_api_version_and_kind_has_one_record():
    seen = {}
    for record in API:
        for kind in record["kinds"]:
            key = (record["api_version"], kind)
            assert key not in seen, f"{key} in both {seen[key]} and {record['id']}"
            seen[key] = record["id"]


@pytest.mark.parametrize("record", API + FIELDS, ids=lambda r: r["id"])
def test_versions_are_ordered(record):
    chain = [(k, record[k]) for k in ("introduced", "deprecated", "removed") if record.get(k)]
    for (k1, v1), (k2, v2) in zip(chain, chain[1:]):
        assert V(v1) <= V(v2), f"{record['id']}: {k1} {v1} comes after {k2} {v2}"


@pytest.mark.parametrize("record", API, ids=lambda r: r["id"])
def test_api_record_is_deprecated_or_removed(record):
    assert record.get("deprecated") or record.get("removed") or record.get("never_existed"), \
        f"{record['id']} has no lifecycle event"


@pytest.mark.parametrize("record", API, ids=lambda r: r["id"])
def test_replacement_is_not_the_same_api(record):
    rep = record.get("replacement")
    if rep:
        assert rep["api_version"] != record["api_version"] or rep.get("kind") not in (None, *record["kinds"])


def test_every_source_key_is_documented():
    text = SOURCES_DOC.read_text(encoding="utf-8")
    documented = set(re.findall(r"^\|\s*`([^`]+)`", text, flags=re.M))
    used = {key for _d, data in FILES.values() for r in data for key in r["sources"]}
    assert not used - documented, f"source keys missing from docs/sources.md: {sorted(used - documented)}"


# ------------------------------------------------------------------------------------------ the store as judge


def _removal_records():
    return [r for r in API if r.get("removed")]


@needs_store
@pytest.mark.parametrize("record", API, ids=lambda r: r["id"])
def test_removal_agrees_with_schema_store(record):
    """A kind removed in R (inside the embedded range) is in the schema of R-1 and not in R, or the record
    carries a schema_note that explains the difference, and that explanation is itself true."""
    minors = store_minors()
    first, newest = minors[0], minors[-1]
    note = record.get("schema_note")
    removed = V(record["removed"]) if record.get("removed") else None
    presence = {kind: served(record["api_version"], kind) for kind in record["kinds"]}

    if removed is not None and first < removed <= newest:
        before = (removed[0], removed[1] - 1)
        agrees = all(before in vs and removed not in vs for vs in presence.values())
        if agrees:
            assert note is None, (f"{record['id']}: the store agrees with removed {record['removed']}, "
                                  f"so schema_note {note!r} is not needed")
        else:
            assert note, (f"{record['id']}: the store disagrees with removed {record['removed']} "
                          f"({ {k: [S(v) for v in vs] for k, vs in presence.items()} }) and there is no schema_note")

    if removed is not None and removed > newest:
        for kind, vs in presence.items():
            assert newest in vs, f"{record['id']}: planned removal, but {kind} is not in the {S(newest)} schema"

    if note is None:
        return
    m = re.fullmatch(r"opt-in-until-(1\.\d+)", note)
    if m:
        until = V(m.group(1))
        assert removed is not None and removed <= until, f"{record['id']}: opt-in window ends before removal"
        for kind, vs in presence.items():
            assert vs and vs[-1] == until, f"{record['id']}: {kind} last served {vs and S(vs[-1])}, note says {note}"
            assert (removed[0], removed[1] - 1) in vs, f"{record['id']}: {kind} missing just before removal"
    elif note == "missing-from-schemas":
        for kind, vs in presence.items():
            assert not vs, f"{record['id']}: {kind} is in the schemas ({S(vs[0])}-{S(vs[-1])}) despite {note}"
    elif note == "schema-lags":
        assert record.get("notes"), f"{record['id']}: schema-lags needs notes saying how"
        assert removed is not None
        before = (removed[0], removed[1] - 1)
        assert not all(before in vs and removed not in vs for vs in presence.values()), \
            f"{record['id']}: schema-lags, but the store agrees with the removal"
    else:  # pragma: no cover - the JSON schema already limits the values
        pytest.fail(f"{record['id']}: unknown schema_note {note}")


def _exempt_from_store(record: dict) -> bool:
    """Config-file and out-of-tree APIs: no schema carries their group, so neither record nor successor."""
    rep = record.get("replacement") or {}
    return (record.get("schema_note") == "missing-from-schemas"
            and not group_in_store(_group(record["api_version"]))
            and _group(rep.get("api_version", record["api_version"])) == _group(record["api_version"]))


def _replacements():
    out = []
    for record in API:
        rep = record.get("replacement")
        if rep:
            for kind in ([rep["kind"]] if rep.get("kind") else record["kinds"]):
                out.append(pytest.param(record, rep, kind, id=f"{record['id']}-{rep['api_version']}-{kind}"))
    return out


@needs_store
@pytest.mark.parametrize("record, rep, kind", _replacements())
def test_replacement_exists_in_schema_store(record, rep, kind):
    if _exempt_from_store(record):
        pytest.skip(f"{record['id']}: {_group(record['api_version'])} is not a kube-apiserver group in any schema")
    vs = served(rep["api_version"], kind)
    assert vs, f"{record['id']}: replacement {rep['api_version']} {kind} is in no embedded schema"
    first = store_minors()[0]
    since = V(rep["since"])
    expected = max(since, first)
    assert vs[0] == expected, (f"{record['id']}: replacement {rep['api_version']} {kind} says since {rep['since']}, "
                               f"the store serves it from {S(vs[0])}")


# Introduced releases the store cannot confirm, with the reason (each record explains it in `notes`).
KNOWN_INTRODUCTION_GAPS = {
    "API033": "apiextensions.k8s.io/v1beta1 exists since 1.7, the 1.7 schema does not carry the group",
    "API057": "feature-gated alpha: absent from the all-APIs OpenAPI documents until 1.21",
}


@needs_store
@pytest.mark.parametrize("record", [r for r in API if r.get("introduced")], ids=lambda r: r["id"])
def test_introduction_agrees_with_schema_store(record):
    first = store_minors()[0]
    introduced = V(record["introduced"])
    removed = V(record["removed"]) if record.get("removed") else None
    if removed is not None and removed <= first:
        return  # gone before the first embedded schema
    for kind in record["kinds"]:
        vs = served(record["api_version"], kind)
        if not vs:
            assert record.get("schema_note") == "missing-from-schemas", f"{record['id']}: {kind} in no schema"
            continue
        if vs[0] != max(introduced, first):
            assert record["id"] in KNOWN_INTRODUCTION_GAPS, (
                f"{record['id']}: introduced {record['introduced']}, the store has {kind} from {S(vs[0])}")
            assert record.get("notes"), f"{record['id']}: explain the introduction gap in notes"


def test_known_introduction_gaps_are_still_gaps():
    if not INDEX.exists():
        pytest.skip(NO_STORE)
    by_id = {r["id"]: r for r in API}
    for rid in KNOWN_INTRODUCTION_GAPS:
        record = by_id[rid]
        firsts = {served(record["api_version"], k)[0] for k in record["kinds"]}
        assert firsts != {max(V(record["introduced"]), store_minors()[0])}, f"{rid} no longer needs an exception"


@needs_store
@pytest.mark.parametrize("record", API + FIELDS, ids=lambda r: r["id"])
def test_planned_removals_say_so(record):
    newest = store_minors()[-1]
    if record.get("removed") and V(record["removed"]) > newest:
        assert "planned" in (record.get("notes") or "").lower(), f"{record['id']}: say the removal is planned"


# ------------------------------------------------------------------------------------------ field records

# Where each kind keeps its pod template (docs/rules-format.md, @podspec / @podmeta).
POD_PREFIX = {
    "Pod": (),
    "Deployment": ("spec", "template"),
    "ReplicaSet": ("spec", "template"),
    "StatefulSet": ("spec", "template"),
    "DaemonSet": ("spec", "template"),
    "Job": ("spec", "template"),
    "ReplicationController": ("spec", "template"),
    "PodTemplate": ("template",),
    "CronJob": ("spec", "jobTemplate", "spec", "template"),
}
WORKLOADS = set(POD_PREFIX)
STAR, ITEMS = object(), object()
CONFIG_KINDS = {"KubeProxyConfiguration", "KubeletConfiguration"}  # component config files, in no schema


def _segments(path: str, kind: str) -> list:
    parts = []
    for token in re.findall(r"\[\*\]|[^.\[\]]+", path):
        parts.append(ITEMS if token == "[*]" else STAR if token == "*" else token)
    head, rest = parts[0], parts[1:]
    if not (isinstance(head, str) and head.startswith("@")):
        return [parts]
    if kind not in POD_PREFIX:
        return []
    prefix = list(POD_PREFIX[kind])
    if head == "@podspec":
        return [prefix + ["spec"] + rest]
    if head == "@podmeta":
        return [prefix + ["metadata"] + rest]
    if head == "@containers":
        return [prefix + ["spec", lst, ITEMS] + rest for lst in ("containers", "initContainers", "ephemeralContainers")]
    raise AssertionError(f"unknown macro {head}")


def _walk(node, segments, key=None):
    if not segments:
        yield key, node
        return
    head, rest = segments[0], segments[1:]
    if head is ITEMS and isinstance(node, list):
        for item in node:
            yield from _walk(item, rest, key)
    elif head is STAR and isinstance(node, dict):
        for k, v in node.items():
            yield from _walk(v, rest, k)
    elif isinstance(head, str) and isinstance(node, dict) and head in node:
        yield from _walk(node[head], rest, head)


def _matches(matcher: dict, obj: dict) -> bool:
    for segments in _segments(matcher["path"], obj.get("kind")):
        for key, value in _walk(obj, segments):
            if "key_in" in matcher:
                hit = key in matcher["key_in"]
            elif "key_prefix" in matcher:
                hit = isinstance(key, str) and key.startswith(matcher["key_prefix"])
            elif "equals" in matcher:
                hit = value == matcher["equals"]
            elif "in" in matcher:
                hit = value in matcher["in"]
            else:
                hit = value is not None
            if hit:
                return True
    return False


def _kinds(record: dict) -> set | None:
    kinds = record.get("kinds")
    if not kinds:
        return None
    return (set(kinds) - {"@workloads"}) | (WORKLOADS if "@workloads" in kinds else set())


@pytest.mark.parametrize("record", FIELDS, ids=lambda r: r["id"])
def test_field_example_triggers_the_record(record):
    example = _load_yaml_text(record["docs"]["example"])
    assert isinstance(example, dict) and example.get("kind"), f"{record['id']}: example is not a manifest"
    kinds = _kinds(record)
    assert kinds is None or example["kind"] in kinds, f"{record['id']}: example kind {example['kind']} not covered"
    assert any(_matches(m, example) for m in record["match"]), f"{record['id']}: the example matches no matcher"


@needs_store
@pytest.mark.parametrize("record", FIELDS, ids=lambda r: r["id"])
def test_field_example_is_a_known_kind(record):
    example = _load_yaml_text(record["docs"]["example"])
    if example["kind"] in CONFIG_KINDS:
        return
    assert served(example["apiVersion"], example["kind"]), \
        f"{record['id']}: example {example['apiVersion']} {example['kind']} is in no embedded schema"


@pytest.mark.parametrize("record", FIELDS, ids=lambda r: r["id"])
def test_field_record_kinds_reach_its_paths(record):
    """A pod macro in a record limited to kinds without a pod template could never match."""
    kinds = _kinds(record)
    if kinds is None:
        return
    for matcher in record["match"]:
        if matcher["path"].startswith("@"):
            assert kinds & WORKLOADS, f"{record['id']}: {matcher['path']} but kinds {sorted(kinds)} have no pod"


def _load_yaml_text(text: str):
    return YAML(typ="safe", pure=True).load(text)
