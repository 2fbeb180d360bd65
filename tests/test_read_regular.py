"""Regular files are read with a size hint (one byte more than fstat's size, then a small probe), not in
16 MiB requests that allocate 16 MiB each: same bytes, same limit, files that grow while read still seen."""
from __future__ import annotations

import os

import pytest

from k8slint import loader


@pytest.mark.parametrize("size", [0, 1, 9, 10, 11, 50])
def test_a_regular_file_reads_as_its_bytes_up_to_the_limit(tmp_path, size):
    path = tmp_path / "f.yaml"
    path.write_bytes(bytes(range(48, 48 + size % 10)) * (size // 10) + b"x" * (size % 10))
    data = path.read_bytes()
    assert loader.read_limited(str(path), 11) == data[:11]
    assert loader.read_limited(str(path), 1000) == data


def test_short_reads_are_continued(tmp_path, monkeypatch):
    path = tmp_path / "f.yaml"
    path.write_bytes(b"apiVersion: v1\nkind: ConfigMap\n" * 40)
    real = loader._read_chunks
    asked = []

    def short(read):  # at most 7 bytes a read, recording what was asked for
        def read_short(n):
            asked.append(n)
            return read(min(n, 7))
        return read_short

    monkeypatch.setattr(loader, "_read_chunks", lambda read, limit, **kw: real(short(read), limit, **kw))
    assert loader.read_limited(str(path), 10_000) == path.read_bytes()
    assert loader.read_limited(str(path), 100) == path.read_bytes()[:100]
    assert asked and max(asked) <= max(path.stat().st_size + 1, loader._PROBE)  # never a 16 MiB request


def test_a_file_that_grows_after_fstat_is_read_on(tmp_path, monkeypatch):
    path = tmp_path / "f.yaml"
    path.write_bytes(b"a: 1\n")
    real_fstat = os.fstat

    def stale(fd):  # fstat saw the file before a writer appended to it
        st = real_fstat(fd)
        with open(path, "ab") as fh:
            fh.write(b"b: 2\n" * 1000)
        return st

    monkeypatch.setattr(loader.os, "fstat", stale)
    assert loader.read_limited(str(path), 1 << 20) == b"a: 1\n" + b"b: 2\n" * 1000
    assert len(loader.read_limited(str(path), 12)) == 12  # still cut at the limit (one byte over: refused)
