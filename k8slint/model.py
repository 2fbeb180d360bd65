"""The shared types every stage passes along: positions, resources, findings, fixes, rule metadata.

Nothing here does I/O or knows about rules, schemas or output formats; it only describes data.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

# A JSON path as a tuple of keys (str) and indices (int): ("spec", "containers", 0, "image").
JsonPath = tuple


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


@dataclass(frozen=True)
class ObjectRef:
    """Which Kubernetes object a finding is about."""

    api_version: str | None
    kind: str | None
    namespace: str | None
    name: str | None

    def as_dict(self) -> dict:
        return {"apiVersion": self.api_version, "kind": self.kind, "namespace": self.namespace, "name": self.name}

    def label(self) -> str:
        kind = self.kind or "?"
        name = self.name or "<unnamed>"
        return f"{kind}/{self.namespace}/{name}" if self.namespace else f"{kind}/{name}"


@dataclass(frozen=True)
class Span:
    """Source position of one node: 1-based line and column, plus 0-based character offsets [start, end)."""

    line: int
    column: int
    start: int = -1
    end: int = -1


@dataclass
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


@dataclass
class Edit:
    """Replace source[start:end] (character offsets) with `text`."""

    start: int
    end: int
    text: str


class FixSafety(str, enum.Enum):
    SAFE = "safe"  # behaviour-preserving: applied by default
    UNSAFE = "unsafe"  # changes behaviour or needs a human decision: only with --unsafe-fixes


@dataclass
class Fix:
    description: str
    edits: list
    safety: FixSafety = FixSafety.SAFE


@dataclass
class Finding:
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


@dataclass(frozen=True)
class RuleDoc:
    """Documentation of a rule, in the headings every rule page uses."""

    what: str
    why: str
    example: str
    fix: str
    fix_safety: str = "No automatic fix."


@dataclass(frozen=True)
class RuleMeta:
    id: str  # stable id with a family prefix: SCH001, API001, FLD012 ...
    name: str  # kebab-case name of the problem
    title: str
    severity: Severity
    docs: RuleDoc
    versions: str = ""  # the Kubernetes versions the rule concerns, in words ("deprecated 1.8, removed 1.16")
    family: str = ""

    def __post_init__(self):
        if not self.family:
            object.__setattr__(self, "family", "".join(c for c in self.id if c.isalpha()))
