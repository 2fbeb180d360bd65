"""Configuration: `[tool.k8slint]` in pyproject.toml or `.k8slint.yaml`, merged with command-line options.

The file is found by walking up from the current directory (`--config` names one). Command-line options
override the file; every effective value remembers where it came from, so `k8slint config` can say.
Paths in a configuration file (exclude, per-path-ignores, crd, schema-location directories) are relative to
the file's directory.
"""
from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from .lazyre import lazy
from .loader import DEFAULT_MAX_FILE_SIZE
from .model import FACTORY, field, record, set_frozen

CONFIG_FILES = (".k8slint.yaml", ".k8slint.yml", "pyproject.toml")


@record(frozen=True)
class Key:
    """A configuration option: its name, the kind of its value, its default and a line of help."""

    name: str
    kind: str  # str, bool, int, list, dict
    default: object
    help: str

    def __init__(self, name, kind, default, help):  # noqa: A002 (the field's name)
        set_frozen(self, "name", name)
        set_frozen(self, "kind", kind)
        set_frozen(self, "default", default)
        set_frozen(self, "help", help)


KEYS = {k.name: k for k in (
    Key("target-version", "str", None, "Kubernetes version to validate for and judge deprecations from"),
    Key("current-version", "str", None, "Kubernetes version the cluster runs now"),
    Key("strict", "bool", False, "report fields the schema does not know"),
    Key("select", "list", [], "only these rule ids or prefixes"),
    Key("ignore", "list", [], "skip these rule ids or prefixes"),
    Key("severity", "dict", {}, "rule id or prefix -> error, warning or info"),
    Key("fail-on", "str", "error", "lowest severity that makes the exit code 1"),
    Key("exclude", "list", [], "glob patterns (gitignore-like) of files and directories not to read"),
    Key("per-path-ignores", "dict", {}, "glob pattern -> rule ids or prefixes ignored in matching files"),
    Key("crd", "list", [], "CRD files, directories or globs that give custom resources their schema"),
    Key("discover-crds", "bool", False, "also use every CRD found in the repository (see root)"),
    Key("root", "str", None, "repository root: CI report paths are relative to it (default: git top level)"),
    Key("schema-location", "list", [], "directories or URL templates of extra (CRD) JSON schemas"),
    Key("ignore-missing-schemas", "bool", False, "do not report kinds without a schema"),
    Key("max-file-size", "int", DEFAULT_MAX_FILE_SIZE, "refuse files larger than this many bytes"),
    Key("jobs", "int", None, "processes to spread files over (default: one per idle core, one unless two are idle)"),
)}
PATH_KEYS = ("crd",)


class ConfigError(Exception):
    """A configuration file that cannot be used (a usage error, exit code 2)."""


@record
class Setting:
    """An option's effective value and where it came from."""

    value: object
    source: str  # "default", "command line" or the configuration file's path

    def __init__(self, value, source):
        self.value = value
        self.source = source


@record
class Config:
    """Every option's Setting, and the configuration file read (None: none)."""

    settings: dict = field(default_factory=dict)
    file: Path | None = None

    def __init__(self, settings=FACTORY, file=None):
        self.settings = {} if settings is FACTORY else settings
        self.file = file

    def __getitem__(self, name: str):
        return self.settings[name].value

    @property
    def base_dir(self) -> Path:
        return self.file.parent if self.file else Path.cwd()


# A configuration file is input too (found by walking up, possibly planted by someone else): it is read
# within bounds and any problem with it is a ConfigError naming the file, line and column.
MAX_CONFIG_BYTES = 1 << 20
MAX_CONFIG_NODES = 10_000  # values after alias expansion: an alias bomb stops here
MAX_CONFIG_DEPTH = 32
# Above this, --max-file-size is no limit at all and no longer fits the reading code (a usage error).
MAX_FILE_SIZE_LIMIT = 1 << 40


def find_config_file(start: Path | None = None) -> Path | None:
    """The nearest .k8slint.yaml/.yml or pyproject.toml with a [tool.k8slint] table, walking up. One owned by
    another user is refused, as git refuses a repository owned by someone else: a configuration planted in a
    shared parent directory (/tmp, a CI workspace) could turn every check off."""
    here = (start or Path.cwd()).resolve()
    for directory in (here, *here.parents):
        for name in CONFIG_FILES:
            candidate = directory / name
            if not candidate.is_file():
                continue
            owner = _foreign_owner(candidate)
            if owner is not None:  # not parsed at all: only a pyproject.toml that never names us is passed over
                if name == "pyproject.toml" and not _mentions_k8slint(candidate):
                    continue
                raise ConfigError(f"{candidate}: refusing a configuration file owned by another user (uid "
                                  f"{owner}); it was found by searching the parent directories. Name it with "
                                  "--config to use it")
            if name == "pyproject.toml" and not _pyproject_has_table(candidate):
                continue
            return candidate
    return None


def _trusted_uids() -> set:
    uid = os.geteuid()
    trusted = {uid}
    if uid == 0 and os.environ.get("SUDO_UID", "").isdigit():  # `sudo k8slint` in one's own checkout
        trusted.add(int(os.environ["SUDO_UID"]))
    return trusted


def _foreign_owner(path: Path) -> int | None:
    """The owner's uid when another user owns the file, else None."""
    if not hasattr(os, "geteuid"):  # Windows: no owner uid to compare
        return None
    owner = path.stat().st_uid
    return None if owner in _trusted_uids() else owner


def _mentions_k8slint(path: Path) -> bool:
    from .loader import read_limited
    try:
        return b"k8slint" in read_limited(str(path), 4 * MAX_CONFIG_BYTES)
    except OSError:
        return False


def _read_config_text(path: Path) -> str:
    """The file's text: UTF-8 (a byte-order mark allowed), at most MAX_CONFIG_BYTES."""
    from .loader import read_limited
    try:
        data = read_limited(str(path), MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigError(f"{path}: larger than {MAX_CONFIG_BYTES:,} bytes; not a configuration file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[:exc.start]
        line, column = before.count(b"\n") + 1, exc.start - (before.rfind(b"\n") + 1) + 1
        raise ConfigError(f"{path}:{line}:{column}: not valid UTF-8 (byte 0x{data[exc.start]:02x}); "
                          "configuration files must be UTF-8") from None


_TOML_POSITION = lazy(r"\s*\(at line (\d+), column (\d+)\)$")


def _load_toml(path: Path, text: str | None = None) -> dict:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    text = _read_config_text(path) if text is None else text
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        m = _TOML_POSITION.search(message)
        where = f"{path}:{m.group(1)}:{m.group(2)}" if m else str(path)
        raise ConfigError(f"{where}: not valid TOML: {message[:m.start()] if m else message}") from None
    except RecursionError:
        raise ConfigError(f"{path}: nested too deeply to be a configuration") from None


_K8SLINT_TABLE = lazy(r"^\s*\[\s*tool\s*\.\s*[\"']?k8slint\b|^\s*tool\s*\.\s*k8slint\b", re.M)


# The spellings a [tool.k8slint] table can take, without an escape in a quoted key: a `tool.k8slint` dotted
# key or header (quoted parts and spaces around the dot allowed), a `[tool]` table (k8slint may be a key in
# it), or an inline table assigned to `tool`.
_TOOL_K8SLINT = lazy(r"""tool["']?\s*\.\s*["']?k8slint|\[\s*["']?tool["']?\s*\]|tool["']?\s*=\s*\{""")


def _may_have_table(text: str) -> bool:
    """False when the text cannot hold a [tool.k8slint] table (nor be an error for us if it does not
    parse), decided without parsing it: the common pyproject.toml (a Python project's, naming other
    tools) then costs no TOML parser (tomllib's import and regular expressions, ~7 ms of a one-file lint).
    Never False for a text that has the table; a True only means it is parsed."""
    if "\\" in text:
        return True  # an escape may spell any key (`"k8s\\u006cint"`)
    if "k8slint" not in text:
        return False  # neither a table of ours nor a mention of it (a parse error would be passed over)
    return _TOOL_K8SLINT.search(text) is not None


def _pyproject_has_table(path: Path) -> bool:
    """Whether the pyproject.toml has a [tool.k8slint] table. A file that does not parse is someone else's
    problem unless it mentions our table: then it is an error, not a silently ignored configuration."""
    try:
        text = _read_config_text(path)
    except ConfigError:  # unreadable, too large or not UTF-8: an error only if it is meant for us
        if not _mentions_k8slint(path):
            return False
        raise
    if not _may_have_table(text):
        return False
    try:
        tool = _load_toml(path, text).get("tool", {})
    except ConfigError:
        if _K8SLINT_TABLE.search(text):
            raise
        return False
    return isinstance(tool, dict) and "k8slint" in tool


def _toml_key_position(text: str, key: str) -> str | None:
    """"line:column" of `key` inside the [tool.k8slint] table (or of its own [tool.k8slint.KEY] table):
    tomllib gives no positions, and a complaint about a value should still say where it is."""
    in_table = False
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("["):
            header = re.sub(r"[\s\"']", "", stripped.split("#")[0])
            if header in (f"[tool.k8slint.{key}]", f"[[tool.k8slint.{key}]]"):
                return f"{number}:{line.index('[') + 1}"
            in_table = header == "[tool.k8slint]"
        elif in_table and re.match(rf"[\"']?{re.escape(key)}[\"']?\s*[=.]", stripped):
            return f"{number}:{line.index(stripped[0]) + 1}"
    return None


def _load_yaml_config(path: Path) -> tuple:
    """(mapping, key -> "line:column") of a .k8slint.yaml, read with ruamel.yaml's round-trip loader so that
    every complaint about the file can name the line and column of the option (YAML 1.2: `yes` is text)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError

    text = _read_config_text(path)
    deep_line = _yaml_too_deep(text)
    if deep_line is not None:
        raise ConfigError(f"{path}:{deep_line}:1: nested deeper than {MAX_CONFIG_DEPTH} levels; refused")
    try:
        raw = YAML(typ="rt").load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark is not None else str(path)
        what = exc.problem + (f" ({exc.context})" if exc.context else "") if exc.problem else str(exc)
        raise ConfigError(f"{where}: {' '.join(what.split())}") from None
    except RecursionError:
        raise ConfigError(f"{path}: nested too deeply to be a configuration") from None
    except Exception as exc:  # ruamel.yaml raises odd errors on odd input (a merge key that merges itself)
        raise ConfigError(f"{path}: not a usable YAML file ({' '.join(str(exc).split())})") from None
    positions = {}
    if isinstance(raw, dict) and hasattr(raw, "lc"):
        for key in raw:
            line, column = raw.lc.key(key)
            positions[key] = f"{line + 1}:{column + 1}"
    try:
        return (_Plain().convert(raw, 0) if raw is not None else {}), positions
    except _TooBig as exc:
        raise ConfigError(f"{path}: {exc}") from None


def _yaml_too_deep(text: str) -> int | None:
    """The line where collections nest deeper than MAX_CONFIG_DEPTH, from libyaml's flat event stream:
    ruamel.yaml composes recursively and slows down quadratically long before its recursion limit."""
    import yaml
    depth = 0
    try:
        for event in yaml.parse(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_CONFIG_DEPTH:
                    return event.start_mark.line + 1
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    except yaml.YAMLError as exc:
        if "nesting" in str(getattr(exc, "problem", "")):  # libyaml's own limit, met while scanning ahead
            mark = getattr(exc, "problem_mark", None)
            return mark.line + 1 if mark is not None else 1
        return None  # a syntax error: ruamel.yaml reports it with its position
    return None


class _TooBig(Exception):
    pass


class _Plain:
    """ruamel.yaml's commented containers -> plain dicts, lists and scalars, within MAX_CONFIG_NODES values
    (aliases are expanded here) and MAX_CONFIG_DEPTH levels."""

    def __init__(self):
        self.nodes = 0

    def convert(self, value, depth: int):
        self.nodes += 1
        if self.nodes > MAX_CONFIG_NODES:
            raise _TooBig(f"more than {MAX_CONFIG_NODES:,} values once aliases are expanded; refused")
        if depth > MAX_CONFIG_DEPTH:
            raise _TooBig(f"nested deeper than {MAX_CONFIG_DEPTH} levels; refused")
        if isinstance(value, dict):
            return {str(k): self.convert(v, depth + 1) for k, v in value.items()}
        if isinstance(value, list):
            return [self.convert(v, depth + 1) for v in value]
        if isinstance(value, bool) or value is None:
            return value
        if isinstance(value, int):
            return int(value)
        if isinstance(value, float):
            return float(value)
        return str(value) if isinstance(value, str) else value


def read_config_file(path: Path) -> dict:
    """The raw table of a configuration file, keys normalised to kebab-case and checked."""
    positions: dict = {}
    if path.name == "pyproject.toml" or path.suffix == ".toml":
        text = _read_config_text(path)
        tool = _load_toml(path, text).get("tool", {})
        raw = tool.get("k8slint", {}) if isinstance(tool, dict) else None
        if isinstance(raw, dict):
            positions = {key: where for key in raw if (where := _toml_key_position(text, str(key)))}
    else:
        raw, positions = _load_yaml_config(path)
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: the configuration must be a mapping of option names to values")
    out = {}
    for key, value in raw.items():
        where = f"{path}:{positions[key]}" if key in positions else str(path)
        name = str(key).replace("_", "-")
        if name == "kubernetes-version":
            name = "target-version"
        if name not in KEYS:
            raise ConfigError(f"{where}: unknown option {key!r} (known: {', '.join(sorted(KEYS))})")
        out[name] = _coerce(KEYS[name], value, where)
    return out


def _coerce(key: Key, value, location: str):
    where = f"{location}: option {key.name!r}"
    if key.kind == "str":
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            raise ConfigError(f"{where} must be quoted text (YAML and TOML read 1.10 as the number 1.1)")
        if not isinstance(value, str):
            raise ConfigError(f"{where} must be text")
        return value
    if key.kind == "bool":
        if not isinstance(value, bool):
            raise ConfigError(f"{where} must be true or false")
        return value
    if key.kind == "int":
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            raise ConfigError(f"{where} must be a positive integer")
        if value > MAX_FILE_SIZE_LIMIT:
            raise ConfigError(f"{where} must be at most {MAX_FILE_SIZE_LIMIT:,}")
        return value
    if key.kind == "list":
        if isinstance(value, str):
            value = [p.strip() for p in value.split(",") if p.strip()]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where} must be a list of strings")
        return value
    if not isinstance(value, dict):
        raise ConfigError(f"{where} must be a mapping")
    out = {}
    for k, v in value.items():
        if key.name == "per-path-ignores":
            v = [p.strip() for p in v.split(",")] if isinstance(v, str) else v
            if not isinstance(v, list):
                raise ConfigError(f"{where}: {k!r} must map to a list of rule ids")
        elif not isinstance(v, str):
            raise ConfigError(f"{where}: {k!r} must map to text")
        out[str(k)] = v
    return out


def build_config(cli_values: dict, config_path: Path | None = None, search: bool = True) -> Config:
    """Defaults < configuration file < command line. `cli_values` holds only options the user gave."""
    path = config_path
    if path is None and search:
        path = find_config_file()
    file_values = read_config_file(path) if path else {}
    config = Config(file=path.resolve() if path else None)
    for name, key in KEYS.items():
        if name in cli_values and cli_values[name] is not None:
            config.settings[name] = Setting(cli_values[name], "command line")
        elif name in file_values:
            value = file_values[name]
            if name in PATH_KEYS:
                value = [str(config.base_dir / v) for v in value]
            elif name == "root":
                value = str(config.base_dir / value)
            elif name == "schema-location":  # directories are relative to the file; URL templates are not
                value = [v if "://" in v else str(config.base_dir / v) for v in value]
            config.settings[name] = Setting(value, str(path))
        else:
            config.settings[name] = Setting(key.default, "default")
    return config


def key_position(path: Path, name: str) -> str | None:
    """"line:column" of option `name` in a configuration file, for messages about its value (read again:
    only a run that is about to fail asks)."""
    spellings = {name, name.replace("-", "_")} | ({"kubernetes-version", "kubernetes_version"}
                                                   if name == "target-version" else set())
    try:
        if path.name == "pyproject.toml" or path.suffix == ".toml":
            text = _read_config_text(path)
            return next((where for key in sorted(spellings) if (where := _toml_key_position(text, key))), None)
        _, positions = _load_yaml_config(path)
    except (ConfigError, OSError):
        return None
    return next((where for key, where in positions.items() if str(key) in spellings), None)


def where_set(config: Config, name: str, option: str) -> str:
    """Where a value came from, for a message about it: `--select` from the command line, else
    `FILE:LINE:COLUMN: select` from the configuration file."""
    setting = config.settings[name]
    if setting.source in ("command line", "default") or config.file is None:
        return option
    position = key_position(config.file, name)
    return f"{setting.source}:{position}: {name}" if position else f"{setting.source}: {name}"


def describe(config: Config, searched: bool = True) -> str:
    """What `k8slint config` prints: the effective values as a [tool.k8slint] table (valid TOML, to paste
    into pyproject.toml), each with where it came from; unset values are commented out."""
    lines = [f"# configuration file: {config.file or 'none found'}"]
    if config.file is not None and searched:
        lines += [f"# {line}" for line in _passed_over(config.file)]
    lines.append("[tool.k8slint]")
    for name, setting in config.settings.items():
        if setting.value is None:
            lines.append(f"# {name} = (unset)    # {setting.source}")
        else:
            lines.append(f"{name} = {_toml_value(setting.value)}    # {setting.source}")
    return "\n".join(lines) + "\n"


def _passed_over(chosen: Path) -> list:
    """The other configuration files of the chosen one's directory, which it wins over (read first)."""
    out = []
    for name in CONFIG_FILES:
        other = chosen.parent / name
        if other.name == chosen.name or not other.is_file():
            continue
        if name == "pyproject.toml" and not _pyproject_has_table(other):
            continue
        out.append(f"{other} is not read: {chosen.name} comes first ({' > '.join(CONFIG_FILES)})")
    return out


def _toml_value(value) -> str:
    import json
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        inner = ", ".join(f"{json.dumps(str(k))} = {_toml_value(v)}" for k, v in value.items())
        return "{ " + inner + " }" if inner else "{}"
    # a JSON string is a TOML basic string, except for DEL, which TOML wants escaped
    return json.dumps(str(value), ensure_ascii=False).replace("\x7f", "\\u007f")


def glob_to_regex(pattern: str) -> re.Pattern:
    """gitignore-like globs: `**` crosses directories, `*` and `?` do not; a pattern without a slash matches
    a file or directory name at any depth; a trailing slash matches a directory and all below it."""
    pat = pattern.strip().rstrip("/")
    anchored = "/" in pat
    pat = pat.lstrip("/")
    out, i = "", 0
    while i < len(pat):
        if pat.startswith("**/", i):
            out += "(?:.*/)?"
            i += 3
        elif pat.startswith("**", i):
            out += ".*"
            i += 2
        elif pat[i] == "*":
            out += "[^/]*"
            i += 1
        elif pat[i] == "?":
            out += "[^/]"
            i += 1
        else:
            out += re.escape(pat[i])
            i += 1
    prefix = "" if anchored else "(?:.*/)?"
    return re.compile(f"^{prefix}{out}(?:/.*)?$")  # a matching directory covers everything below it


class PathMatcher:
    """Matches paths against globs relative to a base directory (the configuration file's)."""

    def __init__(self, patterns, base_dir: Path):
        self.base_dir = base_dir.resolve()
        self.regexes = [(p, glob_to_regex(p)) for p in patterns]

    def relative(self, path) -> str:
        p = Path(path)
        try:
            return p.resolve().relative_to(self.base_dir).as_posix()
        except (ValueError, OSError):
            return p.as_posix()

    def matching(self, path) -> list:
        rel = self.relative(path)
        return [p for p, rx in self.regexes if rx.match(rel)]

    def __call__(self, path) -> bool:
        return bool(self.matching(path))
