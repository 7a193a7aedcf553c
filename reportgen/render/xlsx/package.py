"""The OOXML package of the template: its zip entries and relationships (_Package), the
<!--reportgen:NAME--> slots put into its XML and the XML split at them, cell references,
text and numbers as the sheet XML writes them, the cells of a sheetData, the worksheets of
the workbook and their page header/footer texts."""

from __future__ import annotations

import io
import math
import posixpath
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lxml import etree

from reportgen.render.cell_refs import column_number
from reportgen.render.xlsx.template import has_tags

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_REL_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
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


def _fill(slots: list[str], values: dict[str, str]) -> bytes:
    """A part's XML with its slots filled in."""
    return "".join(values[piece] if i % 2 else piece for i, piece in enumerate(slots)).encode("utf-8")


def _part_name(source: str, target: str) -> str:
    """The zip entry a relationship of part `source` points to."""
    if target.startswith("/"):
        return target[1:]
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def _rels_name(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


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
            column = column_number(re.sub(r"\d", "", ref)) if ref else column + 1
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
