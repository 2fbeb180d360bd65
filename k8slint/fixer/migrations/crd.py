"""CustomResourceDefinition from apiextensions.k8s.io/v1beta1 to v1.

v1 wants everything per version: the schema, the printer columns (with `jsonPath`, not `JSONPath`) and the
subresources move from spec into every entry of spec.versions (moved as text, comments included). The
scope must be explicit; the conversion webhook's settings move under spec.conversion.webhook. v1beta1
kept unknown fields unless preserveUnknownFields was false; v1 prunes them unless the schema says
x-kubernetes-preserve-unknown-fields: true, so that marker is written wherever pruning would start.

v1 also wants a structural schema: every node typed. Most v1beta1-era CRDs left types out where the rest of
the node implies one; with --unsafe-fixes the migration infers them (`type: object` for a node with
`properties` or `additionalProperties`, `type: array` for one with `items`) and keeps any value where
nothing can be inferred (`x-kubernetes-preserve-unknown-fields: true`), and says what it inferred.
"""

from __future__ import annotations

import copy

from ...crd.spec_check import v1_schema_problems
from ..render import FlowList
from . import SAFE, UNSAFE, NoFix, Proposal, api, as_dict, as_list

V1 = "apiextensions.k8s.io/v1"
PRESERVE = "x-kubernetes-preserve-unknown-fields"
OPEN_SCHEMA = {"type": "object", PRESERVE: True}


def structural_problems(schema: dict) -> list:
    """Why the API server would refuse this schema in a v1 CRD (the same check as the CRD verdict, CRD004 /
    SCH002), ignoring a missing type at the root: the fix adds it."""
    rooted = schema if "type" in schema else {"type": "object", **schema}
    return [f"{_dotted(path)}: {message}" for path, message in v1_schema_problems(rooted, ("openAPIV3Schema",))]


MAX_DEPTH = 200  # as deep as the CRD verdict walks


def inferred_types(schema: dict, path: tuple = (), depth: int = 0) -> list:
    """[(path inside the schema, keyword, value)]: what makes each untyped node below the root structural.
    The root is left alone (the migration types it `object` in any case)."""
    out: list = []
    if not isinstance(schema, dict) or depth > MAX_DEPTH:
        return out
    free = schema.get("x-kubernetes-int-or-string") is True or schema.get(PRESERVE) is True
    if path and not schema.get("type") and not free:
        if isinstance(schema.get("properties"), dict) or isinstance(schema.get("additionalProperties"), dict):
            out.append((path, "type", "object"))
        elif isinstance(schema.get("items"), dict):
            out.append((path, "type", "array"))
        else:
            out.append((path, PRESERVE, True))
    for name, sub in as_dict(schema.get("properties")).items():
        out.extend(inferred_types(sub, path + ("properties", name), depth + 1))
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            out.extend(inferred_types(schema[key], path + (key,), depth + 1))
    return out


def with_inferred_types(schema: dict) -> dict:
    """A copy of `schema` with inferred_types applied."""
    out = copy.deepcopy(schema)
    for path, key, value in inferred_types(schema):
        node = out
        for part in path:
            node = node[part]
        node[key] = value
    return out


def _inference_notes(where: str, found: list) -> list:
    by_kind: dict = {}
    for path, key, value in found:
        by_kind.setdefault(f"type: {value}" if key == "type" else f"{PRESERVE}: true", []).append(_dotted(path))
    reasons = {"type: object": "it has properties", "type: array": "it has items",
               f"{PRESERVE}: true": "nothing says what it holds: any value is kept, unvalidated"}
    notes = []
    for what, paths in by_kind.items():
        shown = ", ".join(paths[:4]) + (f" and {len(paths) - 4} more" if len(paths) > 4 else "")
        notes.append(f"{where}: inferred {what} at {shown} ({reasons[what]})")
    return notes


def _dotted(path: tuple) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else ("" if i == 0 else ".") + str(p) for i, p in enumerate(path))


def pruning_nodes(schema: dict, path: tuple = ()) -> list:
    """Paths (inside openAPIV3Schema) of the object nodes whose unknown fields v1 would prune."""
    out = []
    if not isinstance(schema, dict):
        return out
    is_object = schema.get("type") in (None, "object") and "additionalProperties" not in schema \
        and not schema.get("x-kubernetes-int-or-string")
    if is_object and (path == () or "properties" in schema) and PRESERVE not in schema:
        out.append(path)
    for name, sub in as_dict(schema.get("properties")).items():
        if path == () and name == "metadata":
            continue  # ObjectMeta is never pruned by the schema, and v1 only allows name restrictions there
        out.extend(pruning_nodes(sub, path + ("properties", name)))
    if isinstance(schema.get("items"), dict):
        out.extend(pruning_nodes(schema["items"], path + ("items",)))
    return out


def _versions(spec: dict) -> list:
    versions = spec.get("versions")
    if isinstance(versions, list) and versions:
        if not all(isinstance(v, dict) and isinstance(v.get("name"), str) for v in versions):
            raise NoFix("spec.versions has entries without a name")
        if spec.get("version") not in (None, versions[0]["name"]):
            raise NoFix("spec.version differs from the first entry of spec.versions")
        return [v["name"] for v in versions]
    if isinstance(spec.get("version"), str):
        return [spec["version"]]
    raise NoFix("the CRD has neither spec.version nor spec.versions")


@api([("apiextensions.k8s.io/v1beta1", "CustomResourceDefinition")])
def crd_v1(resource, finding, ctx):
    """CRD to v1: per-version schema, columns, subresources; scope; conversion webhook; implied types (unsafe).

    A schema that is not structural is migrated only with --unsafe-fixes, typed as its nodes imply."""
    ctx.require(V1, "CustomResourceDefinition")
    spec = resource.get(("spec",))
    if not isinstance(spec, dict):
        raise NoFix("the CRD has no spec")
    names = _versions(spec)
    shared = as_dict(spec.get("validation")).get("openAPIV3Schema") if isinstance(spec.get("validation"), dict) \
        else None
    entries = spec.get("versions") if isinstance(spec.get("versions"), list) else []
    schemas = [("spec.validation", shared)] + [(f"spec.versions[{i}].schema", v["schema"].get("openAPIV3Schema"))
                                               for i, v in enumerate(entries)
                                               if isinstance(v, dict) and isinstance(v.get("schema"), dict)]
    for where, schema in schemas:
        if schema is not None and not isinstance(schema, dict):
            raise NoFix(f"the schema in {where} is not a mapping (the API server refuses the CRD; see CRD004)")
    inferring = False  # some schema is structural only with inferred types: the migration is unsafe
    for where, schema in schemas:
        if schema is not None:
            problems = structural_problems(schema)
            if problems and not structural_problems(with_inferred_types(schema)):
                inferring = True
            elif problems:
                raise NoFix(f"the schema in {where} is not structural, which v1 requires: " + "; ".join(problems[:3]),
                            "Give every schema node a type (or x-kubernetes-int-or-string / "
                            "x-kubernetes-preserve-unknown-fields), then migrate.")
    conversion = spec.get("conversion") if isinstance(spec.get("conversion"), dict) else {}
    if conversion.get("strategy") == "Webhook" and not conversion.get("webhookClientConfig"):
        raise NoFix("spec.conversion.strategy is Webhook but there is no webhookClientConfig")
    preserve = spec.get("preserveUnknownFields", True) is not False

    def run(ed):
        notes = [f"apiVersion apiextensions.k8s.io/v1beta1 -> {V1}"]
        ed.set(("apiVersion",), V1)
        if ed.setdefault(("spec", "scope"), "Namespaced", before="versions" if ed.has(("spec", "versions")) else None):
            notes.append("pinned spec.scope: Namespaced (the v1beta1 default; v1 requires it)")
        if not ed.has(("spec", "versions")):
            ed.set(("spec", "versions"), [{"name": names[0], "served": True, "storage": True}])
            notes.append(f"spec.version: {names[0]} -> spec.versions[0] (served, storage)")
        ed.delete(("spec", "version"))
        columns = [("spec", "versions", i, "additionalPrinterColumns") for i in range(len(names))] + [
            ("spec", "additionalPrinterColumns")]
        renamed = 0
        for base in columns:
            for j, column in enumerate(as_list(ed.get(base))):
                if isinstance(column, dict) and "JSONPath" in column:
                    ed.rename(base + (j, "JSONPath"), "jsonPath")
                    renamed += 1
        if renamed:
            notes.append(f"additionalPrinterColumns: JSONPath -> jsonPath ({renamed} column(s))")
        marked = 0
        schema_roots = [("spec", "validation", "openAPIV3Schema")] + [
            ("spec", "versions", i, "schema", "openAPIV3Schema") for i in range(len(names))]
        for root in schema_roots:
            schema = ed.get(root)
            if not isinstance(schema, dict):
                continue
            found = inferred_types(schema) if inferring and structural_problems(schema) else []
            for path, key, value in found:
                node = ed.get(root + path)
                ed.set(root + path + (key,), value, before=next(iter(node), None) if key == "type" else None)
            notes.extend(_inference_notes(_dotted(root), found))
            if "type" not in schema:
                ed.set(root + ("type",), "object", before=next(iter(schema), None))
            if preserve:
                for node in pruning_nodes(ed.get(root)):
                    anchor = "properties" if "properties" in ed.get(root + node) else None
                    ed.set(root + node + (PRESERVE,), True, before=anchor)
                    marked += 1
        if marked:
            notes.append(f"{PRESERVE}: true added to {marked} schema node(s): v1beta1 kept unknown fields "
                         "(preserveUnknownFields was true or unset), v1 would prune them")
        moved = {}
        for name in ("additionalPrinterColumns", "subresources"):
            if ed.has(("spec", name)):
                moved[name] = ed.extract(("spec", name))
        schema = ed.extract(("spec", "validation", "openAPIV3Schema")) if ed.has(
            ("spec", "validation", "openAPIV3Schema")) else None
        for i, name in enumerate(names):
            if not ed.has(("spec", "versions", i, "schema", "openAPIV3Schema")):
                ed.set(("spec", "versions", i, "schema"),
                       {"openAPIV3Schema": schema if schema is not None else dict(OPEN_SCHEMA if preserve
                                                                                    else {"type": "object"})})
                notes.append(f"spec.versions[{i}] ({name}): " + (
                    "schema from spec.validation" if schema is not None else
                    "an open schema (the CRD had none; v1 requires one)"))
            for key, value in moved.items():
                if not ed.has(("spec", "versions", i, key)):
                    ed.set(("spec", "versions", i, key), value)
            if moved:
                notes.append(f"spec.versions[{i}] ({name}): {' and '.join(moved)} copied from spec")
        for key in ("validation", "additionalPrinterColumns", "subresources"):
            ed.delete(("spec", key))
        if ed.has(("spec", "preserveUnknownFields")):
            ed.delete(("spec", "preserveUnknownFields"))
            notes.append("spec.preserveUnknownFields removed (" + (
                "v1 rejects true; the schema markers keep the unknown fields)" if preserve else
                "false is what v1 does anyway)"))
        if ed.has(("spec", "conversion", "webhookClientConfig")) or ed.has(
                ("spec", "conversion", "conversionReviewVersions")):
            client = ed.extract(("spec", "conversion", "webhookClientConfig"))
            reviews = ed.extract(("spec", "conversion", "conversionReviewVersions")) if ed.has(
                ("spec", "conversion", "conversionReviewVersions")) else None
            ed.delete(("spec", "conversion", "webhookClientConfig"))
            ed.delete(("spec", "conversion", "conversionReviewVersions"))
            webhook = {"clientConfig": client}
            webhook["conversionReviewVersions"] = reviews if reviews is not None else FlowList(["v1beta1"])
            ed.set(("spec", "conversion", "webhook"), webhook)
            notes.append("spec.conversion.webhookClientConfig and conversionReviewVersions -> spec.conversion.webhook"
                         + ("" if reviews is not None else "; pinned conversionReviewVersions: [v1beta1] (the "
                            "v1beta1 default, the version the webhook is known to understand)"))
        return notes

    unsafe = ("the v1beta1 schema is not structural, which v1 requires: the migration infers the missing types "
              "(type: object where there are properties, type: array where there are items) and keeps any value "
              f"where nothing says what a node holds ({PRESERVE}: true, so it is neither validated nor pruned). "
              "Check that the inferred types are what the custom resources hold: v1 refuses the others"
              ) if inferring else ""
    return Proposal(finding.rule_id, f"migrate CustomResourceDefinition to {V1}", UNSAFE if inferring else SAFE, run,
                    unsafe_because=unsafe,
                    manual=f"Set apiVersion: {V1}; write spec.scope; turn spec.version into spec.versions; move "
                           "spec.validation.openAPIV3Schema, spec.additionalPrinterColumns (JSONPath -> jsonPath) and "
                           "spec.subresources into every spec.versions entry; replace preserveUnknownFields: true "
                           "by x-kubernetes-preserve-unknown-fields: true in the schema; move "
                           "conversion.webhookClientConfig and conversionReviewVersions under conversion.webhook.")
