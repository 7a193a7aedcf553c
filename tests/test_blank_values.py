"""Blanks where real forms have blanks (issue 19, point 3): 年度指标值 and 实际完成值 may be left
blank on a row; the form prints them blank, check and build warn with the row, the 汇总表's
项目 sheet counts each form's blank 实际完成值. 分值 and 得分 stay required."""

from __future__ import annotations

import pytest
from docx import Document
from openpyxl import load_workbook

from tests.conftest import run_cli
from tests.docx_helpers import table_grid
from tests.ooxml import assert_valid
from tests.project_helpers import spec_project, write_project

PROJECTS = ("data", "2022", "项目")


def _indicator(data, name):
    return next(row for row in data["indicators"] if row.get("name") == name)


def _blank_project():
    data = spec_project()
    del _indicator(data, "结算及时性")["target"]  # both blank, as on a published qualitative row
    del _indicator(data, "结算及时性")["actual"]
    _indicator(data, "群众健身需求满足程度")["actual"] = ""  # only 实际完成值 blank
    return data


@pytest.mark.parametrize("fmt", ["toml", "xlsx"])
def test_blank_target_and_actual_warn_with_the_row_and_print_blank(tmp_path, fmt):
    write_project(tmp_path.joinpath(*PROJECTS), _blank_project(), stem="项目", fmt=fmt)
    check = run_cli("check", "--year", 2022, "--data", tmp_path / "data")
    assert check.exit_code == 0, check.output
    warnings = [line.strip() for line in check.output.splitlines() if "留空，表中印为空白" in line]
    where = (("项目.toml 第46行 键 indicators[4].target", "项目.toml 第62行 键 indicators[6].actual")
             if fmt == "toml" else ("项目.xlsx 绩效指标!D5", "项目.xlsx 绩效指标!E7"))
    assert warnings == [
        f"[警告] {where[0]}：指标「结算及时性」的年度指标值、实际完成值留空，表中印为空白。定性指标可以留空；"
        "如有指标值或完成情况（如 ≥50个、100%、及时），请填写。",
        f"[警告] {where[1]}：指标「群众健身需求满足程度」的实际完成值留空，表中印为空白。定性指标可以留空；"
        "如有指标值或完成情况（如 ≥50个、100%、及时），请填写。"]
    build = run_cli("build", "--year", 2022, "--data", tmp_path / "data", "--output", tmp_path / "output",
                    "--format", "docx,xlsx")
    assert build.exit_code == 0, build.output
    assert build.output.count("留空，表中印为空白") == 2
    output = tmp_path / "output" / "2022"
    docx = next(output.rglob("*项目支出绩效自评表.docx"))
    table = table_grid(Document(str(docx)).tables[1]._tbl)
    timely = next(row for row in table if any(c.text == "结算及时性" for c in row))
    assert [c.text for c in timely][-5:] == ["", "", "5", "5", ""]  # 年度指标值, 实际完成值 blank; 分值, 得分
    social = next(row for row in table if any(c.text == "群众健身需求满足程度" for c in row))
    assert [c.text for c in social][-5:] == ["有效满足", "", "30", "30", ""]
    xlsx = next(output.rglob("*项目支出绩效自评表.xlsx"))
    assert_valid(xlsx)
    sheet = load_workbook(xlsx).active
    row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 4).value == "结算及时性")
    assert [sheet.cell(row, c).value for c in (5, 6, 7, 8)] == [None, None, 5, "5"]  # 得分 as printed text
    summary = load_workbook(output / "2022年度部门整体支出绩效自评汇总表.xlsx")["项目"]
    assert summary["H2"].value == "实际完成值空白数"
    assert [summary.cell(3, c).value for c in (2, 8)] == ["普陀体育中心与委托运营方结算费用", 2]


def test_a_project_without_blanks_counts_zero_in_the_summary(tmp_path):
    write_project(tmp_path.joinpath(*PROJECTS), spec_project(), stem="项目")
    build = run_cli("build", "--year", 2022, "--data", tmp_path / "data", "--output", tmp_path / "output",
                    "--format", "xlsx")
    assert build.exit_code == 0, build.output
    assert "留空" not in build.output
    summary = load_workbook(tmp_path / "output" / "2022" / "2022年度部门整体支出绩效自评汇总表.xlsx")["项目"]
    assert summary["H3"].value == 0


@pytest.mark.parametrize("fmt", ["toml", "xlsx"])
def test_score_and_weight_stay_required_on_a_blank_row(tmp_path, fmt):
    data = _blank_project()
    del _indicator(data, "结算及时性")["score"]
    del _indicator(data, "群众健身需求满足程度")["weight"]
    write_project(tmp_path.joinpath(*PROJECTS), data, stem="项目", fmt=fmt)
    check = run_cli("check", "--year", 2022, "--data", tmp_path / "data")
    assert check.exit_code == 1
    errors = [line.strip() for line in check.output.splitlines() if line.strip().startswith("[错误]")]
    assert any(line.endswith("：缺少得分：指标「结算及时性」没有年度指标值，程序无法计算得分，请填写得分（0 至 5）。")
               for line in errors), check.output
    assert any("缺少分值（群众健身需求满足程度），请填写。" in line for line in errors), check.output
