"""The year's 汇总表: one row per department built, sorted by 总分, with charts."""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportgen.compute import SummaryRow
from reportgen.summary_print import add_charts, add_title_row, landscape

MONEY_FORMAT, SCORE_FORMAT = "#,##0.00", "0.00"


def level_names(rows: Sequence[SummaryRow]) -> list[str]:
    """The 一级指标 of the year, in order of first appearance."""
    names: list[str] = []
    for row in rows:
        for name, _ in row.level_scores:
            if name not in names:
                names.append(name)
    return names


def render_summary(year: int, rows: Sequence[SummaryRow]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    ordered = sorted(rows, key=lambda r: (-r.total_score, r.name))
    levels = level_names(ordered)
    headers = ["序号", "部门名称", "单位数", "总预算（万元）", *[f"{n}得分" for n in levels],
               "总分", "评价等级", "未满分指标数"]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "汇总"
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    body_font, head_font = Font(name="宋体", size=10), Font(name="黑体", size=10, bold=True)
    sheet.append(headers)
    for cell in sheet[1]:
        cell.data_type = "s"  # a 一级指标 named "=…" stays text
        cell.font, cell.border = head_font, border
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for index, row in enumerate(ordered, start=1):
        scores = dict(row.level_scores)
        values = [index, row.name, row.units, float(row.budget_total),
                  *[float(scores[n]) if n in scores else None for n in levels],
                  float(row.total_score), row.grade, row.below_full_marks]
        sheet.append(values)
        for column, cell in enumerate(sheet[sheet.max_row], start=1):
            cell.font, cell.border = body_font, border
            cell.alignment = Alignment(vertical="center", horizontal="left" if column == 2 else "center")
            if column == 2:
                cell.data_type = "s"  # a name starting with "=" stays text
        sheet.cell(sheet.max_row, 4).number_format = MONEY_FORMAT
        for column in range(5, 6 + len(levels)):
            sheet.cell(sheet.max_row, column).number_format = SCORE_FORMAT
    last = sheet.max_row
    widths = [6, 30, 8, 16, *[12] * len(levels), 10, 10, 12]
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    add_title_row(sheet, year, len(headers))  # rows move down by one
    last += 1
    sheet.freeze_panes = "C3"
    sheet.auto_filter.ref = f"A2:{get_column_letter(len(headers))}{last}"
    sheet.print_title_rows = "1:2"
    landscape(sheet)
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    add_charts(workbook, sheet, year, names_column=2, total_column=5 + len(levels), first_row=3,
               last_row=last, grades=[row.grade for row in ordered])
    workbook.properties.title = f"{year}年度部门整体支出绩效自评汇总表"
    workbook.properties.creator = "reportgen"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
