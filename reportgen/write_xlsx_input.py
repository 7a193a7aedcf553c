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

from reportgen import schema
from reportgen.rules import RULE_LABELS

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

BASIC_HINTS = {
    "年度": "四位数年份，如 2022；须与所在文件夹 data/<年度>/ 一致。",
    "部门名称": "部门全称，如 广州市应急管理局。",
    "单位数": "整数，至少为 1。",
    "未能完成原因": "整体绩效目标未能完成的原因；全部完成时填“无”。可在单元格内换行（Alt+Enter）。",
}


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


def _validation(sheet, kind: str, column: int, first: int, last: int) -> None:
    letter = get_column_letter(column)
    if kind == "number":
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
    elif kind == "year":
        rule = DataValidation(type="whole", operator="between", formula1="2000", formula2="2100",
                              allow_blank=True)
        rule.error = "请填写四位数年份，如 2022。"
    elif kind == "rule":
        rule = DataValidation(type="list", formula1='"' + ",".join(RULE_LABELS.values()) + '"',
                              allow_blank=True)
        rule.error = "请从下拉列表中选择计分规则，或留空。"
    elif kind == "direction":
        rule = DataValidation(type="list", formula1='"≥,≤,>=,<="', allow_blank=True)
        rule.error = "请选择 ≥（越大越好）或 ≤（越小越好）。"
    else:
        return
    rule.errorTitle = "输入有误"
    rule.showErrorMessage = True
    rule.add(f"{letter}{first}:{letter}{last}")
    sheet.add_data_validation(rule)


def _basic(workbook, data: dict[str, Any]) -> None:
    sheet = workbook.active
    sheet.title = schema.SHEET_BASIC
    _header(sheet, 1, schema.BASIC_ITEM, "本列的项目名称不要改动。", 16)
    _header(sheet, 2, schema.BASIC_VALUE, "在本列填写各项内容。", 90)
    for row, (item, path) in enumerate(schema.BASIC_ROWS.items(), start=2):
        node: Any = data
        for part in path:
            node = node.get(part) if isinstance(node, dict) else None
        label = sheet.cell(row=row, column=1, value=item)
        label.font = HEADER_FONT
        label.comment = Comment(BASIC_HINTS[item], AUTHOR)
        _put(sheet, row, 2, node)
        if item == "年度":
            _validation(sheet, "year", 2, row, row)
        elif item == "单位数":
            _validation(sheet, "integer", 2, row, row)
    _finish(sheet, 1 + len(schema.BASIC_ROWS), 2)
    for row in range(2, 2 + len(schema.BASIC_ROWS)):
        sheet.cell(row=row, column=2).alignment = Alignment(wrap_text=True, vertical="top",
                                                            horizontal="left")


def _array(workbook, title: str, items: list[dict[str, Any]], spec, *,
           number_column: bool = False, formats: dict[str, str] | None = None) -> None:
    sheet = workbook.create_sheet(title)
    offset = 1 if number_column else 0
    if number_column:
        _header(sheet, 1, schema.GOAL_NUMBER, "目标的序号：1、2、3……", 6)
    for index, column in enumerate(spec, start=1 + offset):
        _header(sheet, index, column.header, column.hint, column.width)
    for row, item in enumerate(items, start=2):
        if number_column:
            sheet.cell(row=row, column=1, value=row - 1).alignment = CENTER
        for index, column in enumerate(spec, start=1 + offset):
            value = item.get(column.key)
            if column.kind == "rule" and isinstance(value, str):
                value = RULE_LABELS.get(value, value)
            _put(sheet, row, index, value, number_format=(formats or {}).get(column.key))
    last = len(items) + 1
    _finish(sheet, last, len(spec) + offset)
    for index, column in enumerate(spec, start=1 + offset):
        kind = "any_number" if title == schema.SHEET_TARGETS and column.kind == "number" else column.kind
        _validation(sheet, kind, index, 2, last + SPARE_ROWS)


def _budget(workbook, data: dict[str, Any]) -> None:
    sheet = workbook.create_sheet(schema.SHEET_BUDGET)
    budget = data.get("budget") if isinstance(data.get("budget"), dict) else {}
    for index, column in enumerate(schema.BUDGET_COLUMNS, start=1):
        _header(sheet, index, column.header, column.hint, column.width)
        _put(sheet, 2, index, budget.get(column.key), number_format="#,##0.00")
        _validation(sheet, "number", index, 2, 2)
    sheet.freeze_panes = "A2"
    sheet.row_dimensions[1].height = 24


def _items(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    items = data.get(key)
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def workbook_bytes(data: dict[str, Any]) -> bytes:
    """The input workbook for a department's data (contract shape, as read_toml gives)."""
    workbook = Workbook()
    _basic(workbook, data)
    _array(workbook, schema.SHEET_GOALS, _items(data, "goals"), schema.GOAL_COLUMNS,
           number_column=True)
    _budget(workbook, data)
    _array(workbook, schema.SHEET_INDICATORS, _items(data, "indicators"), schema.INDICATOR_COLUMNS)
    _array(workbook, schema.SHEET_TARGETS, _items(data, "targets"), schema.TARGET_COLUMNS)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
