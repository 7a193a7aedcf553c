"""The project form's rules through the kind (scores, 执行率, warnings) and the invalid inputs
the spec lists: refused with located Chinese messages, and nothing written for them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from reportgen.settings import Settings
from tests.project_helpers import build_project, spec_project, write_project

D = Decimal


def _validate(tmp_path, data, settings=None, fmt="toml"):
    from reportgen.forms.registry import get_kind
    from reportgen.pipeline import read_input

    kind = get_kind("project")
    path = write_project(tmp_path / "data" / "2022" / "项目", data, stem="项目", fmt=fmt)
    return kind.validate(read_input(path, kind), 2022, settings or Settings())


def _indicator(data, name):
    return next(row for row in data["indicators"] if row.get("name") == name)


def _rows(built, name):
    return next(row for row in built.model.indicators if row.name == name)


@pytest.mark.parametrize(("budget", "spent", "rate", "score"), [
    ("250000", "215457.6", "86.18", "8.62"),  # the spec's example
    ("250000", "215625", "86.25", "8.63"),  # 8.625: half-up, where half-even gives 8.62
    ("10000", "8624.51", "86.25", "8.63"),  # scored from the printed rate (86.2451% → 86.25%)
    ("80000", "68900", "86.13", "8.61"),  # 86.125% → 86.13% half-up
])
def test_budget_execution_score_rounds_half_up(tmp_path, budget, spent, rate, score):
    data = spec_project(funds={"current": [D(budget), D(budget), D(spent)], "carryover": [0, 0, 0],
                               "other": [0, 0, 0]})
    built, findings = _validate(tmp_path, data)
    assert built is not None and findings == []
    assert built.evaluation.execution_rate == D(rate)
    assert built.evaluation.budget_score == D(score)
    assert built.evaluation.total_score == D(score) + 90


def test_execution_a_little_over_100_percent_warns_and_caps_the_score(tmp_path):
    data = spec_project(funds={"current": [D(1000), D(1000), D(1005)], "carryover": [0, 0, 0], "other": [0, 0, 0]})
    built, findings = _validate(tmp_path, data)
    assert built is not None
    assert built.evaluation.execution_rate == D("100.50") and built.evaluation.budget_score == 10
    [finding] = findings
    assert finding.level == "warning" and "执行率 100.50%" in finding.message
    assert "键 funds.current" in finding.location


def test_execution_over_the_limit_is_refused_and_the_limit_is_a_setting(tmp_path):
    data = spec_project(funds={"current": [D(100), D(100), D(104)], "carryover": [0, 0, 0], "other": [0, 0, 0]})
    built, findings = _validate(tmp_path, data)
    assert built is None
    [finding] = findings
    assert finding.level == "error" and "键 funds.current[3]" in finding.location and "第" in finding.location
    assert finding.message == (
        "全年执行数 104.00 超过全年预算数 100.00，执行率 104.00%，超过允许的 100.5%。执行数一般不会超过调整后的"
        "全年预算数：请核对这两个数（全年预算数应填调整后的预算）。如确实如此，可在 data/2022/设置.toml 的 "
        "[project] 中把 max_execution_rate 调高（现为 100.5）。")
    built, findings = _validate(tmp_path, data, Settings(kinds={"project": {"max_execution_rate": 105}}))
    assert built is not None and built.evaluation.budget_score == 10
    assert [f.level for f in findings] == ["warning"] and "执行率 104.00%" in findings[0].message


@pytest.mark.parametrize(("target", "actual", "score"), [
    ("≥50个", "52个", "10"),  # 正向 reached
    ("≥50个", "45个", "9"),  # 正向: 10 × 45 ÷ 50
    (">=90%", "89.55%", "9.95"),  # 10 × 89.55 ÷ 90 = 9.95
    ("≤3天", "2天", "10"),  # 反向 within
    ("≤3天", "4天", "6.67"),  # 反向: 10 × (1 − (4 − 3) ÷ 3) = 6.666… → 6.67
    ("<=8小时", "9小时", "8.75"),  # 10 × (1 − 1/8) = 8.75
    ("≤2天", "5天", "0"),  # 反向, far over: not below 0
])
def test_quantitative_scores_are_computed_when_left_out(tmp_path, target, actual, score):
    data = spec_project()
    row = _indicator(data, "场馆开放天数")
    row.update(target=target, actual=actual)
    if D(score) < 10:
        row["reason"] = "未达到目标。"
    built, findings = _validate(tmp_path, data)
    assert built is not None, [str(f) for f in findings]
    assert _rows(built, "场馆开放天数").score == D(score)


def test_typed_score_that_differs_from_the_rule_warns_with_the_computed_figure(tmp_path):
    data = spec_project()
    _indicator(data, "场馆开放天数").update(actual="270天", score=10)
    built, findings = _validate(tmp_path, data)
    assert built is not None and _rows(built, "场馆开放天数").score == 10  # the typed score is kept
    [finding] = [f for f in findings if "不一致" in f.message]
    assert finding.level == "warning" and "计算的 9 不一致" in finding.message
    assert "indicators[2].score" in finding.location


def test_score_below_weight_without_reason_warns(tmp_path):
    data = spec_project()
    _indicator(data, "结算及时性").update(score=4)
    built, findings = _validate(tmp_path, data)
    assert built is not None
    [finding] = findings
    assert finding.level == "warning" and "结算及时性" in finding.message and "偏差原因" in finding.message


def test_another_split_warns(tmp_path):
    data = spec_project()
    _indicator(data, "与委托运营方结算完成率").update(weight=20, score=20)
    _indicator(data, "群众满意度").update(weight=15, score=15)
    built, findings = _validate(tmp_path, data)
    assert built is not None
    [finding] = findings
    assert finding.level == "warning" and "产出指标 45、效益指标 30、满意度指标 15" in finding.message


def test_budget_weight_20_from_settings(tmp_path):
    data = spec_project()
    _indicator(data, "与委托运营方结算完成率").update(weight=15, score=15)
    settings = Settings(kinds={"project": {"budget_weight": 20}})
    built, findings = _validate(tmp_path, data, settings)
    assert built is not None and findings == []  # the usual split is skipped: it adds to 90, not 80
    assert built.evaluation.budget_weight == 20 and built.evaluation.budget_score == D("17.24")
    assert built.evaluation.total_weight == 100 and built.evaluation.total_score == D("97.24")


def _refused(tmp_path, data, fmt="toml"):
    """Build the data; it must fail, write nothing, and return its error findings."""
    source = write_project(tmp_path / "data" / "2022" / "项目", data, stem="项目", fmt=fmt)
    result = build_project(source, tmp_path / "output")
    assert not result.ok and result.outputs == []
    assert not (tmp_path / "output").exists() or not any((tmp_path / "output").rglob("*.*"))
    return [f for f in result.findings if f.level == "error"]


def test_total_that_is_not_the_sum_of_its_rows_is_refused_at_the_row(tmp_path):
    # The real 2022 form: 0 0 0 printed over an 本年财政拨款 of 90 / 89.974 / 89.974.
    funds = {"current": [90, D("89.974"), D("89.974")], "carryover": [0, 0, 0], "other": [0, 0, 0],
             "total": [0, 0, 0]}
    errors = _refused(tmp_path, spec_project(money_unit="万元", funds=funds))
    assert len(errors) == 3
    assert all("键 funds.total" in e.location and "第" in e.location for e in errors)
    assert "年度资金总额的全年预算数 0.00 不等于三行之和" in errors[1].message
    assert "89.974 + 上年结转资金 0.00 + 其他资金 0.00 = 89.974" in errors[1].message


def test_total_not_the_sum_is_located_at_the_cell_in_a_workbook(tmp_path):
    funds = {"current": [90, D("89.974"), D("89.974")], "carryover": [0, 0, 0], "other": [0, 0, 0],
             "total": [90, 0, D("89.974")]}
    [found] = _refused(tmp_path, spec_project(money_unit="万元", funds=funds), fmt="xlsx")
    assert found.location == "项目.xlsx 项目资金!C2"  # 年度资金总额 is written first; C: 全年预算数


def test_zero_budget_with_spending_is_refused(tmp_path):
    funds = {"current": [0, 0, 100], "carryover": [0, 0, 0], "other": [0, 0, 0]}
    [found] = _refused(tmp_path, spec_project(funds=funds))
    assert "全年预算数为 0，全年执行数却是 100.00 元" in found.message and "funds.current" in found.location


def test_unknown_money_unit_is_refused(tmp_path):
    [found] = _refused(tmp_path, spec_project(money_unit="千元"))
    assert "金额单位「千元」无法识别" in found.message and "键 money_unit" in found.location


@pytest.mark.parametrize(("unit", "value", "places"), [("元", "215457.601", 2), ("万元", "89.97412", 4)])
def test_too_many_decimals_are_refused(tmp_path, unit, value, places):
    funds = {"current": [D(value), D(value), D(value)], "carryover": [0, 0, 0], "other": [0, 0, 0]}
    errors = _refused(tmp_path, spec_project(money_unit=unit, funds=funds))
    assert len(errors) == 3 and f"超过{places}位小数" in errors[0].message and f"金额单位为{unit}" in errors[0].message


def test_negative_amount_is_refused(tmp_path):
    funds = {"current": [D(100), D(100), D(90)], "carryover": [0, D(-5), 0], "other": [0, 0, 0]}
    errors = _refused(tmp_path, spec_project(funds=funds))
    assert any("上年结转资金」的全年预算数不能为负数" in e.message for e in errors)


def test_score_over_weight_is_refused(tmp_path):
    data = spec_project()
    _indicator(data, "场馆设施完好率").update(score=12)
    [found] = _refused(tmp_path, data)
    assert "「场馆设施完好率」的得分 12 超过了分值 10" in found.message
    assert "indicators[3].score" in found.location


def test_missing_score_on_a_qualitative_indicator_is_refused(tmp_path):
    data = spec_project()
    del _indicator(data, "结算及时性")["score"]
    [found] = _refused(tmp_path, data)
    assert found.message.startswith("缺少得分：指标「结算及时性」年度指标值「及时」不是")
    assert "indicators[4]" in found.location


def test_missing_score_when_units_differ_is_refused(tmp_path):
    data = spec_project()
    _indicator(data, "场馆开放天数").update(actual="10个月")
    [found] = _refused(tmp_path, data)
    assert "实际完成值「10个月」不是与年度指标值「≥300天」同一单位的数字" in found.message


def test_weights_not_adding_to_100_are_refused(tmp_path):
    data = spec_project()
    _indicator(data, "群众满意度").update(weight=15, score=15)
    [found] = _refused(tmp_path, data)
    assert "各指标分值合计为 95，加上预算执行的分值 10 为 105，应为 100" in found.message
    assert "多了 5" in found.message


def test_weights_error_names_the_column_in_a_workbook(tmp_path):
    data = spec_project()
    _indicator(data, "群众满意度").update(weight=5, score=5)
    [found] = _refused(tmp_path, data, fmt="xlsx")
    assert found.location == "项目.xlsx 绩效指标!F2:F8"


def test_year_of_another_folder_is_refused(tmp_path):
    [found] = _refused(tmp_path, spec_project(year=2021))
    assert "年度 2021 与所在文件夹 2022 不一致" in found.message


def test_missing_fund_row_and_blank_figure_are_refused(tmp_path):
    funds = {"current": [D(100), "", D(90)], "other": [0, 0, 0]}
    errors = _refused(tmp_path, spec_project(funds=funds))
    text = "\n".join(e.message for e in errors)
    assert "缺少项目资金「当年财政拨款」的全年预算数" in text and "缺少项目资金「上年结转资金」这一行" in text


def test_bad_settings_are_reported_in_the_settings_file(tmp_path):
    settings = Settings(kinds={"project": {"budget_weight": 120}})
    built, findings = _validate(tmp_path, spec_project(), settings)
    assert built is None
    assert findings[0].location == "设置.toml 键 project.budget_weight" and "0 到 100" in findings[0].message


def test_category_row_and_scored_rows_are_told_apart(tmp_path):
    data = spec_project()
    data["indicators"].insert(5, {"level1": "效益指标", "level2": "生态效益指标", "name": "绿地面积"})
    errors = _refused(tmp_path, data)
    assert any("缺少分值（绿地面积）" in e.message for e in errors), [str(e) for e in errors]


def test_zero_weight_without_score_reports_the_weight(tmp_path):
    data = spec_project()
    _indicator(data, "结算及时性").update(weight=0)
    del _indicator(data, "结算及时性")["score"]
    errors = _refused(tmp_path, data)
    assert any("「结算及时性」的分值应大于 0" in e.message for e in errors)
    assert not any("缺少得分" in e.message for e in errors)


def test_an_overrun_over_many_projects_names_ten_and_counts_the_rest():
    """Each project of a department over its 项目支出 gets the warning; the list in it stops
    at ten names, so a department with hundreds of projects does not get hundreds of
    messages that each list them all (the text would grow with the square of the count)."""
    from decimal import Decimal

    from reportgen.forms.department.compute import SummaryRow as DepartmentRow
    from reportgen.forms.project.compute import SummaryRow
    from reportgen.forms.project.crosscheck import cross_check
    from reportgen.forms.registry import get_kind

    rows = [SummaryRow(f"项目{i:02d}", "某局", f"项目{i:02d}.toml", Decimal(10), Decimal(9), Decimal("90.00"),
                       Decimal(95), "优") for i in range(12)]
    department = DepartmentRow("某局", 1, Decimal(200), Decimal(100), (), Decimal(90), "优", 0)
    found = cross_check(rows, {get_kind("department"): [department]})
    assert sorted(found) == list(range(12))
    message = found[0][0].message
    assert "12 个项目全年预算数合计 120.00 万元" in message and "项目支出 100.00 万元（多 20.00 万元）" in message
    assert "项目09.toml（项目09）10.00 万元；……（共 12 个项目）" in message and "项目10" not in message
