"""Command line: a thin layer over reportgen.pipeline. Everything a user sees is Chinese.

This package holds only click: the root group and main() here, click's Chinese in chinese.py,
one module per command (or group of related commands). Command modules import the libraries
they need inside the command, so `reportgen --help` and `reportgen check` stay light.
"""

from __future__ import annotations

import os
import sys

import click

from reportgen import __version__
from reportgen.cli import build as _build
from reportgen.cli import check as _check
from reportgen.cli import data as _data
from reportgen.cli import report as _report
from reportgen.cli import serve as _serve
from reportgen.cli import templates as _templates
from reportgen.cli import workspace as _workspace
from reportgen.cli.chinese import Group, _chinese
from reportgen.findings import describe_os_error, os_error_place

CONTEXT = {"help_option_names": []}


def main() -> None:
    """Console entry point: runs the commands, printing every user error in Chinese."""
    try:
        code = cli.main(standalone_mode=False, prog_name="reportgen")
    except KeyboardInterrupt:  # Ctrl-C outside a build (a build reports what it wrote)
        click.echo("\n已中断。", err=True)
        sys.exit(130)
    except click.exceptions.Abort as exc:
        if isinstance(exc.__context__, KeyboardInterrupt):  # click turns Ctrl-C into Abort
            click.echo("已中断。", err=True)
            sys.exit(130)
        click.echo("已取消。", err=True)
        sys.exit(1)
    except click.UsageError as exc:
        if _is_no_args_help(exc):  # a bare `reportgen` or `reportgen templates`: the help
            click.echo(exc.ctx.get_help())
            sys.exit(0)
        if exc.ctx is not None:
            click.echo(exc.ctx.get_usage().replace("Usage:", "用法：", 1), err=True)
            click.echo(f"运行 “{exc.ctx.command_path} --help” 查看说明。", err=True)
        click.echo(f"错误：{_chinese(exc.format_message())}", err=True)
        sys.exit(2)
    except click.ClickException as exc:
        click.echo(f"错误：{exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except BrokenPipeError:  # `reportgen … | head`: the reader left, nothing to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        sys.exit(1)
    except OSError as exc:  # a folder that is a file, no permission, disk full…
        click.echo(f"错误：无法读写 {os_error_place(exc)}：{describe_os_error(exc)}。", err=True)
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)


def _is_no_args_help(exc: click.UsageError) -> bool:
    """click >= 8.2 raises NoArgsIsHelpError for a group run without a command (older
    versions print the help themselves)."""
    no_args = getattr(click.exceptions, "NoArgsIsHelpError", None)
    return no_args is not None and isinstance(exc, no_args) and exc.ctx is not None


@click.group(cls=Group, context_settings=CONTEXT, help="生成《部门整体支出绩效自评表》（Word/Excel）。")
@click.version_option(__version__, "-V", "--version", prog_name="reportgen",
                      message="%(prog)s %(version)s", help="显示版本号并退出。")
@click.help_option("-h", "--help", help="显示帮助并退出。")
def cli() -> None:
    pass


for _command in (_build.build, _report.report, _check.check, _data.new, _data.convert, _templates.templates_group,
                 _workspace.init, _serve.serve, _serve.users):
    cli.add_command(_command)
