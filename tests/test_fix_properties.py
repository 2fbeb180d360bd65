"""Properties of `k8slint fix` over every manifest the tests and examples hold, and over generated layouts:

- fixing twice changes nothing the second time;
- after `fix --write`, no removed API is left that a fix could have migrated (with --unsafe-fixes: only the
  ones without any automatic fix remain);
- a file that does not parse is never rewritten;
- what a fix does not change stays byte for byte: other documents, comments, line ends.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO
from k8slint.engine import LintOptions
from k8slint.fixer import FixOptions, fixability, run_fix
from k8slint.fixer.apply import origin
from k8slint.fixer.plan import context_for
from k8slint.loader import load_text
from k8slint.model import Severity
from k8slint.schemastore import default_store
from k8slint.versions import KubeVersion

TESTS = Path(__file__).resolve().parent
SKIP_NAMES = {"case.yaml", "expected.out"}


def _fixtures() -> list:
    found = []
    for root in (TESTS / "fixes", TESTS / "cases", REPO / "examples"):
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.suffix in (".yaml", ".yml", ".json") and path.name not in SKIP_NAMES \
                    and "/after/" not in path.as_posix():
                found.append(path)
    return found


FIXTURES = _fixtures()
TARGETS = ("1.37", "1.25")


def _fix(path: Path, target: str, unsafe: bool, write: bool = True):
    return run_fix([str(path)], FixOptions(LintOptions(target=KubeVersion.parse(target)), unsafe=unsafe,
                                           write=write))


def test_there_are_many_fixtures():
    assert len(FIXTURES) >= 40


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("unsafe", [False, True], ids=["safe", "unsafe"])
@pytest.mark.parametrize("fixture", FIXTURES, ids=[str(p.relative_to(REPO)) for p in FIXTURES])
def test_fix_is_idempotent_and_leaves_no_fixable_removal(fixture, unsafe, target, tmp_path):
    work = tmp_path / fixture.name
    shutil.copyfile(fixture, work)
    original = work.read_bytes()
    first = _fix(work, target, unsafe)
    after_first = work.read_bytes()
    unparsed = any(f.rule_id in ("YML001", "YML006", "YML007", "YML008", "YML009")
                   for f in first.result.findings if f.file == str(work))
    if unparsed:
        assert after_first == original, "a file that does not parse was rewritten"
    kept = after_first.decode("utf-8", errors="replace")
    for line in original.decode("utf-8", errors="replace").splitlines():
        comment = line.strip()
        if comment.startswith("#"):  # every comment line survives
            assert comment in kept, f"comment lost: {comment!r}"
    second = _fix(work, target, unsafe)
    assert work.read_bytes() == after_first, "fixing a second time changed the file"
    assert not second.applied
    text = after_first.decode("utf-8", errors="replace")
    loaded = load_text(text, str(work))
    resources = {(r.doc_index, r.ref): r for r in loaded.resources if r.file == str(work)}
    ctx = context_for(KubeVersion.parse(target), default_store(), loaded.resources)
    for f in second.result.findings:
        removed = f.rule_id.startswith("API") and f.severity == Severity.ERROR and f.json_path == "apiVersion"
        resource = resources.get((f.doc_index, f.obj)) if origin(f) == str(work) else None
        if not removed or resource is None:
            continue
        answer = fixability(f, resource, ctx) if f.fix is None else f.fix.safety.value
        allowed = (None,) if unsafe else (None, "unsafe")
        assert answer in allowed or "[automatic fix not applied" in f.message, f.message


# ---------------------------------------------------------------------------------------------------------
# Generated layouts: one old Deployment and one old Ingress between untouched documents, written in many styles.

@st.composite
def layouts(draw):
    return {
        "step": draw(st.sampled_from([2, 3, 4])),
        "seq_indent": draw(st.booleans()),
        "flow_labels": draw(st.booleans()),
        "quote": draw(st.sampled_from(["", "'", '"'])),
        "crlf": draw(st.booleans()),
        "final_newline": draw(st.booleans()),
        "comments": draw(st.booleans()),
        "start_marker": draw(st.booleans()),
        "extras": draw(st.booleans()),
        "annotations": draw(st.booleans()),
        "order": draw(st.permutations(["deployment", "ingress", "config"])),
    }


def _render(layout: dict) -> str:
    s = " " * layout["step"]
    q = layout["quote"]
    d = s if layout["seq_indent"] else ""
    c = (lambda text: f"  # {text}") if layout["comments"] else (lambda text: "")
    labels = "{app: web}" if layout["flow_labels"] else f"\n{s * 3}{s}app: web"
    deployment = [
        f"apiVersion: extensions/v1beta1{c('old')}",
        "kind: Deployment",
        "metadata:",
        f"{s}name: web",
        "spec:",
        f"{s}replicas: 2{c('two')}",
        f"{s}template:",
        f"{s * 2}metadata:",
        f"{s * 3}labels: {labels}" if layout["flow_labels"] else f"{s * 3}labels:{labels}",
    ]
    if layout["annotations"]:
        deployment += [f"{s * 3}annotations:", f"{s * 4}seccomp.security.alpha.kubernetes.io/pod: runtime/default"]
    deployment += [f"{s * 2}spec:"]
    if layout["extras"]:
        deployment += [f"{s * 3}serviceAccount: web", f"{s * 3}nodeSelector:", f"{s * 4}beta.kubernetes.io/os: linux"]
    deployment += [f"{s * 3}containers:", f"{s * 3}{d}- name: web", f"{s * 3}{d}  image: {q}nginx:1.25{q}{c('pinned')}"]
    ingress = [
        "apiVersion: networking.k8s.io/v1beta1",
        "kind: Ingress",
        "metadata: {name: web}",
        "spec:",
        f"{s}rules:",
        f"{s}{d}- host: web.example.com",
        f"{s}{d}  http:",
        f"{s}{d}  {s}paths:",
        f"{s}{d}  {s}{d}- path: /{c('all')}",
        f"{s}{d}  {s}{d}  backend:",
        f"{s}{d}  {s}{d}  {s}serviceName: web{c('the service')}",
        f"{s}{d}  {s}{d}  {s}servicePort: 80",
    ]
    config = ["apiVersion: v1", "kind: ConfigMap", "metadata: {name: settings}", "data:",
              f"{s}mode: 'fast'   # untouched"]
    docs = {"deployment": deployment, "ingress": ingress, "config": config}
    parts = ["\n".join(docs[name]) for name in layout["order"]]
    text = ("---\n" if layout["start_marker"] else "") + "\n---\n".join(parts)
    text += "\n" if layout["final_newline"] else ""
    return text.replace("\n", "\r\n") if layout["crlf"] else text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(layout=layouts())
def test_generated_layouts_are_fixed_in_place(layout, tmp_path_factory):
    work = tmp_path_factory.mktemp("layout") / "app.yaml"
    text = _render(layout)
    work.write_bytes(text.encode())
    run = _fix(work, "1.37", unsafe=False)
    fixed = work.read_bytes().decode()
    assert len(run.applied) >= 2, [f.message for f in run.result.findings]
    assert not [f for f in run.result.findings if f.severity == Severity.ERROR], \
        [f.message for f in run.result.findings]
    assert "apps/v1" in fixed and "networking.k8s.io/v1\n" in fixed.replace("\r\n", "\n")
    config = next(part for part in text.replace("\r\n", "\n").split("\n---\n") if "ConfigMap" in part)
    assert config.strip("-\n") in fixed.replace("\r\n", "\n"), "an untouched document changed"
    for line in text.replace("\r\n", "\n").split("\n"):
        if "#" in line and "seccomp" not in line and "serviceName" not in line:
            assert line.split("#", 1)[1] in fixed, f"comment lost: {line!r}"
    assert ("# the service" in fixed) == layout["comments"]
    if layout["crlf"]:
        assert "\n" not in fixed.replace("\r\n", "")
    assert fixed.endswith("\n") == layout["final_newline"]
    again = _fix(work, "1.37", unsafe=False)
    assert not again.applied and work.read_bytes().decode() == fixed


# ---------------------------------------------------------------------------------------------------------
# Random mutations of the fix fixtures: the fixer never crashes, never rewrites what it cannot parse back,
# keeps every comment line, and a second run changes nothing.

FIX_INPUTS = [p for p in FIXTURES if p.is_relative_to(TESTS / "fixes") and "/before/" in p.as_posix()]
MUTATIONS = [":", "- ", "  ", "\t", "[", "]", "{", "}", "\"", "'", "#", "\n", "---\n", "&a ", "*a", "<<: *a\n",
             "!!str ", "yes", "null", "0777", "\u00e9", "\r\n", "selector: {}\n", "apiVersion: v1\n"]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                    HealthCheck.too_slow])
@given(st.sampled_from(FIX_INPUTS), st.lists(st.tuples(st.floats(0, 1), st.sampled_from(MUTATIONS)), max_size=4),
       st.booleans())
def test_mutated_fixtures_never_crash_the_fixer(tmp_path_factory, fixture, edits, unsafe):
    text = fixture.read_text(encoding="utf-8")
    for where, insert in edits:
        at = int(where * len(text))
        text = text[:at] + insert + text[at:]
    work = tmp_path_factory.mktemp("mutated") / fixture.name
    work.write_bytes(text.encode("utf-8"))  # bytes: no newline translation either way
    first = _fix(work, "1.37", unsafe)
    fixed = work.read_bytes().decode("utf-8")
    if fixed != text:
        before = {f.rule_id for f in load_text(text, "x.yaml").findings}
        assert not before & {"YML001", "YML006", "YML007"}, "a file that does not parse was rewritten"
        after = {f.rule_id for f in load_text(fixed, "x.yaml").findings}
        assert not after & {"YML001", "YML006"}, "the fix broke the YAML"
        for line in text.splitlines():
            if line.strip().startswith("#"):
                assert line.strip() in fixed, f"comment lost: {line.strip()!r}"
    second = _fix(work, "1.37", unsafe)
    assert not second.applied and work.read_bytes().decode("utf-8") == fixed
    assert first is not None
