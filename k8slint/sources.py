"""Where manifests come from when they are not plain files: rendered Helm output, Helm release records,
raw (unrendered) templates and kustomize's own configuration.

Everything here is a pure function of text or of already-parsed JSON values; the loader decides what to
do with the answers. Nothing here raises on bad input: failures are returned as values (or as
ReleaseError, which the loader turns into a finding).

- `helm_source_map(text)`: Helm writes `# Source: CHART/templates/FILE.yaml` before every document it
  renders; the map lets findings name that template, with lines counted from the comment.
- `find_unrendered_template(text, path)`: `{{ ... }}` actions where YAML structure should be, i.e. a
  template that was not rendered (not Prometheus/Alertmanager templates kept inside string values).
- `decode_release(obj)`: a Helm 3 release record (Secret `helm.sh/release.v1`, or the ConfigMap of the
  configmap storage driver) -> its name, revision, namespace, status, manifest and hooks; bounded.
- kustomize: the names and apiVersion prefix of kustomize's configuration, which is not a Kubernetes object.
"""
from __future__ import annotations

import base64
import binascii
import bisect
import json
import os
import re
import zlib
from pathlib import Path

from .lazyre import lazy
from .model import FACTORY, field, record, set_frozen

# --------------------------------------------------------------------------------------------------------
# Rendered Helm output: `# Source:` comments
# --------------------------------------------------------------------------------------------------------

_DOC_START = lazy(r"^---(?=[ \t\r\n]|$)", re.M)
_SOURCE_COMMENT = lazy(r"^# Source: (\S+)[ \t]*\r?$", re.M)
# Helm renders only files below a chart's templates/ (and, with --include-crds, crds/) folder; requiring
# that shape keeps a hand-written "# Source: https://..." note from renaming a file's findings.
_HELM_SOURCE_PATH = lazy(r"^[^\s/:]+(?:/charts/[^\s/]+)*/(?:templates|crds)/\S+$")


@record(frozen=True)
class Segment:
    """Lines first_line..last_line (1-based, inclusive) of a text came from the template `source`."""

    first_line: int  # the line right after the `# Source:` comment: line 1 of the rendered document
    last_line: int
    source: str

    def __init__(self, first_line, last_line, source):
        set_frozen(self, "first_line", first_line)
        set_frozen(self, "last_line", last_line)
        set_frozen(self, "source", source)


@record
class SourceMap:
    """Rendered text -> the template each line came from. `prefix` goes before the template path in the
    new file label (a Helm release's label), `extra` is added to every finding of the labelled file."""

    segments: list = field(default_factory=list)
    prefix: str = ""
    extra: dict = field(default_factory=dict)
    _starts: list = field(default_factory=list, repr=False, compare=False)

    def __init__(self, segments=FACTORY, prefix="", extra=FACTORY, _starts=FACTORY):
        self.segments = [] if segments is FACTORY else segments
        self.prefix = prefix
        self.extra = {} if extra is FACTORY else extra
        self._starts = [] if _starts is FACTORY else _starts

    def locate(self, line: int) -> Segment | None:
        if len(self._starts) != len(self.segments):
            self._starts = [s.first_line for s in self.segments]
        i = bisect.bisect_right(self._starts, line) - 1
        if i >= 0 and self.segments[i].first_line <= line <= self.segments[i].last_line:
            return self.segments[i]
        return None


def helm_source_map(text: str) -> SourceMap | None:
    """The `# Source:` comments of rendered Helm output, or None when the text has none.

    A segment runs from the line after the comment to the line before the next document start (`---`) or
    the next `# Source:` comment; Helm writes one comment per rendered document."""
    if "# Source: " not in text:
        return None
    comments = [m for m in _SOURCE_COMMENT.finditer(text) if _HELM_SOURCE_PATH.match(m.group(1))]
    if not comments:
        return None
    doc_starts = [m.start() for m in _DOC_START.finditer(text)]
    # line numbers of every offset we need, counted in one pass over the text
    ends = []
    for n, m in enumerate(comments):
        i = bisect.bisect_right(doc_starts, m.start())
        end = doc_starts[i] if i < len(doc_starts) else len(text)
        if n + 1 < len(comments):
            end = min(end, comments[n + 1].start())
        ends.append(end)
    offsets = sorted({m.start() for m in comments} | set(ends))
    line_of, line, pos = {}, 1, 0
    for offset in offsets:
        line += text.count("\n", pos, offset)
        pos = offset
        line_of[offset] = line
    total_lines = line + text.count("\n", pos) - (1 if text.endswith("\n") else 0)
    segments = []
    for m, end in zip(comments, ends):
        comment_line = line_of[m.start()]
        last_line = line_of[end] - 1 if end < len(text) else total_lines
        segments.append(Segment(comment_line + 1, max(last_line, comment_line), m.group(1)))
    return SourceMap(segments)


# --------------------------------------------------------------------------------------------------------
# Unrendered templates
# --------------------------------------------------------------------------------------------------------

_ACTION = lazy(r"\{\{")
# Inside a string value, only an action that uses Helm's own objects or functions is evidence: string
# values legitimately hold Prometheus, Alertmanager or Argo templates (`{{ $labels.instance }}`).
_HELM_ONLY = lazy(r"(?<!\w)\.(?:Values|Release|Chart|Capabilities|Files)\b"
                        r"|\b(?:include|toYaml|fromYaml|tpl|nindent)\b")
MAX_TEMPLATE_SCAN = 8 * 1024 * 1024  # characters scanned token by token; beyond, only the cheap tests
MAX_ACTION_CHARS = 4096  # longest `{{ ... }}` action we read as one


@record(frozen=True)
class TemplateEvidence:
    """Where a text shows template syntax that a renderer should have replaced, and why we think so."""

    line: int
    column: int
    action: str  # the `{{ ... }}` text, shortened
    reason: str  # "chart" (the file is a chart template), "structure" or "helm-object"
    chart_dir: str | None = None  # the chart folder, when the file sits in one

    def __init__(self, line, column, action, reason, chart_dir=None):
        set_frozen(self, "line", line)
        set_frozen(self, "column", column)
        set_frozen(self, "action", action)
        set_frozen(self, "reason", reason)
        set_frozen(self, "chart_dir", chart_dir)


def chart_dir_of(path: str | None) -> Path | None:
    """The chart folder of a file below `CHART/templates/` (with CHART/Chart.yaml), else None."""
    if not path or path.startswith("<") or "templates" not in path:  # the quick answer for most files
        return None
    p = Path(path)
    for parent in list(p.parents)[:8]:
        if parent.name == "templates" and (parent.parent / "Chart.yaml").is_file():
            return parent.parent
    return None


def _position(text: str, offset: int) -> tuple:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def _action(text: str, offset: int) -> tuple | None:
    """(whole action, its inside without `-` and blanks) of the `{{ ... }}` at `offset` on one line, or
    None. Found with str.find inside a bounded window, never a backtracking regex: a line of unclosed `{{`
    must cost linear time, not a scan of the rest of the line per marker."""
    limit = min(len(text), offset + MAX_ACTION_CHARS)
    close = text.find("}}", offset + 2, limit)
    if close < 0 or "\n" in text[offset:close]:
        return None
    whole = text[offset:close + 2]
    inside = whole[2:-2]
    inside = inside[1:] if inside.startswith("-") else inside
    inside = inside[:-1] if inside.endswith("-") else inside
    return whole, inside.strip()


def _action_at(text: str, offset: int) -> str:
    m = _action(text, offset)
    end = text.find("\n", offset, offset + MAX_ACTION_CHARS)
    action = m[0] if m else text[offset:end if end >= 0 else offset + MAX_ACTION_CHARS]
    return action if len(action) <= 60 else action[:57] + "..."


def _evidence(text: str, offset: int, reason: str, chart: Path | None = None) -> TemplateEvidence:
    line, column = _position(text, offset)
    return TemplateEvidence(line, column, _action_at(text, offset), reason,
                            str(chart) if chart is not None else None)


def _scalar_tokens(text: str) -> tuple:
    """[(start, end, style)] of every scalar token libyaml finds, and the offsets of the regions it could
    not scan [(start, end, error_line)]. A scan error skips to the next `---` and goes on."""
    import yaml  # here, not at the top: a run answered by the result cache never imports PyYAML
    try:  # the same libyaml scanner the reader uses; the pure-Python one otherwise
        from yaml import CBaseLoader as _ScanLoader
    except ImportError:  # pragma: no cover - only on exotic platforms
        from yaml import BaseLoader as _ScanLoader
    scalars, broken = [], []
    pos = 0
    while pos < len(text):
        loader = _ScanLoader(text[pos:])
        try:
            while True:
                token = loader.get_token()
                if token is None or isinstance(token, yaml.StreamEndToken):
                    break
                if isinstance(token, yaml.ScalarToken):
                    scalars.append((pos + token.start_mark.index, pos + token.end_mark.index, token.style or ""))
            pos = len(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
            error_at = pos + (mark.index if mark is not None else 0)
            nxt = _DOC_START.search(text, error_at + 1)
            end = nxt.start() if nxt else len(text)
            broken.append((error_at, end, text.count("\n", 0, error_at) + 1))
            pos = end
        finally:
            loader.dispose()
    return scalars, broken


_COMMENT_MARK = lazy(r"(?:^|(?<=[ \t]))#", re.M)


def _in_comment(text: str, offset: int, scalars: list, starts: list, comment_at: dict) -> bool:
    """Is `offset` inside a comment? `comment_at` caches, per line start, where that line's comment
    begins (or -1), so that many markers on one long line cost one scan of it, not one each."""
    line_start = text.rfind("\n", 0, offset) + 1
    begin = comment_at.get(line_start)
    if begin is None:
        line_end = text.find("\n", line_start)
        begin = -1
        for m in _COMMENT_MARK.finditer(text, line_start, len(text) if line_end < 0 else line_end):
            if _covering(m.start(), scalars, starts) is None:
                begin = m.start()
                break
        comment_at[line_start] = begin
    return 0 <= begin < offset


def _covering(offset: int, scalars: list, starts: list):
    i = bisect.bisect_right(starts, offset) - 1
    if i >= 0 and scalars[i][0] <= offset < scalars[i][1]:
        return scalars[i]
    return None


def find_unrendered_template(text: str, path: str | None = None) -> TemplateEvidence | None:
    """Evidence that `text` is a template still to be rendered (Helm, or any `{{ }}` template), or None.

    Evidence is the first `{{` action that is
    - anywhere in a file below CHART/templates/ next to a CHART/Chart.yaml ("chart");
    - at the start of a line (control lines such as `{{- if .Values.x }}` or `{{ end }}`), or where YAML
      structure is (not inside a scalar or a comment), or on the line where YAML scanning fails
      ("structure");
    - inside a plain or quoted string but using Helm's objects or functions: `.Values`, `.Release`,
      `include`, `toYaml` ... ("helm-object").
    Actions inside block scalars (`|`, `>`) and comments are never evidence, nor are other actions inside
    strings: those are the alert and notification templates many manifests carry.
    """
    if "{{" not in text:
        return None
    markers = [m.start() for m in _ACTION.finditer(text)]
    chart = chart_dir_of(path)
    if chart is not None:
        return _evidence(text, markers[0], "chart", chart)
    if len(text) > MAX_TEMPLATE_SCAN:
        for offset in markers:
            if offset == 0 or text[offset - 1] == "\n":
                return _evidence(text, offset, "structure")
        return None
    scalars, broken = _scalar_tokens(text)
    scalars.sort()
    starts = [s[0] for s in scalars]
    comment_at: dict = {}
    broken_starts = [b[0] for b in broken]
    for offset in markers:
        scalar = _covering(offset, scalars, starts)
        if scalar is not None:
            style = scalar[2]
            if style in ("|", ">"):
                continue
            action = _action(text, offset)
            if action and _HELM_ONLY.search(action[1]):
                return _evidence(text, offset, "helm-object")
            continue
        i = bisect.bisect_right(broken_starts, offset) - 1  # regions come in text order
        region = broken[i] if i >= 0 and offset < broken[i][1] else None
        if region is not None:
            # libyaml gave up in this region: trust only markers that cannot be inside a string value,
            # those at the start of a line and those on (or just before) the line where it gave up
            line, column = _position(text, offset)
            if column == 1 or line in (region[2], region[2] - 1):
                return _evidence(text, offset, "structure")
            continue
        if _in_comment(text, offset, scalars, starts, comment_at):
            continue
        return _evidence(text, offset, "structure")
    return None


# --------------------------------------------------------------------------------------------------------
# Helm 3 release records
# --------------------------------------------------------------------------------------------------------

HELM_RELEASE_SECRET_TYPE = "helm.sh/release.v1"
MAX_RELEASE_BYTES = 50 * 1024 * 1024  # decompressed size of one release record
_GZIP_MAGIC = b"\x1f\x8b\x08"


class ReleaseError(Exception):
    """A Helm release record that cannot be decoded; the message says why."""


@record(frozen=True)
class HelmHook:
    """A hook of a Helm release: the template that rendered it and what it rendered."""

    path: str  # the template that rendered it: CHART/templates/FILE.yaml
    manifest: str  # one rendered document, without a `# Source:` comment

    def __init__(self, path, manifest):
        set_frozen(self, "path", path)
        set_frozen(self, "manifest", manifest)


@record(frozen=True)
class HelmRelease:
    """A decoded Helm 3 release record."""

    name: str
    namespace: str | None
    revision: int | None
    status: str | None
    chart: str | None
    chart_version: str | None
    manifest: str
    hooks: tuple = ()
    size: int = 0  # bytes of the decoded release record (JSON)

    def __init__(self, name, namespace, revision, status, chart, chart_version, manifest, hooks=(), size=0):
        set_frozen(self, "name", name)
        set_frozen(self, "namespace", namespace)
        set_frozen(self, "revision", revision)
        set_frozen(self, "status", status)
        set_frozen(self, "chart", chart)
        set_frozen(self, "chart_version", chart_version)
        set_frozen(self, "manifest", manifest)
        set_frozen(self, "hooks", hooks)
        set_frozen(self, "size", size)

    @property
    def label(self) -> str:
        """`helm:NAMESPACE/NAME@REVISION`: the file name findings of this release carry (before the
        template path)."""
        where = f"{self.namespace}/{self.name}" if self.namespace else self.name
        return f"helm:{where}@{self.revision if self.revision is not None else '?'}"

    def describe(self) -> dict:
        """The release, for the `helm_release` key of findings."""
        return {"name": self.name, "namespace": self.namespace, "revision": self.revision,
                "status": self.status, "chart": self.chart, "chart_version": self.chart_version}


def _mapping(value) -> dict:
    return value if isinstance(value, dict) else {}


def release_storage(obj: dict) -> str | None:
    """"secret" or "configmap" when `obj` is a Helm 3 release record of that storage driver, else None."""
    if obj.get("apiVersion") != "v1":
        return None
    if obj.get("kind") == "Secret" and obj.get("type") == HELM_RELEASE_SECRET_TYPE:
        return "secret"
    labels = _mapping(_mapping(obj.get("metadata")).get("labels"))
    if obj.get("kind") == "ConfigMap" and labels.get("owner") == "helm" and "release" in _mapping(obj.get("data")):
        return "configmap"
    return None


def release_label_status(obj: dict) -> str | None:
    """The `status` label Helm keeps on the record (deployed, superseded, failed ...), if any."""
    status = _mapping(_mapping(obj.get("metadata")).get("labels")).get("status")
    return status if isinstance(status, str) else None


def _b64(data, what: str) -> bytes:
    if isinstance(data, str):
        data = "".join(data.split()).encode("ascii", "replace")
    else:  # Go's base64 decoder, which Helm uses, skips line ends (a record ending in a newline is readable)
        data = data.replace(b"\r", b"").replace(b"\n", b"")
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise ReleaseError(f"{what} is not valid base64") from None


def _gunzip(data: bytes, limit: int) -> bytes:
    """Decompress at most `limit` bytes, asking zlib for one bounded piece at a time (a gzip bomb stops at
    the limit instead of filling memory)."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = bytearray()
    pending = data
    try:
        while not inflater.eof:
            chunk = inflater.decompress(pending, limit + 1 - len(out))
            out += chunk
            if len(out) > limit:
                raise ReleaseError(f"the release record decompresses to more than {limit:,} bytes; refused")
            pending = inflater.unconsumed_tail
            if not chunk and not pending:
                break
    except zlib.error as exc:
        raise ReleaseError(f"the release record is not valid gzip ({exc})") from None
    if not inflater.eof:
        raise ReleaseError("the release record's gzip stream is truncated")
    return bytes(out)


def decode_release(obj: dict, limit: int = MAX_RELEASE_BYTES) -> HelmRelease:
    """Decode the release record `obj` (see release_storage). Raises ReleaseError, never anything else.

    Secret: data.release = base64 (Kubernetes) of base64 (Helm) of gzip of the release JSON.
    ConfigMap: data.release = base64 (Helm) of gzip of the release JSON. Helm also accepts uncompressed JSON.
    """
    storage = release_storage(obj)
    raw = _mapping(obj.get("data")).get("release")
    if not isinstance(raw, str) or not raw.strip():
        raise ReleaseError("the record has no data.release")
    helm_text = _b64(raw, "data.release") if storage == "secret" else raw
    packed = _b64(helm_text, "the Helm encoding inside data.release")
    if packed[:3] == _GZIP_MAGIC:
        packed = _gunzip(packed, limit)
    elif len(packed) > limit:
        raise ReleaseError(f"the release record is larger than {limit:,} bytes; refused")
    try:
        record = json.loads(packed.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ReleaseError(f"the release record is not JSON ({exc})") from None
    except RecursionError:  # JSON nested thousands of levels deep: no release Helm writes looks like that
        raise ReleaseError("the release record's JSON is nested too deeply; refused") from None
    if not isinstance(record, dict):
        raise ReleaseError("the release record is not a JSON object")
    manifest = record.get("manifest", "")
    if not isinstance(manifest, str):
        raise ReleaseError("the release record's manifest is not a string")
    meta = _mapping(obj.get("metadata"))
    labels = _mapping(meta.get("labels"))
    name = record.get("name") if isinstance(record.get("name"), str) else labels.get("name")
    if not isinstance(name, str) or not name:
        raise ReleaseError("the release record has no name")
    namespace = record.get("namespace")
    if not isinstance(namespace, str) or not namespace:
        namespace = meta.get("namespace") if isinstance(meta.get("namespace"), str) else None
    revision = record.get("version")
    if not isinstance(revision, int) or isinstance(revision, bool):
        revision = int(labels["version"]) if str(labels.get("version", "")).isdigit() else None
    chart_meta = _mapping(_mapping(record.get("chart")).get("metadata"))
    status = _mapping(record.get("info")).get("status")
    hooks = []
    for hook in record.get("hooks") if isinstance(record.get("hooks"), list) else ():
        if isinstance(hook, dict) and isinstance(hook.get("manifest"), str) and hook["manifest"].strip():
            hooks.append(HelmHook(hook["path"] if isinstance(hook.get("path"), str) else "hook", hook["manifest"]))
    return HelmRelease(name, namespace, revision, status if isinstance(status, str) else None,
                       chart_meta.get("name") if isinstance(chart_meta.get("name"), str) else None,
                       chart_meta.get("version") if isinstance(chart_meta.get("version"), str) else None,
                       manifest, tuple(hooks), len(packed))


def encode_release(record: dict, storage: str = "secret") -> str:
    """The data.release value Helm (and `kubectl get -o yaml`) would show for a release JSON record.
    For tests and fixtures: gzip, Helm's base64, and for Secrets Kubernetes' base64 on top."""
    import gzip
    helm = base64.b64encode(gzip.compress(json.dumps(record).encode("utf-8"), mtime=0))
    return base64.b64encode(helm).decode("ascii") if storage == "secret" else helm.decode("ascii")


# --------------------------------------------------------------------------------------------------------
# kustomize (and Helm's chart metadata): configuration of a tool, not Kubernetes objects
# --------------------------------------------------------------------------------------------------------

KUSTOMIZATION_FILE_NAMES = frozenset({"kustomization.yaml", "kustomization.yml", "Kustomization"})
KUSTOMIZE_API_PREFIX = "kustomize.config.k8s.io/"


def is_kustomization_file(path: str) -> bool:
    return os.path.basename(path) in KUSTOMIZATION_FILE_NAMES


def is_chart_metadata_file(path: str) -> bool:
    """A Helm chart's Chart.yaml (apiVersion v1/v2, name, version; no kind): chart metadata, not an object."""
    return os.path.basename(path) == "Chart.yaml"


# kustomize's builtin plugins (LabelTransformer, PatchTransformer, ReplacementTransformer, ...) are configured
# with this apiVersion in the files a kustomization's `transformers:` / `generators:` name
KUSTOMIZE_BUILTIN_PLUGIN_API = "builtin"


def is_kustomize_config(obj: dict) -> bool:
    """kustomize's own configuration (Kustomization, Component, a builtin plugin's configuration): read by
    kustomize, never applied."""
    api_version = obj.get("apiVersion")
    return isinstance(api_version, str) and (api_version.startswith(KUSTOMIZE_API_PREFIX)
                                             or api_version == KUSTOMIZE_BUILTIN_PLUGIN_API)
