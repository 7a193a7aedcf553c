"""Writing one form: the template's package with the form's rows, merges, page breaks,
print ranges and tagged texts filled into the slots of the prepared template (and, when
some text starts like a formula, styles.xml with quote-prefixed copies of its styles)."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from typing import Any

from reportgen.render.cell_refs import column_letter
from reportgen.render.xlsx.package import _escape, _fill, _number
from reportgen.render.xlsx.preparation import OtherCell, PreparedTemplate
from reportgen.render.xlsx.template import _NOT_XML, OutRow
from reportgen.write.package import static_package

_FORMULA_START = ("=", "+", "-", "@")


def _write(form: PreparedTemplate, out: list[OutRow], merges, heights: list[float],
           titles: tuple[int, int] | None, breaks: list[int], texts: dict[str, str],
           others: list[tuple[list[tuple[OtherCell, Any]], dict[str, str]]], when: datetime) -> bytes:
    """The package: the template's parts, with the sheet's rows, merges and page breaks,
    the workbook's print ranges and (when some text starts like a formula) styles; texts:
    the sheet's header/footer slots; others: the values of form.others' cells; stamped
    with when."""
    # (row, column) -> (style, value): every row's template cells, then each merged range
    # filled with its top-left cell's style (as Excel stores a merged cell with borders).
    # A style -1 - xf stands for xf with quotePrefix (the text stays text when edited).
    grid: list[dict[int, tuple[int, Any]]] = [{} for _ in out]
    quoted: set[int] = set()
    for line, row in zip(grid, out, strict=True):
        values = row.values
        for cell in row.template.cells:
            value = values.get(cell.column)
            xf = cell.xf
            if isinstance(value, str):
                if _NOT_XML.search(value):
                    raise ValueError("All strings must be XML compatible: Unicode or ASCII, "
                                     "no NULL bytes or control characters")
                if value.startswith(_FORMULA_START) and xf not in form.quote_prefixed:
                    quoted.add(xf)
                    xf = -1 - xf
            line[cell.column] = (xf, value)
    for values, _ in others:
        for cell, value in values:
            if isinstance(value, str) and _NOT_XML.search(value):
                raise ValueError("All strings must be XML compatible: Unicode or ASCII, "
                                 "no NULL bytes or control characters")
            if isinstance(value, str) and value.startswith(_FORMULA_START) \
                    and cell.xf not in form.quote_prefixed:
                quoted.add(cell.xf)
    for r1, c1, r2, c2 in merges:
        style = grid[r1 - 1].get(c1, (0, None))[0]
        for r in range(r1, r2 + 1):
            line = grid[r - 1]
            for c in range(c1, c2 + 1):
                if r != r1 or c != c1:
                    line[c] = (style, None)
    parts: dict[str, bytes] = {}
    variants: dict[int, int] = {}
    if quoted and form.styles_part:
        order = tuple(sorted(quoted))
        variants = {xf: form.xf_count + i for i, xf in enumerate(order)}
        parts[form.styles_part] = form.styles_with_quote_prefix(order)

    p = form.sheet_prefix
    xml: list[str] = [f"<{p}sheetData>"]
    append = xml.append
    letter = column_letter
    columns: set[int] = set()
    for number, (line, height) in enumerate(zip(grid, heights, strict=True), start=1):
        append(f'<{p}row r="{number}" ht="{_number(height)}" customHeight="1">')
        columns.update(line)
        for column in sorted(line):
            xf, value = line[column]
            if xf < 0:
                xf = variants.get(-1 - xf, -1 - xf)
            style = f' s="{xf}"' if xf else ""
            if value is None:
                if xf:
                    append(f'<{p}c r="{letter(column)}{number}"{style}/>')
            elif isinstance(value, str):
                space = ' xml:space="preserve"' if value[0].isspace() or value[-1].isspace() else ""
                append(f'<{p}c r="{letter(column)}{number}"{style} t="inlineStr"><{p}is><{p}t{space}>'
                       f'{_escape(value)}</{p}t></{p}is></{p}c>')
            else:
                append(f'<{p}c r="{letter(column)}{number}"{style} t="n"><{p}v>{_number(value)}</{p}v></{p}c>')
        append(f"</{p}row>")
    append(f"</{p}sheetData>")
    slots = {"sheetData": "".join(xml), "mergeCells": "", "rowBreaks": "",
             **{name: _escape(text) for name, text in texts.items()}}
    slots["dimension"] = (f'<{p}dimension ref="{letter(min(columns))}1:{letter(max(columns))}{len(out)}"/>'
                          if columns else f'<{p}dimension ref="A1:A1"/>')
    if merges:
        slots["mergeCells"] = (f'<{p}mergeCells count="{len(merges)}">'
                               + "".join(f'<{p}mergeCell ref="{letter(c1)}{r1}:{letter(c2)}{r2}"/>'
                                         for r1, c1, r2, c2 in merges)
                               + f"</{p}mergeCells>")
    if breaks:
        slots["rowBreaks"] = (f'<{p}rowBreaks count="{len(breaks)}" manualBreakCount="{len(breaks)}">'
                              + "".join(f'<{p}brk id="{b}" min="0" max="16383" man="1"/>' for b in breaks)
                              + f"</{p}rowBreaks>")
    parts[form.sheet_part] = _fill(form.sheet_slots, slots)
    for other, (values, other_texts) in zip(form.others, others, strict=True):
        other_slots = {name: _escape(text) for name, text in other_texts.items()}
        for cell, value in values:
            xf = cell.xf
            if isinstance(value, str) and value.startswith(_FORMULA_START):
                xf = variants.get(xf, xf)
            other_slots[cell.slot] = _cell_xml(other.prefix, cell.ref, xf, value)
        parts[other.part] = _fill(other.slots, other_slots)

    # Print titles (rows, then columns) and print area, as openpyxl writes them.
    q, title = form.workbook_prefix, form.quoted_title
    rows_text = f"${titles[0]}:${titles[1]}" if titles else form.title_rows_text
    ranges = [f"{title}!{r}" for r in (rows_text, form.title_cols_text) if r]
    names = []
    if ranges:
        names.append(f'<{q}definedName name="_xlnm.Print_Titles" localSheetId="{form.sheet_index}">'
                     f'{_escape(",".join(ranges))}</{q}definedName>')
    first, last = form.area_cols
    area = f"{title}!${letter(first)}$1:${letter(last)}${len(out)}"
    names.append(f'<{q}definedName name="_xlnm.Print_Area" localSheetId="{form.sheet_index}">'
                 f'{_escape(area)}</{q}definedName>')
    parts[form.workbook_part] = _fill(form.workbook_slots, {"definedNames": "".join(names)})

    if form.styles_part and form.styles_part not in parts:
        parts[form.styles_part] = form.styles_xml
    # The parts copied as they are are compressed once per template and stamp.
    package = static_package(form, when, lambda: _package_parts(form))
    return package.assemble({name: parts[name] for name in form.rendered_parts})


def _package_parts(form: PreparedTemplate) -> list[tuple[str, bytes | None]]:
    """The package's parts in order: those copied as they are (form.static_zip), then the
    rendered ones (None: written per form)."""
    with zipfile.ZipFile(io.BytesIO(form.static_zip)) as archive:
        static = [(name, archive.read(name)) for name in archive.namelist()]
    return static + [(name, None) for name in form.rendered_parts]


def _cell_xml(p: str, ref: str, xf: int, value: Any) -> str:
    """A c element, as the sheet's rows are written (text inline, numbers as numbers)."""
    style = f' s="{xf}"' if xf else ""
    if value is None:
        return f'<{p}c r="{ref}"{style}/>'
    if isinstance(value, str):
        space = ' xml:space="preserve"' if value[0].isspace() or value[-1].isspace() else ""
        return (f'<{p}c r="{ref}"{style} t="inlineStr"><{p}is><{p}t{space}>{_escape(value)}'
                f'</{p}t></{p}is></{p}c>')
    return f'<{p}c r="{ref}"{style} t="n"><{p}v>{_number(value)}</{p}v></{p}c>'
