"""How numbers are printed on the form (layout.md, "Values"). Shared by every renderer
and exposed to templates as Jinja filters."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
CHECKED, UNCHECKED = "☑", "□"


def money(value: Decimal) -> str:
    """Amounts in 万元: thousands separators, 2 decimals (226 -> 226.00)."""
    return f"{Decimal(value).quantize(CENT, ROUND_HALF_UP):,.2f}"


def score(value: Decimal) -> str:
    """得分 and 总分: 2 decimals (20 -> 20.00)."""
    return f"{Decimal(value).quantize(CENT, ROUND_HALF_UP):.2f}"


def weight(value: Decimal) -> str:
    """分值 as written, without trailing zeros (20, 0.5, 1.5; 25.0 -> 25)."""
    text = f"{Decimal(value).normalize():f}"
    return text


FILTERS = {"money": money, "score": score, "weight": weight}
