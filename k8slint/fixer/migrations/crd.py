"""CustomResourceDefinition from apiextensions.k8s.io/v1beta1 to v1.

v1 wants everything per version: the schema, the printer columns (with `jsonPath`, not `JSONPath`) and the
subresources move from spec into every entry of spec.versions (moved as text, comments included). The
scope must be explicit; the conversion webhook's settings move under spec.conversion.webhook. v1beta1
kept unknown fields unless preserveUnknownFields was false; v1 prunes them unless the schema says
x-kubernetes-preserve-unknown-fields: true, so that marker is written wherever pruning would start.
"""
from __future__ import annotations

from ...crd.spec_check import v1_schema_problems
from ..render import FlowList
from . import SAFE, NoFix, Proposal, api, as_dict, as_list

V1 = "apiextensions.k8s.io/v1"
PRESERVE = "x-kubernetes-preserve-unknown-fields"
OPEN_SCHEMA = {"type": "object", PRESERVE: True}


def structural_problems(schema: dict) -> list:
    """Why the API server would refuse this schema in a v1 CRD (the same check as the CRD verdict, CRD004 /
    SCH002), ignoring a missing type at the root: the fix adds it."""
    rooted = schema if "type" in schema else {"type": "object", **schema}
    return [f"{_dotted(path)}: {message}" for path, message in v1_schema_problems(rooted, ("openAPIV3Schema",))]


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
    """CRD to v1: per-version schema, printer columns and subresources; explicit scope; conversion webhook."""
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
    for where, schema in schemas:
        if schema is not None:
            problems = structural_problems(schema)
            if problems:
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

    return Proposal(finding.rule_id, f"migrate CustomResourceDefinition to {V1}", SAFE, run,
                    manual=f"Set apiVersion: {V1}; write spec.scope; turn spec.version into spec.versions; move "
                           "spec.validation.openAPIV3Schema, spec.additionalPrinterColumns (JSONPath -> jsonPath) and "
                           "spec.subresources into every spec.versions entry; replace preserveUnknownFields: true "
                           "by x-kubernetes-preserve-unknown-fields: true in the schema; move "
                           "conversion.webhookClientConfig and conversionReviewVersions under conversion.webhook.")
