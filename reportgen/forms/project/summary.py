"""The project form's sheets of the year's 汇总表: 项目 (one row per project built, by 主管部门
then 总分) and 项目汇总 (per 主管部门: the number of projects and their 全年执行数)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from reportgen.forms.project.compute import SummaryRow
from reportgen.render.summary_print import CellStyles, add_title_row, landscape

MONEY_FORMAT, SCORE_FORMAT, RATE_FORMAT = "#,##0.00##", "0.00", "0.00%"
TEXT_COLUMNS = {1, 2}  # 主管部门, 项目名称: a name starting with "=" stays text


def _style_sheet(sheet, headers: list[str], widths: list[int], text_columns: set[int], title: str) -> None:
    """Fonts, borders and widths of a table in row 1 and below; then the title row above
    it, frozen header, filter and print setup."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    body_font, head_font = Font(name="宋体", size=10), Font(name="黑体", size=10, bold=True)
    for cell in sheet[1]:
        cell.font, cell.border = head_font, border
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    def body_style(cell) -> None:
        cell.font, cell.border = body_font, border
        left = cell.column in text_columns
        cell.alignment = Alignment(vertical="center", horizontal="left" if left else "center", wrap_text=left)

    styles = CellStyles()
    for row in sheet.iter_rows(min_row=2):
        for column, cell in enumerate(row, start=1):
            styles.apply(cell, column, body_style)
            if column in text_columns:
                cell.data_type = "s"  # a name starting with "=" stays text
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    add_title_row(sheet, 0, len(headers), title)  # the table moves down by one row
    sheet.freeze_panes = "A3"
    sheet.auto_filter.ref = f"A2:{get_column_letter(len(headers))}{sheet.max_row}"
    sheet.print_title_rows = "1:2"
    landscape(sheet)
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


NOT_BUILT = "未生成"


def summary_sheets(workbook, year: int, rows: Sequence[SummaryRow], failed: Sequence[tuple[str, str]] = ()) -> None:
    """failed: (项目名称, reason) of each project not built: listed last, marked 未生成."""
    if not rows and not failed:
        return
    ordered = sorted(rows, key=lambda r: (r.department, -r.total_score, r.name))
    headers = ["主管部门", "项目名称", "全年预算数（万元）", "全年执行数（万元）", "执行率", "总分", "评价等级",
               "说明"]
    sheet = workbook.create_sheet("项目")
    sheet.append(headers)
    # Row numbers are counted here: sheet.max_row scans every cell (N rows read it N
    # times: quadratic).
    for last, row in enumerate(ordered, start=2):
        sheet.append([row.department, row.name, _number(row.budget), _number(row.spent),
                      None if row.execution_rate is None else float(row.execution_rate / 100),
                      float(row.total_score), row.grade])
        sheet.cell(last, 3).number_format = sheet.cell(last, 4).number_format = MONEY_FORMAT
        sheet.cell(last, 5).number_format = RATE_FORMAT
        sheet.cell(last, 6).number_format = SCORE_FORMAT
    for name, reason in failed:
        sheet.append([None, name, None, None, None, None, NOT_BUILT, f"{NOT_BUILT}：{reason}"])
    _style_sheet(sheet, headers, [30, 40, 18, 18, 10, 10, 10, 60], TEXT_COLUMNS | {8},
                 f"{year}年度项目支出绩效自评汇总")

    totals: dict[str, tuple[int, Decimal]] = {}
    for row in ordered:
        count, spent = totals.get(row.department, (0, Decimal(0)))
        totals[row.department] = (count + 1, spent + row.spent)
    headers = ["主管部门", "项目数", "全年执行数合计（万元）"]
    per_department = workbook.create_sheet("项目汇总")
    per_department.append(headers)
    for at, (department, (count, spent)) in enumerate(totals.items(), start=2):
        per_department.append([department, count, float(spent)])
        per_department.cell(at, 3).number_format = MONEY_FORMAT
    _style_sheet(per_department, headers, [30, 10, 22], {1}, f"{year}年度各部门项目汇总")
