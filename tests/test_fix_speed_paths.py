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
