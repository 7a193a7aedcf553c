"""Render a form as .xlsx from its Excel template (templates/<kind>/自评表.xlsx).

The template is the single source of styles: fonts, borders, fills, number formats,
column widths, page setup and wording all come from its cells. This package only
puts values in, repeats the prototype rows of the row loops, merges, and sizes rows.

Template language (the same context as the .docx template: the kind's Rendering):

- a cell holding exactly one tag (``{{ budget.total }}``) receives the value itself:
  a number stays a number and prints with the cell's number format;
- any other cell text with tags is rendered by Jinja2 as text;
- a row holding a cell ``{%tr for NAME in EXPR %}`` starts a row loop and a row holding
  ``{%tr endfor %}`` ends it: the rows between are drawn once per item (with their
  styles and horizontal merges), the two marker rows are dropped;
- in a loop over ``rows``, the cells showing the fields of the kind's merged fields (Rendering.merged_fields) are
  merged over the rows of one 一级/二级/三级指标, as in the .docx;
- a template merge that spans a loop is stretched over all rows drawn for it;
- the page header and footer (页眉/页脚, all six of them) are rendered as text, each value
  escaped for their codes (``&`` -> ``&&``); in the cells of the other sheets, tags are
  rendered as in the first sheet's cells (no row loops there; formulas are kept).

Excel and LibreOffice do not fit row heights to wrapped text in merged cells, so the
heights are estimated (layout, with measure) from the text, the font size and the column
widths. A row that would need more than 409 pt is split into several rows (at paragraph,
then sentence boundaries); its other cells are merged over them.

The template is prepared once per process (``prepared``): openpyxl reads its cells, merges,
widths and page setup, lxml its package. A form is then laid out from that and written
directly: the sheet's rows (text as inline strings, never formulas; numbers as numbers),
each cell with the style id of its template cell, the merges, the manual page breaks and
the print area and titles go into the template's own sheet and workbook XML; styles,
theme, properties and any other sheets are copied byte for byte (a sheet with tags gets
only its tagged cells and header/footer texts replaced). (Loading and saving the
template with openpyxl for every form took 9/10 of the time.) Text that starts like a
formula (= + - @) gets a copy of its cell style with quotePrefix, added to styles.xml.

The modules, in the order a form goes through them (each imports only those before it):

- ``measure``: how wide a text is and how many lines and points of height it needs;
- ``template``: the template model (rows, cells, row loops) and the Jinja values of cells
  and page header/footer texts;
- ``layout``: the output rows (row loops expanded, tall rows split), their merges and heights;
- ``pages``: the print scale and the manual page breaks;
- ``package``: the OOXML package (parts, relationships, slots in the XML, cell references);
- ``preparation``: the prepared template (``prepare``, ``prepared``);
- ``writer``: one form's package, written from the prepared template.

Names with a leading underscore are private to this package, shared between its modules.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from reportgen.errors import TemplateError
from reportgen.render.xlsx.layout import _expand, _output_merges, _row_heights, _split_tall_rows
from reportgen.render.xlsx.measure import CELL_MARGIN_UNITS, count_lines, split_text, text_height, text_units
from reportgen.render.xlsx.package import header_footer_texts
from reportgen.render.xlsx.pages import page_breaks
from reportgen.render.xlsx.preparation import prepared
from reportgen.render.xlsx.template import _cell_value, _store, has_tags, header_footer_text
from reportgen.render.xlsx.writer import _write
from reportgen.rendering import Rendering
from reportgen.write.package import EPOCH

__all__ = ["CELL_MARGIN_UNITS", "TemplateError", "count_lines", "has_tags", "header_footer_texts", "prepared",
           "render_xlsx", "split_text", "text_height", "text_units"]


def render_xlsx(rendering: Rendering, template: Path, when: datetime = EPOCH) -> bytes:
    """The form as the bytes of an .xlsx package, stamped with when (entry times and the
    core properties' dates; write.files.build_timestamp)."""
    form = prepared(template)
    context = rendering.context
    out = _expand(form.rows, context)
    for row in out:
        for cell in row.template.cells:
            row.values[cell.column] = _store(_cell_value(cell.source, row.context, cell.coordinate))
    out = _split_tall_rows(out, form.sheet)

    # Where each template row went.
    placed: dict[int, list[int]] = {}
    for number, row in enumerate(out, start=1):
        placed.setdefault(row.template.index, []).append(number)

    merges = _output_merges(out, placed, form.rows, form.merges, rendering)
    heights, keep = _row_heights(out, merges, form.sheet)
    titles = None
    if form.title_rows and form.title_rows[0] in placed and form.title_rows[1] in placed:
        titles = (placed[form.title_rows[0]][0], placed[form.title_rows[1]][-1])
    breaks = page_breaks(heights, keep, form.capacity, titles) if form.capacity else []
    texts = {name: header_footer_text(source, context, where)
             for name, (where, source) in form.sheet_texts.items()}
    others = [([(cell, _store(_cell_value(cell.source, context, cell.where))) for cell in other.cells],
               {name: header_footer_text(source, context, where) for name, (where, source) in other.texts.items()})
              for other in form.others]
    return _write(form, out, merges, heights, titles, breaks, texts, others, when)
