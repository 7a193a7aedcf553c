"""The shape of a kind's input contract: its TOML tables and keys with their Chinese
labels, and how the Excel input workbook's sheets and columns map onto them.

A kind declares one ``Contract`` (reportgen/forms/<kind>/contract.py); the readers, the
writers (convert, new) and the shape checks read it, so a key or a column is added in
one place.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

Table = tuple[str, ...]  # () top level, ("budget",) a table, ("indicators", "*") an array's items


@dataclass(frozen=True)
class Column:
    header: str  # the text in row 1
    key: str  # the TOML key it fills
    required: bool = True  # a workbook without this column is refused
    width: float = 12  # for workbooks we write
    hint: str = ""  # cell comment on the header of workbooks we write
    kind: str = "text"  # "text", "number", "any_number", "integer", "rule", "direction", "paragraphs"
    to_data: Callable[[str], Any] | None = None  # a cell's text as the data holds it (e.g. a rule's key)
    to_cell: Callable[[Any], Any] | None = None  # and back, for workbooks we write
    choices: tuple[str, ...] = ()  # a drop-down list in workbooks we write
    choice_error: str = ""  # what the drop-down says to a wrong entry


@dataclass(frozen=True)
class ItemsSheet:
    """项目 | 内容: one row per item, each filling one key path."""

    title: str
    rows: Mapping[str, tuple[str, ...]]  # item text -> key path
    item_header: str = "项目"
    value_header: str = "内容"
    hints: Mapping[str, str] = field(default_factory=dict)  # item -> comment
    kinds: Mapping[str, str] = field(default_factory=dict)  # item -> validation kind
    table: str = ""  # the table the items fill (always present in the data, even empty)


@dataclass(frozen=True)
class RowSheet:
    """One row of values under the headers, filling one table."""

    title: str
    key: str
    columns: tuple[Column, ...]
    number_format: str | None = None


@dataclass(frozen=True)
class TableSheet:
    """One row per element of an array of tables, top to bottom."""

    title: str
    key: str
    columns: tuple[Column, ...]
    required: bool = True
    number_header: str | None = None  # a 序号 column (written, ignored when read)
    number_hint: str = ""
    formats: Mapping[str, str] = field(default_factory=dict)  # key -> number format


@dataclass(frozen=True)
class KeyedRowsSheet:
    """Rows named in a label column, each filling a list of figures:
    资金类别 | 年初预算数 | 全年预算数 | 全年执行数 -> funds.current = [a, b, c]."""

    title: str
    key: str
    label_header: str
    rows: Mapping[str, str]  # row label -> key in the table
    columns: tuple[Column, ...]  # the list positions, in order
    optional_rows: tuple[str, ...] = ()  # keys that may be absent
    number_format: str | None = None
    required: bool = True  # optional: a missing sheet, or blank rows, leave the table out


@dataclass(frozen=True)
class Money:
    """The unit of a form's amounts (reportgen/amounts.py converts amounts typed in another)."""

    default: str  # 万元
    places: Mapping[str, int]  # each unit the form may be kept in -> most decimals of an amount
    key: str | None = None  # the top-level key naming the unit (money_unit); None: always default


Sheet = ItemsSheet | RowSheet | TableSheet | KeyedRowsSheet


@dataclass(frozen=True)
class Contract:
    top_keys: tuple[str, ...]  # in the order they are written
    tables: Mapping[Table, tuple[str, ...]]  # keys of each table
    labels: Mapping[Table, Mapping[str, str]]  # Chinese label of each key
    numeric: Mapping[Table, tuple[str, ...]]  # keys whose value is a number ("" = not filled in)
    sheets: tuple[Sheet, ...]  # the input workbook, in order
    amounts: tuple[Table, ...] = ()  # tables of amounts, written with 2 decimals (226 -> 226.00)
    header_aliases: Mapping[str, str] = field(default_factory=dict)  # other header texts accepted
    money: Money | None = None  # the unit of the amounts' tables

    @property
    def arrays(self) -> tuple[str, ...]:
        """Arrays of tables: [[goals]] …"""
        return tuple(t[0] for t in self.tables if len(t) == 2 and t[1] == "*")

    @property
    def single_tables(self) -> tuple[str, ...]:
        """Tables: [department] …"""
        return tuple(t[0] for t in self.tables if len(t) == 1)

    def label_of(self, path: tuple) -> str:
        """('indicators', 3, 'score') -> '得分'."""
        if not path:
            return ""
        return self.labels.get(table_of(path[:-1]), {}).get(str(path[-1]), str(path[-1]))

    def normalize_header(self, text: object) -> str:
        """Header text as compared: no whitespace or line breaks, ASCII parentheses."""
        if text is None:
            return ""
        cleaned = "".join(str(text).split()).replace("（", "(").replace("）", ")")
        return self.header_aliases.get(cleaned, cleaned)

    def sheet_titles(self, required: bool | None = None) -> list[str]:
        return [s.title for s in self.sheets
                if required is None or getattr(s, "required", True) == required]


def table_of(path: tuple) -> Table:
    """('indicators', 3) -> ('indicators', '*'); ('budget',) -> ('budget',)."""
    return tuple("*" if isinstance(part, int) else part for part in path)
