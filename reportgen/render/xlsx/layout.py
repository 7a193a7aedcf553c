"""The layout of the output sheet: the row loops expanded into rows (_expand), rows too
tall for Excel split into several (_split_tall_rows), the merges of the output
(_output_merges) and the row heights with the rows to keep on one page (_row_heights),
all measured against the sheet's column widths (_Sheet)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from reportgen.errors import TemplateError
from reportgen.render.xlsx.measure import CELL_PADDING, LINE_FACTOR, _text_height, split_text
from reportgen.render.xlsx.template import DEFAULT_FONT_SIZE, OutRow, TemplateCell, TemplateRow, _cell_value
from reportgen.rendering import ROWS, Rendering

MAX_ROW_HEIGHT = 409.0  # Excel's limit, in points
DEFAULT_COLUMN_WIDTH = 8.43
SHORT_LABEL_LINES = 3  # top-aligned merged text up to this many lines stays in its first row


@dataclass
class _Sheet:
    """Measurements of the output sheet: its column widths, set when the template is
    prepared (then fixed: the width of each span of columns is added up once)."""

    widths: dict[int, float]
    spans: dict[tuple[int, int], float] = field(default_factory=dict, repr=False, compare=False)

    def width(self, first: int, last: int) -> float:
        width = self.spans.get((first, last))
        if width is None:
            width = self.spans[first, last] = sum(self.widths.get(c, DEFAULT_COLUMN_WIDTH)
                                                  for c in range(first, last + 1))
        return width

    def line_height(self, cell: TemplateCell) -> float:
        return cell.font_size * LINE_FACTOR

    def needed(self, cell: TemplateCell, value: Any, first: int, last: int) -> float:
        if value is None:
            return 0.0
        text = value if isinstance(value, str) else str(value)
        return _text_height(text, self.width(first, last), cell.font_size, cell.wrap)


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


def _merged_field_columns(rows: list[TemplateRow], loop_row: int, name: str,
                          rendering: Rendering) -> dict[str, TemplateCell]:
    """In the body of the loop over `rows` that starts at loop_row: merged field -> cell."""
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
                    if name_field in rendering.merged_fields:
                        columns.setdefault(name_field, cell)
    return columns


def _output_merges(out: list[OutRow], placed: dict[int, list[int]], template_rows: list[TemplateRow],
                   template_merges, rendering: Rendering) -> list[tuple[int, int, int, int]]:
    merges: set[tuple[int, int, int, int]] = set()
    # Vertical merges of the loop over `rows` (一级/二级/三级指标), by loop item.
    spanned: set[tuple[int, int]] = set()  # (loop row, column) merged by spans
    item_rows: dict[tuple[int, int], list[int]] = {}
    for number, row in enumerate(out, start=1):
        if row.loop is not None:
            item_rows.setdefault((row.loop, row.item), []).append(number)
    for loop_row in {r.index for r in template_rows if r.loop_start and r.loop_start[1].strip() == ROWS}:
        name = next(r.loop_start[0] for r in template_rows if r.index == loop_row)
        for field_name, cell in _merged_field_columns(template_rows, loop_row, name, rendering).items():
            spanned.add((loop_row, cell.column))
            for span in rendering.merges(field_name):
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
                top = cell.vertical == "top"
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
