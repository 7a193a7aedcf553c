"""Printing: how many points of rows fit on a printed page (page_capacity), and the rows
after which a page ends (page_breaks)."""

from __future__ import annotations

from dataclasses import dataclass

from reportgen.render.xlsx.layout import _Sheet

# Paper sizes (portrait width, height in points) by the OOXML paperSize code.
PAPER_POINTS = {1: (612.0, 792.0), 5: (612.0, 1008.0), 8: (841.9, 1190.6), 9: (595.3, 841.9),
                11: (419.5, 595.3)}
# The narrowest a width unit (the width of '0' in the workbook's default font, 宋体 10 pt)
# is drawn by any program that prints the form, in pixels at 96 dpi: SimSun's digits are
# half an em, 6.67 px (Excel and WPS round it to 7 px; LibreOffice with SimSun may not).
# Substitute fonts only have wider digits (LibreOffice with DejaVu Sans for 宋体: 8.56 px,
# measured). The narrower the unit, the larger the fit-to-width scale a program computes.
NARROWEST_DIGIT_PIXELS = 20 / 3
PAGE_SAFETY = 0.98  # fill a page only this far: programs round row heights a little


@dataclass(frozen=True)
class PrintScale:
    """How the form's sheet is printed: points of rows per page (None: no manual breaks),
    and the largest print scale (1.0 = 100 %) any program uses for it."""

    capacity: float | None
    scale: float = 1.0


def page_capacity(ws, sheet: _Sheet, area_cols: tuple[int, int]) -> PrintScale:
    """How many points of rows fit on one printed page (None when the program scales to a
    number of pages tall: then it ignores manual breaks).

    A template that fits the sheet to one page wide (and any number tall) keeps that: each
    program computes its own scale from its own measure of the column widths (Excel 86 %,
    LibreOffice with DejaVu Sans for 宋体 71 % for the demo form), so the sheet is one page
    wide in every program whatever font it substitutes. The rows' heights are set in
    points and scale with it, so the manual page breaks are placed for the largest scale
    any program computes (the narrowest digit): a page is then full there and never
    overflows where the scale is smaller (it is part-empty instead). A fixed scale, set in
    the template, is used as it is."""
    setup = ws.page_setup
    width, height = PAPER_POINTS.get(int(setup.paperSize or 9), PAPER_POINTS[9])
    if setup.orientation == "landscape":
        width, height = height, width
    margins = ws.page_margins
    printable_width = width - (margins.left + margins.right) * 72
    printable_height = height - (margins.top + margins.bottom) * 72
    if ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage:
        if int(setup.fitToHeight if setup.fitToHeight is not None else 1) != 0:  # OOXML default: 1
            return PrintScale(None)
        pages_wide = int(setup.fitToWidth if setup.fitToWidth is not None else 1) or 1
        sheet_width = sum(sheet.width(c, c) * NARROWEST_DIGIT_PIXELS
                          for c in range(area_cols[0], area_cols[1] + 1)) * 0.75
        scale = max(0.1, min(1.0, printable_width * pages_wide / sheet_width))  # fit-to: 10-100 %
    else:
        scale = int(setup.scale or 100) / 100
    return PrintScale(printable_height / scale * PAGE_SAFETY, scale)


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
