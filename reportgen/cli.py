"""Command line: a thin layer over reportgen.pipeline. Everything a user sees is Chinese."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import click

from reportgen import __version__

CONTEXT = {"help_option_names": []}

# click's own usage messages, in Chinese.
_USAGE_WORDS = [
    (re.compile(r"Missing option '([^']+)'(?: / '[^']+')*\.?"), r"缺少选项 \1。"),
    (re.compile(r"No such option: (\S+)"), r"没有这个选项：\1"),
    (re.compile(r"No such command '([^']+)'\.?"), r"没有这个命令：\1。"),
    (re.compile(r"Invalid value for '([^']+)'(?: / '[^']+')*: '?([^']*?)'? is not a valid integer\.?"),
     r"选项 \1 的值「\2」不是整数。"),
    (re.compile(r"Invalid value for '([^']+)'(?: / '[^']+')*: (.*)"), r"选项 \1 的值不正确：\2"),
    (re.compile(r"Option '([^']+)' requires an argument\.?"), r"选项 \1 需要一个值。"),
    (re.compile(r"Missing argument '([^']+)'\.?"), r"缺少参数 \1。"),
    (re.compile(r"Got unexpected extra arguments? \((.*)\)"), r"多余的参数：\1"),
]


def _chinese(message: str) -> str:
    for pattern, replacement in _USAGE_WORDS:
        message = pattern.sub(replacement, message)
    return message


class ChineseHelp:
    """Help pages with Chinese headings (click's own are English)."""

    def format_usage(self, ctx, formatter) -> None:
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)),
                              prefix="用法：")

    def format_options(self, ctx, formatter) -> None:
        rows = [r for p in self.get_params(ctx) if (r := p.get_help_record(ctx))]
        if rows:
            with formatter.section("选项"):
                formatter.write_dl(rows)
        if isinstance(self, click.Group):
            commands = [(name, self.get_command(ctx, name).get_short_help_str(60))
                        for name in self.list_commands(ctx)]
            if commands:
                with formatter.section("命令"):
                    formatter.write_dl(commands)


class Option(click.Option):
    """Options whose help says 必填/默认 in its own words (click adds English tags)."""

    def get_help_record(self, ctx):
        record = super().get_help_record(ctx)
        if record is None:
            return None
        names, text = record
        return names, re.sub(r"\s*\[(required|default: [^\]]*)\]", "", text)


class Command(ChineseHelp, click.Command):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[选项]")
        super().__init__(*args, **kwargs)


class Group(ChineseHelp, click.Group):
    command_class = Command

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[选项]")
        kwargs.setdefault("subcommand_metavar", "命令 [参数]...")
        super().__init__(*args, **kwargs)


def main() -> None:
    """Console entry point: runs the commands, printing every user error in Chinese."""
    try:
        code = cli.main(standalone_mode=False, prog_name="reportgen")
    except click.exceptions.Abort:
        click.echo("已取消。", err=True)
        sys.exit(1)
    except click.UsageError as exc:
        if exc.ctx is not None:
            click.echo(exc.ctx.get_usage().replace("Usage:", "用法：", 1), err=True)
            click.echo(f"运行 “{exc.ctx.command_path} --help” 查看说明。", err=True)
        click.echo(f"错误：{_chinese(exc.format_message())}", err=True)
        sys.exit(2)
    except click.ClickException as exc:
        click.echo(f"错误：{exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    sys.exit(code if isinstance(code, int) else 0)


@click.group(cls=Group, context_settings=CONTEXT, help="生成《部门整体支出绩效自评表》（Word/Excel）。")
@click.version_option(__version__, "-V", "--version", prog_name="reportgen",
                      message="%(prog)s %(version)s", help="显示版本号并退出。")
@click.help_option("-h", "--help", help="显示帮助并退出。")
def cli() -> None:
    pass


@cli.command(help="按年度生成各部门的自评表。读取 data/<年度>/ 中的每个部门文件，"
                   "写入 output/<年度>/。")
@click.option("--year", "-y", cls=Option, type=int, required=True, metavar="年度", help="年度，例如 2022（必填）。")
@click.option("--data", "data_dir", metavar="文件夹", type=click.Path(path_type=Path), default=Path("data"),
              help="数据文件夹，默认 data。")
@click.option("--templates", "templates_dir", metavar="文件夹", type=click.Path(path_type=Path),
              default=Path("templates"), help="模板文件夹，默认 templates。")
@click.option("--output", "out_dir", metavar="文件夹", type=click.Path(path_type=Path), default=Path("output"),
              help="输出文件夹，默认 output。")
@click.help_option("-h", "--help", help="显示帮助并退出。")
def build(year: int, data_dir: Path, templates_dir: Path, out_dir: Path) -> None:
    from reportgen.pipeline import YearNotFound, build_department_file, find_department_files

    try:
        sources = find_department_files(data_dir, year)
    except YearNotFound as exc:
        raise click.ClickException(str(exc)) from None
    failed = 0
    for source in sources:
        result = build_department_file(source, year, templates_dir=templates_dir,
                                       out_dir=out_dir)
        for finding in result.findings:
            click.echo(f"{source.name}：{finding}", err=True)
        if not result.ok:
            failed += 1
            click.echo(f"未生成：{source.name}（请按上面的提示修改后重试）", err=True)
            continue
        for path in result.outputs:
            click.echo(f"已生成：{path}")
    if failed:
        click.echo(f"共 {len(sources)} 个部门，{failed} 个未生成。", err=True)
        sys.exit(1)


