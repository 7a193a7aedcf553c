"""Builds the initial Excel template of the project form, templates/project/自评表.xlsx.

Run once by a developer (`python tools/build_project_xlsx_template.py`). After that, the
.xlsx in templates/project/ is the source of truth: admins edit it in Excel or WPS, and
this script is only a record of how the first version was laid out (project-form.md,
"Layout"; the grid of tools/build_project_docx_template.py).

How reportgen/render_xlsx.py fills it (the template language of the department form):

- a cell holding exactly one tag (``{{ funds.total.budget }}``) receives the value itself:
  amounts and 分值 stay numbers and print with the cell's number format; any other text
  with tags is rendered as text (``（{{ year }}年度）``, ``{{ budget_score|points }}``);
- the row holding ``{%tr for row in rows %}`` and the row holding ``{%tr endfor %}`` (both
  dropped from the output) enclose the prototype indicator row, drawn once per row;
- row.level1 and row.level2 are merged over consecutive equal rows (MERGED_FIELDS);
- the 绩效指标 label (A12:A16: header, loop and 总分) spans the loop, so it is stretched
  over every row drawn; 总分 (B16:F16) sits beside it, as in the .docx.

Nine columns, one per grid column of the .docx (widths in Excel units, about one digit
of 宋体 10; a Chinese character takes two):

| col | indicator rows | funds rows         | width |
| --- | -------------- | ------------------ | ----- |
| A   | 绩效指标 label  | 项目资金 label      | 11    |
| B   | 一级指标        | 年度资金总额 (B:C)  | 12    |
| C   | 二级指标        |                    | 20    |
| D   | 三级指标        | 年初预算数          | 28    |
| E   | 年度指标值      | 全年预算数          | 15    |
| F   | 实际完成值      | 全年执行数          | 15    |
| G   | 分值            | 分值               | 8     |
| H   | 得分            | 执行率             | 9     |
| I   | 偏差原因分析及改进措施 | 得分         | 53    |

Amounts are numbers in the format ``#,##0.00##``: two decimals, three or four when the
figure has them (89.974), as the ``amount`` filter prints. 得分/总分 and 执行率 are text
from the ``points``/``percent`` filters (10 but 8.60, — when there is no rate: no number
format does that); the sheet tells Excel not to flag them as numbers stored as text.
"""

from __future__ import annotations

import datetime
import io
import re
import sys
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from package_parts import read_parts, write_parts
from xlsx_template_common import Sheet, print_setup, set_default_font

TITLE = "项目支出绩效自评表"
BODY_FONT, TITLE_FONT = "宋体", "黑体"
BODY_SIZE = 10

COLUMN_WIDTHS = {"A": 11, "B": 12, "C": 20, "D": 28, "E": 15, "F": 15, "G": 8, "H": 9, "I": 53}
LAST = "I"
ROW_HEIGHT = 20  # points: the least height of a form row (the .docx's 7 mm)
TEXT_ROW_HEIGHT = 57  # points: the least height of the goals' text row (the .docx's 2 cm)

AMOUNT, WEIGHT = "#,##0.00##", "General"
DASH = "—"

THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def font(size=BODY_SIZE, name=BODY_FONT, italic=False, color=None) -> Font:
    return Font(name=name, size=size, italic=italic, color=color)


def align(horizontal="center", vertical="center", wrap=True) -> Alignment:
    return Alignment(horizontal=horizontal, vertical=vertical, wrap_text=wrap)


LABEL = {"font": font(), "alignment": align(), "border": BOX}
NUMBER = LABEL
# Texts that may hold line breaks: left-aligned (a justified line before a break stretches).
TEXT = {"font": font(), "alignment": align("left", "center"), "border": BOX}
NARRATIVE = {"font": font(), "alignment": align("left", "top"), "border": BOX}
# Cells merged over rows that may run across a page break (the 绩效指标 label, 一级/二级指标)
# keep their text at the top: it prints on the page where the block starts, and the
# renderer keeps the rows that text needs on one page (a vertically centred text would
# print wherever the middle of the block falls, even cut by a page break in Excel).
TOP_LABEL = {"font": font(), "alignment": align("center", "top"), "border": BOX}
MARKER = {"font": font(9, italic=True, color="808080"),
          "alignment": align("left", "center", wrap=False)}


FUND_ROWS = [("年度资金总额", "total"), ("其中：当年财政拨款", "current"),
             ("上年结转资金", "carryover"), ("其他资金", "other")]


def build_sheet(ws) -> None:
    s = Sheet(ws)
    for letter, width in COLUMN_WIDTHS.items():
        ws.column_dimensions[letter].width = width

    s.put(f"A1:{LAST}1", TITLE, {"font": font(18, TITLE_FONT), "alignment": align(wrap=False)})
    s.put(f"A2:{LAST}2", "（{{ year }}年度）", {"font": font(12), "alignment": align(wrap=False)})
    ws.row_dimensions[1].height = 30
    ws.row_dimensions[2].height = 22

    s.put("A3", "项目名称", LABEL)
    s.put(f"B3:{LAST}3", "{{ project.name }}", TEXT)
    s.put("A4", "主管部门", LABEL)
    s.put("B4:E4", "{{ project.department }}", TEXT)
    s.put("F4", "实施单位", LABEL)
    s.put(f"G4:{LAST}4", "{{ project.unit }}", TEXT)

    # 项目资金 (rows 5-9)
    s.put("A5:A9", "项目资金\n（{{ money_unit }}）", LABEL)
    s.put("B5:C5", None, LABEL)
    for letter, label in zip("DEFGHI", ["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
                             strict=True):
        s.put(f"{letter}5", label, LABEL)
    for row, (label, key) in enumerate(FUND_ROWS, start=6):
        s.put(f"B{row}:C{row}", label, LABEL)
        for letter, field in zip("DEF", ("initial", "budget", "spent"), strict=True):
            s.put(f"{letter}{row}", "{{ funds." + key + "." + field + " }}", NUMBER, AMOUNT)
        if key == "total":
            s.put(f"G{row}", "{{ budget_weight }}", NUMBER, WEIGHT)
            s.put(f"H{row}", "{{ execution_rate|percent }}", NUMBER)
            s.put(f"I{row}", "{{ budget_score|points }}", NUMBER)
        else:
            for letter in "GHI":
                s.put(f"{letter}{row}", DASH, NUMBER)

    # 年度总体目标 (rows 10-11)
    s.put("A10:A11", "年度总体\n目标", LABEL)
    s.put("B10:E10", "预期目标", LABEL)
    s.put(f"F10:{LAST}10", "实际完成情况", LABEL)
    s.put("B11:E11", "{{ goal.target }}", NARRATIVE)
    s.put(f"F11:{LAST}11", "{{ goal.completion }}", NARRATIVE)

    # 绩效指标 (rows 12-16): header, the loop over rows, 总分
    s.put("A12:A16", "绩效指标", TOP_LABEL)
    headers = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
               "偏差原因分析及改进措施"]
    for letter, label in zip("BCDEFGHI", headers, strict=True):
        s.put(f"{letter}12", label, LABEL)
    s.put("B13", "{%tr for row in rows %}", MARKER)
    fields = [("{{ row.level1 }}", TOP_LABEL, None), ("{{ row.level2 }}", TOP_LABEL, None),
              ("{{ row.name }}", LABEL, None), ("{{ row.target }}", LABEL, None),
              ("{{ row.actual }}", LABEL, None), ("{{ row.weight }}", NUMBER, WEIGHT),
              ("{{ row.score|points }}", NUMBER, None), ("{{ row.reason }}", TEXT, None)]
    for letter, (text, style, number_format) in zip("BCDEFGHI", fields, strict=True):
        s.put(f"{letter}14", text, style, number_format)
    s.put("B15", "{%tr endfor %}", MARKER)
    s.put("B16:F16", "总分", LABEL)  # beside the label, as in the .docx
    s.put("G16", "{{ total_weight }}", NUMBER, WEIGHT)
    s.put("H16", "{{ total_score|points }}", NUMBER)
    s.put(f"{LAST}16", None, LABEL)

    # Least heights (a generated row grows with its text, never below these).
    for row in range(3, 17):
        ws.row_dimensions[row].height = ROW_HEIGHT
    for row in (5, 10):  # the labels of two lines
        ws.row_dimensions[row].height = 27
    ws.row_dimensions[11].height = TEXT_ROW_HEIGHT
    for row in (13, 15):  # marker rows, dropped from the output
        ws.row_dimensions[row].height = 15

    # Print: A4 landscape, one page wide, indicator header on every page, narrow margins.
    print_setup(ws, title_rows="12:12", area=f"A1:{LAST}16", side_margin=0.5,
                footer="第 &P 页 共 &N 页", footer_font=BODY_FONT)


# Scores and rates are text (see above): ask Excel not to mark them with green triangles.
# CT_Worksheet puts ignoredErrors after headerFooter, rowBreaks, colBreaks,
# customProperties and cellWatches, and before smartTags, drawing, … extLst.
IGNORED_ERRORS = ('<ignoredErrors><ignoredError sqref="A1:I1048576" numberStoredAsText="1"/>'
                  '</ignoredErrors>')
_BEFORE_IGNORED = ["<smartTags", "<drawing", "<legacyDrawing", "<legacyDrawingHF", "<drawingHF",
                   "<picture", "<oleObjects", "<controls", "<webPublishItems", "<tableParts",
                   "<extLst", "</worksheet>"]


def finish_package(data: bytes) -> bytes:
    """The package with IGNORED_ERRORS in its sheet, and a fixed modification date
    (openpyxl stamps the time of saving)."""
    def finish(name: str, payload: bytes) -> bytes:
        if name == "xl/worksheets/sheet1.xml":
            text = payload.decode("utf-8")
            place = min(i for i in (text.find(tag) for tag in _BEFORE_IGNORED) if i >= 0)
            return (text[:place] + IGNORED_ERRORS + text[place:]).encode("utf-8")
        if name == "docProps/core.xml":
            return re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2024-01-01T00:00:00Z", payload)
        return payload

    return write_parts((name, finish(name, payload)) for name, payload in read_parts(data))


def build(target: Path) -> None:
    wb = Workbook()
    set_default_font(wb, font())
    ws = wb.active
    ws.title = "自评表"
    build_sheet(ws)
    wb.properties.title = TITLE
    wb.properties.creator = "reportgen"
    wb.properties.created = datetime.datetime(2024, 1, 1)
    buffer = io.BytesIO()
    wb.save(buffer)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(finish_package(buffer.getvalue()))


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "templates/project/自评表.xlsx")
    build(out)
    print(f"wrote {out}")
