"""Render the form as .docx from the Word template.

The template is prepared once per process: docxtpl cleans up each XML part that holds
tags (``patch_xml``: tags split over runs by Word, ``{%tr %}``/``{%p %}`` loops, quotes
Word curled), and Jinja2 compiles it; that work is kept on disk between runs
(reportgen.disk_cache: Jinja's code for each part, and the row loop). Rendering a department is then: the compiled parts
rendered with its context (autoescaped, strict), the indicator cells merged vertically
where the contract says rows share a cell (plain lxml on the rendered XML), and the
package assembled from the template's other parts, compressed once per template and
stamp (write.package), and the rendered ones. (docxtpl's own ``render`` reloads and
re-cleans the template for every document; that was 4/5 of the time of a batch.)
"""

from __future__ import annotations

import copy
import marshal
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2
from lxml import etree
from markupsafe import Markup, escape

from reportgen.disk_cache import cached
from reportgen.file_cache import FileKey, by_file_version
from reportgen.ooxml_repair import following
from reportgen.render.jinja import overlay
from reportgen.rendering import ROWS, Rendering
from reportgen.write.package import EPOCH, static_package

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
# How python-docx parsed document.xml (blank text between elements dropped); the
# merges are set on the same tree, so the bytes are the same as when python-docx did it.
_PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False)


def qn(tag: str) -> str:
    """Clark notation of a WordprocessingML tag: qn("w:tc") -> "{…/main}tc"."""
    return f"{{{_W}}}{tag[2:]}"


_TC, _TCPR, _GRID_SPAN, _VMERGE, _VAL = (qn(f"w:{t}") for t in ("tc", "tcPr", "gridSpan", "vMerge", "val"))
_P, _PPR, _JC, _R, _RPR, _BR, _TYPE = (qn(f"w:{t}") for t in ("p", "pPr", "jc", "r", "rPr", "br", "type"))


def _child(element, tag: str):
    """element.find(tag) (its first child with that tag), without ElementPath: the first
    child is tried first (w:tcPr is a cell's first child), then libxml2's filter."""
    if len(element) and element[0].tag == tag:
        return element[0]
    return next(element.iterchildren(tag), None)


_ROW_LOOP = re.compile(rf"{{%\s*tr\s+for\s+(\w+)\s+in\s+{ROWS}\s*%}}")
# Parts whose tags are rendered; all other parts are copied as they are.
_RENDERED_PARTS = re.compile(
    r"^(word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml|docProps/core\.xml)$")
_LINE_BREAK = Markup('</w:t><w:br/><w:t xml:space="preserve">')
_TAB = Markup('</w:t><w:tab/><w:t xml:space="preserve">')


def _finalize(value: Any) -> Any:
    """Every printed value is XML-escaped (autoescape); a text with line breaks or tabs is
    escaped here, with them as Word elements (the tags sit inside <w:t>, which patch_xml
    marks xml:space="preserve"). Other values are left to Jinja's escape: escaping them
    here too made a second Markup of every value (a fifth of the rendering)."""
    if isinstance(value, str) and ("\n" in value or "\t" in value):
        text = str(escape(value))  # a Markup (|safe) is kept as it is
        return Markup(text.replace("\r\n", "\n").replace("\n", _LINE_BREAK).replace("\t", _TAB))
    return value


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


def body_tables(document) -> list:
    """A python-docx document's body-level tables."""
    from docx.table import Table

    return [Table(tbl, document) for tbl in document.element.body.iterchildren(qn("w:tbl"))]


def _grid_columns_of(tr, spans: dict | None = None) -> list[tuple[int, Any]]:
    """(grid column, w:tc) for each cell of a table row, honouring gridSpan; spans: the
    cells' gridSpan values when known (_grid_spans), else they are looked up."""
    out, column = [], 0
    for tc in tr.iterchildren(_TC):
        out.append((column, tc))
        if spans is not None:
            column += spans.get(tc, 1)
            continue
        tcpr = _child(tc, _TCPR)
        span = _child(tcpr, _GRID_SPAN) if tcpr is not None else None
        column += 1 if span is None else int(span.get(_VAL))
    return out


_SPANS = etree.XPath("w:tr/w:tc/w:tcPr[1]/w:gridSpan[1]", namespaces={"w": _W})


def _grid_spans(tbl) -> dict:
    """w:tc -> its gridSpan (of its first w:tcPr, as python-docx reads it), for the cells
    of a table's rows that have one: found by libxml2 in one pass (most cells have none)."""
    return {span.getparent().getparent(): int(span.get(_VAL)) for span in _SPANS(tbl)}


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
    paragraphs = list(tc.iterchildren(_P))
    for paragraph in paragraphs[1:]:
        tc.remove(paragraph)
    for child in list(paragraphs[0]):
        if child.tag != _PPR:
            paragraphs[0].remove(child)


# The children of w:tcPr that come after w:vMerge, in schema order.
_AFTER_VMERGE = {qn(f"w:{tag}"): rank for rank, tag in enumerate(following(_TCPR, "vMerge"))}


def _set_vmerge(tc, value: str) -> None:
    """Set a cell's w:vMerge ("restart" or "continue"), as python-docx's tc.vMerge = value
    does: w:tcPr first in the cell, any old w:vMerge replaced by one placed before the
    first of the properties that follow it, w:val left out when it is "continue" (the
    default)."""
    tcpr = _child(tc, _TCPR)
    if tcpr is None:
        tcpr = tc.makeelement(_TCPR)
        tc.insert(0, tcpr)
    successor, rank = None, len(_AFTER_VMERGE)
    for child in list(tcpr):
        tag = child.tag
        if tag == _VMERGE:
            tcpr.remove(child)
        elif _AFTER_VMERGE.get(tag, rank) < rank:  # the first of the earliest tag
            successor, rank = child, _AFTER_VMERGE[tag]
    vmerge = tcpr.makeelement(_VMERGE)  # written as python-docx's OxmlElement("w:vMerge") is
    if value != "continue":
        vmerge.set(_VAL, value)
    if successor is not None:
        successor.addprevious(vmerge)
    else:
        tcpr.append(vmerge)


def merge_indicator_cells(tbl, loop: RowLoop, rendering: Rendering) -> None:
    """Mark the cells of each span as one vertically merged cell (w:vMerge): the first
    keeps its text, the others are emptied and continue it."""
    rows = tbl.findall(qn("w:tr"))
    spans = _grid_spans(tbl)
    cells_by_row: dict[int, dict[int, Any]] = {}

    def cell(row: int, column: int):
        if row not in cells_by_row:
            cells_by_row[row] = dict(_grid_columns_of(rows[row], spans))
        return cells_by_row[row][column]

    for field, column in loop.columns.items():
        for span in rendering.merges(field):
            if span.length < 2:
                continue
            top = loop.first_row + span.start
            _set_vmerge(cell(top, column), "restart")
            for r in range(top + 1, top + span.length):
                tc = cell(r, column)
                _clear(tc)
                _set_vmerge(tc, "continue")


_JUSTIFIED = {"both", "distribute", "thaiDistribute", "highKashida", "mediumKashida", "lowKashida"}


def _is_line_break(element) -> bool:
    return element.tag == _BR and element.get(_TYPE, "textWrapping") == "textWrapping"


# The paragraphs split_justified_breaks may change (it checks each exactly): found by
# libxml2 instead of looking at every paragraph of the document in Python, from the few
# breaks up (the same paragraphs as //w:p[w:pPr/w:jc][.//w:br], in document order, at a
# seventh of the time: that tests every paragraph for a break below it).
_MAYBE_JUSTIFIED_WITH_BREAK = etree.XPath("//w:br/ancestor::w:p[w:pPr/w:jc]", namespaces={"w": _W})


def split_justified_breaks(root) -> None:
    """Make each manual line break (a line of text with a newline) in a justified paragraph
    a paragraph break: Word stretches the line before a break across the whole width
    (同　签　订 …). The new paragraphs keep the paragraph's and the runs' properties."""
    for paragraph in _MAYBE_JUSTIFIED_WITH_BREAK(root):
        ppr = paragraph.find(_PPR)
        jc = ppr.find(_JC) if ppr is not None else None
        if jc is None or jc.get(_VAL) not in _JUSTIFIED:
            continue
        if not any(_is_line_break(br) for br in paragraph.iter(_BR)):
            continue
        pieces = [[]]
        for child in paragraph:
            if child is ppr:
                continue
            if child.tag != _R or not any(_is_line_break(c) for c in child):
                pieces[-1].append(child)
                continue
            rpr = child.find(_RPR)
            run = None
            for item in child:
                if item is rpr:
                    continue
                if _is_line_break(item):
                    pieces.append([])
                    run = None
                    continue
                if run is None:
                    run = etree.Element(_R)
                    if rpr is not None:
                        run.append(copy.deepcopy(rpr))
                    pieces[-1].append(run)
                run.append(item)
        parent, index = paragraph.getparent(), paragraph.getparent().index(paragraph)
        parent.remove(paragraph)
        for offset, children in enumerate(pieces):
            new = etree.Element(_P)
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
    code, loop, repaired = cached("docx-template", template, lambda: _compile(template, parts, env))
    if repaired:  # parts an office suite saved out of schema order (reportgen.ooxml_repair)
        parts = [(name, repaired.get(name, payload)) for name, payload in parts]
        parts += [(name, payload) for name, payload in repaired.items() if name not in dict(parts)]
    # Jinja's generated code, stored marshalled (as Jinja's own bytecode cache does): loading
    # it takes 0.1 ms where compiling the document XML again took 9 ms.
    compiled = {name: env.template_class.from_code(env, marshal.loads(data), env.make_globals(None), None)
                for name, data in code.items()}
    return PreparedTemplate(parts, compiled, loop)


def _compile(template: Path, parts: list[tuple[str, bytes]], env: jinja2.Environment
             ) -> tuple[dict[str, bytes], RowLoop | None, dict[str, bytes]]:
    """The template's work that outlives a process (disk_cache): the parts repaired where
    an office suite saved them out of schema order (ooxml_repair), each tagged part
    cleaned up and compiled by Jinja (marshalled code), and the row loop."""
    from docx import Document

    from reportgen.ooxml_repair import repair_parts

    repaired, _ = repair_parts(dict(parts))
    code = {}
    for name, payload in ((name, repaired.get(name, payload)) for name, payload in parts):
        if not _RENDERED_PARTS.match(name):
            continue
        text = payload.decode("utf-8")
        if "{" not in text:
            continue
        source = text if name.startswith("docProps/") else _patch(text)
        if re.search(r"{[{%#]", source):
            code[name] = marshal.dumps(env.compile(source))
    return code, find_row_loop(Document(str(template))), repaired


_PREPARED: dict[FileKey, PreparedTemplate] = {}


def prepared(template: Path) -> PreparedTemplate:
    """The prepared template, cached per process while the file is unchanged."""
    return by_file_version(_PREPARED, template, prepare)


def _render_part(compiled: jinja2.Template, context: dict[str, Any]) -> str:
    """A part rendered, without the line breaks _patch put before its paragraphs (str.replace,
    not re.sub: a third of the time of the rendering). Nothing else is replaced: docxtpl
    also turns its escaped braces ({_{ }_} {_% %_}) back into {{ }} {% %} in the whole
    rendered part, which rewrote the values printed in it (a reason "%_}" became "%}"),
    and no template that reaches here has them: the template check (tags.check.preflight,
    before every rendering) refuses them as single braces, which would print as they are."""
    return compiled.render(context).replace("\n<w:p ", "<w:p ").replace("\n<w:p>", "<w:p>")


def render_docx(rendering: Rendering, template: Path, when: datetime = EPOCH) -> bytes:
    """The form as the bytes of a .docx package, stamped with when (entry times and the
    core properties' dates; write.files.build_timestamp)."""
    form = prepared(template)
    context = rendering.context
    rendered: dict[str, bytes] = {}
    for name, compiled in form.compiled.items():
        xml = _render_part(compiled, context)
        if name == "word/document.xml":
            root = etree.fromstring(xml.encode("utf-8"), _PARSER)
            if form.loop is not None:
                tables = root.find(qn("w:body")).findall(qn("w:tbl"))
                merge_indicator_cells(tables[form.loop.table], form.loop, rendering)
            split_justified_breaks(root)
            rendered[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                            standalone=True)
        else:
            rendered[name] = xml.encode("utf-8")
    package = static_package(form, when, lambda: [
        (name, None if name in form.compiled else payload) for name, payload in form.parts])
    return package.assemble(rendered)
