"""`reportgen templates …`: tools for the Word/Excel templates."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from reportgen.cli.chinese import Group, Option
from reportgen.cli.options import templates_option


@click.group(name="templates", cls=Group, help="Word/Excel 模板的工具（修改模板的方法见 docs/模板编辑说明.md）。")
@click.help_option("-h", "--help", help="显示帮助并退出。")
def templates_group() -> None:
    pass


@templates_group.command(name="check", help="检查模板中的标签：语法错误、未知的变量名和过滤器，逐条说明在"
                                            "哪个模板的哪个位置；并检查模板文件是否合乎规范"
                                            "（Word、Excel 打开时是否会提示修复），说明生成时"
                                            "自动修复了什么、哪些无法自动修复。有错误时退出码为 1。")
@click.option("--year", "-y", cls=Option, type=int, default=None, metavar="年度",
              help="同时检查 templates/<年度>/ 中的模板；默认检查全部年度文件夹。")
@templates_option
@click.help_option("-h", "--help", help="显示帮助并退出。")
def check_templates(year: int | None, templates_dir: Path | None) -> None:
    from reportgen.ooxml_check import MISSING_NOTICE, available, template_findings, template_repairs
    from reportgen.report_text import unhighlighted_placeholders
    from reportgen.resources import templates_dir as resolve_templates
    from reportgen.tags.check import check_template, display
    from reportgen.template_files import template_files

    folder = resolve_templates(templates_dir)
    if not folder.is_dir():
        raise click.ClickException(f"找不到模板文件夹：{display(folder)}")
    if templates_dir is None and folder != Path("templates"):
        click.echo(f"当前文件夹 {Path.cwd()} 中没有 templates 文件夹，检查的是随程序安装的模板：{folder}")
    files = template_files(folder, year)
    if not files:
        raise click.ClickException(f"{display(folder)} 中没有模板文件（.docx 或 .xlsx）。")
    failed = 0
    if not available():
        click.echo(MISSING_NOTICE, err=True)
    for kind, path in files:
        findings = check_template(path, kind.variables_for(path).known) + template_findings(path)  # tags, validity
        repairs = template_repairs(path)
        notes = unhighlighted_placeholders(path) if path.suffix.lower() == ".docx" else []
        if not findings:
            click.echo(f"模板正常：{display(path)}" + ("（生成时自动修复以下问题）" if repairs else ""))
            for repair in repairs:
                click.echo(f"  [自动修复] {repair}")
            for note in notes:  # a warning: the template still works
                click.echo(f"  [警告] {display(path)} {note}")
            continue
        failed += 1
        click.echo(f"模板有错误：{display(path)}", err=True)
        for repair in repairs:
            click.echo(f"  [自动修复] {repair}", err=True)
        for finding in findings:
            click.echo(f"  {finding}", err=True)
        for note in notes:
            click.echo(f"  [警告] {display(path)} {note}", err=True)
    if failed:
        click.echo(f"共检查 {len(files)} 个模板，{failed} 个有错误。请按上面的提示修改，"
                   f"可用的变量见 docs/模板编辑说明.md。", err=True)
        sys.exit(1)
    click.echo(f"共检查 {len(files)} 个模板，全部正常。")
