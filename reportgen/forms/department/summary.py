"""The department form's sheets of the year's 汇总表: one row per department built,
sorted by 总分, with charts; then every department not built, marked 未生成 with the
reason."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence

from reportgen.forms.department.compute import SummaryRow
from reportgen.render.summary_print import add_charts, add_title_row, landscape
from reportgen.settings import Settings

MONEY_FORMAT, SCORE_FORMAT = "#,##0.00", "0.00"


def level_names(rows: Sequence[SummaryRow]) -> list[str]:
    """The 一级指标 of the year, in order of first appearance."""
    names: list[str] = []
    for row in rows:
        for name, _ in row.level_scores:
            if name not in names:
                names.append(name)
    return names


NOT_BUILT = "未生成"


def summary_sheets(workbook, year: int, rows: Sequence[SummaryRow], settings: Settings,
                   failed: Sequence[tuple[str, str]] = ()) -> None:
    """failed: (department name, reason) of each department not built."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    ordered = sorted(rows, key=lambda r: (-r.total_score, r.name))
    levels = level_names(ordered)
    headers = ["序号", "部门名称", "单位数", "总预算（万元）", *[f"{n}得分" for n in levels],
               "总分", "评价等级", "未满分指标数"]
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
    last = sheet.max_row  # the charts cover the departments built
    add_title_row(sheet, year, len(headers))  # rows move down by one (before any merge below)
    last += 1
    _append_not_built(sheet, failed, len(ordered), len(headers), body_font, border)
    widths = [6, 30, 8, 16, *[12] * len(levels), 10, 10, 12]
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "C3"
    sheet.auto_filter.ref = f"A2:{get_column_letter(len(headers))}{sheet.max_row}"
    sheet.print_title_rows = "1:2"
    landscape(sheet)
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    add_charts(workbook, sheet, year, names_column=2, total_column=5 + len(levels), first_row=3,
               last_row=last, grades=[row.grade for row in ordered],
               labels=[label for label, _ in settings.grades])
    workbook.properties.title = f"{year}年度部门整体支出绩效自评汇总表"


def _append_not_built(sheet, failed: Sequence[tuple[str, str]], built: int, width: int,
                      font, border) -> None:
    """A row per department not built: 序号, name, 未生成 under 评价等级, the reason
    across the score columns."""
    from openpyxl.styles import Alignment, Font

    for index, (name, reason) in enumerate(failed, start=built + 1):
        sheet.append([index, name])
        row = sheet.max_row
        sheet.cell(row, 2).data_type = "s"
        sheet.cell(row, 3).value = f"{NOT_BUILT}：{reason}"
        sheet.cell(row, width - 1).value = NOT_BUILT
        sheet.merge_cells(start_row=row, start_column=3, end_row=row, end_column=width - 2)
        # Excel does not grow a merged row to its wrapped text: the height is set here
        merged = 8 + 16 + 12 * (width - 7) + 10  # the column widths set by render_summary
        text = sheet.cell(row, 3).value
        chars = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
        sheet.row_dimensions[row].height = 14 * max(1, math.ceil(chars * 1.1 / merged))
        for column in range(1, width + 1):
            cell = sheet.cell(row, column)
            cell.font, cell.border = Font(name=font.name, size=font.sz, color="C00000"), border
            cell.alignment = Alignment(vertical="center", wrap_text=column == 3,
                                       horizontal="left" if column in (2, 3) else "center")
