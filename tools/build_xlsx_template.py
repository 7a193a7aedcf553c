"""Builds the initial Excel template templates/department/自评表.xlsx.

Run once by a developer (`python tools/build_xlsx_template.py`). After that, the
.xlsx in templates/ is the source of truth: admins edit it in Excel or WPS (fonts,
borders, column widths, wording), and this script is only a record of how the first
version was laid out (layout.md).

How the template works (reportgen/render/xlsx/ fills it):

- A cell holding exactly one tag, e.g. ``{{ budget.total }}``, receives the value itself:
  numbers stay numbers and print with the cell's number format. Any other text with
  tags is rendered as Jinja2 text (``（{{ year }}年度）``).
- A row holding ``{%tr for row in rows %}`` starts a row loop, a row holding
  ``{%tr endfor %}`` ends it; the rows between are drawn once per item, with their
  styles and horizontal merges. Both marker rows are removed from the output.
- In the ``rows`` loop, cells showing row.level1/level1_weight/level2/level2_weight
  are merged over the rows of the same 一级/二级指标, row.name/row.explanation over the
  parts of a 三级指标 (as in the .docx).
- A merge that spans a loop (the goals block) is stretched over all rows drawn for it.
- Row heights are computed from the text; print area and print titles follow the
  output rows. Page setup, fonts, borders, widths and number formats come from here.
"""

from __future__ import annotations

import sys
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from xlsx_template_common import Sheet as FormSheet
from xlsx_template_common import print_setup, set_default_font

BODY_FONT, TITLE_FONT = "宋体", "黑体"
BODY_SIZE = 10

# Sheet columns. The indicator table uses A-H one column each, 未达标原因 = I:L and
# 改进措施 = M:N; the extra columns let the budget block have its eight cells.
# Widths (Excel units, about one '0' each; a CJK character at 10 pt takes about 2) in
# the proportions of layout.md's indicator table (4,2,4,2,8,2,12,3,56,26 characters,
# times 1.4), with the narrow number columns widened for "0.5", "100" and "19.54"; the
# 一级/二级指标 columns hold two characters a line, so 4-character names break 2 + 2.
COLUMN_WIDTHS = {
    "A": 5, "B": 5, "C": 5, "D": 5, "E": 12, "F": 5, "G": 17, "H": 7,
    "I": 17, "J": 24, "K": 24, "L": 13,  # 未达标原因: 78
    "M": 11, "N": 25,  # 改进措施: 36
}
LAST = "N"

MONEY, SCORE, WEIGHT = "#,##0.00", "0.00", "General"

THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def font(size=BODY_SIZE, name=BODY_FONT, bold=False, italic=False, color=None) -> Font:
    return Font(name=name, size=size, bold=bold, italic=italic, color=color)


def align(horizontal="center", vertical="center", wrap=True) -> Alignment:
    return Alignment(horizontal=horizontal, vertical=vertical, wrap_text=wrap)


LABEL = {"font": font(), "alignment": align(), "border": BOX}
TEXT = {"font": font(), "alignment": align("left", "center"), "border": BOX}
NARRATIVE = {"font": font(), "alignment": align("justify", "top"), "border": BOX}
# The completion narrative: one row per paragraph (a long text in one cell would
# outgrow Excel's 409 pt row limit), bordered left and right only so that the
# paragraphs read as one cell between the rows above and below.
OPEN_NARRATIVE = {"font": font(), "alignment": align("justify", "top"),
                  "border": Border(left=THIN, right=THIN)}
# Cells merged over many rows (which may run across a page break) keep their text at
# the top, so it prints on the page where the block starts.
TOP_LABEL = {"font": font(), "alignment": align("center", "top"), "border": BOX}
NUMBER = {"font": font(), "alignment": align(), "border": BOX}
MARKER = {"font": font(9, italic=True, color="808080"), "alignment": align("left", "center", wrap=False)}


class Sheet(FormSheet):
    def box(self, ref: str) -> None:
        """An empty bordered cell or range."""
        self.put(ref, None, LABEL)


def build_sheet(ws) -> None:
    s = Sheet(ws)
    for letter, width in COLUMN_WIDTHS.items():
        ws.column_dimensions[letter].width = width

    # Title
    s.put(f"A1:{LAST}1", "部门整体支出绩效自评表",
          {"font": font(18, TITLE_FONT), "alignment": align(wrap=False)})
    s.put(f"A2:{LAST}2", "（{{ year }}年度）", {"font": font(12), "alignment": align(wrap=False)})
    ws.row_dimensions[1].height = 30
    ws.row_dimensions[2].height = 20

    # 部门基本情况
    s.put(f"A3:{LAST}3", "部门基本情况", {**LABEL, "alignment": align("left")})
    s.put("A4:B4", "部门名称", LABEL)
    s.put("C4:K4", "{{ department.name }}", TEXT)
    s.put("L4:M4", "单位数：", LABEL)
    s.put("N4", "{{ department.units }}", NUMBER, WEIGHT)

    # Goals block (rows 5-10)
    s.put("A5:B10", "年度整体\n绩效目标", TOP_LABEL)
    s.put("C5:G10", "{% for goal in goals %}目标{{ goal.number }}：{{ goal.target }}\n{% endfor %}",
          NARRATIVE)
    s.put(f"H5:{LAST}5", "整体绩效目标完成情况", LABEL)
    s.put("H6", "{%tr for paragraph in completion_paragraphs %}", MARKER)
    s.put(f"H7:{LAST}7", "{{ paragraph }}", OPEN_NARRATIVE)
    s.put("H8", "{%tr endfor %}", MARKER)
    s.put(f"H9:{LAST}9", "未能完成原因", LABEL)
    s.put(f"H10:{LAST}10", "{{ unmet_reason }}", NARRATIVE)

    # 年度部门预算情况 (rows 11-14), three header levels
    s.put("A11:B14", "年度部\n门预算\n情况", LABEL)
    s.put("C11:E13", "总预算\n（万元）", LABEL)
    s.put(f"F11:{LAST}11", "年度预算资金类别", LABEL)
    s.put("F12:I12", "部门预算", LABEL)
    s.put("J12:K12", "事业发展支出", LABEL)
    s.put(f"L12:{LAST}12", "事业发展支出\n(按预算级次划分)", LABEL)
    cells = [("F13:G13", "F14:G14", "基本支出", "basic"), ("H13:I13", "H14:I14", "项目支出", "project"),
             ("J13", "J14", "专项资金", "special"), ("K13", "K14", "其他事业发展支出", "other"),
             ("L13:M13", "L14:M14", "市本级资金", "city"), ("N13", "N14", "对下转移支付", "transfer")]
    s.put("C14:E14", "{{ budget.total }}", NUMBER, MONEY)
    for header, value, label, key in cells:
        s.put(header, label, LABEL)
        s.put(value, "{{ budget." + key + " }}", NUMBER, MONEY)

    # Indicator table: header (printed on every page), loop, 总分, 评价等级
    # Labels in the narrow columns break between words (一级/指标), never inside one.
    headers = [("A15", "一级\n指标"), ("B15", "分值"), ("C15", "二级\n指标"), ("D15", "分值"),
               ("E15", "三级指标"), ("F15", "分值"), ("G15", "指标解释"), ("H15", "得分/\n自评分"),
               ("I15:L15", "未达标原因"), (f"M15:{LAST}15", "改进措施")]
    for ref, label in headers:
        s.put(ref, label, LABEL)
    s.put("A16", "{%tr for row in rows %}", MARKER)
    s.put("A17", "{{ row.level1 }}", TOP_LABEL)
    s.put("B17", "{{ row.level1_weight }}", TOP_LABEL, WEIGHT)
    s.put("C17", "{{ row.level2 }}", TOP_LABEL)
    s.put("D17", "{{ row.level2_weight }}", TOP_LABEL, WEIGHT)
    s.put("E17", "{{ row.name }}", LABEL)
    s.put("F17", "{{ row.weight }}", NUMBER, WEIGHT)
    s.put("G17", "{{ row.explanation }}", TEXT)
    s.put("H17", "{{ row.score }}", NUMBER, SCORE)
    s.put("I17:L17", "{{ row.reason }}", TEXT)
    s.put(f"M17:{LAST}17", "{{ row.measure }}", TEXT)
    s.put("A18", "{%tr endfor %}", MARKER)
    s.put("A19:E19", "总分", LABEL)
    s.put("F19", "{{ total_weight }}", NUMBER, WEIGHT)
    s.box("G19")
    s.put("H19", "{{ total_score }}", NUMBER, SCORE)
    s.box(f"I19:{LAST}19")
    s.put("A20:E20", "评价等级", LABEL)
    s.put(f"F20:{LAST}20",
          "{{ check.excellent }}优  90分≤得分≤100分；{{ check.good }}良  80分≤得分＜90分；"
          "{{ check.fair }}中  60分≤得分＜80分；{{ check.poor }}差  得分＜60分", TEXT)

    # Heights for the rows whose labels take two lines, so the template reads well in
    # Excel; in a generated form a template height is the least a row gets.
    for row in (12, 15):
        ws.row_dimensions[row].height = 33

    # Print: A4 landscape, one page wide, header row on every page, narrow margins.
    print_setup(ws, title_rows="15:15", area=f"A1:{LAST}20", side_margin=0.3,
                footer="第 &P 页，共 &N 页", footer_font=BODY_FONT)


def build(target: Path) -> None:
    wb = Workbook()
    set_default_font(wb, font())
    ws = wb.active
    ws.title = "自评表"
    build_sheet(ws)
    wb.properties.title = "部门整体支出绩效自评表"
    wb.properties.creator = "reportgen"
    wb.save(target)


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "templates/department/自评表.xlsx")
    build(out)
    print(f"wrote {out}")
