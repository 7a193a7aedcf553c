"""Builds the Word templates of the 自评报告 (self-report.md):

    python tools/build_report_template.py            # both kinds
    python tools/build_report_template.py department # or one

writes templates/department/自评报告.docx and templates/project/自评报告.docx. As with the
forms' templates, the .docx is the source of truth once admins edit it; this script is the
record of how the first version was made, and makes it again byte for byte.

Layout (self-report.md §4, GB/T 9704-2012 in Word units): A4 portrait, margins 37/35/28/26 mm
(w:pgMar 2098/1984/1587/1474), 22 lines of 28 characters (docGrid linesAndChars, linePitch
579, charSpace -842), body 3号仿宋_GB2312 (sz 32) with digits in Times New Roman, justified
and indented 2 characters, exactly 28.95 pt a line; title 2号小标宋 (sz 44) centred; headings
3号: 一、 黑体, （一） 楷体_GB2312; page numbers “— 1 —” in 4号宋体, odd pages right, even
pages left, one character in (evenAndOddHeaders). Tables: title 小四 bold, cells 五号 single
spaced, the header row repeated (tblHeader), no row split across pages (cantSplit).

Style names: 报告标题, 报告正文, 一级标题, 二级标题, 三级标题, 表题, 表格文字. (The spec's
标题 and 正文 are the names Chinese Word shows for its built-in Title and Normal styles; a
custom style of the same name is confusing to an admin there.)

Placeholders are yellow-highlighted 【待填写：…】 runs, inside {% if %} / {%p if %} so that
admins can reword them. An inline choice is written as three runs:
  [plain “…{% if x %}{{ x }}{% else %}”] [highlighted “【待填写：…】{% endif %}”] [plain “…”]
so that whichever branch is rendered the runs stay well formed and only the placeholder is
highlighted.
"""

from __future__ import annotations

import sys
from pathlib import Path

from build_project_docx_template import add_field, document_defaults, save, set_fonts, xml_element
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips
from package_parts import read_parts, write_parts

ROOT = Path(__file__).resolve().parent.parent
FANGSONG, KAITI, HEITI, XIAOBIAOSONG, SONG, LATIN = (
    "仿宋_GB2312", "楷体_GB2312", "黑体", "方正小标宋简体", "宋体", "Times New Roman")
CHAR_SPACING = -5  # twentieths of a point, on the 3号 styles
LINE = 579  # twips: 28.95 pt, 22 lines in the 225 mm 版心
TEXT_WIDTH = 11906 - 1587 - 1474  # 8845 twips: 156 mm
CENTER, RIGHT, LEFT, JUSTIFY = (WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT,
                                WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.JUSTIFY)
BANNER = "【草稿：黄色底纹处须补写，其余须核对；完成后删除本段，再盖章公开。】"


# ---------------------------------------------------------------- styles and page

def fonts(rpr, east_asia: str, latin: str = LATIN) -> None:
    set_fonts(rpr, east_asia, latin)


def paragraph_style(doc, name: str, *, font: str, size: int, align=JUSTIFY, indent: bool = True,
                    bold: bool = False, exact: int | None = LINE, keep_next: bool = False, grid: bool = True):
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["Normal"]
    style.quick_style = True
    style.font.size = Pt(size / 2)
    style.font.bold = bold
    rpr = style.element.get_or_add_rPr()
    fonts(rpr, font, SONG if font == SONG else LATIN)
    fmt = style.paragraph_format
    fmt.alignment = align
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.keep_with_next = keep_next
    ppr = style.element.get_or_add_pPr()
    spacing = ppr.find(qn("w:spacing"))
    if exact:
        spacing.set(qn("w:line"), str(exact))
        spacing.set(qn("w:lineRule"), "exact")
    else:
        spacing.set(qn("w:line"), "240")
        spacing.set(qn("w:lineRule"), "auto")
    if indent:
        ppr.append(xml_element("w:ind", firstLineChars="200", firstLine=str(size * 20)))
    if size == 32:  # 28 characters a line: 16 pt less 0.25 pt each (8845 twips / 28 = 15.8 pt)
        rpr.append(xml_element("w:spacing", val=str(CHAR_SPACING)))
    if not grid:  # table text: single spaced, characters not spread to the page's grid
        spacing.addprevious(xml_element("w:snapToGrid", val="0"))
        rpr.append(xml_element("w:snapToGrid", val="0"))
    order_ppr(ppr)
    _order(rpr, _RPR_ORDER)
    return style


_PPR_ORDER = ["pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
              "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
              "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd",
              "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc",
              "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle",
              "rPr", "sectPr", "pPrChange"]
_RPR_ORDER = ["rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline",
              "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing",
              "w", "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText",
              "vertAlign", "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath"]


def _order(parent, order: list[str]) -> None:
    for child in sorted(parent, key=lambda el: order.index(el.tag.split("}")[1])):
        parent.append(child)


def order_ppr(ppr) -> None:
    _order(ppr, _PPR_ORDER)
    rpr = ppr.find(qn("w:rPr"))
    if rpr is not None:
        _order(rpr, _RPR_ORDER)


def style_document(doc) -> None:
    rpr = document_defaults(doc, FANGSONG, LATIN, 32, LINE, "exact")
    _order(rpr, _RPR_ORDER)
    normal = doc.styles["Normal"]
    normal.paragraph_format.widow_control = False
    paragraph_style(doc, "报告标题", font=XIAOBIAOSONG, size=44, align=CENTER, indent=False, keep_next=True)
    paragraph_style(doc, "报告正文", font=FANGSONG, size=32)
    paragraph_style(doc, "一级标题", font=HEITI, size=32, keep_next=True)
    paragraph_style(doc, "二级标题", font=KAITI, size=32, keep_next=True)
    paragraph_style(doc, "三级标题", font=FANGSONG, size=32, keep_next=True)
    paragraph_style(doc, "表题", font=FANGSONG, size=24, align=CENTER, indent=False, bold=True, exact=None,
                    keep_next=True, grid=False)
    paragraph_style(doc, "表格文字", font=FANGSONG, size=21, align=CENTER, indent=False, exact=None, grid=False)
    settings = doc.settings.element
    settings.append(xml_element("w:evenAndOddHeaders"))
    _order(settings, [el.tag.split("}")[1] for el in settings])  # keep python-docx's order …
    # … but evenAndOddHeaders belongs right after w:defaultTabStop's neighbours: move it.
    tab = settings.find(qn("w:defaultTabStop"))
    even = settings.find(qn("w:evenAndOddHeaders"))
    _place_even_and_odd(settings, tab, even)

    section = doc.sections[0]
    section.page_width, section.page_height = Twips(11906), Twips(16838)
    section.top_margin, section.bottom_margin = Twips(2098), Twips(1984)
    section.left_margin, section.right_margin = Twips(1587), Twips(1474)
    section.header_distance, section.footer_distance = Mm(15), Twips(1247)
    sect_pr = section._sectPr
    grid = sect_pr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect_pr.append(grid)
    for attr in list(grid.attrib):
        del grid.attrib[attr]
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE))


# CT_Settings children in schema order, up to w:evenAndOddHeaders' place.
_SETTINGS_BEFORE_EVEN = ["writeProtection", "view", "zoom", "removePersonalInformation", "removeDateAndTime",
                         "doNotDisplayPageBoundaries", "displayBackgroundShape", "printPostScriptOverText",
                         "printFractionalCharacterWidth", "printFormsData", "embedTrueTypeFonts",
                         "embedSystemFonts", "saveSubsetFonts", "saveFormsData", "mirrorMargins",
                         "alignBordersAndEdges", "bordersDoNotSurroundHeader", "bordersDoNotSurroundFooter",
                         "gutterAtTop", "hideSpellingErrors", "hideGrammaticalErrors", "activeWritingStyle",
                         "proofState", "formsDesign", "attachedTemplate", "linkStyles",
                         "stylePaneFormatFilter", "stylePaneSortMethod", "documentType", "mailMerge",
                         "revisionView", "trackRevisions", "doNotTrackMoves", "doNotTrackFormatting",
                         "documentProtection", "autoFormatOverride", "styleLockTheme", "styleLockQFSet",
                         "defaultTabStop", "autoHyphenation", "consecutiveHyphenLimit", "hyphenationZone",
                         "doNotHyphenateCaps", "showEnvelope", "summaryLength", "clickAndTypeStyle",
                         "defaultTableStyle"]


def _place_even_and_odd(settings, _tab, even) -> None:
    settings.remove(even)
    last = None
    for child in settings:
        if child.tag.split("}")[1] in _SETTINGS_BEFORE_EVEN:
            last = child
    if last is None:
        settings.insert(0, even)
    else:
        last.addnext(even)


def page_number_footers(doc) -> None:
    """— N — in 4号宋体: odd pages at the right, even pages at the left, one character in."""
    section = doc.sections[0]
    for footer, align in ((section.footer, RIGHT), (section.even_page_footer, LEFT)):
        paragraph = footer.paragraphs[0]
        paragraph.alignment = align
        fmt = paragraph.paragraph_format
        fmt.first_line_indent = Pt(0)
        if align is LEFT:
            paragraph.add_run("\u3000")
        paragraph.add_run("— ")
        add_field(paragraph, "PAGE", "1")
        paragraph.add_run(" —")
        if align is RIGHT:
            paragraph.add_run("\u3000")
        for run in paragraph.runs:
            run.font.size = Pt(14)
            fonts(run._r.get_or_add_rPr(), SONG, SONG)


# ---------------------------------------------------------------- content

class Writer:
    def __init__(self, doc):
        self.doc = doc

    def p(self, style: str, *segments, align=None):
        """A paragraph of segments: a text (plain), ("hl", text) (highlighted), or
        ("hole", condition, value, need): the value when the condition holds, else the
        placeholder 【待填写：need】 (see the module's docstring)."""
        paragraph = self.doc.add_paragraph(style=style)
        if align is None and style in ("报告正文", "三级标题"):
            align = JUSTIFY  # set on the paragraph: the renderer then makes a text's line breaks paragraphs
        if align is not None:
            paragraph.alignment = align
        plain = ""
        for segment in segments:
            if isinstance(segment, str):
                plain += segment
                continue
            if segment[0] == "hl":
                if plain:
                    paragraph.add_run(plain)
                    plain = ""
                highlight(paragraph.add_run(segment[1]))
                continue
            _, condition, value, need = segment
            paragraph.add_run(f"{plain}{{% if {condition} %}}{value}{{% else %}}")
            highlight(paragraph.add_run(f"【待填写：{need}】{{% endif %}}"))
            plain = ""
        if plain:
            paragraph.add_run(plain)
        return paragraph

    def tag(self, text: str) -> None:
        """A paragraph holding only a {%p … %} tag (removed when rendered)."""
        self.doc.add_paragraph(text, style="报告正文")

    def body(self, *segments):
        return self.p("报告正文", *segments)

    def todo(self, need: str):
        return self.p("报告正文", ("hl", f"【待填写：{need}】"))

    def optional(self, condition: str, text: str, need: str) -> None:
        """The text when the condition holds, else a placeholder paragraph."""
        self.tag(f"{{%p if {condition} %}}")
        self.body(text)
        self.tag("{%p else %}")
        self.todo(need)
        self.tag("{%p endif %}")


def highlight(run) -> None:
    rpr = run._r.get_or_add_rPr()
    rpr.append(xml_element("w:highlight", val="yellow"))


def table(doc, widths: list[int], header: list[str], loop: str, cells: list[str], closing: list[tuple[str, int]]):
    """A table: a repeated header row, the row loop ({%tr for … %}, a data row,
    {%tr endfor %}) and a closing row (text, grid span) of totals."""
    assert sum(widths) == TEXT_WIDTH
    t = doc.add_table(rows=5, cols=len(widths))
    t.style = doc.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    tbl = t._tbl
    tbl_pr = tbl.tblPr
    width = tbl_pr.find(qn("w:tblW"))
    width.set(qn("w:w"), str(TEXT_WIDTH))
    width.set(qn("w:type"), "dxa")
    tbl_pr.find(qn("w:tblLook")).addprevious(xml_element("w:tblLayout", type="fixed"))
    margins = OxmlElement("w:tblCellMar")  # narrow: 一级指标 and 评价等级 fit on one line
    for side in ("left", "right"):
        margins.append(xml_element(f"w:{side}", w="57", type="dxa"))
    tbl_pr.find(qn("w:tblLook")).addprevious(margins)
    for col, w in zip(tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), str(w))
    for row in t.rows:
        for index, cell in enumerate(row.cells):
            cell.width = Twips(widths[index])
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:cantSplit"))
    t.rows[0]._tr.trPr.append(OxmlElement("w:tblHeader"))
    rows = [header, [loop] + [""] * (len(widths) - 1), cells,
            ["{%tr endfor %}"] + [""] * (len(widths) - 1)]
    for r, texts in enumerate(rows):
        for c, text in enumerate(texts):
            put(t.cell(r, c), text, bold=r == 0)
    for r in (1, 3):  # the loop's tag rows: one cell each
        t.cell(r, 0).merge(t.cell(r, len(widths) - 1))
    column = 0
    for text, span in closing:
        cell = t.cell(4, column)
        if span > 1:
            cell = cell.merge(t.cell(4, column + span - 1))
        put(cell, text, bold=text == "合计")
        column += span
    for row in t.rows:
        for cell in row.cells:
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    return t


def put(cell, text: str, bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.style = "表格文字"
    if text:
        run = paragraph.add_run(text)
        run.bold = bold or None


# ---------------------------------------------------------------- the department's report

def department_body(doc) -> None:
    w = Writer(doc)
    w.p("报告标题", "{{ department.name }}{{ year }}年度部门整体支出绩效自评报告")
    w.p("报告正文")  # a blank line under the title
    w.p("报告正文", ("hl", BANNER))
    w.body("根据", ("hole", "report.notice",
                    "《{{ report.notice }}》{% if report.notice_number %}（{{ report.notice_number }}）{% endif %}",
                    "自评通知名称及文号"),
           "要求，{{ self_name }}对{{ year }}年度部门整体支出绩效情况开展了自评，形成本报告。现将有关情况报告如下：")
    w.p("一级标题", "一、部门基本情况")
    w.p("二级标题", "（一）部门职能")
    w.optional("department.functions", "{{ department.functions }}", "部门职能（主要职责）")
    w.p("二级标题", "（二）设置机构及人员情况")
    w.body("{{ self_name }}纳入部门整体支出绩效自评的单位共{{ department.units }}个，内设机构",
           ("hole", "department.internal_units is not none", "{{ department.internal_units }}", "内设机构数"),
           "个；编制",
           ("hole", "department.staff_quota is not none", "{{ department.staff_quota }}", "编制数"),
           "名，年末在职人员",
           ("hole", "department.staff_serving is not none", "{{ department.staff_serving }}", "年末在职人数"),
           "名，离退休人员",
           ("hole", "department.staff_retired is not none", "{{ department.staff_retired }}", "离退休人数"),
           "名。")
    w.p("二级标题", "（三）年度总体工作和重点工作任务")
    w.tag("{%p if report.tasks %}")
    w.tag("{%p for task in report.tasks %}")
    w.body("{{ task }}")
    w.tag("{%p endfor %}")
    w.tag("{%p else %}")
    w.todo("年度总体工作和重点工作任务")
    w.tag("{%p endif %}")
    w.p("二级标题", "（四）部门整体支出绩效目标")
    w.tag("{%p for goal in goals %}")
    w.body("{{ goal.number }}.{{ goal.target }}")
    w.tag("{%p endfor %}")

    w.p("一级标题", "二、部门预算及执行情况")
    w.p("二级标题", "（一）预算安排情况")
    w.body("{{ year }}年度部门总预算{{ budget.total|money }}万元，其中部门预算基本支出{{ budget.basic|money }}万元、"
           "项目支出{{ budget.project|money }}万元；事业发展支出中专项资金{{ budget.special|money }}万元、"
           "其他事业发展支出{{ budget.other|money }}万元；按预算级次划分，市本级资金{{ budget.city|money }}万元、"
           "对下转移支付{{ budget.transfer|money }}万元。")
    w.p("二级标题", "（二）预算执行情况")
    w.body(("hole", "execution",
            "{{ year }}年度部门年初预算数{{ execution.total.initial|money }}万元，全年预算数"
            "{{ execution.total.budget|money }}万元（调整{{ execution.total.adjust|money }}万元），全年执行数"
            "{{ execution.total.spent|money }}万元，执行率{{ execution.total.rate|percent }}"
            "{% if execution.basic %}；其中基本支出全年预算数{{ execution.basic.budget|money }}万元、全年执行数"
            "{{ execution.basic.spent|money }}万元，执行率{{ execution.basic.rate|percent }}{% endif %}"
            "{% if execution.project %}；项目支出全年预算数{{ execution.project.budget|money }}万元、全年执行数"
            "{{ execution.project.spent|money }}万元，执行率{{ execution.project.rate|percent }}{% endif %}。",
            "年初预算数、全年预算数、全年执行数"),
           "{% if rate_row %}自评表“{{ rate_row.name }}”指标分值{{ rate_row.weight|weight }}分，得分"
           "{{ rate_row.score|score }}分{% if rate_row.execution_rate is not none %}（执行率"
           "{{ rate_row.execution_rate|percent }}）{% endif %}。{% endif %}")

    w.p("一级标题", "三、绩效自评情况")
    w.p("二级标题", "（一）自评得分")
    w.body("经自评，{{ self_name }}{{ year }}年度部门整体支出绩效自评总分{{ total_score|score }}分，评价等级为"
           "“{{ grade }}”。其中，{% for level in levels %}{{ level.name }}分值{{ level.weight|weight }}分，得分"
           "{{ level.score|score }}分{% if not loop.last %}；{% endif %}{% endfor %}。指标评分表共设三级指标"
           "{{ counts.indicators }}个，{% if counts.below %}{{ counts.full }}个得满分，{{ counts.below }}个未得满分，"
           "合计扣{{ lost|score }}分{% else %}全部得满分{% endif %}。")
    w.p("二级标题", "（二）绩效目标完成情况")
    w.tag("{%p for paragraph in completion_paragraphs %}")
    w.body("{{ paragraph }}")
    w.tag("{%p endfor %}")
    w.tag('{%p if unmet_reason and unmet_reason != "无" %}')
    w.body("未能完成的原因：{{ unmet_reason }}")
    w.tag("{%p endif %}")
    w.p("二级标题", "（三）指标得分情况")
    w.body("各三级指标的分值和得分见表1。")
    w.p("表题", "表1　{{ department.name }}{{ year }}年度部门整体支出绩效指标得分情况")
    table(doc, [1020, 1134, 4990, 794, 907], ["一级指标", "二级指标", "三级指标", "分值", "得分"],
          "{%tr for row in rows %}",
          ["{{ row.level1 }}", "{{ row.level2 }}", "{{ row.name }}", "{{ row.weight|weight }}",
           "{{ row.score|score }}"],
          [("合计", 3), ("{{ total_weight|weight }}", 1), ("{{ total_score|score }}", 1)])
    w.p("二级标题", "（四）项目支出绩效自评情况")
    w.tag("{%p if projects %}")
    w.body("{{ self_name }}{{ year }}年度对{{ projects|length }}个项目开展了项目支出绩效自评，全年预算数合计"
           "{{ projects_total.budget|money }}万元，全年执行数合计{{ projects_total.spent|money }}万元，"
           "各项目的执行率和自评得分见表2。")
    w.p("表题", "表2　{{ department.name }}{{ year }}年度项目支出绩效自评情况")
    table(doc, [3085, 1400, 1400, 1060, 900, 1000],
          ["项目名称", "全年预算数（万元）", "全年执行数（万元）", "执行率", "总分", "评价等级"],
          "{%tr for project in projects %}",
          ["{{ project.name }}", "{{ project.budget|money }}", "{{ project.spent|money }}",
           "{{ project.rate|percent }}", "{{ project.score|points }}", "{{ project.grade }}"],
          [("合计", 1), ("{{ projects_total.budget|money }}", 1), ("{{ projects_total.spent|money }}", 1),
           ("{{ projects_total.rate|percent }}", 1), ("—", 1), ("—", 1)])
    w.tag("{%p else %}")
    w.todo("项目支出绩效自评情况（本年度没有项目支出绩效自评表时，写“无”）")
    w.tag("{%p endif %}")

    w.p("一级标题", "四、存在的问题和原因分析")
    w.tag("{%p for item in below %}")
    w.p("三级标题", "{{ item.number }}.{{ item.name }}"
                    "（分值{{ item.weight|weight }}分，得分{{ item.score|score }}分）。")
    w.tag("{%p for text in item.reasons %}")
    w.body("{{ text }}")
    w.tag("{%p endfor %}")
    w.tag("{%p if not item.reasons %}")
    w.todo("“{{ item.name }}”未得满分的原因")
    w.tag("{%p endif %}")
    w.tag("{%p endfor %}")
    w.todo("其他存在的问题和原因（没有时删除本段）")
    w.p("一级标题", "五、下一步拟改进措施及有关建议")
    w.tag("{%p for item in below %}")
    w.p("三级标题", "{{ item.number }}.{{ item.name }}")
    w.tag("{%p for text in item.measures %}")
    w.body("{{ text }}")
    w.tag("{%p endfor %}")
    w.tag("{%p if not item.measures %}")
    w.todo("“{{ item.name }}”的改进措施")
    w.tag("{%p endif %}")
    w.tag("{%p endfor %}")
    w.todo("其他改进措施及有关建议（没有时删除本段）")
    w.p("一级标题", "六、自评结果应用")
    w.optional("report.application", "{{ report.application }}", "自评结果应用情况")
    w.p("一级标题", "七、其他需要说明的问题")
    w.optional("report.other", "{{ report.other }}", "其他需要说明的问题（没有时写“无”）")
    w.body()
    w.body("附件：{{ department.name }}{{ year }}年度部门整体支出绩效自评表")
    w.body()
    w.body()
    signature(w, "{{ department.name }}")


def project_body(doc) -> None:
    """The project's report: the conclusion first, then the evidence (保山's outline)."""
    w = Writer(doc)
    w.p("报告标题", "{{ project.name }}{{ year }}年度项目支出绩效自评报告")
    w.p("报告正文")
    w.p("报告正文", ("hl", BANNER))
    w.body("根据", ("hl", "【待填写：自评通知名称及文号】"),
           "要求，{{ project.unit }}对“{{ project.name }}”项目{{ year }}年度支出绩效开展了自评，"
           "现将有关情况报告如下：")
    w.p("一级标题", "一、自评结论")
    w.p("二级标题", "（一）自评得分")
    w.body("项目全年预算数{{ funds.total.budget|amount }}{{ money_unit }}，全年执行数{{ funds.total.spent|amount }}"
           "{{ money_unit }}，执行率{{ execution_rate|percent }}，预算执行得分{{ budget_score|points }}分；"
           "自评总分{{ total_score|points }}分，评价等级为“{{ grade }}”。")
    w.p("二级标题", "（二）绩效目标完成情况")
    w.body("年度总体目标：{{ goal.target }}")
    w.body("实际完成情况：{{ goal.completion }}")
    w.body("项目共设绩效指标{{ counts.indicators }}个，{% if counts.below %}{{ counts.full }}个得满分，"
           "{{ counts.below }}个未得满分{% else %}全部得满分{% endif %}。")
    w.p("二级标题", "（三）存在的问题和原因分析")
    w.tag("{%p if budget_lost %}")
    w.body("预算执行：执行率{{ execution_rate|percent }}，预算执行分值{{ budget_weight|weight }}分，得分"
           "{{ budget_score|points }}分，扣{{ budget_lost|points }}分。")
    w.todo("预算未全部执行的原因")
    w.tag("{%p endif %}")
    w.tag("{%p for item in below %}")
    w.p("三级标题", "{{ item.number }}.{{ item.name }}（年度指标值{{ item.target }}，实际完成值{{ item.actual }}；"
                    "分值{{ item.weight|weight }}分，得分{{ item.score|points }}分）。")
    w.tag("{%p for text in item.reasons %}")
    w.body("{{ text }}")
    w.tag("{%p endfor %}")
    w.tag("{%p if not item.reasons %}")
    w.todo("“{{ item.name }}”的偏差原因")
    w.tag("{%p endif %}")
    w.tag("{%p endfor %}")
    w.todo("其他存在的问题和原因（没有时删除本段）")
    w.p("二级标题", "（四）下一步拟改进措施及有关建议")
    w.optional("report.measures", "{{ report.measures }}", "下一步拟改进措施及有关建议")
    w.p("一级标题", "二、佐证材料")
    w.p("二级标题", "（一）项目基本情况")
    w.body("“{{ project.name }}”项目的主管部门为{{ project.department }}，实施单位为{{ project.unit }}。"
           "项目资金年初预算数{{ funds.total.initial|amount }}{{ money_unit }}，全年预算数"
           "{{ funds.total.budget|amount }}{{ money_unit }}。")
    w.optional("report.background", "{{ report.background }}", "项目概况（立项依据、主要内容、资金安排）")
    w.p("二级标题", "（二）绩效评价指标分析")
    w.body("各项绩效指标的完成情况和得分见表1。")
    w.p("表题", "表1　{{ project.name }}{{ year }}年度绩效指标完成情况")
    table(doc, [1000, 1100, 2745, 1250, 1250, 700, 800],
          ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
          "{%tr for row in rows %}",
          ["{{ row.level1 }}", "{{ row.level2 }}", "{{ row.name }}", "{{ row.target }}", "{{ row.actual }}",
           "{{ row.weight|weight }}", "{{ row.score|points }}"],
          [("预算执行（执行率{{ execution_rate|percent }}）", 5), ("{{ budget_weight|weight }}", 1),
           ("{{ budget_score|points }}", 1)])
    w.p("表格文字", "总分{{ total_score|points }}分（含预算执行得分），评价等级“{{ grade }}”。", align=RIGHT)
    w.body()
    w.body("附件：{{ project.name }}{{ year }}年度项目支出绩效自评表")
    w.body()
    w.body()
    signature(w, "{{ project.unit }}", ("hl", "【待填写：成文日期】"))


def signature(w: Writer, name: str, date=("hole", "report.date", "{{ report.date }}", "成文日期")) -> None:
    """落款: the name over the date, right-aligned 4 characters in (GB/T 9704 7.3.5.1)."""
    for segments in ((name,), (date,)):
        paragraph = w.p("报告正文", *segments, align=RIGHT)
        fmt = paragraph.paragraph_format
        fmt.first_line_indent = Pt(0)
        ind = paragraph._p.get_or_add_pPr().find(qn("w:ind"))
        ind.set(qn("w:rightChars"), "400")
        ind.set(qn("w:right"), "1280")
        ind.set(qn("w:firstLineChars"), "0")
        order_ppr(paragraph._p.pPr)


# ---------------------------------------------------------------- package

def build(kind: str, target: Path) -> None:
    doc = Document()
    style_document(doc)
    page_number_footers(doc)
    BODIES[kind](doc)
    for paragraph in doc.paragraphs:  # python-docx appends run properties out of schema order
        for run in paragraph.runs:
            if run._r.rPr is not None:
                _order(run._r.rPr, _RPR_ORDER)
        if paragraph._p.pPr is not None:
            order_ppr(paragraph._p.pPr)
    title = {"department": "部门整体支出绩效自评报告", "project": "项目支出绩效自评报告"}[kind]
    save(doc, target, title, _with_font_table)


BODIES = {"department": department_body, "project": project_body}

# The Chinese fonts, with the names Windows ships them under when the _GB2312 ones are not
# installed (self-report.md §4): Word and WPS take w:altName when the font is missing.
FONT_TABLE = (("仿宋_GB2312", "仿宋", "modern"), ("楷体_GB2312", "楷体", "modern"), ("方正小标宋简体", "宋体", "auto"),
              ("黑体", "SimHei", "modern"), ("宋体", "SimSun", "auto"))


def _with_font_table(data: bytes) -> bytes:
    fonts = "".join(
        f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/>'
        f'<w:family w:val="{family}"/><w:pitch w:val="fixed"/></w:font>'
        for name, alt, family in FONT_TABLE).encode("utf-8")
    return write_parts((part, payload.replace(b"</w:fonts>", fonts + b"</w:fonts>") if part == "word/fontTable.xml"
                        else payload) for part, payload in read_parts(data))


if __name__ == "__main__":
    for key in sys.argv[1:] or list(BODIES):
        out = ROOT / "templates" / key / "自评报告.docx"
        build(key, out)
        print(f"wrote {out}")
