"""The CEL type of `self` at each node of a CRD's structural schema, as the API server declares it when it
compiles the node's rules: objects with declared properties are message-like types whose fields are the
escaped property names, `additionalProperties` makes a map, arrays are lists, int-or-string is dyn,
strings with format byte / duration / date / date-time are bytes / duration / timestamp, and the root of
the resource and every embedded resource have `apiVersion`, `kind` and `metadata.name` /
`metadata.generateName`. A node that is not exposed (no type, an array without items) has no type, and
neither do fields under it.

The C++ runtime types objects through protobuf descriptors, so each schema becomes one generated
.proto file (one message per object node). Protobuf cannot hold a list of lists or a map of lists in a
field: those fields are declared as `google.protobuf.ListValue` / `Struct` (a list or map of dyn), which
checks less than the API server does; `SchemaTypes.exact` says whether that happened."""
from __future__ import annotations

import itertools
import re

_RESERVED = frozenset(("true", "false", "null", "in", "as", "break", "const", "continue", "else", "for",
                       "function", "if", "import", "let", "loop", "package", "namespace", "return", "var",
                       "void", "while"))
_PLAIN = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")
_ESCAPABLE = re.compile(r"^[a-zA-Z_.\-/][a-zA-Z0-9_.\-/]*$")
_ESCAPES = {"__": "__underscores__", ".": "__dot__", "-": "__dash__", "/": "__slash__"}
_FORMAT_TYPES = {"byte": "bytes", "duration": "duration", "date": "timestamp", "date-time": "timestamp"}
_SCALARS = {"boolean": "bool", "number": "double", "integer": "int"}
MAX_DEPTH = 200
_PACKAGES = itertools.count()


def escape(name: str) -> str | None:
    """The CEL identifier of a property name, as the API server escapes it (`namespace` ->
    `__namespace__`, `x-y` -> `x__dash__y`, `a.b` -> `a__dot__b`, `a__b` -> `a__underscores__b`), or None
    when the name cannot be used in CEL at all."""
    if not name or name[0].isdigit():
        return None
    if name in _RESERVED:
        return f"__{name}__"
    if _PLAIN.match(name) and "__" not in name:
        return name
    if not _ESCAPABLE.match(name):
        return None
    return re.sub(r"__|[./-]", lambda m: _ESCAPES[m.group(0)], name)


def with_resource_fields(schema: dict) -> dict:
    """The schema of a resource root or embedded resource as CEL sees it: apiVersion and kind strings and a
    metadata with only name and generateName, unless the schema already declares all of them so."""
    props = schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
    meta = props.get("metadata") if isinstance(props.get("metadata"), dict) else {}
    meta_props = meta.get("properties") if isinstance(meta.get("properties"), dict) else {}
    if (_typed_as(props.get("kind"), "string") and _typed_as(props.get("apiVersion"), "string")
            and _typed_as(meta, "object") and _typed_as(meta_props.get("name"), "string")
            and _typed_as(meta_props.get("generateName"), "string")):
        return schema
    string = {"type": "string"}
    return {**schema, "properties": {**props, "kind": string, "apiVersion": string, "metadata": {
        "type": "object", "properties": {"name": string, "generateName": string}}}}


def _typed_as(node, kind: str) -> bool:
    return isinstance(node, dict) and node.get("type") == kind


class SchemaTypes:
    """The CEL types of one CRD version's schema. `type_of(node)` is a type spec for a schema node (by
    identity): ("msg", name), ("list", spec), ("map", spec), (scalar,) such as ("string",), ("dyn",), or
    None when the node is not exposed to CEL."""

    def __init__(self, schema):
        self.package = f"k8slint.crd{next(_PACKAGES)}"
        self.exact = True
        self._messages: list = []  # (name, [(field name, spec)])
        self._specs: dict = {}  # schema path (inside openAPIV3Schema) -> spec
        self._pool = None
        self._spec(schema, (), True)
        # A node the walk from the root does not reach as a field (under a node with no CEL type, or with a
        # name CEL cannot spell) is typed on its own, as the API server does when it compiles its rules.
        self.rule_specs: list = []  # the distinct types of the nodes that carry rules
        for path, node in _rule_nodes(schema, ()):
            spec = self._spec(node, path, node.get("x-kubernetes-embedded-resource") is True)
            if spec is not None and spec not in self.rule_specs:
                self.rule_specs.append(spec)

    def type_of(self, path: tuple):
        """The spec of the node at `path` (keys inside openAPIV3Schema: "properties", name, "items" ...)."""
        return self._specs.get(tuple(path))

    def _spec(self, node, path: tuple, is_resource: bool):
        if not isinstance(node, dict) or len(path) > MAX_DEPTH:
            return None
        if path in self._specs:
            return self._specs[path]
        spec = self._compute(node, path, is_resource)
        self._specs[path] = spec
        return spec

    def _compute(self, node: dict, path: tuple, is_resource: bool):
        if node.get("x-kubernetes-int-or-string") is True:
            return ("dyn",)
        if is_resource:
            node = with_resource_fields(node)
        kind = node.get("type")
        if kind == "array":
            items = node.get("items")
            if not isinstance(items, dict):
                return None
            elem = self._spec(items, path + ("items",), items.get("x-kubernetes-embedded-resource") is True)
            return None if elem is None else ("list", elem)
        if kind == "object":
            extra = node.get("additionalProperties")
            if isinstance(extra, dict):
                elem = self._spec(extra, path + ("additionalProperties",),
                                  extra.get("x-kubernetes-embedded-resource") is True)
                return None if elem is None else ("map", elem)
            fields: list = []
            props = node.get("properties") if isinstance(node.get("properties"), dict) else {}
            for prop, sub in props.items():
                spec = self._spec(sub, path + ("properties", prop),
                                  isinstance(sub, dict) and sub.get("x-kubernetes-embedded-resource") is True)
                escaped = escape(prop) if isinstance(prop, str) else None
                if spec is not None and escaped is not None:
                    fields.append((escaped, spec))
            if len({_json_name(f) for f, _spec in fields}) < len(fields):
                self.exact = False  # protobuf refuses fields whose JSON names collide (a_b, aB): dyn here
                return ("dyn",)
            name = f"O{len(self._messages)}"
            self._messages.append((name, fields))
            return ("msg", name)
        if kind == "string":
            return (_FORMAT_TYPES.get(node.get("format"), "string"),)
        if kind in _SCALARS:
            return (_SCALARS[kind],)
        return None

    # -- CEL side -------------------------------------------------------------------------------------------

    def cel_type(self, cel, spec):
        T = cel.Type
        if spec[0] == "msg":
            return T(f"{self.package}.{spec[1]}")
        if spec[0] == "list":
            return T.List(self.cel_type(cel, spec[1]))
        if spec[0] == "map":
            return T.Map(T.STRING, self.cel_type(cel, spec[1]))
        return {"string": T.STRING, "int": T.INT, "double": T.DOUBLE, "bool": T.BOOL, "bytes": T.BYTES,
                "timestamp": T.TIMESTAMP, "duration": T.DURATION, "dyn": T.DYN}[spec[0]]

    def config_type(self, spec) -> str:
        """The spec as a type of an environment configuration (YAML flow syntax)."""
        if spec[0] == "msg":
            return f'{{type_name: "{self.package}.{spec[1]}"}}'
        if spec[0] == "list":
            return f'{{type_name: "list", params: [{self.config_type(spec[1])}]}}'
        if spec[0] == "map":
            return f'{{type_name: "map", params: [{{type_name: "string"}}, {self.config_type(spec[1])}]}}'
        names = {"timestamp": "google.protobuf.Timestamp", "duration": "google.protobuf.Duration"}
        return f'{{type_name: "{names.get(spec[0], spec[0])}"}}'

    def pool(self):
        """A protobuf descriptor pool with one message per object node of the schema."""
        if self._pool is None:
            try:
                self._pool = _build_pool(self)
            except Exception as exc:  # noqa: BLE001 - protobuf missing, or a descriptor it refuses: rules go untyped
                from .env import CelUnavailable
                raise CelUnavailable(str(exc)) from None
        return self._pool


def _rule_nodes(node, path: tuple):
    """(path, node) of every schema node that carries x-kubernetes-validations."""
    if not isinstance(node, dict) or len(path) > MAX_DEPTH:
        return
    if node.get("x-kubernetes-validations"):
        yield path, node
    props = node.get("properties")
    if isinstance(props, dict):
        for name, sub in props.items():
            yield from _rule_nodes(sub, path + ("properties", name))
    for key in ("items", "additionalProperties"):
        if isinstance(node.get(key), dict):
            yield from _rule_nodes(node[key], path + (key,))


_SCALAR_FIELDS = {"string": 9, "int": 3, "double": 1, "bool": 8, "bytes": 12}  # FieldDescriptorProto.Type
_WELL_KNOWN = {"timestamp": ".google.protobuf.Timestamp", "duration": ".google.protobuf.Duration",
               "dyn": ".google.protobuf.Value"}
_MESSAGE, _OPTIONAL, _REPEATED = 11, 1, 3


def _build_pool(types: SchemaTypes):
    from google.protobuf import descriptor_pb2, descriptor_pool, duration_pb2, struct_pb2, timestamp_pb2

    pool = descriptor_pool.DescriptorPool()
    for module in (struct_pb2, timestamp_pb2, duration_pb2):
        proto = descriptor_pb2.FileDescriptorProto()
        module.DESCRIPTOR.CopyToProto(proto)
        pool.Add(proto)
    file = descriptor_pb2.FileDescriptorProto(name=types.package.replace(".", "/") + ".proto",
                                              package=types.package, syntax="proto2")
    file.dependency.extend(["google/protobuf/struct.proto", "google/protobuf/timestamp.proto",
                            "google/protobuf/duration.proto"])
    for name, fields in types._messages:
        message = file.message_type.add(name=name)
        entries: set = set()
        for number, (field_name, spec) in enumerate(fields, 1):
            field = message.field.add(name=field_name, number=number, json_name=field_name)
            if spec[0] == "list":
                if spec[1][0] in ("list", "map"):
                    types.exact = False  # protobuf has no repeated lists or maps: a list of dyn
                    _set_type(field, ("msg-wk", ".google.protobuf.ListValue"), types)
                else:
                    _set_type(field, spec[1], types)
                    field.label = _REPEATED
            elif spec[0] == "map":
                entry_name = _camel(field_name) + "Entry"  # protobuf requires this name for a map's entries
                if spec[1][0] in ("list", "map") or entry_name in entries:
                    types.exact = False  # no maps of lists or maps either: a map of dyn
                    _set_type(field, ("msg-wk", ".google.protobuf.Struct"), types)
                else:
                    entries.add(entry_name)
                    entry = message.nested_type.add(name=entry_name)
                    entry.options.map_entry = True
                    entry.field.add(name="key", number=1, type=9, label=_OPTIONAL, json_name="key")
                    _set_type(entry.field.add(name="value", number=2, label=_OPTIONAL, json_name="value"), spec[1],
                              types)
                    field.type, field.label = _MESSAGE, _REPEATED
                    field.type_name = f".{types.package}.{name}.{entry_name}"
            else:
                _set_type(field, spec, types)
    pool.Add(file)
    return pool


def _upper_after_underscores(name: str, upper: bool) -> str:
    """Drop each `_` and upper-case the character after it (and the first one when `upper`)."""
    out = []
    for char in name:
        if char == "_":
            upper = True
        elif upper:
            out.append(char.upper())
            upper = False
        else:
            out.append(char)
    return "".join(out)


def _json_name(name: str) -> str:
    """protobuf's default JSON name of a field (`foo_bar` -> `fooBar`); two in one message may not collide."""
    return _upper_after_underscores(name, False)


def _camel(name: str) -> str:
    """protobuf's CamelCase of a field name (`a__dash__b` -> `ADashB`)."""
    return _upper_after_underscores(name, True)


def _set_type(field, spec, types: SchemaTypes) -> None:
    if field.label == 0:
        field.label = _OPTIONAL
    if spec[0] in _SCALAR_FIELDS:
        field.type = _SCALAR_FIELDS[spec[0]]
    elif spec[0] == "msg":
        field.type, field.type_name = _MESSAGE, f".{types.package}.{spec[1]}"
    elif spec[0] == "msg-wk":
        field.type, field.type_name = _MESSAGE, spec[1]
    else:
        field.type, field.type_name = _MESSAGE, _WELL_KNOWN[spec[0]]
