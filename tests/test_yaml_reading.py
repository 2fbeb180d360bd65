"""The loader reads YAML the way Kubernetes does and keeps every node's position."""
from __future__ import annotations

import math

import pytest

from k8slint.loader import decode, load_text
from k8slint.model import format_json_path
from k8slint.yamlread import parse_documents
from k8slint.yamlscalars import YAML11_ONLY_BOOLEANS, resolve_plain


@pytest.mark.parametrize("text,expected", [
    # go-yaml v2 (sigs.k8s.io/yaml) reads these YAML 1.1 words as booleans ...
    ("yes", True), ("Yes", True), ("YES", True), ("on", True), ("On", True), ("ON", True), ("y", True),
    ("Y", True), ("true", True), ("True", True), ("TRUE", True),
    ("no", False), ("No", False), ("NO", False), ("off", False), ("Off", False), ("OFF", False),
    ("n", False), ("N", False), ("false", False),
    # ... but not these
    ("yEs", "yEs"), ("oN", "oN"), ("enabled", "enabled"),
    # nulls
    ("~", None), ("null", None), ("Null", None), ("NULL", None), ("", None),
    # integers: decimal, octal with a leading 0, hex, binary, underscores; floats
    ("42", 42), ("-7", -7), ("+3", 3), ("0777", 511), ("0o17", 15), ("0x1F", 31), ("0b101", 5),
    ("1_000", 1000), ("1.5", 1.5), ("1e3", 1000.0), (".5", 0.5), ("08", 8.0),
    # strings Kubernetes keeps as strings: dates, sexagesimal, versions, quantities
    ("2024-01-01", "2024-01-01"), ("2024-01-01T10:00:00Z", "2024-01-01T10:00:00Z"), ("1:20", "1:20"),
    ("1.2.3", "1.2.3"), ("500m", "500m"), ("1Gi", "1Gi"), ("0x", "0x"), ("-", "-"),
])
def test_plain_scalars_follow_go_yaml_v2(text, expected):
    value = resolve_plain(text)
    assert value == expected and type(value) is type(expected)


def test_infinity_words_stay_text_in_json_view():
    value = parse_documents("a: .inf\nb: -.Inf\nc: .nan\n")[0].value
    assert value == {"a": ".inf", "b": "-.Inf", "c": ".nan"}
    assert math.isinf(resolve_plain(".inf"))


@pytest.mark.parametrize("word,go_text", [
    (".inf", "+Inf"), (".Inf", "+Inf"), (".INF", "+Inf"), ("+.inf", "+Inf"), ("+.INF", "+Inf"),
    ("-.inf", "-Inf"), ("-.Inf", "-Inf"), ("-.INF", "-Inf"), (".nan", "NaN"), (".NaN", "NaN"), (".NAN", "NaN"),
])
def test_non_finite_floats_are_refused_like_kubectl(word, go_text):
    # go-yaml v2 reads these as floats; sigs.k8s.io/yaml's json.Marshal then fails, so kubectl refuses the file
    doc = parse_documents(f"data:\n  a: {word}\n  b: {word}\n  c: !!float {word}\n")[0]
    assert [(p.rule_id, p.line, p.column) for p in doc.problems] == [("YML001", 2, 6), ("YML001", 3, 6),
                                                                     ("YML001", 4, 6)]
    assert all(f"unsupported value: {go_text}" in p.message for p in doc.problems)


@pytest.mark.parametrize("text", ['".inf"', "'.nan'", "!!str .inf", ".infinity", "1e400", "-1e400", "inf", "nan"])
def test_strings_and_overflowing_numerals_are_not_non_finite_floats(text):
    # strconv.ParseFloat fails on an overflowing numeral, so go-yaml v2 keeps it as a string
    doc = parse_documents(f"a: {text}\n")[0]
    assert doc.problems == [] and isinstance(doc.value["a"], str)


def test_tagged_float_overflow_is_refused():
    doc = parse_documents("a: !!float 1e400\n")[0]
    assert [p.rule_id for p in doc.problems] == ["YML005"]


def test_binary_scalars_decode_like_go_yaml_v2():
    doc = parse_documents("a: !!binary aGVsbG8=\nb: !!binary |\n  aGVs\n  bG8=\nc: !!binary /w==\n")[0]
    assert doc.value == {"a": "hello", "b": "hello", "c": "\ufffd"} and doc.problems == []
    for bad in ("aGVsbG8", "a$b=", "aGVs bG8="):
        doc = parse_documents(f"a: !!binary {bad}\n")[0]
        assert [(p.rule_id, p.line, p.column) for p in doc.problems] == [("YML005", 1, 4)]
        assert "invalid base64" in doc.problems[0].message


def test_null_tag_on_a_non_null_word_is_refused():
    assert parse_documents("a: !!null ~\nb: !!null\n")[0].value == {"a": None, "b": None}
    doc = parse_documents("a: !!null x\n")[0]
    assert [p.rule_id for p in doc.problems] == ["YML005"]


def test_yaml11_only_booleans_are_exactly_the_words_yaml12_reads_as_strings():
    # ruamel.yaml (YAML 1.2 by default) reads these as strings; Kubernetes as booleans.
    from ruamel.yaml import YAML
    yaml12 = YAML(typ="safe", pure=True)
    for word in YAML11_ONLY_BOOLEANS:
        assert isinstance(yaml12.load(f"k: {word}\n")["k"], str), word
    for word in ("true", "false", "True", "FALSE"):
        assert isinstance(yaml12.load(f"k: {word}\n")["k"], bool)


def test_quoted_and_tagged_scalars_are_strings():
    doc = parse_documents('a: "yes"\nb: \'on\'\nc: !!str off\nd: !!int "12"\n')[0]
    assert doc.value == {"a": "yes", "b": "on", "c": "off", "d": 12}
    assert doc.problems == []


def test_keys_that_resolve_to_booleans_become_true_false_like_kubernetes():
    assert parse_documents("y: 1\nno: 2\n3: x\n")[0].value == {"true": 1, "false": 2, "3": "x"}


@pytest.mark.parametrize("key, json_key", [
    # sigs.k8s.io/yaml: strconv.FormatFloat(key, 'g', -1, 32), and .inf/-.inf/.nan for the non-finite ones
    ("1.0", "1"), ("1e3", "1000"), ("0.1", "0.1"), ("-.5", "-0.5"), ("3.14159265358979", "3.1415927"),
    ("123456.0", "123456"), ("1e6", "1e+06"), ("1234567.0", "1.234567e+06"), ("0.0001", "0.0001"),
    ("0.00001", "1e-05"), ("1e39", ".inf"), ("-1e39", "-.inf"), ("16777217.0", "1.6777216e+07"),
    ("99999999999999999999", "1e+20"), (".Inf", ".inf"), ("-.INF", "-.inf"), (".NaN", ".nan"),
    ("!!float 2", "2"), ("1e400", "1e400"),
])
def test_float_keys_become_the_json_keys_kubernetes_makes_of_them(key, json_key):
    doc = parse_documents(f"{key}: x\n")[0]
    assert doc.value == {json_key: "x"}
    assert doc.problems == []  # a key is formatted, never encoded as a JSON number: .inf is no error there


@pytest.mark.parametrize("text, ok", [
    ("2024-01-01", True), ("2024-1-2", True), ("2024-02-29", True), ("2001-12-14t21:59:43.10-05:00", True),
    ("2001-12-14T21:59:43Z", True), ("2001-12-14 21:59:43.10", True),
    ("notadate", False), ("123", False), ("2023-02-29", False), ("2024-13-01", False), ("20240-01-01", False),
    ("2001-12-14T21:59:43", False), ("2001-12-14 21:59:43Z", False), ("2001-12-14 21:59:43.10 -5", False),
    ("2001-12-14T25:00:00Z", False), ("~", False),
])
def test_timestamp_tag_is_checked_as_go_yaml_v2_checks_it(text, ok):
    # go-yaml v2 fails with "cannot decode !!str `notadate` as a !!timestamp"; a valid one stays its text
    doc = parse_documents(f"a: !!timestamp {text}\n")[0]
    assert doc.value == {"a": text if text != "~" else "~"}
    assert [p.rule_id for p in doc.problems] == ([] if ok else ["YML005"])
    if not ok:
        assert "cannot decode it as a !!timestamp" in doc.problems[0].message


def test_a_non_finite_value_draws_its_yml001_and_no_schema_finding_at_the_same_place():
    text = ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\nspec:\n  replicas: %s\n"
            "  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: b}}\n"
            "    spec: {containers: [{name: a, image: x}]}\n")
    from k8slint.engine import LintOptions, Linter
    from k8slint.versions import resolve
    linter = Linter(LintOptions(target=resolve("1.30")))
    for word in (".nan", "!!float .inf"):
        loaded = load_text(text % word, "d.yaml")
        found = linter.check_file(loaded)
        assert [(f.rule_id, f.json_path) for f in found] == [("YML001", "spec.replicas")], word
    loaded = load_text(text % '".nan"', "d.yaml")  # quoted, it is a string: the schema check says so
    assert [f.rule_id for f in linter.check_file(loaded)] == ["SCH001"]


def test_positions_are_one_based_and_point_at_values_and_keys():
    text = "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: c\n      image: busybox\n"
    res = load_text(text, "p.yaml").resources[0]
    path = ("spec", "containers", 0, "image")
    assert format_json_path(path) == "spec.containers[0].image"
    assert (res.span(path).line, res.span(path).column) == (6, 14)
    assert (res.span(path, prefer_key=True).line, res.span(path, prefer_key=True).column) == (6, 7)
    missing = res.span(("spec", "containers", 0, "resources", "limits"))  # nearest existing ancestor
    assert (missing.line, missing.column) == (5, 7)


def test_positions_count_characters_not_bytes_and_survive_crlf():
    text = "apiVersion: v1\r\nkind: ConfigMap\r\nmetadata: {name: café}\r\ndata:\r\n  ünï: x\r\n"
    res = load_text(text, "c.yaml").resources[0]
    span = res.span(("data", "ünï"))
    assert (span.line, span.column) == (5, 8)
    assert text[span.start] == "x"


def test_multi_document_json_and_lists():
    text = '{"apiVersion": "v1", "kind": "List", "items": [{"apiVersion": "v1", "kind": "ConfigMap", ' \
           '"metadata": {"name": "a"}}, {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "b"}}]}'
    loaded = load_text(text, "l.json")
    assert [(r.kind, r.name, r.item_path) for r in loaded.resources] == [
        ("ConfigMap", "a", ("items", 0)), ("Secret", "b", ("items", 1))]
    assert loaded.resources[1].span(("metadata", "name")).column == text.index('"b"') + 1


def test_empty_documents_are_skipped_silently():
    loaded = load_text("---\n---\n# only a comment\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"
                       "---\n", "e.yaml")
    assert len(loaded.resources) == 1 and loaded.findings == []


def test_syntax_error_in_one_document_keeps_the_others():
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\nkey: [1, 2\n---\n" \
           "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"
    loaded = load_text(text, "s.yaml")
    assert [r.name for r in loaded.resources] == ["a", "c"]
    assert [(f.rule_id, f.line) for f in loaded.findings] == [("YML001", 6)]
    assert loaded.resources[1].span(("metadata", "name")).line == 9


def test_duplicate_keys_keep_the_last_value_and_are_reported():
    loaded = load_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  k: one\n  k: two\n",
                       "d.yaml")
    assert loaded.resources[0].data["data"] == {"k": "two"}
    assert [(f.rule_id, f.line, f.column, f.json_path) for f in loaded.findings] == [("YML002", 6, 3, "data.k")]
    assert loaded.resources[0].span(("data", "k")).line == 6


def test_merge_keys_and_anchors_resolve_with_explicit_keys_winning():
    text = ("defaults: &d {cpu: 100m, memory: 64Mi}\n---\napiVersion: v1\nkind: LimitRange\nmetadata: {name: l}\n"
            "spec:\n  limits:\n    - type: Container\n      default: &lim\n        <<: {cpu: 1, memory: 1Gi}\n"
            "        memory: 2Gi\n      max: *lim\n")
    res = load_text(text, "m.yaml").resources[0]
    assert res.data["spec"]["limits"][0]["default"] == {"memory": "2Gi", "cpu": 1}
    assert res.data["spec"]["limits"][0]["max"] == {"memory": "2Gi", "cpu": 1}
    assert res.span(("spec", "limits", 0, "default", "memory")).line == 11
    assert res.span(("spec", "limits", 0, "default", "cpu"), prefer_key=True).line == 10  # the `<<:` line


def test_object_building_tags_are_never_constructed():
    loaded = load_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"
                       "data: {x: !!python/object/apply:os.system [\"echo pwned\"]}\n", "t.yaml")
    assert [f.rule_id for f in loaded.findings] == ["YML005"]
    assert loaded.resources[0].data["data"]["x"] == ["echo pwned"]


def test_alias_bomb_is_refused_quickly():
    import time
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 10):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 10) + "]")
    start = time.process_time()  # CPU time: a busy machine does not inflate it
    loaded = load_text("\n".join(lines) + "\n", "bomb.yaml")
    assert time.process_time() - start < 2
    assert [f.rule_id for f in loaded.findings] == ["YML006"]


def test_deep_nesting_is_refused_without_crashing():
    loaded = load_text("a: " + "[" * 200_000 + "]" * 200_000 + "\n", "deep.yaml")
    assert [f.rule_id for f in loaded.findings] == ["YML006"]


@pytest.mark.parametrize("data,ok", [
    ("apiVersion: v1\n".encode("utf-8-sig"), True),
    ("apiVersion: v1\n".encode("utf-16"), True),
    (b"apiVersion: v1\nkind: caf\xe9\n", False),
    (b"\x89PNG\r\n\x1a\n\x00\x00", False),
])
def test_decoding(data, ok):
    text, problem = decode(data, "f.yaml")
    assert (text is not None) == ok
    if not ok:
        assert problem.rule_id == "YML007"


def test_not_utf8_points_at_the_offending_byte():
    _, problem = decode(b"apiVersion: v1\nkind: caf\xe9\n", "f.yaml")
    assert (problem.line, problem.column) == (2, 10)


def test_wrong_header_types_are_reported_not_crashed():
    loaded = load_text("apiVersion: 1\nkind: [Pod]\n---\n42\n---\nkind: Pod\n", "w.yaml")
    assert sorted(f.rule_id for f in loaded.findings) == ["YML003", "YML004", "YML004", "YML004"]
    assert loaded.resources == []


def test_unreadable_file_is_a_finding_not_a_crash(tmp_path, monkeypatch):
    import os

    from k8slint.loader import load_path
    path = tmp_path / "secret.yaml"
    path.write_text("apiVersion: v1\nkind: ConfigMap\n")
    real_open = os.open

    def denied(file, *args, **kwargs):  # root may read anything; simulate what other users see
        if str(file) == str(path):
            raise PermissionError(13, "Permission denied")
        return real_open(file, *args, **kwargs)
    monkeypatch.setattr(os, "open", denied)
    loaded = load_path(str(path))
    assert [(f.rule_id, f.message) for f in loaded.findings] == [("YML007", "cannot read file: Permission denied")]


def test_back_to_back_json_objects_are_each_a_document():
    """kubectl reads `{...}{...}` (and one object per line) as a stream of objects; so do we, each at its own
    line and column, instead of a false YAML syntax error that hid the second object."""
    first = '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}}'
    second = '{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "b"}, "spec": {"ports": [{"port": "x"}]}}'
    third = '{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "c"}}'
    loaded = load_text(f"{first}{second}\n  {third}\n", "stream.json")
    assert loaded.findings == []
    assert [(r.kind, r.name) for r in loaded.resources] == [("ConfigMap", "a"), ("Service", "b"), ("Secret", "c")]
    service, secret = loaded.resources[1], loaded.resources[2]
    span = service.span(("spec", "ports", 0, "port"))
    assert (span.line, span.column) == (1, len(first) + second.index('"x"') + 1)
    assert (secret.span(()).line, secret.span(()).column) == (2, 3)
    # a broken object in the stream is still a syntax error at its place; not JSON at all stays YAML's error
    broken = load_text(f'{first}\n{{"apiVersion": "v1",, }}\n', "stream.json")
    assert [f.rule_id for f in broken.findings] == ["YML001"]
    assert broken.findings[0].line == 2


@pytest.mark.parametrize("text,message", [("kind:\nmetadata: {name: x}\n", "kind has no value"),
                                          ('kind: ""\nmetadata: {name: x}\n', "kind must be a non-empty string"),
                                          ("apiVersion:\nmetadata: {name: x}\n", "apiVersion has no value")])
def test_a_document_with_a_kind_or_apiversion_key_is_meant_as_an_object(text, message):
    """`kind:` with no value was taken for a non-Kubernetes document (info, exit 0) while `kind: ""` was an
    error: a document with either key is an object, and a key without a value is an error."""
    loaded = load_text(text, "x.yaml")
    assert {f.rule_id for f in loaded.findings} == {"YML004"}
    assert any(f.message.startswith(message) for f in loaded.findings)
    assert not loaded.resources
