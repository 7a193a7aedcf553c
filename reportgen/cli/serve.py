"""`reportgen serve` and `reportgen users`: the bureau's web site. Django is imported inside
the commands, and only installed with the `serve` extra, so the forms' CLI stays light."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from reportgen.cli.chinese import Command, Group, Option

INSTALL = ('网站功能需要另外安装：python -m pip install "reportgen[serve]"'
           '（在仓库中：python -m pip install -e ".[serve]"）。')


def _launch():
    try:
        import django  # noqa: F401
        import django_tasks  # noqa: F401
    except ImportError:
        raise click.ClickException(INSTALL) from None
    from reportgen.site import launch

    return launch


@click.command(cls=Command, short_help="启动财政局的填报网站。",
               help="在当前工作文件夹启动填报网站：建立或升级数据库（默认 instance/db.sqlite3），"
                    "启动网站和后台检查、生成进程。按 Ctrl-C 停止。正式部署见 README 的“网站部署”。")
@click.option("--host", cls=Option, metavar="地址", default="127.0.0.1",
              help="监听的地址，默认 127.0.0.1（由 nginx 转发）；0.0.0.0 表示所有网卡。")
@click.option("--port", cls=Option, metavar="端口", type=click.IntRange(1, 65535), default=8000,
              help="端口，默认 8000。")
@click.option("--workers", cls=Option, metavar="进程数", type=click.IntRange(min=1), default=None,
              help="后台生成表格的进程数，默认为 CPU 核数的一半（至少 1）。")
@click.option("--year", "-y", cls=Option, type=int, default=None, metavar="年度",
              help="开启填报的年度（第一次启动时默认取 data/ 中最新的年度，之后可在管理页面中修改）。")
@click.option("--check-deploy", is_flag=True, cls=Option,
              help="只检查正式部署的设置（Django check --deploy），不启动。")
@click.help_option("-h", "--help", help="显示帮助并退出。")
def serve(host: str, port: int, workers: int | None, year: int | None, check_deploy: bool) -> None:
    launch = _launch()
    if check_deploy:
        launch.setup()
        sys.exit(launch.check_deploy())
    sys.exit(launch.serve(host, port, build_workers=workers, year=year, echo=click.echo))


@click.group(cls=Group, short_help="管理网站的账号。", help="管理填报网站的账号（在工作文件夹中运行）。")
@click.help_option("-h", "--help", help="显示帮助并退出。")
def users() -> None:
    pass


@users.command("add", cls=Command, short_help="新建账号。",
               help="新建一个账号，可立即登录。密码从标准输入读取（在终端中会提示输入两次）。")
@click.argument("name", metavar="账号名")
@click.option("--role", cls=Option, type=click.Choice(["clerk", "reviewer", "admin"]), required=True,
              metavar="角色", help="clerk（填报人）、reviewer（审核人）或 admin（管理员）。")
@click.option("--dept", cls=Option, metavar="部门名称", default=None,
              help="填报人所属的部门（与部门填报表中的部门名称一致）；没有时新建该部门。")
@click.option("--must-change-password", is_flag=True, cls=Option, help="要求第一次登录时修改密码。")
@click.help_option("-h", "--help", help="显示帮助并退出。")
def add(name: str, role: str, dept: str | None, must_change_password: bool) -> None:
    launch = _launch()
    if sys.stdin.isatty():
        password = click.prompt("密码", hide_input=True, confirmation_prompt="再输入一次密码")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    launch.setup()
    launch.migrate()
    from reportgen.site.accounts.services import AccountError, user_create

    try:
        user_create(name=name, password=password, role=role, department=dept,
                    must_change_password=must_change_password)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"已新建账号「{name}」。")


@users.command("import", cls=Command, short_help="从 Excel 表批量新建账号。",
               help="从 Excel 工作簿批量新建账号：第一个工作表的第一行为 账号名、角色（填报人、审核人、管理员）、"
                    "部门、初始密码。有任何一行出错时一个账号也不建，并列出出错的单元格。"
                    "导入的账号第一次登录时须修改密码。")
@click.argument("workbook", metavar="工作簿", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.help_option("-h", "--help", help="显示帮助并退出。")
def import_(workbook: Path) -> None:
    launch = _launch()
    workbook = workbook.resolve()
    launch.setup()
    launch.migrate()
    from reportgen.site.accounts.services import AccountError, users_import

    try:
        made = users_import(workbook)
    except AccountError as exc:
        raise click.ClickException(f"{exc}\n没有新建任何账号。") from None
    click.echo(f"已新建 {len(made)} 个账号：{'、'.join(made)}。")
