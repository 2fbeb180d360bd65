"""One builder for the CustomResourceDefinitions the tests write: the schema and rules are the test's, the
rest (names, versions, apiextensions.k8s.io/v1 or v1beta1 layout) is the same everywhere."""
from __future__ import annotations

import json
import textwrap


def crd(schema, *, group: str = "acme.io", kind: str = "Thing", plural: str | None = None,
        api: str = "apiextensions.k8s.io/v1", served: str = "true", name: str | None = None,
        extra: str = "", scope: str = "Namespaced") -> str:
    """The CRD as YAML text, serving `group`/v1 `kind` with `schema` as its openAPIV3Schema: a dict, a one-line
    YAML flow mapping, or a YAML block (re-indented where the schema goes, so text a test later replaces
    keeps its columns). v1beta1 puts it under spec.validation. `extra`: lines added to the spec (indented
    two spaces), before the versions."""
    plural = plural or kind.lower() + "s"
    if api.endswith("v1beta1"):
        versions = f"  versions: [{{name: v1, served: {served}, storage: true}}]\n  validation:\n"
        where = 4
    else:
        versions = (f"  versions:\n    - name: v1\n      served: {served}\n      storage: true\n"
                    "      schema:\n")
        where = 8
    return (f"apiVersion: {api}\nkind: CustomResourceDefinition\nmetadata: {{name: {name or plural + '.' + group}}}\n"
            f"spec:\n  group: {group}\n  scope: {scope}\n  names: {{kind: {kind}, plural: {plural}}}\n"
            f"{extra}{versions}{' ' * where}openAPIV3Schema:{_placed(schema, where + 2)}")


def spec_schema(properties, rules=(), **node) -> dict:
    """An openAPIV3Schema whose `spec` object has these properties (a dict) and CEL rules (strings or
    x-kubernetes-validations entries), and any other keywords of that node."""
    spec = {"type": "object", "properties": properties, **node}
    if rules:
        spec["x-kubernetes-validations"] = [r if isinstance(r, dict) else {"rule": r} for r in rules]
    return {"type": "object", "properties": {"spec": spec}}


def custom_resource(spec: str, kind: str = "Thing", api_version: str = "acme.io/v1", name: str = "t") -> str:
    """A document of the CRD's kind (with the `---` that puts it after the CRD), `spec` in YAML flow style."""
    return f"---\napiVersion: {api_version}\nkind: {kind}\nmetadata: {{name: {name}}}\nspec: {spec}\n"


def _placed(schema, indent: int) -> str:
    if isinstance(schema, dict):
        return f" {json.dumps(schema)}\n"
    if "\n" not in schema.strip():
        return f" {schema.strip()}\n"
    return "\n" + textwrap.indent(textwrap.dedent(schema).strip("\n"), " " * indent) + "\n"
