"""Writes are atomic, locked targets are reported, oversized inputs are refused."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from benchmarks.synthetic import synthetic_departments
from reportgen.write import files as write
from tests.conftest import TEMPLATES, build_into, make_year, run_reportgen


def test_failed_write_keeps_the_previous_file_and_leaves_no_temp(demo_workspace, monkeypatch):
    [first] = build_into(demo_workspace, formats=["docx"])
    target = first.outputs[0]
    before = target.read_bytes()

    def interrupted(src, dst):
        raise KeyboardInterrupt  # e.g. Ctrl+C between writing and renaming

    monkeypatch.setattr(write.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build_into(demo_workspace, formats=["docx"])
    assert target.read_bytes() == before
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]


def test_locked_target_is_reported_and_the_others_still_build(tmp_path, monkeypatch):
    from reportgen import batch

    synthetic_departments(tmp_path / "data" / "2022", 3)
    real_replace = os.replace

    def locked(src, dst):
        if "示例部门0001" in str(dst):
            raise PermissionError(13, "Permission denied", str(dst))
        return real_replace(src, dst)

    monkeypatch.setattr(write.os, "replace", locked)
    outcome = batch.build_year(tmp_path / "data", 2022, templates_dir=TEMPLATES,
                               out_dir=tmp_path / "output", formats=("docx", "xlsx"), jobs=1)
    assert [r.ok for r in outcome.results] == [True, False, True]
    [problem] = [f for f in outcome.results[1].findings if f.level == "error"]
    assert "无法写入" in problem.message and "关闭" in problem.message
    out = tmp_path / "output" / "2022"
    assert not list(out.glob("示例部门0001*"))
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temp files left
    assert len(list(out.glob("示例部门000[02]*"))) == 4


def test_one_locked_file_keeps_the_whole_department_as_it_was(demo_workspace, monkeypatch):
    """Excel holds the .xlsx open: neither the .docx nor the .xlsx is replaced, so the
    department never ends up with a new .docx beside an old .xlsx."""
    first = build_into(demo_workspace)
    before = {p: p.read_bytes() for r in first for p in r.outputs}
    source = demo_workspace / "data" / "2022" / "广州市应急管理局.toml"
    source.write_text(source.read_text(encoding="utf-8").replace("score = 19.54", "score = 18.54"),
                      encoding="utf-8")
    real_check = write.check_writable

    def excel_has_it_open(target):
        if target.suffix == ".xlsx":
            raise PermissionError(13, "Permission denied", str(target))
        real_check(target)

    monkeypatch.setattr(write, "check_writable", excel_has_it_open)
    [result] = build_into(demo_workspace)
    assert not result.ok and "关闭" in result.findings[-1].message
    assert {p: p.read_bytes() for p in before} == before
    folder = next(iter(before)).parent
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]


def test_outputs_are_readable_by_colleagues(demo_workspace):
    old = os.umask(0o022)
    try:
        [result] = build_into(demo_workspace)
    finally:
        os.umask(old)
    for path in result.outputs:
        assert path.stat().st_mode & 0o777 == 0o644


def test_oversized_input_is_refused(tmp_path):
    folder = tmp_path / "data" / "2022"
    folder.mkdir(parents=True)
    big = folder / "大文件.toml"
    with big.open("wb") as handle:
        handle.truncate(21 * 1024 * 1024)
    result = run_reportgen("build", "--year", "2022", "--templates", TEMPLATES, cwd=tmp_path)
    assert result.returncode == 1
    assert "文件过大" in result.stderr and "Traceback" not in result.stderr
    out = tmp_path / "output" / "2022"
    assert not out.exists() or not [p for p in out.iterdir() if "自评表" in p.name]  # no form


def test_workbook_that_expands_too_far_is_refused(tmp_path):
    workspace = make_year(tmp_path, *[])
    bomb = workspace / "data" / "2022" / "炸弹.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (120 * 1024 * 1024))
    assert bomb.stat().st_size < 1024 * 1024
    result = run_reportgen("check", "--year", "2022", cwd=workspace)
    assert result.returncode == 1
    assert "解压后过大" in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_write_atomic_cleans_up_on_error(tmp_path: Path, monkeypatch):
    target = tmp_path / "a.docx"
    target.write_bytes(b"old")
    monkeypatch.setattr(write.os, "replace", lambda s, d: (_ for _ in ()).throw(OSError("disk full")))
    with pytest.raises(OSError):
        write.write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.docx"]
