"""Repair of a template's package that an office suite saved out of schema order or
without a part the schema requires, before a form is built from it.

LibreOffice and WPS read and write Office Open XML leniently: a template opened there and
saved unchanged comes back with, e.g., w:sz before w:rFonts in a footer's run properties,
and an .xlsx without its theme part. Word and Excel then offer to "repair" every file
built from it. ``repair_parts`` puts the children of the property elements back into the
order of the ECMA-376 schema (SCHEMA_ORDER: one order list per parent element, taken from
wml.xsd and sml.xsd of ECMA-376 Part 1, Transitional) and adds back the .xlsx theme part
(with its relationship and content type). A part that needs nothing keeps its bytes, so a
template saved by Word or Excel builds byte for byte as before.

The renderers repair a template once when they prepare it (the prepared template is kept
in reportgen.disk_cache, so this runs once per template change); ``reportgen templates
check`` lists the repairs (``Repair.message``, in Chinese) and validates the repaired
package, naming in Chinese what cannot be repaired.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
S = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_REL_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
THEME_TYPE = _REL_TYPE + "theme"
THEME_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.theme+xml"

# The children of WordprocessingML elements, in the order of their xsd:sequence (wml.xsd). A token "a|b":
# elements of one rank (an xsd:choice), in any order among themselves.
# Elements of choices that allow any order (CT_TrPrBase) are listed in the schema's order
# too: that order is valid as well.
_RPR = ("ins del moveFrom moveTo rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow "
        "emboss imprint noProof snapToGrid vanish webHidden color spacing w kern position sz szCs "
        "highlight u effect bdr shd fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath "
        "rPrChange")  # CT_ParaRPr (the paragraph mark's) = CT_RPr with ins/del/moveFrom/moveTo first
_PPR = ("pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr "
        "shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE "
        "autoSpaceDN bidi adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents "
        "suppressOverlap jc textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle "
        "rPr sectPr pPrChange")
_TBLPR = ("tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc "
          "tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook tblCaption tblDescription "
          "tblPrChange")
_TRPR = "cnfStyle|divId|gridBefore|gridAfter|wBefore|wAfter|cantSplit|trHeight|tblHeader|tblCellSpacing|jc|hidden " \
    "ins del trPrChange"  # CT_TrPrBase is an xsd:choice: its elements in any order
_TCPR = ("cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection tcFitText vAlign "
         "hideMark headers cellIns cellDel cellMerge tcPrChange")
_SECTPR = ("headerReference|footerReference footnotePr endnotePr type pgSz pgMar paperSrc pgBorders "
           "lnNumType pgNumType cols formProt vAlign noEndnote titlePg textDirection bidi rtlGutter "
           "docGrid printerSettings sectPrChange")
_WML = {
    "rPr": _RPR,
    "pPr": _PPR,
    "tblPr": _TBLPR,
    "tblPrEx": ("tblW jc tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook "
                "tblPrExChange"),
    "trPr": _TRPR,
    "tcPr": _TCPR,
    "sectPr": _SECTPR,
    "pBdr": "top left bottom right between bar",
    "tblBorders": "top left|start bottom right|end insideH insideV",
    "tcBorders": "top left|start bottom right|end insideH insideV tl2br tr2bl",
    "tblCellMar": "top left|start bottom right|end",
    "tcMar": "top left|start bottom right|end",
    "pgBorders": "top left bottom right",
    "numPr": "ilvl numId numberingChange ins",
    "docDefaults": "rPrDefault pPrDefault",
    "style": ("name aliases basedOn next link autoRedefine hidden uiPriority semiHidden unhideWhenUsed "
              "qFormat locked personal personalCompose personalReply rsid pPr rPr tblPr trPr tcPr "
              "tblStylePr"),
    "tblStylePr": "pPr rPr tblPr trPr tcPr",
    "lvl": ("start numFmt lvlRestart pStyle isLgl suff lvlText lvlPicBulletId legacy lvlJc pPr rPr"),
}
# The children of SpreadsheetML elements, in the order of their xsd:sequence (sml.xsd).
# (CT_Font's children are an xsd:choice: any order is valid there.) A token "a|b": elements
# of one rank (an xsd:choice), in any order among themselves.
_SML = {
    "worksheet": ("sheetPr dimension sheetViews sheetFormatPr cols sheetData sheetCalcPr sheetProtection "
                  "protectedRanges scenarios autoFilter sortState dataConsolidate customSheetViews "
                  "mergeCells phoneticPr conditionalFormatting dataValidations hyperlinks printOptions "
                  "pageMargins pageSetup headerFooter rowBreaks colBreaks customProperties cellWatches "
                  "ignoredErrors smartTags drawing legacyDrawing legacyDrawingHF drawingHF picture "
                  "oleObjects controls webPublishItems tableParts extLst"),
    "sheetPr": "tabColor outlinePr pageSetUpPr",
    "workbook": ("fileVersion fileSharing workbookPr workbookProtection bookViews sheets functionGroups "
                 "externalReferences definedNames calcPr oleSize customWorkbookViews pivotCaches "
                 "smartTagPr smartTagTypes webPublishing fileRecoveryPr webPublishObjects extLst"),
    "styleSheet": ("numFmts fonts fills borders cellStyleXfs cellXfs cellStyles dxfs tableStyles colors "
                   "extLst"),
    "xf": "alignment protection extLst",
    "border": "start end left right top bottom diagonal vertical horizontal",
    "dxf": "font numFmt fill alignment border protection extLst",
    "headerFooter": "oddHeader oddFooter evenHeader evenFooter firstHeader firstFooter",
    "sheetView": "pane selection pivotSelection extLst",
}


def _ranks(namespace: str, table: dict[str, str]) -> dict[str, dict[str, int]]:
    return {f"{{{namespace}}}{parent}": {f"{{{namespace}}}{name}": rank
                                         for rank, token in enumerate(children.split())
                                         for name in token.split("|")}
            for parent, children in table.items()}


# parent (Clark notation) -> {child (Clark notation): rank}
SCHEMA_ORDER: dict[str, dict[str, int]] = {**_ranks(W, _WML), **_ranks(S, _SML)}
_NAMESPACES = (W.encode(), S.encode())


def following(parent: str, child: str) -> list[str]:
    """The local names of the children that come after `child` (a local name) in `parent`
    (Clark notation), in schema order: where an element to be inserted belongs."""
    ranks = SCHEMA_ORDER[parent]
    namespace = parent[:parent.index("}") + 1]
    rank = ranks[namespace + child]
    return [name[len(namespace):] for name, r in sorted(ranks.items(), key=lambda item: item[1]) if r > rank]
_PREFIX = {W: "w:", S: ""}


@dataclass(frozen=True)
class Repair:
    """One repair of a template part, described for the person who edited it."""

    part: str  # e.g. word/footer1.xml
    message: str  # in Chinese


def _name(tag: str) -> str:
    namespace, _, local = tag[1:].partition("}")
    return _PREFIX.get(namespace, "") + local


def reorder(root) -> list[tuple[str, str, str]]:
    """Put the children of every element of SCHEMA_ORDER under root into schema order
    (a stable sort: children of equal rank keep their order; a child the order list does
    not name moves with the child before it). Returns, for each element reordered,
    (parent, a child out of place, the child it must precede)."""
    moved = []
    for parent in list(root.iter(*SCHEMA_ORDER)):
        ranks = SCHEMA_ORDER[parent.tag]
        keys, previous, highest, first_wrong = [], -1, -1, None
        for child in parent:
            rank = ranks.get(child.tag) if isinstance(child.tag, str) else None
            if rank is None:
                rank = previous  # comments, processing instructions, other namespaces
            if rank < highest and first_wrong is None:
                first_wrong = child
            highest = max(highest, rank)
            keys.append(rank)
            previous = rank
        if first_wrong is None:
            continue
        children = list(parent)
        follower = next(c for c, k in zip(children, keys, strict=True)
                        if k > keys[children.index(first_wrong)])
        moved.append((_name(parent.tag), _name(first_wrong.tag), _name(follower.tag)))
        parent[:] = [c for _, _, c in sorted(zip(keys, range(len(children)), children, strict=True))]
    return moved


def _serialize(tree, original: bytes) -> bytes:
    declared = original.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<?xml")
    xml = etree.tostring(tree.getroot(), encoding="UTF-8", xml_declaration=False)
    if not declared:
        return xml
    standalone = {True: ' standalone="yes"', False: ' standalone="no"'}.get(tree.docinfo.standalone, "")
    return f'<?xml version="1.0" encoding="UTF-8"{standalone}?>\r\n'.encode() + xml


def _parse(payload: bytes):
    return etree.ElementTree(etree.fromstring(payload, etree.XMLParser(resolve_entities=False)))


def _rels_name(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def _target(source: str, target: str) -> str:
    if target.startswith("/"):
        return target[1:]
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def _relationships(parts: dict[str, bytes], part: str) -> list:
    rels = _rels_name(part)
    if rels not in parts:
        return []
    return list(_parse(parts[rels]).getroot().iter(f"{{{_REL_NS}}}Relationship"))


def _workbook_part(parts: dict[str, bytes]) -> str | None:
    return next((_target("", r.get("Target", "")) for r in _relationships(parts, "")
                 if r.get("Type") == _REL_TYPE + "officeDocument" and r.get("TargetMode") != "External"), None)


def _add_theme(parts: dict[str, bytes], changed: dict[str, bytes]) -> Repair | None:
    """Add the default Office theme to a workbook whose theme part is missing (Excel's
    workbook requires one; LibreOffice does not write it)."""
    workbook = _workbook_part(parts)
    if workbook is None or workbook not in parts or S.encode() not in parts[workbook][:2000]:
        return None
    rels_part = _rels_name(workbook)
    themes = [r for r in _relationships(parts, workbook) if r.get("Type") == THEME_TYPE]
    if themes and _target(workbook, themes[0].get("Target", "")) in parts:
        return None
    from openpyxl.writer.theme import theme_xml  # Excel's default "Office Theme"

    folder = posixpath.dirname(workbook)
    name = posixpath.join(folder, "theme", "theme1.xml")
    number = 1
    while name in parts:
        number += 1
        name = posixpath.join(folder, "theme", f"theme{number}.xml")
    changed[name] = theme_xml.encode("utf-8") if isinstance(theme_xml, str) else theme_xml
    if rels_part in parts:
        rels = _parse(parts[rels_part])
    else:
        rels = etree.ElementTree(etree.Element(f"{{{_REL_NS}}}Relationships", nsmap={None: _REL_NS}))
    root = rels.getroot()
    for old in themes:  # a relationship to a theme part that is not there
        root.remove(old)
    ids = {r.get("Id") for r in root}
    rid = next(f"rId{n}" for n in range(1, len(ids) + 2) if f"rId{n}" not in ids)
    etree.SubElement(root, f"{{{_REL_NS}}}Relationship", Id=rid, Type=THEME_TYPE,
                     Target=posixpath.relpath(name, folder))
    changed[rels_part] = _serialize(rels, parts.get(rels_part, b"<?xml"))
    types = _parse(parts["[Content_Types].xml"])
    if not any(o.get("PartName") == "/" + name for o in types.getroot().iter(f"{{{_CT_NS}}}Override")):
        etree.SubElement(types.getroot(), f"{{{_CT_NS}}}Override", PartName="/" + name,
                         ContentType=THEME_CONTENT_TYPE)
    changed["[Content_Types].xml"] = _serialize(types, parts["[Content_Types].xml"])
    return Repair(name, f"缺少 Excel 必需的主题部件 {name}（LibreOffice、WPS 保存时不写），"
                        f"生成时已补上默认主题（Office 主题）")


def repair_parts(parts: dict[str, bytes]) -> tuple[dict[str, bytes], list[Repair]]:
    """The parts of a package (zip entry -> bytes) that need repairing, repaired (and any
    part added), and what was repaired. Parts that need nothing are not returned."""
    changed: dict[str, bytes] = {}
    repairs: list[Repair] = []
    for name, payload in parts.items():
        if not name.endswith(".xml") or not any(ns in payload for ns in _NAMESPACES):
            continue
        try:
            tree = _parse(payload)
        except etree.XMLSyntaxError:
            continue  # not ours to repair: the validator names it
        moved = reorder(tree.getroot())
        if moved:
            changed[name] = _serialize(tree, payload)
            parent, child, follower = moved[0]
            repairs.append(Repair(name, f"{len(moved)} 处子元素的顺序不符合 Office Open XML 规范"
                                        f"（如 {parent} 中的 {child} 应在 {follower} 之前），"
                                        f"生成时已按规范顺序排列"))
    theme = _add_theme(parts, changed)
    if theme is not None:
        repairs.append(theme)
    return changed, repairs


def repair_package(data: bytes) -> tuple[bytes, list[Repair]]:
    """A package's bytes repaired (the same bytes when nothing needs repairing)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        parts = {info.filename: archive.read(info) for info in infos}
    changed, repairs = repair_parts(parts)
    if not changed:
        return data, repairs
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in infos:
            archive.writestr(info.filename, changed.get(info.filename, parts[info.filename]))
        for name in changed.keys() - parts.keys():
            archive.writestr(name, changed[name])
    return out.getvalue(), repairs
