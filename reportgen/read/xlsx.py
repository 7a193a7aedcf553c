"""Read a department's Excel input workbook into a RawInput of the TOML contract's shape.

Sheets and columns are matched by their header text (column order is free, extra
columns and sheets are ignored). Every value keeps the cell it came from, so a message
can say ``广州市应急管理局.xlsx 指标评分!F12``. Blank cells are left out of the data
(as an absent TOML key), so validation reports them as missing where they are required.

Every cell of a merged range below the header row reads as the range's top-left cell
(a clerk who copies the form's look merges 一级指标 A2:A4); its location is still the
cell itself. A merge over a number cell (分值, 得分, a budget figure…) is refused: each
row would silently count the same number again. Formulas are read as their saved results; a formula without one (written
by openpyxl and some other tools, never by Excel or WPS) is an error, not a blank.
"""

from __future__ import annotations

import difflib
import re
import warnings
from decimal import Decimal
from pathlib import Path
from typing import Any

from reportgen.contract import Contract, ItemsSheet, KeyedRowsSheet, RowSheet, TableSheet
from reportgen.errors import InputError
from reportgen.findings import Finding, error, warning
from reportgen.model import KeyPath, RawInput
from reportgen.read.package import UNCALCULATED, uncalculated_formulas

NUMBER_KINDS = ("number", "any_number", "integer")  # Column.kind of a number column
MAX_DIGITS = 15  # Excel keeps 15 significant digits; more is binary noise


def float_to_decimal(value: float) -> Decimal:
    """19.54 -> Decimal('19.54') (the shortest repr, never the binary expansion);
    0.1 + 0.2 -> Decimal('0.3') (rounded to Excel's 15 significant digits)."""
    number = Decimal(repr(value))
    if number.is_finite() and len(number.as_tuple().digits) > MAX_DIGITS:
        number = Decimal(format(value, f".{MAX_DIGITS}g"))
    return number


def cell_value(cell) -> Any:
    """A cell's value for the data: None when blank, Decimal for non-integer numbers.
    A number formatted as a percentage (89.51%) is given in percent (89.51)."""
    value = cell.value
    if value is None:
        return None
    if isinstance(value, str):
        if not value.strip():
            return None
        return value.replace("\r\n", "\n").replace("\r", "\n")
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        value = float_to_decimal(value)
        if value == value.to_integral_value() and "%" not in (cell.number_format or ""):
            value = int(value) if abs(value) < 10 ** MAX_DIGITS else value
    if isinstance(value, (int, Decimal)) and "%" in (cell.number_format or ""):
        percent = Decimal(value) * 100
        return int(percent) if percent == percent.to_integral_value() else percent.normalize()
    return value


_FORMAT_UNIT = re.compile(r'"\s*(亿元|万元|千元|元)\s*"|\\(元)')  # 0.00"万元", #,##0.00\元


def format_unit(number_format: str | None) -> str | None:
    """The money unit a cell's number format shows after the number (#,##0.00"元" -> 元):
    the clerk sees 1,205,000.00元 and means 元, whatever the form's unit."""
    match = _FORMAT_UNIT.search(number_format or "")
    return (match.group(1) or match.group(2)) if match else None


class XlsxLocator:
    """Names the cell of a key path, e.g. ('indicators', 3, 'score') -> '… 指标评分!F5'."""

    def __init__(self, name: str):
        self.name = name
        self.places: dict[KeyPath, str] = {}
        self.columns: dict[tuple[str, str], str] = {}

    def __call__(self, path: KeyPath) -> str:
        for cut in range(len(path), 0, -1):
            place = self.places.get(tuple(path[:cut]))
            if place:
                return f"{self.name} {place}"
        return self.name

    def column(self, table: str, key: str) -> str:
        """A whole column of an array, e.g. ('indicators', 'weight') -> '… 指标评分!D2:D27'."""
        place = self.columns.get((table, key))
        return f"{self.name} {place}" if place else self((table,))


class _Reader:
    def __init__(self, path: Path, workbook, contract: Contract):
        self.path = path
        self.contract = contract
        self.workbook = workbook
        self.locate = XlsxLocator(path.name)
        self.findings: list[Finding] = []
        self.data: dict[str, Any] = {}
        self.sheets = {"".join(str(name).split()): name for name in workbook.sheetnames}
        self._merged: dict[str, dict[tuple[int, int], tuple[int, int]]] = {}
        self._uncalculated: dict[str, set[str]] | None = None  # read when first needed
        self._reported: set[tuple[str, str]] = set()
        self._ranges: dict[str, dict[tuple[int, int], str]] = {}

    # -- cells ---------------------------------------------------------------------------
    def merged(self, sheet) -> dict[tuple[int, int], tuple[int, int]]:
        """(row, column) -> (row, column) of the top-left cell, for each cell of a merged
        range below the header row."""
        found = self._merged.get(sheet.title)
        if found is None:
            found = {}
            for merge in sheet.merged_cells.ranges:
                if merge.min_row < 2:
                    continue
                top_left = (merge.min_row, merge.min_col)
                for row in range(merge.min_row, merge.max_row + 1):
                    for column in range(merge.min_col, merge.max_col + 1):
                        found[(row, column)] = top_left
            self._merged[sheet.title] = found
        return found

    def merged_number(self, sheet, cell, label: str) -> bool:
        """Whether a number cell lies in a merged range (reported once per range): a merged
        得分 would count its top-left value once for every row it covers."""
        ranges = self._ranges.get(sheet.title)
        if ranges is None:
            ranges = self._ranges[sheet.title] = {}
            for merge in sheet.merged_cells.ranges:
                if merge.min_row < 2 or merge.size["rows"] * merge.size["columns"] < 2:
                    continue
                for row in range(merge.min_row, merge.max_row + 1):
                    for column in range(merge.min_col, merge.max_col + 1):
                        ranges[(row, column)] = merge.coord
        merge = ranges.get((cell.row, cell.column))
        if merge is None:
            return False
        if (sheet.title, merge) not in self._reported:
            self._reported.add((sheet.title, merge))
            self.findings.append(error(
                f"{self.path.name} {sheet.title}!{merge}",
                f"数字单元格「{label}」不能合并：合并后每一行都会读到同一个数，"
                f"计算结果会出错。请取消合并 {merge}，在每一行分别填写{label}。"))
        return True

    def uncalculated(self, sheet, cell) -> bool:
        """Whether a cell that reads as blank holds a formula without a saved result. The
        package is looked at only when a blank cell is first asked about."""
        if cell.value is not None:
            return False
        if self._uncalculated is None:
            self._uncalculated = uncalculated_formulas(self.path)
        return cell.coordinate in self._uncalculated.get(sheet.title, ())

    def value(self, sheet, cell) -> Any:
        """A cell's value for the data (see cell_value): in a merged range, the value of its
        top-left cell. A formula without a saved result is reported (once) and reads as None."""
        origin = self.merged(sheet).get((cell.row, cell.column))
        if origin is not None and origin != (cell.row, cell.column):
            cell = sheet.cell(row=origin[0], column=origin[1])
        value = cell_value(cell)
        if value is None and self.uncalculated(sheet, cell):
            if (sheet.title, cell.coordinate) not in self._reported:
                self._reported.add((sheet.title, cell.coordinate))
                self.findings.append(error(f"{self.path.name} {sheet.title}!{cell.coordinate}", UNCALCULATED))
        return value

    # -- structure -----------------------------------------------------------------------
    def sheet(self, title: str, *, required: bool = True):
        if title in self.sheets:
            return self.workbook[self.sheets[title]]
        if required:
            near = difflib.get_close_matches(title, list(self.sheets), n=1, cutoff=0.3)
            hint = f"（是不是「{near[0]}」？请把工作表改名为「{title}」）" if near else ""
            self.findings.append(error(
                self.path.name,
                f"缺少工作表「{title}」{hint}。输入工作簿应有工作表："
                f"{'、'.join(self.contract.sheet_titles(True))}"
                + (f"（可选：{'、'.join(optional)}）" if (optional := self.contract.sheet_titles(False)) else "")
                + "。",
            ))
        return None

    def headers(self, sheet, wanted: list[tuple[str, bool]]) -> dict[str, int] | None:
        """{header: column index} of the wanted headers found in row 1; a missing required
        header is an error (None is returned)."""
        found: dict[str, int] = {}
        present: list[str] = []
        for cell in next(sheet.iter_rows(min_row=1, max_row=1), ()):
            text = self.contract.normalize_header(cell.value)
            if not text:
                continue
            present.append(text)
            if text in found:
                self.findings.append(warning(
                    f"{self.path.name} {sheet.title}!{cell.coordinate}",
                    f"列「{text}」出现了不止一次，只读取第一列，这一列被忽略。",
                ))
                continue
            found[text] = cell.column
        ok = True
        for header, required in wanted:
            if required and header not in found:
                ok = False
                spare = [p for p in present if p not in dict(wanted)]
                near = difflib.get_close_matches(header, spare, n=1, cutoff=0.4)
                hint = f"（是不是把「{near[0]}」写错了？）" if near else ""
                self.findings.append(error(
                    f"{self.path.name} {sheet.title} 第1行（表头）",
                    f"工作表「{sheet.title}」缺少列「{header}」{hint}。请在第1行加上这一列的标题"
                    f"「{header}」（列的顺序不限）。",
                ))
        return found if ok else None

    def place(self, sheet, row: int, column: int) -> str:
        return f"{sheet.title}!{sheet.cell(row=row, column=column).coordinate}"

    def rows(self, sheet, columns: dict[str, int], skip: tuple[str, ...] = ()):
        """(row number, {header: cell}) of the non-blank data rows, top to bottom.
        A row counts when a wanted cell other than those in skip holds something itself (not
        only by a merged range over it), or a formula without a saved result."""
        for number in range(2, sheet.max_row + 1):
            cells = {h: sheet.cell(row=number, column=c) for h, c in columns.items()}
            own = [cell for h, cell in cells.items() if h not in skip]
            if any(cell_value(cell) is not None for cell in own) or \
                    any(self.uncalculated(sheet, cell) for cell in own):
                yield number, cells

    # -- sheets --------------------------------------------------------------------------
    def items(self, spec: ItemsSheet) -> None:
        """项目 | 内容: one row per item."""
        sheet = self.sheet(spec.title)
        if sheet is None:
            return
        columns = self.headers(sheet, [(spec.item_header, True), (spec.value_header, True)])
        if columns is None:
            return
        item_col, value_col = columns[spec.item_header], columns[spec.value_header]
        for path in spec.rows.values():
            self.locate.places[path] = f"{sheet.title}（缺少「{self.contract.label_of(path)}」这一行）"
        if spec.table:
            self.locate.places[(spec.table,)] = sheet.title
        seen: set[str] = set()
        for number, cells in self.rows(sheet, columns):
            item = "".join(str(cells[spec.item_header].value or "").split())
            place = self.place(sheet, number, value_col)
            if item in spec.rows:
                if item in seen:
                    self.findings.append(error(
                        f"{self.path.name} {self.place(sheet, number, item_col)}",
                        f"「{item}」填了不止一行，请只保留一行。"))
                    continue
                seen.add(item)
                path = spec.rows[item]
                self.locate.places[path] = place
                if path[-1] in self.contract.numeric.get(path[:-1], ()) and \
                        self.merged_number(sheet, cells[spec.value_header], item):
                    continue
                value = self.value(sheet, cells[spec.value_header])
                if value is not None:
                    node = self.data
                    for part in path[:-1]:
                        node = node.setdefault(part, {})
                    node[path[-1]] = value
                continue
            near = difflib.get_close_matches(item, list(spec.rows), n=1, cutoff=0.4)
            hint = f"是不是「{near[0]}」？" if near else ""
            self.findings.append(warning(
                f"{self.path.name} {self.place(sheet, number, item_col)}",
                f"不认识的项目「{item}」，这一行已忽略。{hint}"
                f"可用的项目：{'、'.join(spec.rows)}。",
            ))
        if spec.table:
            self.data.setdefault(spec.table, {})

    def one_row(self, spec: RowSheet) -> None:
        """One row of values under the headers."""
        sheet = self.sheet(spec.title)
        if sheet is None:
            return
        columns = self.headers(sheet, [(c.header, c.required) for c in spec.columns])
        if columns is None:
            return
        rows = list(self.rows(sheet, columns))
        number = rows[0][0] if rows else 2
        for extra, _ in rows[1:]:
            self.findings.append(warning(
                f"{self.path.name} {sheet.title}!A{extra}",
                f"工作表「{sheet.title}」只读取一行数值（第{number}行），第{extra}行已忽略。"))
        table: dict[str, Any] = {}
        self.locate.places[(spec.key,)] = f"{sheet.title}!A{number}"
        for column in spec.columns:
            if column.header not in columns:
                continue
            col = columns[column.header]
            self.locate.places[(spec.key, column.key)] = self.place(sheet, number, col)
            if column.kind in NUMBER_KINDS and \
                    self.merged_number(sheet, sheet.cell(row=number, column=col), column.header):
                continue
            cell = sheet.cell(row=number, column=col)
            value = self._converted(column, self.value(sheet, cell))
            if value is not None:
                table[column.key] = self._with_unit(spec.key, sheet, cell, value)
        self.data[spec.key] = table

    def keyed_rows(self, spec: KeyedRowsSheet) -> None:
        """Rows named in a label column, each a list of figures."""
        sheet = self.sheet(spec.title, required=spec.required)
        if sheet is None:
            return
        wanted = [(spec.label_header, True)] + [(c.header, c.required) for c in spec.columns]
        columns = self.headers(sheet, wanted)
        if columns is None:
            return
        table: dict[str, Any] = {}
        self.locate.places[(spec.key,)] = sheet.title
        for key in spec.rows.values():
            label = next(label for label, k in spec.rows.items() if k == key)
            self.locate.places[(spec.key, key)] = f"{sheet.title}（缺少「{label}」这一行）"
        label_col = columns[spec.label_header]
        for number, cells in self.rows(sheet, columns):
            label = "".join(str(cells[spec.label_header].value or "").split())
            label = label.removeprefix("其中：").removeprefix("其中:")
            key = spec.rows.get(label)
            if key is None:
                near = difflib.get_close_matches(label, list(spec.rows), n=1, cutoff=0.4)
                hint = f"是不是「{near[0]}」？" if near else ""
                self.findings.append(warning(
                    f"{self.path.name} {self.place(sheet, number, label_col)}",
                    f"不认识的{spec.label_header}「{label}」，这一行已忽略。{hint}"
                    f"可用的{spec.label_header}：{'、'.join(spec.rows)}。"))
                continue
            if key in table:
                self.findings.append(error(
                    f"{self.path.name} {self.place(sheet, number, label_col)}",
                    f"「{label}」填了不止一行，请只保留一行。"))
                continue
            self.locate.places[(spec.key, key)] = f"{sheet.title} 第{number}行"
            values = []
            for position, column in enumerate(spec.columns):
                cell = cells.get(column.header)
                if cell is None:
                    values.append("")
                    continue
                self.locate.places[(spec.key, key, position)] = f"{sheet.title}!{cell.coordinate}"
                value = None if self.merged_number(sheet, cell, column.header) else self.value(sheet, cell)
                values.append("" if value is None else self._with_unit(spec.key, sheet, cell, value))
            if not spec.required and all(v == "" for v in values):
                continue  # an optional sheet's blank row: not filled in
            table[key] = values
        if table or spec.required:
            self.data[spec.key] = table

    def table(self, spec: TableSheet) -> None:
        """An array sheet: one row per element of data[key]."""
        sheet = self.sheet(spec.title, required=spec.required)
        if sheet is None:
            return
        skip = (spec.number_header,) if spec.number_header else ()
        wanted = [(c.header, c.required) for c in spec.columns] + [(h, False) for h in skip]
        columns = self.headers(sheet, wanted)
        if columns is None:
            return
        key = spec.key
        self.locate.places[(key,)] = f"{sheet.title}!A2"
        items: list[dict[str, Any]] = []
        numbers: list[int] = []
        for number, cells in self.rows(sheet, columns, skip=skip):
            index = len(items)
            self.locate.places[(key, index)] = f"{sheet.title} 第{number}行"
            item: dict[str, Any] = {}
            for column in spec.columns:
                if column.header not in columns:
                    continue
                cell = cells[column.header]
                self.locate.places[(key, index, column.key)] = f"{sheet.title}!{cell.coordinate}"
                if column.kind in NUMBER_KINDS and self.merged_number(sheet, cell, column.header):
                    continue
                value = self._converted(column, self.value(sheet, cell))
                if value is not None:
                    item[column.key] = value
            items.append(item)
            numbers.append(number)
        for column in spec.columns:
            if column.header in columns and numbers:
                letter = sheet.cell(row=1, column=columns[column.header]).column_letter
                self.locate.columns[(key, column.key)] = (
                    f"{sheet.title}!{letter}{numbers[0]}:{letter}{numbers[-1]}")
        if items or spec.required:
            self.data[key] = items

    def _with_unit(self, table: str, sheet, cell, value: Any) -> Any:
        """An amount whose number format shows a money unit, as the text the clerk sees
        (1205000 formatted #,##0.00"元" -> "1205000元"), so that it is converted to the
        form's unit like a typed one (reportgen/amounts.py)."""
        if (table,) not in self.contract.amounts or isinstance(value, (str, bool)):
            return value
        origin = self.merged(sheet).get((cell.row, cell.column))
        if origin is not None:
            cell = sheet.cell(row=origin[0], column=origin[1])
        unit = format_unit(cell.number_format)
        if unit is None:
            return value
        return f"{value:f}{unit}" if isinstance(value, Decimal) else f"{value}{unit}"

    @staticmethod
    def _converted(column, value: Any) -> Any:
        if isinstance(value, str):
            if column.kind == "paragraphs":
                return [line for line in value.split("\n") if line.strip()]
            if column.to_data is not None:
                return column.to_data(value)
        return value

    def read(self) -> RawInput:
        readers = {ItemsSheet: self.items, RowSheet: self.one_row, TableSheet: self.table,
                   KeyedRowsSheet: self.keyed_rows}
        for spec in self.contract.sheets:
            readers[type(spec)](spec)
        errors = [f for f in self.findings if f.level == "error"]
        if errors:
            raise InputError(errors)
        ordered = {key: self.data[key] for key in self.contract.top_keys if key in self.data}
        return RawInput(data=ordered, source=self.path, locate=self.locate,
                        findings=self.findings)


def open_workbook(path: Path):
    """Load a workbook (cached values of formulas); a user error if it is not one."""
    import openpyxl

    try:
        with warnings.catch_warnings():  # openpyxl warns about features it drops (WPS, …)
            warnings.simplefilter("ignore")
            return openpyxl.load_workbook(path, data_only=True)
    except Exception:  # zipfile.BadZipFile, InvalidFileException, KeyError, lxml errors …
        hint = ("这是旧版 .xls 格式，请用 Excel 打开后“另存为” Excel 工作簿（.xlsx）。"
                if path.read_bytes()[:4] == b"\xd0\xcf\x11\xe0" else
                "文件已损坏或不是 Excel 工作簿（.xlsx）。请用 Excel 或 WPS 打开确认，"
                "然后“另存为” Excel 工作簿（.xlsx）。")
        raise InputError([error(path.name, f"无法读取工作簿：{hint}")]) from None


def read_xlsx(path: Path, contract: Contract) -> RawInput:
    return _Reader(path, open_workbook(path), contract).read()
