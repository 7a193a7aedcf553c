"""A year with department and project forms (batch.build_year): the checks between the forms
(主管部门 without a department form; Σ 全年预算数 over the department's 项目支出) and the
汇总表's project sheets."""

from __future__ import annotations

import shutil
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tests.conftest import DEMO_TOML, TEMPLATES
from tests.project_helpers import DEMO_PROJECTS, spec_project, write_project

D = Decimal
DEPARTMENT = "广州市应急管理局"


def _build(workspace):
    from reportgen.batch import build_year

    return build_year(workspace / "data", 2022, templates_dir=TEMPLATES, out_dir=workspace / "output",
                      formats=("xlsx",))


@pytest.fixture(scope="module")
def year(tmp_path_factory):
    """The bundled department and its example projects, plus: a project of a department that
    has no form, one in 元 of the bundled department, and one whose 主管部门 is a formula-like text."""
    workspace = tmp_path_factory.mktemp("year")
    data = workspace / "data" / "2022"
    data.mkdir(parents=True)
    shutil.copy(DEMO_TOML, data / DEMO_TOML.name)
    shutil.copytree(DEMO_PROJECTS, data / "项目" / DEPARTMENT)
    write_project(data / "项目" / "其他", spec_project())  # 上海市普陀区体育局: no department form
    write_project(data / "项目" / "其他", spec_project(project={
        "name": "=1+1", "department": "=HYPERLINK(\"x\")", "unit": "单位"}), stem="公式")
    return workspace, _build(workspace)


def _findings(outcome, stem):
    result = next(r for r in outcome.results if r.source.stem == stem)
    return result, [f for f in result.findings if f.level == "warning"]


def test_every_form_is_built(year):
    _, outcome = year
    assert outcome.failed == []
    assert outcome.counts == {"department": 1, "project": 5}


def test_project_without_a_department_form_warns_and_still_builds(year):
    _, outcome = year
    result, [warning] = _findings(outcome, "普陀体育中心与委托运营方结算费用")
    assert result.ok and len(result.outputs) == 1
    assert warning.location == "普陀体育中心与委托运营方结算费用.toml 第6行 键 project.department"
    assert warning.message.startswith("本年度没有主管部门「上海市普陀区体育局」的部门整体支出绩效自评表")
    assert f"本年度生成的部门表：{DEPARTMENT}" in warning.message
    for stem in ("示例：森林防火宣传", "示例：应急指挥中心运行维护"):  # their department is there, within budget
        assert _findings(outcome, stem)[1] == []


def test_projects_over_the_department_budget_warn_naming_figures(tmp_path):
    data = tmp_path / "data" / "2022"
    data.mkdir(parents=True)
    shutil.copy(DEMO_TOML, data / DEMO_TOML.name)  # 项目支出 20,593.52 万元
    big = spec_project(money_unit="万元", project={"name": "大项目", "department": DEPARTMENT, "unit": "单位"},
                       funds={"current": [20000, 20000, 19000], "carryover": [0, 0, 0], "other": [0, 0, 0]})
    write_project(data / "项目", big)
    small = spec_project(project={"name": "小项目", "department": DEPARTMENT, "unit": "单位"})  # 250,000 元
    small["funds"]["current"] = [D(6000000), D(6000000), D(5000000)]  # 600 万元
    write_project(data / "项目", small)
    outcome = _build(tmp_path)
    for stem in ("大项目", "小项目"):
        result, [warning] = _findings(outcome, stem)
        assert result.ok
        assert "主管部门「广州市应急管理局」的 2 个项目全年预算数合计 20,600.00 万元" in warning.message
        assert "项目支出 20,593.52 万元（多 6.48 万元）" in warning.message
        assert "广州市应急管理局.toml" in warning.message
        assert "大项目.toml（大项目）20,000.00 万元；小项目.toml（小项目）600.00 万元" in warning.message


def test_summary_has_the_project_sheets(year):
    workspace, outcome = year
    wb = load_workbook(outcome.summary_path)
    assert wb.sheetnames == ["汇总", "图表", "项目", "项目汇总"]
    ws = wb["项目"]
    assert ws["A1"].value == "2022年度项目支出绩效自评汇总"  # the title row, then the table
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    assert rows[0] == ["主管部门", "项目名称", "全年预算数（万元）", "全年执行数（万元）", "执行率", "总分",
                       "评价等级", "实际完成值空白数", "说明"]
    assert ws.freeze_panes == "A3" and ws.auto_filter.ref == f"A2:I{len(rows) + 1}"
    # sorted by 主管部门, then 总分 (highest first); 元 converted to 万元; numbers as numbers
    assert [r[0] for r in rows[1:]] == ["=HYPERLINK(\"x\")", "上海市普陀区体育局", DEPARTMENT, DEPARTMENT, DEPARTMENT]
    assert rows[1][1] == "=1+1" and ws["A3"].data_type == "s" and ws["B3"].data_type == "s"
    assert rows[2] == ["上海市普陀区体育局", "普陀体育中心与委托运营方结算费用", 25, 21.54576, 0.8618, 98.62, "优",
                       0, None]
    ours = rows[3:]
    assert [r[1] for r in ours] == ["示例：森林防火宣传", "示例：应急指挥中心运行维护", "示例：安全生产执法装备购置"]
    assert [r[5] for r in ours] == [98.62, 97.43, 96.98]
    assert ws["E4"].number_format == "0.00%"
    per = [[c.value for c in row] for row in wb["项目汇总"].iter_rows(min_row=2)]
    assert per[0] == ["主管部门", "项目数", "全年执行数合计（万元）"]
    assert per[3][:2] == [DEPARTMENT, 3]
    assert per[3][2] == pytest.approx(21.54576 + 1178.3302 + 578.6)


def test_only_departments_without_projects_add_no_project_sheets(tmp_path):
    data = tmp_path / "data" / "2022"
    data.mkdir(parents=True)
    shutil.copy(DEMO_TOML, data / DEMO_TOML.name)
    outcome = _build(tmp_path)
    assert load_workbook(outcome.summary_path).sheetnames == ["汇总", "图表"]


def test_settings_file_sets_the_budget_weight_and_split(tmp_path):
    data = tmp_path / "data" / "2022"
    data.mkdir(parents=True)
    (data / "设置.toml").write_text(
        "[project]\nbudget_weight = 20\n\n[project.split]\n\"产出指标\" = 40\n\"效益指标\" = 30\n\"满意度指标\" = 10\n",
        encoding="utf-8")
    project = spec_project()
    project["indicators"][0].update(weight=15, score=15)  # 产出指标 40: the indicators add up to 80
    write_project(data / "项目", project)
    [result] = _build(tmp_path).results
    assert result.ok
    assert [f.message for f in result.findings if "主管部门" not in f.message] == []
    row = result.summary
    assert row.total_score == D("97.24")  # 20 × 86.18% = 17.236 → 17.24, + 80
    ws = load_workbook(result.outputs[0]).active
    assert ws["G6"].value == 20 and ws["I6"].value == "17.24"


def test_settings_split_that_differs_warns(tmp_path):
    data = tmp_path / "data" / "2022"
    data.mkdir(parents=True)
    (data / "设置.toml").write_text("[project.split]\n\"产出指标\" = 40\n\"效益指标\" = 40\n\"满意度指标\" = 10\n",
                                   encoding="utf-8")
    write_project(data / "项目", spec_project())
    [result] = _build(tmp_path).results
    [warning] = [f for f in result.findings if "通常的分配" in f.message]
    assert "产出指标 50、效益指标 30、满意度指标 10" in warning.message
    assert "（产出指标 40、效益指标 40、满意度指标 10，预算执行 10）" in warning.message


def test_a_department_selects_its_projects(year):
    from reportgen.batch import build_year

    workspace, _ = year
    outcome = build_year(workspace / "data", 2022, templates_dir=TEMPLATES, out_dir=workspace / "selected",
                         formats=("xlsx",), departments=[DEPARTMENT])
    assert outcome.counts == {"department": 1, "project": 3}
    assert {r.group for r in outcome.results} == {DEPARTMENT}


def test_two_files_of_one_project_are_refused(tmp_path):
    data = tmp_path / "data" / "2022" / "项目"
    write_project(data / "甲", spec_project(), stem="结算")
    write_project(data / "乙", spec_project(), stem="结算费用")
    outcome = _build(tmp_path)
    assert len(outcome.failed) == 2 and not list((tmp_path / "output").rglob("*自评表.xlsx"))
    listed = [[c.value for c in row] for row in load_workbook(outcome.summary_path)["项目"].iter_rows(min_row=3)]
    assert [(r[1], r[6]) for r in listed] == [("普陀体育中心与委托运营方结算费用", "未生成")] * 2
    for result in outcome.failed:
        [found] = result.findings
        assert "项目名称「普陀体育中心与委托运营方结算费用」与" in found.message
        assert "键 project.name" in found.location
