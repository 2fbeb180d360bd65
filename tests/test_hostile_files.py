"""Hostile file systems (issue 17): FIFOs, links out of the tree, loops, standard input twice."""
from __future__ import annotations

import os
import threading
import time

import pytest

from conftest import run_cli
from k8slint.discover import UsageError, discover

CM = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: %s}\n"
OLD = ("apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {name: old}\nspec:\n  selector:\n"
       "    matchLabels: {app: a}\n  template:\n    metadata: {labels: {app: a}}\n    spec:\n"
       "      containers: [{name: a, image: nginx}]\n")


@pytest.fixture
def tree(tmp_path):
    """tree/ with a manifest, a FIFO, a link to a directory outside, a link to a file outside and a loop."""
    root, outside = tmp_path / "tree", tmp_path / "outside"
    (root / "sub").mkdir(parents=True)
    outside.mkdir()
    (root / "a.yaml").write_text(CM % "a")
    (outside / "old.yaml").write_text(OLD)
    os.mkfifo(root / "pipe.yaml")
    (root / "sub" / "out").symlink_to(outside, target_is_directory=True)
    (root / "linked.yaml").symlink_to(outside / "old.yaml")
    (root / "sub" / "loop").symlink_to(root, target_is_directory=True)
    (root / "sub" / "inner.yaml").symlink_to(root / "a.yaml")  # a link inside the tree is followed
    return root, outside


def test_walk_skips_fifos_and_links_out_of_the_tree(tree):
    root, _ = tree
    assert [os.path.relpath(p, root) for p in discover([str(root)])] == ["a.yaml", "sub/inner.yaml"]


def test_follow_links_allows_links_out_of_the_tree_but_still_no_fifo(tree):
    root, _ = tree
    found = [os.path.relpath(p, root) for p in discover([str(root)], follow_links=True)]
    assert found == ["a.yaml", "linked.yaml", "sub/inner.yaml", "sub/out/old.yaml"]


def test_fix_write_dot_never_rewrites_outside_the_tree(tree):
    root, outside = tree
    result = run_cli(["fix", "--write", "."], cwd=root)
    assert result.code in (0, 1), result.err
    assert (outside / "old.yaml").read_text() == OLD


def test_explicit_fifo_without_a_writer_does_not_block(tree):
    root, _ = tree
    done = []
    worker = threading.Thread(target=lambda: done.append(run_cli(["lint", "--allow-empty", str(root / "pipe.yaml")])), daemon=True)
    worker.start()
    worker.join(20)
    assert done and done[0].code == 0 and "Traceback" not in done[0].err


def test_explicit_fifo_with_a_writer_is_read(tmp_path):
    fifo = tmp_path / "rendered.yaml"
    os.mkfifo(fifo)

    def writer():
        with open(fifo, "w") as fh:
            fh.write(OLD)
    threading.Thread(target=writer, daemon=True).start()
    time.sleep(0.3)  # the writer is then waiting in open(), as the shell's <(...) writer is
    result = run_cli(["lint", "-k", "1.30", str(fifo)])
    assert result.code == 1 and "API" in result.out


def test_standard_input_twice_is_a_usage_error():
    with pytest.raises(UsageError):
        discover(["-", "-"])
    result = run_cli(["lint", "-", "-"], stdin=CM % "x")
    assert result.code == 2 and "only once" in result.err
