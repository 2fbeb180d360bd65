"""Hostile schema locations and release records (issue 17): bounded downloads, deep JSON refused with a
finding; the fix preview split at \\n only."""
from __future__ import annotations

import http.server
import threading
import time

import pytest

from k8slint import catalog
from k8slint.fixer.apply import unified_diff
from k8slint.loader import load_text
from k8slint.sources import ReleaseError, decode_release
from k8slint.validation import Validator
from k8slint.versions import resolve

CR = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: 1}\n"
OTHER = "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: 1}\n"


def _check(text, location):
    validator = Validator(resolve("1.30"), False, schema_locations=(str(location),))
    return [f for r in load_text(text, "in.yaml").resources for f in validator.check(r)]


def test_a_deep_catalog_schema_is_a_finding(tmp_path):
    (tmp_path / "example.com").mkdir()
    deep = '{"type": "object", "properties": {"spec": ' + '{"items": ' * 5000 + "{}" + "}" * 5000 + "}}"
    (tmp_path / "example.com" / "widget_v1.json").write_text(deep)
    findings = _check(CR + OTHER, tmp_path)
    assert any("nested" in f.message for f in findings)
    assert any(f.rule_id == "SCH001" and "data.a" in f.json_path for f in findings)  # the run went on


def test_a_catalog_schema_regex_bomb_is_matched_in_linear_time(tmp_path):
    """Python's re backtracks exponentially on ^(a+)+$; the catalog's patterns are RE2, like kubeconform's."""
    (tmp_path / "example.com").mkdir()
    (tmp_path / "example.com" / "widget_v1.json").write_text(
        '{"type": "object", "properties": {"spec": {"type": "object", "properties": {"size": '
        '{"type": "string", "pattern": "^(a+)+$"}}, "patternProperties": {"^(b|b)*$": {"type": "integer"}}}}}')
    long = "a" * 50_000 + "!"
    started = time.monotonic()
    key = "b" * 1_000 + "!"  # (YAML keeps implicit keys under 1,024 characters)
    findings = _check(CR.replace("size: 1", f"size: {long}, {key}: x, bbb: x") + OTHER, tmp_path)
    assert time.monotonic() - started < 5
    by_path = {f.json_path: f.message for f in findings if f.rule_id == "SCH001"}
    assert by_path["spec.size"].endswith("...' does not match '^(a+)+$'") and len(by_path["spec.size"]) < 200
    assert by_path["spec.bbb"] == 'spec.bbb: expected integer, got string "x"'
    assert sorted(by_path) == ["data.a", "spec.bbb", "spec.size"]  # the run went on; the long key matched none


def test_a_catalog_pattern_re2_refuses_makes_the_schema_unusable_not_a_crash(tmp_path):
    (tmp_path / "example.com").mkdir()
    (tmp_path / "example.com" / "widget_v1.json").write_text(
        '{"type": "object", "properties": {"spec": {"properties": {"size": {"pattern": "(?=x)"}}}}}')
    findings = _check(CR.replace("size: 1", "size: text") + OTHER, tmp_path)
    assert any(f.rule_id == "SCH006" and "cannot be applied" in f.message for f in findings)
    assert any(f.rule_id == "SCH001" and "data.a" in f.json_path for f in findings)


def test_a_release_record_nested_100000_levels_is_refused():
    import base64
    import gzip
    deep = ("[" * 100_000 + "]" * 100_000).encode()
    helm = base64.b64encode(gzip.compress(deep)).decode()
    record = {"apiVersion": "v1", "kind": "Secret", "type": "helm.sh/release.v1", "metadata": {"name": "r"},
              "data": {"release": base64.b64encode(helm.encode()).decode()}}
    with pytest.raises(ReleaseError, match="nested too deeply"):
        decode_release(record)


class _Trickle(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's name
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        try:
            while True:  # endless, slow data
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(0.05)
        except OSError:
            pass

    def log_message(self, *args):
        pass


def test_a_download_that_never_ends_is_bounded_in_time(monkeypatch):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Trickle)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setattr(catalog, "FETCH_DEADLINE", 1.0)
    try:
        start = time.monotonic()
        with pytest.raises(catalog.LocationError, match="took longer"):
            catalog.http_get(f"http://127.0.0.1:{server.server_address[1]}/x.json", 0.5)
        assert time.monotonic() - start < 10
    finally:
        server.shutdown()


def test_preview_diff_splits_at_newlines_only():
    before = "a: \"x\u2028y\"\nb: 1\rc: 2\nd: \x85\n"
    after = before.replace("b: 1", "b: 3")
    diff = unified_diff("f.yaml", before, after)
    assert "-b: 1\rc: 2\n+b: 3\rc: 2\n" in diff and "\u2028" in diff
