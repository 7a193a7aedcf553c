"""Messages a clerk can act on: each says what is wrong, where, and the fix that applies."""

from __future__ import annotations

import shutil
import unicodedata

from tests.conftest import DEMO_TOML, SAMPLE_TOML, TEMPLATES, make_year, run_cli, run_reportgen

DEPT = DEMO_TOML.stem


def edited(workspace, name: str, old: str, new: str):
    path = workspace / "data" / "2022" / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def check(workspace):
    return run_cli("check", "--year", 2022, "--data", workspace / "data")


def build(workspace, *more):
    return run_cli("build", "--year", 2022, "--data", workspace / "data", "--templates", TEMPLATES,
                   "--output", workspace / "output", "--jobs", 1, *more)


def test_a_number_with_its_unit_is_told_to_drop_the_unit(tmp_path):
    workspace = make_year(tmp_path, DEMO_TOML)
    edited(workspace, DEMO_TOML.name, "score = 19.54", 'score = "3分"')
    edited(workspace, DEMO_TOML.name, "units = ", 'units = "四" #')
    output = check(workspace).output
    assert "现在是「3分」（三级指标「部门整体绩效目标产出指标完成情况」），请去掉单位「分」，只填数字 3。" in output
    assert "「3分」（三级指标「部门整体绩效目标产出指标完成情况」），请改为阿拉伯数字" not in output
    assert "「单位数」应为数字（如 12），现在是「四」，请改为阿拉伯数字。" in output  # a whole number


def test_a_missing_score_in_toml_names_the_indicator(tmp_path):
    workspace = make_year(tmp_path, DEMO_TOML)
    edited(workspace, DEMO_TOML.name, "score = 19.54\n", "")
    expected = "indicators[1].score：缺少得分（三级指标「部门整体绩效目标产出指标完成情况」），请填写。"
    assert expected in check(workspace).output


def test_a_name_differing_from_the_file_name_is_a_warning_said_once(tmp_path):
    workspace = make_year(tmp_path)
    shutil.copy(DEMO_TOML, workspace / "data" / "2022" / "复制的文件.toml")
    result = build(workspace)
    assert result.exit_code == 0, result.output
    warning = [line for line in result.output.splitlines() if "与文件名" in line]
    assert warning == [f"[警告] 复制的文件.toml 第8行 键 department.name：部门名称「{DEPT}」与文件名「复制的文件.toml」"
                       f"不一致。生成的文件按部门名称命名（{DEPT}_…）。请核对这是不是该部门的数据；如无误，"
                       f"可把文件改名为「{DEPT}.toml」。"]
    # no warning repeats the file name ("复制的文件.toml：[警告] 复制的文件.toml …")
    assert not [line for line in result.output.splitlines() if line.count("复制的文件.toml 第") > 1
                or line.startswith("复制的文件.toml：[警告] 复制的文件.toml")]


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def test_the_failure_table_lines_up_with_chinese_names(tmp_path):
    workspace = make_year(tmp_path, DEMO_TOML, SAMPLE_TOML)
    long_ascii = workspace / "data" / "2022" / "dept-abc.toml"
    shutil.copy(SAMPLE_TOML, long_ascii)
    edited(workspace, long_ascii.name, 'name = "广州市示例局"', 'name = "dept-abc"')
    for name in (DEMO_TOML.name, SAMPLE_TOML.name, long_ascii.name):
        edited(workspace, name, "[budget]", "[budget]\nbogus = 1\nbogus = 2")  # a TOML error
    result = build(workspace)
    assert result.exit_code == 1
    table = result.output[result.output.index("个未生成："):].splitlines()[1:]
    assert len(table) == 4 and table[0].strip().startswith("数据文件")
    reason_at = {width(line[:line.index("第")]) if "第" in line else width(line[:line.index("原因")])
                 for line in table}
    assert len(reason_at) == 1, table  # one column, whatever the mix of Chinese and ASCII


def test_an_unwritable_output_folder_is_named_as_the_folder(tmp_path, monkeypatch):
    import tempfile

    def refuse(*args, dir=None, **kwargs):
        raise PermissionError(13, "Permission denied", f"{dir}/.隐藏.abc123.tmp")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    workspace = make_year(tmp_path, DEMO_TOML)
    result = build(workspace)
    assert result.exit_code == 1
    folder = workspace / "output" / "2022"
    assert f"[错误] 文件夹 {folder}：无法写入（没有权限，或文件正被其他程序打开）" in result.output
    assert ".tmp" not in result.output


def test_outside_a_working_folder_it_says_where_it_looked(tmp_path):
    result = run_reportgen("build", "--year", 2022, cwd=tmp_path)
    assert result.returncode == 1
    assert f"找不到 2022 年度的数据文件夹：{tmp_path / 'data' / '2022'}" in result.stderr
    assert f"当前所在的文件夹 {tmp_path} 看来不是 reportgen 的工作文件夹" in result.stderr
    assert "reportgen init" in result.stderr
    (tmp_path / "data" / "2021").mkdir(parents=True)
    (tmp_path / "data" / "2023").mkdir()
    result = run_reportgen("check", "--year", 2022, cwd=tmp_path)
    assert result.returncode == 1
    assert f"{tmp_path / 'data'} 中现有的年度：2021、2023。" in result.stderr
