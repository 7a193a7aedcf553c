"""Figures a clerk reads on a built form, checked at their boundaries through the command
line (issue 19, point 6: each test here kills a mutant that every other test let live).

Department form: the 汇总表's 未满分指标数, the 得分 of the two score rules with a typed
direction, an actual of 0, a small actual, an exceeded 反向 target of 1 or 0, and an
执行率 of 0%. Project form: a 预算执行 分值 (budget_weight) at its bounds 0 and 100.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import DEMO_TOML, TEMPLATES, convert_file, run_cli
from tests.ooxml import assert_valid
from tests.project_helpers import spec_project, write_project

DEPT = "广州市应急管理局"
DEMO_TEXT = DEMO_TOML.read_text(encoding="utf-8")
FORM_XLSX = f"{DEPT}_2022年度部门整体支出绩效自评表.xlsx"
SUMMARY_XLSX = "2022年度部门整体支出绩效自评汇总表.xlsx"
OUTPUT_ROW = "部门整体绩效目标产出指标完成情况"  # weight 20, typed score 19.54 in the demo
RATE_ROW = "部门预算资金支出率"  # weight 10, typed score 8.95 in the demo


def line_after(text: str, marker: str) -> str:
    """The line that follows `marker` (which ends with a newline) in text."""
    return text.split(marker, 1)[1].split("\n", 1)[0]


OUTPUT_REASON = line_after(DEMO_TEXT, "score = 19.54\n")
RATE_REASON = line_after(DEMO_TEXT, "score = 8.95\n")
assert OUTPUT_REASON.startswith("reason = ") and RATE_REASON.startswith("reason = ")


def workspace_with(tmp_path: Path, text: str, as_workbook: bool = False) -> Path:
    """A workspace whose data/2022 holds the department's data as TOML (or converted to the
    Excel workbook through `reportgen convert`)."""
    folder = tmp_path / "data" / "2022"
    folder.mkdir(parents=True)
    source = folder / f"{DEPT}.toml"
    source.write_text(text, encoding="utf-8")
    if as_workbook:
        convert_file(source, tmp_path / f"{DEPT}.xlsx")
        source.unlink()
        (tmp_path / f"{DEPT}.xlsx").rename(source.with_suffix(".xlsx"))
    return tmp_path


def build(workspace: Path):
    result = run_cli("build", "--year", 2022, "--data", workspace / "data", "--templates", TEMPLATES,
                     "--output", workspace / "output", "--format", "xlsx", "--jobs", 1)
    return result


def built(workspace: Path) -> Path:
    """Build the year as a clerk does; the department's form (.xlsx)."""
    result = build(workspace)
    assert result.exit_code == 0, result.output
    form = workspace / "output" / "2022" / FORM_XLSX
    assert_valid(form)
    return form


def shown(cell) -> str:
    """A score cell as Excel shows it: a number in the format 0.00."""
    assert cell.number_format == "0.00", cell.coordinate
    return f"{Decimal(str(cell.value)):.2f}"


def printed_row(form: Path, name: str) -> dict[str, str]:
    """The 得分 (column H, as shown) and 未达标原因 (I) printed on the row of a 三级指标 (E)."""
    ws = load_workbook(form).active
    [row] = [r for r in range(1, ws.max_row + 1) if ws.cell(r, 5).value == name]
    return {"score": shown(ws.cell(row, 8)), "reason": ws.cell(row, 9).value or ""}


def printed_total(form: Path) -> str:
    ws = load_workbook(form).active
    [row] = [r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "总分"]
    return shown(ws.cell(row, 8))


# ------------------------------------------------------------------- 汇总表: 未满分指标数
@pytest.mark.parametrize(("edit", "expected"), [
    pytest.param(lambda text: text, 7, id="demo"),
    # 评价等级 stays 优; the row 部门整体绩效目标效益指标完成情况 (20 of 20) loses 0.01
    pytest.param(lambda text: text.replace("score = 20.00\n", "score = 19.99\nreason = \"略有不足\"\n", 1), 8,
                 id="one-more-row-below"),
])
def test_summary_counts_the_rows_below_full_marks(tmp_path, edit, expected):
    """The demo has 27 rows; 7 score below their 分值 (19.54/20, 8.95/10, 1/2 twice, 2/3,
    0.5/1, 1.5/2); the other 20 have full marks and are not counted."""
    workspace = workspace_with(tmp_path, edit(DEMO_TEXT))
    built(workspace)
    summary = workspace / "output" / "2022" / SUMMARY_XLSX
    assert_valid(summary)
    ws = load_workbook(summary)["汇总"]
    assert [c.value for c in ws[2]][8] == "未满分指标数"
    assert [c.value for c in ws[3]][1] == DEPT
    assert ws.cell(3, 9).value == expected


# ------------------------------------------------------------ 产出指标完成情况 (output_targets)
def with_targets(*targets: dict) -> str:
    """The demo with 部门整体绩效目标产出指标完成情况 (分值 20) scored by its rule from the given
    [[targets]], its typed 得分 and 未达标原因 removed (the rule fills both)."""
    rows = "".join(
        "\n[[targets]]\n" + "".join(f"{key} = {json.dumps(value, ensure_ascii=False)}\n"
                                    for key, value in target.items())
        for target in targets)
    text = DEMO_TEXT.replace(f"score = 19.54\n{OUTPUT_REASON}\n", 'rule = "output_targets"\n', 1)
    assert 'rule = "output_targets"' in text
    return text + rows


def target(name: str, goal, actual, direction: str | None = None, unit: str = "") -> dict:
    out = {"name": name, "target": goal, "actual": actual}
    if direction is not None:
        out["direction"] = direction
    if unit:
        out["unit"] = unit
    return out


@pytest.mark.parametrize("as_workbook", [False, True], ids=["toml", "xlsx"])
@pytest.mark.parametrize("direction", ["<=", "≤", "越小越好", "不高于"])
def test_a_typed_less_is_better_direction_scores_target_over_actual(tmp_path, direction, as_workbook):
    """投诉 5 at most, 10 received: completion 5 ÷ 10 = 0.5, 得分 20 × 0.5 = 10.00 (as 越大越好
    it would be met: 20.00)."""
    text = with_targets(target("群众投诉件数", 5, 10, direction, "件"))
    form = built(workspace_with(tmp_path, text, as_workbook))
    row = printed_row(form, OUTPUT_ROW)
    assert row["score"] == "10.00"
    assert row["reason"] == ("部门整体绩效指标设置1个，其中0个已实现，1个未实现。未实现的指标："
                             "1.群众投诉件数目标值5件，实际完成10件。")
    assert printed_total(form) == "84.95"  # 94.49 − 19.54 + 10.00


@pytest.mark.parametrize(("targets", "score", "met"), [
    # nothing achieved: 0 of 10 scores nothing
    pytest.param([target("演练次数", 10, 0, ">=", "次")], "0.00", 0, id="actual-0"),
    # a small actual: 1 of 10 = 0.1 → 2.00
    pytest.param([target("演练次数", 10, 1, unit="次")], "2.00", 0, id="actual-1-of-10"),
    pytest.param([target("演练次数", 4, 1, unit="次")], "5.00", 0, id="actual-1-of-4"),
    # a 反向 target of 1 exceeded: 1 ÷ 2 = 0.5 → 10.00
    pytest.param([target("较大事故起数", 1, 2, "<=", "起")], "10.00", 0, id="less-is-better-target-1"),
    # a 反向 target of 0 exceeded: nothing of it is met → 0.00
    pytest.param([target("重大事故起数", 0, 1, "<=", "起")], "0.00", 0, id="less-is-better-target-0"),
    # a target of 1 half achieved: 0.5 → 10.00
    pytest.param([target("应急预案修订完成率", 1, 0.5)], "10.00", 0, id="actual-half-of-1"),
    # (a negative actual is refused: tests/test_strict_input.py)
    # met ones: exactly reached (also a target of 0 either way), beaten
    pytest.param([target("重大事故起数", 0, 0, "<=", "起"), target("演练次数", 1, 1, ">="),
                  target("新增隐患", 0, 0, ">="), target("投诉件数", 3, 2, "<=")], "20.00", 4,
                 id="all-met"),
    # mean of the ratios: (0.5 + 1 + 0.25) ÷ 3 × 20 = 11.666… → 11.67
    pytest.param([target("较大事故起数", 1, 2, "<="), target("演练次数", 2, 3), target("培训人次", 4, 1)],
                 "11.67", 1, id="mean"),
])
def test_output_targets_at_their_boundaries(tmp_path, targets, score, met):
    form = built(workspace_with(tmp_path, with_targets(*targets)))
    row = printed_row(form, OUTPUT_ROW)
    assert row["score"] == score
    if met == len(targets):
        assert row["reason"] == ""  # full marks: the rule gives no 未达标原因
    else:
        assert row["reason"].startswith(f"部门整体绩效指标设置{len(targets)}个，其中{met}个已实现，"
                                        f"{len(targets) - met}个未实现。")
    expected_total = Decimal("94.49") - Decimal("19.54") + Decimal(score)
    assert printed_total(form) == f"{expected_total:.2f}"


def test_a_typed_score_that_differs_from_the_rule_is_warned_with_the_rule_s_working(tmp_path):
    text = with_targets(target("群众投诉件数", 5, 10, "<=", "件"), target("演练次数", 2, 2)).replace(
        'rule = "output_targets"\n', 'rule = "output_targets"\nscore = 20\nreason = "略"\n', 1)
    text = text.replace(f"score = 8.95\n{RATE_REASON}\n",
                        'rule = "execution_rate"\nexecution_rate = 100.4\nscore = 9.5\nreason = "略"\n', 1)
    result = build(workspace_with(tmp_path, text))
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if "不一致（" in line]
    assert len(warnings) == 2
    assert "（绩效指标2个，其中1个已实现，得分 = 分值 20 × 各指标完成比例的平均值 = 15.00）" in warnings[0]
    assert "（年度平均执行率为100.4%，得分 = 分值 10 × 100% = 10.00）" in warnings[1]


def test_an_unknown_direction_is_refused_with_its_line(tmp_path):
    text = with_targets(target("群众投诉件数", 5, 10, "越少越好"))
    result = build(workspace_with(tmp_path, text))
    assert result.exit_code == 1
    assert ("第292行 键 targets[1].direction：方向「越少越好」无法识别，"
            "请填写 >=（越大越好）或 <=（越小越好）。") in result.output
    assert not (tmp_path / "output" / "2022" / FORM_XLSX).exists()


# ------------------------------------------------------------------ 预算执行率 (execution_rate)
@pytest.mark.parametrize(("rate", "score", "reason"), [
    ("0", "0.00", "年度平均执行率为0%，则本指标得分为0.00。"),
    ("0.5", "0.05", "年度平均执行率为0.5%，则本指标得分为0.05。"),
    ("99.99", "10.00", ""),  # 9.999 rounds half-up to full marks: no reason
    ("100", "10.00", ""),
    ("100.4", "10.00", ""),  # over 100 within the allowed 100.5 (max_execution_rate): capped at full marks
])
def test_execution_rate_rule_from_zero_to_over_full(tmp_path, rate, score, reason):
    text = DEMO_TEXT.replace(f"score = 8.95\n{RATE_REASON}\n",
                             f'rule = "execution_rate"\nexecution_rate = {rate}\n', 1)
    assert "execution_rate = " in text
    form = built(workspace_with(tmp_path, text))
    row = printed_row(form, RATE_ROW)
    assert row["score"] == score
    assert row["reason"] == reason
    assert printed_total(form) == f"{Decimal('94.49') - Decimal('8.95') + Decimal(score):.2f}"


# ------------------------------------------------------------------ project: budget_weight
def project_year(tmp_path: Path, budget_weight: int, **changes) -> Path:
    data = tmp_path / "data" / "2022"
    (data / "项目").mkdir(parents=True)
    (data / "设置.toml").write_text(f"[project]\nbudget_weight = {budget_weight}\n", encoding="utf-8")
    write_project(data / "项目", spec_project(**changes))
    return tmp_path


def test_a_budget_weight_of_0_builds_with_no_budget_points(tmp_path):
    """预算执行 worth 0: the indicators' 分值 must add up to 100, and 总分 is theirs alone."""
    project = spec_project()
    project["indicators"][0].update(weight=35, score=35)  # 90 + 10 = 100
    workspace = project_year(tmp_path, 0, indicators=project["indicators"])
    result = run_cli("build", "--year", 2022, "--data", workspace / "data", "--templates", TEMPLATES,
                     "--output", workspace / "output", "--format", "xlsx", "--jobs", 1)
    assert result.exit_code == 0, result.output
    [form] = (workspace / "output" / "2022" / "项目").rglob("*.xlsx")
    assert_valid(form)
    ws = load_workbook(form).active
    assert ws["G6"].value == 0 and ws["I6"].value == "0"  # 预算执行: 分值 0, 得分 0
    summary = load_workbook(workspace / "output" / "2022" / SUMMARY_XLSX)["项目"]
    [line] = [[c.value for c in r] for r in summary.iter_rows() if r[1].value == project["project"]["name"]]
    assert line[5] == 100  # 总分: the indicators' 100 points


def test_a_budget_weight_of_100_is_a_valid_setting(tmp_path):
    """100 is the highest 预算执行 分值 the setting allows: it is not refused as a setting; the
    spec project's indicators (90 more) are then refused at their weights."""
    from reportgen.forms.project.rules import budget_weight
    from reportgen.settings import Settings

    assert budget_weight(Settings(kinds={"project": {"budget_weight": 100}})) == 100
    workspace = project_year(tmp_path, 100)
    result = run_cli("check", "--year", 2022, "--data", workspace / "data")
    assert result.exit_code == 1
    assert "0 到 100" not in result.output
    assert "设置.toml 键 project.budget_weight" not in result.output
    assert "indicators" in result.output  # the weights' total is what is refused


@pytest.mark.parametrize("weight", [101, -1])
def test_a_budget_weight_beyond_0_to_100_is_refused_in_the_settings(tmp_path, weight):
    workspace = project_year(tmp_path, weight)
    result = run_cli("check", "--year", 2022, "--data", workspace / "data")
    assert result.exit_code == 1
    assert "设置.toml 第2行 键 project.budget_weight" in result.output and "0 到 100" in result.output


def test_projects_over_the_department_budget_are_summed_to_the_yuan_in_wan_yuan(tmp_path):
    """A project in 元 counts in 万元 with up to 4 decimals (to the 元): 123,456.78 元 is
    12.3457 万元, and the warning's figures are printed so."""
    data = tmp_path / "data" / "2022"
    data.mkdir(parents=True)
    (data / DEMO_TOML.name).write_text(DEMO_TEXT, encoding="utf-8")  # 项目支出 20,593.52 万元
    big = spec_project(money_unit="万元", project={"name": "大项目", "department": DEPT, "unit": "单位"},
                       funds={"current": [20590, 20590, 20000], "carryover": [0, 0, 0], "other": [0, 0, 0]})
    small = spec_project(project={"name": "小项目", "department": DEPT, "unit": "单位"},
                         funds={"current": [Decimal("123456.78"), Decimal("123456.78"), Decimal(100000)],
                                "carryover": [0, 0, 0], "other": [0, 0, 0]})
    write_project(data / "项目", big)
    write_project(data / "项目", small)
    result = build(tmp_path)
    assert result.exit_code == 0, result.output
    [line] = [line for line in result.output.splitlines()
              if line.startswith("[警告] 小项目.toml") and "主管部门" in line]
    assert "的 2 个项目全年预算数合计 20,602.3457 万元" in line
    assert f"整体支出绩效自评表（{DEPT}.toml）中的项目支出 20,593.52 万元（多 8.8257 万元）" in line
    assert "大项目.toml（大项目）20,590.00 万元；小项目.toml（小项目）12.3457 万元" in line
