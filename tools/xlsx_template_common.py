"""What the Excel template builders share (tools/build_xlsx_template.py for the department
form, tools/build_project_xlsx_template.py for the project form): the workbook's default
font, the print setup of a form sheet and the writing of its styled cells."""

from __future__ import annotations

from openpyxl.styles import Font
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.properties import PageSetupProperties


def set_default_font(wb, body: Font) -> None:
    """The Normal style's font (宋体 10): Excel and LibreOffice measure column widths in
    digits of this font, so widths mean the same to both (Calibri, openpyxl's default,
    is missing on Linux and LibreOffice's substitute makes columns much wider)."""
    wb._fonts = IndexedList([body])
    normal = next(s for s in wb._named_styles if s.name == "Normal")
    normal.font = body  # found at index 0


def print_setup(ws, *, title_rows: str, area: str, side_margin: float, footer: str, footer_font: str) -> None:
    """A4 landscape, one page wide, the header row(s) on every page, narrow margins, a page
    number in the footer, no grid lines."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = side_margin
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.page_margins.header = ws.page_margins.footer = 0.25
    ws.oddFooter.center.text = footer
    ws.oddFooter.center.font = footer_font
    ws.oddFooter.center.size = 9
    ws.print_title_rows = title_rows
    ws.print_area = area
    ws.sheet_view.showGridLines = False


class Sheet:
    """A form sheet being drawn: styled cells and merged ranges."""

    def __init__(self, ws):
        self.ws = ws

    def put(self, ref: str, value, style: dict, number_format: str | None = None) -> None:
        """Write a cell or a merged range; every cell of the range gets the style
        (so borders show on all edges in every spreadsheet program)."""
        if ":" in ref:
            self.ws.merge_cells(ref)
        for row in self.ws[ref] if ":" in ref else [[self.ws[ref]]]:
            for cell in row:
                for key, val in style.items():
                    setattr(cell, key, val)
                if number_format:
                    cell.number_format = number_format
        self.ws[ref.split(":")[0]].value = value
