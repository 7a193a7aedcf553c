"""click's English in Chinese: usage errors translated, help pages with Chinese headings,
and the Group whose invoke reports every user error (ReportgenError) once."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from functools import cache

import click

from reportgen.errors import InputError, ReportgenError

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


@cache
def _usage_words() -> list[tuple[re.Pattern, Callable[[re.Match], str]]]:
    """click's own usage messages, in Chinese: (pattern matching the whole message, its
    translation). Compiled when a message is first translated, not at every start (~4 ms)."""
    return [
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
    for pattern, translate in _usage_words():
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
