"""Builds the initial Word template templates/department/自评表.docx.

Run once by a developer (`python tools/build_docx_template.py`). After that, the
.docx in templates/ is the source of truth: admins edit it in Word or WPS, and this
script is only a record of how the first version was laid out (layout.md).
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips

sys.path.insert(0, str(Path(__file__).parent))
from docx_print_setup import apply  # noqa: E402

BODY_FONT, TITLE_FONT = "宋体", "黑体"
CENTER, LEFT, JUSTIFY = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.JUSTIFY

# Widths in twips (1/1440 inch); both tables are 15400 twips wide (A4 landscape,
# 12.7 mm margins). Indicator table in the proportions of layout.md, with the narrow
# number columns widened just enough for "0.5" and "19.54" at 9 pt.
INDICATOR_GRID = [560, 480, 560, 480, 1100, 480, 1700, 700, 6358, 2982]
# Top table: label | 总预算 | six budget columns; the goals text spans 2 columns.
TOP_GRID = [1040, 1160, 2200, 2200, 2200, 2200, 2200, 2200]


def set_fonts(element_rpr_owner, name: str) -> None:
    rpr = element_rpr_owner.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def style_document(doc) -> None:
    normal = doc.styles["Normal"]
    normal.font.size = Pt(9)
    set_fonts(normal.element, BODY_FONT)
    pf = normal.paragraph_format
    pf.space_before = pf.space_after = Pt(0)
    pf.line_spacing = 1.0
    # Chinese documents: no widow control, allow punctuation compression.
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.left_margin = section.right_margin = Mm(12.7)
    section.top_margin = section.bottom_margin = Mm(12.7)
    section.header_distance = section.footer_distance = Mm(6)


def add_title(doc, text: str, size: int, font: str, space_after: int = 0) -> None:
    paragraph = doc.add_paragraph()
    paragraph.alignment = CENTER
    paragraph.paragraph_format.space_after = Pt(space_after)
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    set_fonts(run._r, font)


def make_table(doc, grid: list[int], rows: int):
    table = doc.add_table(rows=rows, cols=len(grid))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    tbl = table._tbl
    tbl_pr = tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    width = tbl_pr.find(qn("w:tblW"))
    if width is None:
        width = OxmlElement("w:tblW")
        tbl_pr.append(width)
    width.set(qn("w:w"), str(sum(grid)))
    width.set(qn("w:type"), "dxa")
    margins = OxmlElement("w:tblCellMar")
    for side, value in (("left", 57), ("right", 57), ("top", 28), ("bottom", 28)):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(value))
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    tbl_pr.append(margins)
    for col, w in zip(tbl.tblGrid.findall(qn("w:gridCol")), grid, strict=True):
        col.set(qn("w:w"), str(w))
    for row in table.rows:
        for index, cell in enumerate(row.cells):
            cell.width = Twips(grid[index])
    return table


def put(cell, lines: list[str] | str, align=CENTER) -> None:
    """Write lines (one paragraph each) into a cell, centred vertically."""
    if isinstance(lines, str):
        lines = [lines]
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    first = cell.paragraphs[0]
    for index, line in enumerate(lines):
        paragraph = first if index == 0 else cell.add_paragraph()
        paragraph.alignment = align
        paragraph.add_run(line)


def merge(table, r1, c1, r2, c2):
    return table.cell(r1, c1).merge(table.cell(r2, c2))


def build_top_table(doc) -> None:
    t = make_table(doc, TOP_GRID, rows=10)
    put(merge(t, 0, 0, 0, 7), "部门基本情况", LEFT)
    # 部门名称 | name | 单位数： | units
    put(t.cell(1, 0), "部门名称")
    put(merge(t, 1, 1, 1, 5), "{{ department.name }}", LEFT)
    put(t.cell(1, 6), "单位数：")
    put(t.cell(1, 7), "{{ department.units }}")
    # Goals block: rows 2-5
    put(merge(t, 2, 0, 5, 0), ["年度整体", "绩效目标"])  # the original's line breaks
    put(merge(t, 2, 1, 5, 2), [
        "{%p for goal in goals %}",
        "目标{{ goal.number }}：{{ goal.target }}",
        "{%p endfor %}",
    ], JUSTIFY)
    put(merge(t, 2, 3, 2, 7), "整体绩效目标完成情况")
    put(merge(t, 3, 3, 3, 7), [
        "{%p for paragraph in completion_paragraphs %}",
        "{{ paragraph }}",
        "{%p endfor %}",
    ], JUSTIFY)
    put(merge(t, 4, 3, 4, 7), "未能完成原因")
    put(merge(t, 5, 3, 5, 7), "{{ unmet_reason }}", LEFT)
    # Budget block: rows 6-9
    put(merge(t, 6, 0, 9, 0), ["年度部", "门预算", "情况"])
    put(merge(t, 6, 1, 8, 1), ["总预算", "（万元）"])
    put(merge(t, 6, 2, 6, 7), "年度预算资金类别")
    put(merge(t, 7, 2, 7, 3), "部门预算")
    put(merge(t, 7, 4, 7, 5), "事业发展支出")
    put(merge(t, 7, 6, 7, 7), ["事业发展支出", "(按预算级次划分)"])
    for col, label in enumerate(
            ["基本支出", "项目支出", "专项资金", "其他事业发展支出", "市本级资金", "对下转移支付"],
            start=2):
        put(t.cell(8, col), label)
    for col, key in enumerate(
            ["total", "basic", "project", "special", "other", "city", "transfer"], start=1):
        put(t.cell(9, col), "{{ budget." + key + "|money }}")


def mark_header_row(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    tr_pr.append(header)


def build_indicator_table(doc) -> None:
    t = make_table(doc, INDICATOR_GRID, rows=6)
    headers = [["一级指标"], ["分值"], ["二级指标"], ["分值"], ["三级指标"], ["分值"],
               ["指标解释"], ["得分/", "自评分"], ["未达标原因"], ["改进措施"]]
    for col, text in enumerate(headers):
        put(t.cell(0, col), text)
    mark_header_row(t.rows[0])
    put(t.cell(1, 0), "{%tr for row in rows %}")
    fields = [
        ("{{ row.level1 }}", CENTER), ("{{ row.level1_weight|weight }}", CENTER),
        ("{{ row.level2 }}", CENTER), ("{{ row.level2_weight|weight }}", CENTER),
        ("{{ row.name }}", CENTER), ("{{ row.weight|weight }}", CENTER),
        ("{{ row.explanation }}", LEFT), ("{{ row.score|score }}", CENTER),
        ("{{ row.reason }}", JUSTIFY), ("{{ row.measure }}", JUSTIFY),
    ]
    for col, (text, align) in enumerate(fields):
        put(t.cell(2, col), text, align)
    put(t.cell(3, 0), "{%tr endfor %}")
    put(merge(t, 4, 0, 4, 4), "总分")
    put(t.cell(4, 5), "{{ total_weight|weight }}")
    put(t.cell(4, 7), "{{ total_score|score }}")
    merge(t, 4, 8, 4, 9)
    put(merge(t, 5, 0, 5, 4), "评价等级")
    put(merge(t, 5, 5, 5, 9),
        "{{ check.excellent }}优  90分≤得分≤100分；{{ check.good }}良  80分≤得分＜90分；"
        "{{ check.fair }}中  60分≤得分＜80分；{{ check.poor }}差  得分＜60分", LEFT)


def spacer(doc) -> None:
    """A hairline paragraph between the two tables (Word joins adjacent tables)."""
    paragraph = doc.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.line_spacing = Pt(1)
    fmt.space_before = fmt.space_after = Pt(0)
    run = paragraph.add_run()
    run.font.size = Pt(1)


def build(target: Path) -> None:
    doc = Document()
    style_document(doc)
    add_title(doc, "部门整体支出绩效自评表", 18, TITLE_FONT)
    add_title(doc, "（{{ year }}年度）", 12, BODY_FONT, space_after=6)
    build_top_table(doc)
    spacer(doc)
    build_indicator_table(doc)
    # The document ends with the paragraph Word requires after a table; keep it tiny.
    body = doc.element.body
    doc.core_properties.title = "部门整体支出绩效自评表"
    doc.core_properties.author = "reportgen"
    doc.save(target)
    del body
    # Table properties in schema order, no stylesWithEffects, zh-CN, footer, cantSplit rows.
    target.write_bytes(apply(target.read_bytes()))


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "templates/department/自评表.docx")
    build(out)
    print(f"wrote {out}")
