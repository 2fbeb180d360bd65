"""The shared types every stage passes along: positions, resources, findings, fixes, rule metadata.

Nothing here does I/O or knows about rules, schemas or output formats; it only describes data.
"""
from __future__ import annotations

import enum
from operator import attrgetter
from reprlib import recursive_repr
from typing import Any

# A JSON path as a tuple of keys (str) and indices (int): ("spec", "containers", 0, "image").
JsonPath = tuple

# Data classes without generated code and without dataclasses. @dataclass writes __init__, __repr__ and
# __eq__ (frozen: __setattr__, __delattr__ and __hash__ too) as source text and compiles it, for every class
# at every start: about half a millisecond a class, a sixth of a one-file lint for the classes it defines;
# and importing dataclasses imports inspect, ast, dis and tokenize (~5 ms more). A @record class writes its
# __init__ itself (compiled once, into the .pyc) and takes the rest from the methods below, which do what
# the generated ones do. To dataclasses it is a dataclass all the same (fields, replace, asdict,
# is_dataclass): its __dataclass_fields__ are made when first asked for, by code that has imported
# dataclasses by then. tests/test_records.py checks every record against the @dataclass it stands for.
FACTORY = object()  # __init__'s default for a field with a default_factory: "make a new one"
RECORDS: list = []  # every @record class (for the test)
_NOTHING = object()


class _FieldSpec:
    """What field() was given; dataclasses.field(**kwargs) when the class is registered with dataclasses."""

    __slots__ = ("kwargs",)

    def __init__(self, kwargs: dict):
        self.kwargs = kwargs

    def get(self, name: str, default):
        return self.kwargs.get(name, default)


def field(**kwargs) -> _FieldSpec:
    """dataclasses.field for a @record class (default, default_factory, init, repr, compare, hash)."""
    return _FieldSpec(kwargs)


class _DataclassFields:
    """A record class's __dataclass_fields__, made on first use: the class is then registered with dataclasses
    (@dataclass(init=False, repr=False, eq=False), which generates no code), and this stand-in is gone."""

    def __get__(self, obj, cls):
        import dataclasses
        if "__dataclass_fields__" in cls.__dict__ and cls.__dict__["__dataclass_fields__"] is self:
            delattr(cls, "__dataclass_fields__")
            for name, spec in cls.__record_specs__.items():
                setattr(cls, name, dataclasses.field(**spec.kwargs))
            dataclasses.dataclass(cls, init=False, repr=False, eq=False)
        return cls.__dict__["__dataclass_fields__"]


def record(cls=None, *, frozen: bool = False):
    """@dataclass(frozen=frozen) for a class that defines its own __init__ (see above)."""
    def wrap(cls):
        names = tuple(cls.__dict__.get("__annotations__", {}))
        specs = {}
        for name in names:
            value = cls.__dict__.get(name, _NOTHING)
            if isinstance(value, _FieldSpec):  # as @dataclass leaves it: the default as class attribute, if any
                specs[name] = value
                default = value.get("default", _NOTHING)
                if default is _NOTHING:
                    delattr(cls, name)
                else:
                    setattr(cls, name, default)

        def flag(name: str, what: str, default=True):
            return specs[name].get(what, default) if name in specs else default

        def in_hash(name: str) -> bool:  # dataclasses: hash=None follows compare
            hashed = flag(name, "hash", None)
            return flag(name, "compare") if hashed is None else hashed

        cls.__repr__ = _repr_of(tuple(n for n in names if flag(n, "repr")))
        cls.__eq__ = _eq_of(_key_of(tuple(n for n in names if flag(n, "compare"))))
        if frozen:
            hashed = _key_of(tuple(n for n in names if in_hash(n)))
            cls.__hash__ = lambda self: hash(hashed(self))
            cls.__setattr__, cls.__delattr__ = _frozen_setattr, _frozen_delattr
        else:
            cls.__hash__ = None  # as @dataclass(eq=True) leaves a mutable class: unhashable
        cls.__match_args__ = tuple(n for n in names if flag(n, "init"))
        cls.__record_specs__ = specs
        cls.__record_frozen__ = frozen
        cls.__dataclass_fields__ = _DataclassFields()
        RECORDS.append(cls)
        return cls
    return wrap if cls is None else wrap(cls)


def _key_of(names: tuple):
    """The tuple of these attributes of an object (always a tuple, as the generated methods compare)."""
    if len(names) > 1:
        return attrgetter(*names)
    if names:
        one = attrgetter(names[0])
        return lambda obj: (one(obj),)
    return lambda obj: ()


def _repr_of(names: tuple):
    @recursive_repr()
    def __repr__(self):
        return f"{self.__class__.__qualname__}({', '.join(f'{n}={getattr(self, n)!r}' for n in names)})"
    return __repr__


def _eq_of(key):
    def __eq__(self, other):
        if other.__class__ is self.__class__:
            return key(self) == key(other)
        return NotImplemented
    return __eq__


def _frozen_setattr(self, name, value):
    from dataclasses import FrozenInstanceError
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self, name):
    from dataclasses import FrozenInstanceError
    raise FrozenInstanceError(f"cannot delete field {name!r}")


set_frozen = object.__setattr__  # how the __init__ of a frozen record sets its fields


class Severity(enum.IntEnum):
    INFO = 0
    WARNING = 1
    ERROR = 2

    @classmethod
    def parse(cls, text: str) -> "Severity":
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r} (expected error, warning or info)") from None

    def __str__(self) -> str:
        return self.name.lower()


def format_json_path(path: JsonPath) -> str:
    """("spec", "containers", 0, "image") -> "spec.containers[0].image"; keys with dots are bracketed."""
    out = []
    for part in path:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif part == "" or any(c in part for c in ".[]'\" "):
            out.append(f"[{part!r}]")
        else:
            out.append(("." if out else "") + part)
    return "".join(out)


@record(frozen=True)
class ObjectRef:
    """Which Kubernetes object a finding is about."""

    api_version: str | None
    kind: str | None
    namespace: str | None
    name: str | None

    def __init__(self, api_version, kind, namespace, name):
        set_frozen(self, "api_version", api_version)
        set_frozen(self, "kind", kind)
        set_frozen(self, "namespace", namespace)
        set_frozen(self, "name", name)

    def as_dict(self) -> dict:
        return {"apiVersion": self.api_version, "kind": self.kind, "namespace": self.namespace, "name": self.name}

    def label(self) -> str:
        kind = self.kind or "?"
        name = self.name or "<unnamed>"
        return f"{kind}/{self.namespace}/{name}" if self.namespace else f"{kind}/{name}"


@record(frozen=True)
class Span:
    """Source position of one node: 1-based line and column, plus 0-based character offsets [start, end)."""

    line: int
    column: int
    start: int = -1
    end: int = -1

    def __init__(self, line, column, start=-1, end=-1):
        set_frozen(self, "line", line)
        set_frozen(self, "column", column)
        set_frozen(self, "start", start)
        set_frozen(self, "end", end)


@record
class Resource:
    """One Kubernetes object read from a document, with the plain JSON view and where each node came from."""

    file: str
    doc_index: int  # index of the YAML document in the file (0-based)
    data: dict  # the plain JSON view: what the API server would receive
    value_spans: dict  # JsonPath -> Span of the value node
    key_spans: dict  # JsonPath -> Span of the mapping key that holds the value
    doc_span: Span  # where the document (or List item) starts
    item_path: JsonPath = ()  # path of this object inside its document (("items", 3) for List items)
    source: str | None = None  # label of the origin when not the file itself (Helm release, template)
    # facts the loader found that rules may want (duplicate keys, YAML 1.1 booleans ...)
    notes: list = field(default_factory=list)

    def __init__(self, file, doc_index, data, value_spans, key_spans, doc_span, item_path=(), source=None,
                 notes=FACTORY):
        self.file = file
        self.doc_index = doc_index
        self.data = data
        self.value_spans = value_spans
        self.key_spans = key_spans
        self.doc_span = doc_span
        self.item_path = item_path
        self.source = source
        self.notes = [] if notes is FACTORY else notes

    @property
    def api_version(self) -> str | None:
        v = self.data.get("apiVersion")
        return v if isinstance(v, str) else None

    @property
    def kind(self) -> str | None:
        v = self.data.get("kind")
        return v if isinstance(v, str) else None

    @property
    def metadata(self) -> dict:
        m = self.data.get("metadata")
        return m if isinstance(m, dict) else {}

    @property
    def name(self) -> str | None:
        v = self.metadata.get("name")
        return v if isinstance(v, str) else None

    @property
    def namespace(self) -> str | None:
        v = self.metadata.get("namespace")
        return v if isinstance(v, str) else None

    @property
    def ref(self) -> ObjectRef:
        return ObjectRef(self.api_version, self.kind, self.namespace, self.name)

    def span(self, path: JsonPath, prefer_key: bool = False) -> Span:
        """The span of `path`, or of its nearest ancestor that exists in the source (for missing fields)."""
        path = tuple(path)
        while True:
            full = self.item_path + path
            if prefer_key and full in self.key_spans:
                return self.key_spans[full]
            if full in self.value_spans:
                value, key = self.value_spans[full], self.key_spans.get(full)
                # a value that starts below its key (a block mapping or list): the field is the key's line,
                # not its first child's
                return key if key is not None and value.line > key.line else value
            if full in self.key_spans:
                return self.key_spans[full]
            if not path:
                return self.doc_span
            path = path[:-1]

    def get(self, path: JsonPath, default: Any = None) -> Any:
        node: Any = self.data
        for part in path:
            if isinstance(part, int):
                if not isinstance(node, list) or part >= len(node):
                    return default
            elif not isinstance(node, dict) or part not in node:
                return default
            node = node[part]
        return node


# Groups of configuration-file kinds (kubeadm's ClusterConfiguration, KubeSchedulerConfiguration, an audit
# Policy, an ExecCredential, a kind cluster's Cluster ...): a component or tool reads them from a file, no API
# server serves or stores them. `*.config.k8s.io` (kubelet, kube-proxy, scheduler, apiserver ...) counts too.
CONFIG_FILE_GROUPS = frozenset({"kubeadm.k8s.io", "audit.k8s.io", "client.authentication.k8s.io",
                                "apiserver.k8s.io", "kind.x-k8s.io"})
# Configuration files whose apiVersion is a served group's: kubectl's kubeconfig is `v1` `Config`, and the core
# group serves no kind Config.
CONFIG_FILE_KINDS = frozenset({("v1", "Config")})


def is_config_file_kind(api_version: str | None, kind: str | None = None) -> bool:
    """Is this apiVersion (and kind) one of a configuration file's (neither a built-in kind nor a custom
    resource)?"""
    if kind is not None and (api_version, kind) in CONFIG_FILE_KINDS:
        return True
    group = api_version.rpartition("/")[0] if api_version and "/" in api_version else ""
    return group in CONFIG_FILE_GROUPS or group.endswith(".config.k8s.io")


@record
class Edit:
    """Replace source[start:end] (character offsets) with `text`."""

    start: int
    end: int
    text: str

    def __init__(self, start, end, text):
        self.start = start
        self.end = end
        self.text = text


class FixSafety(str, enum.Enum):
    SAFE = "safe"  # behaviour-preserving: applied by default
    UNSAFE = "unsafe"  # changes behaviour or needs a human decision: only with --unsafe-fixes


@record
class Fix:
    """What a fix does (`description`), its edits, and whether it is applied by default."""

    description: str
    edits: list
    safety: FixSafety = FixSafety.SAFE

    def __init__(self, description, edits, safety=FixSafety.SAFE):
        self.description = description
        self.edits = edits
        self.safety = safety


@record
class Finding:
    """One thing a rule found, where it found it (file, line, column, the JSON path in the object)."""

    rule_id: str
    severity: Severity
    message: str
    file: str
    line: int
    column: int
    json_path: str = ""
    obj: ObjectRef | None = None
    suggestion: str | None = None
    extra: dict = field(default_factory=dict)  # rule-family specific keys (deprecated_in, removed_in ...)
    fix: Fix | None = None
    doc_index: int = 0

    def __init__(self, rule_id, severity, message, file, line, column, json_path="", obj=None, suggestion=None,
                 extra=FACTORY, fix=None, doc_index=0):
        self.rule_id = rule_id
        self.severity = severity
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.json_path = json_path
        self.obj = obj
        self.suggestion = suggestion
        self.extra = {} if extra is FACTORY else extra
        self.fix = fix
        self.doc_index = doc_index

    def sort_key(self) -> tuple:
        return (self.file, self.line, self.column, self.rule_id, self.message)

    def as_dict(self) -> dict:
        out = {
            "rule_id": self.rule_id,
            "severity": str(self.severity),
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "json_path": self.json_path,
            "object": self.obj.as_dict() if self.obj else None,
            "suggestion": self.suggestion,
        }
        out.update(self.extra)
        if self.fix is not None:
            out["fix"] = {"description": self.fix.description, "safety": self.fix.safety.value}
        return out


def finding_at(resource: Resource, rule_id: str, severity: Severity, message: str, path: JsonPath = (),
               *, prefer_key: bool = False, suggestion: str | None = None, extra: dict | None = None,
               fix: Fix | None = None) -> Finding:
    """A finding located at `path` inside `resource` (nearest existing ancestor when the path is missing)."""
    span = resource.span(path, prefer_key=prefer_key)
    return Finding(rule_id=rule_id, severity=severity, message=message, file=resource.file, line=span.line,
                   column=span.column, json_path=format_json_path(path), obj=resource.ref,
                   suggestion=suggestion, extra=dict(extra or {}), fix=fix, doc_index=resource.doc_index)


@record(frozen=True)
class RuleDoc:
    """Documentation of a rule, in the headings every rule page uses."""

    what: str
    why: str
    example: str
    fix: str
    fix_safety: str = "No automatic fix."

    def __init__(self, what, why, example, fix, fix_safety="No automatic fix."):
        set_frozen(self, "what", what)
        set_frozen(self, "why", why)
        set_frozen(self, "example", example)
        set_frozen(self, "fix", fix)
        set_frozen(self, "fix_safety", fix_safety)


@record(frozen=True)
class RuleMeta:
    """A rule's id, names, default severity and documentation."""

    id: str  # stable id with a family prefix: SCH001, API001, FLD012 ...
    name: str  # kebab-case name of the problem
    title: str
    severity: Severity
    docs: RuleDoc
    versions: str = ""  # the Kubernetes versions the rule concerns, in words ("deprecated 1.8, removed 1.16")
    family: str = ""

    def __init__(self, id, name, title, severity, docs, versions="", family=""):  # noqa: A002 (the field's name)
        set_frozen(self, "id", id)
        set_frozen(self, "name", name)
        set_frozen(self, "title", title)
        set_frozen(self, "severity", severity)
        set_frozen(self, "docs", docs)
        set_frozen(self, "versions", versions)
        set_frozen(self, "family", family)
        self.__post_init__()

    def __post_init__(self):
        if not self.family:
            object.__setattr__(self, "family", "".join(c for c in self.id if c.isalpha()))
