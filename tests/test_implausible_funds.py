"""Figures that cannot be right are refused, not warned about (issue 19, point 2): an 执行率
over the year's limit (设置.toml max_execution_rate, default 100.5%), a 全年执行数 10× its
全年预算数 or more, a project whose funds are all 0 (also when only 年度资金总额 was typed);
zero funds never earn 预算执行 points; a department's typed 执行率 over its limit. Through the
command line, from TOML and the workbook."""

from __future__ import annotations

import pytest
from docx import Document

from tests.conftest import DEMO_TOML, convert_file, run_cli
from tests.docx_helpers import table_grid
from tests.project_helpers import spec_project, write_project

PROJECTS = ("data", "2022", "项目")


def _check(tmp_path, funds, fmt="toml", money_unit="万元", settings=None):
    data = spec_project(money_unit=money_unit, funds=funds)
    write_project(tmp_path.joinpath(*PROJECTS), data, stem="项目", fmt=fmt)
    if settings is not None:
        (tmp_path / "data" / "2022" / "设置.toml").write_text(settings, encoding="utf-8")
    return run_cli("check", "--year", 2022, "--data", tmp_path / "data")


def _lines(result, tag):
    return [line.strip() for line in result.output.splitlines() if line.strip().startswith(f"[{tag}]")]


@pytest.mark.parametrize("fmt", ["toml", "xlsx"])
def test_spending_ten_times_the_budget_is_refused_at_the_row(tmp_path, fmt):
    result = _check(tmp_path, {"current": [125, 125, 100], "carryover": [0, 0, 0], "other": [0, 5, 50]}, fmt)
    assert result.exit_code == 1 and "Traceback" not in result.output
    [line] = _lines(result, "错误")
    where = "项目.toml 第12行 键 funds.other[3]" if fmt == "toml" else "项目.xlsx 项目资金!D4"
    assert line == (
        f"[错误] {where}：项目资金「其他资金」的全年执行数 50.00 是全年预算数 5.00 的 10 倍（万元）。执行数不会超过"
        "预算这么多：多半是两个数的单位不同（元与万元相差 10,000 倍）或多打了位数。请核对后改正；金额可带单位填写"
        "（如 1,205,000元），程序会换算。")


@pytest.mark.parametrize("fmt", ["toml", "xlsx"])
def test_all_funds_zero_is_refused(tmp_path, fmt):
    result = _check(tmp_path, {"current": [0, 0, 0], "carryover": [0, 0, 0], "other": [0, 0, 0]}, fmt)
    assert result.exit_code == 1
    [line] = _lines(result, "错误")
    where = "项目.toml 第10行 键 funds.current" if fmt == "toml" else "项目.xlsx 项目资金 第2行"
    assert line == (
        f"[错误] {where}：项目资金全部为 0（各行的年初预算数、全年预算数、全年执行数都是 0）：表中没有执行率，"
        "预算执行也无从计分。请按预算批复和决算填写项目资金（单位：万元），多数项目填在当年财政拨款这一行。")


@pytest.mark.parametrize("fmt", ["toml", "xlsx"])
def test_a_total_typed_over_zero_rows_asks_for_the_rows_not_a_deletion(tmp_path, fmt):
    funds = {"current": [0, 0, 0], "carryover": [0, 0, 0], "other": [0, 0, 0], "total": [90, 90, 89.974]}
    result = _check(tmp_path, funds, fmt)
    assert result.exit_code == 1
    [line] = _lines(result, "错误")
    where = "项目.toml 第13行 键 funds.total" if fmt == "toml" else "项目.xlsx 项目资金 第2行"
    assert line == (
        f"[错误] {where}：年度资金总额填了 90.00 / 90.00 / 89.974（年初预算数 / 全年预算数 / 全年执行数），但其中"
        "当年财政拨款、上年结转资金、其他资金三行都是 0。请把金额填到对应的行（多数项目全部是当年财政拨款），"
        "三行之和就是年度资金总额；不要删除年度资金总额而让三行留 0。")


@pytest.mark.parametrize("fmt", ["toml", "xlsx"])
def test_execution_over_the_limit_is_refused_unless_the_setting_allows_it(tmp_path, fmt):
    funds = {"current": [100, 100, "100.51"], "carryover": [0, 0, 0], "other": [0, 0, 0]}
    result = _check(tmp_path, funds, fmt)
    assert result.exit_code == 1
    [line] = _lines(result, "错误")
    assert "执行率 100.51%，超过允许的 100.5%" in line and "max_execution_rate 调高（现为 100.5）" in line
    assert line.startswith("[错误] 项目.toml 第10行 键 funds.current[3]：" if fmt == "toml"
                           else "[错误] 项目.xlsx 项目资金!D2：")
    allowed = _check(tmp_path, funds, fmt, settings="[project]\nmax_execution_rate = 101\n")
    assert allowed.exit_code == 0, allowed.output
    assert any("执行率 100.51%），预算执行得分按 100% 计" in line for line in _lines(allowed, "警告"))


def test_a_limit_below_100_percent_is_refused_in_the_settings(tmp_path):
    funds = {"current": [100, 100, 90], "carryover": [0, 0, 0], "other": [0, 0, 0]}
    result = _check(tmp_path, funds, settings="[project]\nmax_execution_rate = 99\n")
    assert result.exit_code == 1
    assert ("允许的最高执行率应在 100 到 1000 之间（单位 %），现在是 99。请改正（默认为 100.5，即 100.5%）。"
            in result.output)
    assert "data/2022/设置.toml 第2行 键 project.max_execution_rate：" in result.output


@pytest.mark.parametrize("fmt", ["toml", "xlsx"])
def test_nothing_budgeted_and_nothing_spent_earns_no_budget_points(tmp_path, fmt):
    funds = {"current": [100, 0, 0], "carryover": [0, 0, 0], "other": [0, 0, 0]}
    data = spec_project(money_unit="万元", funds=funds)
    write_project(tmp_path.joinpath(*PROJECTS), data, stem="项目", fmt=fmt)
    result = run_cli("build", "--year", 2022, "--data", tmp_path / "data", "--output", tmp_path / "output",
                     "--format", "docx")
    assert result.exit_code == 0, result.output
    where = "项目.toml 第10行 键 funds.current[2]" if fmt == "toml" else "项目.xlsx 项目资金!C2"
    assert (f"[警告] {where}：全年预算数和全年执行数都是 0（年初预算数 100.00 万元）："
            "执行率印为“—”，预算执行得 0 分。") in result.output
    docx = next((tmp_path / "output").rglob("*项目支出绩效自评表.docx"))
    top, table = (table_grid(t._tbl) for t in Document(str(docx)).tables)
    total = next(row for row in top if any(c.text == "年度资金总额" for c in row))
    assert [c.text for c in total][-6:] == ["100.00", "0.00", "0.00", "10", "—", "0"]
    total_row = next(row for row in table if any(c.text == "总分" for c in row))
    assert [c.text for c in total_row][-3:-1] == ["100", "90"]


@pytest.mark.parametrize("fmt", ["toml", "xlsx"])
def test_a_department_execution_rate_over_the_limit_is_refused(tmp_path, fmt):
    # 895.1 for 89.51: capped at 100%, it scored full marks without a word.
    folder = tmp_path / "data" / "2022"
    folder.mkdir(parents=True)
    text = DEMO_TOML.read_text(encoding="utf-8").replace(
        "score = 8.95\n", 'rule = "execution_rate"\nexecution_rate = 895.1\n', 1)
    source = folder / DEMO_TOML.name
    if fmt == "toml":
        source.write_text(text, encoding="utf-8")
    else:
        (tmp_path / "in").mkdir()
        (tmp_path / "in" / DEMO_TOML.name).write_text(text, encoding="utf-8")
        convert_file(tmp_path / "in" / DEMO_TOML.name, source.with_suffix(".xlsx"))
    result = run_cli("check", "--year", 2022, "--data", tmp_path / "data")
    assert result.exit_code == 1 and "Traceback" not in result.output
    [line] = _lines(result, "错误")
    where = "广州市应急管理局.toml 第93行 键 indicators[3].execution_rate" if fmt == "toml" \
        else "广州市应急管理局.xlsx 指标评分!J4"
    settings = tmp_path / "data" / "2022" / "设置.toml"
    assert line == (
        f"[错误] {where}：执行率 895.1% 超过允许的 100.5%：执行率一般不会超过 100%，多半是小数点或单位填错了"
        f"（单位为 %，89.51 表示 89.51%）。请核对后改正。如确实如此，可在 {settings} 的 [department] 中把 "
        "max_execution_rate 调高（现为 100.5）。")
    (tmp_path / "data" / "2022" / "设置.toml").write_text("[department]\nmax_execution_rate = 900\n",
                                                          encoding="utf-8")
    allowed = run_cli("check", "--year", 2022, "--data", tmp_path / "data")
    assert allowed.exit_code == 0, allowed.output
