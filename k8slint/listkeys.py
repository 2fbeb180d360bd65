"""Duplicate keys in the lists of built-in kinds that the OpenAPI schema declares `x-kubernetes-list-type: map`
(SCH007) or `set` (SCH008).

A plain create (and client-side `kubectl apply`) accepts two env entries with one name, or two container ports
with one containerPort/protocol: the API server keeps both (recent releases answer with a warning). Server-side
apply (`kubectl apply --server-side`, Flux, Argo CD with server-side apply) builds a typed object keyed by
the list's map keys first, and fails on the duplicate. Key fields the request leaves out are compared with
their default filled in (`protocol` of a port defaults to TCP), as server-side apply does.

The list semantics come from the embedded schemas (schemas/README.md): from 1.23 on. For each kind, the
paths from the root to its keyed lists are compiled once into a small plan, and an object is walked along
that plan only. Uniqueness that the API server's own validation enforces (container, volume and mount
names, Service ports, ...) is an error of the API-server checks, not a warning here; `status` is never
looked at (what the server stored is not applied back).
"""
from __future__ import annotations

import json

from .model import Resource, Severity, finding_at, format_json_path
from .schemastore import SchemaStore, default_store
from .versions import KubeVersion

DUPLICATE_MAP_KEY = "SCH007"
DUPLICATE_SET_VALUE = "SCH008"
RULE_SEVERITY = {DUPLICATE_MAP_KEY: Severity.WARNING, DUPLICATE_SET_VALUE: Severity.WARNING}

_LIST_TYPE = "x-kubernetes-list-type"
_MAP_KEYS = "x-kubernetes-list-map-keys"
_KEY_DEFAULTS = "x-k8slint-list-map-key-defaults"
_DEFS = "#/$defs/"

SSA = "server-side apply (kubectl apply --server-side, Flux, Argo CD with server-side apply)"

_CORE = "io.k8s.api.core.v1."
_ADMISSION = "io.k8s.api.admissionregistration."
# Keyed lists whose duplicates the API server's validation refuses on every create (`Duplicate value`,
# `must be unique`): those are errors, reported by the API-server checks, not SSA warnings.
ENFORCED_BY_VALIDATION = frozenset({
    (_CORE + "PodSpec", "containers"), (_CORE + "PodSpec", "initContainers"),
    (_CORE + "PodSpec", "ephemeralContainers"), (_CORE + "PodSpec", "volumes"),
    (_CORE + "PodSpec", "topologySpreadConstraints"), (_CORE + "PodSpec", "schedulingGates"),
    (_CORE + "PodSpec", "resourceClaims"), (_CORE + "ResourceRequirements", "claims"),
    (_CORE + "Container", "volumeMounts"), (_CORE + "EphemeralContainer", "volumeMounts"),
    (_CORE + "Container", "volumeDevices"), (_CORE + "EphemeralContainer", "volumeDevices"),
    (_CORE + "ServiceSpec", "ports"), ("io.k8s.api.batch.v1.PodFailurePolicyOnExitCodesRequirement", "values"),
    *((_ADMISSION + v + "." + d, p) for v in ("v1", "v1beta1", "v1alpha1")
      for d, p in (("MutatingWebhookConfiguration", "webhooks"), ("ValidatingWebhookConfiguration", "webhooks"),
                   ("MutatingWebhook", "matchConditions"), ("ValidatingWebhook", "matchConditions"),
                   ("ValidatingAdmissionPolicySpec", "matchConditions"),
                   ("ValidatingAdmissionPolicySpec", "variables"),
                   ("ValidatingAdmissionPolicyBindingSpec", "validationActions"))),
})


_PY_TYPES = {"string": str, "integer": int, "number": (int, float)}

# Lists whose duplicates recent API servers answer with a warning on create (pod spec warnings).
WARNED_ON_CREATE = frozenset((_CORE + d, p) for d in ("Container", "EphemeralContainer") for p in ("env", "ports"))


class _Plan:
    """Where keyed lists are below one schema node: props / items / values (map entries) / the list itself."""

    __slots__ = ("props", "items", "values", "keyed")  # keyed: (list type, keys, key defaults, warned on create)

    def __init__(self):
        self.props: dict = {}
        self.items = None
        self.values = None
        self.keyed = None  # set when this node is a keyed list

    def __bool__(self) -> bool:
        return bool(self.props) or self.items is not None or self.values is not None or self.keyed is not None


class ListKeyChecker:
    """Finds duplicate keys in the keyed lists of built-in objects, for one Kubernetes version."""

    def __init__(self, version: KubeVersion, store: SchemaStore | None = None):
        self.version = version
        self.store = store or default_store()
        self._plans: dict = {}  # (apiVersion, kind) -> _Plan or None
        self._by_def: dict = {}  # definition name -> _Plan (possibly still being built)
        self._building: set = set()

    def check(self, resource: Resource) -> list:
        plan = self._plan(resource.api_version, resource.kind)
        if plan is None or not isinstance(resource.data, dict):
            return []
        out: list = []
        for key, child in plan.props.items():
            if key != "status" and key in resource.data:
                self._walk(resource, child, resource.data[key], (key,), out)
        return out

    # ------------------------------------------------------------------------------------ plans

    def _plan(self, api_version, kind):
        key = (api_version, kind)
        if key not in self._plans:
            plan = None
            if isinstance(api_version, str) and isinstance(kind, str):
                try:
                    root = self.store.definition_name(self.version, api_version, kind)
                except ValueError:
                    root = None
                if root is not None:
                    plan = self._definition(root) or None
            self._plans[key] = plan
        return self._plans[key]

    def _definition(self, name: str) -> _Plan:
        plan = self._by_def.get(name)
        if plan is not None:
            return plan
        plan = self._by_def[name] = _Plan()
        self._building.add(name)
        try:
            definition = self.store.definition(self.version, name, shared=True)  # only read
        except KeyError:
            definition = {}
        built = self._node(definition, name, None)
        self._building.discard(name)
        if built is not None:
            plan.props, plan.items, plan.values, plan.keyed = built.props, built.items, built.values, built.keyed
        return plan

    def _node(self, node: dict, owner: str, prop: str | None):
        """The plan of one schema node inside definition `owner` (prop: the property it is the value of)."""
        if not isinstance(node, dict):
            return None
        ref = node.get("$ref")
        if isinstance(ref, str):
            target = ref[len(_DEFS):] if ref.startswith(_DEFS) else ref.rsplit("/", 1)[-1]
            plan = self._definition(target)
            return plan if plan or target in self._building else None  # a cycle fills in later
        plan = _Plan()
        for key, child in (node.get("properties") or {}).items():
            sub = self._node(child, owner, key)
            if sub is not None:
                plan.props[key] = sub
        if isinstance(node.get("items"), dict):
            plan.items = self._node(node["items"], owner, None)
        if isinstance(node.get("additionalProperties"), dict):
            plan.values = self._node(node["additionalProperties"], owner, None)
        list_type = node.get(_LIST_TYPE)
        if list_type in ("map", "set") and (owner, prop) not in ENFORCED_BY_VALIDATION:
            keys = tuple(node.get(_MAP_KEYS) or ())
            if list_type == "set":  # a value of the wrong type is a schema error, not a duplicate
                item_type = (node.get("items") or {}).get("type")
                keys = (_PY_TYPES.get(item_type, (str, int, float)),)
            if list_type == "set" or keys:
                plan.keyed = (list_type, keys, dict(node.get(_KEY_DEFAULTS) or {}),
                              (owner, prop) in WARNED_ON_CREATE)
        return plan if plan else None

    # ------------------------------------------------------------------------------------ walking

    def _walk(self, resource: Resource, plan: _Plan, value, path: tuple, out: list) -> None:
        if isinstance(value, dict):
            for key, child in plan.props.items():
                sub = value.get(key)
                if sub is not None:
                    self._walk(resource, child, sub, path + (key,), out)
            if plan.values is not None:
                for key, sub in value.items():
                    self._walk(resource, plan.values, sub, path + (key,), out)
        elif isinstance(value, list):
            if plan.keyed is not None:
                self._duplicates(resource, plan.keyed, value, path, out)
            if plan.items is not None:
                for i, sub in enumerate(value):
                    self._walk(resource, plan.items, sub, path + (i,), out)

    def _duplicates(self, resource: Resource, keyed: tuple, entries: list, path: tuple, out: list) -> None:
        if len(entries) < 2:
            return
        list_type, keys, defaults, _warned = keyed
        seen: dict = {}  # key -> index of its first entry
        for i, entry in enumerate(entries):
            if list_type == "set":
                if not isinstance(entry, keys[0]) or entry is True or entry is False:
                    continue  # a wrong type is a schema error already
                key = entry
            else:
                if not isinstance(entry, dict):
                    continue
                values = []
                for k in keys:
                    v = entry.get(k)
                    if v is None:
                        v = defaults.get(k)
                        if v is None:
                            break  # a required key is missing: a schema error, not a duplicate
                    if isinstance(v, (dict, list)) or v is True or v is False:
                        break  # no key field is an object, a list or a boolean: a schema error
                    values.append(v)
                else:
                    key = tuple(values)
                    if key in seen:
                        out.append(self._finding(resource, keyed, path, seen[key], i, entries))
                    else:
                        seen[key] = i
                continue
            if key in seen:
                out.append(self._finding(resource, keyed, path, seen[key], i, entries))
            else:
                seen[key] = i

    def _finding(self, resource, keyed, path, first, second, entries):
        list_type, keys, defaults, warned = keyed
        accepted = ("the API server accepts it on create and client-side apply"
                    + (" (recent versions warn)" if warned else ""))
        first_line = resource.span(path + (first,)).line
        here = format_json_path(path + (second,))
        where_first = f"{format_json_path(path + (first,))}, line {first_line}"
        if list_type == "map":
            entry = entries[second]
            shown = ",".join(f"{k}={json.dumps(entry[k] if entry.get(k) is not None else defaults[k], ensure_ascii=False)}"
                             for k in keys)
            defaulted = [k for k in keys if any(entries[n].get(k) is None for n in (first, second))]
            note = "".join(f" ({k} defaults to {defaults[k]})" for k in defaulted)
            rule = DUPLICATE_MAP_KEY
            message = (f"{here}: duplicate entry for key [{shown}]{note} (first at {where_first}): {accepted}, "
                       f"but {SSA} fails: duplicate entries for key [{shown}]")
            suggestion = "remove one of the two entries, or merge them into one"
        else:
            shown = json.dumps(entries[second], ensure_ascii=False)
            rule = DUPLICATE_SET_VALUE
            message = (f"{here}: duplicate value {shown} in a list of unique values (first at {where_first}): "
                       f"{accepted}, but {SSA} fails: duplicate entries for key {shown}")
            suggestion = "remove the repeated value"
        return finding_at(resource, rule, RULE_SEVERITY[rule], message, path + (second,), suggestion=suggestion,
                          extra={"first": format_json_path(path + (first,))})
