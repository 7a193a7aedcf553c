"""The command line as a clerk runs it (a real subprocess, in a workspace folder)."""

from __future__ import annotations

import subprocess
import sys

from reportgen import __version__
from tests.conftest import TEMPLATES


def run(*args, cwd):
    return subprocess.run([sys.executable, "-m", "reportgen", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def test_build_writes_the_form_and_says_so(demo_workspace):
    result = run("build", "--year", "2022", "--templates", str(TEMPLATES), cwd=demo_workspace)
    assert result.returncode == 0, result.stderr
    target = demo_workspace / "output" / "2022" / "广州市应急管理局_2022年度部门整体支出绩效自评表.docx"
    assert target.is_file() and target.stat().st_size > 10_000
    assert f"已生成：{target.relative_to(demo_workspace)}" in result.stdout
    assert not [p for p in target.parent.iterdir() if p.name.startswith(".")]  # no temp files left


def test_missing_year_is_a_clear_chinese_error(tmp_path):
    result = run("build", "--year", "2031", cwd=tmp_path)
    assert result.returncode == 1
    assert "找不到 2031 年度的数据文件夹" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not (tmp_path / "output").exists()


def test_usage_errors_are_chinese(tmp_path):
    result = run("build", cwd=tmp_path)
    assert result.returncode == 2
    assert "缺少选项 --year" in result.stderr
    result = run("build", "--year", "二〇二二", cwd=tmp_path)
    assert result.returncode == 2 and "不是整数" in result.stderr


def test_version_and_help(tmp_path):
    assert run("--version", cwd=tmp_path).stdout.strip() == f"reportgen {__version__}"
    help_text = run("build", "--help", cwd=tmp_path).stdout
    assert "用法：" in help_text and "年度" in help_text and "Usage" not in help_text
