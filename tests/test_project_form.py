"""The project form built end to end (TOML → .docx/.xlsx): the figures the spec prints, the
money unit, merges of 一级/二级指标, empty category rows, computed scores, and the bundled
example projects."""

from __future__ import annotations

import pickle
from decimal import Decimal

import pytest
from docx import Document
from openpyxl import load_workbook

from tests.docx_helpers import table_grid, vertical_spans
from tests.project_helpers import DEMO_PROJECTS, build_project, messages, spec_project, write_project

D = Decimal
NAME_COLUMN, LEVEL1, LEVEL2 = 3, 1, 2  # grid columns of the indicator table (col 0: 绩效指标)


@pytest.fixture(scope="module")
def spec_form(tmp_path_factory):
    """The spec's example (in 元), built once: (result, docx tables as grids, xlsx sheet)."""
    folder = tmp_path_factory.mktemp("spec")
    result = build_project(write_project(folder / "data" / "2022" / "项目", spec_project()), folder / "output")
    assert result.ok, messages(result)
    docx = next(p for p in result.outputs if p.suffix == ".docx")
    xlsx = next(p for p in result.outputs if p.suffix == ".xlsx")
    grids = [table_grid(t._tbl) for t in Document(str(docx)).tables]
    return result, grids, load_workbook(xlsx).active


@pytest.fixture(scope="module")
def examples(tmp_path_factory):
    """The bundled example projects, built once: {file stem: BuildResult}."""
    out = tmp_path_factory.mktemp("examples")
    results = {path.stem: build_project(path, out) for path in sorted(DEMO_PROJECTS.glob("*.toml"))}
    return results


def _row(grid, first_text):
    return next(row for row in grid if row and any(c.text == first_text for c in row))


def _texts(row):
    return [c.text for c in row]


def test_output_path_follows_the_department(spec_form):
    result, _, _ = spec_form
    names = sorted(p.relative_to(p.parents[3]).as_posix() for p in result.outputs)
    assert names == [
        f"2022/项目/上海市普陀区体育局/普陀体育中心与委托运营方结算费用_2022年度项目支出绩效自评表.{s}"
        for s in ("docx", "xlsx")]
    assert result.name == "普陀体育中心与委托运营方结算费用" and result.group == "上海市普陀区体育局"


def test_docx_money_block_as_the_spec_prints_it(spec_form):
    _, (top, _), _ = spec_form
    assert _texts(_row(top, "项目资金\n（元）"))[0] == "项目资金\n（元）"
    total = _texts(_row(top, "年度资金总额"))
    assert total[-6:] == ["250,000.00", "250,000.00", "215,457.60", "10", "86.18%", "8.62"]
    current = _texts(_row(top, "其中：当年财政拨款"))
    assert current[-6:] == ["250,000.00", "250,000.00", "215,457.60", "—", "—", "—"]
    assert _texts(_row(top, "上年结转资金"))[-6:-3] == ["0.00", "0.00", "0.00"]
    assert "已按合同完成结算。\n运营情况良好。" in [c.text for row in top for c in row]


def test_docx_indicators_total_and_merges(spec_form):
    _, (_, table), _ = spec_form
    assert _texts(_row(table, "总分"))[-3:] == ["100", "98.62", ""]
    # 产出指标 over its four rows, 效益指标 over the empty category row and its indicator.
    assert vertical_spans(table, LEVEL1)[1:] == [("产出指标", 1, 4), ("效益指标", 5, 2), ("满意度指标", 7, 1),
                                                ("总分", 8, 1)]
    # Two 数量指标 rows share one 二级指标 cell; the other categories keep one row each.
    assert vertical_spans(table, LEVEL2)[1:4] == [("数量指标", 1, 2), ("质量指标", 3, 1), ("时效指标", 4, 1)]
    # The empty 经济效益指标 category keeps its place, with nothing scored.
    economic = _row(table, "经济效益指标")
    assert table.index(economic) == 5
    assert [c.text for c in economic if c.column >= NAME_COLUMN] == ["", "", "", "", "", ""]
    # 场馆开放天数's score was left out: ≥300天 reached with 320天 gives full marks.
    assert _texts(_row(table, "场馆开放天数"))[-4:] == ["320天", "10", "10", ""]


def test_xlsx_cells_numbers_and_merges(spec_form):
    _, _, ws = spec_form
    values = {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None}
    assert values["A5"] == "项目资金\n（元）"
    assert (values["D6"], values["E6"], values["F6"]) == (250000, 250000, 215457.6)
    assert ws["F6"].number_format == "#,##0.00##"
    assert (values["G6"], values["H6"], values["I6"]) == (10, "86.18%", "8.62")
    total_row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == "总分")
    assert (ws.cell(total_row, 7).value, ws.cell(total_row, 8).value) == (100, "98.62")
    merges = {str(r) for r in ws.merged_cells.ranges}
    first = 13  # the first indicator row
    assert {f"B{first}:B{first + 3}", f"C{first}:C{first + 1}", f"B{first + 4}:B{first + 5}"} <= merges
    assert f"A12:A{total_row}" in merges  # 绩效指标 over the whole indicator block
    economic = first + 4
    assert ws.cell(economic, 3).value == "经济效益指标"
    assert [ws.cell(economic, c).value for c in range(4, 10)] == [None] * 6


def test_bundled_examples_build_without_findings(examples):
    assert sorted(examples) == ["示例：安全生产执法装备购置", "示例：应急指挥中心运行维护", "示例：森林防火宣传"]
    for stem, result in examples.items():
        assert result.ok and result.findings == [], (stem, messages(result))
        assert result.name.startswith("示例：")
        assert len(result.outputs) == 2
        text = (DEMO_PROJECTS / f"{stem}.toml").read_text(encoding="utf-8")
        assert text.startswith("# 示例数据：虚构的项目，仅用于演示本工具")
    rows = {stem: result.summary for stem, result in examples.items()}
    assert all(pickle.loads(pickle.dumps(row)) == row for row in rows.values())  # crosses processes
    assert sum(row.budget for row in rows.values()) <= D("20593.52")  # the department's 项目支出
    assert rows["示例：森林防火宣传"].budget == D(25)  # 250,000 元 in 万元
    assert rows["示例：森林防火宣传"].execution_rate == D("86.18")
    assert rows["示例：应急指挥中心运行维护"].total_score == D("97.43")


def test_wan_yuan_amounts_keep_their_decimals(examples):
    result = examples["示例：应急指挥中心运行维护"]
    docx = next(p for p in result.outputs if p.suffix == ".docx")
    top, table = (table_grid(t._tbl) for t in Document(str(docx)).tables)
    assert _texts(_row(top, "项目资金\n（万元）"))[0] == "项目资金\n（万元）"
    assert _texts(_row(top, "年度资金总额"))[-6:] == ["1,200.00", "1,230.50", "1,178.3302", "10", "95.76%", "9.58"]
    assert _texts(_row(top, "上年结转资金"))[-6:-3] == ["0.00", "80.50", "79.974"]
    # 97% of ≥98% with 分值 15: 15 × 97 ÷ 98 = 14.846… → 14.85 (computed, score left out)
    assert _texts(_row(table, "系统故障修复及时率"))[-3:-1] == ["15", "14.85"]
    assert _texts(_row(table, "总分"))[-3:-1] == ["100", "97.43"]


def test_variable_table_matches_the_context_and_the_guide():
    from reportgen.forms.registry import get_kind
    from reportgen.pipeline import load
    from reportgen.tags.guide import guide_sections
    from reportgen.tags.variables import GUIDE_NAME, context_paths
    from tests.conftest import ROOT

    kind = get_kind("project")
    for source in sorted(DEMO_PROJECTS.glob("*.toml")):
        context = kind.rendering(load(kind, source)).context
        assert context_paths(context) == kind.variables.paths, source.name
    guide = (ROOT / GUIDE_NAME).read_text(encoding="utf-8")
    assert kind.variables.guide_section(guide) == guide_sections(kind), (
        "docs/模板编辑说明.md is out of date: run python tools/update_template_guide.py")
    assert "| `funds.total.spent` | 项目资金：年度资金总额的全年执行数" in guide
