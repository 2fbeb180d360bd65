"""Configuration files are input too (found by walking up the parent directories, possibly planted there by
someone else): bombs, odd encodings and deep nesting are usage errors naming the file and line, never a hang
or a traceback, and a configuration owned by another user is refused."""
from __future__ import annotations

import json
import os
import time

import pytest

from conftest import run_cli

CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"


def _lint(tmp_path, *args):
    (tmp_path / "a.yaml").write_text(CONFIGMAP)
    started = time.monotonic()
    result = run_cli(["lint", *args, "a.yaml"], cwd=tmp_path)
    assert time.monotonic() - started < 5
    assert "Traceback" not in result.err
    return result


def _refused(tmp_path, name: str, content, expected: str):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    result = _lint(tmp_path)
    assert result.code == 2, result.err
    assert result.err.startswith(f"k8slint: error: {path}"), result.err
    assert expected in result.err, result.err
    assert len(result.err.splitlines()) == 1
    return result.err


def test_alias_bomb_in_yaml_configuration_is_refused(tmp_path):
    lines = ["a0: &a0 [API, API]"] + [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}]" for i in range(1, 30)]
    body = "ignore:\n  - " + "\n  - ".join(f"*a{i}" for i in range(29, 30))
    _refused(tmp_path, ".k8slint.yaml", "x:\n" + "\n".join("  " + line for line in lines) + "\n" + body,
             "more than 10,000 values once aliases are expanded")


def test_merge_key_bomb_and_recursive_merge_in_yaml_configuration(tmp_path):
    lines = ["x0: &m0 {a: [API]}"] + [f"x{i}: &m{i} {{<<: [*m{i - 1}, *m{i - 1}]}}" for i in range(1, 30)]
    _refused(tmp_path, ".k8slint.yaml", "per-path-ignores:\n" + "\n".join("  " + line for line in lines),
             "per-path-ignores")
    _refused(tmp_path, ".k8slint.yaml", "severity: &a {<<: *a}\n", "not a usable YAML file")
    _refused(tmp_path, ".k8slint.yaml", "select: &a [*a]\n", "option 'select' must be a list of strings")


def test_deeply_nested_configurations_are_refused_quickly(tmp_path):
    _refused(tmp_path, ".k8slint.yaml", "select: " + "[" * 5000 + "]" * 5000 + "\n",
             ".k8slint.yaml:1:1: nested deeper than 32 levels")
    _refused(tmp_path, ".k8slint.yaml", "select: " + "[" * 200 + "]" * 200 + "\n", "nested deeper than 32")
    (tmp_path / ".k8slint.yaml").unlink()
    _refused(tmp_path, "pyproject.toml", "[tool.k8slint]\nselect = " + "[" * 5000 + "]" * 5000 + "\n",
             "nested too deeply")


def test_configuration_that_is_not_utf8_names_line_and_column(tmp_path):
    _refused(tmp_path, ".k8slint.yaml", b"strict: true\nselect: [\xff\xfe]\n",
             ".k8slint.yaml:2:10: not valid UTF-8 (byte 0xff)")
    (tmp_path / ".k8slint.yaml").unlink()
    _refused(tmp_path, "pyproject.toml", b"[tool.k8slint]\nselect = ['\xc3']\n", "pyproject.toml:2:12: not valid UTF-8")


def test_huge_max_file_size_is_a_usage_error_not_a_crash(tmp_path):
    _refused(tmp_path, "pyproject.toml", "[tool.k8slint]\nmax-file-size = 99999999999999999999999999\n",
             "pyproject.toml:2:1: option 'max-file-size' must be at most 1,099,511,627,776")
    (tmp_path / "pyproject.toml").unlink()
    result = _lint(tmp_path, "--max-file-size", "99999999999999999999999999")
    assert result.code == 2 and "--max-file-size must be positive and at most" in result.err
    assert _lint(tmp_path, "--max-file-size", str(1 << 40)).code == 0


def test_malformed_pyproject_with_our_table_is_an_error_with_line_and_column(tmp_path):
    _refused(tmp_path, "pyproject.toml", "[tool.k8slint]\nstrict = tru\n",
             "pyproject.toml:2:10: not valid TOML: Invalid value")
    # someone else's broken pyproject.toml (no [tool.k8slint] in it) is not our configuration
    (tmp_path / "pyproject.toml").write_text("[project]\nname = \n")
    assert _lint(tmp_path).code == 0


def test_wrong_values_in_pyproject_name_the_line_of_the_key(tmp_path):
    _refused(tmp_path, "pyproject.toml", '[project]\nname = "x"\n\n[tool.k8slint]\n# why\n"strict" = "yes"\n',
             "pyproject.toml:6:1: option 'strict' must be true or false")
    _refused(tmp_path, "pyproject.toml", "[tool.k8slint]\nstrict = true\n\n[tool.k8slint.severity]\nAPI = 3\n",
             "pyproject.toml:4:1: option 'severity': 'API' must map to text")
    _refused(tmp_path, "pyproject.toml", "[tool]\nk8slint = 3\n", "must be a mapping of option names")


def test_oversized_configuration_is_refused(tmp_path):
    _refused(tmp_path, ".k8slint.yaml", "# " + "x" * (1 << 20) + "\nstrict: true\n", "larger than 1,048,576 bytes")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="giving a file away needs root")
def test_configuration_owned_by_another_user_is_refused_unless_named(tmp_path):
    planted = tmp_path / ".k8slint.yaml"
    planted.write_text("ignore: [YML, SCH, API, FLD, SRV, CRD]\n")
    os.chown(planted, 65534, -1)
    project = tmp_path / "project"
    project.mkdir()
    (project / "a.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: A}\n")  # SRV: bad name
    result = run_cli(["lint", "a.yaml"], cwd=project)
    assert result.code == 2
    assert f"{planted}: refusing a configuration file owned by another user (uid 65534)" in result.err
    assert "--config" in result.err
    assert run_cli(["lint", "--config", str(planted), "a.yaml"], cwd=project).code == 0  # named: trusted
    os.chown(planted, 0, -1)
    assert run_cli(["lint", "a.yaml"], cwd=project).code == 0


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="giving a file away needs root")
def test_foreign_pyproject_without_our_table_is_passed_over(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    os.chown(tmp_path / "pyproject.toml", 65534, -1)
    assert _lint(tmp_path).code == 0
    (tmp_path / "pyproject.toml").write_text("[tool.k8slint]\nignore = ['SRV']\n")
    assert _lint(tmp_path).code == 2


def test_every_summary_names_the_configuration_file_used(tmp_path):
    config = tmp_path / ".k8slint.yaml"
    config.write_text("ignore: [SRV]\n")
    (tmp_path / "a.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: A}\n")
    outputs = {fmt: run_cli(["lint", "-f", fmt, "a.yaml"], cwd=tmp_path) for fmt in
               ("text", "json", "sarif", "junit", "github")}
    assert outputs["text"].out.splitlines()[-1].endswith(f"in 1 file (1 resource); configuration {config}")
    assert json.loads(outputs["json"].out)["summary"]["config_file"] == str(config)
    assert json.loads(outputs["sarif"].out)["runs"][0]["properties"] == {"configFile": str(config)}
    assert f'<property name="k8slint.config_file" value="{config}" />' in outputs["junit"].out
    assert outputs["github"].out.splitlines()[-1].endswith(f"; configuration {config}")
    written = run_cli(["lint", "-f", "gitlab", "-o", "out.json", "a.yaml"], cwd=tmp_path)
    assert f"; configuration {config} (written to out.json)" in written.err  # Code Quality has no summary
    assert f"; configuration {config}" in run_cli(["fix", "a.yaml"], cwd=tmp_path).out
    assert json.loads(run_cli(["fix", "-f", "json", "a.yaml"], cwd=tmp_path).out)["summary"]["config_file"] == \
        str(config)
    report = ["report", "--from", "1.29", "--to", "1.30", "a.yaml"]
    assert json.loads(run_cli([*report, "-f", "json"], cwd=tmp_path).out)["summary"]["config_file"] == str(config)
    assert f"Configuration          {config}" in run_cli(report, cwd=tmp_path).out
    assert f"| Configuration | {config} |" in run_cli([*report, "-f", "markdown"], cwd=tmp_path).out
    assert f"Configuration: {config}</p>" in run_cli([*report, "-f", "html"], cwd=tmp_path).out
    config.unlink()  # without one, nothing is said (and SRV is back)
    result = run_cli(["lint", "-f", "json", "a.yaml"], cwd=tmp_path)
    assert "config_file" not in json.loads(result.out)["summary"] and result.code == 1


def test_someone_elses_unreadable_or_odd_pyproject_is_passed_over(tmp_path):
    (tmp_path / "pyproject.toml").write_bytes(b"[project]\nname = '\xff'\n")  # not UTF-8, no table of ours
    assert _lint(tmp_path).code == 0
    (tmp_path / "pyproject.toml").write_text("# " + "x" * (2 << 20) + "\n")  # too large to be a configuration
    assert _lint(tmp_path).code == 0
    (tmp_path / "pyproject.toml").write_bytes(b"[tool.k8slint]\nselect = ['\xff']\n")  # ours: an error
    assert _lint(tmp_path).code == 2
