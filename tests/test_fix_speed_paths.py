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
