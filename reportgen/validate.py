"""The checks every form kind shares, and the order a kind's validation runs in.

A kind's ``validate`` (reportgen/forms/<kind>/checks.py) calls ``prepare`` first:

1. the shape of the data against the kind's contract: unknown keys (typos, with the
   nearest valid key suggested), tables written as arrays or the other way round;
2. blanks where a number belongs become "not filled in" (reported as missing); amounts
   typed with a money unit are converted to the form's (reportgen/amounts.py);
3. texts: characters a .docx/.xlsx cannot hold are removed (warning), over-long texts
   refused;

then its own score rules, its typed model and the rules of its form. ``finish`` sorts the
findings top to bottom in their file. Errors stop that form's build; warnings are
reported and the build goes on. ``duplicate_findings`` checks a whole year: one file per
form.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportgen.amounts import convert_amounts
from reportgen.contract import Contract, table_of
from reportgen.errors import InputError
from reportgen.findings import Finding, error, warning
from reportgen.limits import MAX_TEXT_CHARS
from reportgen.model import KeyPath, RawInput, key_name

if TYPE_CHECKING:  # forms.kind imports this module
    from reportgen.forms.kind import FormKind

Locate = Callable[[KeyPath], str]
CENT = Decimal("0.01")


def is_error(finding: Finding) -> bool:
    return finding.level == "error"


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(is_error(f) for f in findings)


def to_decimal(value: Any, *, percent: bool = False) -> Decimal | None:
    """A number as the model reads it (int, Decimal, float, numeric text); None if not."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str):
        text = value.strip().replace(",", "")
        if percent:
            text = text.rstrip("%％").strip()
        try:
            number = Decimal(text)
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    return None


# --------------------------------------------------------------------------- 1. shape
def _suggest(name: str, where: tuple[str, ...], contract: Contract) -> str | None:
    keys = contract.tables[where]
    by_label = {label: key for key, label in contract.labels.get(where, {}).items()}
    if name.strip() in by_label:
        return by_label[name.strip()]
    match = difflib.get_close_matches(name, keys, n=1, cutoff=0.6)
    if not match:
        match = difflib.get_close_matches(name.lower().replace(" ", "_"), keys, n=1, cutoff=0.6)
    return match[0] if match else None


def _unknown_keys(table: dict, path: KeyPath, locate: Locate, contract: Contract) -> list[Finding]:
    where = table_of(path)
    keys = contract.tables[where]
    labels = contract.labels.get(where, {})
    out = []
    for name in table:
        if name in keys:
            continue
        near = _suggest(name, where, contract)
        if near:
            hint = f"是不是「{near}」（{labels.get(near, near)}）？请改正拼写，"
        else:
            hint = f"这里可用的键有：{'、'.join(keys)}。请删除或改正，"
        out.append(error(locate((*path, name)),
                         f"不认识的键「{name}」。{hint}否则这一项不会被读取。"))
    return out


def check_shape(data: dict[str, Any], locate: Locate, contract: Contract) -> list[Finding]:
    """Unknown keys anywhere, and tables/arrays of tables written the wrong way."""
    out = _unknown_keys(data, (), locate, contract)
    for name in contract.single_tables:
        if name in data and not isinstance(data[name], dict):
            out.append(error(locate((name,)),
                             f"「{name}」应写成一个表：单独一行 [{name}]，下面逐行写它的键。"))
        elif name in data:
            out.extend(_unknown_keys(data[name], (name,), locate, contract))
    for name in contract.arrays:
        if name not in data:
            continue
        items = data[name]
        if isinstance(items, dict):
            out.append(error(locate((name,)),
                             f"「{name}」应写成 [[{name}]]（两层方括号），每一项一段；"
                             f"现在写成了 [{name}]。"))
            continue
        if not isinstance(items, list):
            out.append(error(locate((name,)),
                             f"「{name}」应为若干项，每项以一行 [[{name}]] 开头。"))
            continue
        for index, item in enumerate(items):
            if isinstance(item, dict):
                out.extend(_unknown_keys(item, (name, index), locate, contract))
            else:
                out.append(error(locate((name, index)),
                                 f"{key_name((name, index))} 应为一个表（以 [[{name}]] 开头的一段）。"))
    return out


# Characters XML 1.0 forbids (a .docx/.xlsx holding one does not open): C0 controls
# except tab and line breaks, lone surrogates, U+FFFE and U+FFFF.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean_texts(data: Any, locate: Locate, contract: Contract, path: KeyPath = ()) -> list[Finding]:
    """Remove forbidden characters from every text (a warning names each field), write
    line breaks as \\n, and refuse a text longer than one Excel cell holds."""
    findings: list[Finding] = []
    items = (data.items() if isinstance(data, dict)
             else enumerate(data) if isinstance(data, list) else ())
    for key, value in list(items):
        at = (*path, key)
        if isinstance(value, (dict, list)):
            findings.extend(clean_texts(value, locate, contract, at))
            continue
        if not isinstance(value, str):
            continue
        text = value.replace("\r\n", "\n").replace("\r", "\n")
        removed = _FORBIDDEN.findall(text)
        if removed:
            text = _FORBIDDEN.sub("", text)
            shown = "、".join(sorted({f"U+{ord(c):04X}" for c in removed}))
            findings.append(warning(locate(at), (
                f"「{_text_label(contract, path, key)}」含有 {len(removed)} 个不可见的控制字符（{shown}），"
                "Word/Excel 文件中不能保存，已删除。多见于从网页或其他软件复制的文字，请核对内容。")))
        if len(text) > MAX_TEXT_CHARS:
            findings.append(error(locate(at), (
                f"「{_text_label(contract, path, key)}」过长（{len(text)} 个字符），超过 Excel 单元格的上限 "
                f"{MAX_TEXT_CHARS} 个字符，请精简。")))
        data[key] = text
    return findings


def _text_label(contract: Contract, path: KeyPath, key: str | int) -> str:
    """What a text is called in a message: its label, or its list's label and paragraph."""
    return f"{contract.label_of(path)}第{key + 1}段" if isinstance(key, int) else contract.label_of((*path, key))


def clear_blanks(data: dict[str, Any], contract: Contract) -> None:
    """A blank text "" where a number belongs means "not filled in yet": drop the key, so
    it is reported as missing (缺少得分) rather than as a wrong type."""
    for where, keys in contract.numeric.items():
        if "*" in where:
            tables = data.get(where[0]) if isinstance(data.get(where[0]), list) else []
        elif where:
            tables = [data.get(where[0])]
        else:
            tables = [data]
        for table in tables:
            if not isinstance(table, dict):
                continue
            for key in keys:
                if isinstance(table.get(key), str) and not table[key].strip():
                    del table[key]


# --------------------------------------------------------------------------- entry points
_LINE = re.compile(r"第(\d+)(?:、\d+)*(?:等\d+)?行")  # 第12行; 第14、24、34行; 第14、…等26行 (a column)
_CELL = re.compile(r"(\S+)!([A-Z]+)(\d+)")
_KEY = re.compile(r"键 (\w+)")
def position(finding: Finding, contract: Contract) -> tuple[int, int, int]:
    """Where a finding sits in its file, for listing findings top to bottom: the TOML
    line, or (sheet, row, column) of a workbook cell; (0, 0, 0) when unknown."""
    cell = _CELL.search(finding.location)
    if cell:
        sheet = cell.group(1).rsplit(" ", 1)[-1]
        sheets = contract.sheet_titles()
        order = sheets.index(sheet) + 1 if sheet in sheets else len(sheets) + 1
        column = 0
        for letter in cell.group(2):
            column = column * 26 + ord(letter) - 64
        return order, int(cell.group(3)), column
    line = _LINE.search(finding.location)
    if line:
        return 0, int(line.group(1)), 0
    key = _KEY.search(finding.location)  # no line: the key is absent; list in contract order
    top = key.group(1) if key else ""
    return 0, 0, contract.top_keys.index(top) + 1 if top in contract.top_keys else 0


def _tree_copy(data: Any) -> Any:
    """A copy of the data's tables and lists, to be cleaned; the values in them (texts,
    numbers, dates) cannot change and are shared. (copy.deepcopy: twice the time.)"""
    if isinstance(data, dict):
        return {key: _tree_copy(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_tree_copy(value) for value in data]
    return data


def prepare(raw: RawInput, contract: Contract) -> tuple[dict[str, Any] | None, list[Finding]]:
    """A cleaned copy of the data (None when its shape is wrong) and the findings of the
    checks every kind shares."""
    findings = list(raw.findings)
    data = _tree_copy(raw.data)
    shape = check_shape(data, raw.locate, contract)
    findings.extend(shape)
    if has_errors(shape):
        return None, findings
    clear_blanks(data, contract)
    findings.extend(convert_amounts(data, raw.locate, contract))
    findings.extend(clean_texts(data, raw.locate, contract))
    return data, findings


def in_file_order(findings: list[Finding], contract: Contract) -> list[Finding]:
    return sorted(findings, key=lambda f: position(f, contract))


def build_model(data: dict[str, Any], raw: RawInput, build) -> tuple[Any, list[Finding]]:
    """build(RawInput of the cleaned data) -> (the model or None, its type findings)."""
    try:
        return build(RawInput(data=data, source=raw.source, locate=raw.locate, findings=[])), []
    except InputError as exc:
        return None, exc.findings


@dataclass(frozen=True, slots=True)
class Identity:
    """What a data file says it is: small, so it crosses process boundaries."""

    name: str  # the name it gives itself (部门名称, 项目名称), shown in messages
    label: str  # what that name is called: 部门名称 / 项目名称
    key: str  # what must be unique in a year (a department's name; a project's department and name)
    output: str  # its output file below output/<year>/, before _<year>年度<title><suffix>
    #              (two names may give the same one: A/B局 and A:B局 both give A_B局)
    where: str  # where the name is written in the file
    group: str | None = None  # the department it belongs to (a project's 主管部门)


def value_at(data: Any, path: KeyPath) -> Any:
    for part in path:
        data = data.get(part) if isinstance(data, dict) else None
    return data


def text_at(raw: RawInput, path: KeyPath) -> str | None:
    """A text of the data, stripped; None when absent or blank."""
    node = value_at(raw.data, path)
    return node.strip() if isinstance(node, str) and node.strip() else None


def year_duplicates(sources: Mapping[FormKind, Iterable[Path]],
                    identities: dict[Path, Identity | None]) -> dict[Path, list[Finding]]:
    """duplicate_findings for the files of every kind of a year (by kind, as find_year gives)."""
    out: dict[Path, list[Finding]] = {}
    for kind, paths in sources.items():
        out.update(duplicate_findings(paths, identities, kind.noun))
    return out


def duplicate_findings(sources: Iterable[Path], identities: dict[Path, Identity | None],
                       noun: str) -> dict[Path, list[Finding]]:
    """Errors for files that are a second file of the same form in one year: the same file
    name with another suffix (A.toml and A.xlsx), the same name (部门名称 …), or names
    that give the same output file."""
    out: dict[Path, list[Finding]] = {}
    sources = list(sources)
    by_stem: dict[tuple[Path, str], list[Path]] = {}
    for path in sources:
        by_stem.setdefault((path.parent, path.stem.strip().casefold()), []).append(path)
    for paths in by_stem.values():
        if len(paths) > 1:
            for path in paths:
                others = "、".join(p.name for p in paths if p != path)
                out.setdefault(path, []).append(error(
                    path.name,
                    f"与 {others} 是同一个{noun}的数据文件（文件名相同，格式不同）。同一年度每个{noun}只能有"
                    f"一个数据文件，请删除或移走其中一个（可先用 reportgen convert 转换格式）。"))
    by_key: dict[str, list[Path]] = {}
    for path in sources:
        identity = identities.get(path)
        if identity is not None:
            by_key.setdefault(identity.key, []).append(path)
    for paths in by_key.values():
        if len(paths) < 2:
            continue
        for path in paths:
            if path in out and len({p.stem for p in paths}) == 1:
                continue  # already reported as the same file name
            others = "、".join(p.name for p in paths if p != path)
            identity = identities[path]
            out.setdefault(path, []).append(error(identity.where, (
                f"{identity.label}「{identity.name}」与 {others} 相同。同一年度每个{noun}只能有一个数据文件，"
                f"请删除重复的文件，或改正{identity.label}。")))
    by_file: dict[str, list[Path]] = {}
    for path in sources:
        identity = identities.get(path)
        if identity is not None and path not in out:
            by_file.setdefault(identity.output.casefold(), []).append(path)
    for paths in by_file.values():
        if len(paths) < 2:
            continue
        for path in paths:
            identity = identities[path]
            others = "、".join(f"{p.name}（{identities[p].name}）" for p in paths if p != path)
            out.setdefault(path, []).append(error(identity.where, (
                f"{identity.label}「{identity.name}」与 {others} 生成的文件名相同（{identity.output}），"
                f"会互相覆盖。请改正其中一个{identity.label}（文件名中不能使用 / \\ : * ? \" < > | "
                "这些字符，过长的名称会被截短）。")))
    return out


def read_for_check(paths: Iterable[Path], read: Callable[[Path], RawInput]
                   ) -> tuple[dict[Path, RawInput | None], dict[Path, list[Finding]]]:
    """Read every file once: the RawInputs (None when unreadable) and the read errors."""
    raws: dict[Path, RawInput | None] = {}
    problems: dict[Path, list[Finding]] = {}
    for path in paths:
        try:
            raws[path] = read(path)
        except InputError as exc:
            raws[path] = None
            problems[path] = exc.findings
    return raws, problems
