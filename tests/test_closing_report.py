"""The closing report of `reportgen build`: every path and warning for a few forms; beyond
a screenful (build_report.LIST_LIMIT forms built) the counts, every form not built with its
reason, and where the full list is (生成结果.txt, which names every file written)."""

from __future__ import annotations

import re

import pytest

from benchmarks.synthetic import synthetic_departments
from reportgen.build_report import LIST_LIMIT
from tests.conftest import DEMO_TOML, TEMPLATES, run_cli

FORM = "_2022年度部门整体支出绩效自评表"
SUMMARY = "2022年度部门整体支出绩效自评汇总表.xlsx"


def year_of(tmp_path, valid: int, broken: int = 1):
    """data/2022 with `valid` synthetic departments (two warnings each: their budget totals
    differ, as the demo's do) and `broken` ones whose first score is missing."""
    folder = tmp_path / "data" / "2022"
    synthetic_departments(folder, valid)
    text = DEMO_TOML.read_text(encoding="utf-8")
    for i in range(broken):
        broken_text = text.replace('name = "广州市应急管理局"', f'name = "有误的局{i}"')
        broken_text = broken_text.replace("score = 19.54\n", "", 1)
        assert broken_text != text
        (folder / f"有误的局{i}.toml").write_text(broken_text, encoding="utf-8")
    return tmp_path


def build(workspace):
    return run_cli("build", "--year", 2022, "--data", workspace / "data", "--templates", TEMPLATES,
                   "--output", workspace / "output", "--jobs", 1)


def written(out) -> list[str]:
    """The forms' files in the output folder, relative to it."""
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.suffix in (".docx", ".xlsx")
                  and p.name != SUMMARY)


@pytest.mark.parametrize("valid", [1, LIST_LIMIT])
def test_a_few_forms_list_every_file_and_warning(tmp_path, valid):
    workspace = year_of(tmp_path, valid)
    result = build(workspace)
    assert result.exit_code == 1
    out = workspace / "output" / "2022"
    files = written(out)
    assert len(files) == 2 * valid
    listed = re.findall(r"^已生成：(.+)$", result.output, re.M)
    assert sorted(listed) == sorted(str(out / f) for f in files)
    assert result.output.count("[警告]") == 2 * valid
    assert "未生成：有误的局0.toml" in result.output and "个表的" not in result.output


def test_beyond_a_screenful_counts_failures_and_the_record_replace_the_paths(tmp_path):
    valid, broken = LIST_LIMIT + 1, 2
    workspace = year_of(tmp_path, valid, broken)
    result = build(workspace)
    assert result.exit_code == 1
    out = workspace / "output" / "2022"
    record_path = out / "生成结果.txt"
    lines = result.output.splitlines()
    assert "已生成：" not in result.output and "[警告]" not in result.output  # no path, no warning one by one
    assert f"已生成 {valid} 个表的 {2 * valid} 个文件，每个文件的位置见 {record_path}。" in lines
    assert f"这些表有 {2 * valid} 条警告（不影响生成），未在此逐条列出，见 {record_path}。" in lines
    assert f"已生成汇总表：{out / SUMMARY}" in lines
    # every failure, with its reason: its errors, its line, and the table
    for i in range(broken):
        assert f"未生成：有误的局{i}.toml（请按上面的提示修改后重试）" in lines
        assert re.search(rf"^  有误的局{i}\.toml +\S.*得分", result.output, re.M), result.output
    assert result.output.count("[错误]") == broken
    assert f"共 {valid + broken} 个部门，已生成 {valid} 个，{broken} 个未生成：" in result.output
    assert len(lines) < 20  # readable in one screen

    record = record_path.read_text(encoding="utf-8-sig").splitlines()
    files = written(out)
    assert len(files) == 2 * valid
    for name in files:  # every file written, once, under its form
        assert record.count(f"    {name}") == 1, name
    assert sum(line.startswith("    [警告]") for line in record) == 2 * valid
    at = record.index("  示例部门0000（示例部门0000.toml）")
    assert record[at + 1:at + 3] == [f"    示例部门0000{FORM}.docx", f"    示例部门0000{FORM}.xlsx"]
    assert f"未生成：数据或模板有误（{broken}）：" in record
    assert sum(line.startswith("    [错误]") for line in record) == broken
