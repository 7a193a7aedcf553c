"""Builds the initial Word template of the project form, templates/project/自评表.docx.

Run once by a developer (`python tools/build_project_docx_template.py`). After that, the
.docx in templates/project/ is the source of truth: admins edit it in Word or WPS, and
this script is only a record of how the first version was laid out (project-form.md,
"Layout"; conventions of layout.md).

The form is one grid of nine columns, drawn as two tables with the same grid so that
every column edge lines up:

- the top table: 项目名称, 主管部门/实施单位, the 项目资金 block (its label merged down 5
  rows) and the 年度总体目标 block (label merged down 2 rows);
- the indicator table: its header row (repeated at the top of each page, w:tblHeader,
  which Word honours only for the first rows of a table), the row loop
  ``{%tr for row in rows %}`` … ``{%tr endfor %}`` and 总分. The 绩效指标 label starts a
  vertical merge in the header row (vMerge restart); the loop row and the 总分 row
  continue it (vMerge continue), so every row the loop draws continues the label: no
  renderer code is needed for this merge. 总分 spans 一级指标 … 实际完成值 (B:F), beside
  the label: see build_indicator_table for why the label does not stop above it.

Columns (twips; 15400 = A4 landscape less 12.7 mm margins):

| col | indicator rows | funds rows         | width |
| --- | -------------- | ------------------ | ----- |
| A   | 绩效指标 label  | 项目资金 label      | 960   |
| B   | 一级指标        | 年度资金总额 (B:C)  | 1060  |
| C   | 二级指标        |                    | 1800  |
| D   | 三级指标        | 年初预算数          | 2500  |
| E   | 年度指标值      | 全年预算数          | 1400  |
| F   | 实际完成值      | 全年执行数          | 1400  |
| G   | 分值            | 分值               | 700   |
| H   | 得分            | 执行率             | 1000  |
| I   | 偏差原因分析及改进措施 | 得分         | 4580  |

At 9 pt a Chinese character takes 180 twips and a cell's side margins 114, so no column
header wraps inside a word (偏差原因分析及改进措施 fits on one line), nor do the usual
category names (满意度指标 in 一级指标, 服务对象满意度指标 in 二级指标).

Alignment: labels and numbers centred; texts that may hold line breaks (the goals, the
偏差原因分析) left-aligned, never justified: the renderer turns a line break into
<w:br/>, and a justified line ending in a manual break is stretched across the cell.

The package is made valid Open XML (openxml-audit): table properties in schema order,
python-docx's word/stylesWithEffects.xml (which disagrees with styles.xml) and the
thumbnail of its blank document dropped.
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Callable
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips
from package_parts import read_parts, write_parts

TITLE = "项目支出绩效自评表"
BODY_FONT, TITLE_FONT = "宋体", "黑体"
CENTER, LEFT = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT

GRID = [960, 1060, 1800, 2500, 1400, 1400, 700, 1000, 4580]
assert sum(GRID) == 15400  # the text width of the page
ROW_HEIGHT = 397  # twips (7 mm): the least height of a form row
TEXT_ROW_HEIGHT = 1134  # twips (2 cm): the least height of the goals' text row
DASH = "—"


# ---------------------------------------------------------------- document

def xml_element(tag: str, **attributes: str):
    element = OxmlElement(tag)
    for name, value in attributes.items():
        element.set(qn(f"w:{name}"), value)
    return element


def set_fonts(rpr, name: str, latin: str | None = None) -> None:
    """Chinese text in `name`, the rest in `latin` (by default `name` too)."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    latin = name if latin is None else latin
    for attr, value in (("w:ascii", latin), ("w:hAnsi", latin), ("w:eastAsia", name), ("w:cs", latin)):
        fonts.set(qn(attr), value)


def set_language(rpr) -> None:
    """Chinese text is zh-CN (so PDF export picks the Simplified Chinese glyphs)."""
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        later = [rpr.find(qn(f"w:{tag}")) for tag in ("eastAsianLayout", "specVanish", "oMath",
                                                       "rPrChange")]
        following = next((el for el in later if el is not None), None)
        if following is not None:
            following.addprevious(lang)
        else:
            rpr.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    lang.set(qn("w:bidi"), "ar-SA")


def document_defaults(doc, font: str, latin: str | None, size: int, line: int, line_rule: str):
    """The document's default run (fonts, zh-CN, `size` in half-points) and paragraph
    (nothing after, `line` by `line_rule`), and the Normal style's fonts, language and
    size; returns Normal's run properties (w:rPr). Also used by build_report_template."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    default_rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(default_rpr, font, latin)
    set_language(default_rpr)
    for tag in ("w:sz", "w:szCs"):
        default_rpr.find(qn(tag)).set(qn("w:val"), str(size))
    default_spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    for attr, value in (("after", "0"), ("line", str(line)), ("lineRule", line_rule)):
        default_spacing.set(qn(f"w:{attr}"), value)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(size / 2)
    rpr = normal.element.get_or_add_rPr()
    set_fonts(rpr, font, latin)
    set_language(rpr)
    return rpr


def style_document(doc) -> None:
    document_defaults(doc, BODY_FONT, None, 18, 240, "auto")
    normal = doc.styles["Normal"]
    fmt = normal.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = 1.0
    fmt.widow_control = False

    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.left_margin = section.right_margin = Mm(12.7)
    section.top_margin = section.bottom_margin = Mm(12.7)
    section.header_distance = section.footer_distance = Mm(6)


def add_field(paragraph, instruction: str, shown: str) -> None:
    """A complex field (PAGE, NUMPAGES) with its last result shown until updated."""
    for kind in ("begin", None, "separate", shown, "end"):
        run = paragraph.add_run()
        if kind in ("begin", "separate", "end"):
            run._r.append(xml_element("w:fldChar", fldCharType=kind))
        elif kind is None:
            text = OxmlElement("w:instrText")
            text.set(qn("xml:space"), "preserve")
            text.text = f" {instruction} "
            run._r.append(text)
        else:
            run.text = kind


def add_page_footer(doc) -> None:
    """第 N 页 共 M 页, centred."""
    paragraph = doc.sections[0].footer.paragraphs[0]
    paragraph.alignment = CENTER
    paragraph.add_run("第 ")
    add_field(paragraph, "PAGE", "1")
    paragraph.add_run(" 页 共 ")
    add_field(paragraph, "NUMPAGES", "1")
    paragraph.add_run(" 页")
    for run in paragraph.runs:
        run.font.size = Pt(9)


def add_title(doc, text: str, size: int, font: str, space_after: int = 0) -> None:
    paragraph = doc.add_paragraph()
    paragraph.alignment = CENTER
    fmt = paragraph.paragraph_format
    fmt.space_after = Pt(space_after)
    fmt.keep_with_next = True
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    set_fonts(run._r.get_or_add_rPr(), font)


# ---------------------------------------------------------------- tables

TBL_PR_ORDER = ["tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
                "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders",
                "shd", "tblLayout", "tblCellMar", "tblLook"]


def table_properties(tbl_pr, width: int) -> None:
    """Fixed layout, full width, narrow cell margins; children in the schema's order."""
    width_el = tbl_pr.find(qn("w:tblW"))
    if width_el is None:
        width_el = OxmlElement("w:tblW")
        tbl_pr.append(width_el)
    width_el.set(qn("w:w"), str(width))
    width_el.set(qn("w:type"), "dxa")
    tbl_pr.append(xml_element("w:tblLayout", type="fixed"))
    margins = OxmlElement("w:tblCellMar")
    for side, value in (("top", 28), ("left", 57), ("bottom", 28), ("right", 57)):
        margins.append(xml_element(f"w:{side}", w=str(value), type="dxa"))
    tbl_pr.append(margins)
    children = sorted(tbl_pr, key=lambda el: TBL_PR_ORDER.index(el.tag.split("}")[1]))
    for child in children:
        tbl_pr.append(child)  # re-appending moves it: the children end up in order


def make_table(doc, rows: int):
    table = doc.add_table(rows=rows, cols=len(GRID))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    tbl = table._tbl
    table_properties(tbl.tblPr, sum(GRID))
    for col, width in zip(tbl.tblGrid.findall(qn("w:gridCol")), GRID, strict=True):
        col.set(qn("w:w"), str(width))
    for row in table.rows:
        for index, cell in enumerate(row.cells):
            cell.width = Twips(GRID[index])
        row_properties(row, height=ROW_HEIGHT)
    return table


def row_properties(row, *, height: int | None = None, keep: bool = True,
                   header: bool = False) -> None:
    """A row's least height, whether it may break across pages, whether it repeats."""
    tr_pr = row._tr.get_or_add_trPr()
    for tag in ("w:cantSplit", "w:trHeight", "w:tblHeader"):
        for old in tr_pr.findall(qn(tag)):
            tr_pr.remove(old)
    if keep:
        tr_pr.append(OxmlElement("w:cantSplit"))
    if height:
        tr_pr.append(xml_element("w:trHeight", val=str(height), hRule="atLeast"))
    if header:
        tr_pr.append(OxmlElement("w:tblHeader"))


def put(cell, lines: list[str] | str, align=CENTER) -> None:
    """Write lines (one paragraph each) into a cell, centred vertically."""
    if isinstance(lines, str):
        lines = [lines]
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    first = cell.paragraphs[0]
    for index, line in enumerate(lines):
        paragraph = first if index == 0 else cell.add_paragraph()
        paragraph.alignment = align
        if line:
            paragraph.add_run(line)


def merge(table, r1, c1, r2, c2):
    return table.cell(r1, c1).merge(table.cell(r2, c2))


FUND_ROWS = [("年度资金总额", "total"), ("其中：当年财政拨款", "current"),
             ("上年结转资金", "carryover"), ("其他资金", "other")]


def build_top_table(doc) -> None:
    t = make_table(doc, rows=9)
    put(t.cell(0, 0), "项目名称")
    put(merge(t, 0, 1, 0, 8), "{{ project.name }}", LEFT)
    put(t.cell(1, 0), "主管部门")
    put(merge(t, 1, 1, 1, 4), "{{ project.department }}", LEFT)
    put(t.cell(1, 5), "实施单位")
    put(merge(t, 1, 6, 1, 8), "{{ project.unit }}", LEFT)

    # 项目资金: rows 2-6
    put(merge(t, 2, 0, 6, 0), ["项目资金", "（{{ money_unit }}）"])
    merge(t, 2, 1, 2, 2)
    for col, label in enumerate(["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
                                start=3):
        put(t.cell(2, col), label)
    for offset, (label, key) in enumerate(FUND_ROWS):
        row = 3 + offset
        put(merge(t, row, 1, row, 2), label)
        for col, field in enumerate(("initial", "budget", "spent"), start=3):
            put(t.cell(row, col), "{{ funds." + key + "." + field + "|amount }}")
        if key == "total":
            put(t.cell(row, 6), "{{ budget_weight|weight }}")
            put(t.cell(row, 7), "{{ execution_rate|percent }}")
            put(t.cell(row, 8), "{{ budget_score|points }}")
        else:
            for col in (6, 7, 8):
                put(t.cell(row, col), DASH)

    # 年度总体目标: rows 7-8
    put(merge(t, 7, 0, 8, 0), ["年度总体", "目标"])
    put(merge(t, 7, 1, 7, 4), "预期目标")
    put(merge(t, 7, 5, 7, 8), "实际完成情况")
    for cell, text in ((merge(t, 8, 1, 8, 4), "{{ goal.target }}"),
                       (merge(t, 8, 5, 8, 8), "{{ goal.completion }}")):
        put(cell, text, LEFT)
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP  # texts start top left
    # The texts' row may be tall: it may break across pages, and starts 2 cm high.
    row_properties(t.rows[8], height=TEXT_ROW_HEIGHT, keep=False)


def build_indicator_table(doc) -> None:
    t = make_table(doc, rows=5)
    # 绩效指标: vMerge restart in the header row, continue in both marker rows, in the loop
    # row (so each drawn row continues it) and in the 总分 row, the last of the table.
    # (Ending the merge above 总分 instead, with 总分 spanning A:F as in the spec's
    # drawing, makes LibreOffice draw a stray cell in column A of the 总分 row whenever
    # the table runs onto a second page, because the repeated header row holds the start
    # of the merge.)
    put(merge(t, 0, 0, 4, 0), "绩效指标")
    headers = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
               "偏差原因分析及改进措施"]
    for col, text in enumerate(headers, start=1):
        put(t.cell(0, col), text)
    row_properties(t.rows[0], height=ROW_HEIGHT, header=True)
    put(t.cell(1, 1), "{%tr for row in rows %}", LEFT)
    fields = [("{{ row.level1 }}", CENTER), ("{{ row.level2 }}", CENTER),
              ("{{ row.name }}", CENTER), ("{{ row.target }}", CENTER),
              ("{{ row.actual }}", CENTER), ("{{ row.weight|weight }}", CENTER),
              ("{{ row.score|points }}", CENTER), ("{{ row.reason }}", LEFT)]
    for col, (text, align) in enumerate(fields, start=1):
        put(t.cell(2, col), text, align)
    put(t.cell(3, 1), "{%tr endfor %}", LEFT)
    put(merge(t, 4, 1, 4, 5), "总分")
    put(t.cell(4, 6), "{{ total_weight|weight }}")
    put(t.cell(4, 7), "{{ total_score|points }}")
    put(t.cell(4, 8), "")


def spacer(doc) -> None:
    """A hairline paragraph between the two tables (without it Word joins adjacent tables,
    and the indicator header would no longer be the first row of its table)."""
    paragraph = doc.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.keep_with_next = True
    tiny(paragraph)


def tiny(paragraph) -> None:
    """A paragraph 0.1 pt high (exact line height, 1 pt mark): where it separates two
    tables, their borders meet as one line."""
    ppr = paragraph._p.get_or_add_pPr()
    spacing = ppr.find(qn("w:spacing"))
    if spacing is None:
        spacing = OxmlElement("w:spacing")
        ppr._insert_spacing(spacing)
    spacing.set(qn("w:line"), "2")
    spacing.set(qn("w:lineRule"), "exact")
    rpr = OxmlElement("w:rPr")
    rpr.append(xml_element("w:sz", val="2"))
    rpr.append(xml_element("w:szCs", val="2"))
    ppr.append(rpr)


def shrink_last_paragraph(doc) -> None:
    """The paragraph Word requires after the last table: 1 pt, so it never adds a page."""
    paragraph = doc.paragraphs[-1]
    fmt = paragraph.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    tiny(paragraph)


# ---------------------------------------------------------------- package clean-up

def _drop_parts(data: bytes, dropped: set[str]) -> bytes:
    """The package without the given parts, their relationships and content types."""
    parts = dict(read_parts(data))
    for name in dropped:
        parts.pop(name, None)
    for rels in [n for n in parts if n.endswith(".rels")]:
        text = parts[rels].decode("utf-8")
        for name in dropped:
            target = name.split("/")[-1] if rels.startswith("word/") else name
            text = re.sub(rf'<Relationship [^>]*Target="/?{re.escape(target)}"[^>]*/>', "", text)
        parts[rels] = text.encode("utf-8")
    types = parts["[Content_Types].xml"].decode("utf-8")
    for name in dropped:
        types = re.sub(rf'<Override [^>]*PartName="/{re.escape(name)}"[^>]*/>', "", types)
    parts["[Content_Types].xml"] = types.encode("utf-8")
    return write_parts(parts.items())


def build(target: Path) -> None:
    doc = Document()
    style_document(doc)
    add_page_footer(doc)
    add_title(doc, TITLE, 18, TITLE_FONT)
    add_title(doc, "（{{ year }}年度）", 12, BODY_FONT, space_after=6)
    build_top_table(doc)
    spacer(doc)
    build_indicator_table(doc)
    doc.add_paragraph()
    shrink_last_paragraph(doc)
    save(doc, target, TITLE)


def save(doc, target: Path, title: str, finish: Callable[[bytes], bytes] | None = None) -> None:
    """Write `doc` to `target` with fixed document properties and without the parts a
    template does not need (python-docx's stylesWithEffects and thumbnail), the package
    passed through `finish` if given. Also used by build_report_template."""
    doc.core_properties.title = title
    doc.core_properties.author = "reportgen"
    doc.core_properties.last_modified_by = "reportgen"
    doc.core_properties.revision = 1
    doc.core_properties.comments = ""
    buffer = io.BytesIO()
    doc.save(buffer)
    data = _drop_parts(buffer.getvalue(), {"word/stylesWithEffects.xml", "docProps/thumbnail.jpeg"})
    if finish is not None:
        data = finish(data)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "templates/project/自评表.docx")
    build(out)
    print(f"wrote {out}")
