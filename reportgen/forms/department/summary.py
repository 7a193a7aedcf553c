"""The department form's sheets of the year's 汇总表: one row per department built,
sorted by 总分, with charts; then every department not built, marked 未生成 with the
reason."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence

from reportgen.forms.department.compute import SummaryRow
from reportgen.render.summary_print import CellStyles, add_charts, add_title_row, landscape, merge_row
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
    styles = CellStyles()

    def body_style(cell) -> None:
        cell.font, cell.border = body_font, border
        cell.alignment = Alignment(vertical="center", horizontal="left" if cell.column == 2 else "center")
        if cell.column == 4:
            cell.number_format = MONEY_FORMAT
        elif 5 <= cell.column < 6 + len(levels):
            cell.number_format = SCORE_FORMAT

    # Row numbers are counted here: sheet.max_row scans every cell (a 汇总表 of N rows
    # read it N times: quadratic).
    for index, row in enumerate(ordered, start=1):
        scores = dict(row.level_scores)
        values = [index, row.name, row.units, float(row.budget_total),
                  *[float(scores[n]) if n in scores else None for n in levels],
                  float(row.total_score), row.grade, row.below_full_marks]
        sheet.append(values)
        at = index + 1  # below the header
        for column in range(1, len(values) + 1):
            styles.apply(sheet.cell(at, column), column, body_style)
        sheet.cell(at, 2).data_type = "s"  # a name starting with "=" stays text
    add_title_row(sheet, year, len(headers))  # rows move down by one (before any merge below)
    last = len(ordered) + 2  # the charts cover the departments built: below the title and header
    _append_not_built(sheet, failed, len(ordered), len(headers), body_font, border, styles)
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
                      font, border, styles: CellStyles) -> None:
    """A row per department not built: 序号, name, 未生成 under 评价等级, the reason
    across the score columns."""
    style = _not_built_style(font, border)
    for index, (name, reason) in enumerate(failed, start=built + 1):
        sheet.append([index, name])
        row = index + 2  # below the title and the header
        sheet.cell(row, 2).data_type = "s"
        sheet.cell(row, 3).value = f"{NOT_BUILT}：{reason}"
        sheet.cell(row, width - 1).value = NOT_BUILT
        merge_row(sheet, row, 3, width - 2)
        # Excel does not grow a merged row to its wrapped text: the height is set here
        merged = 8 + 16 + 12 * (width - 7) + 10  # the column widths set by render_summary
        text = sheet.cell(row, 3).value
        chars = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
        sheet.row_dimensions[row].height = 14 * max(1, math.ceil(chars * 1.1 / merged))
        for column in range(1, width + 1):
            styles.apply(sheet.cell(row, column), ("not built", column), style)


def _not_built_style(font, border):
    from openpyxl.styles import Alignment, Font

    def style(cell) -> None:
        cell.font, cell.border = Font(name=font.name, size=font.sz, color="C00000"), border
        cell.alignment = Alignment(vertical="center", wrap_text=cell.column == 3,
                                   horizontal="left" if cell.column in (2, 3) else "center")

    return style
