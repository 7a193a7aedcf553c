"""The project form's Excel input workbook: written from TOML data and read back equal, the
池州 wording 其中：本年财政拨款 accepted, and a form built from the workbook identical to the
one built from TOML."""

from __future__ import annotations

import dataclasses
import io
import zipfile
from decimal import Decimal

from openpyxl import load_workbook

from reportgen.convert import encode, same_content
from reportgen.forms.project.contract import CONTRACT
from reportgen.forms.registry import get_kind
from reportgen.pipeline import read_input
from reportgen.read.toml import read_toml
from reportgen.read.xlsx import read_xlsx
from reportgen.settings import Settings
from tests.project_helpers import DEMO_PROJECTS, build_project, messages, spec_project, write_project

D = Decimal


def test_workbook_sheets_and_rows(tmp_path):
    path = tmp_path / "p.xlsx"
    path.write_bytes(encode(spec_project(), "xlsx", CONTRACT))
    wb = load_workbook(path)
    assert wb.sheetnames == ["基本情况", "项目资金", "年度总体目标", "绩效指标"]
    assert [c.value for c in wb["基本情况"]["A"][1:]] == ["年度", "项目名称", "主管部门", "实施单位", "金额单位",
                                                       "项目概况", "改进措施及建议"]  # the last two: the 自评报告's
    funds = wb["项目资金"]
    assert [c.value for c in funds[1]] == ["资金类别", "年初预算数", "全年预算数", "全年执行数"]
    # one row per fund (the alias 本年财政拨款 is not written again); no 年度资金总额 when not given
    assert [funds.cell(r, 1).value for r in range(2, funds.max_row + 1)] == ["当年财政拨款", "上年结转资金", "其他资金"]
    assert [c.value for c in wb["绩效指标"][1]] == ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值",
                                                  "分值", "得分", "偏差原因分析及改进措施"]


def test_toml_to_workbook_and_back_is_lossless(tmp_path):
    for source in [*sorted(DEMO_PROJECTS.glob("*.toml"))]:
        data = read_toml(source).data
        path = tmp_path / f"{source.stem}.xlsx"
        path.write_bytes(encode(data, "xlsx", CONTRACT))
        back = read_xlsx(path, CONTRACT)
        assert back.findings == []
        assert back.data == data, source.name  # every key and figure, 4 decimals included
        toml = tmp_path / f"{source.stem}.toml"
        toml.write_bytes(encode(back.data, "toml", CONTRACT))
        assert same_content(read_toml(toml).data, data, CONTRACT)


def test_total_row_is_written_and_read_when_given(tmp_path):
    data = spec_project(money_unit="万元", funds={"current": [90, D("89.974"), D("89.974")], "carryover": [0, 0, 0],
                                                "other": [0, 0, 0], "total": [90, D("89.974"), D("89.974")]})
    path = tmp_path / "p.xlsx"
    path.write_bytes(encode(data, "xlsx", CONTRACT))
    assert load_workbook(path)["项目资金"]["A2"].value == "年度资金总额"
    assert read_xlsx(path, CONTRACT).data["funds"] == data["funds"]


def test_chizhou_row_label_is_accepted(tmp_path):
    path = tmp_path / "p.xlsx"
    path.write_bytes(encode(spec_project(), "xlsx", CONTRACT))
    wb = load_workbook(path)
    assert wb["项目资金"]["A2"].value == "当年财政拨款"
    wb["项目资金"]["A2"].value = "其中：本年财政拨款"
    wb.save(path)
    raw = read_xlsx(path, CONTRACT)
    assert raw.findings == []
    assert raw.data["funds"]["current"] == [250000, 250000, D("215457.6")]


def _docx_body(path):
    with zipfile.ZipFile(path) as archive:
        return archive.read("word/document.xml")


def _xlsx_values(path):
    ws = load_workbook(path).active
    return [[c.value for c in row] for row in ws.iter_rows()]


def test_form_from_workbook_equals_form_from_toml(tmp_path):
    folder = tmp_path / "data" / "2022" / "项目"
    from_toml = build_project(write_project(folder / "a", spec_project()), tmp_path / "out_toml")
    from_xlsx = build_project(write_project(folder / "b", spec_project(), fmt="xlsx"), tmp_path / "out_xlsx")
    assert from_toml.ok and from_xlsx.ok, messages(from_xlsx)
    assert from_xlsx.findings == []
    pairs = {p.suffix: p for p in from_toml.outputs}, {p.suffix: p for p in from_xlsx.outputs}
    assert _docx_body(pairs[0][".docx"]) == _docx_body(pairs[1][".docx"])
    assert _xlsx_values(pairs[0][".xlsx"]) == _xlsx_values(pairs[1][".xlsx"])
    where = ("department_at", "budget_at")  # where each file says it, for the checks between forms
    assert [getattr(from_xlsx.summary, key) for key in where] == [
        "普陀体育中心与委托运营方结算费用.xlsx 基本情况!B4", "普陀体育中心与委托运营方结算费用.xlsx 项目资金!C2"]
    assert from_toml.summary == dataclasses.replace(
        from_xlsx.summary, source=from_toml.summary.source,
        **{key: getattr(from_toml.summary, key) for key in where})


def test_blank_workbook_cells_are_reported_where_they_are(tmp_path):
    path = write_project(tmp_path / "data" / "2022" / "项目", spec_project(), stem="p", fmt="xlsx")
    wb = load_workbook(path)
    wb["项目资金"]["C2"].value = None  # 当年财政拨款's 全年预算数
    wb["绩效指标"]["G5"].value = None  # 结算及时性's 得分 (qualitative)
    buffer = io.BytesIO()
    wb.save(buffer)
    path.write_bytes(buffer.getvalue())
    result = build_project(path, tmp_path / "output")
    assert not result.ok and result.outputs == []
    located = {f.location: f.message for f in result.findings if f.level == "error"}
    assert "缺少项目资金「当年财政拨款」的全年预算数" in located["p.xlsx 项目资金!C2"]
    assert located["p.xlsx 绩效指标!G5"].startswith("缺少得分：指标「结算及时性」")


def test_scaffold_lists_the_standard_categories_and_checks_as_unfilled(tmp_path):
    kind = get_kind("project")
    data = kind.scaffold(2023, "新项目", None)
    assert [(r["level1"], r["level2"]) for r in data["indicators"]] == [
        ("产出指标", "数量指标"), ("产出指标", "质量指标"), ("产出指标", "时效指标"), ("产出指标", "成本指标"),
        ("效益指标", "经济效益指标"), ("效益指标", "社会效益指标"), ("效益指标", "生态效益指标"),
        ("效益指标", "可持续影响指标"), ("满意度指标", "服务对象满意度指标")]
    header = kind.scaffold_header(2023, "新项目", None)
    toml = tmp_path / "新项目.toml"
    toml.write_bytes(encode(data, "toml", CONTRACT, header=header))
    assert 'current = ["", "", ""]' in toml.read_text(encoding="utf-8")
    for fmt in ("toml", "xlsx"):
        path = tmp_path / f"新项目.{fmt}"
        if fmt == "xlsx":
            path.write_bytes(encode(data, fmt, CONTRACT))
        built, findings = kind.validate(read_input(path, kind), 2023, Settings())
        assert built is None
        errors = [f for f in findings if f.level == "error"]
        # blanks are reported as not filled in (never as wrong types), one per field
        assert len(errors) == 13, [str(f) for f in errors]
        assert all("不能为空" in f.message or f.message.startswith("缺少") for f in errors)
        assert sum("缺少项目资金" in f.message for f in errors) == 9
    # a filled-in project as the template passes its structure on, without figures
    again = kind.scaffold(2023, "新项目", spec_project())
    assert again["project"]["department"] == "上海市普陀区体育局"
    assert again["indicators"][0] == {"level1": "产出指标", "level2": "数量指标", "name": "与委托运营方结算完成率",
                                      "target": "=100%", "actual": "", "weight": 25, "score": "", "reason": ""}
