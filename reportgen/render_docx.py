"""Render the form as .docx from the Word template (docxtpl), then merge the
indicator table's cells vertically where the contract says rows share a cell."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from docx.oxml.ns import qn
from docx.table import Table
from docxtpl import DocxTemplate

from reportgen.compute import Evaluation
from reportgen.context import MERGED_FIELDS, build_context, indicator_rows
from reportgen.formats import FILTERS

_ROW_LOOP = re.compile(r"{%\s*tr\s+for\s+(\w+)\s+in\s+rows\s*%}")


class _CompilingOnceEnvironment(jinja2.Environment):
    """docxtpl compiles each XML part with from_string on every render; the parts of a
    template are the same for every department, so compile each source once."""

    def __init__(self, **options):
        super().__init__(**options)
        self._compiled: dict[str, jinja2.Template] = {}

    def from_string(self, source, globals=None, template_class=None):
        if globals or template_class or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        compiled = self._compiled.get(source)
        if compiled is None:
            if len(self._compiled) > 64:
                self._compiled.clear()
            compiled = self._compiled[source] = super().from_string(source)
        return compiled


_ENVIRONMENT: jinja2.Environment | None = None


def jinja_environment() -> jinja2.Environment:
    """Autoescaped (text never breaks the XML) and strict (a mistyped tag fails loudly)."""
    global _ENVIRONMENT
    if _ENVIRONMENT is None:
        env = _CompilingOnceEnvironment(autoescape=True, undefined=jinja2.StrictUndefined)
        env.filters.update(FILTERS)
        _ENVIRONMENT = env
    return _ENVIRONMENT


@dataclass(frozen=True)
class RowLoop:
    """Where the indicator rows are drawn: table index, row index of the first rendered
    data row, and which grid column shows which merged field."""

    table: int
    first_row: int
    columns: dict[str, int]  # field name (e.g. "level1") -> grid column


def _grid_columns(row) -> list[tuple[int, Any]]:
    return _grid_columns_of(row._tr)


def _grid_columns_of(tr) -> list[tuple[int, Any]]:
    """(grid column, w:tc) for each cell of a table row, honouring gridSpan."""
    out, column = [], 0
    for tc in tr.tc_lst:
        out.append((column, tc))
        column += tc.grid_span
    return out


def body_tables(document) -> list[Table]:
    """The body's tables, read afresh (docxtpl swaps the body element when rendering)."""
    return [Table(tbl, document) for tbl in document.element.body.iterchildren(qn("w:tbl"))]


def find_row_loop(template_docx) -> RowLoop | None:
    for t_index, table in enumerate(body_tables(template_docx)):
        for r_index, row in enumerate(table.rows):
            text = "".join(node.text or "" for node in row._tr.iter(qn("w:t")))
            match = _ROW_LOOP.search(text)
            if not match or r_index + 1 >= len(table.rows):
                continue
            name = match.group(1)
            columns = {}
            for column, tc in _grid_columns(table.rows[r_index + 1]):
                cell_text = "".join(node.text or "" for node in tc.iter(qn("w:t")))
                for field in re.findall(rf"\b{name}\.(\w+)", cell_text):
                    if field in MERGED_FIELDS:
                        columns[field] = column
            return RowLoop(t_index, r_index, columns)
    return None


def _clear(tc) -> None:
    """Empty a cell that is about to be merged into the one above it."""
    paragraphs = tc.p_lst
    for paragraph in paragraphs[1:]:
        tc.remove(paragraph)
    for child in list(paragraphs[0]):
        if child.tag != qn("w:pPr"):
            paragraphs[0].remove(child)


def merge_indicator_cells(document, loop: RowLoop, spans) -> None:
    """Mark the cells of each span as one vertically merged cell (w:vMerge): the first
    keeps its text, the others are emptied and continue it."""
    table = body_tables(document)[loop.table]
    rows = table._tbl.tr_lst
    cells_by_row: dict[int, dict[int, Any]] = {}

    def cell(row: int, column: int):
        if row not in cells_by_row:
            cells_by_row[row] = dict(_grid_columns_of(rows[row]))
        return cells_by_row[row][column]

    for field, column in loop.columns.items():
        for span in spans[MERGED_FIELDS[field]]:
            if span.length < 2:
                continue
            top = loop.first_row + span.start
            cell(top, column).vMerge = "restart"
            for r in range(top + 1, top + span.length):
                tc = cell(r, column)
                _clear(tc)
                tc.vMerge = "continue"


class _Template(DocxTemplate):
    """DocxTemplate whose tag clean-up (patch_xml, a dozen regex passes over the whole
    part) runs once per distinct template part instead of once per department."""

    _patched: dict[str, str] = {}

    def patch_xml(self, src_xml: str) -> str:
        patched = self._patched.get(src_xml)
        if patched is None:
            if len(self._patched) > 64:
                self._patched.clear()
            patched = self._patched[src_xml] = super().patch_xml(src_xml)
        return patched


def render_docx(evaluation: Evaluation, template: Path) -> bytes:
    doc = _Template(str(template))
    loop = find_row_loop(doc.get_docx())
    context = build_context(evaluation)
    doc.render(context, jinja_env=jinja_environment())
    if loop is not None:
        _, spans = indicator_rows(evaluation)
        merge_indicator_cells(doc.docx, loop, spans)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
