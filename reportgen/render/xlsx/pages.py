"""Printing: how many points of rows fit on a printed page and the fixed scale that
replaces the template's fit-to-width (page_capacity, fix_scale), and the rows after which
a page ends (page_breaks)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from lxml import etree

from reportgen.render.xlsx.layout import _Sheet

# Paper sizes (portrait width, height in points) by the OOXML paperSize code.
PAPER_POINTS = {1: (612.0, 792.0), 5: (612.0, 1008.0), 8: (841.9, 1190.6), 9: (595.3, 841.9),
                11: (419.5, 595.3)}
DIGIT_PIXELS = 7  # width of '0' in 宋体 10 pt / Calibri 11 pt at 96 dpi: one width unit
# The widest a width unit is drawn by the programs that print the form: Excel/WPS with
# 宋体 10 pt draw it 7 px, LibreOffice with 宋体 mapped to Noto Serif CJK SC about 7.7 px
# (measured: the demo form's sheet fits the page at 78.9 % there, at 86 % in Excel).
WIDEST_DIGIT_PIXELS = 7.75
PAGE_SAFETY = 0.98  # fill a page only this far: programs round row heights a little


@dataclass(frozen=True)
class PrintScale:
    """How the form's sheet is printed: points of rows per page, and the fixed scale (in
    percent) that replaces the template's "fit to one page wide", if it asked for that."""

    capacity: float | None
    fixed_scale: int | None = None


def page_capacity(ws, sheet: _Sheet, area_cols: tuple[int, int]) -> PrintScale:
    """How many points of rows fit on one printed page (None when the program scales to a
    number of pages tall: then it ignores manual breaks).

    A template that fits the sheet to one page wide (and any number tall) gets a fixed
    scale instead: each program computes its fit-to-width scale from its own measure of
    the column widths (Excel 86 %, LibreOffice 79 % for the demo form), so manual page
    breaks placed for one program leave pages part-empty, or overflow, in another. At a
    fixed scale, small enough for the widest measure, the rows (whose heights are set in
    points) fill the same height of paper in every program; the sheet is centred."""
    setup = ws.page_setup
    width, height = PAPER_POINTS.get(int(setup.paperSize or 9), PAPER_POINTS[9])
    if setup.orientation == "landscape":
        width, height = height, width
    margins = ws.page_margins
    printable_width = width - (margins.left + margins.right) * 72
    printable_height = height - (margins.top + margins.bottom) * 72
    fixed = None
    if ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage:
        if int(setup.fitToHeight if setup.fitToHeight is not None else 1) != 0:  # OOXML default: 1
            return PrintScale(None)
        pages_wide = int(setup.fitToWidth if setup.fitToWidth is not None else 1) or 1
        sheet_width = sum(sheet.width(c, c) * WIDEST_DIGIT_PIXELS
                          for c in range(area_cols[0], area_cols[1] + 1)) * 0.75
        fixed = max(10, min(100, math.floor(100 * printable_width * pages_wide / sheet_width)))
        scale = fixed / 100
    else:
        scale = int(setup.scale or 100) / 100
    return PrintScale(printable_height / scale * PAGE_SAFETY, fixed)


def fix_scale(root, percent: int) -> None:
    """Set the sheet XML's page setup to a fixed scale, no fit-to-page (see page_capacity)."""
    ns = etree.QName(root).namespace
    sheet_pr = root.find(f"{{{ns}}}sheetPr")
    fit = sheet_pr.find(f"{{{ns}}}pageSetUpPr") if sheet_pr is not None else None
    if fit is not None:
        fit.attrib.pop("fitToPage", None)
        if not fit.attrib:
            sheet_pr.remove(fit)
    setup = root.find(f"{{{ns}}}pageSetup")
    setup.attrib.pop("fitToWidth", None)
    setup.attrib.pop("fitToHeight", None)
    setup.set("scale", str(percent))
    options = root.find(f"{{{ns}}}printOptions")
    if options is None:
        options = etree.Element(f"{{{ns}}}printOptions")
        root.find(f"{{{ns}}}pageMargins").addprevious(options)
    options.set("horizontalCentered", "1")


def page_breaks(heights: list[float], keep: list[tuple[int, int]], capacity: float,
                titles: tuple[int, int] | None) -> list[int]:
    """Rows after which a page ends: as many rows on a page as fit, never inside a
    range to keep together (when the range fits on a page), never right after the
    print-title rows."""
    ranges = [(a, b) for a, b in keep if sum(heights[a - 1:b]) <= capacity * 0.6]
    if titles:
        ranges.append((titles[0], min(titles[1] + 1, len(heights))))
    # Units: maximal runs of rows joined by overlapping ranges.
    unit_end = list(range(1, len(heights) + 1))
    for a, b in ranges:
        for r in range(a, b + 1):
            unit_end[r - 1] = max(unit_end[r - 1], b)
    units, r = [], 1
    while r <= len(heights):
        end = unit_end[r - 1]
        k = r
        while k <= end:
            end = max(end, unit_end[k - 1])
            k += 1
        units.append((r, end))
        r = end + 1
    title_height = sum(heights[titles[0] - 1:titles[1]]) if titles else 0.0
    breaks: list[int] = []
    used, empty = 0.0, True

    def new_page(first_row: int) -> None:
        nonlocal used, empty
        breaks.append(first_row - 1)
        used = title_height if titles and first_row > titles[1] else 0.0
        empty = True

    for first, last in units:
        unit = sum(heights[first - 1:last])
        if not empty and used + unit > capacity:
            new_page(first)
        if used + unit <= capacity:
            used, empty = used + unit, False
            continue
        for r in range(first, last + 1):  # a unit taller than a page: row by row
            if not empty and used + heights[r - 1] > capacity:
                new_page(r)
            used, empty = used + heights[r - 1], False
    return breaks
