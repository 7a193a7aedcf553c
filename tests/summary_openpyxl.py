"""The 汇总表 as openpyxl wrote it before reportgen.render.summary_book (the former
writer: reportgen/render/summary_print.py and the kinds' summary.py of commit 15b093f,
unchanged but for their names), kept to prove that the new writer gives the same bytes."""

from __future__ import annotations

import io
import math
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

D_MONEY, D_SCORE = "#,##0.00", "0.00"
MONEY_FORMAT, SCORE_FORMAT, RATE_FORMAT = "#,##0.00##", "0.00", "0.00%"


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


D_MONEY, D_SCORE = "#,##0.00", "0.00"


def level_names(rows: Sequence[Any]) -> list[str]:
    """The 一级指标 of the year, in order of first appearance."""
    names: list[str] = []
    for row in rows:
        for name, _ in row.level_scores:
            if name not in names:
                names.append(name)
    return names


NOT_BUILT = "未生成"


def department_sheets(workbook, year: int, rows: Sequence[Any], settings,
                   failed: Sequence[tuple[str, str]] = ()) -> None:
    """The sheets 汇总 and 图表, written top to bottom into a write-only workbook;
    failed: (department name, reason) of each department not built."""
    from openpyxl.styles import Font

    ordered = sorted(rows, key=lambda r: (-r.total_score, r.name))
    levels = level_names(ordered)
    headers = ["序号", "部门名称", "单位数", "总预算（万元）", *[f"{n}得分" for n in levels],
               "总分", "评价等级", "未满分指标数"]
    widths = [6, 30, 8, 16, *[12] * len(levels), 10, 10, 12]
    sheet = table_sheet(workbook, "汇总", title_text(year), headers, widths, "C3", len(ordered) + len(failed))
    font = Font(name="宋体", size=10)
    scores = range(5, 6 + len(levels))  # each 一级指标's 得分 and the 总分
    styles = [grid_style(sheet, font, "left" if column == 2 else "center",
                         D_MONEY if column == 4 else D_SCORE if column in scores else None)
              for column in range(1, len(headers) + 1)]
    for index, row in enumerate(ordered, start=1):
        level = dict(row.level_scores)
        values = [index, row.name, row.units, row.budget_total, *[level.get(n) for n in levels],
                  row.total_score, row.grade, row.below_full_marks]  # Decimals: see render.summary
        append_row(sheet, index + 2, _department_cells(sheet, values, styles))
    _department_not_built(sheet, failed, len(ordered), widths, font)
    add_charts(workbook, sheet, year, names_column=2, total_column=5 + len(levels), first_row=3,
               last_row=len(ordered) + 2, grades=[row.grade for row in ordered],
               labels=[label for label, _ in settings.grades])
    workbook.properties.title = f"{year}年度部门整体支出绩效自评汇总表"


def _department_not_built(sheet, failed: Sequence[tuple[str, str]], built: int, widths: Sequence[int],
                          font) -> None:
    """A row per department not built: 序号, name, 未生成 under 评价等级, the reason
    across the score columns (merged, wrapped)."""
    from openpyxl.styles import Font

    if not failed:
        return  # (a style made but not used would still be listed in the workbook's styles)
    red = Font(name=font.name, size=font.sz, color="C00000")
    width = len(widths)
    styles = [grid_style(sheet, red, "left" if column in (2, 3) else "center", wrap_text=column == 3)
              for column in range(1, width + 1)]
    merged = sum(widths[2:width - 2])  # columns 3 .. width-2
    for index, (name, reason) in enumerate(failed, start=built + 1):
        row = index + 2  # below the title and the header
        text = f"{NOT_BUILT}：{reason}"
        values = [index, name, text, *[None] * (width - 5), NOT_BUILT, None]
        merge_row(sheet, row, 3, width - 2)
        # Excel does not grow a merged row to its wrapped text: the height is set here
        chars = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
        append_row(sheet, row, _department_cells(sheet, values, styles),
                   height=14 * max(1, math.ceil(chars * 1.1 / merged)))


def _department_cells(sheet, values: Sequence, styles: Sequence) -> list:
    """A row's cells; the name (column 2) stays text even if it starts with "="."""
    return [table_cell(sheet, value, style, text=column == 2)
            for column, (value, style) in enumerate(zip(values, styles, strict=True), start=1)]

MONEY_FORMAT, SCORE_FORMAT, RATE_FORMAT = "#,##0.00##", "0.00", "0.00%"


def _project_rows(sheet, first: int, rows: Iterable[Sequence], formats: Sequence[str | None],
                 text_columns: set[int]) -> None:
    """Rows of a table_sheet's body from row number `first`: a cell in every column, the
    text columns' (a name starting with "=" stays text) wrapped on the left, the others
    centred; formats: each column's number format."""
    from openpyxl.styles import Font

    font = Font(name="宋体", size=10)
    styles = {}
    for column, number_format in enumerate(formats, start=1):
        left = column in text_columns
        styles[column, number_format] = grid_style(sheet, font, "left" if left else "center", number_format,
                                                   wrap_text=left)
    for at, values in enumerate(rows, start=first):
        append_row(sheet, at, [table_cell(sheet, value, styles[column, number_format], text=column in text_columns)
                               for column, (value, number_format) in enumerate(zip(values, formats, strict=True), 1)])


def project_sheets(workbook, year: int, rows: Sequence[Any], failed: Sequence[tuple[str, str]] = ()) -> None:
    """The sheets 项目 and 项目汇总, written top to bottom into a write-only workbook;
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
    _project_rows(sheet, 3, ([row.department, row.name, row.budget, row.spent,  # Decimals: see render.summary
                             None if row.execution_rate is None else row.execution_rate / 100, row.total_score,
                             row.grade, row.blank_actuals, None] for row in ordered), formats, text)
    _project_rows(sheet, 3 + len(ordered),
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
    _project_rows(per_department, 3, ([department, count, spent] for department, (count, spent) in totals.items()),
                 [None, None, MONEY_FORMAT], {1})

def render_summary_openpyxl(year: int, rows, settings, failed=None) -> bytes:
    """render_summary of commit 15b093f."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for kind, kind_rows in rows.items():
        kind_failed = (failed or {}).get(kind, ())
        if kind.key == "department":
            department_sheets(workbook, year, kind_rows, settings, kind_failed)
        else:
            project_sheets(workbook, year, kind_rows, kind_failed)
    workbook.properties.creator = "reportgen"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
