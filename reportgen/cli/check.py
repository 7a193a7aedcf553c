"""`reportgen check`: the data checked, nothing written."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from reportgen.cli.chinese import Command, Option
from reportgen.cli.options import data_option


@click.command(cls=Command, short_help="只检查数据，不生成文件。",
               help="只检查数据、不生成文件：逐个部门表和项目表列出错误和警告"
                                 "（包括项目与所属部门之间的核对），每条都说明位置和改法。有错误时退出码为 1。")
@click.option("--year", "-y", cls=Option, type=int, required=True, metavar="年度", help="年度，例如 2022（必填）。")
@click.option("--dept", "dept", cls=Option, metavar="部门", default=None,
              help="只检查这个部门（文件名或部门名称）和它的项目，默认检查该年度全部。")
@data_option
@click.option("--report", "report", cls=Option, metavar="文件", type=click.Path(path_type=Path), default=None,
              help="检查修改后的自评报告（.docx）：列出尚未补写的【待填写】，并把报告中的总分、得分、预算数等"
                   "与自评表核对。按文件名找对应的部门，也可用 --dept 指定。")
@click.option("--project", "project", cls=Option, metavar="项目", default=None,
              help="与 --report 一起用：报告是这个项目（项目名称）的《项目支出绩效自评报告》。")
@click.help_option("-h", "--help", help="显示帮助并退出。")
def check(year: int, dept: str | None, data_dir: Path, report: Path | None, project: str | None) -> None:
    if project is not None and report is None:
        raise click.UsageError("--project 只能与 --report 一起使用。")
    if report is not None:
        sys.exit(_check_report(year, project or dept, data_dir, report))
    # Light imports only: checking never loads the Word/Excel libraries unless an .xlsx
    # input has to be read.
    from reportgen.checking import check_year

    result = check_year(data_dir, year, dept)
    chosen, findings, identities = result.chosen, result.findings, result.identities
    failed = checked = 0
    for paths in chosen.values():
        for source in paths:
            checked += 1
            found = findings[source]
            errors = sum(1 for f in found if f.level == "error")
            warnings = len(found) - errors
            identity = identities.get(source)
            name = identity.name if identity is not None else None
            title = f"{source.name}（{name}）" if name and name != source.stem else source.name
            if errors:
                failed += 1
                summary = f"{errors} 个错误" + (f"，{warnings} 个警告" if warnings else "") + "，不能生成"
            elif warnings:
                summary = f"{warnings} 个警告，可以生成"
            else:
                summary = "没有发现问题，可以生成"
            click.echo(f"{title}：{summary}")
            for finding in found:
                click.echo(f"  {finding}")
    counted = "、".join(f"{len(paths)} 个{kind.noun}文件" for kind, paths in chosen.items() if paths)
    click.echo(f"共检查 {counted or '0 个数据文件'}：{failed} 个有错误，{checked - failed} 个可以生成。")
    if failed:
        sys.exit(1)


def _check_report(year: int, dept: str | None, data_dir: Path, report: Path) -> int:
    """check --report: what is left to write and the figures that differ from the form."""
    from reportgen.drafts import check_report_file

    source, findings = check_report_file(data_dir, year, report, name=dept)
    errors = sum(1 for f in findings if f.level == "error")
    warnings = len(findings) - errors
    todo = sum(1 for f in findings if f.level == "error" and "尚未补写" in f.message)
    if not findings:
        click.echo(f"{report.name}：与自评表（{source.name}）一致，没有待填写的内容。")
        return 0
    click.echo(f"{report.name}（对照 {source.name}）：{errors} 个错误" + (f"（其中待填写 {todo} 处）" if todo else "")
               + (f"，{warnings} 个警告" if warnings else "") + "。")
    for finding in findings:
        click.echo(f"  {finding}")
    return 1 if errors else 0
