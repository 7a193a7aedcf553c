"""The shipped templates of the project form (templates/project/): the grid, the tags of the
context contract, the merges of the block labels, and the print conventions, read from the
files themselves (an admin's edit that breaks one of these shows here)."""

from __future__ import annotations

import re
import zipfile

from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from tests.conftest import TEMPLATES

DOCX = TEMPLATES / "project" / "自评表.docx"
XLSX = TEMPLATES / "project" / "自评表.xlsx"
GRID = [960, 1060, 1800, 2500, 1400, 1400, 700, 1000, 4580]

# Every value of the contract the form prints, as the templates write it.
TAGS = {
    "year", "money_unit", "project.name", "project.department", "project.unit",
    *(f"funds.{row}.{col}" for row in ("total", "current", "carryover", "other")
      for col in ("initial", "budget", "spent")),
    "budget_weight", "execution_rate|percent", "budget_score|points",
    "goal.target", "goal.completion",
    "row.level1", "row.level2", "row.name", "row.target", "row.actual", "row.weight",
    "row.score|points", "row.reason", "total_weight", "total_score|points",
}


def _tags(texts) -> set[str]:
    found = set()
    for text in texts:
        for tag in re.findall(r"{{\s*(.*?)\s*}}", text):
            found.add(re.sub(r"\|(amount|weight)$", "", tag))  # docx formats amounts/分值 by filter
    return found


def _cells(tr):
    return tr.findall(qn("w:tc"))


def _vmerge(tc) -> str | None:
    tc_pr = tc.find(qn("w:tcPr"))
    merge = tc_pr.find(qn("w:vMerge")) if tc_pr is not None else None
    return None if merge is None else (merge.get(qn("w:val")) or "continue")


def _text(element) -> str:
    return "".join(t.text or "" for t in element.iter(qn("w:t")))


def test_docx_grid_tags_and_label_merges():
    doc = Document(str(DOCX))
    tables = [t._tbl for t in doc.tables]
    assert len(tables) == 2  # top block, indicator table (its header row repeats)
    for tbl in tables:
        assert [int(c.get(qn("w:w"))) for c in tbl.tblGrid.findall(qn("w:gridCol"))] == GRID
    assert _tags(_text(tbl) for tbl in tables) | {"year"} == TAGS
    assert "（{{ year }}年度）" in [p.text for p in doc.paragraphs]

    top, indicators = (tbl.tr_lst for tbl in tables)
    # 项目资金 over its header and four rows, 年度总体目标 over two.
    assert [_vmerge(_cells(tr)[0]) for tr in top] == [
        None, None, "restart", "continue", "continue", "continue", "continue", "restart", "continue"]
    assert _text(_cells(top[2])[0]) == "项目资金（{{ money_unit }}）"
    # 绩效指标: restart in the header row, continued by the loop row and 总分, so every
    # row the loop draws continues it.
    assert [_vmerge(_cells(tr)[0]) for tr in indicators] == ["restart"] + ["continue"] * 4
    assert "{%tr for row in rows %}" in _text(indicators[1])
    assert "{%tr endfor %}" in _text(indicators[3])
    total = _cells(indicators[4])
    assert _text(total[1]) == "总分" and total[1].tcPr.find(qn("w:gridSpan")).get(qn("w:val")) == "5"


def test_docx_print_conventions():
    doc = Document(str(DOCX))
    header, loop_row = doc.tables[1].rows[0]._tr, doc.tables[1].rows[2]._tr
    assert header.trPr.find(qn("w:tblHeader")) is not None
    assert loop_row.trPr.find(qn("w:cantSplit")) is not None
    section = doc.sections[0]
    assert section.page_width > section.page_height  # landscape
    assert round(section.left_margin.mm, 1) == 12.7
    footer = section.footer._element
    instructions = [t.text.strip() for t in footer.iter(qn("w:instrText"))]
    assert instructions == ["PAGE", "NUMPAGES"]
    assert _text(footer).replace(" ", "") == "第1页共1页"
    normal = doc.styles["Normal"].element.rPr
    assert normal.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "宋体"
    assert normal.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    assert doc.styles["Normal"].font.size.pt == 9
    # A justified line ending in a manual break (the renderer's "\n") is stretched.
    body = doc.element.body
    assert not [p for p in body.iter(qn("w:jc")) if p.get(qn("w:val")) in ("both", "distribute")]
    with zipfile.ZipFile(DOCX) as archive:
        assert "word/stylesWithEffects.xml" not in archive.namelist()


def test_xlsx_grid_tags_merges_and_print():
    wb = load_workbook(XLSX)
    ws = wb.active
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert _tags(texts) == TAGS
    merges = {str(r) for r in ws.merged_cells.ranges}
    # Block labels down their blocks; 绩效指标 spans the loop (stretched over its rows).
    assert {"A5:A9", "A10:A11", "A12:A16", "B16:F16", "B4:E4", "G4:I4"} <= merges
    assert ws["A12"].value == "绩效指标" and ws["B16"].value == "总分"
    assert ws["B13"].value == "{%tr for row in rows %}" and ws["B15"].value == "{%tr endfor %}"
    assert ws["D6"].number_format == "#,##0.00##"  # 89.974 keeps its decimals
    assert ws.print_title_rows == "$12:$12"  # the indicator header on every page
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.page_setup.fitToHeight == 0
    assert (ws["A3"].font.name, ws["A3"].font.sz) == ("宋体", 10)
    for ref in ("B11", "F11", "I14"):  # texts that may hold line breaks
        assert ws[ref].alignment.horizontal == "left" and ws[ref].alignment.wrap_text
