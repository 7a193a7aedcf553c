"""Same input and templates give the same bytes (outputs are archived and diffed)."""

from __future__ import annotations

import io
import time
import zipfile

from tests.conftest import build_into


def test_two_builds_are_byte_identical(demo_workspace, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first = {p.name: p.read_bytes() for r in build_into(demo_workspace) for p in r.outputs}
    time.sleep(2.1)  # zip timestamps have a 2-second resolution
    second = {p.name: p.read_bytes() for r in build_into(demo_workspace) for p in r.outputs}
    assert first and first == second
    for data in first.values():
        archive = zipfile.ZipFile(io.BytesIO(data))
        assert archive.namelist()[0] == "[Content_Types].xml"
        assert {info.date_time for info in archive.infolist()} == {(2022, 12, 31, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
        assert "2022-12-31T00:00:00Z" in core


def test_source_date_epoch_is_honoured(demo_workspace, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 22:13:20 UTC
    [result] = build_into(demo_workspace)
    archive = zipfile.ZipFile(result.outputs[0])
    assert {info.date_time for info in archive.infolist()} == {(2023, 11, 14, 22, 13, 20)}
    assert "2023-11-14T22:13:20Z" in archive.read("docProps/core.xml").decode()
