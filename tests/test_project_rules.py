"""Rules of the 项目支出绩效自评表 (reportgen.forms.project.rules): real figures from the spec's
example form, rounding at the half cent, quantitative indicators, printing, grades."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reportgen.forms.project.rules import (
    MONEY_UNITS,
    NEGATIVE,
    POSITIVE,
    Quantity,
    ZeroBudgetWithSpending,
    budget_score,
    budget_weight,
    execution_rate,
    grade_for,
    money_places_allowed,
    money_text,
    parse_actual,
    parse_quantity,
    percent_text,
    quantitative_score,
    score_text,
)
from reportgen.settings import DEFAULT_GRADES, Settings

D = Decimal


# --- 预算执行 ---------------------------------------------------------------------------

def test_spec_example_rate_and_score():
    rate = execution_rate(D("250000.00"), D("215457.60"))
    assert rate == D("86.18")
    assert str(rate) == "86.18"  # exactly two decimals, as printed
    assert budget_score(D(10), rate) == D("8.62")
    assert budget_score(D(20), rate) == D("17.24")
    assert percent_text(rate) == "86.18%"
    assert score_text(budget_score(D(10), rate)) == "8.62"


def test_score_is_computed_from_the_printed_rate():
    # 8624.51 / 10000 = 86.2451% prints as 86.25%; 10 × 86.25% = 8.625 -> 8.63 is what a reader
    # with a calculator gets. Scoring the unrounded rate would give 8.62451 -> 8.62.
    rate = execution_rate(D("10000"), D("8624.51"))
    assert rate == D("86.25")
    assert budget_score(D(10), rate) == D("8.63")


def test_score_half_cent_rounds_up_where_half_even_would_not():
    # 10 × 86.25% = 8.625 exactly: half-up 8.63, half-even 8.62.
    rate = execution_rate(D("250000"), D("215625"))
    assert rate == D("86.25")
    assert D("8.625").quantize(D("0.01"), rounding=ROUND_HALF_EVEN) == D("8.62")
    assert budget_score(D(10), rate) == D("8.63")
    # 10 × 86.35% = 8.635 -> 8.64 (both modes agree; still exactly a half)
    assert budget_score(D(10), D("86.35")) == D("8.64")


def test_rate_half_rounds_up_where_half_even_would_not():
    # 68900 / 80000 = 86.125% exactly: half-up 86.13, half-even 86.12.
    assert execution_rate(D("80000"), D("68900")) == D("86.13")
    assert execution_rate(D("80000"), D("68900")) != D("86.125").quantize(D("0.01"), ROUND_HALF_EVEN)


def test_rate_over_100_is_returned_as_is_and_score_capped():
    rate = execution_rate(D("250000"), D("260000"))
    assert rate == D("104.00")
    assert percent_text(rate) == "104.00%"
    assert budget_score(D(10), rate) == D("10")
    assert score_text(budget_score(D(10), rate)) == "10"
    assert budget_score(D(20), rate) == D("20")


def test_rate_exactly_100():
    rate = execution_rate(D("89.974"), D("89.974"))
    assert rate == D("100.00")
    assert budget_score(D(10), rate) == D(10)


def test_zero_budget_nothing_spent():
    assert execution_rate(D("0"), D("0")) is None
    assert execution_rate(D("0.00"), D("0.000")) is None
    assert percent_text(None) == "—"
    # issue 19: zero funds never earn 预算执行 points
    assert budget_score(D(10), None) == 0
    assert budget_score(D(20), None) == 0


def test_zero_budget_with_spending_is_an_error():
    with pytest.raises(ZeroBudgetWithSpending):
        execution_rate(D("0"), D("12.5"))
    assert issubclass(ZeroBudgetWithSpending, ValueError)


def test_no_spending_scores_zero():
    rate = execution_rate(D("250000"), D("0"))
    assert rate == D("0.00")
    assert budget_score(D(10), rate) == D("0")
    assert percent_text(rate) == "0.00%"


def test_negative_rate_clamps_to_zero_and_negative_weight_refused():
    assert budget_score(D(10), D("-5")) == D(0)
    with pytest.raises(ValueError):
        budget_score(D(-10), D("50"))


def test_tiny_rate_rounds_to_small_score():
    rate = execution_rate(D("1000000"), D("1"))  # 0.0001% -> 0.00
    assert rate == D("0.00")
    assert budget_score(D(10), D("0.05")) == D("0.01")  # 0.005 -> 0.01 (half-up)
    assert budget_score(D(10), D("0.04")) == D("0.00")  # 0.004 -> 0.00


# --- settings ---------------------------------------------------------------------------

def test_settings_defaults():
    settings = Settings()
    assert budget_weight(settings) == D(10)
    assert [label for label, _ in settings.grades] == ["优", "良", "中", "差"]
    assert all(isinstance(cutoff, Decimal) for _, cutoff in settings.grades)
    assert budget_weight(Settings(kinds={"project": {"budget_weight": 20}})) == D(20)
    assert budget_weight(Settings(kinds={"project": {"budget_weight": D("12.5")}})) == D("12.5")


@pytest.mark.parametrize("weight", [-1, 101, "10", True, D("NaN")])
def test_settings_refuses_impossible_budget_weight(weight):
    with pytest.raises(ValueError):
        budget_weight(Settings(kinds={"project": {"budget_weight": weight}}))


# --- 年度指标值 / 实际完成值 parsing ---------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("≥50个", Quantity(">=", D(50), "个", POSITIVE)),
    (">= 95%", Quantity(">=", D(95), "%", POSITIVE)),
    ("≥=95%", Quantity(">=", D(95), "%", POSITIVE)),
    ("=100%", Quantity("=", D(100), "%", POSITIVE)),
    ("＞＝90%", Quantity(">=", D(90), "%", POSITIVE)),
    ("＞９０％", Quantity(">", D(90), "%", POSITIVE)),
    ("＝１００％", Quantity("=", D(100), "%", POSITIVE)),
    (">0.5万元", Quantity(">", D("0.5"), "万元", POSITIVE)),
    ("≤3天", Quantity("<=", D(3), "天", NEGATIVE)),
    ("<=3天", Quantity("<=", D(3), "天", NEGATIVE)),
    ("＜＝3天", Quantity("<=", D(3), "天", NEGATIVE)),
    ("<5%", Quantity("<", D(5), "%", NEGATIVE)),
    ("＜５％", Quantity("<", D(5), "%", NEGATIVE)),
    ("≥ 1,000 人次", Quantity(">=", D(1000), "人次", POSITIVE)),
    ("≥1,234,567.5元", Quantity(">=", D("1234567.5"), "元", POSITIVE)),
    ("\u3000≥\u3000５０\u3000个\u3000", Quantity(">=", D(50), "个", POSITIVE)),
    ("≥50", Quantity(">=", D(50), "", POSITIVE)),
    ("  =100%\n", Quantity("=", D(100), "%", POSITIVE)),
])
def test_parse_quantity(text, expected):
    assert parse_quantity(text) == expected


@pytest.mark.parametrize("text", [
    "及时", "达成预期指标", "", "   ", "50个", "100%", "90%-95%", "≥90%-95%", "≥50个，≤3天",
    "≥100m2", "≥1,00个", "≥1,0000个", "≥-5%", "≥", "≥个", "==100%", "约≥50个", "≥.5个",
])
def test_qualitative_texts_are_not_quantities(text):
    assert parse_quantity(text) is None


@pytest.mark.parametrize(("text", "expected"), [
    ("100%", (D(100), "%")),
    ("52个", (D(52), "个")),
    ("2.5天", (D("2.5"), "天")),
    ("≥95%", (D(95), "%")),
    ("＜ ５ ％", (D(5), "%")),
    ("1,200人次", (D(1200), "人次")),
    ("0", (D(0), "")),
])
def test_parse_actual(text, expected):
    assert parse_actual(text) == expected


@pytest.mark.parametrize("text", ["及时", "", "约50个", "50-60个", "-3天", "达成预期指标"])
def test_parse_actual_refuses_non_numbers(text):
    assert parse_actual(text) is None


# --- quantitative scores ----------------------------------------------------------------

@pytest.mark.parametrize(("weight", "target", "actual", "expected"), [
    # 正向 reached
    (D(10), "=100%", "100%", D(10)),
    (D(10), ">=90%", "100%", D(10)),
    (D(10), "≥50个", "52个", D(10)),
    (D(10), "=100%", "105%", D(10)),  # exceeding an "=" target is "reached"
    (D(10), ">90%", "95%", D(10)),
    # 正向 not reached: weight × actual ÷ target
    (D(10), "≥50个", "45个", D("9.00")),
    (D(10), ">= 95%", "90%", D("9.47")),  # 9.4736…
    (D(5), "≥3次", "2次", D("3.33")),  # 3.333…
    (D(5), "≥3次", "0次", D("0")),
    (D(10), ">90%", "90%", D(10)),  # boundary of ">": the formula gives full marks anyway
    (D(10), "≥80%", "69%", D("8.63")),  # 8.625 exactly: half-up (half-even would give 8.62)
    # target 0
    (D(10), "≥0个", "0个", D(10)),
    (D(10), ">0个", "0个", D(0)),
    (D(10), ">0个", "1个", D(10)),
    # 反向 within
    (D(10), "≤3天", "3天", D(10)),
    (D(10), "≤3天", "2.5天", D(10)),
    (D(10), "<5%", "4%", D(10)),
    # 反向 beyond: weight × (1 − (actual − target) ÷ target)
    (D(10), "≤3天", "4天", D("6.67")),
    (D(10), "<5%", "5%", D(10)),  # boundary of "<": the formula gives full marks anyway
    (D(10), "≤8天", "9天", D("8.75")),
    (D(10), "≤80天", "81天", D("9.88")),  # 9.875 exactly: half-up (half-even would give 9.88 too)
    (D(10), "≤40天", "41天", D("9.75")),
    (D(10), "≤3天", "6天", D(0)),  # exactly twice the target
    (D(10), "≤3天", "30天", D(0)),  # far beyond: not below 0
    (D(10), "≤0起", "0起", D(10)),
    (D(10), "≤0起", "1起", D(0)),
    (D(10), "<0起", "0起", D(0)),
    # full-width and spacing on both sides
    (D(10), "＞＝９５％", "９０％", D("9.47")),
    (D(10), "≥ 1,000 人次", "900人次", D("9.00")),
])
def test_quantitative_score(weight, target, actual, expected):
    assert quantitative_score(weight, target, actual) == expected


def test_quantitative_half_up_differs_from_half_even():
    # 反向: 10 × (1 − (82.5 − 80) ÷ 80) = 9.6875 -> 9.69; 正向 10 × 69 ÷ 80 = 8.625 -> 8.63.
    assert quantitative_score(D(10), "≥80%", "69%") == D("8.63")
    assert D("8.625").quantize(D("0.01"), ROUND_HALF_EVEN) == D("8.62")
    assert quantitative_score(D(10), "≤80天", "82.5天") == D("9.69")


@pytest.mark.parametrize(("target", "actual"), [
    ("≥50个", "45人"),  # unit mismatch
    ("≥95%", "95"),  # unit missing
    ("≥95", "95%"),
    ("及时", "及时"),  # qualitative
    ("达成预期指标", "100%"),
    ("50个", "50个"),  # no operator
    ("90%-95%", "93%"),
    ("≥95%", "达成"),  # actual not a number
    ("≥95%", ""),
])
def test_quantitative_score_none(target, actual):
    assert quantitative_score(D(10), target, actual) is None


def test_quantitative_score_refuses_negative_weight():
    with pytest.raises(ValueError):
        quantitative_score(D(-1), "≥50个", "45个")


def test_zero_weight_scores_zero():
    assert quantitative_score(D(0), "≥50个", "45个") == D(0)
    assert quantitative_score(D(0), "≥50个", "60个") == D(0)


def _number_text(value: Decimal) -> str:
    return f"{abs(value):f}"  # never "-0"


@given(
    weight=st.decimals(min_value=0, max_value=100, places=2),
    target=st.decimals(min_value=0, max_value=10**9, allow_nan=False, allow_infinity=False),
    actual=st.decimals(min_value=0, max_value=10**9, allow_nan=False, allow_infinity=False),
    operator=st.sampled_from(["≥", ">=", ">", "=", "≤", "<=", "<", "＞＝", "＜"]),
    unit=st.sampled_from(["%", "个", "天", "人次", ""]),
)
def test_quantitative_score_within_bounds(weight, target, actual, operator, unit):
    score = quantitative_score(weight, f"{operator}{_number_text(target)}{unit}",
                               f"{_number_text(actual)}{unit}")
    assert score is not None
    assert D(0) <= score <= weight
    assert score.as_tuple().exponent >= -2


@given(
    weight=st.decimals(min_value=0, max_value=100, places=3),
    rate=st.one_of(st.none(), st.decimals(min_value=-1000, max_value=1000, places=2)),
)
def test_budget_score_within_bounds(weight, rate):
    score = budget_score(weight, rate)
    assert D(0) <= score <= weight
    assert score.as_tuple().exponent >= -2


@given(
    budget=st.decimals(min_value="0.01", max_value=10**12, places=2),
    spent=st.decimals(min_value=0, max_value=10**12, places=2),
)
def test_execution_rate_has_two_decimals(budget, spent):
    rate = execution_rate(budget, spent)
    assert rate is not None
    assert rate.as_tuple().exponent == -2
    assert abs(rate - spent * 100 / budget) <= D("0.005")


# --- printing ---------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "unit", "expected"), [
    (D(250000), "元", "250,000.00"),
    (D("215457.6"), "元", "215,457.60"),
    (D("215457.60"), "元", "215,457.60"),
    (D(0), "元", "0.00"),
    (D("0.005"), "元", "0.01"),  # half-up (half-even would print 0.00)
    (D("12.345"), "元", "12.35"),
    (D(90), "万元", "90.00"),
    (D("89.974"), "万元", "89.974"),
    (D("1234.5678"), "万元", "1,234.5678"),
    (D("1234.5"), "万元", "1,234.50"),
    (D("1234567.89"), "万元", "1,234,567.89"),
    (D("0.00005"), "万元", "0.0001"),  # more than 4 decimals: half-up to 4
    (D("1.23456"), "万元", "1.2346"),
    (D("1E+3"), "万元", "1,000.00"),
    (D("-0.00"), "万元", "0.00"),
])
def test_money_text(value, unit, expected):
    assert money_text(value, unit) == expected


def test_money_units():
    assert MONEY_UNITS == ("万元", "元")
    assert money_places_allowed("万元") == 4
    assert money_places_allowed("元") == 2
    with pytest.raises(ValueError):
        money_places_allowed("千元")
    with pytest.raises(ValueError):
        money_text(D(1), "千元")
    with pytest.raises(ValueError):
        money_text(D("NaN"), "元")


@given(value=st.decimals(min_value=-10**12, max_value=10**12, places=4))
def test_money_text_round_trips_in_wanyuan(value):
    text = money_text(value, "万元")
    assert D(text.replace(",", "")) == value
    decimals = len(text.split(".")[1])
    assert 2 <= decimals <= 4


@given(value=st.decimals(min_value=-10**12, max_value=10**12, places=2))
def test_money_text_round_trips_in_yuan(value):
    text = money_text(value, "元")
    assert D(text.replace(",", "")) == value
    assert len(text.split(".")[1]) == 2


@pytest.mark.parametrize(("value", "expected"), [
    (D(10), "10"),
    (D("10.00"), "10"),
    (D(100), "100"),
    (D("8.62"), "8.62"),
    (D("98.62"), "98.62"),
    (D("8.6"), "8.60"),
    (D("8.60"), "8.60"),
    (D("0"), "0"),
    (D("-0.00"), "0"),
    (D("9.999"), "10"),
    (D("8.625"), "8.63"),  # half-up
    (D("1E+1"), "10"),
])
def test_score_text(value, expected):
    assert score_text(value) == expected


@pytest.mark.parametrize(("rate", "expected"), [
    (D("86.18"), "86.18%"),
    (D("104"), "104.00%"),
    (D("100.00"), "100.00%"),
    (D("86.125"), "86.13%"),
    (None, "—"),
])
def test_percent_text(rate, expected):
    assert percent_text(rate) == expected


# --- 评价等级 ---------------------------------------------------------------------------

@pytest.mark.parametrize(("total", "expected"), [
    (D(100), "优"), (D(90), "优"), (D("90.00"), "优"), (D("89.99"), "良"), (D(80), "良"),
    (D("79.99"), "中"), (D(60), "中"), (D("59.99"), "差"), (D(0), "差"), (D(-5), "差"),
])
def test_default_grades(total, expected):
    assert grade_for(total, DEFAULT_GRADES) == expected
    assert grade_for(total, Settings().grades) == expected


def test_custom_grades_any_order_and_no_floor():
    grades = (("合格", D(60)), ("优秀", D(85)), ("良好", D(75)))
    assert grade_for(D(85), grades) == "优秀"
    assert grade_for(D("84.99"), grades) == "良好"
    assert grade_for(D(75), grades) == "良好"
    assert grade_for(D(60), grades) == "合格"
    assert grade_for(D(10), grades) == "合格"  # below every cut-off: the lowest grade


def test_empty_grades_refused():
    with pytest.raises(ValueError):
        grade_for(D(90), ())


# --- the spec's example form, end to end ------------------------------------------------

def test_spec_example_total():
    budget = budget_score(D(10), execution_rate(D("250000.00"), D("215457.60")))
    indicators = [quantitative_score(D(10), "=100%", "100%"),
                  quantitative_score(D(10), ">=90%", "100%")] + [D(10)] * 7  # 7 typed full scores
    total = budget + sum(indicators)
    assert score_text(total) == "98.62"
    assert grade_for(total, Settings().grades) == "优"
