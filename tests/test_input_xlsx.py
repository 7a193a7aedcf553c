"""The Excel input workbook: read by header text, numbers exact, the same form as TOML,
and lossless conversion both ways."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from reportgen.pipeline import find_department_files, read_input
from reportgen.read_xlsx import float_to_decimal, read_xlsx
from reportgen.scaffold import same_content
from reportgen.write_toml import dumps
from tests.conftest import DEMO_TOML, SAMPLE_TOML, build_into, convert_file, make_year
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
    data = read_xlsx(demo_xlsx).data
    scores = [row["score"] for row in data["indicators"]]
    assert Decimal("19.54") in scores and Decimal("8.95") in scores
    assert all(isinstance(s, (int, Decimal)) for s in scores)
    assert sum(Decimal(s) for s in scores) == Decimal("94.49")
    assert data["budget"]["total"] == Decimal("39481.84")


# ----------------------------------------------------------------------------- same content
def test_demo_workbook_reads_as_the_toml_data(demo_xlsx):
    assert read_xlsx(demo_xlsx).data == toml_data(DEMO_TOML)


@pytest.mark.parametrize("source", [DEMO_TOML, SAMPLE_TOML], ids=["demo", "sample"])
def test_toml_to_xlsx_to_toml_gives_the_same_data(tmp_path, source):
    xlsx = convert_file(source, tmp_path / f"{source.stem}.xlsx")
    back = convert_file(xlsx, tmp_path / "back" / f"{source.stem}.toml")
    assert toml_data(back) == toml_data(source)
    # and once more: the written TOML converts to an identical workbook content
    again = convert_file(back, tmp_path / "again" / f"{source.stem}.xlsx")
    assert read_xlsx(again).data == read_xlsx(xlsx).data


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
    assert [p.suffix for p in find_department_files(workspace / "data", 2022)] == [".xlsx", ".toml"]
    results = build_into(workspace)
    assert all(r.ok for r in results)
    assert sorted(r.department for r in results) == [DEPT, "广州市示例局"]


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
    raw = read_xlsx(path)
    assert raw.data == toml_data(DEMO_TOML)
    assert raw.locate(("indicators", 10, "score")) == f"{DEPT}.xlsx 指标评分!AA12"
    assert raw.locate(("department", "units")) == f"{DEPT}.xlsx 基本情况!C4"


def test_blank_rows_are_skipped_and_cells_still_located(tmp_path, demo_xlsx):
    path = tmp_path / f"{DEPT}.xlsx"
    workbook = openpyxl.load_workbook(demo_xlsx)
    workbook["指标评分"].insert_rows(5, 2)
    workbook.save(path)
    raw = read_xlsx(path)
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
    row = read_xlsx(path).data["indicators"][2]
    assert row["rule"] == "execution_rate"
    assert row["execution_rate"] == Decimal("89.51")
    workspace = make_year(tmp_path / "ws", path)
    assert "8.95" in form_text(workspace)


def test_completion_paragraphs_are_lines_of_one_cell(demo_xlsx):
    sheet = openpyxl.load_workbook(demo_xlsx)["绩效目标"]
    assert sheet["A1"].value == "序号" and sheet["C1"].value == "完成情况"
    assert sheet["C2"].value.count("\n") == 2  # goal 1 has three paragraphs
    assert len(read_xlsx(demo_xlsx).data["goals"][0]["completion"]) == 3


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
    text = dumps(tricky)
    assert tomllib.loads(text, parse_float=Decimal) == tricky
    assert 'basic = 0.10' in text and "project = 5.00" in text


def test_writer_and_reader_agree_on_text_that_looks_like_a_formula(tmp_path):
    from reportgen.scaffold import encode

    data = toml_data(DEMO_TOML)
    data["indicators"][0]["reason"] = "=1+1 不是公式"
    path = tmp_path / "x.xlsx"
    path.write_bytes(encode(data, "xlsx"))
    assert read_xlsx(path).data["indicators"][0]["reason"] == "=1+1 不是公式"


def test_same_content_ignores_only_presentation():
    data = toml_data(SAMPLE_TOML)
    other = toml_data(SAMPLE_TOML)
    other["goals"][0]["completion"] = "\n".join(other["goals"][0]["completion"])
    other["budget"]["special"] = Decimal("860.00")
    assert same_content(data, other)
    other["budget"]["special"] = Decimal("860.01")
    assert not same_content(data, other)


def test_read_input_dispatches_by_suffix(demo_xlsx):
    assert read_input(demo_xlsx).data == read_input(DEMO_TOML).data
