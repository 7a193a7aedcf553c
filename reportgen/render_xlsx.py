"""Render the form as .xlsx from the Excel template (templates/自评表.xlsx).

The template is the single source of styles: fonts, borders, fills, number formats,
column widths, page setup and wording all come from its cells. This module only
puts values in, repeats the prototype rows of the row loops, merges, and sizes rows.

Template language (the same context as the .docx template, see reportgen.context):

- a cell holding exactly one tag (``{{ budget.total }}``) receives the value itself:
  a number stays a number and prints with the cell's number format;
- any other cell text with tags is rendered by Jinja2 as text;
- a row holding a cell ``{%tr for NAME in EXPR %}`` starts a row loop and a row holding
  ``{%tr endfor %}`` ends it: the rows between are drawn once per item (with their
  styles and horizontal merges), the two marker rows are dropped;
- in a loop over ``rows``, the cells showing the fields of context.MERGED_FIELDS are
  merged over the rows of one 一级/二级/三级指标, as in the .docx;
- a template merge that spans a loop is stretched over all rows drawn for it.

Excel and LibreOffice do not fit row heights to wrapped text in merged cells, so the
heights are estimated here from the text, the font size and the column widths. A row
that would need more than 409 pt is split into several rows (at paragraph, then
sentence boundaries); its other cells are merged over them.
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
from collections.abc import Callable
from copy import copy
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, MergedCell
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.pagebreak import Break

from reportgen.compute import Evaluation
from reportgen.context import MERGED_FIELDS, build_context, indicator_rows
from reportgen.formats import FILTERS

MAX_ROW_HEIGHT = 409.0  # Excel's limit, in points
LINE_FACTOR = 1.45  # line height / font size: 宋体 in Excel ~1.35, Noto CJK (LibreOffice) ~1.44
CELL_PADDING = 4.0  # points above and below the text of a cell
CELL_MARGIN_UNITS = 1.0  # width units taken by a cell's left and right margins
DEFAULT_COLUMN_WIDTH = 8.43
DEFAULT_FONT_SIZE = 11.0
SHORT_LABEL_LINES = 3  # top-aligned merged text up to this many lines stays in its first row

_LOOP_START = re.compile(r"\s*{%-?\s*tr\s+for\s+(\w+)\s+in\s+(.+?)\s*-?%}\s*")
_LOOP_END = re.compile(r"\s*{%-?\s*tr\s+endfor\s*-?%}\s*")
_SINGLE_TAG = re.compile(r"\s*{{((?:(?!{{|}}|{%|%}).)*)}}\s*", re.S)
_FORMULA_START = ("=", "+", "-", "@")
# Characters that may not begin a line (Chinese line breaking pushes them, with the
# character before, to the next line).
_NO_LINE_START = set("，。、；：？！）》」』】〕”’…%,.;:?!)]}")
_SENTENCE = re.compile(r"[^。！？；!?;]*[。！？；!?;]*")


class TemplateError(ValueError):
    """The Excel template has a tag that cannot be rendered (the message is Chinese)."""


# ---------------------------------------------------------------- text measurement

def char_units(char: str) -> int:
    """Width of a character in Excel width units at 10 pt: CJK and full-width
    punctuation 2, ASCII 1."""
    if unicodedata.east_asian_width(char) in ("W", "F", "A") or unicodedata.category(char) == "So":
        return 2
    return 1


def text_units(text: str) -> int:
    return sum(char_units(c) for c in text)


def _tokens(paragraph: str) -> list[str]:
    """Line-breaking units: runs of ASCII letters/digits/punctuation stay together (Excel
    breaks Latin text at spaces), every other character stands alone."""
    return re.findall(r"[!-~]+|.", paragraph)


def _paragraph_lines(paragraph: str, available: float, scale: float) -> int:
    lines, used, previous = 1, 0.0, 0.0
    for token in _tokens(paragraph):
        width = text_units(token) * scale
        if used + width <= available:
            used, previous = used + width, width
            continue
        if token == " ":  # a space at the end of a line is swallowed
            continue
        if width > available:  # a word longer than a line breaks anywhere
            for char in token:
                w = char_units(char) * scale
                if used + w > available:
                    lines, used = lines + 1, 0.0
                used += w
            previous = char_units(token[-1]) * scale
            continue
        lines += 1
        if token[0] in _NO_LINE_START and used > 0:
            used = previous + width  # the character before moves down with it
        else:
            used = width
        previous = width
    return lines


def count_lines(text: str, width_units: float, font_size: float = 10.0) -> int:
    """Lines that a wrapped text needs in a cell width_units wide (Excel units, about
    the width of one '0'), counting explicit line breaks."""
    available = max(width_units - CELL_MARGIN_UNITS, 1.0)
    scale = font_size / 10.0
    return sum(_paragraph_lines(p, available, scale) for p in text.split("\n"))


def text_height(text: str, width_units: float, font_size: float = 10.0, wrap: bool = True) -> float:
    """Points of row height that a cell's text needs."""
    lines = count_lines(text, width_units, font_size) if wrap else 1
    return lines * font_size * LINE_FACTOR + CELL_PADDING


def split_text(text: str, fits: Callable[[str], bool]) -> list[str]:
    """Split text into consecutive pieces that each fit: at line breaks, then at sentence
    ends, then between characters."""

    def greedy(parts: list[str], joiner: str, finer: Callable[[str], list[str]]) -> list[str]:
        out: list[str] = []
        current: str | None = None
        for part in parts:
            candidate = part if current is None else current + joiner + part
            if fits(candidate):
                current = candidate
                continue
            if current is not None:
                out.append(current)
                current = None
            if fits(part):
                current = part
            else:
                pieces = finer(part)
                out.extend(pieces[:-1])
                current = pieces[-1]
        if current is not None:
            out.append(current)
        return out

    def by_char(sentence: str) -> list[str]:
        return greedy(list(sentence), "", lambda c: [c])

    def by_sentence(paragraph: str) -> list[str]:
        return greedy([s for s in _SENTENCE.findall(paragraph) if s] or [paragraph], "", by_char)

    return greedy(text.split("\n"), "\n", by_sentence)


# ---------------------------------------------------------------- template model

@dataclass
class TemplateCell:
    column: int
    last_column: int  # the same column, or the last one of its horizontal merge
    source: Any  # the cell's value in the template (text with tags, a constant, None)
    style: Any  # openpyxl StyleArray
    coordinate: str

    def fields(self, name: str) -> set[str]:
        """Which attributes of loop variable `name` this cell shows."""
        if not isinstance(self.source, str):
            return set()
        return set(re.findall(rf"\b{name}\.(\w+)", self.source))


@dataclass
class TemplateRow:
    index: int
    height: float | None
    cells: list[TemplateCell]
    loop_start: tuple[str, str] | None = None  # (variable, expression)
    loop_end: bool = False


@dataclass
class OutRow:
    """One row of the output: which template row it copies and with which context."""

    template: TemplateRow
    context: dict[str, Any]
    loop: int | None = None  # index of the template row that started its loop
    item: int | None = None  # index of the loop item
    values: dict[int, Any] = field(default_factory=dict)  # column -> value
    piece_group: int | None = None  # rows split from one row share a group
    split_column: int | None = None  # the column whose text was split


@lru_cache(maxsize=1)
def jinja_environment() -> jinja2.Environment:
    """Plain text output (no escaping) and strict (a mistyped tag fails loudly)."""
    env = jinja2.Environment(autoescape=False, undefined=jinja2.StrictUndefined)
    env.filters.update(FILTERS)
    return env


@lru_cache(maxsize=512)
def _compiled(source: str):
    env = jinja_environment()
    single = _SINGLE_TAG.fullmatch(source)
    if single:
        return "expression", env.compile_expression(single.group(1), undefined_to_none=False)
    return "template", env.from_string(source)


def _cell_value(source: Any, context: dict[str, Any], where: str) -> Any:
    if not isinstance(source, str) or ("{{" not in source and "{%" not in source):
        return source
    try:
        kind, compiled = _compiled(source)
        if kind == "expression":
            value = compiled(**context)
            if isinstance(value, jinja2.Undefined):
                str(value)  # StrictUndefined raises here
            return value
        return compiled.render(context).rstrip()
    except jinja2.TemplateError as exc:
        raise TemplateError(f"Excel 模板单元格 {where} 的标记无法生成：{exc}。"
                            f"请检查变量名和 {{{{ }}}}、{{% %}} 是否成对。") from None


def _store(value: Any) -> Any:
    """What a cell stores: numbers as numbers, text as text, nothing for empty text."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (int, float)) or value is None:
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    return text if text.strip() else None


def read_template(ws) -> tuple[list[TemplateRow], list[tuple[int, int, int, int]]]:
    """The template sheet's rows (real cells only) and merges (min_row, min_col, max_row, max_col)."""
    merges = []
    for rng in ws.merged_cells.ranges:
        min_col, min_row, max_col, max_row = range_boundaries(rng.coord)
        merges.append((min_row, min_col, max_row, max_col))
    horizontal_end = {(r1, c1): c2 for r1, c1, _, c2 in merges}
    rows = []
    for r in range(1, ws.max_row + 1):
        dimension = ws.row_dimensions.get(r)
        height = dimension.height if dimension is not None and dimension.customHeight else None
        row = TemplateRow(r, height, [])
        for c in range(1, ws.max_column + 1):
            cell = ws._cells.get((r, c))
            if cell is None or isinstance(cell, MergedCell):
                continue
            text = cell.value if isinstance(cell.value, str) else None
            if text is not None and (match := _LOOP_START.fullmatch(text)):
                row.loop_start = (match.group(1), match.group(2))
                continue
            if text is not None and _LOOP_END.fullmatch(text):
                row.loop_end = True
                continue
            if cell.value is None and not cell.has_style:
                continue
            row.cells.append(TemplateCell(c, horizontal_end.get((r, c), c), cell.value,
                                          copy(cell._style), cell.coordinate))
        rows.append(row)
    return rows, merges


# ---------------------------------------------------------------- the renderer

@dataclass
class _Sheet:
    """Measurements of the output sheet."""

    widths: dict[int, float]
    fonts: Any  # the workbook's fonts and alignments, indexed by a cell's StyleArray
    alignments: Any

    def width(self, first: int, last: int) -> float:
        return sum(self.widths.get(c, DEFAULT_COLUMN_WIDTH) for c in range(first, last + 1))

    def font_size(self, cell: TemplateCell) -> float:
        return float(self.fonts[cell.style.fontId].sz or DEFAULT_FONT_SIZE)

    def line_height(self, cell: TemplateCell) -> float:
        return self.font_size(cell) * LINE_FACTOR

    def needed(self, cell: TemplateCell, value: Any, first: int, last: int) -> float:
        size = self.font_size(cell)
        wrap = bool(self.alignments[cell.style.alignmentId].wrap_text)
        if value is None:
            return 0.0
        text = value if isinstance(value, str) else str(value)
        return text_height(text, self.width(first, last), size, wrap)


def _expand(rows: list[TemplateRow], context: dict[str, Any]) -> list[OutRow]:
    """Static rows once, loop bodies once per item; marker rows dropped."""
    out: list[OutRow] = []
    i = 0
    while i < len(rows):
        row = rows[i]
        if row.loop_end:
            raise TemplateError(f"Excel 模板第 {row.index} 行的 {{%tr endfor %}} 前面没有 {{%tr for … %}}。")
        if row.loop_start is None:
            out.append(OutRow(row, context))
            i += 1
            continue
        end = next((j for j in range(i + 1, len(rows)) if rows[j].loop_end or rows[j].loop_start), None)
        if end is None or rows[end].loop_start:
            raise TemplateError(f"Excel 模板第 {row.index} 行的循环没有以 {{%tr endfor %}} 结束"
                                f"（不支持嵌套循环）。")
        name, expression = row.loop_start
        items = _cell_value("{{ " + expression + " }}", context, f"第 {row.index} 行")
        for number, item in enumerate(items):
            for body in rows[i + 1:end]:
                out.append(OutRow(body, {**context, name: item}, loop=row.index, item=number))
        i = end + 1
    return out


def _split_tall_rows(out: list[OutRow], sheet: _Sheet) -> list[OutRow]:
    """Split a row whose tallest single-row text would exceed 409 pt into several rows."""
    result: list[OutRow] = []
    group = 0
    for row in out:
        tall = [(cell, sheet.needed(cell, row.values.get(cell.column), cell.column, cell.last_column))
                for cell in row.template.cells if isinstance(row.values.get(cell.column), str)]
        tall = [(cell, h) for cell, h in tall if h > MAX_ROW_HEIGHT]
        if len(tall) != 1:
            result.append(row)
            continue
        cell = tall[0][0]
        pieces = split_text(row.values[cell.column], lambda text, cell=cell: sheet.needed(
            cell, text, cell.column, cell.last_column) <= MAX_ROW_HEIGHT)
        group += 1
        for number, piece in enumerate(pieces):
            values = dict(row.values) if number == 0 else {}
            values[cell.column] = piece
            result.append(OutRow(row.template, row.context, row.loop, row.item, values,
                                 piece_group=group, split_column=cell.column))
    return result


def _merged_field_columns(rows: list[TemplateRow], loop_row: int, name: str) -> dict[str, TemplateCell]:
    """In the body of the loop over `rows` that starts at loop_row: field -> cell."""
    columns: dict[str, TemplateCell] = {}
    inside = False
    for row in rows:
        if row.index == loop_row:
            inside = True
            continue
        if inside and row.loop_end:
            break
        if inside:
            for cell in row.cells:
                for name_field in cell.fields(name):
                    if name_field in MERGED_FIELDS:
                        columns.setdefault(name_field, cell)
    return columns


def render_xlsx(evaluation: Evaluation, template: Path) -> bytes:
    wb = load_workbook(template)
    ws = wb.worksheets[0]
    template_rows, template_merges = read_template(ws)
    sheet = _Sheet({}, wb._fonts, wb._alignments)
    for letter, dimension in ws.column_dimensions.items():
        if dimension.width:
            first = dimension.min or _col(letter)
            for column in range(first, (dimension.max or first) + 1):
                sheet.widths[column] = dimension.width
    title_rows = _row_range(ws.print_title_rows)
    area_cols = _area_columns(ws.print_area) or (1, ws.max_column)

    context = build_context(evaluation)
    out = _expand(template_rows, context)
    for row in out:
        for cell in row.template.cells:
            row.values[cell.column] = _store(_cell_value(cell.source, row.context, cell.coordinate))
    out = _split_tall_rows(out, sheet)

    # Where each template row went.
    placed: dict[int, list[int]] = {}
    for number, row in enumerate(out, start=1):
        placed.setdefault(row.template.index, []).append(number)

    # Clear the template sheet (its settings stay), then write the output rows.
    for rng in list(ws.merged_cells.ranges):
        ws.merged_cells.remove(rng)
    ws.delete_rows(1, ws.max_row + 1)
    ws.row_dimensions.clear()
    ws.row_breaks.brk = []
    for number, row in enumerate(out, start=1):
        for cell in row.template.cells:
            target = ws.cell(row=number, column=cell.column)
            target._style = copy(cell.style)
            value = row.values.get(cell.column)
            target.value = value
            if isinstance(value, str):
                target.data_type = "s"  # text stays text, even "=SUM(A1:A2)"
                if value.startswith(_FORMULA_START):
                    target.quotePrefix = True  # and stays text when edited in Excel

    merges = _output_merges(out, placed, template_rows, template_merges, evaluation)
    for r1, c1, r2, c2 in merges:
        _merge(ws, r1, c1, r2, c2)
    heights, keep = _row_heights(out, merges, sheet)
    for number, height in enumerate(heights, start=1):
        ws.row_dimensions[number].height = height

    ws.print_area = f"{get_column_letter(area_cols[0])}1:{get_column_letter(area_cols[1])}{len(out)}"
    titles = None
    if title_rows and title_rows[0] in placed and title_rows[1] in placed:
        titles = (placed[title_rows[0]][0], placed[title_rows[1]][-1])
        ws.print_title_rows = f"{titles[0]}:{titles[1]}"
    capacity = page_capacity(ws, sheet, area_cols)
    if capacity:
        for row_number in page_breaks(heights, keep, capacity, titles):
            ws.row_breaks.append(Break(id=row_number))
    wb.active = 0
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _merge(ws, r1: int, c1: int, r2: int, c2: int) -> None:
    """Merge a range whose every cell gets the top-left cell's style, as Excel stores a
    merged cell with borders (openpyxl's merge_cells rebuilds edge borders one by one,
    which is slow)."""
    style = ws.cell(row=r1, column=c1)._style
    ws.merged_cells.add(MergedCellRange(ws, f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2}"))
    for row in range(r1, r2 + 1):
        for column in range(c1, c2 + 1):
            if (row, column) != (r1, c1):
                cell = MergedCell(ws, row=row, column=column)
                cell._style = copy(style)
                ws._cells[(row, column)] = cell


def _col(letter: str) -> int:
    return range_boundaries(f"{letter}1")[0]


def _row_range(text: str | None) -> tuple[int, int] | None:
    if not text:
        return None
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    return (numbers[0], numbers[-1]) if numbers else None


def _area_columns(area: str | None) -> tuple[int, int] | None:
    if not area:
        return None
    ref = area.split("!")[-1].replace("$", "").split(",")[0]
    min_col, _, max_col, _ = range_boundaries(ref)
    return (min_col, max_col) if min_col and max_col else None


def _output_merges(out: list[OutRow], placed: dict[int, list[int]], template_rows: list[TemplateRow],
                   template_merges, evaluation: Evaluation) -> list[tuple[int, int, int, int]]:
    merges: set[tuple[int, int, int, int]] = set()
    # Vertical merges of the loop over `rows` (一级/二级/三级指标), by loop item.
    spanned: set[tuple[int, int]] = set()  # (loop row, column) merged by spans
    item_rows: dict[tuple[int, int], list[int]] = {}
    for number, row in enumerate(out, start=1):
        if row.loop is not None:
            item_rows.setdefault((row.loop, row.item), []).append(number)
    for loop_row in {r.index for r in template_rows if r.loop_start and r.loop_start[1].strip() == "rows"}:
        name = next(r.loop_start[0] for r in template_rows if r.index == loop_row)
        _, spans = indicator_rows(evaluation)
        for field_name, cell in _merged_field_columns(template_rows, loop_row, name).items():
            spanned.add((loop_row, cell.column))
            for span in spans[MERGED_FIELDS[field_name]]:
                first = item_rows.get((loop_row, span.start))
                last = item_rows.get((loop_row, span.start + span.length - 1))
                if first and last:
                    merges.add((first[0], cell.column, last[-1], cell.last_column))
    # Rows split into pieces: every other cell merged over the pieces.
    groups: dict[int, list[int]] = {}
    for number, row in enumerate(out, start=1):
        if row.piece_group is not None:
            groups.setdefault(row.piece_group, []).append(number)
    over_pieces: set[tuple[int, int]] = set()  # (output row, column) covered by a piece merge
    for numbers in groups.values():
        row = out[numbers[0] - 1]
        for cell in row.template.cells:
            if cell.column == row.split_column or (row.loop, cell.column) in spanned:
                continue
            merges.add((numbers[0], cell.column, numbers[-1], cell.last_column))
            over_pieces.update((n, cell.column) for n in numbers)
    # The template's own merges.
    for r1, c1, r2, c2 in template_merges:
        if r1 == r2:
            for number in placed.get(r1, []):
                loop = out[number - 1].loop
                if (number, c1) in over_pieces or (loop, c1) in spanned:
                    continue
                merges.add((number, c1, number, c2))
            continue
        numbers = [n for r in range(r1, r2 + 1) for n in placed.get(r, [])]
        if numbers:
            merges.add((min(numbers), c1, max(numbers), c2))
    return sorted(m for m in merges if (m[0], m[1]) != (m[2], m[3]))


def _row_heights(out: list[OutRow], merges, sheet: _Sheet) -> tuple[list[float], list[tuple[int, int]]]:
    """Row heights from the text, and the row ranges that should print on one page.

    A single-row cell sets its row's height. A merged cell that needs more than its
    rows add: its deficit goes to the last row (then, past 409 pt, to the rows above);
    when its text is top-aligned and short (a label such as 管理效率), to the first row,
    so that the label never straddles a page break. The rows that a merged text
    occupies (from the top, or all of them for other alignments) are kept together."""
    vertical = {(r1, c1): (r2, c2) for r1, c1, r2, c2 in merges if r2 > r1}
    covered = {(r, c1) for r1, c1, r2, _ in merges if r2 > r1 for r in range(r1 + 1, r2 + 1)}
    horizontal_end = {(r1, c1): c2 for r1, c1, r2, c2 in merges}
    heights: list[float] = []
    tall: list[tuple[int, int, float, bool]] = []  # (first row, last row, needed, top-aligned label)
    for number, row in enumerate(out, start=1):
        height = row.template.height or 0.0
        for cell in row.template.cells:
            value = row.values.get(cell.column)
            if value is None or (number, cell.column) in covered:
                continue
            last_column = horizontal_end.get((number, cell.column), cell.column)
            needed = sheet.needed(cell, value, cell.column, last_column)
            if (number, cell.column) in vertical:
                top = sheet.alignments[cell.style.alignmentId].vertical == "top"
                label = top and needed <= sheet.line_height(cell) * SHORT_LABEL_LINES + CELL_PADDING
                tall.append((number, vertical[(number, cell.column)][0], needed, top, label))
            else:
                height = max(height, needed)
        if height == 0.0:
            height = min((sheet.line_height(c) for c in row.template.cells),
                         default=DEFAULT_FONT_SIZE * LINE_FACTOR) + CELL_PADDING
        heights.append(min(height, MAX_ROW_HEIGHT))
    keep: list[tuple[int, int]] = []
    for first, last, needed, top, label in sorted(tall, key=lambda t: t[1] - t[0]):
        rows = range(first, last + 1) if label else range(last, first - 1, -1)
        deficit = needed - sum(heights[first - 1:last])
        for r in rows:
            if deficit <= 0:
                break
            add = min(deficit, MAX_ROW_HEIGHT - heights[r - 1])
            heights[r - 1] += add
            deficit -= add
        if top:  # keep the rows the text occupies
            end, filled = first, heights[first - 1]
            while filled < needed and end < last:
                end += 1
                filled += heights[end - 1]
            keep.append((first, end))
        else:
            keep.append((first, last))
    return [math.ceil(h * 4) / 4 for h in heights], keep  # Excel keeps quarter points


# Paper sizes (portrait width, height in points) by the OOXML paperSize code.
PAPER_POINTS = {1: (612.0, 792.0), 5: (612.0, 1008.0), 8: (841.9, 1190.6), 9: (595.3, 841.9),
                11: (419.5, 595.3)}
DIGIT_PIXELS = 7  # width of '0' in 宋体 10 pt / Calibri 11 pt at 96 dpi: one width unit
PAGE_SAFETY = 0.97  # fill a page only this far: programs measure a little differently


def page_capacity(ws, sheet: _Sheet, area_cols: tuple[int, int]) -> float | None:
    """How many points of rows fit on one printed page, or None when the program
    scales to a number of pages tall (then it ignores manual breaks)."""
    setup = ws.page_setup
    width, height = PAPER_POINTS.get(int(setup.paperSize or 9), PAPER_POINTS[9])
    if setup.orientation == "landscape":
        width, height = height, width
    margins = ws.page_margins
    printable_width = width - (margins.left + margins.right) * 72
    printable_height = height - (margins.top + margins.bottom) * 72
    if ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage:
        if int(setup.fitToHeight if setup.fitToHeight is not None else 1) != 0:  # OOXML default: 1
            return None
        pages_wide = int(setup.fitToWidth if setup.fitToWidth is not None else 1) or 1
        sheet_width = sum(int(sheet.width(c, c) * DIGIT_PIXELS + 0.5)
                          for c in range(area_cols[0], area_cols[1] + 1)) * 0.75
        scale = min(1.0, math.floor(100 * printable_width * pages_wide / sheet_width) / 100)
    else:
        scale = int(setup.scale or 100) / 100
    return printable_height / scale * PAGE_SAFETY


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
