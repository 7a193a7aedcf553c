"""Write contract-shaped data as an Excel INPUT workbook (for ``convert`` and ``new``).

The workbook is meant for a clerk to fill in: a styled, frozen header row, sensible
column widths, wrapped text, data validation on the number columns and a short hint
on each header (a cell comment). ``read_xlsx`` reads it back to the same data.
"""

from __future__ import annotations

import io
import math
import unicodedata
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import IllegalCharacterError
from openpyxl.worksheet.datavalidation import DataValidation

from reportgen.contract import Column, Contract, ItemsSheet, KeyedRowsSheet, RowSheet, TableSheet

LINE_HEIGHT = 14.5  # points per line of 11 pt text
MAX_ROW_HEIGHT = 409  # Excel's limit
SPARE_ROWS = 200  # validation and wrapping reach this far below the data, for added rows
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_FONT = Font(bold=True)
THIN = Side(style="thin", color="9BC2E6")
HEADER_BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
AUTHOR = "reportgen"

def _cell_value(item: Any) -> Any:
    """What goes into a cell: "" stays blank, paragraphs are joined by line breaks."""
    if isinstance(item, str) and not item.strip():
        return None
    if isinstance(item, list):
        return "\n".join(str(v) for v in item) or None
    return item


def _put(sheet, row: int, column: int, item: Any, *, number_format: str | None = None):
    cell = sheet.cell(row=row, column=column)
    try:
        cell.value = _cell_value(item)
    except IllegalCharacterError:
        raise ValueError(f"{sheet.title}!{cell.coordinate} 的文字含有 Excel 不支持的控制字符，"
                         f"请先在原文件中删除。") from None
    if isinstance(cell.value, str) and cell.value.startswith("="):
        cell.data_type = "s"  # text that looks like a formula stays text
    if isinstance(item, (int, Decimal)) and not isinstance(item, bool) and number_format:
        cell.number_format = number_format
    return cell


def _header(sheet, column: int, text: str, hint: str, width: float) -> None:
    cell = sheet.cell(row=1, column=column, value=text)
    cell.font, cell.fill, cell.border, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_BORDER, CENTER
    if hint:
        comment = Comment(hint, AUTHOR)
        comment.width, comment.height = 260, 90
        cell.comment = comment
    sheet.column_dimensions[get_column_letter(column)].width = width


def _text_width(text: str) -> int:
    """Display width in Excel's column units: a CJK character is about two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _row_height(sheet, row: int, columns: int) -> float:
    """Excel and LibreOffice do not grow rows to fit wrapped text on opening a file that
    was written by a program: estimate the height from the longest cell."""
    lines = 1
    for column in range(1, columns + 1):
        value = sheet.cell(row=row, column=column).value
        if value is None:
            continue
        width = max((sheet.column_dimensions[get_column_letter(column)].width or 10) - 1, 4)
        count = sum(max(1, math.ceil(_text_width(part) / width)) for part in str(value).split("\n"))
        lines = max(lines, count)
    return min(MAX_ROW_HEIGHT, LINE_HEIGHT * lines + 4)


def _finish(sheet, last_row: int, columns: int) -> None:
    sheet.freeze_panes = "A2"
    sheet.row_dimensions[1].height = 24
    for row in range(2, last_row + 1):
        for column in range(1, columns + 1):
            sheet.cell(row=row, column=column).alignment = WRAP
        sheet.row_dimensions[row].height = _row_height(sheet, row, columns)


def _validation(sheet, kind: str, column: int, first: int, last: int, spec: Column | None = None) -> None:
    letter = get_column_letter(column)
    if spec is not None and spec.choices:
        rule = DataValidation(type="list", formula1='"' + ",".join(spec.choices) + '"', allow_blank=True)
        rule.error = spec.choice_error or "请从下拉列表中选择。"
    elif kind == "number":
        rule = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0",
                              allow_blank=True)
        rule.error = "请填写不小于 0 的数字（不要写汉字或单位）。"
    elif kind == "any_number":
        rule = DataValidation(type="decimal", operator="between", formula1="-1E+15",
                              formula2="1E+15", allow_blank=True)
        rule.error = "请填写数字（不要写汉字或单位）。"
    elif kind == "integer":
        rule = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="1",
                              allow_blank=True)
        rule.error = "请填写整数。"
    elif kind == "count":
        rule = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0",
                              allow_blank=True)
        rule.error = "请填写不小于 0 的整数。"
    elif kind == "year":
        rule = DataValidation(type="whole", operator="between", formula1="2000", formula2="2100",
                              allow_blank=True)
        rule.error = "请填写四位数年份，如 2022。"
    else:
        return
    rule.errorTitle = "输入有误"
    rule.showErrorMessage = True
    rule.add(f"{letter}{first}:{letter}{last}")
    sheet.add_data_validation(rule)


def _items_sheet(sheet, spec: ItemsSheet, data: dict[str, Any]) -> None:
    sheet.title = spec.title
    _header(sheet, 1, spec.item_header, "本列的项目名称不要改动。", 16)
    _header(sheet, 2, spec.value_header, "在本列填写各项内容。", 90)
    for row, (item, path) in enumerate(spec.rows.items(), start=2):
        node: Any = data
        for part in path:
            node = node.get(part) if isinstance(node, dict) else None
        label = sheet.cell(row=row, column=1, value=item)
        label.font = HEADER_FONT
        if item in spec.hints:
            label.comment = Comment(spec.hints[item], AUTHOR)
        _put(sheet, row, 2, node)
        if item in spec.kinds:
            _validation(sheet, spec.kinds[item], 2, row, row)
    _finish(sheet, 1 + len(spec.rows), 2)
    for row in range(2, 2 + len(spec.rows)):
        sheet.cell(row=row, column=2).alignment = Alignment(wrap_text=True, vertical="top",
                                                            horizontal="left")


def _table_sheet(sheet, spec: TableSheet, data: dict[str, Any]) -> None:
    items = _items(data, spec.key)
    offset = 1 if spec.number_header else 0
    if spec.number_header:
        _header(sheet, 1, spec.number_header, spec.number_hint, 6)
    for index, column in enumerate(spec.columns, start=1 + offset):
        _header(sheet, index, column.header, column.hint, column.width)
    for row, item in enumerate(items, start=2):
        if spec.number_header:
            sheet.cell(row=row, column=1, value=row - 1).alignment = CENTER
        for index, column in enumerate(spec.columns, start=1 + offset):
            value = item.get(column.key)
            if column.to_cell is not None and isinstance(value, str):
                value = column.to_cell(value)
            _put(sheet, row, index, value, number_format=spec.formats.get(column.key))
    last = len(items) + 1
    _finish(sheet, last, len(spec.columns) + offset)
    for index, column in enumerate(spec.columns, start=1 + offset):
        _validation(sheet, column.kind, index, 2, last + SPARE_ROWS, column)


def _row_sheet(sheet, spec: RowSheet, data: dict[str, Any]) -> None:
    table = data.get(spec.key) if isinstance(data.get(spec.key), dict) else {}
    for index, column in enumerate(spec.columns, start=1):
        _header(sheet, index, column.header, column.hint, column.width)
        _put(sheet, 2, index, table.get(column.key), number_format=spec.number_format)
        _validation(sheet, column.kind, index, 2, 2, column)
    sheet.freeze_panes = "A2"
    sheet.row_dimensions[1].height = 24
    if any(column.kind in ("text", "paragraphs") for column in spec.columns):
        _finish(sheet, 2, len(spec.columns))


def _keyed_rows_sheet(sheet, spec: KeyedRowsSheet, data: dict[str, Any]) -> None:
    table = data.get(spec.key) if isinstance(data.get(spec.key), dict) else {}
    _header(sheet, 1, spec.label_header, "本列的类别名称不要改动。", 18)
    for index, column in enumerate(spec.columns, start=2):
        _header(sheet, index, column.header, column.hint, column.width)
    row = 1
    written: set[str] = set()
    for label, key in spec.rows.items():
        if key in written or (key in spec.optional_rows and key not in table):
            continue  # a row read under another label too (其中：本年财政拨款) is written once
        written.add(key)
        row += 1
        sheet.cell(row=row, column=1, value=label).font = HEADER_FONT
        values = table.get(key) if isinstance(table.get(key), list) else []
        for index, column in enumerate(spec.columns, start=2):
            value = values[index - 2] if index - 2 < len(values) else None
            _put(sheet, row, index, value, number_format=spec.number_format)
            _validation(sheet, column.kind, index, row, row, column)
    sheet.freeze_panes = "B2"
    sheet.row_dimensions[1].height = 24


def _items(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    items = data.get(key)
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


_WRITERS = {ItemsSheet: _items_sheet, TableSheet: _table_sheet, RowSheet: _row_sheet,
            KeyedRowsSheet: _keyed_rows_sheet}


def workbook_bytes(data: dict[str, Any], contract: Contract) -> bytes:
    """The input workbook for a form's data (contract shape, as read_toml gives)."""
    workbook = Workbook()
    for number, spec in enumerate(contract.sheets):
        sheet = workbook.active if number == 0 else workbook.create_sheet(spec.title)
        sheet.title = spec.title
        _WRITERS[type(spec)](sheet, spec, data)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
