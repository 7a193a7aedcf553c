"""What the package of an input workbook says beyond its cell values: the cells holding a
formula without a saved result (openpyxl reads those as blank), and the sheet names,
read from the zip parts directly (no full load)."""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path
from typing import Any

from lxml import etree

UNCALCULATED = ("单元格中是公式，但没有保存计算结果：请用 Excel 或 WPS 打开此文件后保存一次"
                "（或把公式改为数值）。")
_FORMULA_ELEMENT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s/>]")
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _coordinates(sheet_data):
    """(coordinate, c element) of the cells of a sheetData element (rows and cells without
    r follow the previous one, as in openpyxl's reader)."""
    from openpyxl.utils import coordinate_to_tuple, get_column_letter

    row_number = 0
    for row in sheet_data.iterchildren("{*}row"):
        row_number = int(row.get("r")) if row.get("r") else row_number + 1
        column = 0
        for cell in row.iterchildren("{*}c"):
            ref = cell.get("r")
            column = coordinate_to_tuple(ref)[1] if ref else column + 1
            yield ref or f"{get_column_letter(column)}{row_number}", cell


def uncalculated_formulas(path: Path) -> dict[str, set[str]]:
    """{sheet name: coordinates of its cells that hold a formula but no saved result}, which
    openpyxl reads as blank cells. A formula whose saved result is empty text (t="str"
    with an empty <v>, as Excel writes =IF(…,"",…)) has a result and is not listed."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False)
    found: dict[str, set[str]] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            def part(name: str):
                return etree.fromstring(archive.read(name), parser)

            def target(source: str, relative: str) -> str:
                if relative.startswith("/"):
                    return relative[1:]
                return posixpath.normpath(posixpath.join(posixpath.dirname(source), relative))

            def relationships(source: str) -> dict[str, Any]:
                folder, name = posixpath.split(source)
                rels = posixpath.join(folder, "_rels", name + ".rels")
                return {r.get("Id"): r for r in part(rels).iterchildren("{*}Relationship")}

            workbook = next(target("", r.get("Target")) for r in relationships("").values()
                            if r.get("Type") == _OFFICE_DOCUMENT)
            rels = relationships(workbook)
            for sheet in part(workbook).iter("{*}sheet"):
                rel = rels.get(sheet.get(_R_ID))
                if rel is None or not rel.get("Type", "").endswith("/worksheet"):
                    continue
                name = target(workbook, rel.get("Target"))
                data = archive.read(name)
                if not _FORMULA_ELEMENT.search(data):  # most files: no formula at all
                    continue
                sheet_data = part(name).find("{*}sheetData")
                for coordinate, cell in _coordinates(sheet_data if sheet_data is not None else ()):
                    if cell.find("{*}f") is None:
                        continue
                    value = cell.find("{*}v")
                    if value is None or (not value.text and cell.get("t") not in ("str", "inlineStr")):
                        found.setdefault(sheet.get("name"), set()).add(coordinate)
    except (KeyError, StopIteration, zipfile.BadZipFile, etree.XMLSyntaxError, ValueError):
        return found  # an unusual package: openpyxl read it; report nothing more
    return found


def sheet_names(path: Path) -> list[str]:
    """The sheet names of a workbook, read from its workbook part alone ([] when it is
    not a workbook: reading it reports that)."""
    try:
        with zipfile.ZipFile(path) as archive:
            root = etree.fromstring(archive.read("xl/workbook.xml"))
    except (OSError, KeyError, zipfile.BadZipFile, etree.XMLSyntaxError):
        return []
    return [sheet.get("name", "") for sheet in root.iter(f"{{{_MAIN}}}sheet")]
