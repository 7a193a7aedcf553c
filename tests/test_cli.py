"""The command line as a clerk runs it (a real subprocess, in a workspace folder)."""

from __future__ import annotations

import errno
import re
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest

from reportgen import __version__
from reportgen.cli.chinese import _chinese
from reportgen.findings import describe_os_error
from reportgen.read.toml import toml_error
from tests.conftest import DEMO_TOML, TEMPLATES


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


# ----------------------------------------------------------------------------- no English
COMMANDS = {"reportgen", "build", "check", "new", "convert", "init", "templates", "toml", "xlsx", "report",
            "serve", "users", "add", "import"}


def english_left(text: str, allowed=()) -> list[str]:
    """English words in text outside quotes (「…」 “…”), option names and allowed words."""
    text = re.sub(r"「[^」]*」|“[^”]*”", "", text)
    text = re.sub(r"(?<![\w-])--?[A-Za-z][\w-]*", "", text)
    return [w for w in re.findall(r"[A-Za-z][A-Za-z0-9_.]*", text)
            if w not in COMMANDS and w not in set(allowed)]


def error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.startswith("错误：")]
    assert len(lines) == 1, stderr
    return lines[0]


@pytest.mark.parametrize("command", [(), ("build",), ("check",), ("new",), ("convert",), ("init",),
                                     ("templates",), ("templates", "check"), ("report",), ("serve",), ("users",),
                                     ("users", "add"), ("users", "import")])
def test_help_has_no_english_tags(tmp_path, command):
    result = run(*command, "--help", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    options = result.stdout.split("\n选项", 1)[1]  # below the usage line ([选项] is ours)
    assert not re.search(r"\[[^\]]*\]", options), options  # [x>=1], [required], [default: …]
    assert english_left(options, {"docx", "pdf", "Word", "Excel", "LibreOffice", "data", "output",
                                  "templates", "docs", "md", "CPU", "TOML", "department",
                                  "project", "WPS", "instance", "db.sqlite3", "nginx", "README", "Django",
                                  "Ctrl-C", "clerk", "reviewer", "admin"}) == [], options


USAGE_ERRORS = [
    (("build", "--year", "2022", "--jobs", "0"), "选项 --jobs 的值不正确：「0」不在允许的范围内（至少为 1）"),
    (("build", "--year", "2022", "--jobs", "x"), "选项 --jobs 的值不正确：「x」不是整数"),
    (("build", "--year", "2022", "-j", "1.5"), "「1.5」不是整数"),
    (("build", "--year", "二〇二二"), "「二〇二二」不是整数，请用阿拉伯数字填写"),
    (("new", "--year", "2023", "--dept", "甲", "--as", "docx"), "「docx」不是可选的值，可选：toml、xlsx"),
    (("convert", "a.toml", "--to", "pdf"), "「pdf」不是可选的值，可选：toml、xlsx"),
    (("build", "--bogus"), "没有这个选项：--bogus，是不是要用 --jobs？"),
    (("build", "--yaer", "2022"), "没有这个选项：--yaer，是不是要用 --year？"),
    (("build", "-x"), "没有这个选项：-x。"),
    (("bild",), "没有这个命令：bild，是不是要用 build？"),
    (("templates", "chek"), "没有这个命令：chek，是不是要用 check？"),
    (("frobnicate",), "没有这个命令：frobnicate。"),
    (("build",), "缺少选项 --year。"),
    (("convert",), "缺少参数 文件。"),
    (("build", "--year"), "选项 --year 后面需要一个值。"),
    (("build", "--year", "2022", "one", "two"), "多余的参数：one two"),
    (("build", "--help=yes"), "选项 --help 不需要值"),
    (("build", "--year", "2022", "--format", "doc"), "选项 --format 的值不正确：不支持的格式「doc」"),
]


@pytest.mark.parametrize(("args", "expected"), USAGE_ERRORS, ids=[" ".join(a) for a, _ in USAGE_ERRORS])
def test_usage_errors_are_translated(tmp_path, args, expected):
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    line = error_line(result.stderr)
    assert expected in line, line
    allowed = [a for a in args if not a.startswith("-")] + ["docx", "pdf"]
    assert english_left(line, allowed) == [], line
    assert "Usage" not in result.stderr


def _click_message(params, args) -> str:
    """The message the installed click gives for args to a command with these params."""
    command = click.Command("demo", params=params)
    with pytest.raises(click.UsageError) as caught:
        command.main(list(args), standalone_mode=False)
    return caught.value.format_message()


CLICK_MESSAGES = [  # (params, args, the Chinese the message must turn into)
    ([click.Option(["--n"], type=click.IntRange(1, 9))], ["--n", "12"], "「12」不在允许的范围内（应在 1 到 9 之间）"),
    ([click.Option(["--n"], type=click.IntRange(max=5))], ["--n", "6"], "「6」不在允许的范围内（最多为 5）"),
    ([click.Option(["--n"], type=click.FloatRange(0, 1, min_open=True))], ["--n", "0"],
     "「0.0」不在允许的范围内（必须大于 0，最多为 1）"),
    ([click.Option(["--n"], type=click.FloatRange(0, 1))], ["--n", "abc"], "「abc」不是数字"),
    ([click.Option(["--n"], type=float)], ["--n", "abc"], "选项 --n 的值不正确：「abc」不是数字"),
    ([click.Option(["--n"], type=click.IntRange(0))], ["--n", "abc"], "「abc」不是整数"),
    ([click.Option(["--as"], type=click.Choice(["toml"]))], ["--as", "x"], "「x」不是可选的值，只能是：toml"),
    ([click.Option(["--as"], type=click.Choice(["toml", "xlsx"]), required=True)], [],
     "缺少选项 --as。可选：toml、xlsx"),
    ([click.Argument(["source"], type=click.Path(exists=True))], ["nowhere.toml"],
     "参数 SOURCE 的值不正确：路径「nowhere.toml」不存在"),
    ([click.Argument(["source"], type=click.Path(dir_okay=False))], ["."], "文件「.」是一个文件夹，这里需要的是文件"),
    ([click.Option(["--d"], type=click.Path(file_okay=False))], ["--d", __file__],
     "是一个文件，这里需要的是文件夹"),
    ([click.Option(["--data"]), click.Option(["--date"])], ["--dat", "x"],
     "没有这个选项：--dat，是不是要用其中之一：--data、--date？"),
    ([click.Option(["--b"], type=bool)], ["--b", "maybe"], "「maybe」不是有效的是/否值"),
    ([click.Option(["--p"], nargs=2)], ["--p", "1"], "选项 --p 后面需要 2 个值"),
    ([click.Argument(["a"])], ["x", "y"], "多余的参数：y"),
]


@pytest.mark.parametrize(("params", "args", "expected"), CLICK_MESSAGES)
def test_every_click_message_is_translated(params, args, expected, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    message = _click_message(params, args)
    chinese = _chinese(message)
    assert expected in chinese, (message, chinese)
    allowed = {a for a in args if not a.startswith("-")} | {"SOURCE", "A", "toml", "xlsx"}
    allowed |= {"f", "false", "n", "no", "off", "on", "t", "true", "y", "yes"}  # what --b accepts
    assert english_left(chinese, allowed) == [], (message, chinese)


def test_an_unknown_click_message_is_quoted_after_a_chinese_lead_in():
    assert _chinese("Something entirely new.") == "命令行用法有误（“Something entirely new.”）。"
    assert _chinese("Invalid value for '--x': odd.") == "选项 --x 的值不正确（“odd.”）。"
    assert _chinese("No such option: --bogus") == "没有这个选项：--bogus。"  # click < 8.1 wording


# ----------------------------------------------------------------------------- no command: help
@pytest.mark.parametrize("command", [(), ("templates",)])
def test_a_group_without_a_command_prints_its_help(tmp_path, command):
    result = run(*command, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"用法：{' '.join(('reportgen', *command))} [选项] 命令")
    assert "命令" in result.stdout and "check" in result.stdout
    assert result.stderr == "" and "错误：" not in result.stdout and "Usage" not in result.stdout


# ----------------------------------------------------------------------------- TOML syntax
TOML_ERRORS = [  # (department file text, line, what the message must say)
    ('[department]\nname = "甲局"\nname = "乙局"\n', 3, "同一个键或表重复出现：请删除重复的一项"),
    ('[department]\nname = "甲局"\n[department]\nunits = 4\n', 3, "同一个键或表重复出现"),
    ('[department]\nname ＝ "甲局"\n', 2, "全角等号“＝”"),
    ('[department]\nname　= "甲局"\n', 2, "全角空格"),
    ('[department]\nname = “甲局”\n', 2, "中文引号 “（请改成英文双引号 \"）"),
    ('[department]\nname = 甲局\n', 2, "文字要用英文双引号"),
    ('[department]\nname = "甲局\nunits = 4\n', 2, "多行文字请用三个双引号"),
    ('[department]\nname = "甲局”\n', 2, "这一行用了中文引号"),
    ('[department\nname = "甲局"\n', 1, "表头的方括号没有结束"),
    ('[department]\nunits = [1, 2\nname = "甲局"\n', 3, "列表没有正确结束"),
    ('[department]\nname = "D:\\资料\\甲局"\n', 2, "要写反斜杠本身，请写成两个 \\\\"),
    ('[department]\nname = "甲\x01局"\n', 2, "看不见的控制字符"),
    ('[department]\nunits = 4个\n', 2, "数字中不能有逗号、空格或单位"),
    ('[department]\nday = 2022-02-30\n', 2, "日期或时间的写法不对"),
    ('[department]\nunits = ４\n', 2, "全角数字"),
    ('[department]\n名称 = "甲局"\n', 2, "这一行无法识别"),
]


@pytest.mark.parametrize(("text", "line", "expected"), TOML_ERRORS,
                         ids=[e for _, _, e in TOML_ERRORS])
def test_toml_syntax_errors_are_explained_in_chinese(tmp_path, text, line, expected):
    folder = tmp_path / "data" / "2022"
    folder.mkdir(parents=True)
    (folder / "x.toml").write_text(text, encoding="utf-8")
    result = run("check", "--year", "2022", cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert f"x.toml 第{line}行" in result.stdout, result.stdout
    assert "TOML 格式错误" in result.stdout and expected in result.stdout, result.stdout
    assert english_left(result.stdout.replace("x.toml", ""), {"TOML", "true", "false", "C"}) == [], result.stdout


def test_an_unknown_toml_message_is_quoted_with_its_position():
    at, message = toml_error("Something new (at line 4, column 2)", "a = 1\n" * 5)
    assert at == " 第4行第2列"
    assert message.startswith("TOML 格式错误：") and "“Something new”" in message
    at, message = toml_error("Unterminated string (at end of document)", 'a = 1\nb = "x')
    assert at == " 第2行（文件末尾）" and "引号没有结束" in message


# ----------------------------------------------------------------------------- file system
def test_os_errors_are_described_in_chinese(tmp_path):
    def oserror(code, name=None):
        return OSError(code, "English strerror", name)

    assert describe_os_error(oserror(errno.EACCES)) == "没有权限，或文件正被其他程序打开"
    assert describe_os_error(oserror(errno.EPERM)) == "没有权限，或文件正被其他程序打开"
    assert describe_os_error(oserror(errno.EISDIR)) == "这是一个文件夹"
    assert describe_os_error(oserror(errno.ENOENT)) == "找不到文件或文件夹"
    assert describe_os_error(oserror(errno.ENOSPC)) == "磁盘空间不足"
    assert describe_os_error(oserror(errno.EEXIST, str(tmp_path))) == "文件已存在"
    assert describe_os_error(oserror(errno.ENOTDIR)) == "路径中有一个同名的文件而不是文件夹"
    assert describe_os_error(oserror(errno.EIO)) == "系统提示“English strerror”"


def blocking_file(tmp_path: Path) -> Path:
    afile = tmp_path / "afile"
    afile.write_text("not a folder", encoding="utf-8")
    return afile


@pytest.mark.parametrize("args", [
    ("new", "--year", "2023", "--dept", "甲局", "--data", "afile"),
    ("convert", "x.toml", "-o", "afile/x.xlsx"),
    ("init", "afile/ws"),
], ids=["new", "convert", "init"])
def test_a_file_where_a_folder_should_be_is_a_chinese_error(tmp_path, args):
    blocking_file(tmp_path)
    shutil.copy(DEMO_TOML, tmp_path / "x.toml")
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    line = error_line(result.stderr)
    assert re.fullmatch(r"错误：无法读写 afile\S*：.+。", line), line
    assert "afile 是一个文件" in line or "已有同名的文件" in line, line
    assert english_left(line, {"afile", "ws", "data"}) == [], line
    assert (tmp_path / "afile").read_text(encoding="utf-8") == "not a folder"
