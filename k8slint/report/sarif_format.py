"""SARIF 2.1.0 (OASIS), the format GitHub code scanning and other code-scanning tools import.

One run; `tool.driver.rules` lists the rules that have results, in the order `k8slint rules` lists them, each
with its documentation (all 190+ would be most of the file) and `helpUri`, its page (see docs_base). Each result points at the finding's file by a
URI relative to `%SRCROOT%`, the repository root (see projectroot), which `originalUriBaseIds` gives as an
absolute file: URI, and carries the object and JSON path as logical
locations, plus a partial fingerprint that does not depend on the line, so code scanning can follow an alert
when lines above it move.
"""
from __future__ import annotations

import hashlib
from ..jsontext import dumps
import os
import pathlib
from urllib.parse import quote

from .. import __version__
from ..model import Severity
from . import STDIN_LABEL, relative_path
from .places import ci_place

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "k8slintFinding/v1"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def artifact_location(file: str, root=None) -> dict:
    """The artifactLocation of a finding's file: a percent-encoded relative reference against %SRCROOT% when
    the file is inside the root, an absolute file: URI otherwise, "stdin" for standard input."""
    if file == STDIN_LABEL:
        return {"uri": "stdin"}
    path, relative = relative_path(file, root)
    if relative:
        return {"uri": quote(path, safe="/", errors="surrogateescape"), "uriBaseId": SRCROOT}
    return {"uri": pathlib.Path(path).as_uri()}


def _object_key(obj) -> str:
    if obj is None:
        return ""
    return "\x1f".join(part or "" for part in (obj.api_version, obj.kind, obj.namespace, obj.name))


def _fingerprint(finding, uri: str) -> str:
    parts = [finding.rule_id, uri, finding.json_path, _object_key(finding.obj)]
    if finding.obj is None and not finding.json_path:
        # about the text itself (a syntax error ...): nothing but the document and the message tells it apart
        parts += [str(finding.doc_index), finding.message]
    return hashlib.sha256("\x1e".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:32]


DOCS_URL_VARIABLE = "K8SLINT_DOCS_URL"


# Set by GitHub Actions, GitLab CI and most other CI services: there the SARIF file is read on another machine
CI_VARIABLES = ("GITHUB_ACTIONS", "CI")


def running_in_ci() -> bool:
    return any(os.environ.get(name, "").lower() not in ("", "0", "false") for name in CI_VARIABLES)


def docs_base(docs_url: str | None = None) -> str | None:
    """The URL the rule pages are under (`ID.md` appended): --docs-url, else $K8SLINT_DOCS_URL, else the
    pages shipped with k8slint (a file: URI, which local SARIF viewers open), else None. k8slint has no
    published home to link to, and in CI a file: URI names the runner's disk, a dead link in the code-scanning
    page: there rules carry no helpUri unless one is given (their `help` text is in the file anyway)."""
    base = docs_url or os.environ.get(DOCS_URL_VARIABLE)
    if not base:
        if running_in_ci():
            return None
        from ..datadir import rule_docs_dir
        pages = rule_docs_dir()
        return root_uri(pages) if pages is not None else None
    return base if base.endswith("/") else base + "/"


def _rule_descriptor(rule, base: str | None = None) -> dict:
    from ..docgen import documented
    from ..rules.docs import render_rule_markdown, render_rule_text

    meta = documented(rule).meta  # the docs users read, with what `k8slint fix` does
    out = {
        "id": meta.id,
        "name": meta.name,
        "shortDescription": {"text": meta.title},
        "fullDescription": {"text": meta.docs.what},
        "help": {"text": render_rule_text(meta), "markdown": render_rule_markdown(meta)},
        **({"helpUri": f"{base}{quote(meta.id)}.md"} if base else {}),
        "defaultConfiguration": {"level": LEVELS[meta.severity]},
        "properties": {"tags": [meta.family]},
    }
    if meta.versions:
        out["properties"]["kubernetesVersions"] = meta.versions
    return out


def _logical_locations(finding) -> list:
    out = []
    if finding.obj is not None:
        obj = finding.obj
        out.append({"kind": "resource", "name": obj.name or "<unnamed>", "fullyQualifiedName": obj.label(),
                    "properties": {k: v for k, v in obj.as_dict().items() if v is not None}})
    if finding.json_path:
        out.append({"kind": "property", "name": finding.json_path, "fullyQualifiedName": finding.json_path})
    return out


def _result(finding, rule_index: dict, seen: dict, root) -> dict:
    file, line, column, lead = ci_place(finding, root)
    location = artifact_location(file, root)
    physical: dict = {"artifactLocation": location}
    if line >= 1:
        region = {"startLine": line}
        if column >= 1:
            region["startColumn"] = column
        physical["region"] = region
    loc: dict = {"physicalLocation": physical}
    logical = _logical_locations(finding)
    if logical:
        loc["logicalLocations"] = logical
    fingerprint = _fingerprint(finding, location["uri"])
    seen[fingerprint] = seen.get(fingerprint, 0) + 1
    if seen[fingerprint] > 1:  # the same problem twice in one place: keep both alerts apart, stably
        fingerprint += f":{seen[fingerprint]}"
    out: dict = {"ruleId": finding.rule_id}
    if finding.rule_id in rule_index:
        out["ruleIndex"] = rule_index[finding.rule_id]
    out.update({
        "level": LEVELS[finding.severity],
        "message": {"text": lead + finding.message},
        "locations": [loc],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
    })
    properties = {}
    if finding.suggestion:
        properties["suggestion"] = " ".join(finding.suggestion.split())
    if finding.json_path:
        properties["jsonPath"] = finding.json_path
    properties.update({k: v for k, v in finding.extra.items() if k not in properties})
    if properties:
        out["properties"] = properties
    return out


def root_uri(root=None) -> str:
    """The absolute file: URI of the root directory, ending in a slash as SARIF requires of a base URI."""
    uri = pathlib.Path(os.path.abspath(root if root is not None else os.getcwd())).as_uri()
    return uri if uri.endswith("/") else uri + "/"


def sarif_log(result, root=None, docs_url: str | None = None) -> dict:
    from ..rules import all_rules

    used = {f.rule_id for f in result.findings}
    rules = [rule for rule in all_rules() if rule.id in used]
    rule_index = {rule.id: i for i, rule in enumerate(rules)}
    base = docs_base(docs_url) if rules else None
    seen: dict = {}
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "k8slint", "version": __version__,
                                "rules": [_rule_descriptor(rule, base) for rule in rules]}},
            "originalUriBaseIds": {SRCROOT: {"uri": root_uri(root),
                                             "description": {"text": "The repository root."}}},
            "columnKind": "unicodeCodePoints",
            "results": [_result(f, rule_index, seen, root) for f in result.findings],
            **({"properties": {"configFile": result.config_file}} if getattr(result, "config_file", None) else {}),
        }],
    }


def render(result, root=None, docs_url=None, **_) -> str:
    return dumps(sarif_log(result, root, docs_url)) + "\n"
