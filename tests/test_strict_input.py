"""Two more ways of typing that gave a silently wrong form (follow-up of issue 19): a misspelt
table or key in 设置.toml (the default stayed in force), and a negative 目标值/实际值 (scored 0
without a word). Both are refused through the command line, located, in Chinese."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import DEMO_TOML, TEMPLATES, run_cli
from tests.project_helpers import spec_project, write_project
from tests.test_printed_figures import target, with_targets, workspace_with

DEPT = "广州市应急管理局"
KNOWN_TABLES = "可用的表：[grades]、[department]、[project]。"
PROJECT_KEYS = "可用的设置：budget_weight、max_execution_rate、split（见《输入格式说明》的“设置文件”）。"


def _errors(result) -> list[str]:
    return [line.strip() for line in result.output.splitlines() if line.strip().startswith("[错误]")]


def _demo_year(tmp_path: Path, settings: str) -> Path:
    """data/2022 with the demo department, a project and the given 设置.toml."""
    year = tmp_path / "data" / "2022"
    year.mkdir(parents=True)
    (year / f"{DEPT}.toml").write_bytes(DEMO_TOML.read_bytes())
    write_project(year / "项目", spec_project(), stem="项目")
    (year / "设置.toml").write_text(settings, encoding="utf-8")
    return year / "设置.toml"


def _build(tmp_path: Path):
    return run_cli("build", "--year", 2022, "--data", tmp_path / "data", "--templates", TEMPLATES,
                   "--output", tmp_path / "output", "--format", "xlsx", "--jobs", 1)


# --------------------------------------------------------------------------- 设置.toml
@pytest.mark.parametrize(("settings", "expected"), [
    pytest.param("[project]\nbudget_weigth = 5\n", [
        "第2行 键 project.budget_weigth：「budget_weigth」不是 [project] 中可用的设置，是否应为「budget_weight」？"
        f"{PROJECT_KEYS}请改正或删除这一行，否则这一项会按默认值计算。"], id="misspelt-key"),
    pytest.param("# 本地区\n[departmnet]\nmax_execution_rate = 101\n", [
        "第2行 键 departmnet：「[departmnet]」不是可用的设置表，是否应为「department」？"
        f"{KNOWN_TABLES}请改正这一表头，否则其中的设置都会按默认值计算。"], id="misspelt-table"),
    pytest.param("[department]\nmax_rate = 101\n", [
        "第2行 键 department.max_rate：「max_rate」不是 [department] 中可用的设置，是否应为「max_execution_rate」？"
        "可用的设置：max_execution_rate（见《输入格式说明》的“设置文件”）。请改正或删除这一行，"
        "否则这一项会按默认值计算。"], id="department-key"),
    pytest.param("[project.splt]\n\"产出指标\" = 50\n", [
        "第1行 键 project.splt：「splt」不是 [project] 中可用的设置，是否应为「split」？"
        f"{PROJECT_KEYS}请改正或删除这一行，否则这一项会按默认值计算。"], id="misspelt-subtable"),
    pytest.param("[project]\ncolour = 1\n", [
        f"第2行 键 project.colour：「colour」不是 [project] 中可用的设置，{PROJECT_KEYS}"
        "请改正或删除这一行，否则这一项会按默认值计算。"], id="nothing-close"),
    pytest.param("budget_weight = 20\n[project]\nmax_execution_rate = 101\n", [
        "第1行 键 budget_weight：「budget_weight」要写在 [project] 表中：在这一行前面加一行 [project]"
        "（文件中已有这一表头时，把这一行移到它下面）。"], id="key-outside-its-table"),
    pytest.param("max_execution_rate = 101\n", [
        "第1行 键 max_execution_rate：「max_execution_rate」要写在 [department] 或 [project] 表中：在这一行前面"
        "加一行 [department]（文件中已有这一表头时，把这一行移到它下面）。"], id="key-of-two-tables"),
    pytest.param("year = 2022\n", [
        f"第1行 键 year：「year」不是可用的设置，设置要写在表中（{KNOWN_TABLES[:-1]}）。请改正或删除这一行。"],
        id="unknown-top-key"),
    pytest.param("[porject]\nbudget_weight = 20\n[project]\nbudget_wieght = 20\n", [
        "第1行 键 porject：「[porject]」不是可用的设置表，是否应为「project」？"
        f"{KNOWN_TABLES}请改正这一表头，否则其中的设置都会按默认值计算。",
        "第4行 键 project.budget_wieght：「budget_wieght」不是 [project] 中可用的设置，是否应为「budget_weight」？"
        f"{PROJECT_KEYS}请改正或删除这一行，否则这一项会按默认值计算。"], id="every-one-named"),
])
@pytest.mark.parametrize("command", ["check", "build"])
def test_an_unknown_setting_is_refused_with_its_line_and_the_closest_name(tmp_path, settings, expected, command):
    path = _demo_year(tmp_path, settings)
    result = (run_cli("check", "--year", 2022, "--data", tmp_path / "data") if command == "check"
              else _build(tmp_path))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert _errors(result) == [f"[错误] {path} {line}" for line in expected]
    assert not (tmp_path / "output").exists()  # nothing built with the defaults


def test_every_known_setting_is_accepted(tmp_path):
    """The documented file (docs/输入格式说明.md) with every setting: built, no error."""
    docs = (Path(__file__).parents[1] / "docs" / "输入格式说明.md").read_text(encoding="utf-8")
    example = docs.split("### 设置文件", 1)[1].split("```toml\n", 1)[1].split("```", 1)[0]
    assert "budget_weight = 10" in example and "[project.split]" in example and "[grades]" in example
    _demo_year(tmp_path, example)
    result = _build(tmp_path)
    assert result.exit_code == 0, result.output
    assert _errors(result) == []


def test_the_sites_check_names_a_misspelt_setting(tmp_path):
    """The site checks an upload with the bureau's 设置.toml (reportgen.site.filings.child)."""
    from reportgen.site.filings.child import check

    settings = tmp_path / "bureau" / "设置.toml"
    settings.parent.mkdir()
    settings.write_text("[project]\nbudget_weigth = 5\n", encoding="utf-8")
    upload = tmp_path / "upload.toml"
    upload.write_bytes(DEMO_TOML.read_bytes())
    out = check({"year": 2022, "department": DEPT, "work": str(tmp_path / "work"), "old": [],
                 "new": [{"name": f"{DEPT}.toml", "path": str(upload), "sha256": "x"}],
                 "settings": str(settings)})
    assert out["errors"] == 1
    [finding] = out["findings"]
    assert finding["level"] == "error"
    assert "第2行 键 project.budget_weigth：「budget_weigth」不是 [project] 中可用的设置，是否应为「budget_weight」？" \
        in finding["message"]


# --------------------------------------------------------------------------- negative figures
def _line_of(text: str, needle: str, after: str) -> int:
    """The 1-based line of the first `needle` line after the line holding `after`."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if after in line)
    return next(i for i in range(start, len(lines)) if lines[i] == needle) + 1


@pytest.mark.parametrize("as_workbook", [False, True], ids=["toml", "xlsx"])
def test_a_negative_target_or_actual_of_the_department_is_refused(tmp_path, as_workbook):
    """Before, an actual of -2 scored 0 without a word and the form was built."""
    text = with_targets(target("演练次数", 10, -2, unit="次"), target("事故起数", -1, 0, "<=", "起"))
    workspace = workspace_with(tmp_path, text, as_workbook)
    result = _build(workspace)
    assert result.exit_code == 1 and "Traceback" not in result.output
    if as_workbook:
        file, actual_at, target_at = f"{DEPT}.xlsx", "绩效指标!C2", "绩效指标!B3"
    else:
        file = f"{DEPT}.toml"
        actual_at = f"第{_line_of(text, 'actual = -2', '演练次数')}行 键 targets[1].actual"
        target_at = f"第{_line_of(text, 'target = -1', '事故起数')}行 键 targets[2].target"
    assert _errors(result) == [
        f"[错误] {file} {actual_at}：「实际值」不能为负数，现在是 -2（绩效指标「演练次数」）。请填写数量本身"
        "（0 或正数）；如指标是“减少”“下降”类，填写减少后的数量，并把方向填为 <=（越小越好）。",
        f"[错误] {file} {target_at}：「目标值」不能为负数，现在是 -1（绩效指标「事故起数」）。请填写数量本身"
        "（0 或正数）；如指标是“减少”“下降”类，填写减少后的数量，并把方向填为 <=（越小越好）。",
    ]
    built = [p.name for p in (workspace / "output").rglob("*.xlsx")]
    assert not any("自评表" in name for name in built)  # the form is not built


@pytest.mark.parametrize("fmt", ["toml", "xlsx"])
@pytest.mark.parametrize(("actual", "score"), [("-20天", None), ("－20天", 5), ("≥ −20天", 0)])
def test_a_negative_actual_of_a_quantitative_project_indicator_is_refused(tmp_path, fmt, actual, score):
    """年度指标值 ≥300天 with a negative 实际完成值: refused whether or not a 得分 is typed (before,
    a typed 得分 was taken and the negative figure printed)."""
    data = spec_project()
    row = next(r for r in data["indicators"] if r.get("name") == "场馆开放天数")
    row.update(actual=actual, score=score) if score is not None else row.update(actual=actual)
    write_project(tmp_path / "data" / "2022" / "项目", data, stem="项目", fmt=fmt)
    result = run_cli("check", "--year", 2022, "--data", tmp_path / "data")
    assert result.exit_code == 1 and "Traceback" not in result.output
    where = "项目.xlsx 绩效指标!E3" if fmt == "xlsx" else "项目.toml 第34行 键 indicators[2].actual"
    assert _errors(result) == [
        f"[错误] {where}：实际完成值不能为负数，现在是「{actual}」（指标「场馆开放天数」，年度指标值「≥300天」）。"
        "请填写完成的数量本身（0 或正数，如 300天）；如指标是“减少”“下降”类，年度指标值写成 ≤ 目标（越小越好），"
        "实际完成值填写减少后的数量。"]


@pytest.mark.parametrize(("target_text", "actual"), [("及时", "-1天"), ("≥300天", "0天")])
def test_a_qualitative_row_or_an_actual_of_zero_is_not_refused(tmp_path, target_text, actual):
    data = spec_project()
    row = next(r for r in data["indicators"] if r.get("name") == "场馆开放天数")
    row.update(target=target_text, actual=actual, score=0, reason="未开放")
    write_project(tmp_path / "data" / "2022" / "项目", data, stem="项目")
    result = run_cli("check", "--year", 2022, "--data", tmp_path / "data")
    assert result.exit_code == 0, result.output
    assert _errors(result) == []
