"""Print and validity settings of the Word template, shared by build_docx_template.py and
by a one-off update of templates/department/自评表.docx (run: python tools/docx_print_setup.py FILE).

- table properties in schema order (CT_TblPr: … tblBorders, shd, tblLayout, tblCellMar,
  tblLook …; CT_TblCellMar: top, left, bottom, right), else Word offers to repair the file;
- no word/stylesWithEffects.xml (python-docx's default template carries a stale copy that
  disagrees with styles.xml; Word 2010+ does not need the part);
- East-Asian language zh-CN in the document defaults (LibreOffice then sets the text in the
  Simplified Chinese faces; Word uses it for line breaking and punctuation);
- a footer 第 N 页 共 M 页 (PAGE / NUMPAGES fields);
- w:cantSplit on the rows that must not break across pages: every row of the indicator
  table, the short rows of the top table (the tall narrative rows may break).
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
FOOTER_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
FOOTER_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"
SWE_TYPE = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"

TBLPR_ORDER = ["tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
               "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders",
               "shd", "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription"]
CELLMAR_ORDER = ["top", "start", "left", "bottom", "end", "right"]
# Rows of the top table that hold the narrative (goals, completion, unmet reason): may break.
NARRATIVE_TEXT = ("{%p for goal", "{%p for paragraph", "{{ unmet_reason")


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _local(el) -> str:
    return etree.QName(el).localname


def order_children(parent, order: list[str]) -> None:
    rank = {name: i for i, name in enumerate(order)}
    children = list(parent)
    for child in children:
        parent.remove(child)
    for child in sorted(children, key=lambda c: rank.get(_local(c), len(order))):
        parent.append(child)


def fix_table_properties(root) -> None:
    for tbl_pr in root.iter(w("tblPr")):
        order_children(tbl_pr, TBLPR_ORDER)
        for margins in tbl_pr.iter(w("tblCellMar")):
            order_children(margins, CELLMAR_ORDER)


def _text(el) -> str:
    return "".join(t.text or "" for t in el.iter(w("t")))


def mark_cant_split(root) -> None:
    tables = root.find(w("body")).findall(w("tbl"))
    for index, tbl in enumerate(tables):
        for tr in tbl.findall(w("tr")):
            if index == 0 and any(mark in _text(tr) for mark in NARRATIVE_TEXT):
                continue
            if index == 0 and _row_is_inside_narrative_merge(tr):
                continue
            tr_pr = tr.find(w("trPr"))
            if tr_pr is None:
                tr_pr = etree.Element(w("trPr"))
                after = tr.find(w("tblPrEx"))
                tr.insert(0 if after is None else 1, tr_pr)
            if tr_pr.find(w("cantSplit")) is None:
                tr_pr.insert(0, etree.Element(w("cantSplit")))


def _row_is_inside_narrative_merge(tr) -> bool:
    """A top-table row between narrative rows (the 年度整体绩效目标 block): its height
    follows the goals text, so it may break as well."""
    return any(tc.find(f"{w('tcPr')}/{w('vMerge')}") is not None
               and tc.find(f"{w('tcPr')}/{w('vMerge')}").get(w("val")) in (None, "continue")
               and tc.find(f"{w('tcPr')}/{w('gridSpan')}") is not None
               for tc in tr.findall(w("tc")))


def declare_language(styles) -> None:
    defaults = styles.find(w("docDefaults"))
    rpr = defaults.find(f"{w('rPrDefault')}/{w('rPr')}")
    lang = rpr.find(w("lang"))
    if lang is None:
        lang = etree.SubElement(rpr, w("lang"))
    lang.set(w("val"), "en-US")
    lang.set(w("eastAsia"), "zh-CN")
    lang.set(w("bidi"), "ar-SA")


def _fld(instr: str) -> str:
    run = '<w:r><w:rPr><w:rFonts w:ascii="宋体" w:hAnsi="宋体" w:eastAsia="宋体"/><w:sz w:val="18"/></w:rPr>'
    return (f'{run}<w:fldChar w:fldCharType="begin"/></w:r>'
            f'{run}<w:instrText xml:space="preserve"> {instr} </w:instrText></w:r>'
            f'{run}<w:fldChar w:fldCharType="separate"/></w:r>'
            f'{run}<w:t>1</w:t></w:r>'
            f'{run}<w:fldChar w:fldCharType="end"/></w:r>')


def footer_xml() -> bytes:
    run = '<w:r><w:rPr><w:rFonts w:ascii="宋体" w:hAnsi="宋体" w:eastAsia="宋体"/><w:sz w:val="18"/></w:rPr>'
    text = lambda s: f'{run}<w:t xml:space="preserve">{s}</w:t></w:r>'  # noqa: E731
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<w:ftr xmlns:w="{W}" xmlns:r="{R}"><w:p><w:pPr><w:jc w:val="center"/></w:pPr>'
            f'{text("第 ")}{_fld("PAGE")}{text(" 页 共 ")}{_fld("NUMPAGES")}{text(" 页")}'
            f'</w:p></w:ftr>').encode()


def add_footer(root, rels) -> str:
    """Reference footer1.xml from the section; returns the relationship id."""
    ids = {rel.get("Id") for rel in rels}
    for rel in rels:
        if rel.get("Type") == FOOTER_TYPE:
            return rel.get("Id")
    rid = next(f"rId{n}" for n in range(1, 1000) if f"rId{n}" not in ids)
    etree.SubElement(rels, f"{{{PKG_REL}}}Relationship", Id=rid, Type=FOOTER_TYPE, Target="footer1.xml")
    sect = root.find(w("body")).find(w("sectPr"))
    ref = etree.Element(w("footerReference"))
    ref.set(w("type"), "default")
    ref.set(f"{{{R}}}id", rid)
    sect.insert(0, ref)
    return rid


def _serialize(tree) -> bytes:
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", standalone=True)


def apply(data: bytes) -> bytes:
    """The template package with all the settings above."""
    source = zipfile.ZipFile(io.BytesIO(data))
    parts = {info.filename: source.read(info) for info in source.infolist()}
    document = etree.fromstring(parts["word/document.xml"])
    rels = etree.fromstring(parts["word/_rels/document.xml.rels"])
    types = etree.fromstring(parts["[Content_Types].xml"])
    styles = etree.fromstring(parts["word/styles.xml"])

    fix_table_properties(document)
    mark_cant_split(document)
    declare_language(styles)
    for rel in list(rels):
        if rel.get("Type") == SWE_TYPE:
            rels.remove(rel)
    for override in list(types):
        if override.get("PartName") == "/word/stylesWithEffects.xml":
            types.remove(override)
    parts.pop("word/stylesWithEffects.xml", None)
    if "word/footer1.xml" not in parts:
        add_footer(document, rels)
        etree.SubElement(types, f"{{{CT}}}Override", PartName="/word/footer1.xml", ContentType=FOOTER_CT)
        parts["word/footer1.xml"] = footer_xml()
    parts["word/document.xml"] = _serialize(document)
    parts["word/_rels/document.xml.rels"] = _serialize(rels)
    parts["[Content_Types].xml"] = _serialize(types)
    parts["word/styles.xml"] = _serialize(styles)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, payload in parts.items():
            archive.writestr(name, payload)
    return out.getvalue()


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "templates/department/自评表.docx")
    target.write_bytes(apply(target.read_bytes()))
    print(f"updated {target}")
