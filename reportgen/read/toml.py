"""Read a department's TOML file into a RawInput (contract-shaped data + locator)."""

from __future__ import annotations

import re
import tomllib
from decimal import Decimal
from pathlib import Path

from reportgen.errors import InputError
from reportgen.findings import error
from reportgen.model import KeyPath, RawInput, key_name

_PART = r"""(?:[A-Za-z0-9_-]+|"[^"\\]*"|'[^']*')"""  # a bare or quoted key part
_DOTTED = rf"{_PART}(?:\s*\.\s*{_PART})*"
_HEADER = re.compile(rf"^\s*(\[\[?)\s*({_DOTTED})\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(rf"^\s*({_DOTTED})\s*=\s*(.*)$")
_BARE_KEY = re.compile(r"\s*([A-Za-z0-9_-]+)\s*=\s*(.*)")  # most lines: tried first, it is faster
_SPLIT = re.compile(_PART)
_TOML_POSITION = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)\s*$")


def decode_utf8(raw: bytes, where: str) -> str:
    """Decode UTF-8 (a BOM is accepted); anything else is a located user error."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError([error(
            f"{where} 第{line}行",
            "文件不是 UTF-8 编码（可能是 GBK/ANSI）。请用记事本或 VS Code 打开，"
            "“另存为”时选择编码“UTF-8”后再运行。",
        )]) from None


def _parts(dotted: str) -> tuple[str, ...]:
    """'a."b c".d' -> ('a', 'b c', 'd')."""
    return tuple(part.strip("\"'") for part in _SPLIT.findall(dotted))


def _opens_multiline(value: str) -> str | None:
    """The delimiter of a multi-line string a value starts and does not close on its line."""
    for quote in ('"""', "'''"):
        if value.startswith(quote) and value.count(quote) % 2 == 1:
            return quote
    return None


COLUMN_LINES = 10  # lines a column's location lists at most (第14、24、…等26行)


class TomlLocator:
    """Finds the line of a key path such as ('indicators', 3, 'score') in TOML text: keys
    bare, quoted or dotted, under [table], [a.b] and [[array]] headers; lines inside
    multi-line strings are text, not keys. A key that is absent is placed at its table's
    header (where it would be added); one whose table is absent too is said to be absent."""

    def __init__(self, path: Path, text: str, name: str | None = None):
        self.name = name or path.name
        # (table path, line number) for each header; keys: (table path, key) -> line
        self.tables: dict[KeyPath, int] = {(): 1}
        self.keys: dict[tuple[KeyPath, str], int] = {}
        counts: dict[KeyPath, int] = {}
        table: KeyPath = ()
        closing: str | None = None  # inside a multi-line string ending with this
        for number, line in enumerate(text.splitlines(), start=1):
            if closing is not None:
                if line.count(closing) % 2 == 1:
                    closing = None
                continue
            bare = _BARE_KEY.match(line)
            if bare:
                self.keys.setdefault((table, bare.group(1)), number)
                value = bare.group(2)
                if value.startswith(('"""', "'''")):
                    closing = _opens_multiline(value.strip())
                continue
            header = _HEADER.match(line) if "[" in line else None
            if header:
                name_parts = _parts(header.group(2))
                if header.group(1) == "[[":
                    index = counts.get(name_parts, 0)
                    counts[name_parts] = index + 1
                    table = (*name_parts, index)
                else:
                    table = name_parts
                self.tables.setdefault(table, number)
                continue
            key = _KEY.match(line)
            if key:
                *inner, last = _parts(key.group(1))
                for cut in range(1, len(inner) + 1):  # a.b.c = …: tables a and a.b start here
                    self.tables.setdefault((*table, *inner[:cut]), number)
                self.keys.setdefault(((*table, *inner), last), number)
                closing = _opens_multiline(key.group(2).strip())

    def line_of(self, path: KeyPath) -> int | None:
        for cut in range(len(path), 0, -1):
            table, key = path[: cut - 1], path[cut - 1]
            if isinstance(key, str) and (table, key) in self.keys:
                return self.keys[(table, key)]
            if path[:cut] in self.tables:
                return self.tables[path[:cut]]
        return None

    def __call__(self, path: KeyPath) -> str:
        line = self.line_of(path)
        if line is None:  # absent, and so is its table: no line to name
            absent = "这一项" if len(path) == 1 else f" [{path[0]}] 这一段"
            return f"{self.name} 键 {key_name(path)}（文件中没有{absent}）"
        return f"{self.name} 第{line}行 键 {key_name(path)}"

    def column(self, table: str, key: str) -> str:
        """Every row's key of an array of tables: '… 第14、24、34行 键 indicators[*].weight'
        (the first COLUMN_LINES of them, then how many in all)."""
        lines = sorted({line for (where, name), line in self.keys.items()
                        if name == key and len(where) == 2 and where[0] == table})
        if not lines:
            return self((table,))
        shown = "、".join(map(str, lines[:COLUMN_LINES]))
        if len(lines) > COLUMN_LINES:
            shown += f"等{len(lines)}"
        return f"{self.name} 第{shown}行 键 {table}[*].{key}"


_QUOTES = "英文双引号 \"（不能用中文引号“”）"
_DUPLICATE = "同一个键或表重复出现：请删除重复的一项（或改正其中一个的名称）。"
_NEWLINE_IN_TEXT = ("文字没有在这一行内结束：单行文字必须在同一行内用" + _QUOTES + "结束；"
                    "多行文字请用三个双引号 \"\"\"…\"\"\" 括起来。")
_BACKSLASH = ("文字中的反斜杠 \\ 后面不是有效的转义：要写反斜杠本身，请写成两个 \\\\（如 C:\\\\数据），"
              "或把整段文字改用英文单引号 '…' 括起来（单引号中的 \\ 原样保留）。")

# tomllib's messages (Lib/tomllib/_parser.py): what each means and how to fix it. The
# patterns are compiled when a file has an error (re caches them), not at every start.
_TOML_MESSAGES: list[tuple[str, str]] = [
    (r"Cannot overwrite a value|Cannot declare .+ twice|Cannot redefine namespace .+"
     r"|Cannot mutate immutable namespace .+|Duplicate inline table key .+", _DUPLICATE),
    (r"Expected '=' after a key in a key/value pair",
     "键的后面缺少等号：每一项应写成 键 = 值。请检查是否用了全角等号“＝”（应为半角 =），"
     "引号是否用了中文引号“”（必须是英文双引号 \"），以及键名中是否有空格。"),
    (r"Invalid value",
     "值的写法不对：文字要用" + _QUOTES + "括起来，如 \"广州市\"；数字不加引号，如 95 或 12.5"
     "（不能用全角数字）；是/否写 true 或 false。"),
    (r"Invalid statement",
     "这一行无法识别：每行应是 键 = 值、[表名] 或以 # 开头的注释。常见原因：行首有全角空格、"
     "用了中文标点，或中文键名没有用英文双引号括起来。"),
    (r"Invalid initial character for a key part",
     "键名的写法不对：键名只能由英文字母、数字、_ 和 - 组成，其他文字要用英文双引号括起来，"
     "等号前面不能为空；表名写成 [表名]。"),
    (r"Expected newline or end of document after a statement",
     "这一项的值后面还有多余的内容：一行只能写一个 键 = 值。数字中不能有逗号、空格或单位"
     "（写 12.5，不写 12,5 或 12.5万元）；文字要整个放在" + _QUOTES + "内；注释要以 # 开头。"),
    (r"Unterminated string",
     "文字的引号没有结束：请在文字末尾补上" + _QUOTES + "。多行文字请用三个双引号 \"\"\"…\"\"\" 括起来。"),
    (r"""Expected "'"|Expected "'''\"""",
     "单引号文字没有结束：请在文字末尾补上英文单引号 '（多行文字用三个单引号 '''…''' 括起来）。"),
    (r"(?:Illegal|Found invalid) character '\\n'", _NEWLINE_IN_TEXT),
    (r"(?:Illegal|Found invalid) character .+",
     "这里有看不见的控制字符（多为从其他软件复制时带进来的），请删除后重新输入这几个字。"),
    (r"Unclosed array",
     "方括号 [ ] 中的列表没有正确结束：各项之间要用英文逗号 , 分隔（不能用中文逗号“，”），末尾要有 ]。"),
    (r"Unclosed inline table",
     "花括号 { } 没有正确结束：其中各项用英文逗号 , 分隔，全部写在同一行内，末尾要有 }。"),
    (r"Expected '\]' at the end of a table declaration",
     "表头的方括号没有结束：应写成 [表名]，请补上半角的 ]（不能用全角的 ］），后面只能跟 # 注释。"),
    (r"Expected '\]\]' at the end of an array declaration",
     "表头的方括号没有结束：应写成 [[表名]]，请补上半角的 ]]（不能用全角的 ］），后面只能跟 # 注释。"),
    (r"Unescaped '\\' in a string|Invalid hex value|Escaped character is not a Unicode scalar value",
     _BACKSLASH),
    (r"Invalid date or datetime",
     "日期或时间的写法不对：日期写成 2022-12-31（年-月-日，月和日各两位，且要是真实存在的日期）；"
     "如果这是文字，请用" + _QUOTES + "括起来。"),
]

# Characters that look right to a clerk but are not TOML syntax.
_LOOKALIKES = {
    "\u3000": "全角空格（请改成半角空格或删除）",
    "“": "中文引号 “（请改成英文双引号 \"）",
    "”": "中文引号 ”（请改成英文双引号 \"）",
    "‘": "中文单引号 ‘（请改成英文引号）",
    "’": "中文单引号 ’（请改成英文引号）",
    "＝": "全角等号“＝”（请改成半角 =）",
    "，": "中文逗号“，”（请改成英文逗号 ,）",
    "：": "中文冒号“：”（键和值之间用半角 =）",
    "［": "全角方括号“［”（请改成半角 [）",
    "］": "全角方括号“］”（请改成半角 ]）",
    "＃": "全角井号“＃”（注释请用半角 #）",
    "\u00a0": "不换行空格（多为从网页或 Word 复制而来，请改成普通空格）",
    "\u200b": "看不见的零宽空格（请删除）",
    "\ufeff": "看不见的 BOM 字符（请删除）",
}
_UNCLOSED = re.compile(r"Unterminated string|(?:Illegal|Found invalid) character '\\n'")


def toml_error(message: str, text: str) -> tuple[str, str]:
    """tomllib's English message -> (" 第N行第M列", a Chinese explanation with the fix)."""
    position = _TOML_POSITION.search(message)
    detail = _TOML_POSITION.sub("", message).strip()
    explanation = next((meaning for pattern, meaning in _TOML_MESSAGES if re.fullmatch(pattern, detail)), None)
    if explanation is None:
        explanation = (f"无法识别的写法（解析器提示“{detail}”）。"
                       "请检查引号是否成对、等号两边、方括号是否完整。")
    if position is None:
        return "", f"TOML 格式错误：{explanation}"
    lines = text.replace("\r\n", "\n").split("\n")
    if position.group(1) is None:  # "at end of document": the last line
        last = len(text.replace("\r\n", "\n").rstrip("\n").split("\n"))
        return f" 第{last}行（文件末尾）", f"TOML 格式错误：{explanation}"
    line, column = int(position.group(1)), int(position.group(2))
    row = lines[line - 1] if line <= len(lines) else ""
    char = row[column - 1] if column <= len(row) else None
    if char in _LOOKALIKES:
        explanation += f"出错的位置是{_LOOKALIKES[char]}。"
    elif char is not None and "０" <= char <= "９":
        explanation += f"出错的位置是全角数字“{char}”（请改成半角数字 0-9）。"
    elif _UNCLOSED.fullmatch(detail) and ("”" in row or "“" in row):
        explanation += "这一行用了中文引号“”，文字两端的引号必须是英文双引号 \"。"
    return f" 第{line}行第{column}列", f"TOML 格式错误：{explanation}"


def read_toml(path: Path) -> RawInput:
    text = decode_utf8(path.read_bytes(), path.name)
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        at, message = toml_error(str(exc), text)
        raise InputError([error(f"{path.name}{at}", message)]) from None
    return RawInput(data=data, source=path, locate=TomlLocator(path, text), findings=[])
