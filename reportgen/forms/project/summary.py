"""The project form's sheets of the year's 汇总表: 项目 (one row per project built, by 主管部门
then 总分, with the number of its indicators whose 实际完成值 is blank) and 项目汇总 (per
主管部门: the number of projects and their 全年执行数)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from reportgen.forms.project.compute import SummaryRow
from reportgen.render.summary_book import Font
from reportgen.render.summary_print import append_row, grid_style, table_cell, table_sheet

MONEY_FORMAT, SCORE_FORMAT, RATE_FORMAT = "#,##0.00##", "0.00", "0.00%"
NOT_BUILT = "未生成"


def _append_rows(sheet, first: int, rows: Iterable[Sequence], formats: Sequence[str | None],
                 text_columns: set[int]) -> None:
    """Rows of a table_sheet's body from row number `first`: a cell in every column, the
    text columns' (a name starting with "=" stays text) wrapped on the left, the others
    centred; formats: each column's number format."""
    font = Font("宋体", 10)
    styles = {}
    for column, number_format in enumerate(formats, start=1):
        left = column in text_columns
        styles[column, number_format] = grid_style(sheet, font, "left" if left else "center", number_format,
                                                   wrap_text=left)
    for at, values in enumerate(rows, start=first):
        append_row(sheet, at, [table_cell(sheet, value, styles[column, number_format], text=column in text_columns)
                               for column, (value, number_format) in enumerate(zip(values, formats, strict=True), 1)])


def summary_sheets(workbook, year: int, rows: Sequence[SummaryRow], failed: Sequence[tuple[str, str]] = ()) -> None:
    """The sheets 项目 and 项目汇总, written top to bottom into the 汇总表 (render.summary_book);
    failed: (项目名称, reason) of each project not built: listed last, marked 未生成."""
    if not rows and not failed:
        return
    ordered = sorted(rows, key=lambda r: (r.department, -r.total_score, r.name))
    headers = ["主管部门", "项目名称", "全年预算数（万元）", "全年执行数（万元）", "执行率", "总分", "评价等级",
               "实际完成值空白数", "说明"]
    sheet = table_sheet(workbook, "项目", f"{year}年度项目支出绩效自评汇总", headers,
                        [30, 40, 18, 18, 10, 10, 10, 14, 60], "A3", len(ordered) + len(failed))
    text = {1, 2, 9}  # 主管部门, 项目名称, 说明
    formats = [None, None, MONEY_FORMAT, MONEY_FORMAT, RATE_FORMAT, SCORE_FORMAT, None, None, None]
    _append_rows(sheet, 3, ([row.department, row.name, row.budget, row.spent,  # Decimals: see render.summary
                             None if row.execution_rate is None else row.execution_rate / 100, row.total_score,
                             row.grade, row.blank_actuals, None] for row in ordered), formats, text)
    _append_rows(sheet, 3 + len(ordered),
                 ([None, name, None, None, None, None, NOT_BUILT, None, f"{NOT_BUILT}：{reason}"]
                  for name, reason in failed),
                 [None] * len(headers), text)

    totals: dict[str, tuple[int, Decimal]] = {}
    for row in ordered:
        count, spent = totals.get(row.department, (0, Decimal(0)))
        totals[row.department] = (count + 1, spent + row.spent)
    headers = ["主管部门", "项目数", "全年执行数合计（万元）"]
    per_department = table_sheet(workbook, "项目汇总", f"{year}年度各部门项目汇总", headers, [30, 10, 22], "A3",
                                 len(totals))
    _append_rows(per_department, 3, ([department, count, spent] for department, (count, spent) in totals.items()),
                 [None, None, MONEY_FORMAT], {1})
