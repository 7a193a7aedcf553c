"""The 汇总表's sheets (reportgen.render.summary_book): written top to bottom (each row
goes to the sheet's spooled temporary file when it is appended: a sheet's column widths,
frozen panes and a row's height are set before the rows they concern), each with a title
row above its table; and the department chart sheet; laid out for print.

The chart sheet prints A4 landscape at 100 %, with rows of a fixed height, so that where
a chart falls on paper is the same in Excel, WPS and LibreOffice: the grade table and the
grade pie on the first page, then the departments' 总分 as horizontal bar charts, at most
BARS_PER_CHART departments each, one chart per page (a chart never runs over a page
break), every department's name shown (tick labels never skipped, axes not deleted).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from reportgen.render.cell_refs import column_letter
from reportgen.render.summary_book import Cell, Chart, Font, Sheet, Style, Workbook, reference

ROW_POINTS = 15.0  # every row of the chart sheet (Excel's default row height)
PAGE_ROWS = 33  # rows of ROW_POINTS on an A4 landscape page with 0.5" margins (523 pt)
BARS_PER_CHART = 20
BAR_CM, BAR_EXTRA_CM = 0.7, 2.5  # chart height per department, plus title and axis
MIN_BAR_CM = 7.5  # so that a chart of a few departments keeps a readable plot area


def title_text(year: int) -> str:
    return f"{year}年度部门整体支出绩效自评汇总表"


def cell_style(sheet: Sheet, font: Font | None = None, horizontal: str | None = None, vertical: str | None = None,
               number_format: str | None = None, fill: str | None = None, border: str | None = None,
               wrap: bool | None = None) -> tuple:
    """A style made once, for many cells (its parts numbered in the workbook now)."""
    return sheet.style(Style(font, fill, border, horizontal, vertical, wrap, number_format))


def table_cell(sheet: Sheet, value, style: tuple, text: bool = False) -> Cell:
    """A cell to append, in a style of cell_style; text: the value stays text even if it
    looks like a formula ("=…") or is empty."""
    return Cell(value, style, text)


def grid_style(sheet: Sheet, font: Font, horizontal: str, number_format: str | None = None, fill: str | None = None,
               wrap_text: bool | None = None) -> tuple:
    """The style of a table's cell: thin grey borders, centred vertically."""
    return cell_style(sheet, font, horizontal, "center", number_format, fill, "808080", wrap_text)


def append_row(sheet: Sheet, row: int, cells: Sequence[Any], height: float | None = None) -> None:
    """Append row number `row` (the sheet's next) with its height."""
    if row != sheet.rows + 1:
        raise ValueError(f"row {row} appended after row {sheet.rows}")
    sheet.append(cells, height)


def merge_row(sheet: Sheet, row: int, first: int, last: int) -> None:
    """Merge columns first..last of a row."""
    sheet.merge(row, first, last)


def table_sheet(workbook: Workbook, name: str, title: str, headers: Sequence[str], widths: Sequence[float],
                freeze: str, body_rows: int) -> Sheet:
    """A sheet of the 汇总表 (written top to bottom) with its title row (row 1, merged over
    the table) and header row (row 2) written, and what comes before its rows set:
    column widths, frozen panes, fit to page width; and its filter and print setup. The
    caller appends the table's `body_rows` rows."""
    sheet = workbook.create_sheet(name)
    sheet.widths = dict(enumerate(widths, start=1))
    sheet.freeze = freeze
    sheet.fit_width = True
    landscape(sheet)
    sheet.print_titles = "1:2"
    sheet.filter = f"A2:{column_letter(len(headers))}{2 + body_rows}"

    merge_row(sheet, 1, 1, len(headers))
    style = cell_style(sheet, Font("黑体", 16), "center", "center")
    append_row(sheet, 1, [table_cell(sheet, title, style)], height=30)
    style = grid_style(sheet, Font("黑体", 10, bold=True), "center", fill="DDEBF7", wrap_text=True)
    append_row(sheet, 2, [table_cell(sheet, header, style, text=True) for header in headers])  # "=…" stays text
    return sheet


def landscape(sheet: Sheet, margins: float = 0.5) -> None:
    """A4 landscape, centred across the page; margins in inches (header and footer 0.25)."""
    sheet.landscape = True
    sheet.margins = (margins, 0.25)


def add_charts(workbook: Workbook, table: Sheet, year: int, names_column: int, total_column: int,
               first_row: int, last_row: int, grades: Sequence[str], labels: Sequence[str]) -> None:
    """The chart sheet 图表: grade counts and pie on page 1, 总分 bars from page 2.
    table: the 汇总 sheet; rows first_row..last_row hold the departments; grades: each
    one's 评价等级; labels: the grades, best first (Settings.grades). Every axis is drawn
    with all its labels (tick labels never skipped; 9 pt names, one per bar)."""
    charts = workbook.create_sheet("图表")  # format and widths before the rows
    charts.default_height = ROW_POINTS
    landscape(charts)
    charts.scale = 100
    charts.widths = {1: 10, 2: 10}
    starts = range(first_row, last_row + 1, BARS_PER_CHART)  # a page and a chart each
    last = (len(starts) + 1) * PAGE_ROWS
    counts = Counter(grades)
    table_rows = [["评价等级", "部门数"], *[[label, counts.get(label, 0)] for label in labels]]
    for row in range(1, max(last, len(table_rows)) + 1):
        # explicit heights: every program puts a chart at the same place
        append_row(charts, row, [Cell(v, text=isinstance(v, str)) for v in table_rows[row - 1]]
                   if row <= len(table_rows) else [], ROW_POINTS if row <= last else None)

    charts.charts.append(Chart(
        "pie", f"{year}年度评价等级分布", values=reference(charts, 2, 2, 1 + len(labels)),
        categories=reference(charts, 2, 1, 1 + len(labels)), series_title=reference(charts, 1, 2, absolute=False),
        column=3, row=0, width=12, height=7.5))
    for page, start in enumerate(starts, start=1):
        end = min(start + BARS_PER_CHART - 1, last_row)
        top = page * PAGE_ROWS + 1  # the page's first row; the chart starts one row lower
        charts.row_breaks.append(top - 1)
        charts.charts.append(Chart(
            "bar", f"{year}年度各部门总分" + (f"（{page}/{len(starts)}）" if len(starts) > 1 else ""),
            values=reference(table, start, total_column, end), categories=reference(table, start, names_column, end),
            axis_titles=("部门", "总分"), column=0, row=top,
            width=24, height=max(MIN_BAR_CM, (end - start + 1) * BAR_CM + BAR_EXTRA_CM)))
    charts.print_area = f"A1:P{last}"
