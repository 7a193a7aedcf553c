"""The clerk's commands: check, new, convert; score rules; warnings that do not stop a build."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from reportgen.forms.department.rules import AT_MOST, Target, execution_rate_score, output_targets_score
from reportgen.forms.department.standard import STANDARD_2022
from tests.conftest import (
    DEMO_TOML,
    ROOT,
    SAMPLE_TOML,
    TEMPLATES,
    convert_file,
    make_year,
    run_cli,
    run_reportgen,
)
from tests.docx_helpers import all_text

DEPT = "广州市应急管理局"
DEMO_TEXT = DEMO_TOML.read_text(encoding="utf-8")
FORM = f"{DEPT}_2022年度部门整体支出绩效自评表.docx"


def build(workspace: Path, year: int = 2022):
    return run_cli("build", "--year", year, "--data", workspace / "data", "--templates", TEMPLATES,
                   "--output", workspace / "output")


def check(workspace: Path, *more, year: int = 2022):
    return run_cli("check", "--year", year, "--data", workspace / "data", *more)


def write_demo(tmp_path: Path, text: str, name: str = f"{DEPT}.toml") -> Path:
    folder = tmp_path / "data" / "2022"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return tmp_path


# ----------------------------------------------------------------------------- score rules
def reference_targets() -> list[Target]:
    """The reference's 22 targets: 20 fully met, 3.5 of 6 months, 904 of 994 persons."""
    met = [Target(f"指标{i}", Decimal(10), Decimal(10 + i % 3)) for i in range(1, 21)]
    return met + [
        Target("应急普法视频网络平台累计上架时长", Decimal(6), Decimal("3.5"), unit="个月"),
        Target("应急管理培训人次", Decimal(994), Decimal(904), unit="人次"),
    ]


def test_execution_rate_rule_reproduces_the_reference():
    result = execution_rate_score(Decimal(10), Decimal("89.51"))
    assert result.score == Decimal("8.95")
    assert result.reason == "年度平均执行率为89.51%，则本指标得分为8.95。"
    assert execution_rate_score(Decimal(10), Decimal("104.2")).score == Decimal("10.00")
    assert execution_rate_score(Decimal(10), Decimal("89.55")).score == Decimal("8.96")  # half-up


def test_output_targets_rule_reproduces_the_reference():
    result = output_targets_score(Decimal(20), reference_targets())
    assert result.score == Decimal("19.54")
    assert result.reason == (
        "部门整体绩效指标设置22个，其中20个已实现，2个未实现。未实现的指标："
        "1.应急普法视频网络平台累计上架时长目标值6个月，实际完成3.5个月；"
        "2.应急管理培训人次目标值994人次，实际完成904人次。")


def test_output_targets_the_less_the_better():
    assert Target("投诉", Decimal(5), Decimal(4), AT_MOST).ratio() == 1
    assert Target("投诉", Decimal(5), Decimal(10), AT_MOST).ratio() == Decimal("0.5")
    assert output_targets_score(Decimal(10), [Target("投诉", Decimal(5), Decimal(10), AT_MOST)]
                                ).score == Decimal("5.00")


def targets_toml(targets: list[Target]) -> str:
    return "".join(
        f'\n[[targets]]\nname = "{t.name}"\ntarget = {t.target}\nactual = {t.actual}\n'
        f'direction = ">="\n' + (f'unit = "{t.unit}"\n' if t.unit else "")
        for t in targets)


RULED = (DEMO_TEXT
         .replace("score = 19.54\n", 'rule = "output_targets"\n')
         .replace("score = 8.95\n", 'rule = "execution_rate"\nexecution_rate = 89.51\n')
         + targets_toml(reference_targets()))


@pytest.mark.parametrize("as_workbook", [False, True], ids=["toml", "xlsx"])
def test_rule_scores_are_used_when_no_score_is_typed(tmp_path, as_workbook):
    workspace = write_demo(tmp_path, RULED)
    if as_workbook:
        source = workspace / "data" / "2022" / f"{DEPT}.toml"
        convert_file(source, tmp_path / f"{DEPT}.xlsx")
        source.unlink()
        (tmp_path / f"{DEPT}.xlsx").rename(source.with_suffix(".xlsx"))
        sheet = openpyxl.load_workbook(source.with_suffix(".xlsx"))["绩效指标"]
        assert sheet["A1"].value == "指标名称" and sheet.max_row == 23
    result = build(workspace)
    assert result.exit_code == 0, result.output
    text = all_text(workspace / "output" / "2022" / FORM)
    assert "19.54" in text and "8.95" in text and "94.49" in text


def test_a_rule_fills_a_blank_reason_with_the_unmet_targets(tmp_path):
    first_reason = DEMO_TEXT.split("score = 19.54\n", 1)[1].split("\n", 1)[0]
    assert first_reason.startswith("reason = ")
    workspace = write_demo(tmp_path, RULED.replace(first_reason + "\n", ""))
    assert build(workspace).exit_code == 0
    text = all_text(workspace / "output" / "2022" / FORM)
    assert "部门整体绩效指标设置22个，其中20个已实现，2个未实现。" in text
    assert "应急管理培训人次目标值994人次，实际完成904人次" in text


def test_a_typed_score_that_disagrees_with_its_rule_is_kept_with_a_warning(tmp_path):
    text = RULED.replace('rule = "execution_rate"\n', 'rule = "execution_rate"\nscore = 9.5\n')
    workspace = write_demo(tmp_path, text)
    result = build(workspace)
    assert result.exit_code == 0, result.output
    assert "[警告]" in result.output
    warning = next(line for line in result.output.splitlines() if "9.5" in line and "8.95" in line)
    assert "键 indicators[3].score" in warning and "按填写的得分 9.5 生成" in warning
    assert "9.50" in all_text(workspace / "output" / "2022" / FORM)


# ----------------------------------------------------------------------------- warnings
def test_demo_budget_arithmetic_warns_but_the_demo_builds(demo_workspace):
    result = build(demo_workspace)
    assert result.exit_code == 0, result.output
    assert "[警告] 广州市应急管理局.toml 第12行 键 budget.total：预算金额合计不一致" in result.output
    assert "= 39,667.84，与总预算 39,481.84 相差 186.00" in result.output
    assert "[警告] 广州市应急管理局.toml 第17行 键 budget.city：按预算级次划分的金额合计不一致" in result.output
    assert (demo_workspace / "output" / "2022" / FORM).is_file()


def test_balanced_budget_gives_no_warning(tmp_path):
    text = (DEMO_TEXT.replace("total = 39481.84", "total = 39667.84")
            .replace("city = 2000.00", "city = 2226.00"))
    result = check(write_demo(tmp_path, text))
    assert result.exit_code == 0 and "[警告]" not in result.output
    assert "没有发现问题，可以生成" in result.output


# ----------------------------------------------------------------------------- check
def test_check_groups_findings_by_department(tmp_path):
    workspace = make_year(tmp_path, DEMO_TOML, SAMPLE_TOML)
    bad = SAMPLE_TOML.read_text(encoding="utf-8").replace("units = 2", "units = 0")
    (workspace / "data" / "2022" / SAMPLE_TOML.name).write_text(bad, encoding="utf-8")
    result = check(workspace)
    assert result.exit_code == 1
    out = result.output
    assert "广州市应急管理局.toml：2 个警告，可以生成" in out
    assert "广州市示例局.toml：1 个错误，2 个警告，不能生成" in out
    sample_part = out[out.index("广州市示例局.toml："):]
    assert "[错误] 广州市示例局.toml 第" in sample_part and "键 department.units" in sample_part
    assert "共检查 2 个部门文件：1 个有错误，1 个可以生成。" in out
    assert not (workspace / "output").exists()
    only = check(workspace, "--dept", DEPT)
    assert only.exit_code == 0 and "广州市示例局" not in only.output
    missing = check(workspace, "--dept", "没有这个局")
    assert missing.exit_code == 1 and "找不到部门「没有这个局」" in missing.output


def test_check_does_not_load_word_or_excel_libraries_for_toml(tmp_path):
    workspace = make_year(tmp_path, DEMO_TOML)
    script = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from reportgen.cli import cli\n"
        f"r = CliRunner().invoke(cli, ['check', '--year', '2022', '--data', {str(workspace / 'data')!r}])\n"
        "assert r.exit_code == 0, r.output\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('docx', 'docxtpl', 'openpyxl'))\n"
        "print(heavy)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


# ----------------------------------------------------------------------------- new
@pytest.mark.parametrize(("fmt", "location"), [
    ("toml", "广州市新部门.toml 第39行 键 indicators[1].score"),
    ("xlsx", "广州市新部门.xlsx 指标评分!F2"),
])
def test_new_then_check_reports_the_missing_scores(tmp_path, fmt, location):
    data = tmp_path / "data"
    made = run_cli("new", "--year", 2023, "--dept", "广州市新部门", "--as", fmt, "--data", data)
    assert made.exit_code == 0, made.output
    target = data / "2023" / f"广州市新部门.{fmt}"
    assert target.is_file() and f"已创建：{target}" in made.output
    result = check(tmp_path, year=2023)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    first = STANDARD_2022[0][2]  # its 三级指标
    # the indicator is named, in TOML as in the workbook (a key path alone tells a clerk nothing)
    assert f"[错误] {location}：缺少得分（三级指标「{first}」），请填写。" in result.output
    assert result.output.count("缺少得分") == len(STANDARD_2022)
    assert build(tmp_path, year=2023).exit_code == 1
    out = tmp_path / "output" / "2023"  # no form; the run's record says why
    assert not list(out.glob("*自评表.*"))
    assert "缺少得分（三级指标" in (out / "生成结果.txt").read_text(encoding="utf-8-sig")


def test_new_toml_scaffold_has_the_standard_indicator_system(tmp_path):
    assert run_cli("new", "-y", 2023, "--dept", "广州市新部门", "--data", tmp_path).exit_code == 0
    text = (tmp_path / "2023" / "广州市新部门.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    demo = tomllib.loads(DEMO_TEXT)
    assert data["year"] == 2023 and data["department"]["name"] == "广州市新部门"
    shape = [(r["level1"], r["level2"], r["name"], r["weight"], r.get("explanation")) for r in data["indicators"]]
    assert shape == [(r["level1"], r["level2"], r["name"], r["weight"], r.get("explanation"))
                     for r in demo["indicators"]]
    assert {r["score"] for r in data["indicators"]} == {""}
    assert {r["reason"] for r in data["indicators"]} == {""}
    assert data["budget"] == dict.fromkeys(demo["budget"], "")
    assert 'score = ""  # 得分' in text and "# 由 reportgen new 生成" in text


def test_new_from_last_years_file_keeps_its_structure(tmp_path):
    last_year = write_demo(tmp_path, RULED) / "data" / "2022" / f"{DEPT}.toml"
    result = run_cli("new", "-y", 2023, "--dept", DEPT, "--from", last_year, "--as", "xlsx",
                     "--data", tmp_path / "data")
    assert result.exit_code == 0, result.output
    workbook = openpyxl.load_workbook(tmp_path / "data" / "2023" / f"{DEPT}.xlsx")
    rows = list(workbook["指标评分"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == 26
    assert rows[0][:6] == ("履职效能", "整体效能", "部门整体绩效目标产出指标完成情况", 20,
                           "反映年度预算编报时确定的部门整体预算绩效目标中产出指标完成情况。", None)
    assert rows[0][8] == "产出指标完成情况" and rows[2][8] == "预算执行率" and rows[2][9] is None
    assert all(row[5] is None and row[6] is None for row in rows)  # no scores, no reasons
    targets = list(workbook["绩效指标"].iter_rows(min_row=2, values_only=True))
    assert len(targets) == 22 and targets[-1][:3] == ("应急管理培训人次", None, None)
    basic = dict(workbook["基本情况"].iter_rows(min_row=2, values_only=True))
    report_rows = ("部门职能", "内设机构数", "编制数", "年末在职人数", "离退休人数", "自评通知", "通知文号",
                   "年度重点工作", "结果应用", "其他需要说明的问题", "自称", "成文日期")  # the 自评报告's, optional
    assert basic == {"年度": 2023, "部门名称": DEPT, "单位数": 4, "未能完成原因": None,
                     **dict.fromkeys(report_rows)}
    execution = list(workbook["预算执行"].iter_rows(values_only=True))
    assert execution == [("资金类别", "年初预算数", "全年预算数", "全年执行数"), ("合计", None, None, None),
                         ("基本支出", None, None, None), ("项目支出", None, None, None)]


def test_new_workbook_is_friendly_to_fill_in(tmp_path):
    assert run_cli("new", "-y", 2023, "--dept", "新部门", "--as", "xlsx", "--data", tmp_path).exit_code == 0
    workbook = openpyxl.load_workbook(tmp_path / "2023" / "新部门.xlsx")
    assert workbook.sheetnames == ["基本情况", "绩效目标", "预算", "指标评分", "绩效指标", "预算执行"]
    for sheet in workbook:
        assert sheet.freeze_panes == ("B2" if sheet.title == "预算执行" else "A2")
        headers = [c for c in sheet[1] if c.value]
        assert headers and all(c.font.b for c in headers)
        assert all(c.comment is not None and c.comment.text for c in headers)
    scores = workbook["指标评分"]
    assert scores.column_dimensions["E"].width >= 30  # 指标解释
    assert scores["E2"].alignment.wrap_text
    validations = {str(v.sqref): v for v in scores.data_validations.dataValidation}
    assert any(v.type == "decimal" and key.startswith("F2:") for key, v in validations.items())  # 得分
    assert any(v.type == "list" for v in validations.values())  # 计分规则
    budget_rules = workbook["预算"].data_validations.dataValidation
    assert len(budget_rules) == 7 and all(v.type == "decimal" for v in budget_rules)


def test_new_refuses_to_overwrite(tmp_path):
    args = ("new", "-y", 2022, "--dept", DEPT, "--data", tmp_path / "data")
    workspace = make_year(tmp_path, DEMO_TOML)
    before = (workspace / "data" / "2022" / f"{DEPT}.toml").read_bytes()
    for fmt in ("toml", "xlsx"):
        result = run_cli(*args, "--as", fmt)
        assert result.exit_code == 1
        assert "不会覆盖" in result.output and "Traceback" not in result.output
    assert (workspace / "data" / "2022" / f"{DEPT}.toml").read_bytes() == before
    assert not (workspace / "data" / "2022" / f"{DEPT}.xlsx").exists()


def test_new_scaffold_filled_in_builds(tmp_path):
    """A clerk's path: new, type the values, check, build."""
    assert run_cli("new", "-y", 2022, "--dept", DEPT, "--data", tmp_path / "data").exit_code == 0
    path = tmp_path / "data" / "2022" / f"{DEPT}.toml"
    demo = tomllib.loads(DEMO_TEXT)
    text = path.read_text(encoding="utf-8").replace('units = ""', "units = 4")
    for key, amount in demo["budget"].items():
        text = text.replace(f'{key} = ""', f"{key} = {amount}", 1)
    text = text.replace('target = ""', 'target = "目标"').replace('  "",', '  "完成情况",')
    for row in demo["indicators"]:
        text = text.replace('score = ""', f"score = {row['score']}", 1)
    path.write_text(text, encoding="utf-8")
    assert check(tmp_path).exit_code == 0
    assert build(tmp_path).exit_code == 0
    assert "94.49" in all_text(tmp_path / "output" / "2022" / FORM)


# ----------------------------------------------------------------------------- convert
def test_convert_never_puts_a_second_file_of_a_department_in_the_data_folder(tmp_path):
    workspace = make_year(tmp_path, DEMO_TOML)
    source = workspace / "data" / "2022" / f"{DEPT}.toml"
    result = run_cli("convert", source)
    assert result.exit_code == 1, result.output
    assert not source.with_suffix(".xlsx").exists()
    assert "同一年度每个部门只能有一个数据文件" in result.output and "请用 -o 写到别处" in result.output
    named = run_cli("convert", source, "--to", "xlsx", "-o", source.parent / "别名.xlsx")
    assert named.exit_code == 1 and not (source.parent / "别名.xlsx").exists()


def test_the_readme_convert_example_works_and_the_next_build_too(tmp_path):
    import re

    line = next(line for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
                if line.startswith("reportgen convert "))
    command = line.split("#")[0].replace("某某局", DEPT).split()[1:]
    workspace = make_year(tmp_path, DEMO_TOML)
    result = run_reportgen(*command, cwd=workspace)
    assert result.returncode == 0, result.stderr
    target = workspace / command[command.index("-o") + 1]
    assert target.is_file() and re.search(r"已转换：.* → ", result.stdout)
    build = run_reportgen("build", "--year", 2022, "--format", "xlsx", "--templates", TEMPLATES, cwd=workspace)
    assert build.returncode == 0, build.stderr


def test_convert_refuses_what_it_cannot_carry(tmp_path):
    path = tmp_path / "x.toml"
    path.write_text(DEMO_TEXT.replace("units = 4", "units = 4\nhead = \"张三\""), encoding="utf-8")
    result = run_cli("convert", path, "--to", "xlsx")
    assert result.exit_code == 1
    assert "不认识的键「head」" in result.output and "无法转换" in result.output
    assert not path.with_suffix(".xlsx").exists()
    missing = run_cli("convert", tmp_path / "nope.toml")
    assert missing.exit_code == 1 and "找不到文件" in missing.output
    wrong = run_cli("convert", path, "--to", "xlsx", "-o", tmp_path / "x.toml.out")
    assert wrong.exit_code == 1 and "扩展名应为 .xlsx" in wrong.output


def test_convert_keeps_data_that_does_not_validate(tmp_path):
    """convert is about format, not content: a half-filled file converts as it is."""
    path = tmp_path / "x.toml"
    path.write_text(DEMO_TEXT.replace("score = 19.54", 'score = "四十"'), encoding="utf-8")
    xlsx = convert_file(path, tmp_path / "x.xlsx")
    back = convert_file(xlsx, tmp_path / "y.toml")
    assert tomllib.loads(back.read_text(encoding="utf-8"))["indicators"][0]["score"] == "四十"


# ----------------------------------------------------------------------------- help
@pytest.mark.parametrize("command", ["check", "new", "convert"])
def test_help_is_chinese(command):
    done = subprocess.run([sys.executable, "-m", "reportgen", command, "--help"], capture_output=True,
                          text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0
    assert "用法：" in done.stdout and "选项" in done.stdout
    assert "Usage" not in done.stdout and "[required]" not in done.stdout and "default:" not in done.stdout


def test_standard_system_matches_the_demo_form():
    """The scaffold's standard 2022 indicator system restates the demo's structure; they
    must not drift apart (names, 分值, 指标解释, order)."""
    from reportgen.forms.department.standard import standard_indicators
    from reportgen.read.toml import read_toml
    from tests.conftest import DEMO_TOML

    keys = ("level1", "level2", "name", "weight", "explanation")
    demo = [{k: row[k] for k in keys if k in row} for row in read_toml(DEMO_TOML).data["indicators"]]
    assert [{k: r[k] for k in keys if k in r} for r in standard_indicators()] == demo
