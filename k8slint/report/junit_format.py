"""JUnit XML, the test-report format CI systems show in their test widgets.

`<testsuites>` holds one `<testsuite>` per file and one `<testcase>` per Kubernetes object, named
"Kind/namespace/name (apiVersion)" with the file as its classname. An object fails when it has a finding at or
above the failing level (error unless `fail_on` says otherwise): one `<failure>` whose message and type are
those of its first such finding and whose text lists them all as `file:line:col: severity RULE message`.
Findings below the level go to `<system-out>`. Findings about a file's text rather than an object form a
testcase named "<file> (file)". Objects without findings pass; they are known only when the result has an
`objects` attribute (a list of (file, ObjectRef)), otherwise testcases come from the findings alone.

The layout is the one the Jenkins xunit plugin's strict junit-10.xsd accepts (tests/test_ci_formats.py checks
it) and GitLab reads: the file is the testcase's classname and the testsuite's `file`, never an attribute of
the testcase, and `<testsuites>` carries tests, failures and errors but no skipped count.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from ..model import Severity

# Characters XML 1.0 does not allow at all, even as character references; shown as \xNN (\uNNNN) instead.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text) -> str:
    return _FORBIDDEN.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                          else f"\\u{ord(m.group()):04x}", str(text))


def _line(f) -> str:
    return f"{f.file}:{f.line}:{f.column}: {f.severity} {f.rule_id} {f.message}"


def testcase_name(file: str, obj) -> str:
    if obj is None:
        return f"{file} (file)"
    return f"{obj.label()} ({obj.api_version})" if obj.api_version else obj.label()


def _parse_level(value) -> Severity:
    if isinstance(value, Severity):
        return value
    return Severity.parse(str(value)) if value else Severity.ERROR


def _element(tag: str, parent=None, **attrs) -> ET.Element:
    clean = {k: xml_text(v) for k, v in attrs.items()}
    return ET.Element(tag, clean) if parent is None else ET.SubElement(parent, tag, clean)


def render(result, fail_on=Severity.ERROR, **_) -> str:
    level = _parse_level(fail_on)
    # file -> {object (None for the file itself) -> findings}, files and objects in first-seen order
    files: dict = {}
    for file, obj in getattr(result, "objects", None) or []:
        files.setdefault(file, {}).setdefault(obj, [])
    for f in result.findings:
        files.setdefault(f.file, {}).setdefault(f.obj, []).append(f)

    root = _element("testsuites", name="k8slint")
    totals = {"tests": 0, "failures": 0}
    for file, cases in files.items():
        suite = _element("testsuite", root, name=file, file=file)
        if getattr(result, "config_file", None):  # JUnit has no run-level summary: each suite says it
            _element("property", _element("properties", suite), name="k8slint.config_file",
                     value=result.config_file)
        failures = 0
        for obj, findings in cases.items():
            case = _element("testcase", suite, name=testcase_name(file, obj), classname=file)
            failing = [f for f in findings if f.severity >= level]
            other = [f for f in findings if f.severity < level]
            if failing:
                failures += 1
                failure = _element("failure", case, message=failing[0].message, type=failing[0].rule_id)
                failure.text = xml_text("\n".join(_line(f) for f in failing))
            if other:
                out = _element("system-out", case)
                out.text = xml_text("\n".join(_line(f) for f in other))
        for key, value in (("tests", len(cases)), ("failures", failures), ("errors", 0), ("skipped", 0)):
            suite.set(key, str(value))
        totals["tests"] += len(cases)
        totals["failures"] += failures
    root.set("tests", str(totals["tests"]))
    root.set("failures", str(totals["failures"]))
    root.set("errors", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
