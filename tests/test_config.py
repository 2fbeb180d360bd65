"""Configuration files, their discovery, precedence and `k8slint config`."""
from __future__ import annotations

import json

import pytest

from conftest import run_cli
from crdfactory import crd

OLD_INGRESS = ("apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: i}\n"
               "spec:\n  backend: {serviceName: s, servicePort: 80}\n  bogus: 1\n")


def _ids(result) -> list:
    return [f["rule_id"] for f in json.loads(result.out)["findings"]]


def test_pyproject_table_found_by_walking_up(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.k8slint]\ntarget-version = "1.20"\nstrict = true\n'
                                             'ignore = ["API"]\n')
    sub = tmp_path / "deploy" / "prod"
    sub.mkdir(parents=True)
    (sub / "ing.yaml").write_text(OLD_INGRESS)
    result = run_cli(["lint", "-f", "json", "ing.yaml"], cwd=sub)
    assert _ids(result) == ["SCH002"]  # strict from the file, API ignored, 1.20 still serves the Ingress
    # the command line overrides the file
    assert _ids(run_cli(["lint", "-f", "json", "--no-strict", "ing.yaml"], cwd=sub)) == []
    assert run_cli(["lint", "-f", "json", "-k", "1.25", "--ignore", "SCH", "ing.yaml"], cwd=sub).code == 1


def test_k8slint_yaml_with_severity_exclude_and_per_path_ignores(tmp_path):
    (tmp_path / ".k8slint.yaml").write_text(
        'target-version: "1.20"\nseverity: {API: info}\nexclude: [vendor/, "*.generated.yaml"]\n'
        'per-path-ignores: {"legacy/**": [SCH]}\nfail-on: error\n')
    for name in ("vendor/x.yaml", "a.generated.yaml", "app/ing.yaml", "legacy/old/ing.yaml"):
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(OLD_INGRESS)
    result = run_cli(["lint", "-f", "json", "--strict", "."], cwd=tmp_path)
    findings = json.loads(result.out)["findings"]
    assert sorted({f["file"] for f in findings}) == ["app/ing.yaml", "legacy/old/ing.yaml"]
    assert {f["severity"] for f in findings if f["rule_id"].startswith("API")} == {"info"}
    assert [f["rule_id"] for f in findings if f["file"].startswith("legacy")] == [
        f["rule_id"] for f in findings if f["file"].startswith("legacy") and f["rule_id"].startswith("API")]
    assert result.code == 1  # SCH002 in app/ is still an error


def test_config_command_says_where_each_value_came_from(tmp_path):
    (tmp_path / ".k8slint.yaml").write_text('target-version: "1.29"\nselect: [SCH, API]\n')
    result = run_cli(["config"], cwd=tmp_path)
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0] == f"# configuration file: {tmp_path / '.k8slint.yaml'}"
    assert f'target-version = "1.29"    # {tmp_path / ".k8slint.yaml"}' in lines
    assert "strict = false    # default" in lines
    named = tmp_path / "other.toml"
    named.write_text('[tool.k8slint]\ncurrent-version = "1.27"\n')
    out = run_cli(["config", "--config", str(named)], cwd=tmp_path).out
    assert f'current-version = "1.27"    # {named}' in out and "# target-version = (unset)    # default" in out


def test_config_command_prints_valid_toml_with_the_command_line_values(tmp_path):
    import tomllib
    (tmp_path / ".k8slint.yaml").write_text('target-version: "1.29"\nseverity: {"API0": warning}\n'
                                            'per-path-ignores: {"legacy/**": [SCH]}\n')
    result = run_cli(["config", "--select", "API,FLD", "--jobs", "3", "--strict"], cwd=tmp_path)
    assert result.code == 0, result.err
    table = tomllib.loads(result.out)["tool"]["k8slint"]
    assert table["target-version"] == "1.29" and table["select"] == ["API", "FLD"] and table["jobs"] == 3
    assert table["strict"] is True and table["severity"] == {"API0": "warning"}
    assert table["per-path-ignores"] == {"legacy/**": ["SCH"]}
    assert 'select = ["API", "FLD"]    # command line' in result.out.splitlines()


def test_config_command_says_which_file_of_a_directory_wins(tmp_path):
    (tmp_path / ".k8slint.yaml").write_text("strict: true\n")
    (tmp_path / "pyproject.toml").write_text('[tool.k8slint]\nstrict = false\n')
    out = run_cli(["config"], cwd=tmp_path).out
    assert f"# {tmp_path / 'pyproject.toml'} is not read: .k8slint.yaml comes first" in out
    assert "strict = true" in out
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')  # no table of ours: nothing to say
    assert "is not read" not in run_cli(["config"], cwd=tmp_path).out


def test_config_command_shows_the_values_then_names_file_line_and_key_of_a_bad_one(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.k8slint]\nstrict = true\ncrd = ["crds/"]\n')
    result = run_cli(["config"], cwd=tmp_path)
    assert result.code == 2 and 'crd = [' in result.out
    assert result.err.startswith(f"k8slint: error: {tmp_path / 'pyproject.toml'}:3:1: crd: path does not exist")


@pytest.mark.parametrize("text,where", [
    ("select: [XYZ]\n", ":1:1: select: no rule matches XYZ"),
    ("strict: true\nignore: [XYZ]\n", ":2:1: ignore: no rule matches XYZ"),
    ("fail-on: loud\n", ":1:1: fail-on: "),
    ('target-version: "1.29"\ncurrent-version: "1.30"\n', ":2:1: current-version: 1.30 is newer"),
    ("severity: {API: loud}\n", ":1:1: severity: severity of API"),
    ("jobs: 0\n", ""),  # refused when read: names the file too
])
def test_errors_about_file_values_name_file_line_and_key(tmp_path, text, where):
    (tmp_path / ".k8slint.yaml").write_text(text)
    (tmp_path / "x.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
    result = run_cli(["lint", "x.yaml"], cwd=tmp_path)
    assert result.code == 2 and f"{tmp_path / '.k8slint.yaml'}{where}" in result.err, result.err
    assert "--" not in result.err.split("error: ", 1)[1].split(":")[0]


def test_errors_about_command_line_values_name_the_option(tmp_path):
    (tmp_path / "x.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
    result = run_cli(["lint", "--select", "XYZ", "x.yaml"], cwd=tmp_path)
    assert result.code == 2 and "error: --select: no rule matches XYZ" in result.err


def test_bad_configuration_is_a_usage_error(tmp_path):
    (tmp_path / ".k8slint.yaml").write_text("target-version: 1.10\n")
    result = run_cli(["config"], cwd=tmp_path)
    assert result.code == 2 and "must be quoted" in result.err and len(result.err.splitlines()) == 1
    (tmp_path / ".k8slint.yaml").write_text("strikt: true\n")
    result = run_cli(["lint", "x.yaml"], cwd=tmp_path)
    assert result.code == 2 and "unknown option 'strikt'" in result.err
    (tmp_path / ".k8slint.yaml").write_text("select: [NOPE]\n")
    assert run_cli(["config"], cwd=tmp_path).code == 2
    assert run_cli(["config", "--config", str(tmp_path / "missing.toml")], cwd=tmp_path).code == 2


def test_crd_paths_in_config_are_relative_to_the_file(tmp_path):
    (tmp_path / "crds").mkdir()
    (tmp_path / "crds" / "w.yaml").write_text(
        crd("{type: object, properties: {spec: {type: object, properties: {n: {type: integer}}}}}", group="a.io", kind="W"))
    (tmp_path / ".k8slint.yaml").write_text("crd: [crds]\n")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "w.yaml").write_text("apiVersion: a.io/v1\nkind: W\nmetadata: {name: w}\nspec: {n: x}\n")
    result = run_cli(["lint", "-f", "json", "w.yaml"], cwd=tmp_path / "app")
    assert _ids(result) == ["SCH001"]


def test_yaml_configuration_errors_name_line_and_column(tmp_path):
    (tmp_path / ".k8slint.yaml").write_text("# settings\nstrict: true\nfail-on: error\n  \nselect: 3\n")
    result = run_cli(["config"], cwd=tmp_path)
    assert result.code == 2
    assert f"{tmp_path / '.k8slint.yaml'}:5:1: option 'select' must be a list of strings" in result.err
    (tmp_path / ".k8slint.yaml").write_text("strict: yes\n")  # YAML 1.2 in our own files: yes is text
    assert "must be true or false" in run_cli(["config"], cwd=tmp_path).err
    (tmp_path / ".k8slint.yaml").write_text("strict: [true\n")
    result = run_cli(["config"], cwd=tmp_path)
    assert result.code == 2 and f"{tmp_path / '.k8slint.yaml'}:2:1: expected ',' or ']'" in result.err


def test_a_file_named_explicitly_but_excluded_is_noted_not_dropped_silently(tmp_path):
    (tmp_path / ".k8slint.yaml").write_text('strict: true\nexclude: ["gen/", "*.generated.yaml"]\n')
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"
    for name in ("a.yaml", "b.generated.yaml", "gen/c.yaml"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(text)
    result = run_cli(["lint", "a.yaml", "b.generated.yaml", "gen/c.yaml"], cwd=tmp_path)
    assert result.code == 0 and "in 1 file" in result.out
    where = f"{tmp_path / '.k8slint.yaml'}:2:1: exclude"
    assert result.err.splitlines() == [f"k8slint: note: b.generated.yaml not read: {where} matches it (*.generated.yaml)",
                                       f"k8slint: note: gen/c.yaml not read: {where} matches it (gen/)"]
    assert run_cli(["lint", "."], cwd=tmp_path).err == ""  # a walk skips excluded files quietly


def test_a_good_configuration_is_read_once(tmp_path, monkeypatch):
    from k8slint import config as config_module

    def read_again(*_):
        raise AssertionError("the configuration was read again for a message nobody sees")

    monkeypatch.setattr(config_module, "key_position", read_again)
    (tmp_path / ".k8slint.yaml").write_text('target-version: "1.29"\nselect: [SCH]\nseverity: {SCH: warning}\n'
                                            'per-path-ignores: {"x/**": [SCH]}\ncrd: []\nfail-on: warning\n')
    (tmp_path / "x.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
    assert run_cli(["lint", "x.yaml"], cwd=tmp_path).code == 0


def test_a_usage_error_never_writes_a_terminal_escape_from_input(tmp_path):
    (tmp_path / ".k8slint.yaml").write_text('select: ["\\e[2J\\e[31mAPI"]\n')  # YAML's \e is ESC
    result = run_cli(["lint", "x.yaml"], cwd=tmp_path)
    assert result.code == 2 and "no rule matches" in result.err and "\x1b" not in result.err


# Every spelling of a [tool.k8slint] table we could think of, and texts that only mention k8slint.
PYPROJECT_TEXTS = [
    '[tool.k8slint]\nstrict = true\n', '[ tool . "k8slint" ]\nstrict = true\n', "['tool'.'k8slint']\nstrict = true\n",
    '[tool.k8slint.severity]\nSCH = "warning"\n', '[[tool.k8slint]]\na = 1\n', '[tool]\nk8slint = {strict = true}\n',
    '[ "tool" ]\n"k8slint".strict = true\n', 'tool.k8slint.strict = true\n', 'tool . k8slint = {strict = true}\n',
    'tool = { k8slint = { strict = true } }\n', '"tool" = {"k8slint" = {}}\n', '[tool."k8s\\u006cint"]\nstrict = true\n',
    '[project]\nname = "k8slint"\n[project.scripts]\nk8slint = "k8slint.__main__:run"\n[tool.hatch]\nx = 1\n',
    '[project]\nname = "k8slint"\n', '[tool.ruff]\nline-length = 120\n', '[tool.k8slint\nbroken', 'k8slint = [\n',
    '[tool.other]\nk8slint = 1\n', '# [tool.k8slint] in a comment\n[project]\nname = "x"\n', '',
]


@pytest.mark.parametrize("text", PYPROJECT_TEXTS)
def test_a_pyproject_is_passed_over_unparsed_only_when_parsing_it_would_pass_it_over(tmp_path, text):
    import tomllib

    from k8slint import config as config_module
    try:
        tool = tomllib.loads(text).get("tool", {})
        has_table = isinstance(tool, dict) and "k8slint" in tool
    except tomllib.TOMLDecodeError:
        has_table = bool(config_module._K8SLINT_TABLE.search(text))  # (an error then, for us)
    assert config_module._may_have_table(text) or not has_table
    path = tmp_path / "pyproject.toml"
    path.write_text(text)
    try:
        found = config_module._pyproject_has_table(path)
    except config_module.ConfigError:
        found = True
    assert found == has_table
