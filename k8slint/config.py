"""Configuration: `[tool.k8slint]` in pyproject.toml or `.k8slint.yaml`, merged with command-line options.

The file is found by walking up from the current directory (`--config` names one). Command-line options
override the file; every effective value remembers where it came from, so `k8slint config` can say.
Paths in a configuration file (exclude, per-path-ignores, crd, schema-location directories) are relative to
the file's directory.
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .loader import DEFAULT_MAX_FILE_SIZE

CONFIG_FILES = (".k8slint.yaml", ".k8slint.yml", "pyproject.toml")


@dataclass(frozen=True)
class Key:
    name: str
    kind: str  # str, bool, int, list, dict
    default: object
    help: str


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
    Key("jobs", "int", None, "processes to spread files over (default: the number of cores)"),
)}
PATH_KEYS = ("crd",)


class ConfigError(Exception):
    """A configuration file that cannot be used (a usage error, exit code 2)."""


@dataclass
class Setting:
    value: object
    source: str  # "default", "command line" or the configuration file's path


@dataclass
class Config:
    settings: dict = field(default_factory=dict)
    file: Path | None = None

    def __getitem__(self, name: str):
        return self.settings[name].value

    @property
    def base_dir(self) -> Path:
        return self.file.parent if self.file else Path.cwd()


def find_config_file(start: Path | None = None) -> Path | None:
    """The nearest .k8slint.yaml/.yml or pyproject.toml with a [tool.k8slint] table, walking up."""
    here = (start or Path.cwd()).resolve()
    for directory in (here, *here.parents):
        for name in CONFIG_FILES:
            candidate = directory / name
            if not candidate.is_file():
                continue
            if name != "pyproject.toml" or _pyproject_has_table(candidate):
                return candidate
    return None


def _load_toml(path: Path) -> dict:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path}: {exc}") from None


def _pyproject_has_table(path: Path) -> bool:
    try:
        return "k8slint" in _load_toml(path).get("tool", {})
    except ConfigError:
        return False


def _load_yaml_config(path: Path) -> tuple:
    """(mapping, key -> "line:column") of a .k8slint.yaml, read with ruamel.yaml's round-trip loader so that
    every complaint about the file can name the line and column of the option (YAML 1.2: `yes` is text)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        raw = YAML(typ="rt").load(path.read_text(encoding="utf-8"))
    except (OSError, YAMLError) as exc:
        raise ConfigError(f"{path}: {' '.join(str(exc).split())}") from None
    positions = {}
    if isinstance(raw, dict) and hasattr(raw, "lc"):
        for key in raw:
            line, column = raw.lc.key(key)
            positions[key] = f"{line + 1}:{column + 1}"
    return (_plain(raw) if raw is not None else {}), positions


def _plain(value):
    """ruamel.yaml's commented containers -> plain dicts, lists and scalars."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
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
        raw = _load_toml(path).get("tool", {}).get("k8slint", {})
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


def describe(config: Config) -> str:
    """What `k8slint config` prints: each effective value and where it came from."""
    lines = [f"# configuration file: {config.file or 'none found'}"]
    for name, setting in config.settings.items():
        lines.append(f"{name} = {_show(setting.value)}    # {setting.source}")
    return "\n".join(lines) + "\n"


def _show(value) -> str:
    if value is None:
        return "(unset)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_show(v)}" for k, v in value.items()) + "}"
    return str(value)


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
