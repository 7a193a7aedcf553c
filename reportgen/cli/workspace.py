"""`reportgen init`: a new working folder."""

from __future__ import annotations

from pathlib import Path

import click

from reportgen.cli.chinese import Command


@click.command(cls=Command, short_help="新建带示例数据和模板的工作文件夹。",
               help="新建工作文件夹：示例数据 data/2022/、模板 templates/、说明 docs/ 和 output/，"
                                 "之后在其中运行 reportgen build。已有的文件不会被覆盖。")
@click.argument("folder", metavar="文件夹", type=click.Path(path_type=Path))
@click.help_option("-h", "--help", help="显示帮助并退出。")
def init(folder: Path) -> None:
    from reportgen.resources import init_workspace

    if folder.exists() and not folder.is_dir():
        raise click.ClickException(f"{folder} 已存在，但不是文件夹。")
    result = init_workspace(folder)
    for path in result.created:
        click.echo(f"已创建：{path}")
    for path in result.kept:
        click.echo(f"已存在，未改动：{path}")
    if result.note:
        click.echo(result.note, err=True)
    click.echo(f"工作文件夹已就绪：{folder}。接着运行：cd {folder} && reportgen build --year 2022")
