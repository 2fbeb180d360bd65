"""Schema locations (--schema-location): catalog schemas for custom resources whose CRD is not in the input.
Everything here reads local folders or a fake HTTP fetcher; no test touches the network."""
from __future__ import annotations

import io
import json
import os
import time
import urllib.error
import urllib.request

import pytest

from crdfactory import crd as make_crd
from k8slint import catalog as catalog_module
from k8slint.catalog import (LocationError, SchemaCatalog, SchemaNotFound, check_locations, http_get,
                             parse_location, prepare_schema, template_variables)
from k8slint.loader import load_text
from k8slint.model import Severity
from k8slint.validation import CrdRegistry, Validator
from k8slint.versions import KubeVersion, resolve

CERTIFICATE_SCHEMA = {
    "type": "object",
    "properties": {
        "apiVersion": {"type": "string"},
        "kind": {"type": "string"},
        "metadata": {"type": "object"},
        "spec": {
            "type": "object",
            "required": ["secretName", "issuerRef"],
            "properties": {
                "secretName": {"type": "string"},
                "dnsNames": {"type": "array", "items": {"type": "string"}},
                "issuerRef": {"type": "object", "required": ["name"],
                              "properties": {"name": {"type": "string"}, "kind": {"type": "string"}}},
                "secretTemplate": {"type": "object", "additionalProperties": {"type": "string"}},
                "extra": {"type": "object", "properties": {"a": {"type": "string"}},
                          "x-kubernetes-preserve-unknown-fields": True},
            },
        },
    },
}

CERTIFICATE = """apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: web
spec:
  secretName: web-tls
  dnsNames: [web.example.com]
  issuerRef:
    name: letsencrypt
"""


@pytest.fixture
def catalog_dir(tmp_path):
    root = tmp_path / "catalog"
    (root / "cert-manager.io").mkdir(parents=True)
    (root / "cert-manager.io" / "certificate_v1.json").write_text(json.dumps(CERTIFICATE_SCHEMA))
    return root


def resources(text: str):
    return load_text(text, "in.yaml").resources


def check(text: str, locations=(), strict=False, **kwargs) -> list:
    validator = Validator(resolve("1.30"), strict, schema_locations=tuple(str(loc) for loc in locations), **kwargs)
    return [f for r in resources(text) for f in validator.check(r)]


# ------------------------------------------------------------------------------------------------------
# Locations and templates
# ------------------------------------------------------------------------------------------------------

def test_template_variables_follow_kubeconform():
    v = template_variables("cert-manager.io/v1", "Certificate", KubeVersion(1, 29), strict=True)
    assert v == {"Group": "cert-manager.io", "ResourceKind": "certificate", "ResourceAPIVersion": "v1",
                 "NormalizedKubernetesVersion": "v1.29.0", "StrictSuffix": "-strict",
                 "KindSuffix": "-cert-manager-v1"}
    core = template_variables("v1", "ConfigMap")
    assert (core["Group"], core["ResourceAPIVersion"], core["KindSuffix"]) == ("v1", "v1", "-v1")
    assert core["NormalizedKubernetesVersion"] == "master" and core["StrictSuffix"] == ""


@pytest.mark.parametrize("api_version,kind", [("a/../../etc/v1", "Passwd"), ("x.io/v1", "../kind"),
                                              ("x.io/v1", ""), ("/v1", "X")])
def test_names_that_cannot_be_file_names_are_not_looked_up(api_version, kind):
    assert template_variables(api_version, kind) is None


def test_a_directory_gets_the_catalog_layout(catalog_dir):
    location = parse_location(str(catalog_dir))
    assert not location.remote
    layout = "{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json"
    assert location.template == os.path.join(str(catalog_dir), layout)


@pytest.mark.parametrize("text,template,remote", [
    ("https://example.com/crds/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json",
     "https://example.com/crds/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json", True),
    ("https://example.com/crds/", "https://example.com/crds/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json",
     True),
    ("https://example.com/{{ .NormalizedKubernetesVersion }}-standalone{{.StrictSuffix}}/{{.ResourceKind}}"
     "{{.KindSuffix}}.json", None, True),
    ("file:///srv/schemas/{{.Group}}/{{.ResourceKind}}.json", "/srv/schemas/{{.Group}}/{{.ResourceKind}}.json", False),
    ("schemas/{{.ResourceKind}}-{{.ResourceAPIVersion}}.json", "schemas/{{.ResourceKind}}-{{.ResourceAPIVersion}}.json",
     False),
])
def test_locations_are_parsed(text, template, remote):
    location = parse_location(text)
    assert location.remote is remote
    if template is not None:
        assert location.template == template


@pytest.mark.parametrize("text,message", [
    ("", "empty"),
    ("no/such/dir", "not a directory"),
    ("https://example.com/{{.Kind}}.json", "unknown template variable .Kind"),
    ("https://example.com/{{ Group }}.json", "malformed template"),
    ("ftp://example.com/schemas", "unsupported URL scheme"),
    ("file://remote-host/schemas", "local path"),
])
def test_bad_locations_are_usage_errors(text, message):
    with pytest.raises(ValueError, match=message):
        check_locations([text])


def test_prepare_schema_closes_objects_only_in_strict_mode():
    loose = prepare_schema(CERTIFICATE_SCHEMA, strict=False)
    assert "additionalProperties" not in loose["properties"]["spec"]
    strict = prepare_schema(CERTIFICATE_SCHEMA, strict=True)
    spec = strict["properties"]["spec"]
    assert strict["additionalProperties"] is False and spec["additionalProperties"] is False
    assert spec["properties"]["issuerRef"]["additionalProperties"] is False
    assert spec["properties"]["secretTemplate"]["additionalProperties"] == {"type": "string"}  # kept
    assert "additionalProperties" not in spec["properties"]["extra"]  # preserves unknown fields
    assert "additionalProperties" not in CERTIFICATE_SCHEMA  # the original is not modified


# ------------------------------------------------------------------------------------------------------
# Validation through the Validator
# ------------------------------------------------------------------------------------------------------

def test_without_locations_a_custom_resource_is_sch005():
    (finding,) = check(CERTIFICATE)
    assert finding.rule_id == "SCH005" and "no schema location" not in finding.message


def test_a_valid_custom_resource_from_the_catalog_has_no_finding(catalog_dir):
    assert check(CERTIFICATE, [catalog_dir]) == []


def test_catalog_schema_errors_are_schema_findings(catalog_dir):
    text = CERTIFICATE.replace("dnsNames: [web.example.com]", "dnsNames: web.example.com").replace(
        "    name: letsencrypt\n", "    kind: ClusterIssuer\n")
    findings = check(text, [catalog_dir])
    assert [(f.rule_id, f.json_path, f.line) for f in findings] == [
        ("SCH001", "spec.dnsNames", 7), ("SCH001", "spec.issuerRef", 8)]


def test_strict_mode_reports_unknown_fields_of_catalog_schemas(catalog_dir):
    text = CERTIFICATE + "  secretname: typo\n  extra: {anything: 1}\n  secretTemplate: {x: z}\n"
    assert check(text, [catalog_dir]) == []
    (finding,) = check(text, [catalog_dir], strict=True)
    assert finding.rule_id == "SCH002" and "did you mean 'secretName'" in finding.message
    assert finding.line == 10


def test_locations_are_tried_in_order(tmp_path, catalog_dir):
    first = tmp_path / "first"
    (first / "cert-manager.io").mkdir(parents=True)
    (first / "cert-manager.io" / "certificate_v1.json").write_text(json.dumps(
        {"type": "object", "properties": {"spec": {"type": "string"}}}))
    (finding,) = check(CERTIFICATE, [first, catalog_dir])
    assert finding.json_path == "spec" and "expected string" in finding.message
    assert check(CERTIFICATE, [catalog_dir, first]) == []


def test_a_file_url_template(catalog_dir):
    url = catalog_dir.as_uri() + "/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json"
    assert check(CERTIFICATE, [url]) == []
    bad = CERTIFICATE.replace("secretName: web-tls", "secretName: 5")
    assert [f.json_path for f in check(bad, [url])] == ["spec.secretName"]


def test_the_schema_keyword_picks_the_draft(tmp_path):
    (tmp_path / "example.com").mkdir()
    draft4 = {"$schema": "http://json-schema.org/draft-04/schema#", "type": "object",
              "properties": {"spec": {"type": "object", "properties": {
                  "size": {"type": "integer", "minimum": 1, "exclusiveMinimum": True}}}}}
    (tmp_path / "example.com" / "widget_v1.json").write_text(json.dumps(draft4))
    text = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec:\n  size: SIZE\n"
    assert check(text.replace("SIZE", "1"), [tmp_path])[0].json_path == "spec.size"  # 1 is not > 1 in draft-04
    assert check(text.replace("SIZE", "2"), [tmp_path]) == []


def test_missing_schema_is_sch005_naming_the_locations(catalog_dir):
    (finding,) = check("apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: g}\n", [catalog_dir])
    assert finding.rule_id == "SCH005" and "no schema location has a usable one" in finding.message


def test_ignore_missing_schemas_still_validates_with_the_catalog(catalog_dir):
    bad = CERTIFICATE.replace("secretName: web-tls", "secretName: 5")
    assert [f.rule_id for f in check(bad, [catalog_dir], ignore_missing_schemas=True)] == ["SCH001"]
    assert check("apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: g}\n", [catalog_dir],
                 ignore_missing_schemas=True) == []


def test_a_crd_in_the_input_wins_over_the_catalog(catalog_dir):
    crd = make_crd("{type: object, properties: {spec: {type: string}}}", group="cert-manager.io", kind="Certificate")
    crds = CrdRegistry()
    for r in resources(crd):
        crds.add_resource(r)
    (finding,) = check(CERTIFICATE, [catalog_dir], crds=crds)
    assert finding.json_path == "spec" and finding.rule_id == "SCH001"


def test_builtin_kinds_never_use_the_catalog(tmp_path):
    (tmp_path / "apps").mkdir()
    (tmp_path / "apps" / "deploymnet_v1.json").write_text("{}")
    (finding,) = check("apiVersion: apps/v1\nkind: Deploymnet\nmetadata: {name: x}\n", [tmp_path])
    assert finding.rule_id == "SCH004"


def test_broken_schema_files_are_one_error_each_then_sch005(catalog_dir):
    (catalog_dir / "example.com").mkdir()
    (catalog_dir / "example.com" / "gadget_v1.json").write_text("{not json")
    text = "apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: a}\n---\n" \
           "apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: b}\n"
    findings = check(text, [catalog_dir])
    assert [(f.rule_id, f.obj.name) for f in findings] == [("SCH006", "a"), ("SCH005", "a"), ("SCH005", "b")]
    assert findings[0].severity == Severity.ERROR and "gadget_v1.json is not JSON" in findings[0].message
    assert findings[0].extra["schema_location"] == str(catalog_dir)


@pytest.mark.parametrize("schema,message", [
    ({"type": "object", "properties": {"spec": {"type": "no-such-type"}}}, "not a valid JSON schema"),
    ({"type": "object", "properties": {"spec": {"$ref": "https://elsewhere.example/defs.json"}}}, "cannot be applied"),
    ([1, 2], "not a JSON schema"),
])
def test_unusable_schemas_are_reported_not_raised(tmp_path, schema, message):
    (tmp_path / "example.com").mkdir()
    (tmp_path / "example.com" / "gadget_v1.json").write_text(json.dumps(schema))
    text = "apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: a}\nspec: {x: 1}\n"
    validator = Validator(resolve("1.30"), schema_locations=(str(tmp_path),))
    (resource,) = resources(text)
    first, second = validator.check(resource), validator.check(resource)
    assert [f.rule_id for f in first] == ["SCH006", "SCH005"] and message in first[0].message
    assert [f.rule_id for f in second] == ["SCH005"]


# ------------------------------------------------------------------------------------------------------
# Downloads: cache, 404s and network errors (a fake fetcher; never the network)
# ------------------------------------------------------------------------------------------------------

class FakeWeb:
    def __init__(self, pages=None, down=False):
        self.pages = pages or {}
        self.down = down
        self.calls: list = []

    def __call__(self, url, timeout):
        self.calls.append(url)
        assert timeout == 10.0
        if self.down:
            raise LocationError(f"cannot reach {url}: [Errno 111] Connection refused", offline=True)
        if url not in self.pages:
            raise SchemaNotFound(url)
        return self.pages[url]


URL = "https://schemas.example/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json"
CERT_URL = "https://schemas.example/cert-manager.io/certificate_v1.json"


def remote_catalog(web, cache_dir, *locations) -> SchemaCatalog:
    return SchemaCatalog(locations or (URL,), resolve("1.30"), cache_dir=cache_dir, fetch=web)


def test_downloads_are_cached_on_disk_by_url_hash(tmp_path):
    web = FakeWeb({CERT_URL: json.dumps(CERTIFICATE_SCHEMA).encode()})
    found, problems = remote_catalog(web, tmp_path).lookup("cert-manager.io/v1", "Certificate")
    assert found is not None and found.source == CERT_URL and problems == []
    cached = list(tmp_path.iterdir())
    assert len(cached) == 1 and len(cached[0].stem) == 64 and json.loads(cached[0].read_text()) == CERTIFICATE_SCHEMA
    again, _ = remote_catalog(web, tmp_path).lookup("cert-manager.io/v1", "Certificate")  # a new run
    assert again is not None and web.calls == [CERT_URL]


def test_the_default_cache_follows_xdg_cache_home(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert catalog_module.default_cache_dir() == tmp_path / "k8slint" / "schemas"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert catalog_module.default_cache_dir() == tmp_path / "home" / ".cache" / "k8slint" / "schemas"


def test_old_cache_entries_are_fetched_again(tmp_path):
    web = FakeWeb({CERT_URL: json.dumps(CERTIFICATE_SCHEMA).encode()})
    remote_catalog(web, tmp_path).lookup("cert-manager.io/v1", "Certificate")
    (cached,) = tmp_path.iterdir()
    old = time.time() - catalog_module.CACHE_MAX_AGE - 60
    os.utime(cached, (old, old))
    remote_catalog(web, tmp_path).lookup("cert-manager.io/v1", "Certificate")
    assert web.calls == [CERT_URL, CERT_URL]


def test_a_404_is_remembered_for_the_run_and_not_cached(tmp_path):
    web = FakeWeb()
    catalog = remote_catalog(web, tmp_path)
    assert catalog.lookup("example.com/v1", "Gadget") == (None, [])
    assert catalog.lookup("example.com/v1", "Gadget") == (None, [])
    assert len(web.calls) == 1 and list(tmp_path.iterdir()) == []


def test_an_unreachable_location_is_one_warning_and_is_not_asked_again(tmp_path, catalog_dir):
    web = FakeWeb(down=True)
    catalog = remote_catalog(web, tmp_path, URL, str(catalog_dir))
    found, problems = catalog.lookup("cert-manager.io/v1", "Certificate")
    assert found is not None and found.source.startswith(str(catalog_dir))  # the next location still serves
    assert [p.location for p in problems] == [URL] and "Connection refused" in problems[0].message
    found, problems = catalog.lookup("example.com/v1", "Gadget")  # not asked again, but said once per kind
    assert found is None and [p.location for p in problems] == [URL]
    assert "could not be reached earlier in this run" in problems[0].message
    assert catalog.lookup("example.com/v1", "Gadget") == (None, [])
    assert len(web.calls) == 1


def test_through_the_validator_an_unreachable_location_is_an_error_once(tmp_path):
    catalog = remote_catalog(FakeWeb(down=True), tmp_path)
    validator = Validator(resolve("1.30"), catalog=catalog)
    text = CERTIFICATE + "---\n" + CERTIFICATE.replace("name: web\n", "name: api\n", 1)
    findings = [f for r in resources(text) for f in validator.check(r)]
    assert [(f.rule_id, f.severity, f.obj.name) for f in findings] == [
        ("SCH006", Severity.ERROR, "web"), ("SCH005", Severity.INFO, "web"), ("SCH005", Severity.INFO, "api")]
    assert findings[0].message.startswith(f"schema location {URL}: cannot reach")


def test_an_unreachable_location_is_a_warning_when_told_to_ignore_missing_schemas(tmp_path):
    validator = Validator(resolve("1.30"), catalog=remote_catalog(FakeWeb(down=True), tmp_path),
                          ignore_missing_schemas=True)
    (resource,) = resources(CERTIFICATE)
    assert [(f.rule_id, f.severity) for f in validator.check(resource)] == [("SCH006", Severity.WARNING)]


def test_an_unreachable_location_is_a_warning_when_another_location_serves(tmp_path, catalog_dir):
    validator = Validator(resolve("1.30"), catalog=remote_catalog(FakeWeb(down=True), tmp_path, URL, str(catalog_dir)))
    (resource,) = resources(CERTIFICATE)
    assert [(f.rule_id, f.severity) for f in validator.check(resource)] == [("SCH006", Severity.WARNING)]


def test_a_kind_looked_up_after_the_location_went_down_is_an_error_too(tmp_path, catalog_dir):
    catalog = remote_catalog(FakeWeb(down=True), tmp_path, URL, str(catalog_dir))
    validator = Validator(resolve("1.30"), catalog=catalog)
    gadget = "apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: g}\n"
    findings = [f for r in resources(CERTIFICATE + "---\n" + gadget) for f in validator.check(r)]
    assert [(f.rule_id, f.severity, f.obj.kind) for f in findings] == [
        ("SCH006", Severity.WARNING, "Certificate"),  # the next location served it: nothing unchecked
        ("SCH006", Severity.ERROR, "Gadget"), ("SCH005", Severity.INFO, "Gadget")]


def test_a_run_whose_schema_location_is_down_fails(cli, write, monkeypatch, tmp_path):
    monkeypatch.setattr(catalog_module, "http_get", FakeWeb(down=True))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    path = write("cert.yaml", CERTIFICATE)
    failed = cli(["lint", "--schema-location", URL, path])
    assert failed.code == 1 and "error SCH006 schema location" in failed.out
    assert cli(["lint", "--schema-location", URL, "--ignore-missing-schemas", path]).code == 0


def test_a_stale_copy_serves_when_the_location_is_down(tmp_path):
    remote_catalog(FakeWeb({CERT_URL: json.dumps(CERTIFICATE_SCHEMA).encode()}), tmp_path).lookup(
        "cert-manager.io/v1", "Certificate")
    (cached,) = tmp_path.iterdir()
    old = time.time() - catalog_module.CACHE_MAX_AGE - 60
    os.utime(cached, (old, old))
    found, problems = remote_catalog(FakeWeb(down=True), tmp_path).lookup("cert-manager.io/v1", "Certificate")
    assert found is not None
    assert len(problems) == 1 and "using the copies cached" in problems[0].message


def test_an_unwritable_cache_only_costs_downloads(tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    web = FakeWeb({CERT_URL: json.dumps(CERTIFICATE_SCHEMA).encode()})
    found, problems = remote_catalog(web, blocker / "schemas").lookup("cert-manager.io/v1", "Certificate")
    assert found is not None and problems == []


@pytest.mark.parametrize("error,expected", [
    (urllib.error.HTTPError("u", 404, "Not Found", {}, io.BytesIO()), SchemaNotFound),
    (urllib.error.HTTPError("u", 410, "Gone", {}, io.BytesIO()), SchemaNotFound),
    (urllib.error.HTTPError("u", 503, "Unavailable", {}, io.BytesIO()), LocationError),
    (urllib.error.URLError("Name or service not known"), LocationError),
    (TimeoutError("timed out"), LocationError),
])
def test_http_get_maps_errors(monkeypatch, error, expected):
    def fail(request, timeout):
        assert timeout == 10.0 and request.full_url == "https://schemas.example/x.json"
        raise error
    monkeypatch.setattr(urllib.request, "urlopen", fail)
    with pytest.raises(expected):
        http_get("https://schemas.example/x.json", 10.0)


def test_http_get_refuses_huge_bodies(monkeypatch):
    class Response(io.BytesIO):
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False
    monkeypatch.setattr(catalog_module, "MAX_SCHEMA_BYTES", 10)
    monkeypatch.setattr(urllib.request, "urlopen", lambda request, timeout: Response(b"x" * 100))
    with pytest.raises(LocationError, match="larger than"):
        http_get("https://schemas.example/x.json", 10.0)
