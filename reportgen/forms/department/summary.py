"""The department form's sheets of the year's 汇总表: one row per department built,
sorted by 总分, with charts; then every department not built, marked 未生成 with the
reason."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence

from reportgen.forms.department.compute import SummaryRow
from reportgen.render.summary_book import Font
from reportgen.render.summary_print import (
    add_charts,
    append_row,
    grid_style,
    merge_row,
    table_cell,
    table_sheet,
    title_text,
)
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
    """The sheets 汇总 and 图表, written top to bottom into the 汇总表
    (render.summary_book.Workbook); failed: (department name, reason) of each department
    not built."""
    ordered = sorted(rows, key=lambda r: (-r.total_score, r.name))
    levels = level_names(ordered)
    headers = ["序号", "部门名称", "单位数", "总预算（万元）", *[f"{n}得分" for n in levels],
               "总分", "评价等级", "未满分指标数"]
    widths = [6, 30, 8, 16, *[12] * len(levels), 10, 10, 12]
    sheet = table_sheet(workbook, "汇总", title_text(year), headers, widths, "C3", len(ordered) + len(failed))
    font = Font("宋体", 10)
    scores = range(5, 6 + len(levels))  # each 一级指标's 得分 and the 总分
    styles = [grid_style(sheet, font, "left" if column == 2 else "center",
                         MONEY_FORMAT if column == 4 else SCORE_FORMAT if column in scores else None)
              for column in range(1, len(headers) + 1)]
    for index, row in enumerate(ordered, start=1):
        level = dict(row.level_scores)
        values = [index, row.name, row.units, row.budget_total, *[level.get(n) for n in levels],
                  row.total_score, row.grade, row.below_full_marks]  # Decimals: see render.summary
        append_row(sheet, index + 2, _cells(sheet, values, styles))
    _append_not_built(sheet, failed, len(ordered), widths, font)
    add_charts(workbook, sheet, year, names_column=2, total_column=5 + len(levels), first_row=3,
               last_row=len(ordered) + 2, grades=[row.grade for row in ordered],
               labels=[label for label, _ in settings.grades])
    workbook.title = f"{year}年度部门整体支出绩效自评汇总表"


def _append_not_built(sheet, failed: Sequence[tuple[str, str]], built: int, widths: Sequence[int], font) -> None:
    """A row per department not built: 序号, name, 未生成 under 评价等级, the reason
    across the score columns (merged, wrapped)."""
    if not failed:
        return  # (a style made but not used would still be listed in the workbook's styles)
    red = Font(font.name, font.size, color="C00000")
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
        append_row(sheet, row, _cells(sheet, values, styles), height=14 * max(1, math.ceil(chars * 1.1 / merged)))


def _cells(sheet, values: Sequence, styles: Sequence) -> list:
    """A row's cells; the name (column 2) stays text even if it starts with "="."""
    return [table_cell(sheet, value, style, text=column == 2)
            for column, (value, style) in enumerate(zip(values, styles, strict=True), start=1)]
