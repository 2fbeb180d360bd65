#!/usr/bin/env python3
"""Build k8slint's embedded schema store (`schemas/`) from published Kubernetes schema documents.

Inputs
  --sdist PATH     a source distribution of the `kubernetes-validate` PyPI package (the .tar.gz, or a folder
                   it was extracted to). Its `kubernetes-json-schema/vX.Y.0-local/_definitions.json` files give
                   one document per Kubernetes minor; the `-local-strict` twins are only used to check our
                   strict-mode derivation. When several packages carry a minor, the newest package wins.
  --list-semantics DIR  a folder of upstream OpenAPI v3 documents, one subfolder per minor (1.23/, ...):
                   the source of x-kubernetes-list-type and -list-map-keys (see tools/list_semantics.py).
  --openapi M=PATH an upstream Kubernetes OpenAPI document for minor M: a v2 `swagger.json` (`definitions`),
                   a v3 document (`components.schemas`), or a folder of v3 documents (`api/openapi-spec/v3`),
                   which are merged. An --openapi input overrides any sdist for that minor.

Output (see schemas/README.md): index.json, versions/<minor>.json, defs/<definition>.json, removed-fields.json,
PROVENANCE.json.
The output depends only on the inputs' bytes: keys are sorted, hashes are content hashes, nothing records
a time or a local path.

Every input flavour is rewritten into one canonical schema dialect (a JSON Schema 2020-12 subset, documented
in schemas/README.md); nullability and strict mode are not stored but applied by k8slint.schemastore when it
assembles a bundle.
"""
from __future__ import annotations

import argparse
import hashlib
import io
import json
import re
import shutil
import sys
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the sibling modules below, however we are run
import list_semantics  # noqa: E402
import recovered_enums  # noqa: E402

FORMAT = 1
BUILDER = "tools/build_schemas.py"

# Canonical keywords kept from the inputs (everything else -- x-kubernetes-patch-*, list-type, unions,
# defaults, examples, group-version-kind -- is dropped: validation does not use it; list types come back
# from the --list-semantics documents, see list_semantics.py).
_KEEP_SCALAR = ("description", "format", "pattern", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
                "minLength", "maxLength", "minItems", "maxItems", "uniqueItems", "minProperties", "maxProperties",
                "multipleOf")
INT_OR_STRING = "x-kubernetes-int-or-string"
PRESERVE = "x-kubernetes-preserve-unknown-fields"
EMBEDDED = "x-kubernetes-embedded-resource"

_MINOR_DIR = re.compile(r"(?:^|/)kubernetes-json-schema/v(\d+)\.(\d+)\.0-local(-strict)?/_definitions\.json$")

NORMALISATION_NOTES = [
    "Every input is rewritten to one canonical dialect: JSON Schema 2020-12 keywords, references as "
    "'#/$defs/NAME', 'type' never lists 'null' (nullability is applied when a bundle is assembled).",
    "Kept: description, type, format, enum, required, properties, additionalProperties, items, $ref, the "
    "length/range keywords when present, x-kubernetes-preserve-unknown-fields, x-kubernetes-embedded-resource. "
    "Dropped: patch/list/map/union extensions, defaults, examples and the group-version-kind lists (the kind "
    "index holds those).",
    "A node with 'properties' and no 'type' gets type 'object' (the pre-1.14 documents omit it on structs).",
    "int-or-string (format int-or-string, x-kubernetes-int-or-string, a oneOf/anyOf of string and integer, or "
    "the IntOrString definition) becomes {type: [integer, string], format: int-or-string, "
    "x-kubernetes-int-or-string: true}.",
    "resource.Quantity becomes {type: [number, string], format: quantity}: the API server accepts 0.5 as well "
    "as '500m' on every release, whatever type the input wrote down.",
    "runtime.RawExtension becomes an open object (x-kubernetes-preserve-unknown-fields): it holds an arbitrary "
    "embedded object; the pre-1.14 documents describe its Go struct ({Raw: bytes}, required) instead.",
    "The enum constraints on apiVersion and kind of top-level kinds are dropped: schemas are looked up by "
    "apiVersion and kind already. So are the enums on condition types (the 'type' of a *Condition "
    "definition, a readiness gate's 'conditionType'): controllers and extensions add their own conditions, "
    "which the 1.23 input's enums would reject.",
    "Trailing whitespace of descriptions is removed (the 1.24 input leaves blank lines where 1.23 listed "
    "enum values).",
    "Single-entry allOf wrappers around a $ref (OpenAPI v3) are unwrapped; a $ref keeps only its sibling "
    "description.",
    "Only definitions reachable from a definition that carries x-kubernetes-group-version-kind are stored.",
    "A top-level object (apiVersion, kind and metadata properties) without x-kubernetes-group-version-kind "
    "borrows the group-version-kind its definition name carries in another minor's input (the name spells "
    "out group, version and kind, so it is the same everywhere); kinds_inferred_from_other_minors lists "
    "where that happened.",
    "A field the old inputs mark required but the API server's validation never required is not required "
    "(UNENFORCED_REQUIRED: Role and ClusterRole rules, binding subjects, webhook and APIService caBundle in "
    "1.7-1.13; Job podFailurePolicy rule onPodConditions in 1.25-1.28 and its patterns' status in 1.25-1.34; "
    "CSIDriver tokenRequests audience): "
    "an object without it is accepted, so requiring it would be a false error.",
    *recovered_enums.NOTES,
    *list_semantics.NOTES,
    "Strict mode is derived at run time: additionalProperties false on every object node that has "
    "'properties', no 'additionalProperties' and no x-kubernetes-preserve-unknown-fields. The builder checks "
    "that derivation against the inputs' '-local-strict' documents where they exist (strict_check below).",
]


# --------------------------------------------------------------------------------------------- helpers

def canonical_bytes(value) -> bytes:
    """The one serialisation used for hashing and for every file the builder writes."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


HASH_LENGTH = 10  # hex digits; a hash only has to tell apart the few variants of one definition


def content_hash(value) -> str:
    return hashlib.sha256(canonical_bytes(value)).hexdigest()[:HASH_LENGTH]


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def minor_key(text: str) -> tuple:
    major, minor = text.split(".")
    return int(major), int(minor)


def parse_minor(text: str) -> str:
    m = re.match(r"^v?(\d+)\.(\d+)(?:\.\d+)?$", text.strip())
    if not m:
        raise SystemExit(f"not a Kubernetes minor: {text!r} (expected e.g. 1.38)")
    return f"{int(m.group(1))}.{int(m.group(2))}"


def version_key(text: str) -> tuple:
    return tuple(int(p) if p.isdigit() else 0 for p in re.split(r"[.\-]", text))


def ref_name(ref: str) -> str:
    """'#/definitions/X', '#/$defs/X', '#/components/schemas/X', '/api/_definitions.json#/$defs/X' -> 'X'."""
    fragment = ref.split("#", 1)[1] if "#" in ref else ref
    return fragment.rstrip("/").rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")


def raw_definitions(document: dict) -> dict:
    """The name -> schema map of any supported input flavour."""
    if isinstance(document.get("components"), dict) and isinstance(document["components"].get("schemas"), dict):
        return document["components"]["schemas"]
    if isinstance(document.get("$defs"), dict):
        return document["$defs"]
    if isinstance(document.get("definitions"), dict):
        return document["definitions"]
    raise ValueError("no definitions found (expected 'definitions', '$defs' or 'components.schemas')")


def api_version_of(gvk: dict) -> str:
    group = gvk.get("group") or ""
    return f"{group}/{gvk['version']}" if group else gvk["version"]


# ------------------------------------------------------------------------------------- normalisation

def _is_quantity(name: str) -> bool:
    return name.endswith(".api.resource.Quantity")


def _is_int_or_string_def(name: str) -> bool:
    return name.endswith(".util.intstr.IntOrString")


def _is_raw_extension(name: str) -> bool:
    return name.endswith(".pkg.runtime.RawExtension")


def _types_of(node: dict) -> list:
    t = node.get("type")
    if t is None:
        return []
    return [t] if isinstance(t, str) else list(t)


def _alternatives_types(alts) -> set | None:
    """The set of plain types of a oneOf/anyOf whose entries are bare type checks, else None."""
    if not isinstance(alts, list) or not alts:
        return None
    out = set()
    for alt in alts:
        if not isinstance(alt, dict) or set(alt) - {"type", "format", "description"}:
            return None
        types = [t for t in _types_of(alt) if t != "null"]
        if not types:
            return None
        out.update(types)
    return out


def _int_or_string(description: str | None) -> dict:
    out = {"type": ["integer", "string"], "format": "int-or-string", INT_OR_STRING: True}
    if description:
        out["description"] = description
    return out


def normalise_node(node) -> dict:
    """One schema node of any input flavour -> the canonical dialect."""
    if node is True or node is None:
        return {}
    if node is False:
        return {"not": {}}
    if not isinstance(node, dict):
        raise ValueError(f"unexpected schema node {node!r}")
    node = dict(node)
    description = node.get("description")

    # OpenAPI v3 wraps referenced types: {"allOf": [{"$ref": ...}], "default": {}, "description": ...}
    all_of = node.get("allOf")
    if isinstance(all_of, list) and len(all_of) == 1 and isinstance(all_of[0], dict):
        inner = dict(all_of[0])
        del node["allOf"]
        for k, v in node.items():
            if k not in inner or k == "description":
                inner[k] = v
        node = inner
        description = node.get("description")

    if isinstance(description, str):
        description = description.rstrip()
    if "$ref" in node:
        out = {"$ref": "#/$defs/" + ref_name(node["$ref"])}
        if description:
            out["description"] = description
        return out

    alts = node.get("oneOf", node.get("anyOf"))
    alt_types = _alternatives_types(alts)
    if (node.get("format") == "int-or-string" or node.get(INT_OR_STRING) is True
            or alt_types == {"string", "integer"}):
        return _int_or_string(description)
    if alt_types == {"string", "number"} or alt_types == {"string", "integer", "number"}:
        out = {"type": ["number", "string"]}
        if description:
            out["description"] = description
        return out

    out: dict = {}
    for key in _KEEP_SCALAR:
        if key in node and node[key] is not None and node[key] != "":
            out[key] = node[key]
    if isinstance(out.get("description"), str):
        out["description"] = out["description"].rstrip()
        if not out["description"]:
            del out["description"]
    types = [t for t in _types_of(node) if t != "null"]
    if "enum" in node and isinstance(node["enum"], list):
        values = [v for v in node["enum"] if v is not None]
        if values:
            out["enum"] = values
    if isinstance(node.get("required"), list) and node["required"]:
        out["required"] = sorted(set(node["required"]))
    if isinstance(node.get("properties"), dict):
        out["properties"] = {k: normalise_node(v) for k, v in node["properties"].items()}
        if not types:
            types = ["object"]
    if "additionalProperties" in node:
        ap = node["additionalProperties"]
        if isinstance(ap, bool):
            out["additionalProperties"] = ap
        elif isinstance(ap, dict):
            out["additionalProperties"] = normalise_node(ap)
        if not types:
            types = ["object"]
    if "items" in node:
        items = node["items"]
        if isinstance(items, list):  # draft-4 tuple form: not used by Kubernetes, keep the first schema
            items = items[0] if items else {}
        out["items"] = normalise_node(items)
        if not types:
            types = ["array"]
    for ext in (PRESERVE, EMBEDDED):
        if node.get(ext) is True:
            out[ext] = True
    if alts is not None and alt_types is None:  # a real union: keep it, normalised
        out["anyOf" if "anyOf" in node else "oneOf"] = [normalise_node(a) for a in alts]
    if types:
        types = sorted(set(types))
        out["type"] = types[0] if len(types) == 1 else types
    return out


# Fields old inputs mark required (Go fields without omitempty) that the API server never asked for: its
# validation accepts the object without them, so requiring them would be a false error. (definition name
# ending, field) -> why; matched on the name's last segments so every rbac/admission version is covered.
UNENFORCED_REQUIRED = {
    (".Role", "rules"): "an empty Role is valid (ValidateRole only checks the rules given); 1.14 dropped the "
                        "marker",
    (".ClusterRole", "rules"): "an aggregated ClusterRole has no rules of its own; 1.14 dropped the marker",
    (".RoleBinding", "subjects"): "a binding without subjects is valid; 1.11 dropped the marker",
    (".ClusterRoleBinding", "subjects"): "a binding without subjects is valid; 1.11 dropped the marker",
    (".WebhookClientConfig", "caBundle"): "without a caBundle the API server uses the system trust roots; "
                                          "validation never required it and 1.13 dropped the marker",
    (".AdmissionHookClientConfig", "caBundle"): "as WebhookClientConfig.caBundle (its 1.7/1.8 name)",
    (".APIServiceSpec", "caBundle"): "an APIService with insecureSkipTLSVerify needs none; 1.11 dropped the "
                                     "marker",
    (".PodFailurePolicyRule", "onPodConditions"): "a rule needs onExitCodes or onPodConditions, not both "
                                                  "(validatePodFailurePolicyRule); 1.29 dropped the marker",
    (".PodFailurePolicyOnPodConditionsPattern", "status"): "defaulted to True before validation "
                                                           "(SetDefaults_PodFailurePolicyOnPodConditionsPattern); "
                                                           "1.35 dropped the marker",
    (".TokenRequest", "audience"): "CSIDriver tokenRequests: an empty audience means the API server's own "
                                   "audiences (validateTokenRequests allows one such request)",
}


def _drop_unenforced_required(name: str, out: dict) -> None:
    required = out.get("required")
    if not required:
        return
    keep = [f for f in required if not any(name.endswith(end) and f == field
                                           for end, field in UNENFORCED_REQUIRED)]
    if len(keep) != len(required):
        if keep:
            out["required"] = keep
        else:
            del out["required"]


def normalise_definition(name: str, raw: dict) -> dict:
    """A whole definition: the node rules plus the per-name special cases."""
    description = raw.get("description") if isinstance(raw, dict) else None
    if _is_quantity(name):
        out = {"type": ["number", "string"], "format": "quantity"}
    elif _is_int_or_string_def(name):
        out = _int_or_string(None)
    elif _is_raw_extension(name):
        out = {"type": "object", PRESERVE: True}
    else:
        out = normalise_node(raw)
        props = out.get("properties") or {}
        open_ended = ["conditionType"]  # names of conditions: readiness gates may name any condition
        if raw.get("x-kubernetes-group-version-kind"):
            open_ended += ["apiVersion", "kind"]
        if name.endswith("Condition"):
            open_ended.append("type")  # controllers and extensions add their own condition types
        for prop in open_ended:
            if isinstance(props.get(prop), dict):
                props[prop].pop("enum", None)
        _drop_unenforced_required(name, out)
        return out
    if isinstance(description, str) and description.rstrip():
        out["description"] = description.rstrip()
    return out


def refs_of(node, found: set) -> set:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            found.add(ref_name(ref))
        for k, v in node.items():
            if k in ("description", "enum", "required"):
                continue
            refs_of(v, found)
    elif isinstance(node, list):
        for v in node:
            refs_of(v, found)
    return found


def strict_marks(node, path: str, out: set, *, derived: bool) -> set:
    """JSON pointers of the object nodes that carry (or, derived=True, would get) additionalProperties false."""
    if not isinstance(node, dict):
        return out
    if derived:
        if "properties" in node and "additionalProperties" not in node and node.get(PRESERVE) is not True:
            out.add(path)
    elif node.get("additionalProperties") is False:
        out.add(path)
    for key in ("properties",):
        for k, v in (node.get(key) or {}).items():
            strict_marks(v, f"{path}/{key}/{k}", out, derived=derived)
    for key in ("additionalProperties", "items"):
        if isinstance(node.get(key), dict):
            strict_marks(node[key], f"{path}/{key}", out, derived=derived)
    for key in ("allOf", "anyOf", "oneOf"):
        for i, v in enumerate(node.get(key) or []):
            strict_marks(v, f"{path}/{key}/{i}", out, derived=derived)
    return out


# ------------------------------------------------------------------------------------------- inputs

@dataclass
class Source:
    label: str  # "kubernetes-validate 1.37.0" or "openapi-v2 swagger.json"
    kind: str  # sdist | openapi-v2 | openapi-v3
    package: str | None
    version: str | None
    file: str  # base name of the input
    sha256: str
    documents: dict = field(default_factory=dict)  # minor -> raw bytes (non-strict)
    strict_documents: dict = field(default_factory=dict)  # minor -> raw bytes (-local-strict)
    used_for: list = field(default_factory=list)


def _pkg_info(text: str) -> tuple:
    name = version = None
    for line in text.splitlines():
        if line.startswith("Name:") and name is None:
            name = line.split(":", 1)[1].strip()
        elif line.startswith("Version:") and version is None:
            version = line.split(":", 1)[1].strip()
        elif not line.strip():
            break
    return name, version


def read_sdist(path: Path) -> Source:
    documents: dict = {}
    strict: dict = {}
    pkg_info = None
    if path.is_dir():
        digest = hashlib.sha256()
        for file in sorted(path.rglob("_definitions.json")):
            rel = file.relative_to(path).as_posix()
            m = _MINOR_DIR.search(rel)
            if m:
                data = file.read_bytes()
                digest.update(rel.encode() + b"\0" + hashlib.sha256(data).digest())
                (strict if m.group(3) else documents)[f"{int(m.group(1))}.{int(m.group(2))}"] = data
        info = path / "PKG-INFO"
        pkg_info = info.read_text(encoding="utf-8") if info.is_file() else None
        sha = "tree:" + digest.hexdigest()
    else:
        blob = path.read_bytes()
        sha = sha256_bytes(blob)
        with tarfile.open(fileobj=io.BytesIO(blob), mode="r:*") as tar:
            for member in tar:
                if not member.isfile():
                    continue
                parts = member.name.split("/")
                if len(parts) == 2 and parts[1] == "PKG-INFO":
                    pkg_info = tar.extractfile(member).read().decode("utf-8")
                    continue
                m = _MINOR_DIR.search(member.name)
                if m:
                    data = tar.extractfile(member).read()
                    (strict if m.group(3) else documents)[f"{int(m.group(1))}.{int(m.group(2))}"] = data
    name, version = _pkg_info(pkg_info) if pkg_info else (None, None)
    if not version:
        m = re.search(r"-(\d+(?:\.\d+)+)(?:\.tar\.gz|\.tgz|\.zip)?$", path.name)
        version = m.group(1) if m else "unknown"
    name = name or "kubernetes-validate"
    if not documents:
        raise SystemExit(f"{path}: no kubernetes-json-schema/vX.Y.0-local/_definitions.json inside")
    return Source(label=f"{name} {version}", kind="sdist", package=name, version=version, file=path.name,
                  sha256=sha, documents=documents, strict_documents=strict)


def read_openapi(minor: str, path: Path) -> Source:
    """An upstream document: swagger.json (v2), one v3 document, or a folder of v3 documents merged."""
    if path.is_dir():
        files = sorted(p for p in path.rglob("*.json") if p.is_file())
        if not files:
            raise SystemExit(f"{path}: no .json files")
        merged: dict = {}
        digest = hashlib.sha256()
        for file in files:
            data = file.read_bytes()
            digest.update(file.relative_to(path).as_posix().encode() + b"\0" + hashlib.sha256(data).digest())
            doc = json.loads(data)
            try:
                defs = raw_definitions(doc)
            except ValueError:
                continue
            for name, schema in defs.items():
                if name in merged and merged[name] != schema:
                    # the same type published by several group-versions: keep the richer description
                    if len(canonical_bytes(schema)) <= len(canonical_bytes(merged[name])):
                        continue
                merged[name] = schema
        body = canonical_bytes({"components": {"schemas": merged}})
        return Source(label=f"openapi-v3 {path.name}/", kind="openapi-v3", package=None, version=None,
                      file=path.name + "/", sha256="tree:" + digest.hexdigest(), documents={minor: body})
    data = path.read_bytes()
    doc = json.loads(data)
    kind = "openapi-v3" if "components" in doc or str(doc.get("openapi", "")).startswith("3") else "openapi-v2"
    return Source(label=f"{kind} {path.name}", kind=kind, package=None, version=None, file=path.name,
                  sha256=sha256_bytes(data), documents={minor: data})


# ------------------------------------------------------------------------------------------- build

@dataclass
class MinorData:
    minor: str
    source: Source
    defs: dict  # name -> canonical definition (reachable ones only)
    kinds: dict  # (apiVersion, kind) -> definition name
    dropped: int  # unreachable definitions left out
    inferred: list = field(default_factory=list)  # definitions whose group-version-kind came from other minors


def _gvks(definition) -> list:
    out = []
    for gvk in (definition.get("x-kubernetes-group-version-kind") or []) if isinstance(definition, dict) else []:
        if isinstance(gvk, dict) and gvk.get("kind") and gvk.get("version"):
            out.append((api_version_of(gvk), gvk["kind"]))
    return out


def _looks_like_kind(definition) -> bool:
    props = definition.get("properties") if isinstance(definition, dict) else None
    return isinstance(props, dict) and {"apiVersion", "kind", "metadata"} <= set(props)


def load_minor(minor: str, source: Source, known_gvks: dict | None = None) -> MinorData:
    """One minor's reachable canonical definitions and its kind index.

    known_gvks (definition name -> [(apiVersion, kind)], from the other minors' inputs) fills in the
    group-version-kind of a top-level object whose input forgot it: 1.7-1.10 publish APIService and
    CustomResourceDefinition without one.
    """
    raw = raw_definitions(json.loads(source.documents[minor]))
    kinds: dict = {}
    inferred: list = []
    for name in sorted(raw):
        pairs = _gvks(raw[name])
        if not pairs and known_gvks and name in known_gvks and _looks_like_kind(raw[name]):
            pairs = known_gvks[name]
            inferred.append(name)
        for key in pairs:
            if key in kinds and kinds[key] != name:
                print(f"warning: {minor}: {key} is claimed by {kinds[key]} and {name}; keeping the first",
                      file=sys.stderr)
                continue
            kinds[key] = name
    canonical: dict = {}
    todo = sorted(set(kinds.values()))
    while todo:
        name = todo.pop()
        if name in canonical:
            continue
        if name not in raw:
            print(f"warning: {minor}: reference to missing definition {name}; it validates as 'anything'",
                  file=sys.stderr)
            canonical[name] = {}
            continue
        canonical[name] = normalise_definition(name, raw[name])
        todo.extend(sorted(refs_of(canonical[name], set()) - set(canonical)))
    return MinorData(minor=minor, source=source, defs=canonical, kinds=kinds,
                     dropped=len(set(raw) - set(canonical)), inferred=inferred)


def check_strict(data: MinorData) -> dict:
    """Compare our derived strict marks with the input's -local-strict document, definition by definition."""
    strict_raw = raw_definitions(json.loads(data.source.strict_documents[data.minor]))
    plain_raw = raw_definitions(json.loads(data.source.documents[data.minor]))
    only_input, only_ours = [], []
    agree = 0
    for name in sorted(data.defs):
        if name not in strict_raw:
            continue
        theirs = strict_marks(strict_raw[name], "", set(), derived=False) - strict_marks(
            plain_raw.get(name, {}), "", set(), derived=False)
        ours = strict_marks(data.defs[name], "", set(), derived=True)
        agree += len(theirs & ours)
        only_input += [f"{name}{p}" for p in sorted(theirs - ours)]
        only_ours += [f"{name}{p}" for p in sorted(ours - theirs)]
    return {"agree": agree, "only_input": only_input, "only_derived": only_ours}


def build(sources: list, overrides: dict, out: Path, check: bool = True, lists: dict | None = None) -> dict:
    """lists: list_semantics.read_folder() of the --list-semantics folder, or None."""
    # which source serves each minor: an explicit --openapi, else the newest package that carries it
    chosen: dict = {}
    for source in sorted(sources, key=lambda s: version_key(s.version or "0")):
        for minor in source.documents:
            chosen[minor] = source
    chosen.update(overrides)
    if not chosen:
        raise SystemExit("no inputs")
    minors = sorted(chosen, key=minor_key)

    # group-version-kinds by definition name over every input used (newest minor's wins)
    known_gvks: dict = {}
    for minor in sorted(minors, key=minor_key, reverse=True):
        for name, definition in raw_definitions(json.loads(chosen[minor].documents[minor])).items():
            if name not in known_gvks and _gvks(definition):
                known_gvks[name] = _gvks(definition)

    variants: dict = {}  # name -> {hash: definition}
    version_maps: dict = {}  # minor -> {name: hash}
    kinds_index: dict = {}  # apiVersion -> kind -> {definition name: [minors]}
    strict_report: dict = {}
    dropped: dict = {}
    inferred: dict = {}
    # the enums of recovered_enums.DONOR_MINOR's input, carried to the other minors (earlier ones too)
    donor_minor = recovered_enums.DONOR_MINOR
    donor_enums = (recovered_enums.enums_of(load_minor(donor_minor, chosen[donor_minor], known_gvks).defs)
                   if donor_minor in chosen else None)
    enum_counts: dict = {}
    enum_entries_used: set = set()
    list_sources: dict = {}  # minor -> the v3 minor its list semantics come from
    list_counts: dict = {}
    for minor in minors:
        source = chosen[minor]
        data = load_minor(minor, source, known_gvks)
        count = recovered_enums.apply(minor, data.defs, donor_enums, enum_entries_used)
        if count:
            enum_counts[minor] = count
        list_from = list_semantics.source_for(minor, list(lists or {}))
        if list_from is not None:
            list_sources[minor] = list_from
            list_counts[minor] = list_semantics.apply(data.defs, lists[list_from]["semantics"])
        source.used_for.append(minor)
        dropped[minor] = data.dropped
        if data.inferred:
            inferred[minor] = data.inferred
        mapping = {}
        for name, definition in data.defs.items():
            h = content_hash(definition)
            known = variants.setdefault(name, {})
            if h in known and known[h] != definition:
                raise SystemExit(f"hash collision on {name} ({h}): raise HASH_LENGTH")
            known[h] = definition
            mapping[name] = h
        version_maps[minor] = dict(sorted(mapping.items()))
        for (api_version, kind), name in data.kinds.items():
            kinds_index.setdefault(api_version, {}).setdefault(kind, {}).setdefault(name, []).append(minor)
        if check and minor in source.strict_documents:
            strict_report[minor] = check_strict(data)
        print(f"{minor}: {len(data.defs)} definitions, {len(data.kinds)} kinds from {source.label}",
              file=sys.stderr)

    lower = {}
    for name in variants:
        if name.lower() in lower:
            raise SystemExit(f"definition names {name} and {lower[name.lower()]} differ only by case")
        lower[name.lower()] = name

    # write
    out.mkdir(parents=True, exist_ok=True)
    for sub in ("defs", "versions"):
        if (out / sub).exists():
            shutil.rmtree(out / sub)
        (out / sub).mkdir()
    for name, by_hash in sorted(variants.items()):
        (out / "defs" / f"{name}.json").write_bytes(canonical_bytes(by_hash) + b"\n")
    for minor, mapping in version_maps.items():
        (out / "versions" / f"{minor}.json").write_bytes(canonical_bytes(mapping) + b"\n")
    index = {
        "format": FORMAT,
        "versions": minors,
        "kinds": {
            av: {kind: [[name, sorted(vs, key=minor_key)] for name, vs in sorted(by_name.items())]
                 for kind, by_name in sorted(kinds.items())}
            for av, kinds in sorted(kinds_index.items())
        },
    }
    (out / "index.json").write_bytes(canonical_bytes(index) + b"\n")
    # derived from what was just written: the fields a minor removed that earlier minors knew (SCH002 reports
    # them without --strict); k8slint's own code derives them so that a test can check the committed table
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from k8slint.removedfields import FILE as REMOVED_FIELDS, derive as removed_fields
    from k8slint.schemastore import SchemaStore
    (out / REMOVED_FIELDS).write_bytes(canonical_bytes(removed_fields(SchemaStore(out))) + b"\n")

    def by_minor(mapping: dict) -> dict:
        return {m: mapping[m] for m in sorted(mapping, key=minor_key)}

    strict_summary = by_minor({
        minor: {"agree": rep["agree"], "only_in_input": rep["only_input"], "only_derived": rep["only_derived"]}
        for minor, rep in strict_report.items()
    })
    all_sources = sources + [o for o in overrides.values() if o not in sources]
    provenance = {
        "format": FORMAT,
        "builder": BUILDER,
        "license": "The schema data is derived from the Kubernetes OpenAPI specifications (Apache-2.0), as "
                   "republished in the inputs listed here.",
        "inputs": [
            {
                "kind": s.kind,
                "package": s.package,
                "version": s.version,
                "file": s.file,
                "sha256": s.sha256,
                "minors_available": sorted(s.documents, key=minor_key),
                "minors_used": sorted(s.used_for, key=minor_key),
            }
            for s in sorted(all_sources, key=lambda s: (s.kind, version_key(s.version or "0"), s.file))
        ],
        "minors": {m: chosen[m].label for m in minors},
        "normalisations": NORMALISATION_NOTES,
        "strict_check": strict_summary,
        "kinds_inferred_from_other_minors": by_minor(inferred),
        "list_semantics": {
            "inputs": {m: {"sha256": v["sha256"], "files": v["files"]} for m, v in (lists or {}).items()},
            "source_of_each_minor": by_minor(list_sources),
            "lists_marked": by_minor(list_counts),
        },
        "enum_recovery": {**recovered_enums.table_summary(), "fields_with_enum": by_minor(enum_counts),
                          "unused_table_entries": recovered_enums.unused_entries(enum_entries_used)},
        "unreachable_definitions_dropped": by_minor(dropped),
    }
    # key order is fixed by the code above (not sorted), so the file reads top-down; it is still deterministic
    (out / "PROVENANCE.json").write_bytes(
        json.dumps(provenance, indent=1, ensure_ascii=False).encode("utf-8") + b"\n")
    stats = {
        "versions": len(minors),
        "definition_names": len(variants),
        "variants": sum(len(v) for v in variants.values()),
        "bytes": sum(p.stat().st_size for p in out.rglob("*") if p.is_file()),
    }
    print(f"wrote {out}: {stats}", file=sys.stderr)
    if enum_counts and provenance["enum_recovery"]["unused_table_entries"]:
        print(f"warning: enum table entries that matched nothing: "
              f"{provenance['enum_recovery']['unused_table_entries']}", file=sys.stderr)
    for minor, rep in strict_summary.items():
        if rep["only_in_input"] or rep["only_derived"]:
            print(f"strict check {minor}: {rep['agree']} agree; input only: {rep['only_in_input']}; "
                  f"derived only: {rep['only_derived']}", file=sys.stderr)
    return stats


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sdist", action="append", default=[], type=Path, metavar="PATH",
                        help="a kubernetes-validate sdist (.tar.gz or extracted folder); repeatable")
    parser.add_argument("--openapi", action="append", default=[], metavar="MINOR=PATH",
                        help="an upstream OpenAPI v2 swagger.json, v3 document or v3 folder for MINOR; repeatable")
    parser.add_argument("--list-semantics", type=Path, metavar="DIR",
                        help="folder of OpenAPI v3 documents, one subfolder per minor: list types and map keys")
    parser.add_argument("--out", type=Path, required=True, help="the schemas/ folder to (re)generate")
    parser.add_argument("--no-strict-check", action="store_true",
                        help="skip comparing the strict derivation with the inputs' -local-strict documents")
    args = parser.parse_args(argv)
    sources = [read_sdist(p) for p in args.sdist]
    overrides = {}
    for spec in args.openapi:
        if "=" not in spec:
            parser.error(f"--openapi expects MINOR=PATH, got {spec!r}")
        minor, path = spec.split("=", 1)
        minor = parse_minor(minor)
        overrides[minor] = read_openapi(minor, Path(path))
    lists = list_semantics.read_folder(args.list_semantics) if args.list_semantics else None
    build(sources, overrides, args.out, check=not args.no_strict_check, lists=lists)
    return 0


if __name__ == "__main__":
    sys.exit(main())
