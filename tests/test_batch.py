"""A whole year for the finance bureau: parallel build, failures isolated, 汇总表."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from openpyxl import load_workbook

from benchmarks.synthetic import synthetic_departments
from tests.conftest import TEMPLATES


def run(*args, cwd):
    return subprocess.run([sys.executable, "-m", "reportgen", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=600)


def test_31_departments_one_broken_with_two_jobs(tmp_path):
    folder = tmp_path / "data" / "2022"
    synthetic_departments(folder, 31)
    broken = folder / "示例部门0007.toml"
    broken.write_text(broken.read_text(encoding="utf-8").replace(
        "score = 19.54", 'score = "四十"'), encoding="utf-8")
    result = run("build", "--year", "2022", "--jobs", "2", "--templates", str(TEMPLATES),
                 cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    out = tmp_path / "output" / "2022"
    assert len(list(out.glob("示例部门*.docx"))) == 30
    assert len(list(out.glob("示例部门*.xlsx"))) == 30
    assert not list(out.glob("示例部门0007*"))
    # the failure is named, with the place and the reason, in the closing table
    table = result.stderr[result.stderr.index("1 个未生成"):]
    assert "示例部门0007.toml" in table and "indicators[1].score" in table
    assert "共 31 个部门，已生成 30 个，1 个未生成" in result.stderr
    assert "生成中" not in result.stderr  # no progress bar when not on a terminal

    summary = out / "2022年度部门整体支出绩效自评汇总表.xlsx"
    sheet = load_workbook(summary)["汇总"]
    assert sheet["A1"].value == "2022年度部门整体支出绩效自评汇总表"  # the title row, then the table
    header = [c.value for c in sheet[2]]
    assert header[:4] == ["序号", "部门名称", "单位数", "总预算（万元）"]
    assert "履职效能得分" in header and "管理效率得分" in header
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    assert len(rows) == 31  # every department of the year; the one not built last, marked
    *rows, broken_row = rows
    assert broken_row[:2] == [31, "示例部门0007"]
    assert broken_row[header.index("评价等级")] == "未生成"
    assert broken_row[2].startswith("未生成：") and "indicators[1].score" in broken_row[2]
    assert broken_row[header.index("总分")] is None  # no number that could be summed
    assert "示例部门0007" not in [r[1] for r in rows]
    totals = [r[header.index("总分")] for r in rows]
    assert totals == sorted(totals, reverse=True)
    assert all(isinstance(t, float) for t in totals)
    assert set(totals) == {94.49, 84.49}
    assert {r[header.index("评价等级")] for r in rows} == {"优", "良"}
    assert sheet.freeze_panes == "C3"
    assert sheet.auto_filter.ref == f"A2:{sheet.cell(2, len(header)).column_letter}33"  # with the row not built
    assert sheet.cell(3, 4).number_format == "#,##0.00"
    with zipfile.ZipFile(summary) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        kinds = "".join(archive.read(n).decode() for n in charts)
    assert len(charts) == 3  # the grade pie, and the 30 totals in two bar charts (20 + 10)
    assert "<barChart>" in kinds and "<pieChart>" in kinds


def test_dept_narrows_the_build(tmp_path):
    synthetic_departments(tmp_path / "data" / "2022", 3)
    result = run("build", "--year", "2022", "--dept", "示例部门0001", "--dept", "示例部门0002",
                 "--format", "docx", "--jobs", "1", "--templates", str(TEMPLATES), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = tmp_path / "output" / "2022"
    assert sorted(p.name.split("_")[0] for p in out.glob("*.docx")) == ["示例部门0001", "示例部门0002"]
    assert not list(out.glob("*汇总表*"))  # a partial build does not overwrite the year's 汇总表
    result = run("build", "--year", "2022", "--dept", "没有这个部门", cwd=tmp_path)
    assert result.returncode == 1 and "找不到部门「没有这个部门」" in result.stderr


def test_start_up_does_not_load_the_office_libraries(tmp_path):
    probe = ("import sys\nfrom reportgen.cli import cli\n"
             "try:\n    cli.main(['--help'], standalone_mode=False)\nexcept SystemExit:\n    pass\n"
             "print(sorted(m for m in ('docx', 'docxtpl', 'openpyxl', 'lxml') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         cwd=tmp_path, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_one_department_crashing_does_not_stop_the_others(tmp_path, monkeypatch):
    from reportgen import batch

    synthetic_departments(tmp_path / "data" / "2022", 2)
    real = batch.build_file

    def flaky(kind, source: Path, *args, **kwargs):
        if source.stem == "示例部门0000":
            raise RuntimeError("disk on fire")
        return real(kind, source, *args, **kwargs)

    monkeypatch.setattr(batch, "build_file", flaky)
    outcome = batch.build_year(tmp_path / "data", 2022, templates_dir=TEMPLATES,
                               out_dir=tmp_path / "output", formats=("docx",), jobs=1)
    assert [r.ok for r in outcome.results] == [False, True]
    assert "disk on fire" in outcome.results[0].findings[0].message
