"""The 汇总表 of a year with forms not built, as the bureau opens it: each 未生成 row's
reason merged across the score columns and as tall as its wrapped text, the title rows
merged over their tables, the header frozen, the filter over every row; valid Open XML.
(The sheets are written row by row, top to bottom: these are what must be set before.)"""

from __future__ import annotations

import re
import zipfile
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tests.conftest import DEPARTMENT
from tests.ooxml import assert_valid

LONG = "第78行 键 indicators[2].score：缺少得分（三级指标「部门整体绩效目标效益指标完成情况」），请填写。" * 2


@pytest.fixture(scope="module")
def summary(tmp_path_factory):
    from reportgen.forms.department.compute import SummaryRow as DepartmentRow
    from reportgen.forms.project.compute import SummaryRow as ProjectRow
    from reportgen.forms.registry import get_kind
    from reportgen.render.summary import render_summary
    from reportgen.settings import Settings

    levels = (("履职效能", Decimal("48.49")), ("管理效率", Decimal("46.00")))
    departments = [DepartmentRow(f"部门{i}", 3, Decimal("100.00"), Decimal("50.00"), levels, Decimal(90 + i), "优", 1)
                   for i in range(3)]
    projects = [ProjectRow("=项目", "部门0", "a.toml", Decimal("25"), Decimal("21.5457"), Decimal("86.18"),
                           Decimal("98.62"), "优", 2)]
    project = get_kind("project")
    failed = {DEPARTMENT(): [("坏部门", "原因"), ("=坏部门", LONG)], project: [("=坏项目", LONG)]}
    data = render_summary(2022, {DEPARTMENT(): departments, project: projects}, Settings(), failed)
    path = tmp_path_factory.mktemp("summary") / "汇总表.xlsx"
    path.write_bytes(data)
    return path


def test_not_built_departments_are_merged_rows_below_the_built(summary):
    ws = load_workbook(summary)["汇总"]
    assert ws["A1"].value == "2022年度部门整体支出绩效自评汇总表" and ws.row_dimensions[1].height == 30
    assert [c.value for c in ws[2]][:2] == ["序号", "部门名称"] and ws["I2"].value == "未满分指标数"
    assert [ws.cell(r, 2).value for r in range(3, 8)] == ["部门2", "部门1", "部门0", "坏部门", "=坏部门"]
    assert {str(m) for m in ws.merged_cells.ranges} == {"A1:I1", "C6:G6", "C7:G7"}
    assert [c.value for c in ws[7]] == [5, "=坏部门", f"未生成：{LONG}", None, None, None, None, "未生成", None]
    assert ws["B7"].data_type == "s"
    assert ws["C7"].alignment.wrap_text and ws["C7"].font.color.rgb == "00C00000"
    assert ws.row_dimensions[6].height == 14 and ws.row_dimensions[7].height == 56  # four lines of the reason
    assert ws.row_dimensions[5].height is None
    assert ws.freeze_panes == "C3" and ws.auto_filter.ref == "A2:I7" and ws.print_title_rows == "$1:$2"
    assert ws.page_setup.orientation == "landscape" and ws.sheet_properties.pageSetUpPr.fitToPage
    with zipfile.ZipFile(summary) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    # every cell of a 未生成 row is written with its style (its borders drawn), the merged ones too
    assert re.findall(r'<c r="([A-Z]+7)" s="', xml) == [f"{c}7" for c in "ABCDEFGHI"]


def test_not_built_projects_are_listed_last(summary):
    wb = load_workbook(summary)
    assert wb.sheetnames == ["汇总", "图表", "项目", "项目汇总"]
    ws = wb["项目"]
    assert ws["A1"].value == "2022年度项目支出绩效自评汇总" and {str(m) for m in ws.merged_cells.ranges} == {"A1:I1"}
    assert ws["H2"].value == "实际完成值空白数"
    assert [c.value for c in ws[3]] == ["部门0", "=项目", 25, 21.5457, 0.8618, 98.62, "优", 2, None]
    assert ws["B3"].data_type == "s" and ws["E3"].number_format == "0.00%"
    assert [c.value for c in ws[4]] == [None, "=坏项目", None, None, None, None, "未生成", None, f"未生成：{LONG}"]
    assert ws.freeze_panes == "A3" and ws.auto_filter.ref == "A2:I4" and ws.max_row == 4
    per = wb["项目汇总"]
    assert per["A1"].value == "2022年度各部门项目汇总" and {str(m) for m in per.merged_cells.ranges} == {"A1:C1"}
    assert [c.value for c in per[3]] == ["部门0", 1, 21.5457]
    assert per.freeze_panes == "A3" and per.auto_filter.ref == "A2:C3"


def test_summary_with_not_built_rows_is_valid_open_xml(summary):
    assert_valid(summary)
