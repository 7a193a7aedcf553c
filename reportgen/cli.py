"""Command line: a thin layer over reportgen.pipeline. Everything a user sees is Chinese."""

from __future__ import annotations

import ast
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path

import click

from reportgen import __version__
from reportgen.errors import InputError, ReportgenError
from reportgen.findings import describe_os_error, os_error_place

CONTEXT = {"help_option_names": []}

# Pieces of click's English messages (click 8.x: types.py, exceptions.py, parser.py, core.py).
_REPR = r"""(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""  # a Python repr() of a str
_HINTS = r"'[^']+'(?: / '[^']+')*(?: \(env var: '[^']*'\))?"  # "'--year' / '-y'" or "'文件'"
_CJK_START = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef“「]")


def _text(value: str) -> str:
    """A repr()'d value as the user typed it (click quotes values with !r)."""
    try:
        result = ast.literal_eval(value)
    except (ValueError, SyntaxError):
        return value.strip("'\"")
    return result if isinstance(result, str) else value


def _names(values: str) -> str:
    """"'toml', 'xlsx'" -> "toml、xlsx"."""
    return "、".join(_text(m.group(0)) for m in re.finditer(_REPR, values)) or values


def _first_hint(hints: str) -> str:
    """"'--year' / '-y'" -> "--year" (the first, long name)."""
    match = re.match(r"'([^']+)'", hints)
    return match.group(1) if match else hints


def _did_you_mean(text: str | None) -> str:
    """click's " Did you mean '--jobs'?" / " (Did you mean one of: 'a', 'b'?)" in Chinese."""
    if not text:
        return "。"
    match = re.fullmatch(r"\(?Did you mean(?: one of:)? (?P<names>.*?)\?\)?", text.strip(), re.DOTALL)
    if not match:
        return f"（“{text.strip()}”）。"
    names = re.findall(_REPR, match.group("names"))
    if len(names) > 1:
        return f"，是不是要用其中之一：{_names(match.group('names'))}？"
    return f"，是不是要用 {_names(match.group('names'))}？"


def _range(text: str) -> str:
    """click's range description (x>=1, x<5, 1<=x<=9…) in Chinese."""
    lower = {">=": "至少为 {}", ">": "必须大于 {}"}
    upper = {"<=": "最多为 {}", "<": "必须小于 {}"}
    match = re.fullmatch(r"x(>=|>|<=|<)(.+)", text)
    if match:
        op, bound = match.groups()
        return (lower.get(op) or upper[op]).format(bound)
    match = re.fullmatch(r"(.+?)(<=|<)x(<=|<)(.+)", text)
    if match:
        low, lop, rop, high = match.groups()
        if lop == rop == "<=":
            return f"应在 {low} 到 {high} 之间"
        return "，".join([lower[">" if lop == "<" else ">="].format(low), upper[rop].format(high)])
    return f"“{text}”"


_PATH_KINDS = {"File": "文件", "Directory": "文件夹", "Path": "路径"}
_PATH_PROBLEMS = {
    "does not exist": "不存在",
    "is a file": "是一个文件，这里需要的是文件夹",
    "is a directory": "是一个文件夹，这里需要的是文件",
    "is not readable": "没有读取权限",
    "is not writable": "没有写入权限",
    "is not executable": "没有执行权限",
}
_NUMBER_KINDS = {"integer": "整数", "integer range": "整数", "float": "数字", "float range": "数字",
                 "boolean": "有效的是/否值", "UUID": "有效的 UUID"}


def _missing(m: re.Match) -> str:
    kind = "选项" if m.group("kind") == "option" else "参数"
    name = f" {_first_hint(m.group('hint'))}" if m.group("hint") else ""
    rest = f"{_chinese(m.group('rest'))}" if m.group("rest") else ""
    return f"缺少{kind}{name}。{rest}"


def _invalid_value(m: re.Match) -> str:
    hints = m.group("hint")
    if hints is None:
        lead = "值不正确"
    else:
        name = _first_hint(hints)
        lead = f"{'选项' if name.startswith('-') else '参数'} {name} 的值不正确"
    detail = m.group("detail").strip()
    translated = _translate(detail)
    if translated is not None:
        return f"{lead}：{translated}"
    if _CJK_START.match(detail):  # our own message (a callback's BadParameter)
        return f"{lead}：{detail}"
    return f"{lead}（“{detail}”）。"


def _not_a_number(m: re.Match) -> str:
    kind = m.group("type")
    text = f"「{_text(m.group('value'))}」不是{_NUMBER_KINDS[kind]}"
    if kind in ("integer", "integer range", "float", "float range") and not m.group("value").isascii():
        text += "，请用阿拉伯数字填写"  # 二〇二二, ２０２２
    if m.group("states"):
        text += f"，可用：{'、'.join(s.strip() for s in m.group('states').split(',') if s.strip())}"
    return text + "。"


# click's own usage messages, in Chinese: (pattern matching the whole message, its translation).
_USAGE_WORDS: list[tuple[re.Pattern, Callable[[re.Match], str]]] = [
    (re.compile(rf"Missing (?P<kind>option|argument|parameter)(?: (?P<hint>{_HINTS}))?\.(?: (?P<rest>.+))?",
                re.DOTALL), _missing),
    (re.compile(r"Missing parameter: (?P<name>\S+)"), lambda m: f"缺少参数 {m.group('name')}。"),
    (re.compile(r"Missing command\.?"), lambda m: "缺少命令。"),
    (re.compile(r"Choose from:\s*(?P<choices>.*)", re.DOTALL),
     lambda m: f"可选：{'、'.join(c.strip() for c in m.group('choices').split(',') if c.strip())}。"),
    (re.compile(rf"No such (?P<kind>option|command)(?: (?P<repr>{_REPR})\.?|: (?P<plain>\S+?)\.?)"
                rf"(?: (?P<maybe>.+))?", re.DOTALL),
     lambda m: (f"没有这个{'选项' if m.group('kind') == 'option' else '命令'}："
                f"{_text(m.group('repr')) if m.group('repr') else m.group('plain')}"
                f"{_did_you_mean(m.group('maybe'))}")),
    (re.compile(rf"Invalid value(?: for (?P<hint>{_HINTS}))?: (?P<detail>.*)", re.DOTALL), _invalid_value),
    (re.compile(rf"Option (?P<name>{_REPR}) requires an argument\.?"),
     lambda m: f"选项 {_text(m.group('name'))} 后面需要一个值。"),
    (re.compile(rf"Option (?P<name>{_REPR}) requires (?P<n>\d+) arguments\.?"),
     lambda m: f"选项 {_text(m.group('name'))} 后面需要 {m.group('n')} 个值。"),
    (re.compile(rf"Option (?P<name>{_REPR}) does not take a value\.?"),
     lambda m: f"选项 {_text(m.group('name'))} 不需要值（不要写 = 及后面的内容）。"),
    (re.compile(rf"Argument (?P<name>{_REPR}) takes (?P<n>\d+) values\.?"),
     lambda m: f"参数 {_text(m.group('name'))} 需要 {m.group('n')} 个值。"),
    (re.compile(r"Got unexpected extra arguments? \((?P<args>.*)\)", re.DOTALL),
     lambda m: f"多余的参数：{m.group('args')}（如果文件名或部门名中有空格，请用英文引号括起来）。"),
    # The details of "Invalid value for …: <detail>".
    (re.compile(rf"(?P<value>{_REPR}) is not a valid (?P<type>integer range|float range|integer|float|boolean|UUID)"
                r"\.(?: Recognized values: (?P<states>.*))?", re.DOTALL), _not_a_number),
    (re.compile(r"(?P<value>.+?) is not in the range (?P<range>\S+?)\.?"),
     lambda m: f"「{m.group('value')}」不在允许的范围内（{_range(m.group('range'))}）。"),
    (re.compile(rf"(?P<value>{_REPR}) is not one of (?P<choices>.*?)\.?", re.DOTALL),
     lambda m: f"「{_text(m.group('value'))}」不是可选的值，可选：{_names(m.group('choices'))}。"),
    (re.compile(rf"(?P<value>{_REPR}) is not (?P<choice>{_REPR})\.?"),
     lambda m: f"「{_text(m.group('value'))}」不是可选的值，只能是：{_text(m.group('choice'))}。"),
    (re.compile(rf"(?P<kind>File|Directory|Path) (?P<name>{_REPR}) "
                rf"(?P<problem>{'|'.join(_PATH_PROBLEMS)})\.?"),
     lambda m: (f"{_PATH_KINDS[m.group('kind')]}「{_text(m.group('name'))}」"
                f"{_PATH_PROBLEMS[m.group('problem')]}。")),
    (re.compile(rf"(?P<value>{_REPR}) does not match the formats? (?P<formats>.*?)\.?", re.DOTALL),
     lambda m: f"「{_text(m.group('value'))}」的格式不对，应为：{_names(m.group('formats'))}。"),
    (re.compile(r"(?:Takes )?(?P<n>\d+) values (?:are required, but|but) (?P<got>\d+) (?:was|were) given\.?"),
     lambda m: f"需要 {m.group('n')} 个值，实际给了 {m.group('got')} 个。"),
]


def _translate(message: str) -> str | None:
    """click's English message in Chinese, or None for a message it does not know."""
    for pattern, translate in _USAGE_WORDS:
        match = pattern.fullmatch(message.strip())
        if match:
            return translate(match)
    return None


def _chinese(message: str) -> str:
    """A usage message in Chinese; an unknown English one only as a quoted detail."""
    translated = _translate(message)
    if translated is not None:
        return translated
    if _CJK_START.match(message.strip()):  # already ours
        return message
    return f"命令行用法有误（“{message.strip()}”）。"


class ChineseHelp:
    """Help pages with Chinese headings (click's own are English)."""

    def format_usage(self, ctx, formatter) -> None:
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)),
                              prefix="用法：")

    def format_options(self, ctx, formatter) -> None:
        rows = [r for p in self.get_params(ctx) if (r := p.get_help_record(ctx))]
        if rows:
            with formatter.section("选项"):
                formatter.write_dl(rows)
        if isinstance(self, click.Group):
            commands = [(name, self.get_command(ctx, name).get_short_help_str(60))
                        for name in self.list_commands(ctx)]
            if commands:
                with formatter.section("命令"):
                    formatter.write_dl(commands)


class Option(click.Option):
    """Options whose help says 必填/默认 in its own words: click's English tags ([required],
    [default: …], [x>=1] for a range, [env var: …]) are left out."""

    def get_help_record(self, ctx):
        record = super().get_help_record(ctx)
        if record is None:
            return None
        names, text = record
        own = self.help or ""
        if text.startswith(own):  # click appends its tags after the option's own help
            return names, own
        return names, re.sub(r"\s*\[(?:[^\[\]]|\[[^\]]*\])*\]\s*$", "", text)


class Command(ChineseHelp, click.Command):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[选项]")
        super().__init__(*args, **kwargs)


class Group(ChineseHelp, click.Group):
    command_class = Command

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[选项]")
        kwargs.setdefault("subcommand_metavar", "命令 [参数]...")
        super().__init__(*args, **kwargs)

    def invoke(self, ctx):
        if ctx.parent is not None:  # a subgroup: the root group reports
            return super().invoke(ctx)
        try:
            return super().invoke(ctx)
        except ReportgenError as exc:  # every user error of the library, once, in Chinese
            if isinstance(exc, InputError):
                for finding in exc.findings:
                    click.echo(str(finding), err=True)
            else:
                click.echo(f"错误：{exc.message}", err=True)
            ctx.exit(exc.exit_code)


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


@cli.command(help="按年度生成各部门的自评表。读取 data/<年度>/ 中的每个部门文件，"
                   "写入 output/<年度>/。")
@click.option("--year", "-y", cls=Option, type=int, required=True, metavar="年度", help="年度，例如 2022（必填）。")
@click.option("--data", "data_dir", cls=Option, metavar="文件夹", type=click.Path(path_type=Path), default=Path("data"),
              help="数据文件夹，默认 data。")
@click.option("--templates", "templates_dir", cls=Option, metavar="文件夹", type=click.Path(path_type=Path),
              default=None, help="模板文件夹，默认 ./templates（没有时用随程序安装的模板）。")
@click.option("--output", "out_dir", cls=Option, metavar="文件夹", type=click.Path(path_type=Path),
              default=Path("output"), help="输出文件夹，默认 output。")
@click.option("--format", "-f", "formats", cls=Option, metavar="格式", default=None, callback=_output_formats,
              help="生成哪些格式：docx（Word）、xlsx（Excel）、pdf（由 Word 文件转换，需要 LibreOffice），"
                   "多个用逗号分隔，默认 docx,xlsx。")
@click.option("--dept", "departments", cls=Option, metavar="部门", multiple=True,
              help="只生成这个部门（文件名或部门名称），可重复使用；默认生成该年度全部部门。")
@click.option("--jobs", "-j", cls=Option, metavar="进程数", type=click.IntRange(min=1), default=None,
              help="同时生成的进程数，默认等于本机 CPU 核数。")
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


@cli.command(help="只检查数据、不生成文件：逐个部门列出错误和警告，每条都说明位置和改法。"
                  "有错误时退出码为 1。")
@click.option("--year", "-y", cls=Option, type=int, required=True, metavar="年度", help="年度，例如 2022（必填）。")
@click.option("--dept", "dept", cls=Option, metavar="部门", default=None,
              help="只检查这个部门（文件名或部门名称），默认检查该年度全部部门。")
@click.option("--data", "data_dir", cls=Option, metavar="文件夹", type=click.Path(path_type=Path),
              default=Path("data"), help="数据文件夹，默认 data。")
@click.help_option("-h", "--help", help="显示帮助并退出。")
def check(year: int, dept: str | None, data_dir: Path) -> None:
    # Light imports only: checking never loads the Word/Excel libraries unless an .xlsx
    # input has to be read.
    from reportgen.batch import select
    from reportgen.forms.registry import all_kinds
    from reportgen.pipeline import find_year, identify, read_input
    from reportgen.settings import load_settings
    from reportgen.validate import duplicate_findings

    kinds = all_kinds()
    sources = find_year(kinds, data_dir, year)
    settings = load_settings(data_dir, year)
    duplicates: dict[Path, list] = {}
    identities = {}
    for kind, paths in sources.items():
        named = {path: identify(path, kind) for path in paths}
        identities.update(named)
        duplicates.update(duplicate_findings(paths, named, kind.noun))
    chosen = select(sources, [dept], identities) if dept else sources
    failed = checked = 0
    for kind, paths in chosen.items():
        for source in paths:
            checked += 1
            findings = list(duplicates.get(source, []))
            try:
                findings += kind.validate(read_input(source, kind), year, settings)[1]
            except InputError as exc:
                findings = exc.findings + findings
            errors = sum(1 for f in findings if f.level == "error")
            warnings = len(findings) - errors
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
            for finding in findings:
                click.echo(f"  {finding}")
    counted = "、".join(f"{len(paths)} 个{kind.noun}文件" for kind, paths in chosen.items() if paths)
    click.echo(f"共检查 {counted or '0 个数据文件'}：{failed} 个有错误，{checked - failed} 个可以生成。")
    if failed:
        sys.exit(1)


@cli.command(name="new", help="新建一个部门的数据文件 data/<年度>/<部门>.toml（或 .xlsx），"
                              "预先填好指标体系（一级、二级、三级指标，分值，指标解释），"
                              "得分、原因和文字留空待填。不会覆盖已有文件。")
@click.option("--year", "-y", cls=Option, type=int, required=True, metavar="年度", help="年度，例如 2023（必填）。")
@click.option("--dept", "dept", cls=Option, required=True, metavar="部门", help="部门名称（必填），也是文件名。")
@click.option("--from", "template", cls=Option, metavar="文件", type=click.Path(path_type=Path), default=None,
              help="按这个文件（如上一年度的 .toml 或 .xlsx）的指标结构新建；默认用 2022 年度标准指标体系。")
@click.option("--as", "fmt", cls=Option, metavar="格式", type=click.Choice(["toml", "xlsx"]), default="toml",
              help="文件格式：toml（默认）或 xlsx（Excel 工作簿）。")
@click.option("--data", "data_dir", cls=Option, metavar="文件夹", type=click.Path(path_type=Path),
              default=Path("data"), help="数据文件夹，默认 data。")
@click.help_option("-h", "--help", help="显示帮助并退出。")
def new(year: int, dept: str, template: Path | None, fmt: str, data_dir: Path) -> None:
    from reportgen.convert import encode
    from reportgen.errors import InputError
    from reportgen.forms.registry import get_kind
    from reportgen.pipeline import INPUT_SUFFIXES, read_input
    from reportgen.write.files import safe_file_name, write_atomic

    kind = get_kind("department")

    name = dept.strip()
    if not name:
        raise click.ClickException("部门名称不能为空。")
    stem = safe_file_name(name)
    folder = data_dir / str(year)
    target = folder / f"{stem}.{fmt}"
    for suffix in INPUT_SUFFIXES:
        existing = folder / f"{stem}{suffix}"
        if existing.exists():
            raise click.ClickException(
                f"已有 {existing}，不会覆盖。同一年度每个部门只能有一个数据文件；"
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
    data = kind.scaffold(year, name, structure)
    write_atomic(target, encode(data, fmt, kind.contract, header=kind.scaffold_header(year, name, template),
                                comments=True))
    click.echo(f"已创建：{target}")
    click.echo(f"请填写后运行：reportgen check --year {year} --dept {name}")


@cli.command(help="在 TOML 和 Excel 输入工作簿之间转换一个部门的数据文件，内容不变"
                  "（TOML 中的注释不会带过去）。")
@click.argument("source", metavar="文件", type=click.Path(path_type=Path))
@click.option("--to", "fmt", cls=Option, metavar="格式", type=click.Choice(["toml", "xlsx"]), default=None,
              help="目标格式：toml 或 xlsx，默认转换为另一种格式。")
@click.option("--output", "-o", "target", cls=Option, metavar="文件", type=click.Path(path_type=Path),
              default=None, help="输出文件，默认与原文件同名、扩展名不同。不会覆盖已有文件；"
                                 "不能与原文件放在同一个年度数据文件夹中（同一部门只能有一个数据文件）。")
@click.help_option("-h", "--help", help="显示帮助并退出。")
def convert(source: Path, fmt: str | None, target: Path | None) -> None:
    from reportgen.convert import encode, same_content
    from reportgen.errors import InputError
    from reportgen.forms.registry import get_kind
    from reportgen.pipeline import INPUT_SUFFIXES, read_input
    from reportgen.validate import check_shape
    from reportgen.write.files import write_atomic

    kind = get_kind("department")

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
    if target.parent.resolve() == source.parent.resolve() and source.parent.resolve().name.isdigit():
        # data/<year>/ would hold two files of one department: the next build refuses both
        raise click.ClickException(
            f"不能把转换结果放在 {source.parent} 中：同一年度每个部门只能有一个数据文件，"
            f"{source.name} 和 {target.name} 会是同一部门的两个文件，下次生成时两个都会报错。"
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


@cli.group(name="templates", cls=Group, help="Word/Excel 模板的工具（修改模板的方法见 docs/模板编辑说明.md）。")
@click.help_option("-h", "--help", help="显示帮助并退出。")
def templates_group() -> None:
    pass


@templates_group.command(name="check", help="检查模板中的标签：语法错误、未知的变量名和过滤器，逐条说明在"
                                            "哪个模板的哪个位置。有错误时退出码为 1。")
@click.option("--year", "-y", cls=Option, type=int, default=None, metavar="年度",
              help="同时检查 templates/<年度>/ 中的模板；默认检查全部年度文件夹。")
@click.option("--templates", "templates_dir", cls=Option, metavar="文件夹", type=click.Path(path_type=Path),
              default=None, help="模板文件夹，默认 ./templates（没有时用随程序安装的模板）。")
@click.help_option("-h", "--help", help="显示帮助并退出。")
def check_templates(year: int | None, templates_dir: Path | None) -> None:
    from reportgen.ooxml_check import MISSING_NOTICE, available, template_findings
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
        findings = check_template(path, kind.variables.known) + template_findings(path)  # tags, then validity
        if not findings:
            click.echo(f"模板正常：{display(path)}")
            continue
        failed += 1
        click.echo(f"模板有错误：{display(path)}", err=True)
        for finding in findings:
            click.echo(f"  {finding}", err=True)
    if failed:
        click.echo(f"共检查 {len(files)} 个模板，{failed} 个有错误。请按上面的提示修改，"
                   f"可用的变量见 docs/模板编辑说明.md。", err=True)
        sys.exit(1)
    click.echo(f"共检查 {len(files)} 个模板，全部正常。")


@cli.command(help="新建工作文件夹：示例数据 data/2022/、模板 templates/、说明 docs/ 和 output/，"
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
