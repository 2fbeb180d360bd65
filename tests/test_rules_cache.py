"""The parsed rule tables are cached like .pyc files: used when fresh, rebuilt when the table changes,
ignored when broken."""
from __future__ import annotations

import os
import shutil

import pytest

from k8slint import datadir
from k8slint.rules import data


@pytest.fixture
def tables(tmp_path, monkeypatch):
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "t.yaml").write_text("- {id: A1, v: '1.10'}\n")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(data, "rules_dir", lambda: rules)
    data.load_table.cache_clear()
    yield rules
    data.load_table.cache_clear()


def test_cache_is_written_then_used(tables, tmp_path, monkeypatch):
    assert data.load_table("t") == ({"id": "A1", "v": "1.10"},)
    cached = list((tmp_path / "cache" / "k8slint" / "rules").glob("t-*.marshal"))
    assert len(cached) == 1
    data.load_table.cache_clear()
    import yaml
    monkeypatch.setattr(yaml, "load", lambda *a, **k: pytest.fail("the YAML was parsed again"))
    assert data.load_table("t") == ({"id": "A1", "v": "1.10"},)


def test_a_changed_table_is_read_again(tables):
    data.load_table("t")
    data.load_table.cache_clear()
    (tables / "t.yaml").write_text("- {id: A2}\n- {id: A3}\n")
    st = (tables / "t.yaml").stat()
    os.utime(tables / "t.yaml", ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    assert [r["id"] for r in data.load_table("t")] == ["A2", "A3"]


def test_a_broken_or_unwritable_cache_is_ignored(tables, tmp_path):
    data.load_table("t")
    for f in (tmp_path / "cache" / "k8slint" / "rules").glob("*.marshal"):
        f.write_bytes(b"garbage")
    data.load_table.cache_clear()
    assert data.load_table("t") == ({"id": "A1", "v": "1.10"},)
    shutil.rmtree(tmp_path / "cache")
    (tmp_path / "cache").write_text("a file where the cache directory should be")
    data.load_table.cache_clear()
    assert data.load_table("t") == ({"id": "A1", "v": "1.10"},)
    assert data.load_table("missing") == ()


def test_caches_nobody_wrote_for_a_month_are_removed(tables, tmp_path):
    cache = tmp_path / "cache" / "k8slint" / "rules"
    cache.mkdir(parents=True)
    old, recent, other = cache / "t-aaaa.marshal", cache / "t-bbbb.marshal", cache / "u-cccc.marshal"
    for f in (old, recent, other):
        f.write_bytes(b"x")
    month_ago = os.stat(old).st_mtime - datadir.STALE_AFTER - 10
    os.utime(old, (month_ago, month_ago))
    os.utime(other, (month_ago, month_ago))
    data.load_table("t")
    assert not old.exists() and recent.exists() and other.exists()  # only this table's stale caches go
