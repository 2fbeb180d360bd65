"""The faster ways fix computes the same answer: each is compared with the way it replaced (or with -j 1)
on the same input, output for output."""
from __future__ import annotations

import os

from conftest import REPO

LEGACY = (REPO / "examples" / "legacy-app.yaml").read_text()
CURRENT = """apiVersion: v1
kind: ConfigMap
metadata:
  name: settings-{i}
data:
  a: "1"
"""


def _mixed_tree(root, count: int = 50):
    """Files a fix changes and files it leaves, over more batches than -j 2 has workers."""
    root.mkdir()
    for i in range(count):
        text = LEGACY.replace("name: billing", f"name: billing-{i}") if i % 3 == 0 else CURRENT.format(i=i)
        (root / f"f{i:02}.yaml").write_text(text)
    return root


def test_with_jobs_the_first_batch_is_fixed_before_the_fork_and_every_output_is_the_same(cli, tmp_path,
                                                                                          monkeypatch):
    from k8slint.engine import BATCH
    from k8slint.fixer import apply
    pids = tmp_path / "pids"
    original = apply.fix_file

    def recording(inp, *args):
        with open(pids, "a") as out:
            out.write(f"{os.getpid()} {os.path.basename(inp.path)}\n")
        return original(inp, *args)

    monkeypatch.setattr(apply, "fix_file", recording)
    one, two = _mixed_tree(tmp_path / "one"), _mixed_tree(tmp_path / "two")
    for fmt in ("json", "text", "sarif", "junit"):
        outs = [cli(["fix", "-j", str(jobs), "-f", fmt, two]).out for jobs in (1, 2)]  # a preview: same tree
        assert outs[0] == outs[1], fmt
    pids.unlink()
    cli(["fix", "-j", "2", "-f", "json", two])
    seen = [line.split() for line in pids.read_text().splitlines()]
    here = sorted(name for pid, name in seen if int(pid) == os.getpid())
    assert here == [f"f{i:02}.yaml" for i in range(BATCH)]  # the first batch, in this process
    assert len(seen) == 50 and len({pid for pid, _ in seen}) == 3  # the rest in two workers
    written = [cli(["fix", "--write", "-j", str(jobs), root]) for jobs, root in ((1, one), (2, two))]
    assert written[0].out.replace(str(one), "") == written[1].out.replace(str(two), "")
    assert [p.read_text() for p in sorted(one.iterdir())] == [p.read_text() for p in sorted(two.iterdir())]
    assert (two / "f00.yaml").read_text() != LEGACY.replace("name: billing", "name: billing-0")


# ------------------------------------------------------------------ the same answer by the old way and the new

def _inputs(root):
    """The repository's fix fixtures, its CLI cases' inputs and examples, plus texts that take the other
    branches: CRLF and lone-CR line ends, a fixed text with a YAML problem, several documents per file."""
    import shutil
    root.mkdir()
    for case in sorted((REPO / "tests" / "fixes").iterdir()):
        shutil.copytree(case / "before", root / "fixes" / case.name)
    for case in sorted((REPO / "tests" / "cases").iterdir()):
        for path in sorted(case.iterdir()):
            if path.suffix in (".yaml", ".yml", ".json") and path.name != "case.yaml":
                (root / "cases" / case.name).mkdir(parents=True, exist_ok=True)
                shutil.copy(path, root / "cases" / case.name / path.name)
    shutil.copytree(REPO / "examples", root / "examples", ignore=shutil.ignore_patterns("*.md"))
    (root / "crlf.yaml").write_bytes(LEGACY.replace("\n", "\r\n").encode())
    (root / "cr.yaml").write_bytes(LEGACY.replace("\n", "\r").encode())
    (root / "duplicate-key.yaml").write_text(LEGACY.replace("kind: Deployment\n", "kind: Deployment\nkind: Deployment\n", 1))
    (root / "many.yaml").write_text("---\n".join([CURRENT.format(i=0), LEGACY, CURRENT.format(i=1), LEGACY.replace(
        "name: billing", "name: other"), CURRENT.format(i=2)]))
    return root


RUNS = (["-f", "json", "--unsafe-fixes"], ["-f", "text", "-k", "1.25"], ["-f", "sarif", "--current-version", "1.16"],
        ["-f", "junit", "--strict"])


def _outputs(cli, root) -> list:
    return [cli(["fix", "-j", "1", *args, root]).out for args in RUNS]


def _written(cli, root, tmp_path, name):
    import shutil
    copy = tmp_path / name
    shutil.copytree(root, copy)
    out = cli(["fix", "--write", "--unsafe-fixes", "-f", "json", "-j", "1", copy]).out.replace(str(copy), "ROOT")
    return out, {str(p.relative_to(copy)): p.read_bytes() for p in sorted(copy.rglob("*")) if p.is_file()}


def test_the_final_lint_of_a_fixed_file_reads_the_text_the_verification_read_back(cli, tmp_path, monkeypatch):
    from k8slint.fixer import apply
    root = _inputs(tmp_path / "in")
    kept = []
    original = apply._read_back
    monkeypatch.setattr(apply, "_read_back", lambda *a: (kept.append(a[2] is not None), original(*a))[1])
    new, new_written = _outputs(cli, root), _written(cli, root, tmp_path, "new")
    assert kept.count(True) > 20 and False in kept  # whole files reuse it; pieces (and lone CRs) do not
    monkeypatch.setattr(apply, "_read_back", lambda loaded, text, read_back: apply.parse_documents(text))
    assert _outputs(cli, root) == new
    assert _written(cli, root, tmp_path, "old") == new_written


def _same_nodes(a, b, at: int, lines: int) -> bool:
    """Node trees equal, b's marks `at` characters and `lines` lines before a's."""
    import yaml
    if type(a) is not type(b) or a.tag != b.tag:
        return False
    for mine, theirs in ((a.start_mark, b.start_mark), (a.end_mark, b.end_mark)):
        if (mine.index, mine.line, mine.column) != (theirs.index + at, theirs.line + lines, theirs.column):
            return False
    if isinstance(a, yaml.ScalarNode):
        return (a.value, a.style) == (b.value, b.style)
    if (a.flow_style, len(a.value)) != (b.flow_style, len(b.value)):
        return False
    pairs = zip(a.value, b.value) if isinstance(a, yaml.SequenceNode) else \
        ((x, y) for (k1, v1), (k2, v2) in zip(a.value, b.value) for x, y in ((k1, k2), (v1, v2)))
    return all(_same_nodes(x, y, at, lines) for x, y in pairs)


ODD_STREAMS = [
    "a: 1\n---\nb: [1, {c: 2}]\n# trailing\n\n---\n--- !!map\nd: |\n  x\n  ---\n",
    "# head\n--- &top\ne: 1\n...\n---\nf: *x\n" .replace("*x", "'*x'"),
    "g: 1\n...\nh: 2\n...\n---\n- i\n- j: k\n",
    "---\n---\n\n---\nl: >\n  folded\n\n  text\n---   # a comment\nm: {n: o}\n",
    "p: 1\r\n---\r\nq: 2\r\n",
    "r: 1\n--- s\n--- 't'\n--- \"u\"\n---\nv: 1\n",
]


def test_documents_composed_alone_are_the_documents_of_the_whole_text(tmp_path):
    from k8slint.fixer import apply
    from k8slint.fixer.source import compose_documents
    from k8slint.loader import load_text
    texts = ODD_STREAMS + [p.read_bytes().decode("utf-8", "replace") for p in sorted((REPO / "tests").rglob("*.yaml"))
                           if p.stat().st_size < 200_000]
    chunked = 0
    for text in texts:
        loaded = load_text(text, "t.yaml")
        if apply.not_editable(loaded) or len(loaded.documents) < 2:
            continue
        try:
            whole = compose_documents(text)
        except Exception:  # noqa: BLE001 - fix refuses it either way
            assert apply._roots(loaded, text, {0}, 0) is None
            continue
        roots = apply._roots(loaded, text, set(range(len(loaded.documents))), 0)
        assert roots is not None and len(whole) == len(loaded.documents), text
        for d, (root, at, own) in roots.items():
            assert own == text[at:at + len(own)] and _same_nodes(whole[d], root, at, text.count("\n", 0, at)), text
            chunked += at > 0
    assert chunked > 50


def test_fixing_documents_composed_alone_gives_what_composing_the_whole_text_gave(cli, tmp_path, monkeypatch):
    from k8slint.fixer import apply
    root = _inputs(tmp_path / "in")
    for n, text in enumerate(ODD_STREAMS):
        (root / f"odd{n}.yaml").write_text(text + "---\n" + LEGACY + "---\n" + text)
    new, new_written = _outputs(cli, root), _written(cli, root, tmp_path, "new")
    monkeypatch.setattr(apply, "COMPOSE_WHOLE", True)
    assert _outputs(cli, root) == new
    assert _written(cli, root, tmp_path, "old") == new_written


def test_the_stretches_of_a_text_are_those_of_document_chunks():
    from k8slint.fixer.apply import _stretches
    from k8slint.yamlread import document_chunks
    texts = ODD_STREAMS + ["", "---", "...", "--- a\n", "%YAML 1.1\n---\na: 1\n", "a: 1\r---\rb: 2\r", "a: 1\n---",
                           "a: 1\n----\nb: 2\n---x\n...\t\n", "a\u2028---\nb\n", "a\x85b\n---\nc\n", "x: 1\r\n---\r\ny\r\n"]
    texts += [p.read_bytes().decode("utf-8", "replace") for p in sorted((REPO / "tests").rglob("*.yaml"))
              if p.stat().st_size < 200_000]
    for text in texts:
        assert _stretches(text) == document_chunks(text, 0), text


def test_line_starts_split_at_newlines_are_those_the_pattern_finds(monkeypatch):
    from k8slint.fixer import positions
    texts = ["", "\n", "a", "a\n", "a\nb", "a\r\nb\r\n", "\n\n\r\n", "a\rb\n", "a\x85b\n", "x\u2028y\n", "x\u2029",
             LEGACY, LEGACY.replace("\n", "\r\n"), LEGACY.replace("\n", "\r")] + ODD_STREAMS
    split = [positions._line_starts(text) for text in texts]
    monkeypatch.setattr(positions, "_SPLIT_CHARS", -1)  # the pattern for every text
    assert split == [positions._line_starts(text) for text in texts]


def test_the_errors_of_an_object_before_its_fix_are_asked_for_only_beside_errors_after_it(cli, write, monkeypatch):
    from k8slint.fixer import apply
    asked = []
    original = apply._Verifier.before
    monkeypatch.setattr(apply._Verifier, "before", lambda self, data: asked.append(data) or original(self, data))
    clean = write("clean.yaml", LEGACY)
    assert "Would fix" in cli(["fix", clean]).out and asked == []
    # an unknown field stays an error after the fix: then the object's old errors decide that it was there before
    broken = write("broken.yaml", LEGACY.replace("  replicas: 2\n", "  replicas: 2\n  replicaz: 2\n", 1))
    import json
    doc = json.loads(cli(["fix", "-f", "json", broken]).out)
    assert asked and "would not validate" not in json.dumps(doc)
    assert any(f["object"]["kind"] == "Deployment" for f in doc["fixes"])  # fixed all the same


def test_diffs_made_where_each_file_was_fixed_are_the_diffs_the_command_made(cli, tmp_path, monkeypatch):
    from k8slint.fixer import apply
    root = _mixed_tree(tmp_path / "t")
    pids = tmp_path / "pids"
    original = apply.unified_diff

    def recording(*args):
        with open(pids, "a") as out:
            out.write(f"{os.getpid()}\n")
        return original(*args)

    monkeypatch.setattr(apply, "unified_diff", recording)
    new = [cli(["fix", "-j", "2", "-f", fmt, root]).out for fmt in ("text", "json")]
    made = pids.read_text().split()
    assert str(os.getpid()) in made and len(set(made)) == 5  # here (the first batch) and two workers a run
    monkeypatch.setattr(apply, "unified_diff", lambda *args: None)  # none made: the command makes them
    assert [cli(["fix", "-j", "2", "-f", fmt, root]).out for fmt in ("text", "json")] == new
    assert "+apiVersion: apps/v1" in new[0]


def test_without_jobs_fix_asks_for_the_idle_cores_after_its_first_batch_as_lint_does(cli, tmp_path, monkeypatch):
    from k8slint import engine
    from k8slint.engine import BATCH
    from k8slint.fixer import apply
    root = _mixed_tree(tmp_path / "t")
    reference = [cli(["fix", "-j", "1", "-f", fmt, root]).out for fmt in ("text", "json")]
    fixed, asked = [], []
    original = apply.fix_file
    monkeypatch.setattr(apply, "fix_file", lambda inp, *a: fixed.append(inp.path) or original(inp, *a))
    for workers in (1, 2):
        monkeypatch.setattr(engine, "default_jobs", lambda files: asked.append((files, len(fixed))) or workers)
        for fmt, expected in zip(("text", "json"), reference):
            fixed.clear()
            asked.clear()
            assert cli(["fix", "-f", fmt, root]).out == expected
            assert asked == [(50, BATCH)]  # once, after the first batch (fixed here)
            assert len(fixed) == (50 if workers == 1 else BATCH)  # the rest here, or in the workers
