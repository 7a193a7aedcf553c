"""The template model and the values of its tags: the rows and cells of the template
sheet (read_template), the rows of the output (OutRow), a cell's value from its Jinja
tags (_cell_value, _store) and the page header/footer texts (header_footer_text)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any

import jinja2

from reportgen.errors import TemplateError
from reportgen.render.jinja import environment, overlay

DEFAULT_FONT_SIZE = 11.0

_LOOP_START = re.compile(r"\s*{%-?\s*tr\s+for\s+(\w+)\s+in\s+(.+?)\s*-?%}\s*")
_LOOP_END = re.compile(r"\s*{%-?\s*tr\s+endfor\s*-?%}\s*")
_SINGLE_TAG = re.compile(r"\s*{{((?:(?!{{|}}|{%|%}).)*)}}\s*", re.S)
# What openpyxl removes from cell text (openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE), and the
# characters XML 1.0 forbids that it lets through (lxml refused to write them).
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
_NOT_XML = re.compile("[\ufffe\uffff]")


# TemplateError (reportgen.errors): a tag of the Excel template cannot be rendered.


@dataclass
class TemplateCell:
    column: int
    last_column: int  # the same column, or the last one of its horizontal merge
    source: Any  # the cell's value in the template (text with tags, a constant, None)
    xf: int  # the cell's style: its index in the template's cellXfs (xl/styles.xml)
    coordinate: str
    font_size: float = DEFAULT_FONT_SIZE
    wrap: bool = False
    vertical: str | None = None  # "top", "center", …

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


def jinja_environment() -> jinja2.Environment:
    """Plain text output (no escaping) and strict (a mistyped tag fails loudly)."""
    return environment()


def _header_footer_value(value: Any) -> str:
    """A value in a page header/footer, where & starts a code (&P page, &"font"…)."""
    return str(value).replace("&", "&&")


@lru_cache(maxsize=1)
def header_footer_environment() -> jinja2.Environment:
    """As jinja_environment, with every value written escaped for the header/footer codes."""
    return overlay(finalize=_header_footer_value)


@lru_cache(maxsize=64)
def _compiled_header_footer(source: str):
    return header_footer_environment().from_string(source)


def header_footer_text(source: str, context: dict[str, Any], where: str) -> str:
    """A page header/footer string of the template, rendered."""
    try:
        text = _compiled_header_footer(source).render(context)
    except jinja2.TemplateError as exc:
        raise TemplateError(f"Excel 模板中{where}的标记无法生成：{exc}。"
                            f"请检查变量名和 {{{{ }}}}、{{% %}} 是否成对。") from None
    return _NOT_XML.sub("", ILLEGAL_CHARACTERS_RE.sub("", text))


def has_tags(text: Any) -> bool:
    return isinstance(text, str) and any(mark in text for mark in ("{{", "{%", "{#"))


# A tag that only names a value (``{{ row.level1 }}``): looked up directly, with Jinja's own
# attribute rule (Environment.getattr), which is what the compiled expression would do.
_PATH = re.compile(r"\s*([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\s*")
_JINJA_WORDS = frozenset("and or not in is if else true false none True False None".split())
_MISSING = object()


@lru_cache(maxsize=512)
def _compiled(source: str):
    """(kind, the text Jinja compiles, the names of a plain dotted path or None). Compiled
    only when the path cannot be looked up directly (_compile): a cell showing a plain
    value never pays for compiling it (a process's first form compiled ~50 tags)."""
    single = _SINGLE_TAG.fullmatch(source)
    if single:
        path = _PATH.fullmatch(single.group(1))
        names = tuple(path.group(1).split(".")) if path else None
        if names and names[0] in _JINJA_WORDS:
            names = None
        return "expression", single.group(1), names
    return "template", source, None


@lru_cache(maxsize=512)
def _compile(kind: str, text: str):
    env = jinja_environment()
    return env.compile_expression(text, undefined_to_none=False) if kind == "expression" else env.from_string(text)


def _lookup(names: tuple[str, ...], context: dict[str, Any]) -> Any:
    """The value of a dotted path, or _MISSING when Jinja should say what is wrong."""
    value = context.get(names[0], _MISSING)
    if value is _MISSING:
        return _MISSING
    getattr_ = jinja_environment().getattr
    for name in names[1:]:
        value = getattr_(value, name)
        if isinstance(value, jinja2.Undefined):
            return _MISSING
    return value


def _cell_value(source: Any, context: dict[str, Any], where: str) -> Any:
    if not isinstance(source, str) or ("{{" not in source and "{%" not in source):
        return source
    try:
        kind, text, path = _compiled(source)
        if path is not None and (value := _lookup(path, context)) is not _MISSING:
            return value
        compiled = _compile(kind, text)
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


def read_template(ws, xf_ids: dict[tuple[int, int], int] | None = None,
                  ) -> tuple[list[TemplateRow], list[tuple[int, int, int, int]]]:
    """The template sheet's rows (real cells only) and merges (min_row, min_col, max_row, max_col),
    from an openpyxl worksheet; xf_ids: (row, column) -> the cell's s attribute in the sheet XML."""
    from openpyxl.cell.cell import MergedCell
    from openpyxl.utils import range_boundaries

    xf_ids = xf_ids or {}
    fonts, alignments = ws.parent._fonts, ws.parent._alignments
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
            style = cell._style
            alignment = alignments[style.alignmentId]
            row.cells.append(TemplateCell(c, horizontal_end.get((r, c), c), cell.value,
                                          xf_ids.get((r, c), 0), cell.coordinate,
                                          float(fonts[style.fontId].sz or DEFAULT_FONT_SIZE),
                                          bool(alignment.wrap_text), alignment.vertical))
        rows.append(row)
    return rows, merges
