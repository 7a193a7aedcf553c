"""Validation: every problem of a department's input as a located Finding (error or
warning) with a Chinese message saying what is wrong and how to fix it.

``validate(raw, year)`` runs, in order:

1. the shape of the data: unknown keys (typos, with the nearest valid key suggested),
   tables written as arrays or the other way round;
2. score rules (``rule = "execution_rate"`` / ``"output_targets"``): a rule fills in a
   blank 得分, and warns when a typed 得分 disagrees with it;
3. the typed model (reportgen.model: missing fields, text where a number belongs …);
4. the rules of the form: 年度 matches the folder, 单位数 ≥ 1, 分值 > 0, 0 ≤ 得分 ≤ 分值,
   amounts with at most 2 decimals, 分值 summing to 100 (errors), and the budget
   arithmetic (warnings: the published 2022 form itself does not add up).

Errors stop that department's build; warnings are reported and the build goes on.
``duplicate_findings`` checks a whole year: one file per department.
"""

from __future__ import annotations

import copy
import difflib
import re
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from reportgen import rules, schema
from reportgen.findings import Finding, InputError, error, warning
from reportgen.formats import money
from reportgen.limits import MAX_TEXT_CHARS
from reportgen.model import Department, KeyPath, RawInput, build_department, key_name, number_advice

Locate = Callable[[KeyPath], str]
CENT = Decimal("0.01")
TOTAL_WEIGHT = Decimal(100)


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


def _plain(value: Decimal) -> str:
    return rules.plain(value)


# --------------------------------------------------------------------------- 1. shape
def _suggest(name: str, where: tuple[str, ...]) -> str | None:
    keys = schema.TABLES[where]
    by_label = {label: key for key, label in schema.LABELS.get(where, {}).items()}
    if name.strip() in by_label:
        return by_label[name.strip()]
    match = difflib.get_close_matches(name, keys, n=1, cutoff=0.6)
    if not match:
        match = difflib.get_close_matches(name.lower().replace(" ", "_"), keys, n=1, cutoff=0.6)
    return match[0] if match else None


def _unknown_keys(table: dict, path: KeyPath, locate: Locate) -> list[Finding]:
    where = schema.table_of(path)
    keys = schema.TABLES[where]
    labels = schema.LABELS.get(where, {})
    out = []
    for name in table:
        if name in keys:
            continue
        near = _suggest(name, where)
        if near:
            hint = f"是不是「{near}」（{labels.get(near, near)}）？请改正拼写，"
        else:
            hint = f"这里可用的键有：{'、'.join(keys)}。请删除或改正，"
        out.append(error(locate((*path, name)),
                         f"不认识的键「{name}」。{hint}否则这一项不会被读取。"))
    return out


def check_shape(data: dict[str, Any], locate: Locate) -> list[Finding]:
    """Unknown keys anywhere, and tables/arrays of tables written the wrong way."""
    out = _unknown_keys(data, (), locate)
    for name in schema.SINGLE_TABLES:
        if name in data and not isinstance(data[name], dict):
            out.append(error(locate((name,)),
                             f"「{name}」应写成一个表：单独一行 [{name}]，下面逐行写它的键。"))
        elif name in data:
            out.extend(_unknown_keys(data[name], (name,), locate))
    for name in schema.ARRAYS:
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
                out.extend(_unknown_keys(item, (name, index), locate))
            else:
                out.append(error(locate((name, index)),
                                 f"{key_name((name, index))} 应为一个表（以 [[{name}]] 开头的一段）。"))
    return out


# Characters XML 1.0 forbids (a .docx/.xlsx holding one does not open): C0 controls
# except tab and line breaks, lone surrogates, U+FFFE and U+FFFF.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean_texts(data: Any, locate: Locate, path: KeyPath = ()) -> list[Finding]:
    """Remove forbidden characters from every text (a warning names each field), write
    line breaks as \\n, and refuse a text longer than one Excel cell holds."""
    findings: list[Finding] = []
    items = (data.items() if isinstance(data, dict)
             else enumerate(data) if isinstance(data, list) else ())
    for key, value in list(items):
        at = (*path, key)
        if isinstance(value, (dict, list)):
            findings.extend(clean_texts(value, locate, at))
            continue
        if not isinstance(value, str):
            continue
        text = value.replace("\r\n", "\n").replace("\r", "\n")
        label = (f"{schema.label_of(path)}第{key + 1}段" if isinstance(key, int)
                 else schema.label_of(at))
        removed = _FORBIDDEN.findall(text)
        if removed:
            text = _FORBIDDEN.sub("", text)
            shown = "、".join(sorted({f"U+{ord(c):04X}" for c in removed}))
            findings.append(warning(locate(at), (
                f"「{label}」含有 {len(removed)} 个不可见的控制字符（{shown}），"
                "Word/Excel 文件中不能保存，已删除。多见于从网页或其他软件复制的文字，请核对内容。")))
        if len(text) > MAX_TEXT_CHARS:
            findings.append(error(locate(at), (
                f"「{label}」过长（{len(text)} 个字符），超过 Excel 单元格的上限 "
                f"{MAX_TEXT_CHARS} 个字符，请精简。")))
        data[key] = text
    return findings


def part_explanations(data: dict[str, Any], locate: Locate) -> list[Finding]:
    """A 三级指标 scored in parts shows one merged 指标解释 (the first part's): warn when a
    later part gives a different one, which the form would not show."""
    findings: list[Finding] = []
    rows = data.get("indicators")
    first: tuple[tuple[str, str, str], str] | None = None
    for index, row in enumerate(rows if isinstance(rows, list) else []):
        if not isinstance(row, dict):
            first = None
            continue
        key = tuple(str(row.get(k, "")).strip() for k in ("level1", "level2", "name"))
        explanation = row.get("explanation")
        text = explanation.strip() if isinstance(explanation, str) else ""
        if first is None or first[0] != key:
            first = (key, text)
        elif text and first[1] and text != first[1]:
            findings.append(warning(locate(("indicators", index, "explanation")), (
                f"「{key[2]}」是分项计分的同一个三级指标，表中合并显示第一项的指标解释；"
                "这一项的指标解释与第一项不同，不会显示。如都需要，请合并写在第一项。")))
    return findings


def clear_blanks(data: dict[str, Any]) -> None:
    """A blank text "" where a number belongs means "not filled in yet": drop the key, so
    it is reported as missing (缺少得分) rather than as a wrong type."""
    for where, keys in schema.NUMERIC.items():
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


# --------------------------------------------------------------------------- 2. rules
def _targets(data: dict[str, Any], locate: Locate) -> tuple[list[rules.Target], list[Finding]]:
    out: list[rules.Target] = []
    findings: list[Finding] = []
    items = data.get("targets")
    for index, item in enumerate(items if isinstance(items, list) else []):
        if not isinstance(item, dict):
            continue
        at = ("targets", index)
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            findings.append(error(locate((*at, "name")), "缺少绩效指标的指标名称，请填写。"))
            name = ""
        values = {}
        for key in ("target", "actual"):
            label = schema.LABELS[("targets", "*")][key]
            raw = item.get(key)
            number = to_decimal(raw)
            if raw is None:
                findings.append(error(locate((*at, key)), f"缺少{label}（绩效指标「{name}」），请填写。"))
            elif number is None:
                findings.append(error(locate((*at, key)),
                                      f"「{label}」应为数字（如 994），现在是「{raw}」（绩效指标「{name}」），"
                                      f"{number_advice(raw)}"))
            values[key] = number
        direction = rules.direction_of(item.get("direction"))
        if direction is None:
            findings.append(error(locate((*at, "direction")),
                                  f"方向「{item.get('direction')}」无法识别，请填写 >=（越大越好）"
                                  f"或 <=（越小越好）。"))
        unit = item.get("unit")
        if None not in values.values() and direction:
            out.append(rules.Target(name.strip(), values["target"], values["actual"], direction,
                                    str(unit).strip() if unit is not None else ""))
    return out, findings


def apply_rules(data: dict[str, Any], locate: Locate) -> list[Finding]:
    """Compute rule-based scores in place: a blank 得分 takes the rule's score (and a blank
    未达标原因 its text); a typed 得分 that differs is kept, with a warning."""
    findings: list[Finding] = []
    indicators = data.get("indicators") if isinstance(data.get("indicators"), list) else []
    targets: list[rules.Target] | None = None
    uses_targets = False
    for index, row in enumerate(indicators):
        if not isinstance(row, dict) or row.get("rule") in (None, ""):
            continue
        at = ("indicators", index)
        name = row.get("name", "")
        given = row["rule"]
        key = rules.rule_key(given) if isinstance(given, str) else None
        if key is None:
            near = rules.suggest_rule(str(given))
            hint = f"是不是「{near}」？" if near else ""
            findings.append(error(locate((*at, "rule")),
                                  f"不认识的计分规则「{given}」。{hint}可用的规则："
                                  + "、".join(f"{v}（{k}）" for k, v in rules.RULE_LABELS.items())
                                  + "；不用规则时请留空。"))
            row.setdefault("score", Decimal(0))  # reported above; not also 缺少得分
            continue
        label = rules.RULE_LABELS[key]
        weight = to_decimal(row.get("weight"))
        result = None
        if key == rules.EXECUTION_RATE:
            raw = row.get("execution_rate")
            rate = to_decimal(raw, percent=True)
            if raw is None:
                findings.append(error(locate((*at, "execution_rate")),
                                      f"「{name}」使用计分规则「{label}」，缺少执行率，请填写执行率"
                                      f"（单位 %，如 89.51）。"))
            elif rate is None or rate < 0:
                findings.append(error(locate((*at, "execution_rate")),
                                      f"执行率应为不小于 0 的数字（单位 %，如 89.51），现在是「{raw}」。"))
            elif weight is not None:
                result = rules.execution_rate_score(weight, rate)
        else:
            uses_targets = True
            if targets is None:
                targets, problems = _targets(data, locate)
                findings.extend(problems)
                if has_errors(problems):
                    targets = []
                elif not targets:
                    findings.append(error(locate((*at, "rule")),
                                          f"「{name}」使用计分规则「{label}」，但没有列出绩效指标。请在 TOML "
                                          f"中用 [[targets]] 逐项填写（name、target、actual、direction），"
                                          f"或在工作簿的「{schema.SHEET_TARGETS}」工作表中逐行填写。"))
            if targets and weight is not None:
                result = rules.output_targets_score(weight, targets)
        if result is None:
            row.setdefault("score", Decimal(0))  # the rule's problem is reported above
            continue
        typed = row.get("score")
        if typed is None:
            row["score"] = result.score
            if result.reason and not str(row.get("reason") or "").strip():
                row["reason"] = result.reason
            continue
        typed_number = to_decimal(typed)
        if typed_number is not None and typed_number != result.score:
            findings.append(warning(
                locate((*at, "score")),
                f"「{name}」填写的得分 {_plain(typed_number)} 与计分规则「{label}」算出的 "
                f"{result.score} 不一致（{result.explanation}）。按填写的得分 {_plain(typed_number)} "
                f"生成；如应采用规则的得分，请把得分留空。"))
    if isinstance(data.get("targets"), list) and data["targets"] and not uses_targets:
        findings.append(warning(
            locate(("targets",)),
            f"填写了绩效指标，但没有哪一行指标使用计分规则「{rules.RULE_LABELS[rules.OUTPUT_TARGETS]}」"
            f"（output_targets），这些绩效指标不会用于计分。"))
    return findings


# --------------------------------------------------------------------------- 4. form rules
def _decimals(value: Decimal) -> bool:
    """True when value has more than 2 decimals."""
    return value != value.quantize(CENT)


def _column(raw: RawInput, table: str, key: str) -> str:
    column = getattr(raw.locate, "column", None)
    if column is not None:
        return column(table, key)
    return f"{raw.source.name} 键 {table}[*].{key}"


def check_department(department: Department, raw: RawInput, year: int | None) -> list[Finding]:
    locate = raw.locate
    out: list[Finding] = []
    if year is not None and department.year != year:
        out.append(error(locate(("year",)),
                         f"文件中的年度 {department.year} 与所在文件夹 {year} 不一致。"
                         f"请改正年度，或把文件移到 data/{department.year}/ 文件夹。"))
    if department.units < 1:
        out.append(error(locate(("department", "units")),
                         f"单位数应为不小于 1 的整数，现在是 {department.units}。"))
    for key, label in schema.LABELS[("budget",)].items():
        amount = getattr(department.budget, key)
        if not amount.is_finite():
            out.append(error(locate(("budget", key)), f"「{label}」应为数字。"))
        elif amount < 0:
            out.append(error(locate(("budget", key)),
                             f"「{label}」不能为负数，现在是 {_plain(amount)}。"))
        elif _decimals(amount):
            out.append(error(locate(("budget", key)),
                             f"「{label}」{_plain(amount)} 超过两位小数。金额以万元为单位，"
                             f"最多两位小数（如 {money(amount)}），请改正。"))
    for index, row in enumerate(department.indicators):
        at = ("indicators", index)
        if not (row.weight.is_finite() and row.score.is_finite()):
            out.append(error(locate(at), f"「{row.name}」的分值和得分应为数字。"))
            continue
        if row.weight <= 0:
            out.append(error(locate((*at, "weight")),
                             f"「{row.name}」的分值应大于 0，现在是 {_plain(row.weight)}。"))
        elif _decimals(row.weight):
            out.append(error(locate((*at, "weight")),
                             f"「{row.name}」的分值 {_plain(row.weight)} 超过两位小数，请改正。"))
        if row.score < 0:
            out.append(error(locate((*at, "score")),
                             f"「{row.name}」的得分不能为负数，现在是 {_plain(row.score)}。"))
        elif row.weight > 0 and row.score > row.weight:
            out.append(error(locate((*at, "score")),
                             f"「{row.name}」的得分 {_plain(row.score)} 超过了分值 {_plain(row.weight)}。"
                             f"得分应在 0 到 {_plain(row.weight)} 之间，请改正。"))
        elif _decimals(row.score):
            out.append(error(locate((*at, "score")),
                             f"「{row.name}」的得分 {_plain(row.score)} 超过两位小数，"
                             f"请四舍五入到两位小数（如 {rules.round_score(row.score)}）。"))
    weights = [row.weight for row in department.indicators if row.weight.is_finite()]
    total = sum(weights, Decimal(0))
    if weights and total != TOTAL_WEIGHT:
        out.append(error(_column(raw, "indicators", "weight"),
                         f"各行分值合计为 {_plain(total)}，应为 100"
                         f"（{'多' if total > TOTAL_WEIGHT else '少'}了 {_plain(abs(total - TOTAL_WEIGHT))}）。"
                         f"请核对各行的分值。"))
    out.extend(check_budget_arithmetic(department, locate))
    return out


def check_budget_arithmetic(department: Department, locate: Locate) -> list[Finding]:
    """Warnings: the budget's parts should add up (the 2022 demo's do not)."""
    b = department.budget
    if not all(getattr(b, k).is_finite() for k in schema.BUDGET_KEYS):
        return []
    out = []
    parts = b.basic + b.project + b.special + b.other
    if parts != b.total:
        out.append(warning(
            locate(("budget", "total")),
            f"预算金额合计不一致：基本支出 {money(b.basic)} + 项目支出 {money(b.project)} + "
            f"专项资金 {money(b.special)} + 其他事业发展支出 {money(b.other)} = {money(parts)}，"
            f"与总预算 {money(b.total)} 相差 {money(abs(parts - b.total))}。请核对；"
            f"如数字与批复一致，可忽略本提示。"))
    development = b.special + b.other
    levels = b.city + b.transfer
    if levels != development:
        out.append(warning(
            locate(("budget", "city")),
            f"按预算级次划分的金额合计不一致：市本级资金 {money(b.city)} + 对下转移支付 "
            f"{money(b.transfer)} = {money(levels)}，与事业发展支出（专项资金 + 其他事业发展支出 = "
            f"{money(development)}）相差 {money(abs(levels - development))}。请核对；"
            f"如数字与批复一致，可忽略本提示。"))
    return out


# --------------------------------------------------------------------------- entry points
_LINE = re.compile(r"第(\d+)行")
_CELL = re.compile(r"(\S+)!([A-Z]+)(\d+)")
_KEY = re.compile(r"键 (\w+)")
_SHEETS = (*schema.REQUIRED_SHEETS, schema.SHEET_TARGETS)


def position(finding: Finding) -> tuple[int, int, int]:
    """Where a finding sits in its file, for listing findings top to bottom: the TOML
    line, or (sheet, row, column) of a workbook cell; (0, 0, 0) when unknown."""
    cell = _CELL.search(finding.location)
    if cell:
        sheet = cell.group(1).rsplit(" ", 1)[-1]
        order = _SHEETS.index(sheet) + 1 if sheet in _SHEETS else len(_SHEETS) + 1
        column = 0
        for letter in cell.group(2):
            column = column * 26 + ord(letter) - 64
        return order, int(cell.group(3)), column
    line = _LINE.search(finding.location)
    if line:
        return 0, int(line.group(1)), 0
    key = _KEY.search(finding.location)  # no line: the key is absent; list in contract order
    top = key.group(1) if key else ""
    return 0, 0, schema.TOP_KEYS.index(top) + 1 if top in schema.TOP_KEYS else 0


def validate(raw: RawInput, year: int | None = None) -> tuple[Department | None, list[Finding]]:
    """(the department, every finding). The department is None when there is an error."""
    findings = list(raw.findings)
    data = copy.deepcopy(raw.data)
    shape = check_shape(data, raw.locate)
    findings.extend(shape)
    if has_errors(shape):
        return None, findings
    clear_blanks(data)
    findings.extend(clean_texts(data, raw.locate))
    findings.extend(part_explanations(data, raw.locate))
    if has_errors(findings):
        return None, sorted(findings, key=position)
    findings.extend(apply_rules(data, raw.locate))
    try:
        department = build_department(RawInput(data=data, source=raw.source, locate=raw.locate,
                                               findings=[]))
    except InputError as exc:
        return None, sorted(findings + exc.findings, key=position)
    findings.extend(check_department(department, raw, year))
    findings.extend(name_and_file(department.name, raw))
    findings.sort(key=position)
    if has_errors(findings):
        return None, findings
    return department, findings


def name_and_file(name: str, raw: RawInput) -> list[Finding]:
    """A 部门名称 that is not the file's name: a file copied from another department and
    not yet edited looks just like this."""
    from reportgen.write import safe_file_name

    stem = raw.source.stem.strip()
    if not name or stem in (name, safe_file_name(name)):
        return []
    return [warning(raw.locate(("department", "name")),
                    f"部门名称「{name}」与文件名「{raw.source.name}」不一致。生成的文件按部门名称命名"
                    f"（{safe_file_name(name)}_…）。请核对这是不是该部门的数据；如无误，"
                    f"可把文件改名为「{safe_file_name(name)}{raw.source.suffix}」。")]


def department_name(raw: RawInput) -> str | None:
    department = raw.data.get("department")
    name = department.get("name") if isinstance(department, dict) else None
    return name.strip() if isinstance(name, str) and name.strip() else None


def duplicate_findings(sources: Iterable[Path],
                       raws: dict[Path, RawInput | None]) -> dict[Path, list[Finding]]:
    """Errors for files that are a second file of the same department in one year: the
    same file name with another suffix (A.toml and A.xlsx), or the same 部门名称."""
    out: dict[Path, list[Finding]] = {}
    sources = list(sources)
    by_stem: dict[str, list[Path]] = {}
    for path in sources:
        by_stem.setdefault(path.stem.strip().casefold(), []).append(path)
    for paths in by_stem.values():
        if len(paths) > 1:
            for path in paths:
                others = "、".join(p.name for p in paths if p != path)
                out.setdefault(path, []).append(error(
                    path.name,
                    f"与 {others} 是同一个部门的数据文件（文件名相同，格式不同）。同一年度每个部门只能有"
                    f"一个数据文件，请删除或移走其中一个（可先用 reportgen convert 转换格式）。"))
    by_name: dict[str, list[Path]] = {}
    for path in sources:
        raw = raws.get(path)
        name = department_name(raw) if raw is not None else None
        if name:
            by_name.setdefault(name, []).append(path)
    for name, paths in by_name.items():
        if len(paths) < 2:
            continue
        for path in paths:
            if path in out and len({p.stem for p in paths}) == 1:
                continue  # already reported as the same file name
            others = "、".join(p.name for p in paths if p != path)
            raw = raws[path]
            out.setdefault(path, []).append(error(
                raw.locate(("department", "name")) if raw else path.name,
                f"部门名称「{name}」与 {others} 相同。同一年度每个部门只能有一个数据文件，"
                f"请删除重复的文件，或改正部门名称。"))
    out_names(sources, raws, out)
    return out


def out_names(sources: list[Path], raws: dict[Path, RawInput | None],
              out: dict[Path, list[Finding]]) -> None:
    """Different 部门名称 that give the same output file name (A/B局 and A:B局 both give
    A_B局; Windows does not tell case apart) would overwrite each other's forms."""
    from reportgen.write import safe_file_name

    by_file: dict[str, list[tuple[Path, str]]] = {}
    for path in sources:
        raw = raws.get(path)
        name = department_name(raw) if raw is not None else None
        if name and path not in out:
            by_file.setdefault(safe_file_name(name).casefold(), []).append((path, name))
    for group in by_file.values():
        if len(group) < 2:
            continue
        for path, name in group:
            others = "、".join(f"{p.name}（{n}）" for p, n in group if p != path)
            out.setdefault(path, []).append(error(raws[path].locate(("department", "name")), (
                f"部门名称「{name}」与 {others} 生成的文件名相同（{safe_file_name(name)}），"
                "会互相覆盖。请改正其中一个部门名称（文件名中不能使用 / \\ : * ? \" < > | "
                "这些字符，过长的名称会被截短）。")))


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
