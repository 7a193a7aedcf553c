"""Render the form as .docx from the Word template.

The template is prepared once per process: docxtpl cleans up each XML part that holds
tags (``patch_xml``: tags split over runs by Word, ``{%tr %}``/``{%p %}`` loops, quotes
Word curled), and Jinja2 compiles it; that work is kept on disk between runs
(reportgen.disk_cache: Jinja's code for each part, and the row loop). Rendering a department is then: the compiled parts
rendered with its context (autoescaped, strict), the indicator cells merged vertically
where the contract says rows share a cell, and the package zipped with the template's
other parts unchanged. (docxtpl's own ``render`` reloads and re-cleans the template for
every document; that was 4/5 of the time of a batch.)
"""

from __future__ import annotations

import copy
import io
import marshal
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.table import Table
from lxml import etree
from markupsafe import Markup, escape

from reportgen.disk_cache import cached
from reportgen.file_cache import FileKey, by_file_version
from reportgen.render.jinja import overlay
from reportgen.rendering import ROWS, Rendering

_ROW_LOOP = re.compile(rf"{{%\s*tr\s+for\s+(\w+)\s+in\s+{ROWS}\s*%}}")
# Parts whose tags are rendered; all other parts are copied as they are.
_RENDERED_PARTS = re.compile(
    r"^(word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml|docProps/core\.xml)$")
_LINE_BREAK = Markup('</w:t><w:br/><w:t xml:space="preserve">')
_TAB = Markup('</w:t><w:tab/><w:t xml:space="preserve">')


def _finalize(value: Any) -> Markup:
    """Every printed value: XML-escaped, with line breaks and tabs as Word elements (the
    tags sit inside <w:t>, which patch_xml marks xml:space="preserve")."""
    text = escape(value)
    if "\n" in text or "\t" in text:
        text = Markup(str(text).replace("\r\n", "\n").replace("\n", _LINE_BREAK)
                      .replace("\t", _TAB))
    return text


def jinja_environment() -> jinja2.Environment:
    """Autoescaped (text never breaks the XML) and strict (a mistyped tag fails loudly)."""
    return overlay(autoescape=True, finalize=_finalize)


@dataclass(frozen=True)
class RowLoop:
    """Where the indicator rows are drawn: table index, row index of the first rendered
    data row, and which grid column shows which field of a row."""

    table: int
    first_row: int
    columns: dict[str, int]  # field name (e.g. "level1") -> grid column


def body_tables(document) -> list[Table]:
    """A python-docx document's body-level tables."""
    return [Table(tbl, document) for tbl in document.element.body.iterchildren(qn("w:tbl"))]


def _grid_columns_of(tr) -> list[tuple[int, Any]]:
    """(grid column, w:tc) for each cell of a table row, honouring gridSpan."""
    out, column = [], 0
    for tc in tr.tc_lst:
        out.append((column, tc))
        column += tc.grid_span
    return out


def _text(element) -> str:
    return "".join(node.text or "" for node in element.iter(qn("w:t")))


def find_row_loop(template_docx) -> RowLoop | None:
    """The {%tr for … in rows %} loop of a template document, if it has one."""
    for t_index, table in enumerate(body_tables(template_docx)):
        rows = table._tbl.tr_lst
        for r_index, tr in enumerate(rows):
            match = _ROW_LOOP.search(_text(tr))
            if not match or r_index + 1 >= len(rows):
                continue
            name = match.group(1)
            columns = {}
            for column, tc in _grid_columns_of(rows[r_index + 1]):
                for field in re.findall(rf"\b{name}\.(\w+)", _text(tc)):
                    columns.setdefault(field, column)
            return RowLoop(t_index, r_index, columns)
    return None


def _clear(tc) -> None:
    """Empty a cell that is about to continue the merged cell above it."""
    paragraphs = tc.p_lst
    for paragraph in paragraphs[1:]:
        tc.remove(paragraph)
    for child in list(paragraphs[0]):
        if child.tag != qn("w:pPr"):
            paragraphs[0].remove(child)


def merge_indicator_cells(tbl, loop: RowLoop, rendering: Rendering) -> None:
    """Mark the cells of each span as one vertically merged cell (w:vMerge): the first
    keeps its text, the others are emptied and continue it."""
    rows = tbl.tr_lst
    cells_by_row: dict[int, dict[int, Any]] = {}

    def cell(row: int, column: int):
        if row not in cells_by_row:
            cells_by_row[row] = dict(_grid_columns_of(rows[row]))
        return cells_by_row[row][column]

    for field, column in loop.columns.items():
        for span in rendering.merges(field):
            if span.length < 2:
                continue
            top = loop.first_row + span.start
            cell(top, column).vMerge = "restart"
            for r in range(top + 1, top + span.length):
                tc = cell(r, column)
                _clear(tc)
                tc.vMerge = "continue"


_JUSTIFIED = {"both", "distribute", "thaiDistribute", "highKashida", "mediumKashida", "lowKashida"}


def _is_line_break(element) -> bool:
    return element.tag == qn("w:br") and element.get(qn("w:type"), "textWrapping") == "textWrapping"


def split_justified_breaks(root) -> None:
    """Make each manual line break (a line of text with a newline) in a justified paragraph
    a paragraph break: Word stretches the line before a break across the whole width
    (同　签　订 …). The new paragraphs keep the paragraph's and the runs' properties."""
    for paragraph in list(root.iter(qn("w:p"))):
        ppr = paragraph.find(qn("w:pPr"))
        jc = ppr.find(qn("w:jc")) if ppr is not None else None
        if jc is None or jc.get(qn("w:val")) not in _JUSTIFIED:
            continue
        if not any(_is_line_break(br) for br in paragraph.iter(qn("w:br"))):
            continue
        pieces = [[]]
        for child in paragraph:
            if child is ppr:
                continue
            if child.tag != qn("w:r") or not any(_is_line_break(c) for c in child):
                pieces[-1].append(child)
                continue
            rpr = child.find(qn("w:rPr"))
            run = None
            for item in child:
                if item is rpr:
                    continue
                if _is_line_break(item):
                    pieces.append([])
                    run = None
                    continue
                if run is None:
                    run = etree.Element(qn("w:r"))
                    if rpr is not None:
                        run.append(copy.deepcopy(rpr))
                    pieces[-1].append(run)
                run.append(item)
        parent, index = paragraph.getparent(), paragraph.getparent().index(paragraph)
        parent.remove(paragraph)
        for offset, children in enumerate(pieces):
            new = etree.Element(qn("w:p"))
            if ppr is not None:
                new.append(copy.deepcopy(ppr))
            new.extend(children)
            parent.insert(index + offset, new)


@dataclass
class PreparedTemplate:
    parts: list[tuple[str, bytes]]  # every zip entry of the template, in order
    compiled: dict[str, jinja2.Template]  # part name -> compiled template
    loop: RowLoop | None


def _patch(source: str) -> str:
    """docxtpl's clean-up of a part's tags, then one paragraph per line as docxtpl does
    (so a Jinja error names a useful line)."""
    from docxtpl import DocxTemplate

    patched = DocxTemplate.patch_xml(DocxTemplate.__new__(DocxTemplate), source)
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", patched)


def prepare(template: Path) -> PreparedTemplate:
    with zipfile.ZipFile(template) as archive:
        parts = [(info.filename, archive.read(info)) for info in archive.infolist()]
    env = jinja_environment()
    code, loop = cached("docx-template", template, lambda: _compile(template, parts, env))
    # Jinja's generated code, stored marshalled (as Jinja's own bytecode cache does): loading
    # it takes 0.1 ms where compiling the document XML again took 9 ms.
    compiled = {name: env.template_class.from_code(env, marshal.loads(data), env.make_globals(None), None)
                for name, data in code.items()}
    return PreparedTemplate(parts, compiled, loop)


def _compile(template: Path, parts: list[tuple[str, bytes]], env: jinja2.Environment
             ) -> tuple[dict[str, bytes], RowLoop | None]:
    """The template's work that outlives a process (disk_cache): each tagged part cleaned
    up and compiled by Jinja (marshalled code), and the row loop."""
    from docx import Document

    code = {}
    for name, payload in parts:
        if not _RENDERED_PARTS.match(name):
            continue
        text = payload.decode("utf-8")
        if "{" not in text:
            continue
        source = text if name.startswith("docProps/") else _patch(text)
        if re.search(r"{[{%#]", source):
            code[name] = marshal.dumps(env.compile(source))
    return code, find_row_loop(Document(str(template)))


_PREPARED: dict[FileKey, PreparedTemplate] = {}


def prepared(template: Path) -> PreparedTemplate:
    """The prepared template, cached per process while the file is unchanged."""
    return by_file_version(_PREPARED, template, prepare)


def _render_part(compiled: jinja2.Template, context: dict[str, Any]) -> str:
    xml = compiled.render(context)
    xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
    return xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")


def render_docx(rendering: Rendering, template: Path) -> bytes:
    form = prepared(template)
    context = rendering.context
    rendered: dict[str, bytes] = {}
    for name, compiled in form.compiled.items():
        xml = _render_part(compiled, context)
        if name == "word/document.xml":
            root = parse_xml(xml.encode("utf-8"))
            if form.loop is not None:
                tables = root.find(qn("w:body")).findall(qn("w:tbl"))
                merge_indicator_cells(tables[form.loop.table], form.loop, rendering)
            split_justified_breaks(root)
            rendered[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                            standalone=True)
        else:
            rendered[name] = xml.encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, payload in form.parts:
            archive.writestr(name, rendered.get(name, payload))
    return buffer.getvalue()
