"""`reportgen report`: the 自评报告 drafts of a year (reportgen.drafts)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from reportgen.cli.build import _is_terminal, _Progress
from reportgen.cli.chinese import Command, Option
from reportgen.cli.options import data_option, output_option, templates_option


@click.command(cls=Command, short_help="生成自评报告的 Word 草稿（部门整体支出绩效自评报告）。",
               help="按年度为每个部门生成《部门整体支出绩效自评报告》的 Word 草稿，写入 output/<年度>/自评报告/。"
                    "报告中的得分、等级、预算数、未得满分的指标及其原因和措施都取自自评表的数据；数据中没有的内容"
                    "以黄色底纹的【待填写：…】标出，请在 Word/WPS 中补写，再用 reportgen check --report 检查。"
                    "已有的草稿不会被覆盖（可能已经修改过），除非加 --overwrite。")
@click.option("--year", "-y", cls=Option, type=int, required=True, metavar="年度", help="年度，例如 2022（必填）。")
@click.option("--dept", "departments", cls=Option, metavar="部门", multiple=True,
              help="只生成这个部门（文件名或部门名称）的报告，可重复使用；默认生成该年度全部部门。")
@click.option("--projects", cls=Option, is_flag=True, default=False,
              help="同时为每个项目生成《项目支出绩效自评报告》草稿。")
@click.option("--overwrite", cls=Option, is_flag=True, default=False,
              help="覆盖已有的草稿（其中的修改将丢失）。")
@data_option
@templates_option
@output_option
@click.option("--jobs", "-j", cls=Option, metavar="进程数", type=click.IntRange(min=1), default=None,
              help="同时生成的进程数，默认等于本机 CPU 核数。")
@click.help_option("-h", "--help", help="显示帮助并退出。")
def report(year: int, departments: tuple[str, ...], projects: bool, overwrite: bool, data_dir: Path,
           templates_dir: Path | None, out_dir: Path, jobs: int | None) -> None:
    from reportgen.batch import default_jobs
    from reportgen.drafts import draft_year
    from reportgen.resources import templates_dir as resolve_templates

    progress = _Progress(enabled=_is_terminal())
    try:
        run = draft_year(data_dir, year, templates_dir=resolve_templates(templates_dir), out_dir=out_dir,
                         departments=departments, projects=projects, overwrite=overwrite,
                         jobs=jobs or default_jobs(), on_start=progress.start, on_done=progress.advance)
    finally:
        progress.finish()
    written = kept = failed = 0
    for result in run.results:
        note = result.summary
        label = result.name or result.source.name
        if not result.ok:
            failed += 1
            click.echo(f"未生成：{label}（{result.source.name}），原因：")
            for finding in result.findings:
                click.echo(f"  {finding}")
        elif note is not None and note.kept:
            kept += 1
            click.echo(f"未覆盖：{note.path} 已存在（可能已经修改过）。要重新生成，请先改名或移走它，"
                       f"或加 --overwrite（其中的修改将丢失）。")
        elif note is not None:
            written += 1
            click.echo(f"已生成：{note.path}（待填写 {note.placeholders} 处）")
            for text in note.notes:
                click.echo(f"  注意：{text}")
    summary = f"自评报告：已生成 {written} 份"
    if kept:
        summary += f"，{kept} 份已存在未覆盖"
    if failed:
        summary += f"，{failed} 份因数据或模板有错误未生成"
    if run.interrupted:
        missing = len(run.chosen) - len(run.results)
        click.echo(f"{summary}。已中断：还有 {missing} 份未生成；已生成的草稿都是完整的。", err=True)
        sys.exit(130)
    click.echo(summary + "。" + ("请补写黄色底纹的【待填写】处，再运行 reportgen check --year "
                                 f"{year} --report 文件名 检查。" if written else ""))
    sys.exit(1 if failed else 0)
