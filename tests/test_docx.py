"""The .docx form: structure, merges, numbers and text, opened as a reader would."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from docx.oxml.ns import qn
from docx.shared import Mm

from tests.conftest import REFERENCE_TEXT, build_into, needs_office, pdf_text, text_similarity, to_pdf
from tests.docx_helpers import all_text, open_docx, vertical_spans

DEMO_NAME = "广州市应急管理局_2022年度部门整体支出绩效自评表.docx"
SAMPLE_NAME = "广州市示例局_2022年度部门整体支出绩效自评表.docx"


@pytest.fixture
def demo_docx(demo_workspace: Path) -> Path:
    results = build_into(demo_workspace, formats=["docx"])
    assert [r.ok for r in results] == [True]
    path = demo_workspace / "output" / "2022" / DEMO_NAME
    assert results[0].outputs == [path]
    return path


@pytest.fixture
def sample_docx(sample_workspace: Path) -> Path:
    results = build_into(sample_workspace, formats=["docx"])
    assert [r.ok for r in results] == [True], results[0].findings
    return sample_workspace / "output" / "2022" / SAMPLE_NAME


def indicator_table(tables):
    """The table whose first row is the indicator header."""
    return next(t for t in tables if t[0][0].text == "一级指标")


def data_rows(table):
    """Indicator rows: between the header and the 总分 row."""
    end = next(i for i, row in enumerate(table) if row[0].text == "总分")
    return table[1:end]


def at(row, column):
    """The text of the cell starting at a grid column of a row."""
    return next(c.text for c in row if c.column == column)


def column_texts(rows, column):
    return [next(c.text for c in row if c.column == column) for row in rows]


def test_page_is_a4_landscape(demo_docx):
    document, _ = open_docx(demo_docx)
    section = document.sections[0]
    assert abs(section.page_width - Mm(297)) < Mm(1)
    assert abs(section.page_height - Mm(210)) < Mm(1)
    assert section.orientation == 1  # WD_ORIENT.LANDSCAPE


def test_title_and_year(demo_docx):
    document, _ = open_docx(demo_docx)
    texts = [p.text for p in document.paragraphs if p.text.strip()]
    assert texts[:2] == ["部门整体支出绩效自评表", "（2022年度）"]


def test_east_asian_font_is_set(demo_docx):
    document, _ = open_docx(demo_docx)
    fonts = document.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "宋体"


def test_indicator_header_repeats_and_rows_never_break(demo_docx):
    """Indicator rows are kept whole on a page (w:cantSplit, issue 11); the tall narrative
    rows of the top table may break across pages."""
    document, _ = open_docx(demo_docx)
    top, tbl = (t._tbl for t in document.tables[:2])
    assert tbl is next(t._tbl for t in document.tables if t.cell(0, 0).text == "一级指标")
    rows = tbl.findall(qn("w:tr"))
    assert rows[0].find(qn("w:trPr")).find(qn("w:tblHeader")) is not None
    assert len(rows) > 20 and all(r.find(qn("w:trPr")).find(qn("w:cantSplit")) is not None for r in rows)
    narrative = [r for r in top.findall(qn("w:tr")) if "（1）2022年" in "".join(r.itertext())]
    assert narrative and all(r.find(f'{qn("w:trPr")}/{qn("w:cantSplit")}') is None for r in narrative)
    budget = [r for r in top.findall(qn("w:tr")) if "基本支出" in "".join(r.itertext())]
    assert budget and budget[0].find(f'{qn("w:trPr")}/{qn("w:cantSplit")}') is not None


def test_column_widths_follow_layout_proportions(demo_docx):
    document, _ = open_docx(demo_docx)
    tbl = next(t._tbl for t in document.tables if t.cell(0, 0).text == "一级指标")
    widths = [int(c.get(qn("w:w"))) for c in tbl.tblGrid.findall(qn("w:gridCol"))]
    assert len(widths) == 10
    # 未达标原因 is the widest, then 改进措施, then 指标解释, as in layout.md.
    assert widths.index(max(widths)) == 8
    assert sorted(widths, reverse=True)[:3] == [widths[8], widths[9], widths[6]]
    assert widths[8] / widths[9] == pytest.approx(56 / 26, rel=0.1)
    assert widths[0] == widths[2]  # 一级指标 and 二级指标 alike
    assert widths[1] == widths[3] == widths[5]  # the three 分值 columns alike
    # the text columns in layout.md's proportions 4 : 8 : 12 : 56 : 26 (一级, 三级, 解释,
    # 未达标原因, 改进措施); the number columns are widened just enough for "0.5"/"19.54"
    unit = widths[0] / 4
    for column, chars in ((4, 8), (6, 12), (8, 56), (9, 26)):
        assert widths[column] / unit == pytest.approx(chars, rel=0.2), column


def test_goals_block_widths_follow_layout(demo_docx):
    document, _ = open_docx(demo_docx)
    top = next(t._tbl for t in document.tables if t.cell(0, 0).text == "部门基本情况")
    indicator = next(t._tbl for t in document.tables if t.cell(0, 0).text == "一级指标")
    grid = [int(c.get(qn("w:w"))) for c in top.tblGrid.findall(qn("w:gridCol"))]
    ind = [int(c.get(qn("w:w"))) for c in indicator.tblGrid.findall(qn("w:gridCol"))]
    assert sum(grid) == sum(ind)  # one continuous width
    assert grid[0] == ind[0] + ind[1]  # the label column lines up with 一级指标 + 分值
    goals, completion = grid[1] + grid[2], sum(grid[3:])  # goals text spans 2, completion 5
    assert goals / completion == pytest.approx(25 / 82, rel=0.1)


def test_top_blocks(demo_docx):
    _, tables = open_docx(demo_docx)
    top = tables[0]
    assert top[0][0].text == "部门基本情况"
    assert [c.text for c in top[1]] == ["部门名称", "广州市应急管理局", "单位数：", "4"]
    goals = top[2][1].text.split("\n")
    assert [g[:4] for g in goals] == ["目标1：", "目标2：", "目标3：", "目标4：", "目标5："]
    assert goals[0] == ("目标1：通过投入使用广州市人民政府应急指挥中心，实现统一指挥、统一领导、"
                        "权责一致、权威高效的应急能力体系基本建成，增强应急管理系统性、整体性、协同性。")
    assert at(top[2], 3) == "整体绩效目标完成情况"
    completion = at(top[3], 3).split("\n")
    assert completion[0] == "目标1："  # several paragraphs: heading on its own line
    assert completion[1].startswith("（1）2022年，在市委、市政府的坚强领导下")
    goal2 = next(p for p in completion if p.startswith("目标2："))
    assert goal2.startswith("目标2：圆满完成国务院普查办")  # one paragraph runs on
    assert [at(top[4], 3), at(top[5], 3)] == ["未能完成原因", "无"]


def test_budget_block_numbers(demo_docx):
    _, tables = open_docx(demo_docx)
    top = tables[0]
    assert top[6][0].text == "年度部\n门预算\n情况"  # wrapped as in the original
    assert top[6][1].text == "总预算\n（万元）"
    assert [c.text for c in top[7]][2:] == ["部门预算", "事业发展支出", "事业发展支出\n(按预算级次划分)"]
    assert [c.text for c in top[8]][2:] == [
        "基本支出", "项目支出", "专项资金", "其他事业发展支出", "市本级资金", "对下转移支付"]
    assert [c.text for c in top[9]][1:] == [
        "39,481.84", "8,847.16", "20,593.52", "226.00", "10,001.16", "2,000.00", "8,001.16"]
    # The label and 总预算 cells are merged over the header levels.
    assert vertical_spans(top, 0)[-1] == ("年度部\n门预算\n情况", 6, 4)
    assert vertical_spans(top, 1)[-2:] == [("总预算\n（万元）", 6, 3), ("39,481.84", 9, 1)]


def test_indicator_merges_and_values(demo_docx):
    _, tables = open_docx(demo_docx)
    table = indicator_table(tables)
    assert [c.text for c in table[0]] == [
        "一级指标", "分值", "二级指标", "分值", "三级指标", "分值", "指标解释", "得分/\n自评分",
        "未达标原因", "改进措施"]
    rows = data_rows(table)
    assert len(rows) == 26
    assert [(t, n) for t, _, n in vertical_spans(table, 0)][1:3] == [("履职效能", 3), ("管理效率", 23)]
    assert [(t, n) for t, _, n in vertical_spans(table, 1)][1:3] == [("50", 3), ("50", 23)]
    level2 = [(t, n) for t, _, n in vertical_spans(table, 2)][1:]
    assert level2 == [("整体效能", 3), ("预算编制", 1), ("预算执行", 2), ("信息公开", 2),
                      ("绩效管理", 3), ("采购管理", 7), ("资产管理", 6), ("运行成本", 2)]
    assert [t for t, _, _ in vertical_spans(table, 3)][1:] == ["50", "3", "4", "4", "15", "10", "10", "4"]
    names = vertical_spans(table, 4)
    assert ("采购意向公开合规性", 12, 2) in names
    explanations = vertical_spans(table, 6)
    assert ("反映采购意向公开完整性、及时性情况。", 12, 2) in explanations
    # The parts keep their own 分值 and 得分.
    assert column_texts(rows, 5)[11:13] == ["0.5", "1.5"]
    assert column_texts(rows, 7)[11:13] == ["0.50", "1.50"]
    assert column_texts(rows, 7)[:4] == ["19.54", "20.00", "8.95", "3.00"]
    merges = sum(1 for row in table for cell in row if cell.vmerge == "restart")
    assert merges >= 10
    reason = column_texts(rows, 8)[2]
    assert reason == ("广州市应急管理局年度平均执行率为89.51%，则本指标得分为8.95。\n"
                      "受2022年疫情客观因素制约，部分项目建设进度未达预期，故支出进度未达标。")


def test_total_and_grade(demo_docx):
    _, tables = open_docx(demo_docx)
    table = indicator_table(tables)
    total = next(row for row in table if row[0].text == "总分")
    assert [c.text for c in total if c.text] == ["总分", "100", "94.49"]
    grade = next(row for row in table if row[0].text == "评价等级")[1].text
    assert re.findall(r"([☑□])(.)", grade) == [("☑", "优"), ("□", "良"), ("□", "中"), ("□", "差")]


def test_sample_department_of_another_shape(sample_docx):
    _, tables = open_docx(sample_docx)
    top, table = tables[0], indicator_table(tables)
    assert [c.text for c in top[1]] == ["部门名称", "广州市示例局", "单位数：", "2"]
    assert [g[:4] for g in top[2][1].text.split("\n")] == ["目标1：", "目标2：", "目标3："]
    completion = at(top[3], 3).split("\n")
    assert [p for p in completion if p.startswith("目标")][1].startswith("目标2：全年走访")
    assert "“R&D<研发>”" in at(top[3], 3) and '"A&B"' in at(top[3], 3)
    assert at(top[5], 3).count("\n") == 2  # the multi-line 未能完成原因 keeps its lines
    assert [c.text for c in top[9]][1:3] == ["1,052,300.75", "3,534.50"]
    spans = [(t, n) for t, _, n in vertical_spans(table, 0)][1:4]
    assert spans == [("履职效能", 3), ("管理效率", 9), ("社会效益", 3)]
    assert [t for t, _, _ in vertical_spans(table, 1)][1:4] == ["50", "25", "25"]
    assert ("资产管理合规性", 3) in [(t, n) for t, _, n in vertical_spans(table, 4)]
    rows = data_rows(table)
    parts = [i for i, t in enumerate(column_texts(rows, 4)) if t == "资产管理合规性"]
    assert [column_texts(rows, 5)[i] for i in range(parts[0], parts[0] + 3)] == ["1", "1.5", "2.5"]
    total = next(row for row in table if row[0].text == "总分")
    assert [c.text for c in total if c.text] == ["总分", "100", "84.35"]
    grade = next(row for row in table if row[0].text == "评价等级")[1].text
    assert re.findall(r"([☑□])(.)", grade) == [("□", "优"), ("☑", "良"), ("□", "中"), ("□", "差")]


def test_text_with_markup_characters_stays_literal(tmp_path):
    from tests.conftest import DEMO_TOML, make_year

    text = DEMO_TOML.read_text(encoding="utf-8").replace(
        'unmet_reason = "无"', 'unmet_reason = "A&B <w:p> {{ year }} ]]> \\"x\\""')
    source = tmp_path / "src" / DEMO_TOML.name
    source.parent.mkdir()
    source.write_text(text, encoding="utf-8")
    workspace = make_year(tmp_path / "ws", source)
    [result] = build_into(workspace, formats=["docx"])
    assert result.ok
    assert 'A&B <w:p> {{ year }} ]]> "x"' in all_text(result.outputs[0])


@needs_office
def test_rendered_text_reproduces_reference(demo_docx, tmp_path):
    produced = pdf_text(to_pdf(demo_docx, tmp_path / "pdf"))
    coverage, ratio = text_similarity(REFERENCE_TEXT.read_text(encoding="utf-8"), produced)
    print(f"4-gram coverage {coverage:.4f}, order ratio {ratio:.4f}")
    assert coverage >= 0.98
    assert ratio >= 0.85


@needs_office
def test_sample_renders_in_libreoffice(sample_docx, tmp_path):
    produced = pdf_text(to_pdf(sample_docx, tmp_path / "pdf"))
    flat = re.sub(r"\s+", "", produced)
    for expected in ("广州市示例局", "社会效益", "资产管理合规性", "84.35", "☑", "1,052,300.75"):
        assert expected in flat
