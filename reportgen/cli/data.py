"""Data files: `reportgen new` (a department's or a project's file, its indicator
structure filled in) and `reportgen convert` (TOML <-> Excel input workbook)."""

from __future__ import annotations

from pathlib import Path

import click

from reportgen.cli.chinese import Command, Option
from reportgen.cli.options import data_option
from reportgen.errors import InputError


def _kind_keys() -> list[str]:
    from reportgen.forms.registry import KIND_KEYS

    return list(KIND_KEYS)


@click.command(cls=Command, name="new", short_help="新建预填了指标结构的空白数据文件（部门表或项目表）。",
               help="新建一个数据文件，预先填好指标结构，得分、金额和文字留空待填。"
                                             "部门整体支出绩效自评表：data/<年度>/<部门>.toml（预填标准指标体系）；"
                                             "项目支出绩效自评表（--kind project --name 项目名称）："
                                             "data/<年度>/项目/<部门>/<项目名称>.toml（预填标准的一级、二级指标）。"
                                             "不会覆盖已有文件。")
@click.option("--year", "-y", cls=Option, type=int, required=True, metavar="年度", help="年度，例如 2023（必填）。")
@click.option("--dept", "dept", cls=Option, required=True, metavar="部门",
              help="部门名称（必填）：部门表的文件名；项目表的主管部门。")
@click.option("--kind", "kind_key", cls=Option, metavar="表格", type=click.Choice(_kind_keys()),
              default="department", help="哪种表：department（部门整体支出绩效自评表，默认）或 "
                                         "project（项目支出绩效自评表）。")
@click.option("--name", "name", cls=Option, metavar="项目名称", default=None,
              help="项目名称（--kind project 时必填），也是文件名。")
@click.option("--from", "template", cls=Option, metavar="文件", type=click.Path(path_type=Path), default=None,
              help="按这个文件（如上一年度的 .toml 或 .xlsx）的指标结构新建；默认用标准指标体系。")
@click.option("--as", "fmt", cls=Option, metavar="格式", type=click.Choice(["toml", "xlsx"]), default="toml",
              help="文件格式：toml（默认）或 xlsx（Excel 工作簿）。")
@data_option
@click.help_option("-h", "--help", help="显示帮助并退出。")
def new(year: int, dept: str, kind_key: str, name: str | None, template: Path | None, fmt: str,
        data_dir: Path) -> None:
    from reportgen.convert import encode
    from reportgen.forms.registry import get_kind
    from reportgen.pipeline import INPUT_SUFFIXES, read_input
    from reportgen.write.files import safe_file_name, write_atomic

    kind = get_kind(kind_key)
    department = dept.strip()
    if not department:
        raise click.ClickException("部门名称不能为空。")
    if kind.is_group:
        own = department
        folder = data_dir / str(year)
    else:
        own = (name or "").strip()
        if not own:
            raise click.ClickException(f"请用 --name 给出{kind.noun}名称，例如 --name 某某{kind.noun}。")
        folder = kind.data_dir(data_dir, year) / safe_file_name(department)
    stem = safe_file_name(own)
    target = folder / f"{stem}.{fmt}"
    for suffix in INPUT_SUFFIXES:
        existing = folder / f"{stem}{suffix}"
        if existing.exists():
            raise click.ClickException(
                f"已有 {existing}，不会覆盖。同一年度每个{kind.noun}只能有一个数据文件；"
                f"如要重新开始，请先移走或改名原文件。")
    structure = None
    if template is not None:
        if not template.is_file():
            raise click.ClickException(f"找不到 --from 指定的文件：{template}")
        try:
            structure = read_input(template, kind).data
        except InputError as exc:
            for finding in exc.findings:
                click.echo(str(finding), err=True)
            raise click.ClickException(f"无法读取 {template.name}，请按上面的提示修改后重试。") from None
    data = kind.scaffold(year, own, structure)
    if not kind.is_group:
        data[kind.identity[0]]["department"] = department
    write_atomic(target, encode(data, fmt, kind.contract, header=kind.scaffold_header(year, own, template),
                                comments=True))
    click.echo(f"已创建：{target}")
    click.echo(f"请填写后运行：reportgen check --year {year} --dept {department}")


@click.command(cls=Command, short_help="在 TOML 和 Excel 填报表之间转换一个数据文件。",
               help="在 TOML 和 Excel 输入工作簿之间转换一个数据文件（部门表或项目表，"
                                 "按文件内容识别），内容不变（TOML 中的注释不会带过去）。")
@click.argument("source", metavar="文件", type=click.Path(path_type=Path))
@click.option("--to", "fmt", cls=Option, metavar="格式", type=click.Choice(["toml", "xlsx"]), default=None,
              help="目标格式：toml 或 xlsx，默认转换为另一种格式。")
@click.option("--output", "-o", "target", cls=Option, metavar="文件", type=click.Path(path_type=Path),
              default=None, help="输出文件，默认与原文件同名、扩展名不同。不会覆盖已有文件；"
                                 "不能与原文件放在同一个数据文件夹中（同一张表只能有一个数据文件）。")
@click.help_option("-h", "--help", help="显示帮助并退出。")
def convert(source: Path, fmt: str | None, target: Path | None) -> None:
    from reportgen.convert import encode, same_content
    from reportgen.pipeline import INPUT_SUFFIXES, kind_of_file, read_input
    from reportgen.validate import check_shape
    from reportgen.write.files import write_atomic

    if not source.is_file():
        raise click.ClickException(f"找不到文件：{source}")
    if source.suffix.lower() not in INPUT_SUFFIXES:
        raise click.ClickException(f"只能转换 .toml 或 .xlsx 文件，{source.name} 不是。")
    fmt = fmt or ("xlsx" if source.suffix.lower() == ".toml" else "toml")
    target = target or source.with_suffix(f".{fmt}")
    if target.suffix.lower() != f".{fmt}":
        raise click.ClickException(f"输出文件 {target.name} 的扩展名应为 .{fmt}。")
    if target.exists():
        raise click.ClickException(f"已有 {target}，不会覆盖。请用 -o 指定另一个输出文件。")
    kind = kind_of_file(source)
    folder = source.parent.resolve()
    if target.parent.resolve() == folder and any(p.name.isdigit() for p in (folder, *folder.parents)):
        # data/<year>/… would hold two files of one form: the next build refuses both
        raise click.ClickException(
            f"不能把转换结果放在 {source.parent} 中：同一年度每个{kind.noun}只能有一个数据文件，"
            f"{source.name} 和 {target.name} 会是同一{kind.noun}的两个文件，下次生成时两个都会报错。"
            f"请用 -o 写到别处，例如：reportgen convert {source} --to {fmt} -o {target.name}"
            f"（写到当前文件夹）；核对无误后，用它替换 {source.parent} 中的 {source.name}。")
    try:
        raw = read_input(source, kind)
    except InputError as exc:
        for finding in exc.findings:
            click.echo(str(finding), err=True)
        raise click.ClickException(f"无法读取 {source.name}，请按上面的提示修改后重试。") from None
    blocking = [f for f in check_shape(raw.data, raw.locate, kind.contract) if f.level == "error"]
    if blocking:
        for finding in blocking:
            click.echo(str(finding), err=True)
        raise click.ClickException("这些内容无法转换（转换后会丢失），请先改正。")
    for finding in raw.findings:
        click.echo(str(finding), err=True)
    header = (f"由 reportgen convert 从 {source.name} 转换生成。填写说明见 docs/输入格式说明.md。",)
    try:
        payload = encode(raw.data, fmt, kind.contract, header=header)
    except ValueError as exc:  # e.g. a control character Excel cannot hold
        raise click.ClickException(f"无法写成 .{fmt}：{exc}") from None
    write_atomic(target, payload)
    if not same_content(raw.data, read_input(target, kind).data, kind.contract):
        click.echo(f"警告：{target.name} 读回的内容与 {source.name} 不完全一致，请核对。", err=True)
    click.echo(f"已转换：{source} → {target}")
