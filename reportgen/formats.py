"""How numbers are printed on the form (layout.md, "Values"). Shared by every renderer
and exposed to templates as Jinja filters."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext

CENT = Decimal("0.01")
CHECKED, UNCHECKED = "☑", "□"
NO_VALUE = "—"  # printed where a figure does not apply (执行率 without a budget)
PRECISION = 50  # working precision: exact for any amount on a form, so only quantize rounds


def money(value: Decimal) -> str:
    """Amounts in 万元: thousands separators, 2 decimals (226 -> 226.00)."""
    return f"{Decimal(value).quantize(CENT, ROUND_HALF_UP):,.2f}"


def score(value: Decimal) -> str:
    """得分 and 总分: 2 decimals (20 -> 20.00)."""
    return f"{Decimal(value).quantize(CENT, ROUND_HALF_UP):.2f}"


def weight(value: Decimal | None) -> str:
    """分值 as written, without trailing zeros (20, 0.5, 1.5; 25.0 -> 25); None -> ""."""
    if value is None:
        return ""
    text = f"{Decimal(value).normalize():f}"
    return text


def _half_up(value: Decimal, places: int) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = PRECISION
        rounded = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return abs(rounded) if rounded == 0 else rounded  # never "-0.00"


def amount(value: Decimal | None, most_places: int = 4) -> str:
    """Amounts of the project form: thousands separators and 2 decimals (250,000.00); a
    figure typed with 3 or 4 decimals keeps them (89.974); more are rounded half-up to
    `most_places`. None -> ""."""
    if value is None:
        return ""
    value = Decimal(value)
    carried = max(0, -value.as_tuple().exponent) if value.is_finite() else 0
    places = max(2, min(most_places, carried))
    return f"{_half_up(value, places):,.{places}f}"  # quantized first: format() rounds half-even


def points(value: Decimal | None) -> str:
    """得分 and 总分 of the project form: whole values without decimals (10), others
    half-up to 2 decimals (8.62, 8.60). None -> ""."""
    if value is None:
        return ""
    rounded = _half_up(Decimal(value), 2)
    if rounded == rounded.to_integral_value():
        return f"{rounded:.0f}"
    return f"{rounded:.2f}"


def percent(rate: Decimal | None) -> str:
    """A rate given in percent: 86.18 -> "86.18%" (half-up, 2 decimals); None -> "—"."""
    if rate is None:
        return NO_VALUE
    return f"{_half_up(Decimal(rate), 2):.2f}%"


FILTERS = {"money": money, "score": score, "weight": weight, "amount": amount, "points": points,
           "percent": percent}
