"""The Excel input workbook: read by header text, numbers exact, the same form as TOML,
and lossless conversion both ways."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from reportgen.convert import same_content as same_content_of
from reportgen.forms.department.contract import CONTRACT
from reportgen.pipeline import find_files, read_input
from reportgen.read.xlsx import float_to_decimal, read_xlsx
from reportgen.write.toml import dumps
from tests.conftest import DEMO_TOML, DEPARTMENT, SAMPLE_TOML, build_into, convert_file, make_year, run_cli
from tests.docx_helpers import all_text

DEPT = "广州市应急管理局"


def toml_data(path: Path) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8-sig"), parse_float=Decimal)


def form_text(workspace: Path) -> str:
    results = build_into(workspace)
    assert [r.ok for r in results] == [True], [str(f) for r in results for f in r.findings]
    return all_text(results[0].outputs[0])


@pytest.fixture(scope="module")
def demo_xlsx(tmp_path_factory) -> Path:
    return convert_file(DEMO_TOML, tmp_path_factory.mktemp("demo") / f"{DEPT}.xlsx")


# ----------------------------------------------------------------------------- numbers
@pytest.mark.parametrize(("value", "expected"), [
    (19.54, "19.54"), (8.95, "8.95"), (39481.84, "39481.84"), (0.5, "0.5"),
    (0.1 + 0.2, "0.3"), (1047906.25, "1047906.25"), (226.0, "226.0"), (1e-7, "1E-7"),
])
def test_float_cells_become_the_decimal_a_person_typed(value, expected):
    assert float_to_decimal(value) == Decimal(expected)
    assert str(float_to_decimal(value)) == expected


def test_workbook_numbers_are_exact(demo_xlsx):
    data = read_xlsx(demo_xlsx, CONTRACT).data
    scores = [row["score"] for row in data["indicators"]]
    assert Decimal("19.54") in scores and Decimal("8.95") in scores
    assert all(isinstance(s, (int, Decimal)) for s in scores)
    assert sum(Decimal(s) for s in scores) == Decimal("94.49")
    assert data["budget"]["total"] == Decimal("39481.84")


# ----------------------------------------------------------------------------- same content
def test_demo_workbook_reads_as_the_toml_data(demo_xlsx):
    assert read_xlsx(demo_xlsx, CONTRACT).data == toml_data(DEMO_TOML)


@pytest.mark.parametrize("source", [DEMO_TOML, SAMPLE_TOML], ids=["demo", "sample"])
def test_toml_to_xlsx_to_toml_gives_the_same_data(tmp_path, source):
    xlsx = convert_file(source, tmp_path / f"{source.stem}.xlsx")
    back = convert_file(xlsx, tmp_path / "back" / f"{source.stem}.toml")
    assert toml_data(back) == toml_data(source)
    # and once more: the written TOML converts to an identical workbook content
    again = convert_file(back, tmp_path / "again" / f"{source.stem}.xlsx")
    assert read_xlsx(again, CONTRACT).data == read_xlsx(xlsx, CONTRACT).data


def test_demo_round_trip_builds_a_form_with_identical_text(tmp_path, demo_xlsx):
    back = convert_file(demo_xlsx, tmp_path / "back" / f"{DEPT}.toml")
    original = form_text(make_year(tmp_path / "a", DEMO_TOML))
    round_trip = form_text(make_year(tmp_path / "b", back))
    assert round_trip == original
    assert "19.54" in original and "94.49" in original


def test_demo_as_workbook_input_builds_the_same_form(tmp_path, demo_xlsx):
    original = form_text(make_year(tmp_path / "a", DEMO_TOML))
    from_workbook = form_text(make_year(tmp_path / "b", demo_xlsx))
    assert from_workbook == original


def test_toml_and_workbook_side_by_side_in_one_year(tmp_path, demo_xlsx):
    workspace = make_year(tmp_path, SAMPLE_TOML, demo_xlsx)
    assert [p.suffix for p in find_files(DEPARTMENT(), workspace / "data", 2022)] == [".xlsx", ".toml"]
    results = build_into(workspace)
    assert all(r.ok for r in results)
    assert sorted(r.name for r in results) == [DEPT, "广州市示例局"]


# ----------------------------------------------------------------------------- by header text
def test_columns_in_any_order_and_extra_columns_are_ignored(tmp_path, demo_xlsx):
    path = tmp_path / f"{DEPT}.xlsx"
    workbook = openpyxl.load_workbook(demo_xlsx)
    sheet = workbook["指标评分"]
    sheet.insert_cols(1)  # an extra column in front
    sheet["A1"] = "备注"
    sheet["A5"] = "内部备注，不进表"
    sheet["B1"] = " 一级\n指标 "  # line breaks and spaces in headers do not matter
    sheet.move_range("G1:G27", cols=20)  # 得分 to the far right (AA)
    sheet["AA1"] = "得分/自评分"  # an accepted alternative header
    workbook["基本情况"].insert_cols(1)
    workbook["基本情况"]["A1"] = "说明"
    workbook.create_sheet("草稿")["A1"] = "anything"
    workbook.save(path)
    raw = read_xlsx(path, CONTRACT)
    assert raw.data == toml_data(DEMO_TOML)
    assert raw.locate(("indicators", 10, "score")) == f"{DEPT}.xlsx 指标评分!AA12"
    assert raw.locate(("department", "units")) == f"{DEPT}.xlsx 基本情况!C4"


def test_blank_rows_are_skipped_and_cells_still_located(tmp_path, demo_xlsx):
    path = tmp_path / f"{DEPT}.xlsx"
    workbook = openpyxl.load_workbook(demo_xlsx)
    workbook["指标评分"].insert_rows(5, 2)
    workbook.save(path)
    raw = read_xlsx(path, CONTRACT)
    assert raw.data == toml_data(DEMO_TOML)
    assert raw.locate(("indicators", 3, "weight")) == f"{DEPT}.xlsx 指标评分!D7"
    assert raw.locate(("indicators", 2, "score")) == f"{DEPT}.xlsx 指标评分!F4"


def test_percent_cells_and_rule_names(tmp_path, demo_xlsx):
    path = tmp_path / f"{DEPT}.xlsx"
    workbook = openpyxl.load_workbook(demo_xlsx)
    sheet = workbook["指标评分"]
    sheet["F4"] = None
    sheet["I4"] = "预算执行率"
    sheet["J4"] = 0.8951
    sheet["J4"].number_format = "0.00%"
    workbook.save(path)
    row = read_xlsx(path, CONTRACT).data["indicators"][2]
    assert row["rule"] == "execution_rate"
    assert row["execution_rate"] == Decimal("89.51")
    workspace = make_year(tmp_path / "ws", path)
    assert "8.95" in form_text(workspace)


def test_completion_paragraphs_are_lines_of_one_cell(demo_xlsx):
    sheet = openpyxl.load_workbook(demo_xlsx)["绩效目标"]
    assert sheet["A1"].value == "序号" and sheet["C1"].value == "完成情况"
    assert sheet["C2"].value.count("\n") == 2  # goal 1 has three paragraphs
    assert len(read_xlsx(demo_xlsx, CONTRACT).data["goals"][0]["completion"]) == 3


# ----------------------------------------------------------------------------- TOML writer
def test_toml_writer_escapes_everything_and_parses_back():
    tricky = {
        "year": 2022,
        "unmet_reason": '第一行\n第二行 "引号" \\反斜杠\\\n\t制表\r\n""" 三个引号 \x01',
        "department": {"name": 'A"B\\C', "units": 1},
        "budget": {"total": Decimal("1052300.75"), "basic": Decimal("0.10"), "project": 5},
        "goals": [{"target": "x", "completion": ["a\nb", 'c"d', "e\\"]}],
        "indicators": [{"level1": "一", "name": "=SUM(A1)", "weight": Decimal("0.5"),
                        "score": Decimal("-0"), "reason": "结尾是引号\""}],
    }
    text = dumps(tricky, CONTRACT)
    assert tomllib.loads(text, parse_float=Decimal) == tricky
    assert 'basic = 0.10' in text and "project = 5.00" in text


def test_writer_and_reader_agree_on_text_that_looks_like_a_formula(tmp_path):
    from reportgen.convert import encode

    data = toml_data(DEMO_TOML)
    data["indicators"][0]["reason"] = "=1+1 不是公式"
    path = tmp_path / "x.xlsx"
    path.write_bytes(encode(data, "xlsx", CONTRACT))
    assert read_xlsx(path, CONTRACT).data["indicators"][0]["reason"] == "=1+1 不是公式"


def same_content(a, b):
    return same_content_of(a, b, CONTRACT)


def test_same_content_ignores_only_presentation():
    data = toml_data(SAMPLE_TOML)
    other = toml_data(SAMPLE_TOML)
    other["goals"][0]["completion"] = "\n".join(other["goals"][0]["completion"])
    other["budget"]["special"] = Decimal("860.00")
    assert same_content(data, other)
    other["budget"]["special"] = Decimal("860.01")
    assert not same_content(data, other)


def test_read_input_dispatches_by_suffix(demo_xlsx):
    assert read_input(demo_xlsx, DEPARTMENT()).data == read_input(DEMO_TOML, DEPARTMENT()).data


# ----------------------------------------------------------------------------- merged cells
def merge_down(sheet, ranges: list[str]) -> None:
    """Merge ranges as a clerk copying the form's look does: the top-left cell keeps its
    value, the others are emptied (openpyxl, like Excel, drops them)."""
    for merged in ranges:
        sheet.merge_cells(merged)


def test_merged_cells_read_as_their_top_left_cell(tmp_path, demo_xlsx):
    path = tmp_path / f"{DEPT}.xlsx"
    workbook = openpyxl.load_workbook(demo_xlsx)
    sheet = workbook["指标评分"]
    assert [sheet[f"A{r}"].value for r in (2, 4, 5, 27)] == ["履职效能", "履职效能", "管理效率", "管理效率"]
    assert sheet["B6"].value == sheet["B7"].value == "预算执行"
    # 一级指标 as on the form; 二级指标 预算执行; 管理效率 merged over three blank rows below
    merge_down(sheet, ["A2:A4", "A5:A30", "B6:B7"])
    workbook["绩效目标"].merge_cells("A5:A7")  # 序号 over goals 4, 5 and a blank row
    workbook.save(path)
    assert openpyxl.load_workbook(path)["指标评分"]["A3"].value is None
    raw = read_xlsx(path, CONTRACT)
    assert raw.data == toml_data(DEMO_TOML)  # 25 rows: the blank rows under A5:A30 stay out
    assert raw.locate(("indicators", 1, "level1")) == f"{DEPT}.xlsx 指标评分!A3"  # the real cell
    assert raw.locate(("indicators", 5, "level2")) == f"{DEPT}.xlsx 指标评分!B7"
    assert form_text(make_year(tmp_path / "ws", path)) == form_text(make_year(tmp_path / "plain", DEMO_TOML))


def test_a_merged_number_cell_is_refused_naming_sheet_and_range(tmp_path, demo_xlsx):
    """A 得分 merged over two rows would read its top-left value in both (a wrong 总分 that
    passes every range check): refused, as is a merged 分值 or budget figure."""
    path = tmp_path / "data" / "2022" / f"{DEPT}.xlsx"
    path.parent.mkdir(parents=True)
    workbook = openpyxl.load_workbook(demo_xlsx)
    sheet = workbook["指标评分"]
    assert sheet["F3"].value is not None
    merge_down(sheet, ["F3:F4", "D7:D8", "A2:A4"])  # 得分, 分值; and a label column (accepted)
    workbook["预算"].merge_cells("B2:C2")  # 基本支出 over 项目支出
    workbook.save(path)
    result = run_cli("check", "--year", 2022, "--data", tmp_path / "data")
    assert result.exit_code == 1, result.output
    assert f"{DEPT}.xlsx 指标评分!F3:F4" in result.output
    assert f"{DEPT}.xlsx 指标评分!D7:D8" in result.output
    assert f"{DEPT}.xlsx 预算!B2:C2" in result.output
    assert "不能合并" in result.output and "请取消合并 F3:F4" in result.output
    assert "A2:A4" not in result.output  # 一级指标 text merged as on the form stays accepted


# ----------------------------------------------------------------------------- formulas
def rewrite_part(path: Path, part: str, edit) -> None:
    """Rewrite one XML part of a saved workbook (as another program would have written it)."""
    import zipfile

    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    edited = edit(parts[part].decode("utf-8"))
    assert edited != parts[part].decode("utf-8")
    parts[part] = edited.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


UNCALCULATED = "单元格中是公式，但没有保存计算结果：请用 Excel 或 WPS 打开此文件后保存一次（或把公式改为数值）"


def test_a_formula_without_a_saved_result_is_a_located_error(tmp_path, demo_xlsx):
    from reportgen.errors import InputError

    path = tmp_path / f"{DEPT}.xlsx"
    workbook = openpyxl.load_workbook(demo_xlsx)
    workbook["指标评分"]["F5"] = "=1+2"  # openpyxl saves formulas without a result
    workbook["预算"]["A2"] = "=B2+C2+D2+E2"
    workbook["绩效目标"]["B8"] = "=B2"  # a row holding only a formula still counts
    workbook["指标评分"]["A2"] = "=\"履职\"&\"效能\""  # the top-left cell of a merged range
    workbook["指标评分"].merge_cells("A2:A4")
    workbook.save(path)
    with pytest.raises(InputError) as caught:
        read_xlsx(path, CONTRACT)
    found = {(f.location, f.message) for f in caught.value.findings}
    assert {place for place, message in found if message.startswith(UNCALCULATED)} == {
        f"{DEPT}.xlsx 指标评分!F5", f"{DEPT}.xlsx 预算!A2", f"{DEPT}.xlsx 绩效目标!B8",
        f"{DEPT}.xlsx 指标评分!A2"}  # once, though A2:A4 is read three times
    assert len(found) == len(caught.value.findings) == 4
    assert not any("缺少" in message for _, message in found)
    # convert does not write a file that lacks the values
    result = run_cli("convert", path, "--to", "toml", "-o", tmp_path / "out.toml")
    assert result.exit_code != 0 and "指标评分!F5" in result.output and UNCALCULATED in result.output
    assert not (tmp_path / "out.toml").exists()


def test_formulas_with_saved_results_read_as_their_results(tmp_path, demo_xlsx):
    """As Excel and WPS save them: a number result in <v>; an empty text result as t="str"
    with an empty <v> (=IF(…,"",…) in 未达标原因), which is a blank cell, not an error."""
    path = tmp_path / f"{DEPT}.xlsx"
    workbook = openpyxl.load_workbook(demo_xlsx)
    sheet = workbook["指标评分"]
    assert sheet["F5"].value == 3
    sheet["F5"] = "=1+2"
    sheet["G2"], sheet["H2"] = '=IF(1,"","x")', None
    workbook.save(path)
    part = f"xl/worksheets/sheet{workbook.sheetnames.index('指标评分') + 1}.xml"
    rewrite_part(path, part, lambda xml: xml
                 .replace('<c r="F5" s="4"><f>1+2</f><v></v></c>', '<c r="F5" s="4"><f>1+2</f><v>3</v></c>')
                 .replace('<c r="G2" s="4"><f>', '<c r="G2" s="4" t="str"><f>'))
    expected = toml_data(DEMO_TOML)
    del expected["indicators"][0]["reason"], expected["indicators"][0]["measure"]
    assert read_xlsx(path, CONTRACT).data == expected


def test_the_package_is_searched_for_formulas_once_and_only_for_a_blank_cell(tmp_path, demo_xlsx, monkeypatch):
    """Reading stays one openpyxl load: the package is searched for formulas without a result
    (a look at the sheet XML) once, when a cell first reads as blank; never for a full file."""
    import reportgen.read.xlsx as read_module

    calls = []
    original = read_module.uncalculated_formulas
    monkeypatch.setattr(read_module, "uncalculated_formulas", lambda path: calls.append(path) or original(path))
    read_xlsx(demo_xlsx, CONTRACT)
    assert len(calls) == 1  # the demo has blank 未达标原因 cells
    assert original(demo_xlsx) == {}
    full = tmp_path / "full.xlsx"
    workbook = openpyxl.load_workbook(demo_xlsx)
    for sheet in workbook.worksheets:  # the optional rows of the 自评报告 too (基本情况, 预算执行)
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if cell.value is None:
                    cell.value = "无"
    workbook.save(full)
    calls.clear()
    read_xlsx(full, CONTRACT)
    assert calls == []
