"""The department form's own checks: score rules (``rule = "execution_rate"`` /
``"output_targets"`` fill in a blank 得分 and warn when a typed 得分 disagrees), the
typed model, and the rules of the form: 年度 matches the folder, 单位数 ≥ 1, 分值 > 0,
0 ≤ 得分 ≤ 分值, amounts with at most 2 decimals, 分值 summing to 100 (errors), and the
budget arithmetic (warnings: the published 2022 form itself does not add up).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from reportgen.findings import Finding, error, warning
from reportgen.formats import money
from reportgen.forms.department import contract as schema
from reportgen.forms.department import rules
from reportgen.forms.department.contract import CONTRACT
from reportgen.forms.department.model import Department, build_department
from reportgen.model import RawInput, number_advice
from reportgen.settings import DEFAULT_MAX_RATE, SETTINGS_FILE, Settings, max_execution_rate
from reportgen.validate import Locate, build_model, has_errors, in_file_order, prepare, to_decimal
from reportgen.write.files import safe_file_name

CENT = Decimal("0.01")
TOTAL_WEIGHT = Decimal(100)


def _plain(value: Decimal) -> str:
    return rules.plain(value)


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
            elif number < 0:
                findings.append(error(locate((*at, key)), (
                    f"「{label}」不能为负数，现在是 {raw}（绩效指标「{name}」）。请填写数量本身（0 或正数）；"
                    "如指标是“减少”“下降”类，填写减少后的数量，并把方向填为 <=（越小越好）。")))
                number = None
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


SETTING_KEYS = ("max_execution_rate",)  # the keys of [department] in 设置.toml


@dataclass(frozen=True)
class RateLimit:
    """The highest 执行率 (%) a 预算执行率 row may carry, and the settings file that sets it."""

    rate: Decimal = DEFAULT_MAX_RATE
    source: str = SETTINGS_FILE


def year_limit(settings: Settings) -> tuple[RateLimit | None, list[Finding]]:
    """The [department] settings of the year, or an error located in the settings file."""
    try:
        return RateLimit(max_execution_rate(settings, "department"), settings.source), []
    except ValueError as exc:
        return None, [error(settings.where(("department", "max_execution_rate")), (
            f"允许的最高执行率{exc}。请改正（默认为 {_plain(DEFAULT_MAX_RATE)}，即 {_plain(DEFAULT_MAX_RATE)}%）。"))]


def apply_rules(data: dict[str, Any], locate: Locate, limit: RateLimit = RateLimit()) -> list[Finding]:
    """Compute rule-based scores in place: a blank 得分 takes the rule's score (and a blank
    未达标原因 its text); a typed 得分 that differs is kept, with a warning. A typed 执行率 over
    the year's limit is refused: capped, it would score full marks for a misplaced decimal point."""
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
            elif rate > limit.rate:
                findings.append(error(locate((*at, "execution_rate")), (
                    f"执行率 {_plain(rate)}% 超过允许的 {_plain(limit.rate)}%：执行率一般不会超过 100%，多半是"
                    "小数点或单位填错了（单位为 %，89.51 表示 89.51%）。请核对后改正。如确实如此，可在 "
                    f"{limit.source} 的 [department] 中把 max_execution_rate 调高（现为 {_plain(limit.rate)}）。")))
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


def validate(raw: RawInput, year: int | None = None, settings: Settings | None = None
             ) -> tuple[Department | None, list[Finding]]:
    """(the department, every finding). The department is None when there is an error."""
    limit, problems = year_limit(settings or Settings())
    if limit is None:
        return None, problems
    data, findings = prepare(raw, CONTRACT)
    if data is None:
        return None, findings
    findings.extend(part_explanations(data, raw.locate))
    if has_errors(findings):
        return None, in_file_order(findings, CONTRACT)
    findings.extend(apply_rules(data, raw.locate, limit))
    department, problems = build_model(data, raw, build_department)
    if department is None:
        return None, in_file_order(findings + problems, CONTRACT)
    findings.extend(check_department(department, raw, year))
    findings.extend(check_execution(department, raw))
    findings.extend(name_and_file(department.name, raw))
    findings = in_file_order(findings, CONTRACT)
    return (None if has_errors(findings) else department), findings


def check_execution(department: Department, raw: RawInput) -> list[Finding]:
    """[execution] (the 自评报告's 预算执行情况): no spending without a budget (error); a
    全年预算数 other than 总预算, or a 执行率 typed for the rule other than the computed
    one (warnings: the 2022 form's 89.51% is a yearly average, not 全年执行数 ÷ 全年预算数)."""
    if not department.execution:
        return []
    out: list[Finding] = []
    labels = schema.LABELS[("execution",)]
    for key, row in department.execution.items():
        if row.budget == 0 and row.spent != 0:
            out.append(error(raw.locate(("execution", key, 1)),
                             f"预算执行情况「{labels[key]}」的全年预算数为 0，全年执行数却是 {money(row.spent)}，"
                             "执行率无法计算。请填写全年预算数。"))
    total = department.execution.get("total")
    if total is not None and total.budget != department.budget.total:
        out.append(warning(raw.locate(("execution", "total", 1)),
                           f"预算执行情况「合计」的全年预算数 {money(total.budget)} 万元与总预算 "
                           f"{money(department.budget.total)} 万元不同。请核对；如有预算调整，可忽略本提示。"))
    if total is not None and total.budget:
        computed = rules_rate(total.spent, total.budget)
        for index, row in enumerate(department.indicators):
            if row.rule == rules.EXECUTION_RATE and row.execution_rate is not None and row.execution_rate != computed:
                out.append(warning(raw.locate(("indicators", index, "execution_rate")),
                                   f"「{row.name}」填写的执行率 {row.execution_rate}% 与预算执行情况算出的 "
                                   f"{computed}%（全年执行数 ÷ 全年预算数）不同。自评报告两者都会写出，请核对"
                                   "（如填写的是年度平均执行率，可忽略本提示）。"))
    return out


def rules_rate(spent: Decimal, budget: Decimal) -> Decimal:
    """执行率 in percent, half-up to 2 decimals."""
    from decimal import ROUND_HALF_UP

    return (spent / budget * 100).quantize(CENT, ROUND_HALF_UP)


def name_and_file(name: str, raw: RawInput) -> list[Finding]:
    """A 部门名称 that is not the file's name: a file copied from another department and
    not yet edited looks just like this."""
    stem = raw.source.stem.strip()
    if not name or stem in (name, safe_file_name(name)):
        return []
    return [warning(raw.locate(("department", "name")),
                    f"部门名称「{name}」与文件名「{raw.source.name}」不一致。生成的文件按部门名称命名"
                    f"（{safe_file_name(name)}_…）。请核对这是不是该部门的数据；如无误，"
                    f"可把文件改名为「{safe_file_name(name)}{raw.source.suffix}」。")]
