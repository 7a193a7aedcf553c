"""`reportgen build`: a year's forms, with a progress bar on a terminal."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import click

from reportgen.cli.chinese import Command, Option
from reportgen.cli.options import data_option, output_option, templates_option


def _output_formats(ctx, param, value: str | None) -> tuple[str, ...]:
    """--format docx,xlsx -> ("docx", "xlsx"); unknown names are a usage error."""
    from reportgen.pipeline import ALL_FORMATS, FORMATS

    if value is None:
        return FORMATS
    chosen = [part.lower() for part in re.split(r"[\s,，、;；]+", value) if part]
    unknown = [part for part in chosen if part not in ALL_FORMATS]
    if unknown or not chosen:
        raise click.BadParameter(
            f"不支持的格式「{'、'.join(unknown) or value}」。可选：{'、'.join(ALL_FORMATS)}，"
            f"多个用逗号分隔，例如 --format {','.join(FORMATS)}。")
    return tuple(dict.fromkeys(chosen))


@click.command(cls=Command, short_help="按年度生成部门表和项目表，以及年度汇总表。",
               help="按年度生成各部门的部门整体支出绩效自评表和各项目的项目支出绩效自评表。"
                    "读取 data/<年度>/ 中的每个部门文件和 data/<年度>/项目/ 中的每个项目文件，"
                    "写入 output/<年度>/。")
@click.option("--year", "-y", cls=Option, type=int, required=True, metavar="年度", help="年度，例如 2022（必填）。")
@data_option
@templates_option
@output_option
@click.option("--format", "-f", "formats", cls=Option, metavar="格式", default=None, callback=_output_formats,
              help="生成哪些格式：docx（Word）、xlsx（Excel）、pdf（由 Word 文件转换，需要 LibreOffice），"
                   "多个用逗号分隔，默认 docx,xlsx。")
@click.option("--dept", "departments", cls=Option, metavar="部门", multiple=True,
              help="只生成这个部门（文件名或部门名称），可重复使用；默认生成该年度全部部门。")
@click.option("--jobs", "-j", cls=Option, metavar="进程数", type=click.IntRange(min=1), default=None,
              help="同时生成的进程数，也是同时转换 pdf 的 LibreOffice 数，默认等于本机 CPU 核数。")
@click.help_option("-h", "--help", help="显示帮助并退出。")
def build(year: int, data_dir: Path, templates_dir: Path, out_dir: Path, formats: tuple[str, ...],
          departments: tuple[str, ...], jobs: int | None) -> None:
    from reportgen.batch import build_year, default_jobs
    from reportgen.resources import templates_dir as resolve_templates

    templates_dir = resolve_templates(templates_dir)  # --templates, ./templates, or the packaged ones
    if "pdf" in formats:
        from reportgen.render.pdf import INSTALL_HINT, find_soffice

        if find_soffice() is None:  # say so before building anything
            raise click.ClickException(INSTALL_HINT)
    progress = _Progress(enabled=_is_terminal())
    try:
        outcome = build_year(data_dir, year, templates_dir=templates_dir, out_dir=out_dir,
                             formats=formats, departments=departments, jobs=jobs or default_jobs(),
                             on_start=progress.start, on_done=progress.advance,
                             on_pdf=lambda n: (progress.finish(),
                                               click.echo(f"正在用 LibreOffice 生成 {n} 个 PDF……")))
    finally:
        progress.finish()
    from reportgen.build_report import report

    sys.exit(report(outcome))


def _is_terminal() -> bool:
    return sys.stderr.isatty()


class _Progress:
    """A progress bar on a terminal; silent in a pipe, a log or CI."""

    def __init__(self, enabled: bool):
        self.enabled, self.bar = enabled, None

    def start(self, total: int) -> None:
        if self.enabled and total > 1:
            self.bar = click.progressbar(length=total, label="生成中", file=sys.stderr,
                                         show_pos=True, width=30)
            self.bar.__enter__()

    def advance(self, result) -> None:
        if self.bar is not None:
            self.bar.update(1)

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None
