"""Messages point at the line and the setting (issue 19, point 4): every message about a TOML
key names its line (data files, 设置.toml, the checks between forms, a column of an array), and
a 分值 total off by exactly the 预算执行 分值 says so and names budget_weight."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportgen.read.toml import TomlLocator
from tests.conftest import run_cli
from tests.project_helpers import spec_project, write_project

PROJECTS = ("data", "2022", "项目")

TEXT = '''year = 2022
completion = """
[funds]
weight = 99
"""

[project]
"名称" = "x"
unit.name = "y"

[[indicators]]
weight = 10

[[indicators]]
name = "z"
weight = 20
'''


def test_the_locator_knows_quoted_dotted_keys_and_skips_multiline_text():
    locate = TomlLocator(Path("a.toml"), TEXT)
    assert locate(("completion",)) == "a.toml 第2行 键 completion"
    assert locate(("funds", "weight")) == "a.toml 键 funds.weight（文件中没有 [funds] 这一段）"  # lines 3-4 are text
    assert locate(("project", "名称")) == "a.toml 第8行 键 project.名称"
    assert locate(("project", "unit", "name")) == "a.toml 第9行 键 project.unit.name"
    assert locate(("indicators", 1, "weight")) == "a.toml 第16行 键 indicators[2].weight"
    assert locate(("indicators", 0, "score")) == "a.toml 第11行 键 indicators[1].score"  # absent: its header
    assert locate(("goal",)) == "a.toml 键 goal（文件中没有这一项）"
    assert locate.column("indicators", "weight") == "a.toml 第12、16行 键 indicators[*].weight"


def test_a_long_column_names_its_first_ten_lines_and_the_count():
    text = "".join(f"[[indicators]]\nweight = {i}\n" for i in range(12))
    assert TomlLocator(Path("b.toml"), text).column("indicators", "weight") == (
        "b.toml 第2、4、6、8、10、12、14、16、18、20等12行 键 indicators[*].weight")


def _with_budget_row(fmt="toml"):
    data = spec_project()  # indicators 90 + 预算执行 10
    data["indicators"].append({"level1": "产出指标", "level2": "成本指标", "name": "预算执行率", "target": "≥90%",
                               "actual": "86.18%", "weight": 10, "score": "9.58"})
    return data


def _check(tmp_path, data, fmt="toml", settings=None):
    write_project(tmp_path.joinpath(*PROJECTS), data, stem="项目", fmt=fmt)
    if settings is not None:
        (tmp_path / "data" / "2022" / "设置.toml").write_text(settings, encoding="utf-8")
    return run_cli("check", "--year", 2022, "--data", tmp_path / "data")


def _errors(result):
    return [line.strip() for line in result.output.splitlines() if line.strip().startswith("[错误]")]


@pytest.mark.parametrize("fmt", ["toml", "xlsx"])
def test_a_total_off_by_the_budget_weight_says_so_and_names_the_setting(tmp_path, fmt):
    result = _check(tmp_path, _with_budget_row(), fmt)
    assert result.exit_code == 1
    [line] = _errors(result)
    where = ("项目.toml 第26、35、43、52、65、74、83行 键 indicators[*].weight" if fmt == "toml"
             else "项目.xlsx 绩效指标!F2:F9")
    settings = tmp_path / "data" / "2022" / "设置.toml"
    assert line == (
        f"[错误] {where}：各指标分值合计为 100，加上预算执行的分值 10 为 110，应为 100（各指标分值合计应为 90，"
        "多了 10）。请核对各指标的分值。多出的 10 正好是预算执行的分值：预算执行由程序按项目资金另行计分，"
        "不要再算进各指标（指标「预算执行率」看来就是预算执行，请删除这一行）。预算执行的分值是年度设置 "
        f"budget_weight（在 {settings} 的 [project] 中，未设置时为 10）；如本地区预算执行的分值不同，请在那里修改。")


def test_a_set_budget_weight_is_named_with_its_line(tmp_path):
    data = spec_project()
    next(row for row in data["indicators"] if row.get("name") == "群众满意度").update(weight=20, score=20)
    result = _check(tmp_path, data, settings="# 本地区预算执行 20 分\n[project]\nbudget_weight = 20\n")
    [line] = _errors(result)
    assert "各指标分值合计为 100，加上预算执行的分值 20 为 120" in line
    assert "多出的 20 正好是预算执行的分值" in line and "（如有预算执行、执行率之类的指标行，请删除）" in line
    settings = tmp_path / "data" / "2022" / "设置.toml"
    assert f"budget_weight（{settings} 第3行 键 project.budget_weight，现为 20）" in line


def test_another_weight_total_still_names_the_setting(tmp_path):
    data = spec_project()
    next(row for row in data["indicators"] if row.get("name") == "群众满意度").update(weight=15, score=15)
    [line] = _errors(_check(tmp_path, data))
    assert line.endswith("多了 5）。请核对各指标的分值。预算执行的分值是年度设置 budget_weight"
                         f"（在 {tmp_path / 'data' / '2022' / '设置.toml'} 的 [project] 中，未设置时为 10）。")


@pytest.mark.parametrize(("settings", "where", "message"), [
    ("[grades]\n\"优\" = 90\n\"差\" = 10\n", "第3行 键 grades.差", "评价等级只能设置「优」「良」「中」的下限"),
    ("[project]\nbudget_weight = 10\nbudget_weigth = 20\n", "第3行 键 project.budget_weigth",
     "「budget_weigth」不是 [project] 中可用的设置，是否应为「budget_weight」？"),
    ("year = 2022\n", "第1行 键 year", "「year」不是可用的设置"),
    ("[project]\n\n[project.split]\n\"产出指标\" = \"五十\"\n", "第3行 键 project.split", "应写成 [project.split] 表"),
])
def test_settings_messages_name_their_line(tmp_path, settings, where, message):
    result = _check(tmp_path, spec_project(), settings=settings)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"{tmp_path / 'data' / '2022' / '设置.toml'} {where}：{message}" in result.output


def test_checks_between_forms_name_the_line_of_the_department(tmp_path):
    result = _check(tmp_path, spec_project())
    assert result.exit_code == 0
    assert "[警告] 项目.toml 第6行 键 project.department：本年度没有主管部门「上海市普陀区体育局」" in result.output


def test_a_settings_file_that_is_not_toml_names_its_line_in_chinese(tmp_path):
    result = _check(tmp_path, spec_project(), settings="[project]\nbudget_weight = 20分\n")
    assert result.exit_code == 1 and "Traceback" not in result.output
    settings = tmp_path / "data" / "2022" / "设置.toml"
    assert f"{settings} 第2行第19列：设置文件无法读取。TOML 格式错误：这一项的值后面还有多余的内容" in result.output
