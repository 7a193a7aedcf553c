"""The 汇总表's sheets: written top to bottom (a write-only openpyxl workbook streams
each row to a temporary file when it is appended: a sheet's column widths, frozen panes
and a row's height are set before the rows they concern), each with a title row above
its table; and the department chart sheet; laid out for print.

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

ROW_POINTS = 15.0  # every row of the chart sheet (Excel's default row height)
PAGE_ROWS = 33  # rows of ROW_POINTS on an A4 landscape page with 0.5" margins (523 pt)
BARS_PER_CHART = 20
BAR_CM, BAR_EXTRA_CM = 0.7, 2.5  # chart height per department, plus title and axis
MIN_BAR_CM = 7.5  # so that a chart of a few departments keeps a readable plot area


def title_text(year: int) -> str:
    return f"{year}年度部门整体支出绩效自评汇总表"


def cell_style(sheet, font=None, alignment=None, number_format: str | None = None, fill=None, border=None):
    """A style made once, for many cells: its style array, which table_cell copies.
    openpyxl registers every Font, Border and Alignment assigned by hashing it; assigned
    to each cell, that was most of a large 汇总表's time."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet)
    for name, value in (("font", font), ("fill", fill), ("border", border), ("alignment", alignment),
                        ("number_format", number_format)):
        if value is not None:
            setattr(cell, name, value)
    return cell._style


def table_cell(sheet, value, style, text: bool = False):
    """A cell to append to a write-only sheet (what WriteOnlyCell makes), in a style of
    cell_style; text: the value stays text even if it looks like a formula ("=…")."""
    from openpyxl.cell import Cell

    # row and column: append sets them (and its check of a value that is a cell prints them)
    cell = Cell(sheet, row=1, column=1, value=value, style_array=style)
    if text:
        cell.data_type = "s"
    return cell


def grid_style(sheet, font, horizontal: str, number_format: str | None = None, fill=None, **alignment):
    """The style of a table's cell: thin grey borders, centred vertically."""
    from openpyxl.styles import Alignment, Border, Side

    thin = Side(style="thin", color="808080")
    return cell_style(sheet, font, Alignment(vertical="center", horizontal=horizontal, **alignment),
                      number_format, fill, Border(left=thin, right=thin, top=thin, bottom=thin))


def append_row(sheet, row: int, cells: Sequence[Any], height: float | None = None) -> None:
    """Append row number `row` to a write-only sheet, with its height: set just before
    openpyxl writes the row (on append), dropped once written (nothing kept per row)."""
    if height is not None:
        sheet.row_dimensions[row].height = height
    sheet.append(cells)
    sheet.row_dimensions.pop(row, None)


def merge_row(sheet, row: int, first: int, last: int) -> None:
    """Merge columns first..last of a row of a write-only sheet: the range is only
    written out (sheet.merged_cells.add would compare it with every merge already there:
    quadratic over a 汇总表 with a merged row per form not built)."""
    from openpyxl.worksheet.cell_range import CellRange

    sheet.merged_cells.ranges.add(CellRange(min_col=first, min_row=row, max_col=last, max_row=row))


def table_sheet(workbook, name: str, title: str, headers: Sequence[str], widths: Sequence[float],
                freeze: str, body_rows: int):
    """A sheet of the 汇总表 (a write-only workbook: each sheet written top to bottom)
    with its title row (row 1, merged over the table) and header row (row 2) written, and
    what comes before its rows set: column widths, frozen panes, fit to page width; and
    its filter and print setup. The caller appends the table's `body_rows` rows."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(name)
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = freeze
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    landscape(sheet)
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.print_title_rows = "1:2"
    last = get_column_letter(len(headers))
    sheet.auto_filter.ref = f"A2:{last}{2 + body_rows}"

    merge_row(sheet, 1, 1, len(headers))
    style = cell_style(sheet, Font(name="黑体", size=16), Alignment(horizontal="center", vertical="center"))
    append_row(sheet, 1, [table_cell(sheet, title, style)], height=30)
    style = grid_style(sheet, Font(name="黑体", size=10, bold=True), "center", wrap_text=True,
                       fill=PatternFill("solid", fgColor="DDEBF7"))
    append_row(sheet, 2, [table_cell(sheet, header, style, text=True) for header in headers])  # "=…" stays text
    return sheet


def landscape(sheet, margins: float = 0.5) -> None:
    from openpyxl.worksheet.worksheet import Worksheet

    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4  # not on a write-only sheet
    sheet.page_margins.left = sheet.page_margins.right = margins
    sheet.page_margins.top = sheet.page_margins.bottom = margins
    sheet.page_margins.header = sheet.page_margins.footer = 0.25
    sheet.print_options.horizontalCentered = True


def _show_axes(chart) -> None:
    """Axes drawn with all their labels (openpyxl 3.1 leaves `delete` unset: some
    programs then hide the axes; a crowded category axis skips labels unless told)."""
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.x_axis.tickLblSkip = 1
    chart.x_axis.tickMarkSkip = 1
    chart.x_axis.txPr = _text_size(900)  # 9 pt names: one per bar, never overlapping


def _text_size(hundredths: int):
    from openpyxl.chart.text import RichText
    from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties

    size = CharacterProperties(sz=hundredths)
    return RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=size), endParaRPr=size)])


def add_charts(workbook, table, year: int, names_column: int, total_column: int,
               first_row: int, last_row: int, grades: Sequence[str], labels: Sequence[str]) -> None:
    """The chart sheet 图表: grade counts and pie on page 1, 总分 bars from page 2.
    table: the 汇总 sheet; rows first_row..last_row hold the departments; grades: each
    one's 评价等级; labels: the grades, best first (Settings.grades)."""
    from openpyxl.chart import BarChart, PieChart, Reference
    from openpyxl.chart.label import DataLabelList
    from openpyxl.worksheet.pagebreak import Break, RowBreak

    charts = workbook.create_sheet("图表")  # write-only: format and widths before the rows
    charts.sheet_format.defaultRowHeight = ROW_POINTS
    charts.sheet_format.customHeight = True
    landscape(charts)
    charts.page_setup.scale = 100
    charts.column_dimensions["A"].width = charts.column_dimensions["B"].width = 10
    starts = range(first_row, last_row + 1, BARS_PER_CHART)  # a page and a chart each
    last = (len(starts) + 1) * PAGE_ROWS
    counts = Counter(grades)
    table_rows = [["评价等级", "部门数"], *[[label, counts.get(label, 0)] for label in labels]]
    for row in range(1, max(last, len(table_rows)) + 1):
        # explicit heights: every program puts a chart at the same place
        append_row(charts, row, table_rows[row - 1] if row <= len(table_rows) else [],
                   ROW_POINTS if row <= last else None)

    pie = PieChart()
    pie.title = f"{year}年度评价等级分布"
    pie.add_data(Reference(charts, min_col=2, min_row=1, max_row=1 + len(labels)), titles_from_data=True)
    pie.set_categories(Reference(charts, min_col=1, min_row=2, max_row=1 + len(labels)))
    pie.dataLabels = DataLabelList()
    pie.dataLabels.showVal = True
    pie.dataLabels.showCatName = pie.dataLabels.showSerName = False
    pie.dataLabels.showPercent = pie.dataLabels.showLegendKey = False
    pie.height, pie.width = 7.5, 12
    charts.add_chart(pie, "D1")

    breaks = RowBreak()
    for page, start in enumerate(starts, start=1):
        end = min(start + BARS_PER_CHART - 1, last_row)
        bar = BarChart()
        bar.type = "bar"  # horizontal: long department names stay readable
        bar.title = f"{year}年度各部门总分" + (f"（{page}/{len(starts)}）" if len(starts) > 1 else "")
        bar.y_axis.title, bar.x_axis.title = "总分", "部门"
        bar.add_data(Reference(table, min_col=total_column, min_row=start, max_row=end),
                     titles_from_data=False)
        bar.set_categories(Reference(table, min_col=names_column, min_row=start, max_row=end))
        bar.x_axis.scaling.orientation = "maxMin"  # highest score on top
        bar.y_axis.scaling.min, bar.y_axis.scaling.max = 0, 100
        bar.legend = None
        _show_axes(bar)
        bar.height, bar.width = max(MIN_BAR_CM, (end - start + 1) * BAR_CM + BAR_EXTRA_CM), 24
        top = page * PAGE_ROWS + 1  # the page's first row; the chart starts one row lower
        breaks.append(Break(id=top - 1))
        charts.add_chart(bar, f"A{top + 1}")
    charts.row_breaks = breaks
    charts.print_area = f"A1:P{last}"
