"""JSON schemas of custom resources from schema locations (`--schema-location`): local folders or URL
templates laid out like kubeconform's and the public CRD catalogs' (one file per group, kind and version).

A location is one of
- a directory: `DIR/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json`;
- a path or URL template (http, https, file) with the variables
  `{{.Group}}` (cert-manager.io), `{{.ResourceKind}}` (certificate: the kind in lower case),
  `{{.ResourceAPIVersion}}` (v1), `{{.NormalizedKubernetesVersion}}` (v1.30.0; master without a version),
  `{{.StrictSuffix}}` (-strict in strict mode, else empty) and `{{.KindSuffix}}` (-cert-manager-v1);
- an http(s) URL without variables: the same layout as a directory below it.

Locations are tried in order; the first that has the schema wins. Downloads (timeout 10 s) are cached under
`$XDG_CACHE_HOME/k8slint/schemas` (else ~/.cache/k8slint/schemas), one file per URL named by its SHA-256,
reused for a week and, when the location cannot be reached, whatever their age. A 404 is remembered for
the run. A location that cannot be reached is reported once (SCH006: an error when it leaves a custom
resource unvalidated, else a warning) and not asked again in the run, which each further kind it leaves
unchecked says; a schema that is not JSON or not a valid JSON schema is reported once per file.

Catalog schemas are JSON Schema draft-04/06/07 (the `$schema` keyword picks the validator class; draft-07
without it). `$ref`s are resolved inside the schema only, never fetched. In strict mode objects that list
`properties` but say nothing about `additionalProperties` are closed, as k8slint does for CRD schemas.
"""
from __future__ import annotations

import copy
import json
import os
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .digests import sha256
from .lazyre import lazy
from .model import Severity, field, record, set_frozen

SCHEMA_LOCATION_PROBLEM = "SCH006"
# an error: the custom resources it would have described go unvalidated (a warning when another location
# served them, or with --ignore-missing-schemas)
CATALOG_SEVERITY = {SCHEMA_LOCATION_PROBLEM: Severity.ERROR}

DEFAULT_LAYOUT = "{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json"
VARIABLES = ("Group", "ResourceKind", "ResourceAPIVersion", "NormalizedKubernetesVersion", "StrictSuffix",
             "KindSuffix")
FETCH_TIMEOUT = 10.0  # seconds per request
MAX_SCHEMA_BYTES = 32 * 1024 * 1024  # one schema file
MAX_SCHEMA_DEPTH = 200  # real schemas nest a few dozen levels; validators recurse per level
FETCH_DEADLINE = 30.0  # seconds for one whole download (the timeout bounds each wait; a server may trickle)
CACHE_MAX_AGE = 7 * 24 * 3600  # seconds a downloaded schema is reused without asking again

_VARIABLE = lazy(r"\{\{-?\s*\.(\w+)\s*-?\}\}")
_SAFE_PART = lazy(r"^[A-Za-z0-9][A-Za-z0-9.-]*$")  # what a group, version or kind may look like


class SchemaNotFound(Exception):
    """The location answered: it has no such schema (HTTP 404 or 410)."""


class LocationError(Exception):
    """The location could not answer (network error, other HTTP status, unreadable or invalid file).
    `offline` is True when the location as a whole is unreachable (do not ask it again in this run)."""

    def __init__(self, message: str, offline: bool = False):
        super().__init__(message)
        self.offline = offline


@record(frozen=True)
class Location:
    """A --schema-location: as written, as a template, and whether it is fetched."""

    text: str  # as the user wrote it
    template: str  # a path or URL with {{.Variables}}
    remote: bool  # http(s): fetched and cached; otherwise read from disk

    def __init__(self, text, template, remote):
        set_frozen(self, "text", text)
        set_frozen(self, "template", template)
        set_frozen(self, "remote", remote)

    def expand(self, variables: dict) -> str:
        return _VARIABLE.sub(lambda m: variables[m.group(1)], self.template)


def parse_location(text: str) -> Location:
    """A --schema-location value -> Location. Raises ValueError with a message for the user."""
    raw = str(text).strip()
    if not raw:
        raise ValueError("empty schema location")
    parts = urlsplit(raw)
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        template = raw if "{{" in raw else raw.rstrip("/") + "/" + DEFAULT_LAYOUT
        location = Location(raw, template, True)
    elif scheme == "file":
        if parts.netloc not in ("", "localhost"):
            raise ValueError(f"schema location {raw}: file URLs must name a local path (file:///...)")
        path = unquote(parts.path)
        location = Location(raw, path if "{{" in path else os.path.join(path, DEFAULT_LAYOUT), False)
    elif len(scheme) > 1 and "://" in raw:
        raise ValueError(f"schema location {raw}: unsupported URL scheme {parts.scheme!r} (use http, https, "
                         "file or a directory)")
    elif "{{" in raw:
        location = Location(raw, raw, False)
    else:
        if not os.path.isdir(raw):
            raise ValueError(f"schema location {raw}: not a directory (give a directory, a URL, or a path or URL "
                             f"template such as DIR/{DEFAULT_LAYOUT})")
        location = Location(raw, os.path.join(raw, DEFAULT_LAYOUT), False)
    unknown = sorted({m.group(1) for m in _VARIABLE.finditer(location.template)} - set(VARIABLES))
    if unknown:
        raise ValueError(f"schema location {raw}: unknown template variable {', '.join('.' + u for u in unknown)} "
                         f"(known: {', '.join('.' + v for v in VARIABLES)})")
    if "{{" in _VARIABLE.sub("", location.template):
        raise ValueError(f"schema location {raw}: malformed template (write variables as {{{{.Group}}}})")
    return location


def check_locations(texts) -> tuple:
    """Parse every --schema-location value; raises ValueError on the first bad one."""
    return tuple(parse_location(t) for t in texts or ())


def template_variables(api_version: str, kind: str, kube_version=None, strict: bool = False) -> dict | None:
    """The template variables for one apiVersion/kind, as kubeconform defines them; None when the
    apiVersion or kind cannot name a schema file (odd characters, more than one slash)."""
    parts = api_version.split("/")
    if len(parts) > 2 or not all(_SAFE_PART.match(p) for p in parts) or not _SAFE_PART.match(kind):
        return None
    group, version = parts[0], parts[-1]
    kind_suffix = "-" + group.split(".")[0].lower() + ("-" + version.lower() if len(parts) > 1 else "")
    if kube_version is None:
        normalized = "master"
    else:
        normalized = f"v{kube_version.major}.{kube_version.minor}.0" if hasattr(kube_version, "minor") \
            else "v" + str(kube_version).lstrip("v")
    return {"Group": group, "ResourceKind": kind.lower(), "ResourceAPIVersion": version,
            "NormalizedKubernetesVersion": normalized, "StrictSuffix": "-strict" if strict else "",
            "KindSuffix": kind_suffix}


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME")
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".cache"
    return root / "k8slint" / "schemas"


def http_get(url: str, timeout: float) -> bytes:
    """GET `url`: its body, SchemaNotFound for 404/410, LocationError otherwise."""
    import urllib.error  # imported here: most runs never fetch anything, and this costs ~15 ms at start-up
    import urllib.request

    request = urllib.request.Request(url, headers={"User-Agent": "k8slint", "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) only
            data = _read_bounded(response, url, time.monotonic() + max(timeout, FETCH_DEADLINE))
    except urllib.error.HTTPError as exc:
        if exc.code in (404, 410):
            raise SchemaNotFound(url) from None
        raise LocationError(f"HTTP {exc.code} {exc.reason} for {url}", offline=exc.code >= 500 or exc.code in
                            (401, 403, 429)) from None
    except urllib.error.URLError as exc:
        raise LocationError(f"cannot reach {url}: {exc.reason}", offline=True) from None
    except (OSError, ValueError) as exc:  # timeouts, resets, malformed URLs, bad HTTP
        raise LocationError(f"cannot fetch {url}: {exc}", offline=True) from None
    if len(data) > MAX_SCHEMA_BYTES:
        raise LocationError(f"{url} is larger than {MAX_SCHEMA_BYTES:,} bytes; refused")
    return data


def _read_bounded(response, url: str, deadline: float) -> bytes:
    """The body, a piece at a time: at most MAX_SCHEMA_BYTES + 1 bytes, and not past `deadline` (a server
    that sends one byte every few seconds, or without end, must not hold the run)."""
    chunks, size = [], 0
    while size <= MAX_SCHEMA_BYTES:
        if time.monotonic() > deadline:
            raise LocationError(f"downloading {url} took longer than {FETCH_DEADLINE:.0f} s; given up",
                                offline=True)
        chunk = response.read1(64 * 1024) if hasattr(response, "read1") else response.read(64 * 1024)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _deeper_than(value, limit: int) -> bool:
    """Is the JSON value nested deeper than `limit`? Walked without recursion."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)
    return False


def prepare_schema(schema: dict, strict: bool) -> dict:
    """A copy of a catalog schema ready to validate a whole object: apiVersion, kind and metadata are always
    allowed at the top, and in strict mode objects that list properties are closed."""
    schema = copy.deepcopy(schema)
    props = schema.get("properties")
    if isinstance(props, dict):
        props.setdefault("apiVersion", {"type": "string"})
        props.setdefault("kind", {"type": "string"})
        props.setdefault("metadata", {"type": "object"})
    if strict:
        _close(schema)
    return schema


_SUBSCHEMA_MAPS = ("properties", "patternProperties", "definitions", "$defs", "dependencies")
_SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "items")
_SUBSCHEMA_ONE = ("items", "additionalItems", "additionalProperties", "not", "contains", "if", "then", "else",
                  "propertyNames")


def _close(node) -> None:
    if not isinstance(node, dict):
        return
    if (isinstance(node.get("properties"), dict) and "additionalProperties" not in node
            and "patternProperties" not in node and "$ref" not in node
            and not any(k in node for k in ("allOf", "anyOf", "oneOf"))
            and not node.get("x-kubernetes-preserve-unknown-fields")):
        node["additionalProperties"] = False
    for key in _SUBSCHEMA_MAPS:
        if isinstance(node.get(key), dict):
            for child in node[key].values():
                _close(child)
    for key in _SUBSCHEMA_LISTS:
        if isinstance(node.get(key), list):
            for child in node[key]:
                _close(child)
    for key in _SUBSCHEMA_ONE:
        if isinstance(node.get(key), dict):
            _close(node[key])


class SchemaUnusable(Exception):
    """A schema that compiled but cannot be applied (a $ref outside it, a pattern Python cannot compile)."""


@record
class CatalogSchema:
    """A compiled catalog schema and where it came from."""

    source: str  # the URL or file
    location: Location
    validator: object

    def __init__(self, source, location, validator):
        self.source = source
        self.location = location
        self.validator = validator

    def errors(self, instance) -> list:
        """Every validation error; SchemaUnusable when jsonschema cannot apply the schema."""
        try:
            return list(self.validator.iter_errors(instance))
        except Exception as exc:  # third-party schema content: one bad schema must not stop the run
            raise SchemaUnusable(f"schema {self.source} cannot be applied: {type(exc).__name__}: {exc}") from None


@record
class LocationProblem:
    """Something to tell the user about a location (SCH006)."""

    location: str
    message: str

    def __init__(self, location, message):
        self.location = location
        self.message = message


@record
class SchemaCatalog:
    """Finds, downloads, caches and compiles catalog schemas for (apiVersion, kind)."""

    locations: tuple
    kube_version: object = None
    strict: bool = False
    cache_dir: Path | None = None
    timeout: float = FETCH_TIMEOUT
    fetch: object = None  # fetch(url, timeout) -> bytes; raises SchemaNotFound or LocationError
    _parsed: tuple = field(default=(), init=False, repr=False)
    _found: dict = field(default_factory=dict, init=False, repr=False)  # (apiVersion, kind) -> schema
    _documents: dict = field(default_factory=dict, init=False, repr=False)  # URL/path -> JSON or None
    _offline: set = field(default_factory=set, init=False, repr=False)  # locations not to ask again
    _warned: set = field(default_factory=set, init=False, repr=False)
    _pending: list = field(default_factory=list, init=False, repr=False)

    def __init__(self, locations, kube_version=None, strict=False, cache_dir=None, timeout=FETCH_TIMEOUT,
                 fetch=None):
        self.locations = locations
        self.kube_version = kube_version
        self.strict = strict
        self.cache_dir = cache_dir
        self.timeout = timeout
        self.fetch = fetch
        self._parsed = ()
        self._found = {}
        self._documents = {}
        self._offline = set()
        self._warned = set()
        self._pending = []
        self.__post_init__()

    def __post_init__(self):
        self._parsed = tuple(loc if isinstance(loc, Location) else parse_location(loc) for loc in self.locations)
        if self.cache_dir is None:
            self.cache_dir = default_cache_dir()
        if self.fetch is None:
            self.fetch = http_get

    def __bool__(self) -> bool:
        return bool(self._parsed)

    def describe(self) -> str:
        return ", ".join(loc.text for loc in self._parsed)

    def lookup(self, api_version: str, kind: str) -> tuple:
        """(CatalogSchema or None, [LocationProblem]) for an apiVersion/kind; each problem is reported once
        per run, so later lookups return only new ones."""
        key = (api_version, kind)
        if key not in self._found:
            variables = template_variables(api_version, kind, self.kube_version, self.strict)
            found = None
            for location in self._parsed if variables is not None else ():
                ref = location.expand(variables)
                try:
                    document = self._document(location, ref)
                    if document is None:
                        continue
                    found = CatalogSchema(ref, location, self._compile(document, ref))
                    break
                except LocationError as exc:
                    if exc.offline:
                        self._offline.add(location)
                    self.note(location, str(exc), location.text if exc.offline else ref)
            self._found[key] = found
        problems, self._pending = self._pending, []
        return self._found[key], problems

    def note(self, location: Location, message: str, key: str) -> None:
        """Queue a problem for the next lookup's answer, the first time `key` (a location that cannot be
        reached, or one schema file) has one."""
        if key not in self._warned:
            self._warned.add(key)
            self._pending.append(LocationProblem(location.text, message))

    def unusable(self, schema: CatalogSchema, message: str) -> list:
        """Forget a schema that cannot be applied; the [LocationProblem] to report (once)."""
        for key, found in self._found.items():
            if found is schema:
                self._found[key] = None
        self.note(schema.location, message, schema.source)
        problems, self._pending = self._pending, []
        return problems

    # -- reading ---------------------------------------------------------------------------------------

    def _document(self, location: Location, ref: str):
        if ref in self._documents:
            return self._documents[ref]
        data = self._fetch_remote(location, ref) if location.remote else self._read_local(ref)
        document = None
        if data is not None:
            document = self._parse(data, ref)
        self._documents[ref] = document
        return document

    @staticmethod
    def _read_local(path: str) -> bytes | None:
        try:
            with open(path, "rb") as fh:
                data = fh.read(MAX_SCHEMA_BYTES + 1)
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as exc:
            raise LocationError(f"cannot read {path}: {exc.strerror or exc}") from None
        if len(data) > MAX_SCHEMA_BYTES:
            raise LocationError(f"{path} is larger than {MAX_SCHEMA_BYTES:,} bytes; refused")
        return data

    def _cache_file(self, url: str) -> Path:
        return Path(self.cache_dir) / (sha256(url.encode("utf-8")).hexdigest() + ".json")

    def _fetch_remote(self, location: Location, url: str) -> bytes | None:
        cached = self._cache_file(url)
        try:
            age = time.time() - cached.stat().st_mtime
            cached_data = cached.read_bytes()
        except OSError:
            age, cached_data = None, None
        if cached_data is not None and (age < CACHE_MAX_AGE or location in self._offline):
            if self._valid_json(cached_data):
                return cached_data
        if location in self._offline:  # not asked again, but not silently either: this kind goes unchecked
            self.note(location, f"{url} not fetched: the location could not be reached earlier in this run", url)
            return None
        try:
            data = self.fetch(url, self.timeout)
        except SchemaNotFound:
            return None
        except LocationError as exc:
            if cached_data is None or not self._valid_json(cached_data):
                raise
            # stale, but better than nothing; the location is not asked again in this run
            self._offline.add(location)
            day = time.strftime("%Y-%m-%d", time.localtime(cached.stat().st_mtime))
            self.note(location, f"{exc}; using the copies cached until now (this one from {day})", location.text)
            return cached_data
        if self._valid_json(data):
            try:
                cached.parent.mkdir(parents=True, exist_ok=True)
                from .atomic import write_bytes_atomic  # only with a download to keep
                write_bytes_atomic(cached, data)
            except OSError:
                pass  # a read-only cache only costs downloads
        return data

    @staticmethod
    def _valid_json(data: bytes) -> bool:
        try:
            return isinstance(json.loads(data), dict)
        except (ValueError, RecursionError):
            return False

    @staticmethod
    def _parse(data: bytes, ref: str) -> dict:
        try:
            document = json.loads(data)
        except ValueError as exc:
            raise LocationError(f"{ref} is not JSON ({exc})") from None
        except RecursionError:
            raise LocationError(f"{ref} is nested too deeply to be a schema; refused") from None
        if _deeper_than(document, MAX_SCHEMA_DEPTH):  # the validators recurse over the schema
            raise LocationError(f"{ref} is nested deeper than {MAX_SCHEMA_DEPTH} levels; refused")
        if not isinstance(document, dict):
            raise LocationError(f"{ref} is not a JSON schema (not an object)")
        return document

    def _compile(self, document: dict, ref: str):
        from jsonschema import Draft7Validator  # imported only when a catalog schema is used
        from jsonschema.exceptions import SchemaError
        from jsonschema.validators import extend, validator_for

        from .re2regex import RE2_KEYWORDS

        schema = prepare_schema(document, self.strict)
        cls = validator_for(schema, default=Draft7Validator)
        try:
            cls.check_schema(schema)
        except SchemaError as exc:
            raise LocationError(f"{ref} is not a valid JSON schema: {exc.message}") from None
        # patterns in linear time with RE2 (as kubeconform's Go matcher): a downloaded schema is input too
        cls = extend(cls, RE2_KEYWORDS)
        try:
            from referencing import Registry
        except ImportError:  # pragma: no cover - jsonschema < 4.18
            return cls(schema)
        return cls(schema, registry=Registry())  # $refs resolve inside the schema; nothing is fetched
