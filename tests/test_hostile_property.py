"""Property test over generated hostile input (issue 17): the families of bombs and broken input found so far
(alias and merge-key bombs, recursive merges, duplicate keys, thousands of broken documents, template braces,
deep nesting, huge numbers, odd tags and scalars, odd line breaks, hostile CRD and --schema-location schemas, odd
shapes for the fixer), combined at random, through lint, `fix --write` and report. Each case runs in a forked
child with a time and a memory budget: no traceback, an exit code of 0, 1 or 2, never over budget, and
`fix --write` never loses or breaks a file. So the next bomb of a known family fails CI.

The suite runs a few derandomized examples (seconds); `K8SLINT_PROPERTY_EXAMPLES=500` runs more, at random.
"""
from __future__ import annotations

import io
import json
import os
import resource
import shutil
import signal
import sys
import tempfile
import time
import traceback
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.skipif(not hasattr(os, "fork") or not os.path.exists("/proc/self/status"),
                                reason="the budget is enforced in a forked child (Linux)")

EXAMPLES = int(os.environ.get("K8SLINT_PROPERTY_EXAMPLES", "0"))
# Seconds per case for lint, fix --write and report: a case takes 0.3 to 7 s on a busy machine; a hang or an
# exponential blow-up takes minutes. Generous, so that a loaded CI machine does not make it flaky.
TIME_BUDGET = 60.0 if EXAMPLES else 30.0
MEMORY_BUDGET = 600 * 1024 * 1024  # bytes a case may add to the process (the limits refuse bombs far below)

OLD_DEPLOYMENT = ("apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {name: %s}  # kept\nspec:\n"
                  "  replicas: 2\n  template:\n    metadata: {labels: {app: a}}\n    spec:\n"
                  "      containers: [{name: a, image: nginx}]\n")
CRD = ("apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: ws.h%d.io}\n"
       "spec:\n  group: h%d.io\n  scope: Namespaced\n  names: {kind: W, plural: ws}\n  versions:\n"
       "  - name: v1\n    served: true\n    storage: true\n    schema:\n      openAPIV3Schema:\n"
       "        type: object\n        properties:\n          spec: %s\n---\n"
       "apiVersion: h%d.io/v1\nkind: W\nmetadata: {name: w}\nspec: {n: %s}\n")


def _alias_bomb(depth: int, width: int = 9) -> str:
    lines = ["apiVersion: v1", "kind: ConfigMap", "metadata: {name: a}", "data:", "  a0: &a0 x"]
    lines += [f"  a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]" for i in range(1, depth + 1)]
    return "\n".join(lines) + "\n"


def _merge_bomb(depth: int) -> str:
    lines = ["apiVersion: v1", "kind: ConfigMap", "metadata: {name: m}", "x:", "  m0: &m0 {a: b}"]
    lines += [f"  m{i}: &m{i} {{<<: [*m{i - 1}, *m{i - 1}], k{i}: v}}" for i in range(1, depth + 1)]
    return "\n".join(lines) + "\ndata: *m%d\n" % depth


def _duplicates(n: int) -> str:
    return ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: d}\ndata:\n" + "".join(f"  k{i}: v\n" for i in range(n))
            + "  k0: w\n" * n)


def _huge_number(digits: int) -> str:
    return "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: n}\nspec: {replicas: %s}\n" % ("9" * digits)


# family -> (builder of one size, smallest, largest in the suite, largest by hand). The suite's sizes keep it
# fast; test_hostile_bounds holds the sizes the issue named. By hand (K8SLINT_PROPERTY_EXAMPLES) they grow.
SIZED = {
    "alias-bomb": (_alias_bomb, 3, 14, 40),
    "merge-bomb": (_merge_bomb, 5, 40, 200),
    "duplicates": (_duplicates, 100, 3_000, 50_000),
    "broken-docs": (lambda n: "---\n@\n" * n, 100, 5_000, 100_000),
    "template-plain": (lambda n: "a: " + "{{ " * n + "\n", 100, 10_000, 40_000),
    "template-quoted": (lambda n: "a: '" + "{{ " * n + "'\n", 100, 10_000, 40_000),
    "template-comment": (lambda n: "# " + "{{ " * n + "\na: b\n", 100, 10_000, 40_000),
    "deep-flow": (lambda n: "a: " + "[" * n + "]" * n + "\n", 100, 20_000, 100_000),
    "deep-block": (lambda n: "- " * n + "x\n", 100, 5_000, 20_000),
    "huge-numbers": (_huge_number, 4_000, 20_000, 100_000),
}
LARGEST = 3 if EXAMPLES else 2  # which of the two largest sizes this run uses
# the random cases of the suite stay small (the largest are run once below); by hand they range fully
DRAWN_MAX = {name: entry[LARGEST] if EXAMPLES else max(entry[1], entry[2] // 4) for name, entry in SIZED.items()}
ODD_SCALARS = ["a: .nan", "b: -.Inf", "c: !!timestamp notadate", "d: !!binary '!!!'", "e: !!python/object:os.system x",
               "1.0: f", ".inf: g", "h: !!float 1e400", "i: !!int 0x", "j: !!null x", "k: 0o17", "'l': !!str",
               "m: \x1b]52;c;cGF3bmVk\x07", "n: \u202eevil"]
CATALOG_SPEC = ('{"type": "object", "properties": {"spec": {"type": "object", "properties": %s}}}')


def _catalog_case(index: int, properties: str, spec: str) -> dict:
    """A schema for --schema-location (schemas/GROUP/KIND_VERSION.json) and a custom resource it serves."""
    return {f"schemas/c{index}.io/thing_v1.json": CATALOG_SPEC % properties,
            f"thing{index}.yaml": f"apiVersion: c{index}.io/v1\nkind: Thing\nmetadata: {{name: t}}\nspec: {spec}\n"}


# family -> members (a text, or several files): the suite runs every member of each family once
SAMPLED = {
    "recursive": ["data: &a {<<: *a}\n", "a: &a [*a]\n",
                  "apiVersion: v1\nkind: ConfigMap\nmetadata: &m {name: r, labels: *m}\n"],
    "wide-lines": [" " * 1_000 + "\n", "-" * 1_000 + "\n", 'a: "' + "[" * 1_001 + '"\n'],
    "odd-scalars": ["apiVersion: v1\nkind: ConfigMap\nmetadata: {name: s}\ndata:\n"
                    + "".join(f"  {item}\n" for item in ODD_SCALARS)],
    "line-breaks": [(OLD_DEPLOYMENT % "lb").replace("\n", nl) for nl in ("\r", "\r\n", "\u2028", "\x85")],
    "hostile-crd": [CRD % (i, i, spec, i, "a" * 5_000 + "!") for i, spec in enumerate([
        "{type: object, properties: {n: {type: string, pattern: '^(a+)+$'}}}",
        "{type: object, properties: {n: {type: string, pattern: '(['}}}",
        "{type: object, properties: {n: {type: integer, multipleOf: 0}}}",
        "{type: object, properties: {n: {$ref: 'http://169.254.169.254/latest'}}}",
        "{type: object, properties: [n]}", "{type: 5}", "'just text'",
        "{type: object, patternProperties: {'^(a|a)*$': {type: string}}}"])],
    "hostile-catalog": [_catalog_case(i, *member) for i, member in enumerate((
        ('{"x": {"type": "string", "pattern": "^(a+)+$"}}', "{x: %s}" % ("a" * 50_000 + "!")),
        ('{"x": {"type": "string", "pattern": "(?=lookahead)"}}', "{x: text}"),
        ('{"x": {"$ref": "http://169.254.169.254/latest/meta-data"}}', "{x: text}"),
        ('{"x": {"$ref": "file:///etc/passwd"}}', "{x: text}"),
        ('{"x": ' + '{"items": ' * 3_000 + "{}" + "}" * 3_000 + "}", "{x: [[[]]]}"),
        ('[1, 2]', "{x: 1}"),
    ))],
    "odd-shapes": ["apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {name: odd}\n" + shape for shape in (
        "spec:\n  template:\n    metadata: [a]\n", "spec:\n  template: {metadata: text}\n", "spec: 5\n",
        "spec:\n  template:\n    spec: {containers: {a: 1}}\n", "spec: {selector: [x], template: []}\n")],
}
FAMILIES = {
    **{name: st.builds(entry[0], st.integers(entry[1], DRAWN_MAX[name])) for name, entry in SIZED.items()},
    **{name: st.sampled_from(members) for name, members in SAMPLED.items() if name != "odd-scalars"},
    "odd-scalars": st.lists(st.sampled_from(ODD_SCALARS), min_size=1, max_size=8).map(
        lambda items: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: s}\ndata:\n"
                      + "".join(f"  {item}\n" for item in items)),
}


def _rss_kb() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def _in_child(directory: str, write) -> None:
    """Run the three commands here (the forked child) and write what happened as JSON to `write`."""
    from k8slint.cli import main

    base_kb = _rss_kb()
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)  # a hard stop far above the budget: protect the machine
    with open("/proc/self/status") as fh:
        size_kb = next(int(line.split()[1]) for line in fh if line.startswith("VmSize:"))
    resource.setrlimit(resource.RLIMIT_AS, (size_kb * 1024 + 4 * MEMORY_BUDGET, hard))
    out: dict = {"runs": []}
    os.chdir(directory)
    schemas = ["--schema-location", "schemas"] if os.path.isdir("schemas") else []
    for args in (["lint", "-j", "1", "-k", "1.30", *schemas, "."], ["fix", "-k", "1.30", "--write", *schemas, "."],
                 ["report", "-j", "1", "--from", "1.16", "--to", "1.30", *schemas, "."]):
        sys.stdout, sys.stderr = io.StringIO(), io.StringIO()
        sys.stdin = io.TextIOWrapper(io.BytesIO(b""), encoding="utf-8")
        try:
            code = main(args)
            error = None
        except BaseException:  # noqa: BLE001 - what must never happen is exactly what we record
            code, error = None, traceback.format_exc()[-3000:]
        out["runs"].append({"args": args, "code": code, "error": error, "stderr": sys.stderr.getvalue()[-3000:]})
    out["growth"] = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base_kb) * 1024
    os.write(write, json.dumps(out).encode())


def _run_case(files: dict) -> tuple:
    """(result of the child, seconds) for the commands over `files` in a fresh directory."""
    directory = tempfile.mkdtemp(prefix="k8slint-hostile-")
    try:
        for name, text in files.items():
            Path(directory, name).parent.mkdir(parents=True, exist_ok=True)
            Path(directory, name).write_bytes(text.encode("utf-8", "surrogatepass"))
        before = {name: Path(directory, name).read_bytes() for name in files}
        read, write = os.pipe()
        started = time.monotonic()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            try:
                os.close(read)
                _in_child(directory, write)
            finally:
                os._exit(0)
        os.close(write)
        chunks = []
        deadline = started + TIME_BUDGET
        while True:
            done, _status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                os.close(read)
                pytest.fail(f"over the time budget of {TIME_BUDGET} s with {sorted(files)}")
            time.sleep(0.01)
        seconds = time.monotonic() - started
        while True:
            chunk = os.read(read, 1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
        os.close(read)
        result = json.loads(b"".join(chunks) or b"{}")
        result["before"] = before
        result["after"] = {p.relative_to(directory).as_posix(): p.read_bytes()
                           for p in Path(directory).rglob("*") if p.is_file()}
        return result, seconds
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def _check(files: dict) -> None:
    from k8slint.loader import decode, load_text

    result, seconds = _run_case(files)
    assert result.get("runs"), f"the child died without a word (memory limit?) on {sorted(files)}"
    for run in result["runs"]:
        assert run["error"] is None, f"{run['args']} on {sorted(files)}:\n{run['error']}"
        assert run["code"] in (0, 1, 2), (run["args"], run["code"], run["stderr"])
        assert "Traceback" not in run["stderr"], run["stderr"]
    assert result["growth"] < MEMORY_BUDGET, f"{result['growth'] / 2**20:.0f} MiB on {sorted(files)}"
    # fix --write never loses a file, never leaves a temporary one, never writes one that no longer parses
    assert sorted(result["after"]) == sorted(result["before"]), "a file vanished or a temporary file stayed"
    # one hostile file never stops the fix of the others
    assert b"apps/v1" in result["after"]["old-deployment.yaml"], f"the fixable file was not fixed: {sorted(files)}"
    for name, old in result["before"].items():
        new = result["after"][name]
        if new == old:
            continue
        text, problem = decode(new, name)
        assert problem is None, (name, problem)
        loaded = load_text(text, name)
        old_loaded = load_text(decode(old, name)[0], name)
        assert not [f for f in loaded.findings if f.rule_id in ("YML001", "YML006")], (name, text[:2000])
        assert len(loaded.documents) == len(old_loaded.documents), name


CASES = st.lists(st.sampled_from(sorted(FAMILIES)), min_size=1, max_size=3, unique=True).flatmap(
    lambda names: st.tuples(*[FAMILIES[n] for n in names]).map(lambda texts: dict(zip(names, texts))))


@pytest.fixture(scope="module", autouse=True)
def _warm():
    """Load the schemas and rules once in this process, so that every forked child starts warm."""
    from conftest import run_cli
    directory = tempfile.mkdtemp(prefix="k8slint-warm-")
    try:
        Path(directory, "d.yaml").write_text(OLD_DEPLOYMENT % "warm")
        run_cli(["fix", "-k", "1.30", "d.yaml"], cwd=directory)
        run_cli(["report", "-j", "1", "--from", "1.16", "--to", "1.30", "d.yaml"], cwd=directory)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def _files(name: str, member) -> dict:
    return member if isinstance(member, dict) else {f"{name}.yaml": member}


@settings(max_examples=EXAMPLES or 3, derandomize=not EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example])
@given(CASES)
def test_hostile_input_never_crashes_hangs_blows_up_or_loses_a_file(case):
    files = {path: text for name, member in case.items() for path, text in _files(name, member).items()}
    files["old-deployment.yaml"] = OLD_DEPLOYMENT % "fixable"  # fix --write always has something to write
    _check(files)


def test_every_sized_family_at_its_largest_stays_within_budget():
    """The largest member of each sized family (what the random cases reach only by hand), all at once."""
    files = {f"{name}.yaml": entry[0](entry[LARGEST]) for name, entry in SIZED.items()}
    if EXAMPLES:  # by hand, at full size: one case each, each within the budget
        for name, text in files.items():
            _check({name: text, "old-deployment.yaml": OLD_DEPLOYMENT % "fixable"})
    else:
        _check({**files, "old-deployment.yaml": OLD_DEPLOYMENT % "fixable"})


def test_every_member_of_the_other_families_stays_within_budget():
    files = {path: text for name, members in SAMPLED.items() for i, member in enumerate(members)
             for path, text in _files(f"{name}-{i}", member).items()}
    _check({**files, "old-deployment.yaml": OLD_DEPLOYMENT % "fixable"})
