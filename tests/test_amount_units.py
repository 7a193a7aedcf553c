"""Amounts typed with a money unit (issue 19, point 1): converted exactly to the form's unit
with a warning showing both figures, or refused with the converted figure as the fix; from
TOML and from the workbook, for the project's 项目资金 and the department's 预算."""

from __future__ import annotations

import shutil
from decimal import Decimal

import pytest
from docx import Document
from openpyxl import load_workbook

from reportgen.amounts import convert, parse_amount
from tests.conftest import DEMO_TOML, convert_file, run_cli
from tests.docx_helpers import all_text, table_grid
from tests.project_helpers import spec_project, write_project

D = Decimal
PROJECTS = ("data", "2022", "项目")


@pytest.mark.parametrize(("text", "number", "unit"), [
    ("1,205,000元", "1205000", "元"),
    ("1205000 元", "1205000", "元"),
    ("120.5万元", "120.5", "万元"),
    ("１２０．５万元", "120.5", "万元"),  # full-width digits, as an IME types them
    ("3,948.184千元", "3948.184", "千元"),
    ("0.0012亿元", "0.0012", "亿元"),
    ("￥1,205,000.00", "1205000.00", "元"),  # the currency sign of a published 元 table
    ("¥120万元", "120", "万元"),
])
def test_amounts_with_a_unit_are_parsed(text, number, unit):
    assert parse_amount(text) == (D(number), unit)


@pytest.mark.parametrize("text", ["1205000", "120,5万元", "1,20,5000元", "12.5美元", "约120万元", "万元", "¥"])
def test_anything_else_is_not_an_amount_with_a_unit(text):
    assert parse_amount(text) is None  # a decimal comma or a wrong grouping is never guessed


def test_conversion_is_exact():
    assert convert(D("1205000"), "元", "万元") == D("120.5")
    assert str(convert(D("1200000"), "元", "万元")) == "120"  # no exponent (not 1.2E+2)
    assert convert(D("0.1234567"), "万元", "元") == D("1234.567")
    assert convert(D("3948.184"), "千元", "万元") == D("394.8184")


def _wan_yuan_project(current, fmt="toml"):
    data = spec_project(money_unit="万元", funds={"current": current, "carryover": [0, 0, 0],
                                                  "other": [0, 0, 0]})
    return data


def _project_workspace(tmp_path, current, fmt="toml"):
    write_project(tmp_path.joinpath(*PROJECTS), _wan_yuan_project(current), stem="项目", fmt=fmt)
    return tmp_path


@pytest.mark.parametrize("fmt", ["toml", "xlsx"])
def test_yuan_typed_in_a_wan_yuan_project_is_converted_with_both_figures(tmp_path, fmt):
    root = _project_workspace(tmp_path, ["1,250,000元", "125万元", "1,077,288元"], fmt)
    check = run_cli("check", "--year", 2022, "--data", root / "data")
    assert check.exit_code == 0, check.output
    where = ("项目.toml 第" if fmt == "toml" else "项目.xlsx 项目资金!")
    assert "Traceback" not in check.output
    lines = [line.strip() for line in check.output.splitlines() if "按本表单位" in line]
    assert len(lines) == 2  # 125万元 in a 万元 form is taken as typed
    assert lines[0].startswith(f"[警告] {where}")
    assert lines[0].endswith("：项目资金「当年财政拨款」的年初预算数 1,250,000元 按本表单位记为 125 万元"
                             "（本表金额单位为万元）。请核对；如单位填错，请改正。")
    assert "项目资金「当年财政拨款」的全年执行数 1,077,288元 按本表单位记为 107.7288 万元" in lines[1]
    if fmt == "xlsx":
        assert lines[0].startswith("[警告] 项目.xlsx 项目资金!B") and lines[1].startswith("[警告] 项目.xlsx 项目资金!D")
    build = run_cli("build", "--year", 2022, "--data", root / "data", "--output", root / "output",
                    "--format", "docx,xlsx")
    assert build.exit_code == 0, build.output
    assert "1,077,288元 按本表单位记为 107.7288 万元" in build.output
    docx = next((root / "output").rglob("*项目支出绩效自评表.docx"))
    top = table_grid(Document(str(docx)).tables[0]._tbl)
    total = next(row for row in top if any(c.text == "年度资金总额" for c in row))
    # 107.7288 ÷ 125 = 86.18%: the figure the clerk meant, not 906614.90%.
    assert [c.text for c in total][-6:] == ["125.00", "125.00", "107.7288", "10", "86.18%", "8.62"]
    sheet = load_workbook(next((root / "output").rglob("*项目支出绩效自评表.xlsx"))).active
    assert (sheet["D6"].value, sheet["E6"].value, sheet["F6"].value) == (125, 125, 107.7288)


@pytest.mark.parametrize("fmt", ["toml", "xlsx"])
def test_a_conversion_that_is_not_exact_is_refused_with_the_converted_figure(tmp_path, fmt):
    root = _project_workspace(tmp_path, ["1,250,000元", "1,250,000元", "1,077,288.5元"], fmt)
    check = run_cli("check", "--year", 2022, "--data", root / "data")
    assert check.exit_code == 1 and "Traceback" not in check.output
    [line] = [line.strip() for line in check.output.splitlines() if "[错误]" in line]
    assert line.endswith(
        "：项目资金「当年财政拨款」的全年执行数 1,077,288.5元 换算为本表单位是 107.72885 万元，超过4位小数"
        "（本表金额单位为万元，最多4位小数），不能照原数记入。请填写 107.7289（万元，已四舍五入到4位小数），"
        "或把金额单位改为元、全部金额按元填写，或核对原数。")
    assert line.startswith("[错误] 项目.toml 第" if fmt == "toml" else "[错误] 项目.xlsx 项目资金!D")
    build = run_cli("build", "--year", 2022, "--data", root / "data", "--output", root / "output")
    assert build.exit_code == 1 and "107.7289" in build.output
    assert not any((root / "output").rglob("*.docx"))


def test_wan_yuan_typed_in_a_yuan_project_is_converted(tmp_path):
    data = spec_project(funds={"current": ["25万元", "25万元", "21.54576万元"], "carryover": [0, 0, 0],
                               "other": [0, 0, 0]})  # the spec's project is in 元
    write_project(tmp_path.joinpath(*PROJECTS), data, stem="项目")
    check = run_cli("check", "--year", 2022, "--data", tmp_path / "data")
    assert check.exit_code == 0, check.output
    assert "的全年执行数 21.54576万元 按本表单位记为 215,457.6 元（本表金额单位为元）" in check.output


def test_the_forms_own_unit_typed_with_the_amount_is_taken_silently(tmp_path):
    root = _project_workspace(tmp_path, ["125万元", "125 万元", "107.7288万元"])
    check = run_cli("check", "--year", 2022, "--data", root / "data")
    assert check.exit_code == 0 and "按本表单位" not in check.output and "[错误]" not in check.output, check.output


def test_an_unknown_unit_is_still_refused_as_not_a_number(tmp_path):
    root = _project_workspace(tmp_path, ["125", "125", "107美元"])
    check = run_cli("check", "--year", 2022, "--data", root / "data")
    assert check.exit_code == 1
    assert "请去掉单位「美元」，只填数字 107。" in check.output


def _department(tmp_path, total, fmt):
    folder = tmp_path / "data" / "2022"
    folder.mkdir(parents=True)
    text = DEMO_TOML.read_text(encoding="utf-8").replace("total = 39481.84", f'total = "{total}"', 1)
    source = folder / DEMO_TOML.name
    source.write_text(text, encoding="utf-8")
    if fmt == "xlsx":
        scratch = tmp_path / "scratch"
        scratch.mkdir()
        shutil.move(source, scratch / source.name)
        convert_file(scratch / source.name, source.with_suffix(".xlsx"))
        book = load_workbook(source.with_suffix(".xlsx"))
        assert book["预算"]["A2"].value == total  # the text as typed, unit and all
    return tmp_path


@pytest.mark.parametrize("fmt", ["toml", "xlsx"])
def test_department_budget_in_yuan_is_converted(tmp_path, fmt):
    root = _department(tmp_path, "394,818,400元", fmt)
    build = run_cli("build", "--year", 2022, "--data", root / "data", "--output", root / "output",
                    "--format", "docx")
    assert build.exit_code == 0, build.output
    assert "「总预算」 394,818,400元 按本表单位记为 39,481.84 万元（本表金额单位为万元）。" in build.output
    where = "广州市应急管理局.toml 第12行 键 budget.total" if fmt == "toml" else "广州市应急管理局.xlsx 预算!A2"
    assert f"[警告] {where}：" in build.output
    assert "39,481.84" in all_text(next((root / "output").rglob("*.docx")))


@pytest.mark.parametrize("fmt", ["toml", "xlsx"])
def test_department_budget_not_exact_in_wan_yuan_is_refused(tmp_path, fmt):
    root = _department(tmp_path, "394,818,412元", fmt)
    check = run_cli("check", "--year", 2022, "--data", root / "data")
    assert check.exit_code == 1
    assert ("「总预算」 394,818,412元 换算为本表单位是 39,481.8412 万元，超过2位小数（本表金额单位为万元，"
            "最多2位小数），不能照原数记入。请填写 39481.84（万元，已四舍五入到2位小数），或核对原数。") in check.output
    assert check.output.count("[错误]") == 1  # not also "超过两位小数"


def test_a_number_formatted_with_a_unit_in_the_workbook_is_converted(tmp_path):
    # A figure pasted from a published 元 table keeps its cell format: the clerk sees 1,077,288.00元.
    path = write_project(tmp_path.joinpath(*PROJECTS), _wan_yuan_project([125, 125, "107.7288"]), stem="项目",
                         fmt="xlsx")
    book = load_workbook(path)
    cell = book["项目资金"]["D2"]
    cell.value, cell.number_format = 1077288, '#,##0.00"元"'
    book["项目资金"]["C2"].number_format = '0.00"万元"'  # the form's own unit: taken as is
    book.save(path)
    check = run_cli("check", "--year", 2022, "--data", tmp_path / "data")
    assert check.exit_code == 0, check.output
    [line] = [line.strip() for line in check.output.splitlines() if "按本表单位" in line]
    assert line == ("[警告] 项目.xlsx 项目资金!D2：项目资金「当年财政拨款」的全年执行数 1077288元 按本表单位记为 "
                    "107.7288 万元（本表金额单位为万元）。请核对；如单位填错，请改正。")


def test_a_department_budget_cell_formatted_in_yuan_is_converted(tmp_path):
    root = _department(tmp_path, "39481.84", "xlsx")
    path = root / "data" / "2022" / DEMO_TOML.with_suffix(".xlsx").name
    book = load_workbook(path)
    book["预算"]["A2"].value, book["预算"]["A2"].number_format = 394818400, '#,##0"元"'
    book.save(path)
    check = run_cli("check", "--year", 2022, "--data", root / "data")
    assert check.exit_code == 0, check.output
    assert ("[警告] 广州市应急管理局.xlsx 预算!A2：「总预算」 394818400元 按本表单位记为 39,481.84 万元"
            "（本表金额单位为万元）。") in check.output


def test_a_huge_amount_with_a_unit_is_refused_without_a_traceback(tmp_path):
    root = _project_workspace(tmp_path, ["125", "125", "123,456,789,012,345,678,901,234,567,890元"])
    check = run_cli("check", "--year", 2022, "--data", root / "data")
    assert check.exit_code == 1 and "Traceback" not in check.output
    assert "数值过大" in check.output
