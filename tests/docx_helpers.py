"""Reading a generated .docx the way a reader sees it: tables as grids with merges."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn


@dataclass
class GridCell:
    text: str
    row: int
    column: int  # first grid column
    span: int  # grid columns spanned
    vmerge: str | None  # "restart", "continue" or None


def cell_text(tc) -> str:
    """Paragraphs joined by '\n', line breaks as '\n', tabs as '\t'."""
    paragraphs = []
    for p in tc.iter(qn("w:p")):
        parts = []
        for node in p.iter(qn("w:t"), qn("w:br"), qn("w:tab")):
            parts.append({qn("w:br"): "\n", qn("w:tab"): "\t"}.get(node.tag, node.text or ""))
        paragraphs.append("".join(parts))
    return "\n".join(paragraphs)


def table_grid(tbl) -> list[list[GridCell]]:
    rows = []
    for r, tr in enumerate(tbl.iter(qn("w:tr"))):
        column, cells = 0, []
        for tc in tr.iter(qn("w:tc")):
            pr = tc.tcPr
            span = int(pr.find(qn("w:gridSpan")).get(qn("w:val"))) if (
                pr is not None and pr.find(qn("w:gridSpan")) is not None) else 1
            vm = pr.find(qn("w:vMerge")) if pr is not None else None
            vmerge = None if vm is None else (vm.get(qn("w:val")) or "continue")
            cells.append(GridCell(cell_text(tc), r, column, span, vmerge))
            column += span
        rows.append(cells)
    return rows


def vertical_spans(grid: list[list[GridCell]], column: int) -> list[tuple[str, int, int]]:
    """(text, first row, number of rows) of each cell in a grid column, merges followed."""
    out: list[list] = []
    for row in grid:
        for cell in row:
            if cell.column != column:
                continue
            if cell.vmerge == "continue" and out:
                out[-1][2] += 1
            else:
                out.append([cell.text, cell.row, 1])
    return [tuple(x) for x in out]


def open_docx(path: Path):
    document = Document(str(path))
    tables = [table_grid(t._tbl) for t in document.tables]
    return document, tables


def all_text(path: Path) -> str:
    document = Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(cell_text(tc) for tc in table._tbl.iter(qn("w:tc")))
    return "\n".join(parts)
