"""The project form's own checks (project-form.md, "Rules"): the year's settings, the
金额单位, the scores of quantitative indicators (computed when left out, a warning when a
typed one differs), the typed model, then the rules of the form: amounts ≥ 0 with at most
4 decimals in 万元 / 2 in 元, a typed 年度资金总额 equal to the sum of its rows, 全年预算数 0
with spending, 分值 > 0, 0 ≤ 得分 ≤ 分值, Σ 分值 + 预算执行 = 100 (errors); 执行率 over 100%,
a missing 偏差原因, another split than the usual (warnings).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from reportgen.findings import Finding, error, warning
from reportgen.formats import amount, points
from reportgen.forms.project import rules
from reportgen.forms.project.contract import (
    CONTRACT,
    DEFAULT_MONEY_UNIT,
    FUND_COLUMN_LABELS,
    FUND_LABELS,
    MONEY_UNITS,
)
from reportgen.forms.project.model import Funds, Project, build_project, is_category_row
from reportgen.model import RawInput
from reportgen.settings import DEFAULT_MAX_RATE, SETTINGS_FILE, Settings
from reportgen.validate import Locate, build_model, has_errors, in_file_order, prepare, to_decimal

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
# The usual split of the indicator 分值 by 一级指标 (with 预算执行 10); [project] split overrides.
DEFAULT_SPLIT: dict[str, Decimal] = {"产出指标": Decimal(50), "效益指标": Decimal(30), "满意度指标": Decimal(10)}
SETTING_KEYS = ("budget_weight", "max_execution_rate", "split")
_WEIGHT_NOTE = re.compile(r"[（(][^（()）]*[)）]\s*$")  # 产出指标（50分） -> 产出指标


def plain(value: Decimal) -> str:
    """A figure as typed, without exponent or trailing zeros (8.6, 10, 0.005)."""
    text = f"{value.normalize():f}"
    return "0" if text in ("-0", "") else text


@dataclass(frozen=True)
class Rules:
    """The year's figures a project is checked against (data/<year>/设置.toml, [project])."""

    budget_weight: Decimal
    split: dict[str, Decimal]
    max_rate: Decimal = DEFAULT_MAX_RATE  # the highest 执行率 (%) accepted
    weight_setting: str = "设置.toml 的 [project] 中，未设置时为 10"  # where budget_weight is set


def year_rules(settings: Settings) -> tuple[Rules | None, list[Finding]]:
    """The [project] settings, or an error located in the settings file."""
    table = settings.of("project")  # its keys are SETTING_KEYS: reportgen.settings refuses others
    try:
        weight = rules.budget_weight(settings)
    except ValueError as exc:
        return None, [error(settings.where(("project", "budget_weight")),
                            f"预算执行的分值{exc}。请改正（默认为 10）。")]
    try:
        max_rate = rules.max_execution_rate(settings)
    except ValueError as exc:
        return None, [error(settings.where(("project", "max_execution_rate")), (
            f"允许的最高执行率{exc}。请改正（默认为 {plain(DEFAULT_MAX_RATE)}，即 "
            f"{plain(DEFAULT_MAX_RATE)}%）。"))]
    split = table.get("split", DEFAULT_SPLIT)
    figures = {name: to_decimal(value) for name, value in split.items()} if isinstance(split, dict) else {}
    if not figures or any(value is None or value <= 0 for value in figures.values()):
        return None, [error(settings.where(("project", "split")), (
            "应写成 [project.split] 表，每行一个一级指标及其分值合计，如 \"产出指标\" = 50、\"效益指标\" = 30、"
            "\"满意度指标\" = 10（中文键名要用英文双引号括起来）。"))]
    if "budget_weight" in table:
        weight_setting = f"{settings.where(('project', 'budget_weight'))}，现为 {plain(weight)}"
    else:
        weight_setting = (f"在 {settings.source} 的 [project] 中，未设置时为 "
                          f"{plain(rules.DEFAULT_BUDGET_WEIGHT)}")
    return Rules(weight, {name: value for name, value in figures.items() if value is not None}, max_rate,
                 weight_setting), []


def check_unit(data: dict[str, Any], locate: Locate) -> list[Finding]:
    unit = data.get("money_unit")
    if unit is None or (isinstance(unit, str) and unit.strip() in MONEY_UNITS):
        return []
    if isinstance(unit, str) and not unit.strip():
        data["money_unit"] = DEFAULT_MONEY_UNIT
        return []
    return [error(locate(("money_unit",)),
                  f"金额单位「{unit}」无法识别，请填写 万元 或 元（不填时为万元）。")]


# --------------------------------------------------------------------------- scores
def _text(row: dict[str, Any], key: str) -> str:
    value = row.get(key)
    return str(value).strip() if isinstance(value, (str, int, Decimal)) and not isinstance(value, bool) else ""


def apply_score_rules(data: dict[str, Any], locate: Locate) -> list[Finding]:
    """Quantitative indicators (年度指标值 like ≥50个): a blank 得分 takes the rule's score, a
    typed one that differs is kept with a warning. Qualitative ones need a typed 得分."""
    findings: list[Finding] = []
    rows = data.get("indicators") if isinstance(data.get("indicators"), list) else []
    for index, row in enumerate(rows):
        if not isinstance(row, dict) or is_category_row(row):
            continue
        at = ("indicators", index)
        name = _text(row, "name") or f"第{index + 1}个指标"
        target, actual = _text(row, "target"), _text(row, "actual")
        weight = to_decimal(row.get("weight"))
        typed = row.get("score")
        quantity = rules.parse_quantity(target) if target else None
        if quantity is not None and rules.is_negative(actual):
            findings.append(error(locate((*at, "actual")), (
                f"实际完成值不能为负数，现在是「{actual}」（指标「{name}」，年度指标值「{target}」）。"
                f"请填写完成的数量本身（0 或正数，如 {plain(quantity.value)}{quantity.unit}）；如指标是“减少”"
                "“下降”类，年度指标值写成 ≤ 目标（越小越好），实际完成值填写减少后的数量。")))
            row.setdefault("score", Decimal(0))  # reported above; not also 缺少得分
            continue
        computed = None
        if quantity is not None and actual and weight is not None and weight > 0:
            computed = rules.quantitative_score(weight, target, actual)
        if typed is None:
            if computed is not None:
                row["score"] = computed
                continue
            if weight is None or weight <= 0:
                row["score"] = Decimal(0)  # 缺少分值 / 分值 ≤ 0 is what is reported
                continue
            if quantity is None:
                why = (f"年度指标值「{target}」不是“符号 + 数字 + 单位”的数量指标（如 ≥50个、=100%），"
                       "程序无法计算得分") if target else "没有年度指标值，程序无法计算得分"
            elif not actual:
                why = "没有实际完成值，程序无法计算得分"
            else:
                why = (f"实际完成值「{actual}」不是与年度指标值「{target}」同一单位的数字"
                       f"（如 {plain(quantity.value)}{quantity.unit}），程序无法计算得分")
            findings.append(error(locate((*at, "score")),
                                  f"缺少得分：指标「{name}」{why}，请填写得分（0 至 {plain(weight)}）。"))
            row["score"] = Decimal(0)  # reported above; not also 缺少得分
            continue
        typed_number = to_decimal(typed)
        if computed is not None and typed_number is not None and typed_number != computed:
            findings.append(warning(locate((*at, "score")), (
                f"指标「{name}」填写的得分 {plain(typed_number)} 与按年度指标值「{target}」、实际完成值"
                f"「{actual}」计算的 {points(computed)} 不一致。按填写的得分生成；如应采用计算的得分，"
                "请把得分留空。")))
    return findings


# --------------------------------------------------------------------------- form rules
def _column(raw: RawInput, table: str, key: str) -> str:
    column = getattr(raw.locate, "column", None)
    if column is not None:
        return column(table, key)
    return f"{raw.source.name} 键 {table}[*].{key}"


def _places(value: Decimal) -> int:
    return max(0, -value.as_tuple().exponent) if value.is_finite() else 0


def check_funds(project: Project, locate: Locate, year_rules_: Rules) -> list[Finding]:
    out: list[Finding] = []
    unit, allowed = project.money_unit, rules.money_places_allowed(project.money_unit)
    rows = {"current": project.current, "carryover": project.carryover, "other": project.other}
    if project.total_given is not None:
        rows["total"] = project.total_given
    for key, funds in rows.items():
        for position, value in enumerate(funds.values()):
            at = ("funds", key, position)
            label = f"项目资金「{FUND_LABELS[key]}」的{FUND_COLUMN_LABELS[position]}"
            if value < 0:
                out.append(error(locate(at), f"{label}不能为负数，现在是 {plain(value)}。"))
            elif _places(value.normalize()) > allowed:
                out.append(error(locate(at), (
                    f"{label} {plain(value)} 超过{allowed}位小数。金额单位为{unit}时最多{allowed}位小数"
                    f"，请改正（如 {amount(value, allowed)}）。")))
    if has_errors(out):
        return out
    total = project.total
    given = project.total_given
    if given is not None and not any(total.values()) and any(given.values()):
        # The published 年度资金总额 typed over 其中 rows left at 0: deleting it (the usual
        # advice) would build a form of zeros; the amounts belong in the rows.
        return [error(locate(("funds", "total")), (
            f"年度资金总额填了 {amount(given.initial)} / {amount(given.budget)} / {amount(given.spent)}"
            f"（年初预算数 / 全年预算数 / 全年执行数），但其中当年财政拨款、上年结转资金、其他资金三行都是 0。"
            "请把金额填到对应的行（多数项目全部是当年财政拨款），三行之和就是年度资金总额；"
            "不要删除年度资金总额而让三行留 0。"))]
    if given is not None:
        for position, (typed, computed) in enumerate(zip(given.values(), total.values(), strict=True)):
            if typed != computed:
                column = FUND_COLUMN_LABELS[position]
                out.append(error(locate(("funds", "total", position)), (
                    f"年度资金总额的{column} {amount(typed)} 不等于三行之和：当年财政拨款 "
                    f"{amount(project.current.values()[position])} + 上年结转资金 "
                    f"{amount(project.carryover.values()[position])} + 其他资金 "
                    f"{amount(project.other.values()[position])} = {amount(computed)}。请改正年度资金总额"
                    f"（或删除这一行，由程序计算）。")))
    if has_errors(out):
        return out
    if not any(total.values()):
        return out + [error(locate(("funds", "current")), (
            f"项目资金全部为 0（各行的年初预算数、全年预算数、全年执行数都是 0）：表中没有执行率，预算执行"
            f"也无从计分。请按预算批复和决算填写项目资金（单位：{unit}），多数项目填在当年财政拨款这一行。"))]
    row = "total" if given is not None else "current"
    out.extend(_implausible_spending(project, rows if given is not None else {**rows, "total": total},
                                     locate, year_rules_, row))
    return out


def _implausible_spending(project: Project, rows: dict[str, Funds], locate: Locate, year_rules_: Rules,
                          row: str) -> list[Finding]:
    """全年执行数 that cannot be right: 10× its 全年预算数 or more in any row (two units, or
    digits typed twice), an 执行率 over the year's limit; 0 budgeted with spending."""
    out: list[Finding] = []
    unit = project.money_unit
    for key, funds in rows.items():
        if funds.budget > 0 and funds.spent >= rules.IMPLAUSIBLE_FACTOR * funds.budget:
            if key == "total" and out:
                continue  # a row already says it
            where = ("funds", row if key == "total" else key, 2)  # a computed total has no line
            times = (funds.spent / funds.budget).quantize(Decimal("0.1"))
            out.append(error(locate(where), (
                f"项目资金「{FUND_LABELS[key]}」的全年执行数 {amount(funds.spent)} 是全年预算数 "
                f"{amount(funds.budget)} 的 {plain(times)} 倍（{unit}）。执行数不会超过预算这么多：多半是两个数"
                "的单位不同（元与万元相差 10,000 倍）或多打了位数。请核对后改正；金额可带单位填写"
                "（如 1,205,000元），程序会换算。")))
    if out:
        return out
    total = project.total
    if total.budget == 0 and total.spent != 0:
        return [error(locate(("funds", row, 1)), (
            f"全年预算数为 0，全年执行数却是 {amount(total.spent)} {unit}，无法计算执行率。"
            "请核对全年预算数（调整后的预算）和全年执行数。"))]
    if total.budget == 0:
        return [warning(locate(("funds", row, 1)), (
            f"全年预算数和全年执行数都是 0（年初预算数 {amount(total.initial)} {unit}）：执行率印为“—”，"
            "预算执行得 0 分。如项目年内取消，请在年度总体目标的实际完成情况中说明；否则请填写全年预算数和"
            "全年执行数。"))]
    if total.spent <= total.budget:
        return []
    rate = rules.execution_rate(total.budget, total.spent)
    assert rate is not None
    limit = year_rules_.max_rate
    if rate > limit:
        return [error(locate(("funds", row, 2)), (
            f"全年执行数 {amount(total.spent)} 超过全年预算数 {amount(total.budget)}，执行率 "
            f"{rules.percent_text(rate)}，超过允许的 {plain(limit)}%。执行数一般不会超过调整后的全年预算数："
            "请核对这两个数（全年预算数应填调整后的预算）。如确实如此，可在 "
            f"data/{project.year}/{SETTINGS_FILE} 的 [project] 中把 max_execution_rate 调高"
            f"（现为 {plain(limit)}）。"))]
    return [warning(locate(("funds", row, 2)), (
        f"全年执行数 {amount(total.spent)} 超过全年预算数 {amount(total.budget)}（执行率 "
        f"{rules.percent_text(rate)}），预算执行得分按 100% 计。请核对；如确实超支，请在偏差原因中说明。"))]


def blank_values(project: Project, locate: Locate) -> list[Finding]:
    """A warning for each row whose 年度指标值 or 实际完成值 is blank: real forms leave them
    blank on qualitative rows, and the form prints them blank; the clerk is told, not stopped."""
    out: list[Finding] = []
    for index, row in enumerate(project.indicators):
        if row.is_category or (row.target and row.actual):
            continue
        blank = [label for label, value in (("年度指标值", row.target), ("实际完成值", row.actual)) if not value]
        key = "target" if not row.target else "actual"
        out.append(warning(locate(("indicators", index, key)), (
            f"指标「{row.name}」的{'、'.join(blank)}留空，表中印为空白。定性指标可以留空；如有指标值或完成情况"
            "（如 ≥50个、100%、及时），请填写。")))
    return out


def check_indicators(project: Project, raw: RawInput, year_rules_: Rules) -> list[Finding]:
    locate = raw.locate
    out: list[Finding] = []
    for index, row in enumerate(project.indicators):
        if row.is_category:
            continue
        at = ("indicators", index)
        weight, score = row.weight, row.score
        assert weight is not None and score is not None
        if weight <= 0:
            out.append(error(locate((*at, "weight")),
                             f"指标「{row.name}」的分值应大于 0，现在是 {plain(weight)}。"))
        elif _places(weight.normalize()) > 2:
            out.append(error(locate((*at, "weight")),
                             f"指标「{row.name}」的分值 {plain(weight)} 超过两位小数，请改正。"))
        if score < 0:
            out.append(error(locate((*at, "score")),
                             f"指标「{row.name}」的得分不能为负数，现在是 {plain(score)}。"))
        elif weight > 0 and score > weight:
            out.append(error(locate((*at, "score")), (
                f"指标「{row.name}」的得分 {plain(score)} 超过了分值 {plain(weight)}。得分应在 0 到 "
                f"{plain(weight)} 之间，请改正。")))
        elif _places(score.normalize()) > 2:
            out.append(error(locate((*at, "score")), (
                f"指标「{row.name}」的得分 {plain(score)} 超过两位小数，请四舍五入到两位小数"
                f"（如 {points(score)}）。")))
        elif score < weight and not row.reason.strip():
            out.append(warning(locate((*at, "reason")), (
                f"指标「{row.name}」得分 {plain(score)} 低于分值 {plain(weight)}，但没有填写偏差原因分析及"
                "改进措施。请说明未达成的原因和改进措施。")))
    out.extend(blank_values(project, locate))
    weights = [row.weight for row in project.indicators if row.weight is not None]
    total = sum(weights, Decimal(0))
    budget_weight = year_rules_.budget_weight
    if total + budget_weight != HUNDRED:
        wanted = HUNDRED - budget_weight
        out.append(error(_column(raw, "indicators", "weight"), (
            f"各指标分值合计为 {plain(total)}，加上预算执行的分值 {plain(budget_weight)} 为 "
            f"{plain(total + budget_weight)}，应为 100（各指标分值合计应为 {plain(wanted)}，"
            f"{'多' if total > wanted else '少'}了 {plain(abs(total - wanted))}）。请核对各指标的分值。"
            + _budget_weight_note(project, total - wanted, year_rules_))))
        return out
    split = year_rules_.split
    if sum(split.values(), Decimal(0)) + budget_weight != HUNDRED:
        return out  # the usual split does not apply to this 预算执行 分值
    found: dict[str, Decimal] = {}
    for row in project.indicators:
        name = _WEIGHT_NOTE.sub("", row.level1).strip()
        found[name] = found.get(name, Decimal(0)) + (row.weight or Decimal(0))
    if found != split:
        shown = "、".join(f"{name} {plain(value)}" for name, value in found.items())
        usual = "、".join(f"{name} {plain(value)}" for name, value in split.items())
        out.append(warning(_column(raw, "indicators", "weight"), (
            f"各一级指标的分值为 {shown}，与通常的分配（{usual}，预算执行 {plain(budget_weight)}）不同。"
            "请核对；如确实如此分配，可忽略本提示。")))
    return out


def _budget_weight_note(project: Project, excess: Decimal, year_rules_: Rules) -> str:
    """What a weight total off by the 预算执行 分值 most likely means, and where that 分值 is set."""
    weight = plain(year_rules_.budget_weight)
    setting = f"预算执行的分值是年度设置 budget_weight（{year_rules_.weight_setting}）"
    if excess != year_rules_.budget_weight or excess <= 0:
        return f"{setting}。"
    like = [row.name or row.level2 for row in project.indicators
            if row.weight == year_rules_.budget_weight
            and any("预算执行" in text or "执行率" in text for text in (row.level1, row.level2, row.name))]
    which = (f"指标「{like[0]}」看来就是预算执行，请删除这一行" if like
             else "如有预算执行、执行率之类的指标行，请删除")
    return (f"多出的 {weight} 正好是预算执行的分值：预算执行由程序按项目资金另行计分，不要再算进各指标"
            f"（{which}）。{setting}；如本地区预算执行的分值不同，请在那里修改。")


def check_project(project: Project, raw: RawInput, year: int | None, year_rules_: Rules) -> list[Finding]:
    out: list[Finding] = []
    if year is not None and project.year != year:
        out.append(error(raw.locate(("year",)), (
            f"文件中的年度 {project.year} 与所在文件夹 {year} 不一致。请改正年度，"
            f"或把文件移到 data/{project.year}/项目/ 文件夹。")))
    out.extend(check_funds(project, raw.locate, year_rules_))
    out.extend(check_indicators(project, raw, year_rules_))
    return out


def validate(raw: RawInput, year: int | None, settings: Settings
             ) -> tuple[tuple[Project, Rules] | None, list[Finding]]:
    """((the project, the year's rules), every finding); None when there is an error."""
    found_rules, findings = year_rules(settings)
    if found_rules is None:
        return None, findings
    data, prepared = prepare(raw, CONTRACT)
    findings.extend(prepared)
    if data is None:
        return None, in_file_order(findings, CONTRACT)
    findings.extend(check_unit(data, raw.locate))
    findings.extend(apply_score_rules(data, raw.locate))
    project, problems = build_model(data, raw, build_project)
    if project is None or has_errors(findings):
        return None, in_file_order(findings + problems, CONTRACT)
    findings.extend(check_project(project, raw, year, found_rules))
    findings = in_file_order(findings, CONTRACT)
    return (None if has_errors(findings) else (project, found_rules)), findings
