"""The project form through the command line: new, convert, check (with the checks between
forms), and a project that now fails having its old files moved aside."""

from __future__ import annotations

import shutil

from openpyxl import load_workbook

from tests.conftest import DEMO_TOML, TEMPLATES, run_cli
from tests.project_helpers import spec_project, write_project

DEPT = "广州市应急管理局"


def workspace(tmp_path):
    data = tmp_path / "data" / "2022"
    data.mkdir(parents=True)
    shutil.copy(DEMO_TOML, data / DEMO_TOML.name)
    return tmp_path


def test_new_project_has_the_standard_categories_and_checks_as_unfilled(tmp_path):
    result = run_cli("new", "--year", 2023, "--dept", DEPT, "--kind", "project", "--name", "某项目",
                     "--as", "xlsx", "--data", tmp_path / "data")
    assert result.exit_code == 0, result.output
    path = tmp_path / "data" / "2023" / "项目" / DEPT / "某项目.xlsx"
    sheet = load_workbook(path)["绩效指标"]
    pairs = [(r[0].value, r[1].value) for r in sheet.iter_rows(min_row=2) if r[1].value]
    assert ("产出指标", "数量指标") in pairs and ("效益指标", "经济效益指标") in pairs
    assert ("满意度指标", "服务对象满意度指标") in pairs
    basics = {r[0].value: r[1].value for r in load_workbook(path)["基本情况"].iter_rows(min_row=2)}
    assert basics["项目名称"] == "某项目" and basics["主管部门"] == DEPT
    again = run_cli("new", "--year", 2023, "--dept", DEPT, "--kind", "project", "--name", "某项目",
                    "--data", tmp_path / "data")
    assert again.exit_code == 1 and "不会覆盖" in again.output
    missing = run_cli("new", "--year", 2023, "--dept", DEPT, "--kind", "project", "--data", tmp_path / "data")
    assert missing.exit_code == 1 and "--name" in missing.output
    check = run_cli("check", "--year", 2023, "--data", tmp_path / "data")
    assert check.exit_code == 1 and "缺少" in check.output and "Traceback" not in check.output


def test_convert_knows_a_project_file_both_ways(tmp_path):
    source = write_project(tmp_path / "in", spec_project())
    to_xlsx = run_cli("convert", source, "-o", tmp_path / "out" / "p.xlsx")
    assert to_xlsx.exit_code == 0, to_xlsx.output
    assert "项目资金" in load_workbook(tmp_path / "out" / "p.xlsx").sheetnames
    back = run_cli("convert", tmp_path / "out" / "p.xlsx", "-o", tmp_path / "back" / "p.toml")
    assert back.exit_code == 0, back.output
    assert "[funds]" in (tmp_path / "back" / "p.toml").read_text(encoding="utf-8")
    assert "不完全一致" not in to_xlsx.output + back.output
    beside = run_cli("convert", (data := write_project(tmp_path / "data" / "2022" / "项目" / "甲", spec_project())))
    assert beside.exit_code == 1 and "同一年度每个项目只能有一个数据文件" in beside.output
    assert not data.with_suffix(".xlsx").exists()


def test_check_reports_the_checks_between_forms(tmp_path):
    root = workspace(tmp_path)
    big = spec_project(project={"name": "大项目", "department": DEPT, "unit": "某中心"}, money_unit="万元",
                       funds={"current": [21000, 21000, 20000], "carryover": [0, 0, 0], "other": [0, 0, 0]})
    write_project(root / "data" / "2022" / "项目" / DEPT, big)
    write_project(root / "data" / "2022" / "项目" / "无表局", spec_project())
    result = run_cli("check", "--year", 2022, "--data", root / "data")
    assert result.exit_code == 0, result.output  # warnings only
    assert "本年度没有主管部门「上海市普陀区体育局」的部门整体支出绩效自评表" in result.output
    assert "项目全年预算数合计 21,000.00 万元" in result.output and "（多 406.48 万元）" in result.output
    assert "共检查 1 个部门文件、2 个项目文件" in result.output


def test_a_project_that_now_fails_has_its_old_files_moved_aside(tmp_path):
    root = workspace(tmp_path)
    folder = root / "data" / "2022" / "项目" / DEPT
    path = write_project(folder, spec_project(project={"name": "甲项目", "department": DEPT, "unit": "中心"}))
    args = ("build", "--year", 2022, "--data", root / "data", "--output", root / "output",
            "--templates", TEMPLATES, "--format", "docx")
    assert run_cli(*args).exit_code == 0
    old = root / "output" / "2022" / "项目" / DEPT / "甲项目_2022年度项目支出绩效自评表.docx"
    assert old.is_file()
    path.write_text(path.read_text(encoding="utf-8").replace('money_unit = "元"', 'money_unit = "美元"'),
                    encoding="utf-8")
    result = run_cli(*args)
    assert result.exit_code == 1
    assert not old.exists()
    moved = root / "output" / "2022" / "过期文件（本次未生成，请勿使用）" / "项目" / DEPT / old.name
    assert moved.is_file()
    summary = load_workbook(root / "output" / "2022" / "2022年度部门整体支出绩效自评汇总表.xlsx")["项目"]
    assert [c.value for c in summary[3]][1:2] == ["甲项目"] and summary["G3"].value == "未生成"


def test_a_project_no_longer_in_the_data_has_its_files_moved_aside_once(tmp_path):
    """A project file removed since the last build: its old files (in a subfolder of the
    output) go aside; the other project's stay; the next build moves nothing more."""
    root = workspace(tmp_path)
    folder = root / "data" / "2022" / "项目" / DEPT
    gone = write_project(folder, spec_project(project={"name": "甲项目", "department": DEPT, "unit": "中心"}))
    write_project(folder, spec_project(project={"name": "乙项目", "department": DEPT, "unit": "中心"}))
    args = ("build", "--year", 2022, "--data", root / "data", "--output", root / "output",
            "--templates", TEMPLATES, "--format", "docx")
    assert run_cli(*args).exit_code == 0
    out = root / "output" / "2022"
    gone.unlink()
    result = run_cli(*args)
    assert result.exit_code == 0
    stale = out / "过期文件（本次未生成，请勿使用）"
    assert sorted(p.relative_to(stale).as_posix() for p in stale.rglob("*.docx")) == [
        f"项目/{DEPT}/甲项目_2022年度项目支出绩效自评表.docx"]
    assert (out / "项目" / DEPT / "乙项目_2022年度项目支出绩效自评表.docx").is_file()
    assert "已移到" in result.output
    again = run_cli(*args)
    assert again.exit_code == 0 and "已移到" not in again.output
    assert len(list(stale.rglob("*.docx"))) == 1
