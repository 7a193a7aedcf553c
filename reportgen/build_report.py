"""What `reportgen build` says at the end: each form's findings and files, the forms not
built (a table that lines up with Chinese text), old files moved aside, an interruption;
and its exit code. Beyond a screenful (more than LIST_LIMIT forms built) it says how many
forms and files were written and where they are all listed (生成结果.txt) instead of
every path and warning; every form not built is still listed with its errors."""

from __future__ import annotations

import unicodedata

import click

from reportgen.outcome import count_text, first_error

LIST_LIMIT = 20  # forms built whose files and warnings are listed one by one (2-3 lines each)


def display_width(text: str) -> int:
    """Columns a terminal gives the text: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1
               for c in text)


def pad(text: str, width: int) -> str:
    return text + " " * max(0, width - display_width(text))


def failure_table(failed) -> str:
    """数据文件 | 原因 (the first error of each), one line each."""
    width = max(display_width("数据文件"), *(display_width(r.source.name) for r in failed))
    lines = [f"  {pad('数据文件', width)}  原因"]
    lines += [f"  {pad(r.source.name, width)}  {_without(first_error(r), r.source.name)}" for r in failed]
    return "\n".join(lines)


def _without(reason: str, name: str) -> str:
    """The reason without the file name the row already shows."""
    return reason[len(name):].lstrip(" ：") if reason.startswith(name) else reason


def finding_line(source_name: str, finding) -> str:
    """A finding under its file: the file is named once (most locations start with it)."""
    text = str(finding)
    return text if finding.location.startswith(source_name) else f"{source_name}：{text}"


def report(outcome) -> int:
    """Print the outcome of build_year; the exit code (0, 1, or 130 after Ctrl-C)."""
    built = outcome.built
    # the short form only when 生成结果.txt lists what it leaves out
    listed = len(built) <= LIST_LIMIT or outcome.record_path is None
    warnings = files = 0
    for result in outcome.results:
        if not listed and result.ok:
            warnings += len(result.findings)
            files += len(result.outputs)
            continue
        for finding in result.findings:
            click.echo(finding_line(result.source.name, finding), err=True)
        if not result.ok:
            click.echo(f"未生成：{result.source.name}（请按上面的提示修改后重试）", err=True)
        for path in result.outputs:
            click.echo(f"已生成：{path}")
    if not listed:
        click.echo(f"已生成 {len(built)} 个表的 {files} 个文件，每个文件的位置见 {outcome.record_path}。")
        if warnings:
            click.echo(f"这些表有 {warnings} 条警告（不影响生成），未在此逐条列出，"
                       f"见 {outcome.record_path}。", err=True)
    stale = outcome.stale
    if stale.moved:
        folder = stale.moved[0].parent
        click.echo(f"本次未生成的表原有的 {len(stale.moved)} 个旧文件已移到 {folder}"
                   f"（不是按当前数据生成的，请勿使用）。", err=True)
    for problem in stale.errors:
        click.echo(f"错误：{problem}", err=True)
    if outcome.summary_path:
        click.echo(f"已生成汇总表：{outcome.summary_path}")
    if outcome.summary_error:
        click.echo(f"错误：{outcome.summary_error}", err=True)
    if outcome.summary_removed:
        click.echo(f"旧的汇总表 {outcome.summary_removed} 已删除：它与本次部分生成的文件不一致。", err=True)
    if outcome.record_path:
        click.echo(f"本次结果已记录在：{outcome.record_path}")
    if outcome.record_error:
        click.echo(f"错误：{outcome.record_error}", err=True)
    total, built, failed = len(outcome.chosen), len(outcome.built), outcome.failed
    counted = count_text(outcome.chosen)
    if outcome.interrupted:
        click.echo(f"\n已中断：共 {counted}，已生成 {built} 个，{total - built} 个未生成"
                   f"（未生成的原有文件不是按当前数据生成的）。请重新运行以全部生成。", err=True)
        return 130
    if failed or outcome.summary_error or stale.errors:
        if failed:
            click.echo(f"\n共 {counted}，已生成 {built} 个，{len(failed)} 个未生成：", err=True)
            click.echo(failure_table(failed), err=True)
        return 1
    click.echo(f"共 {counted}，全部生成。")
    return 0

