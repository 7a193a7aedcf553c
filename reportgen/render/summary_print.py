"""The 汇总表's title row and its chart sheet, laid out for print.

The chart sheet prints A4 landscape at 100 %, with rows of a fixed height, so that where
a chart falls on paper is the same in Excel, WPS and LibreOffice: the grade table and the
grade pie on the first page, then the departments' 总分 as horizontal bar charts, at most
BARS_PER_CHART departments each, one chart per page (a chart never runs over a page
break), every department's name shown (tick labels never skipped, axes not deleted).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from copy import copy
from typing import Any

ROW_POINTS = 15.0  # every row of the chart sheet (Excel's default row height)
PAGE_ROWS = 33  # rows of ROW_POINTS on an A4 landscape page with 0.5" margins (523 pt)
BARS_PER_CHART = 20
BAR_CM, BAR_EXTRA_CM = 0.7, 2.5  # chart height per department, plus title and axis
MIN_BAR_CM = 7.5  # so that a chart of a few departments keeps a readable plot area


def title_text(year: int) -> str:
    return f"{year}年度部门整体支出绩效自评汇总表"


def add_title_row(sheet, year: int, columns: int, text: str | None = None) -> None:
    """Insert the title above the table (row 1, merged over the table's columns); before
    any merge or row height of the table is set (openpyxl does not move them)."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    sheet.insert_rows(1)
    sheet.cell(1, 1, text or title_text(year))
    sheet.cell(1, 1).font = Font(name="黑体", size=16)
    sheet.cell(1, 1).alignment = Alignment(horizontal="center", vertical="center")
    sheet.merge_cells(f"A1:{get_column_letter(columns)}1")
    sheet.row_dimensions[1].height = 30


class CellStyles:
    """Styles set on the first cell of each kind, then copied to the others: openpyxl
    hashes every Font, Border and Alignment assigned, which was most of a large 汇总表's
    time. The workbook gets the same styles, in the same order, as setting them on each
    cell; `key` names what the style depends on besides the cell's style so far."""

    def __init__(self) -> None:
        self._made: dict[tuple, Any] = {}

    def apply(self, cell, key: Hashable, style: Callable[[Any], None]) -> None:
        before = cell._style
        known = (key, None if before is None else tuple(before))
        made = self._made.get(known)
        if made is None:
            style(cell)
            self._made[known] = copy(cell._style)
        else:
            cell._style = copy(made)


def merge_row(sheet, row: int, first: int, last: int) -> None:
    """Merge columns first..last of a row that no other merge overlaps: what
    sheet.merge_cells does, without comparing the range with every merge already there
    (quadratic over a 汇总表 with a merged row per form not built)."""
    from openpyxl.worksheet.cell_range import CellRange
    from openpyxl.worksheet.merge import MergedCellRange

    merged = MergedCellRange(sheet, CellRange(min_col=first, min_row=row, max_col=last, max_row=row).coord)
    sheet.merged_cells.ranges.add(merged)
    sheet._clean_merge_range(merged)  # the covered cells become MergedCells, borders drawn


def landscape(sheet, margins: float = 0.5) -> None:
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
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

    charts = workbook.create_sheet("图表")
    charts.sheet_format.defaultRowHeight = ROW_POINTS
    charts.sheet_format.customHeight = True
    landscape(charts)
    charts.page_setup.scale = 100
    charts.append(["评价等级", "部门数"])
    counts = Counter(grades)
    for label in labels:
        charts.append([label, counts.get(label, 0)])
    charts.column_dimensions["A"].width = charts.column_dimensions["B"].width = 10

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
    for page, start in enumerate(range(first_row, last_row + 1, BARS_PER_CHART), start=1):
        end = min(start + BARS_PER_CHART - 1, last_row)
        bar = BarChart()
        bar.type = "bar"  # horizontal: long department names stay readable
        parts = (last_row - first_row) // BARS_PER_CHART + 1
        bar.title = f"{year}年度各部门总分" + (f"（{page}/{parts}）" if parts > 1 else "")
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
    last = (len(breaks.brk) + 1) * PAGE_ROWS
    for row in range(1, last + 1):  # explicit heights: every program puts a chart at the same place
        charts.row_dimensions[row].height = ROW_POINTS
    charts.print_area = f"A1:P{last}"
