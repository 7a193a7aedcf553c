"""The prepared template: everything a form needs from the template, read once per process
(prepare, cached by prepared): its rows, merges, column widths and print setup (with
openpyxl), and its package split into the parts copied as they are and the XML of the
parts written per form, with slots for what a form puts in."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from reportgen.disk_cache import cached
from reportgen.file_cache import FileKey, by_file_version
from reportgen.ooxml_repair import following
from reportgen.render.cell_refs import column_letter, column_number
from reportgen.render.xlsx.layout import _Sheet
from reportgen.render.xlsx.package import (
    _DOC_REL_NS,
    _MAIN_NS,
    _REL_TYPE,
    _header_footer_slots,
    _insert_slot,
    _local,
    _Package,
    _part_name,
    _serialize,
    _sheet_cells,
    _slots,
    _workbook_part,
    _worksheet_parts,
    _xf_ids,
)
from reportgen.render.xlsx.pages import page_capacity
from reportgen.render.xlsx.template import TemplateRow, has_tags, read_template

# Parts that would describe the template's cells, not the form's: the calculation chain
# (its formulas became text), cell comments and their drawing, hyperlinks. openpyxl's
# renderer dropped them with the template's cells.
_DROPPED_FROM_WORKBOOK = {_REL_TYPE + "calcChain"}
_COMMENT_TYPES = {_REL_TYPE + "comments",
                  "http://schemas.microsoft.com/office/2017/10/relationships/threadedComment"}
# CT_Worksheet's children, in schema order, that come after mergeCells / rowBreaks, and
# CT_Workbook's that come after definedNames.
_AFTER_MERGE_CELLS = following(f"{{{_MAIN_NS}}}worksheet", "mergeCells")
_AFTER_ROW_BREAKS = following(f"{{{_MAIN_NS}}}worksheet", "rowBreaks")
_AFTER_DEFINED_NAMES = following(f"{{{_MAIN_NS}}}workbook", "definedNames")


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
        ref = f"{column_letter(column)}{row}"
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

    from reportgen.ooxml_repair import repair_parts

    data = template.read_bytes()
    package = _Package(data)
    # Parts an office suite saved out of schema order, and a theme it left out, repaired.
    package.parts.update(repair_parts(package.parts)[0])
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

    widths = {}
    for letter, dimension in ws.column_dimensions.items():
        if dimension.width:
            first = dimension.min or _col(letter)
            for column in range(first, (dimension.max or first) + 1):
                widths[column] = dimension.width
    sheet = _Sheet(widths)
    area_cols = _area_columns(ws.print_area) or (1, ws.max_column)
    printing = page_capacity(ws, sheet, area_cols)
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
    """The prepared template, cached per process while the file is unchanged, and on disk
    between runs (reportgen.disk_cache: loading it takes a few ms, preparing 180 ms and
    openpyxl's import)."""
    return by_file_version(_PREPARED, template, lambda path: cached("xlsx-template", path, lambda: prepare(path)))


def _col(letter: str) -> int:
    return column_number(letter)


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
