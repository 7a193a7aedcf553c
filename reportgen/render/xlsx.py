"""Render a form as .xlsx from its Excel template (templates/<kind>/自评表.xlsx).

The template is the single source of styles: fonts, borders, fills, number formats,
column widths, page setup and wording all come from its cells. This module only
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
heights are estimated here from the text, the font size and the column widths. A row
that would need more than 409 pt is split into several rows (at paragraph, then
sentence boundaries); its other cells are merged over them.

The template is prepared once per process (``prepared``): openpyxl reads its cells, merges,
widths and page setup, lxml its package. A form is then laid out from that and written
directly: the sheet's rows (text as inline strings, never formulas; numbers as numbers),
each cell with the style id of its template cell, the merges, the manual page breaks and
the print area and titles go into the template's own sheet and workbook XML; styles,
theme, properties and any other sheets are copied byte for byte (a sheet with tags gets
only its tagged cells and header/footer texts replaced). (Loading and saving the
template with openpyxl for every form took 9/10 of the time.) Text that starts like a
formula (= + - @) gets a copy of its cell style with quotePrefix, added to styles.xml.
"""

from __future__ import annotations

import io
import math
import posixpath
import re
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import jinja2
from lxml import etree

from reportgen.errors import TemplateError
from reportgen.file_cache import FileKey, by_file_version
from reportgen.render.jinja import environment, overlay
from reportgen.rendering import ROWS, Rendering

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
# What openpyxl removes from cell text (openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE), and the
# characters XML 1.0 forbids that it lets through (lxml refused to write them).
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
_NOT_XML = re.compile("[\ufffe\uffff]")
# Characters that may not begin a line (Chinese line breaking pushes them, with the
# character before, to the next line).
_NO_LINE_START = set("，。、；：？！）》」』】〕”’…%,.;:?!)]}")
_SENTENCE = re.compile(r"[^。！？；!?;]*[。！？；!?;]*")


# TemplateError (reportgen.errors): a tag of the Excel template cannot be rendered.


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


# A form measures each text several times (splitting, merges, heights) and every form
# measures the same labels: measure each (text, width, size) once.
_text_height = lru_cache(maxsize=4096)(text_height)


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
    """(kind, compiled Jinja, the names of a plain dotted path or None)."""
    env = jinja_environment()
    single = _SINGLE_TAG.fullmatch(source)
    if single:
        compiled = env.compile_expression(single.group(1), undefined_to_none=False)
        path = _PATH.fullmatch(single.group(1))
        names = tuple(path.group(1).split(".")) if path else None
        if names and names[0] in _JINJA_WORDS:
            names = None
        return "expression", compiled, names
    return "template", env.from_string(source), None


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
        kind, compiled, path = _compiled(source)
        if path is not None and (value := _lookup(path, context)) is not _MISSING:
            return value
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


# ---------------------------------------------------------------- the layout

@dataclass
class _Sheet:
    """Measurements of the output sheet."""

    widths: dict[int, float]

    def width(self, first: int, last: int) -> float:
        return sum(self.widths.get(c, DEFAULT_COLUMN_WIDTH) for c in range(first, last + 1))

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


# ---------------------------------------------------------------- the prepared template

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_REL_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
# Parts that would describe the template's cells, not the form's: the calculation chain
# (its formulas became text), cell comments and their drawing, hyperlinks. openpyxl's
# renderer dropped them with the template's cells.
_DROPPED_FROM_WORKBOOK = {_REL_TYPE + "calcChain"}
_COMMENT_TYPES = {_REL_TYPE + "comments",
                  "http://schemas.microsoft.com/office/2017/10/relationships/threadedComment"}
# CT_Worksheet's children, in schema order, that come after mergeCells / rowBreaks.
_AFTER_MERGE_CELLS = ("phoneticPr conditionalFormatting dataValidations hyperlinks printOptions pageMargins "
                      "pageSetup headerFooter rowBreaks colBreaks customProperties cellWatches ignoredErrors "
                      "smartTags drawing legacyDrawing legacyDrawingHF drawingHF picture oleObjects controls "
                      "webPublishItems tableParts extLst").split()
_AFTER_ROW_BREAKS = _AFTER_MERGE_CELLS[_AFTER_MERGE_CELLS.index("colBreaks"):]
# CT_Workbook's children that come after definedNames.
_AFTER_DEFINED_NAMES = ("calcPr oleSize customWorkbookViews pivotCaches smartTagPr smartTagTypes "
                        "webPublishing fileRecoveryPr webPublishObjects extLst").split()
_SLOT = re.compile(r"<!--reportgen:(\w+)-->")


def _local(node) -> str | None:
    return etree.QName(node).localname if isinstance(node.tag, str) else None


def _insert_slot(parent, name: str, existing, after: list[str]) -> None:
    """Put the marker <!--reportgen:name--> where `existing` is, or where such an element
    belongs by the schema order (before the first sibling named in `after`)."""
    slot = etree.Comment(f"reportgen:{name}")
    if existing is not None:
        parent.replace(existing, slot)
        return
    following = next((child for child in parent if _local(child) in after), None)
    if following is not None:
        following.addprevious(slot)
    else:
        parent.append(slot)


def _serialize(tree, declared: bool) -> bytes:
    """An XML part in UTF-8, with an XML declaration (and its standalone) if it had one."""
    xml = etree.tostring(tree.getroot(), encoding="UTF-8", xml_declaration=False)
    if not declared:
        return xml
    standalone = {True: ' standalone="yes"', False: ' standalone="no"'}.get(tree.docinfo.standalone, "")
    return f'<?xml version="1.0" encoding="UTF-8"{standalone}?>\r\n'.encode() + xml


def _slots(tree, declared: bool) -> list[str]:
    """A part's XML split at its <!--reportgen:NAME--> markers: fixed text, slot name, …"""
    return _SLOT.split(_serialize(tree, declared).decode("utf-8"))


def _part_name(source: str, target: str) -> str:
    """The zip entry a relationship of part `source` points to."""
    if target.startswith("/"):
        return target[1:]
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def _rels_name(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def _column_number(letters: str) -> int:
    number = 0
    for char in letters.upper():
        number = number * 26 + ord(char) - 64
    return number


@cache
def _column_letter(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _escape(text: str) -> str:
    """Element text as lxml writes it (a carriage return kept as a character reference)."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\r", "&#13;"))


def _number(value: int | float) -> str:
    """A number as openpyxl writes it (openpyxl.compat.safe_string)."""
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return ""
    return f"{value:.16g}"


class _Package:
    """The template's zip entries, and edits to them before the form is written."""

    def __init__(self, data: bytes):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            self.parts = {info.filename: archive.read(info) for info in archive.infolist()}

    def tree(self, name: str):
        parser = etree.XMLParser(resolve_entities=False)
        return etree.ElementTree(etree.fromstring(self.parts[name], parser))

    def declared(self, name: str) -> bool:
        """Whether a part starts with an XML declaration."""
        return self.parts[name].lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<?xml")

    def save(self, name: str, tree) -> None:
        self.parts[name] = _serialize(tree, self.declared(name))

    def relationships(self, part: str) -> list:
        rels = _rels_name(part)
        if rels not in self.parts:
            return []
        return list(self.tree(rels).getroot().iter(f"{{{_REL_NS}}}Relationship"))

    def drop_relationships(self, part: str, keep: Callable[[Any], bool]) -> set[str]:
        """Remove the relationships of `part` that `keep` refuses, and the parts they point
        to (with their own relationships and content types). Returns the removed ids."""
        rels = _rels_name(part)
        if rels not in self.parts:
            return set()
        tree = self.tree(rels)
        removed: set[str] = set()
        for rel in list(tree.getroot()):
            if _local(rel) != "Relationship" or keep(rel):
                continue
            tree.getroot().remove(rel)
            removed.add(rel.get("Id"))
            if rel.get("TargetMode") != "External":
                target = _part_name(part, rel.get("Target", ""))
                for name in (target, _rels_name(target)):
                    self.parts.pop(name, None)
                self._drop_content_type(target)
        if removed and len(tree.getroot()):
            self.save(rels, tree)
        elif removed:
            del self.parts[rels]
        return removed

    def _drop_content_type(self, part: str) -> None:
        tree = self.tree("[Content_Types].xml")
        for override in list(tree.getroot().iter(f"{{{_CT_NS}}}Override")):
            if override.get("PartName", "").lstrip("/") == part:
                tree.getroot().remove(override)
        self.save("[Content_Types].xml", tree)


@dataclass
class PreparedTemplate:
    """Everything a form needs from the template, read once per process."""

    rows: list[TemplateRow]
    merges: list[tuple[int, int, int, int]]
    sheet: _Sheet
    title_rows: tuple[int, int] | None
    title_rows_text: str | None  # the template's print-title rows, as openpyxl shows them
    title_cols_text: str | None
    area_cols: tuple[int, int]
    capacity: float | None  # points of rows per printed page, see page_capacity
    quoted_title: str  # the sheet's name, quoted for a formula
    sheet_index: int  # localSheetId of the sheet's defined names
    static_zip: bytes  # a zip of the parts that every form copies as they are
    rendered_parts: list[str]  # the other parts, written per form
    sheet_part: str
    sheet_slots: list[str]  # the sheet XML: fixed text and slot names, alternating
    sheet_prefix: str  # the prefix of the spreadsheetml namespace there ("" or "x:")
    sheet_texts: dict[str, tuple[str, str]]  # header/footer slot -> (where, template text)
    others: list[OtherSheet]  # the other sheets with tags
    workbook_part: str
    workbook_slots: list[str]
    workbook_prefix: str
    styles_part: str | None
    styles_xml: bytes | None
    xf_count: int  # cellXfs in styles.xml
    quote_prefixed: frozenset[int]  # cellXfs that already keep "=…" as text
    _styles_with: dict[tuple[int, ...], bytes] = field(default_factory=dict)

    def styles_with_quote_prefix(self, xfs: tuple[int, ...]) -> bytes:
        """styles.xml with a copy of each cellXfs entry in xfs, quotePrefix set, appended
        (numbered xf_count, xf_count + 1, … in that order)."""
        if xfs not in self._styles_with:
            payload = self.styles_xml
            tree = etree.ElementTree(etree.fromstring(payload, etree.XMLParser(resolve_entities=False)))
            cell_xfs = tree.getroot().find(f"{{{_MAIN_NS}}}cellXfs")
            entries = cell_xfs.findall(f"{{{_MAIN_NS}}}xf")
            for xf in xfs:
                entry = etree.fromstring(etree.tostring(entries[xf]))
                entry.set("quotePrefix", "1")
                cell_xfs.append(entry)
            cell_xfs.set("count", str(len(entries) + len(xfs)))
            if len(self._styles_with) > 32:
                self._styles_with.clear()
            self._styles_with[xfs] = _serialize(tree, payload.lstrip().startswith(b"<?xml"))
        return self._styles_with[xfs]


def _sheet_cells(sheet_data):
    """((row, column), c element) of each cell of a sheetData element (rows and cells
    without r follow the previous one, as in openpyxl's reader)."""
    row_number = 0
    for row in sheet_data:
        if _local(row) != "row":
            continue
        row_number = int(row.get("r")) if row.get("r") else row_number + 1
        column = 0
        for cell in row:
            if _local(cell) != "c":
                continue
            ref = cell.get("r")
            column = _column_number(re.sub(r"\d", "", ref)) if ref else column + 1
            yield (row_number, column), cell


def _xf_ids(sheet_data) -> dict[tuple[int, int], int]:
    """(row, column) -> the s attribute of each cell of a sheetData element."""
    return {place: int(cell.get("s") or 0) for place, cell in _sheet_cells(sheet_data)}


# The page header/footer texts of a sheet (CT_HeaderFooter's elements), as the guide names them.
HEADER_FOOTER = {"oddHeader": "页眉", "oddFooter": "页脚", "evenHeader": "偶数页页眉",
                 "evenFooter": "偶数页页脚", "firstHeader": "首页页眉", "firstFooter": "首页页脚"}


def _header_footer_elements(root):
    """(label, element) of the header/footer texts of a sheet's XML root."""
    ns = etree.QName(root).namespace
    for header_footer in root.iterchildren(f"{{{ns}}}headerFooter"):
        for element in header_footer:
            if _local(element) in HEADER_FOOTER:
                yield HEADER_FOOTER[_local(element)], element


def _header_footer_slots(root, title: str) -> dict[str, tuple[str, str]]:
    """Put a slot for the text of each header/footer with tags; slot -> (where, text)."""
    slots: dict[str, tuple[str, str]] = {}
    for label, element in _header_footer_elements(root):
        text = element.text or ""
        if has_tags(text):
            name = f"headerFooter{len(slots)}"
            slots[name] = (f"工作表「{title}」{label}", text)
            element.text = None
            for child in list(element):
                element.remove(child)
            element.append(etree.Comment(f"reportgen:{name}"))
    return slots


@dataclass
class OtherCell:
    """A tagged cell of a sheet other than the first (rendered like a cell of the first)."""

    slot: str
    ref: str
    xf: int
    source: str
    where: str


@dataclass
class OtherSheet:
    """A sheet other than the first whose cells or header/footer have tags."""

    part: str
    slots: list[str]  # its XML: fixed text and slot names, alternating
    prefix: str  # the prefix of the spreadsheetml namespace there
    cells: list[OtherCell]
    texts: dict[str, tuple[str, str]]  # header/footer slot -> (where, template text)


def _worksheet_parts(package: _Package, workbook_part: str) -> list[tuple[int, str, str]]:
    """(index in <sheets>, name, part) of each worksheet, in the workbook's order."""
    workbook = package.tree(workbook_part).getroot()
    main = etree.QName(workbook).namespace
    targets = {r.get("Id"): (r.get("Type"), _part_name(workbook_part, r.get("Target")))
               for r in package.relationships(workbook_part)}
    sheets = workbook.find(f"{{{main}}}sheets")
    return [(index, s.get("name"), targets[s.get(f"{{{_DOC_REL_NS}}}id")][1]) for index, s in enumerate(sheets)
            if targets.get(s.get(f"{{{_DOC_REL_NS}}}id"), ("",))[0] == _REL_TYPE + "worksheet"]


def _workbook_part(package: _Package) -> str:
    return next(_part_name("", r.get("Target")) for r in package.tree("_rels/.rels").getroot()
                if r.get("Type") == _REL_TYPE + "officeDocument")


def header_footer_texts(template: Path) -> dict[str, list[tuple[str, str]]]:
    """{sheet name: [(label, text) of its header/footer texts]} of a template's worksheets
    (for reportgen.tags.check)."""
    package = _Package(template.read_bytes())
    return {name: [(label, element.text or "") for label, element in
                   _header_footer_elements(package.tree(part).getroot())]
            for _, name, part in _worksheet_parts(package, _workbook_part(package))}


def _other_sheet(package: _Package, part: str, ws) -> OtherSheet | None:
    """The slots of a sheet other than the first, or None when it has no tags."""
    tagged = {(cell.row, cell.column): cell.value for cell in ws._cells.values()
              if cell.data_type != "f" and has_tags(cell.value)}
    tree = package.tree(part)
    root = tree.getroot()
    texts = _header_footer_slots(root, ws.title)
    cells: list[OtherCell] = []
    sheet_data = root.find(f"{{{etree.QName(root).namespace}}}sheetData")
    for (row, column), element in list(_sheet_cells(sheet_data if sheet_data is not None else ())):
        if (row, column) not in tagged:
            continue
        ref = f"{_column_letter(column)}{row}"
        cell = OtherCell(f"cell{len(cells)}", ref, int(element.get("s") or 0), tagged[(row, column)],
                         f"{ws.title}!{ref}")
        element.getparent().replace(element, etree.Comment(f"reportgen:{cell.slot}"))
        cells.append(cell)
    if not cells and not texts:
        return None
    return OtherSheet(part, _slots(tree, package.declared(part)),
                      f"{root.prefix}:" if root.prefix else "", cells, texts)


def prepare(template: Path) -> PreparedTemplate:
    """Read the template once: its rows, merges, measurements and print setup (with
    openpyxl), and its package split into the parts copied as they are and the sheet and
    workbook XML with slots for the form's rows, merges, page breaks and print ranges."""
    from openpyxl import load_workbook

    data = template.read_bytes()
    package = _Package(data)
    wb = load_workbook(io.BytesIO(data))
    ws = wb.worksheets[0]

    # The workbook part, and the sheet openpyxl calls worksheets[0].
    workbook_part = _workbook_part(package)
    workbook = package.tree(workbook_part)
    wb_root = workbook.getroot()
    main = etree.QName(wb_root).namespace
    targets = {r.get("Id"): (r.get("Type"), _part_name(workbook_part, r.get("Target")))
               for r in package.relationships(workbook_part)}
    worksheets = _worksheet_parts(package, workbook_part)
    sheet_index, _, sheet_part = worksheets[0]
    styles_part = next((target for kind, target in targets.values() if kind == _REL_TYPE + "styles"), None)
    package.drop_relationships(workbook_part, lambda r: r.get("Type") not in _DROPPED_FROM_WORKBOOK)

    # The sheet: raw style ids, then its XML with slots.
    sheet_tree = package.tree(sheet_part)
    root = sheet_tree.getroot()
    ns = etree.QName(root).namespace
    sheet_data = root.find(f"{{{ns}}}sheetData")
    xf_ids = _xf_ids(sheet_data)
    rows, merges = read_template(ws, xf_ids)
    has_comments = any(r.get("Type") in _COMMENT_TYPES for r in package.relationships(sheet_part))
    dropped_ids: set[str | None] = set()
    for name in ["hyperlinks"] + (["legacyDrawing"] if has_comments else []):
        for element in root.findall(f"{{{ns}}}{name}"):
            dropped_ids.update(e.get(f"{{{_DOC_REL_NS}}}id") for e in element.iter())
            root.remove(element)
    package.drop_relationships(sheet_part, lambda r: r.get("Type") not in _COMMENT_TYPES
                               and r.get("Id") not in dropped_ids)
    dimension = root.find(f"{{{ns}}}dimension")
    if dimension is not None:
        _insert_slot(root, "dimension", dimension, [])
    _insert_slot(root, "sheetData", sheet_data, [])
    _insert_slot(root, "mergeCells", root.find(f"{{{ns}}}mergeCells"), _AFTER_MERGE_CELLS)
    _insert_slot(root, "rowBreaks", root.find(f"{{{ns}}}rowBreaks"), _AFTER_ROW_BREAKS)
    sheet_texts = _header_footer_slots(root, ws.title)
    # The other sheets with tags in their cells or header/footer.
    others = [other for _, name, part in worksheets[1:] if name in wb.sheetnames
              and (other := _other_sheet(package, part, wb[name])) is not None]

    # The workbook: print ranges of the sheet go to a slot; the sheet is the active one.
    names = wb_root.find(f"{{{main}}}definedNames")
    if names is None:
        names = etree.SubElement(wb_root, f"{{{main}}}definedNames")
        following = next((c for c in wb_root if _local(c) in _AFTER_DEFINED_NAMES), None)
        if following is not None:
            following.addprevious(names)
    for name in list(names):
        if (_local(name) == "definedName" and name.get("localSheetId") == str(sheet_index)
                and name.get("name") in ("_xlnm.Print_Area", "_xlnm.Print_Titles")):
            names.remove(name)
    names.append(etree.Comment("reportgen:definedNames"))
    for view in wb_root.iter(f"{{{main}}}workbookView"):
        if view.get("activeTab") not in (None, str(sheet_index)):
            view.set("activeTab", str(sheet_index))

    # Styles: which cellXfs there are, and which already keep "=…" as text.
    xf_count, quote_prefixed = 0, set()
    if styles_part in package.parts:
        cell_xfs = package.tree(styles_part).getroot().find(f"{{{_MAIN_NS}}}cellXfs")
        entries = cell_xfs.findall(f"{{{_MAIN_NS}}}xf") if cell_xfs is not None else []
        xf_count = len(entries)
        quote_prefixed = {i for i, xf in enumerate(entries) if xf.get("quotePrefix") in ("1", "true")}

    sheet = _Sheet({})
    for letter, dimension in ws.column_dimensions.items():
        if dimension.width:
            first = dimension.min or _col(letter)
            for column in range(first, (dimension.max or first) + 1):
                sheet.widths[column] = dimension.width
    area_cols = _area_columns(ws.print_area) or (1, ws.max_column)
    printing = page_capacity(ws, sheet, area_cols)
    if printing.fixed_scale is not None:
        fix_scale(root, printing.fixed_scale)
    sheet_slots = _slots(sheet_tree, package.declared(sheet_part))
    order = sorted(package.parts, key=lambda n: n != "[Content_Types].xml")  # stable
    rendered = [name for name in order
                if name in (sheet_part, workbook_part, styles_part, *(o.part for o in others))]
    static = io.BytesIO()
    with zipfile.ZipFile(static, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in order:
            if name not in rendered:
                archive.writestr(name, package.parts[name])
    return PreparedTemplate(
        rows=rows, merges=merges, sheet=sheet,
        title_rows=_row_range(ws.print_title_rows), title_rows_text=ws.print_title_rows,
        title_cols_text=ws.print_title_cols, area_cols=area_cols,
        capacity=printing.capacity,
        quoted_title="'" + ws.title.replace("'", "''") + "'", sheet_index=sheet_index,
        static_zip=static.getvalue(), rendered_parts=rendered,
        sheet_part=sheet_part, sheet_slots=sheet_slots,
        sheet_texts=sheet_texts, others=others,
        sheet_prefix=f"{root.prefix}:" if root.prefix else "",
        workbook_part=workbook_part, workbook_slots=_slots(workbook, package.declared(workbook_part)),
        workbook_prefix=f"{wb_root.prefix}:" if wb_root.prefix else "",
        styles_part=styles_part if styles_part in package.parts else None,
        styles_xml=package.parts.get(styles_part),
        xf_count=xf_count, quote_prefixed=frozenset(quote_prefixed),
    )


_PREPARED: dict[FileKey, PreparedTemplate] = {}


def prepared(template: Path) -> PreparedTemplate:
    """The prepared template, cached per process while the file is unchanged."""
    return by_file_version(_PREPARED, template, prepare)


# ---------------------------------------------------------------- the renderer

def render_xlsx(rendering: Rendering, template: Path) -> bytes:
    """The form as the bytes of an .xlsx package."""
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
    return _write(form, out, merges, heights, titles, breaks, texts, others)


def _write(form: PreparedTemplate, out: list[OutRow], merges, heights: list[float],
           titles: tuple[int, int] | None, breaks: list[int], texts: dict[str, str],
           others: list[tuple[list[tuple[OtherCell, Any]], dict[str, str]]]) -> bytes:
    """The package: the template's parts, with the sheet's rows, merges and page breaks,
    the workbook's print ranges and (when some text starts like a formula) styles; texts:
    the sheet's header/footer slots; others: the values of form.others' cells."""
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
    letter = _column_letter
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
    # The parts copied as they are were compressed once, by prepare; the form's are added.
    buffer = io.BytesIO(form.static_zip)
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        for name in form.rendered_parts:
            archive.writestr(name, parts[name])
    return buffer.getvalue()


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


def _fill(slots: list[str], values: dict[str, str]) -> bytes:
    """A part's XML with its slots filled in."""
    return "".join(values[piece] if i % 2 else piece for i, piece in enumerate(slots)).encode("utf-8")


def _col(letter: str) -> int:
    return _column_number(letter)


def _row_range(text: str | None) -> tuple[int, int] | None:
    if not text:
        return None
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    return (numbers[0], numbers[-1]) if numbers else None


def _area_columns(area: str | None) -> tuple[int, int] | None:
    from openpyxl.utils import range_boundaries

    if not area:
        return None
    ref = area.split("!")[-1].replace("$", "").split(",")[0]
    min_col, _, max_col, _ = range_boundaries(ref)
    return (min_col, max_col) if min_col and max_col else None


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


# Paper sizes (portrait width, height in points) by the OOXML paperSize code.
PAPER_POINTS = {1: (612.0, 792.0), 5: (612.0, 1008.0), 8: (841.9, 1190.6), 9: (595.3, 841.9),
                11: (419.5, 595.3)}
DIGIT_PIXELS = 7  # width of '0' in 宋体 10 pt / Calibri 11 pt at 96 dpi: one width unit
# The widest a width unit is drawn by the programs that print the form: Excel/WPS with
# 宋体 10 pt draw it 7 px, LibreOffice with 宋体 mapped to Noto Serif CJK SC about 7.7 px
# (measured: the demo form's sheet fits the page at 78.9 % there, at 86 % in Excel).
WIDEST_DIGIT_PIXELS = 7.75
PAGE_SAFETY = 0.98  # fill a page only this far: programs round row heights a little


@dataclass(frozen=True)
class PrintScale:
    """How the form's sheet is printed: points of rows per page, and the fixed scale (in
    percent) that replaces the template's "fit to one page wide", if it asked for that."""

    capacity: float | None
    fixed_scale: int | None = None


def page_capacity(ws, sheet: _Sheet, area_cols: tuple[int, int]) -> PrintScale:
    """How many points of rows fit on one printed page (None when the program scales to a
    number of pages tall: then it ignores manual breaks).

    A template that fits the sheet to one page wide (and any number tall) gets a fixed
    scale instead: each program computes its fit-to-width scale from its own measure of
    the column widths (Excel 86 %, LibreOffice 79 % for the demo form), so manual page
    breaks placed for one program leave pages part-empty, or overflow, in another. At a
    fixed scale, small enough for the widest measure, the rows (whose heights are set in
    points) fill the same height of paper in every program; the sheet is centred."""
    setup = ws.page_setup
    width, height = PAPER_POINTS.get(int(setup.paperSize or 9), PAPER_POINTS[9])
    if setup.orientation == "landscape":
        width, height = height, width
    margins = ws.page_margins
    printable_width = width - (margins.left + margins.right) * 72
    printable_height = height - (margins.top + margins.bottom) * 72
    fixed = None
    if ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage:
        if int(setup.fitToHeight if setup.fitToHeight is not None else 1) != 0:  # OOXML default: 1
            return PrintScale(None)
        pages_wide = int(setup.fitToWidth if setup.fitToWidth is not None else 1) or 1
        sheet_width = sum(sheet.width(c, c) * WIDEST_DIGIT_PIXELS
                          for c in range(area_cols[0], area_cols[1] + 1)) * 0.75
        fixed = max(10, min(100, math.floor(100 * printable_width * pages_wide / sheet_width)))
        scale = fixed / 100
    else:
        scale = int(setup.scale or 100) / 100
    return PrintScale(printable_height / scale * PAGE_SAFETY, fixed)


def fix_scale(root, percent: int) -> None:
    """Set the sheet XML's page setup to a fixed scale, no fit-to-page (see page_capacity)."""
    ns = etree.QName(root).namespace
    sheet_pr = root.find(f"{{{ns}}}sheetPr")
    fit = sheet_pr.find(f"{{{ns}}}pageSetUpPr") if sheet_pr is not None else None
    if fit is not None:
        fit.attrib.pop("fitToPage", None)
        if not fit.attrib:
            sheet_pr.remove(fit)
    setup = root.find(f"{{{ns}}}pageSetup")
    setup.attrib.pop("fitToWidth", None)
    setup.attrib.pop("fitToHeight", None)
    setup.set("scale", str(percent))
    options = root.find(f"{{{ns}}}printOptions")
    if options is None:
        options = etree.Element(f"{{{ns}}}printOptions")
        root.find(f"{{{ns}}}pageMargins").addprevious(options)
    options.set("horizontalCentered", "1")


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
