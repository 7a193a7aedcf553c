"""Options that several commands take, written once so that their names, defaults and help
read the same everywhere (reportgen build, report, check, new, templates check)."""

from __future__ import annotations

from pathlib import Path

import click

from reportgen.cli.chinese import Option

data_option = click.option(
    "--data", "data_dir", cls=Option, metavar="文件夹", type=click.Path(path_type=Path), default=Path("data"),
    help="数据文件夹，默认 data。")
templates_option = click.option(
    "--templates", "templates_dir", cls=Option, metavar="文件夹", type=click.Path(path_type=Path), default=None,
    help="模板文件夹，默认 ./templates（没有时用随程序安装的模板）。")
output_option = click.option(
    "--output", "out_dir", cls=Option, metavar="文件夹", type=click.Path(path_type=Path), default=Path("output"),
    help="输出文件夹，默认 output。")
