"""Rules of the 项目支出绩效自评表: 预算执行 score, quantitative indicator scores, 评价等级 and
how the form prints money, scores and rates. Pure functions on Decimal; no I/O.

Every score is rounded half-up to 2 decimals, as the form prints it. Amounts and scores are
expected non-negative and finite (the validator refuses anything else before these run);
weights below 0 are refused here with ValueError because no score could lie in [0, weight].
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, localcontext

from reportgen import formats
from reportgen.forms.project.contract import MONEY_PLACES as _MONEY_PLACES
from reportgen.forms.project.contract import MONEY_UNITS
from reportgen.settings import DEFAULT_GRADES, Settings
from reportgen.settings import max_execution_rate as settings_max_rate

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal(0)
PRECISION = 50  # working precision: exact for any realistic amount, so only quantize rounds

NO_VALUE = formats.NO_VALUE  # printed where a figure does not apply (其中 rows, 执行率 without a budget)

DEFAULT_BUDGET_WEIGHT = Decimal(10)  # 预算执行's 分值 unless data/<year>/设置.toml says otherwise
IMPLAUSIBLE_FACTOR = Decimal(10)  # 全年执行数 this many times 全年预算数 or more: a unit typed wrong

# Quantitative 年度指标值: operator, number, unit. Full-width forms (＞＝９０％, full-width space)
# are folded to ASCII first; ≥ ≤ (and the rarer ≧ ≦) have no ASCII twin and are mapped here.
POSITIVE, NEGATIVE = "positive", "negative"  # 正向 (more is better), 反向 (less is better)
OPERATORS: dict[str, str] = {  # as typed (after full-width folding) -> normalised
    ">=": ">=", "≥=": ">=", "≥": ">=", "≧": ">=", ">": ">", "=": "=",
    "<=": "<=", "≤=": "<=", "≤": "<=", "≦": "<=", "<": "<",
}
DIRECTIONS: dict[str, str] = {">=": POSITIVE, ">": POSITIVE, "=": POSITIVE, "<=": NEGATIVE, "<": NEGATIVE}

_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: ord(" ")}
_OPERATOR = "|".join(re.escape(op) for op in sorted(OPERATORS, key=len, reverse=True))
# A non-negative number, optionally with correct thousands separators ("1,000", not "1,00").
_NUMBER = r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?"
# The unit is whatever follows the number, as long as it holds no further digit: "90%-95%",
# "≥50个，≤3天" and "≥100m2" are therefore qualitative (a typed score is then required).
_QUANTITY = re.compile(rf"\s*(?P<op>{_OPERATOR})\s*(?P<num>{_NUMBER})\s*(?P<unit>[^0-9]*?)\s*")
_ACTUAL = re.compile(rf"\s*(?:(?:{_OPERATOR})\s*)?(?P<num>{_NUMBER})\s*(?P<unit>[^0-9]*?)\s*")
# A negative figure (-20天, −5%, ≥ -3个): never a quantity or an actual value, see is_negative.
_NEGATIVE = re.compile(rf"\s*(?:(?:{_OPERATOR})\s*)?[-−]\s*{_NUMBER}[^0-9]*")


def budget_weight(settings: Settings) -> Decimal:
    """预算执行's 分值 from the year's settings ([project] budget_weight; 10 when absent).
    ValueError (with the Chinese reason) when it is not a number in [0, 100]."""
    value = settings.of("project").get("budget_weight", DEFAULT_BUDGET_WEIGHT)
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)) or not Decimal(value).is_finite():
        raise ValueError(f"应为 0 到 100 之间的数字，现在是「{value}」")
    weight = Decimal(value)
    if not ZERO <= weight <= HUNDRED:
        raise ValueError(f"应在 0 到 100 之间，现在是 {weight}")
    return weight


def max_execution_rate(settings: Settings) -> Decimal:
    """The highest 执行率 (%) a project may print ([project] max_execution_rate; 100.5 when
    absent); ValueError (with the Chinese reason) when it is not a number in [100, 1000]."""
    return settings_max_rate(settings, "project")


class ZeroBudgetWithSpending(ValueError):
    """全年预算数 is 0 while 全年执行数 is not: no 执行率 exists; the caller reports an error."""


def _round_cent(value: Decimal) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = PRECISION
        return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _check_weight(weight: Decimal) -> None:
    if not weight.is_finite() or weight < 0:
        raise ValueError(f"weight must be a finite number >= 0, got {weight}")


def _bounded_score(weight: Decimal, raw: Decimal) -> Decimal:
    """Half-up to 2 decimals, within [0, weight]. The cap is weight rounded DOWN to cents, so
    a (nonsensical) 3-decimal weight can never be exceeded by its own full marks."""
    cap = weight.quantize(CENT, rounding=ROUND_FLOOR)
    return min(max(_round_cent(raw), ZERO), cap)


def execution_rate(budget: Decimal, spent: Decimal) -> Decimal | None:
    """执行率 = 全年执行数 ÷ 全年预算数 in percent, half-up to 2 decimals (the printed figure):
    215457.60 / 250000.00 -> 86.18. Over 100 is returned as is (the validator warns).

    budget 0 and spent 0 -> None (nothing to execute; the caller decides what to print);
    budget 0 and any other spent -> ZeroBudgetWithSpending.
    """
    if budget == 0:
        if spent == 0:
            return None
        raise ZeroBudgetWithSpending(f"budget is 0 but spent is {spent}")
    with localcontext() as ctx:
        ctx.prec = PRECISION
        return _round_cent(spent * HUNDRED / budget)


def budget_score(weight: Decimal, rate_percent: Decimal | None) -> Decimal:
    """预算执行 得分 = weight × min(rate, 100%), half-up to 2 decimals: 10 × 86.18% -> 8.62.

    Pass the PRINTED rate (``execution_rate``'s result), so that 分值 × 执行率 on the form gives
    the printed 得分 on a calculator (86.2451% would score 8.62 unrounded, but prints as 86.25%,
    and 10 × 86.25% = 8.625 -> 8.63 is what a reader checks).

    Rate None (全年预算数 and 全年执行数 both 0) scores 0 (issue 19): zero funds never earn
    预算执行 points (the validator refuses a project whose funds are all 0, and warns when only
    the year's budget and spending are). A negative rate scores 0.
    """
    _check_weight(weight)
    if rate_percent is None:
        return ZERO
    with localcontext() as ctx:
        ctx.prec = PRECISION
        share = min(max(rate_percent, ZERO), HUNDRED)
        return _bounded_score(weight, weight * share / HUNDRED)


@dataclass(frozen=True)
class Quantity:
    """A quantitative 年度指标值: ``≥50个`` -> Quantity(">=", Decimal("50"), "个", "positive")."""

    operator: str  # normalised: ">=", ">", "=", "<=", "<"
    value: Decimal
    unit: str  # text after the number, stripped, full-width folded ("%" for "％"); may be ""
    direction: str  # POSITIVE (正向: >=, >, =) or NEGATIVE (反向: <=, <)


def _fold(text: str) -> str:
    """Full-width ASCII (＞＝０-９．，％ and letters) and the ideographic space -> ASCII."""
    return text.translate(_FULL_WIDTH)


def _number(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def parse_quantity(text: str) -> Quantity | None:
    """``≥50个``, ``>= 95%``, ``＞＝90%``, ``≥ 1,000 人次`` -> Quantity; anything else
    (``及时``, ``50个`` without operator, ``90%-95%``, negative numbers) -> None (qualitative)."""
    match = _QUANTITY.fullmatch(_fold(text))
    if match is None:
        return None
    operator = OPERATORS[match["op"]]
    return Quantity(operator, _number(match["num"]), match["unit"], DIRECTIONS[operator])


def parse_actual(text: str) -> tuple[Decimal, str] | None:
    """实际完成值 ``100%``, ``52个``, ``2.5天`` -> (value, unit); a leading operator
    (``≥95%``) is ignored; anything else (``及时``, ``约50个``) -> None."""
    match = _ACTUAL.fullmatch(_fold(text))
    if match is None:
        return None
    return _number(match["num"]), match["unit"]


def is_negative(text: str) -> bool:
    """Whether a value is a negative number with its unit (``-20天``, ``－5%``, ``−3个``)."""
    return _NEGATIVE.fullmatch(_fold(text)) is not None


def quantitative_score(weight: Decimal, target_text: str, actual_text: str) -> Decimal | None:
    """得分 of a quantitative indicator, half-up to 2 decimals, within [0, weight].

    None when the target is qualitative, the actual value is not a number with a unit, or the
    units differ (``%`` vs ``个``): the caller then requires a typed score.

    正向 (>=, >, =): full marks when reached, else weight × actual ÷ target. "Reached" is
    actual >= target for ">=" and "=" (exceeding an "=100%" target is not penalised) and
    actual > target for ">". At actual == target the formula also gives full marks, so ">"
    differs from ">=" only for a target of 0: ">0" with actual 0 scores 0.
    反向 (<=, <): full marks when within (actual <= target, or < for "<"), else
    weight × (1 − (actual − target) ÷ target), not below 0; a target of 0 exceeded scores 0.
    """
    _check_weight(weight)
    target = parse_quantity(target_text)
    parsed = parse_actual(actual_text)
    if target is None or parsed is None:
        return None
    actual, unit = parsed
    if unit != target.unit:
        return None
    goal, op = target.value, target.operator
    with localcontext() as ctx:
        ctx.prec = PRECISION
        if target.direction == POSITIVE:
            if actual > goal or (actual == goal and op != ">"):
                return _bounded_score(weight, weight)
            raw = ZERO if goal == 0 else weight * actual / goal
        else:
            if actual < goal or (actual == goal and op != "<"):
                return _bounded_score(weight, weight)
            # weight × (1 − (a − t) ÷ t) written with one division, so exact halves stay exact
            raw = ZERO if goal == 0 else weight * (2 * goal - actual) / goal
        return _bounded_score(weight, raw)


def grade_for(total: Decimal, grades: tuple[tuple[str, Decimal], ...] = DEFAULT_GRADES) -> str:
    """评价等级 of a 总分: the grade with the highest cut-off not above it (89.99 -> 良,
    90 -> 优). Order of ``grades`` does not matter; below every cut-off -> the lowest grade."""
    if not grades:
        raise ValueError("grades must not be empty")
    ranked = sorted(grades, key=lambda grade: grade[1], reverse=True)
    for label, cutoff in ranked:
        if total >= cutoff:
            return label
    return ranked[-1][0]


def money_places_allowed(unit: str) -> int:
    """Most decimals an amount may carry: 4 in 万元 (real forms print 89.974), 2 in 元."""
    try:
        return _MONEY_PLACES[unit]
    except KeyError:
        raise ValueError(f"money unit must be one of {MONEY_UNITS}, got {unit!r}") from None


def _check_finite(value: Decimal) -> None:
    if not value.is_finite():
        raise ValueError(f"cannot print {value}")


def money_text(value: Decimal, unit: str) -> str:
    """Amounts with thousands separators and 2 decimals (250000 -> ``250,000.00``); in 万元 a
    figure carrying 3 or 4 decimals keeps them (``89.974``, ``1,234.5678``), more are rounded
    half-up to 4. In 元 always 2 decimals (the validator refuses more before this runs)."""
    _check_finite(value)
    return formats.amount(value, money_places_allowed(unit))


def score_text(value: Decimal) -> str:
    """分值 and 得分 as the form prints them: whole values without decimals (10, 10.00 -> ``10``),
    others half-up to 2 decimals (``8.62``, ``8.60``)."""
    _check_finite(value)
    return formats.points(value)


def percent_text(rate: Decimal | None) -> str:
    """执行率 as printed: ``86.18%``, ``104.00%``; None -> ``—``."""
    if rate is not None:
        _check_finite(rate)
    return formats.percent(rate)
