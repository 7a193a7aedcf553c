"""Amounts typed with a money unit (issue 19): ``1,205,000元`` in a form kept in 万元.

The unit a clerk types is the one piece of information that tells which figure is meant, so
it is never dropped. An amount with a unit (元, 千元, 万元, 亿元, or ¥ before it; thousands
separators allowed; full-width digits folded) is converted exactly (Decimal) to the form's unit:

- the same unit: the number is taken as is, silently (``120.5万元`` in a 万元 form);
- another unit, exact within the form's decimals: taken converted, with a warning that shows
  both figures (``1,205,000元 按本表单位记为 120.5 万元``);
- another unit, not exact: refused, the converted figure (rounded half-up to the form's
  decimals) given as the fix.

A kind declares its unit in its contract (``Contract.money``); the generic validation
(reportgen/validate.py ``prepare``) runs ``convert_amounts`` on the contract's amount tables
before the model is built, so the TOML file and the workbook are treated alike.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any

from reportgen.contract import Contract, KeyedRowsSheet, Money
from reportgen.findings import Finding, error, warning
from reportgen.model import KeyPath

# How many 元 one of each unit is.
UNIT_FACTORS: dict[str, Decimal] = {"元": Decimal(1), "千元": Decimal(1000), "万元": Decimal(10000),
                                    "亿元": Decimal(100000000)}
# A number, with correct thousands separators only ("1,205,000"; "120,5" is not one: in some
# countries the comma is the decimal mark), then a unit.
# ¥ (the full-width ￥ folds to it) before the number stands for 元 when no unit follows.
_AMOUNT = re.compile(r"(?P<sign>[-+]?)\s*(?P<yen>¥?)\s*(?P<number>(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?)"
                     r"\s*(?P<unit>" + "|".join(sorted(UNIT_FACTORS, key=len, reverse=True)) + r")?")
PRECISION = 50


def parse_amount(text: str) -> tuple[Decimal, str] | None:
    """``1,205,000元`` -> (Decimal('1205000'), '元'); ``１２０．５ 万元`` -> (120.5, '万元');
    ``￥1,205,000.00`` -> (1205000.00, '元'); anything else (no unit, an unknown unit, a badly
    grouped number) -> None."""
    folded = unicodedata.normalize("NFKC", text).strip()
    match = _AMOUNT.fullmatch(folded)
    if match is None or not (match["unit"] or match["yen"]):
        return None
    number = Decimal(match["number"].replace(",", ""))
    return (-number if match["sign"] == "-" else number), match["unit"] or "元"


def plain(value: Decimal) -> str:
    """A figure without exponent or trailing zeros, grouped by thousands: 1,205,000 / 120.5."""
    text = f"{value.normalize():,f}"
    return "0" if text in ("-0", "") else text


def _places(value: Decimal) -> int:
    return max(0, -value.normalize().as_tuple().exponent)


def convert(number: Decimal, unit: str, to_unit: str) -> Decimal:
    """number in unit, exactly, in to_unit (no rounding; trailing zeros dropped)."""
    with localcontext() as ctx:
        ctx.prec = PRECISION
        value = number * UNIT_FACTORS[unit] / UNIT_FACTORS[to_unit]
        return value.quantize(Decimal(1).scaleb(-_places(value)))


def form_unit(data: dict[str, Any], money: Money) -> str | None:
    """The unit the form's amounts are in; None when the data names one the kind does not
    know (its own check reports that)."""
    if money.key is None:
        return money.default
    given = data.get(money.key)
    if given is None or (isinstance(given, str) and not given.strip()):
        return money.default
    given = given.strip() if isinstance(given, str) else given
    return given if given in money.places else None


def _label(contract: Contract, path: KeyPath) -> str:
    """What an amount is called: 「总预算」; 项目资金「当年财政拨款」的全年预算数."""
    if isinstance(path[-1], int):
        sheet = next((s for s in contract.sheets if isinstance(s, KeyedRowsSheet) and s.key == path[0]), None)
        column = (sheet.columns[path[-1]].header if sheet and path[-1] < len(sheet.columns)
                  else f"第{path[-1] + 1}个数")
        return f"{contract.label_of(path[:1])}「{contract.label_of(path[:-1])}」的{column}"
    return f"「{contract.label_of(path)}」"


def _amount_cells(data: dict[str, Any], contract: Contract):
    """(key path, value) of every amount the contract's amount tables hold as text."""
    for table in contract.amounts:
        node: Any = data
        for part in table:
            node = node.get(part) if isinstance(node, dict) else None
        if not isinstance(node, dict):
            continue
        for key, value in node.items():
            if isinstance(value, list):
                for position, item in enumerate(value):
                    if isinstance(item, str):
                        yield (*table, key, position), value, position
            elif isinstance(value, str):
                yield (*table, key), node, key


def convert_amounts(data: dict[str, Any], locate: Callable[[KeyPath], str],
                    contract: Contract) -> list[Finding]:
    """Replace, in place, every amount typed with a unit by the figure in the form's unit;
    a warning for each one converted, an error for each one that cannot be (see module)."""
    money = contract.money
    if money is None:
        return []
    to_unit = form_unit(data, money)
    if to_unit is None:
        return []
    places = money.places[to_unit]
    findings: list[Finding] = []
    with localcontext() as ctx:
        ctx.prec = PRECISION  # exact for any figure typed (a huge one is refused by the model)
        for path, holder, slot in list(_amount_cells(data, contract)):
            findings.extend(_convert_one(path, holder, slot, to_unit, places, money, contract, locate))
    return findings


def _convert_one(path: KeyPath, holder: Any, slot: Any, to_unit: str, places: int, money: Money,
                 contract: Contract, locate: Callable[[KeyPath], str]) -> list[Finding]:
    """Convert holder[slot] (a text) in place when it is an amount with a unit; its finding."""
    typed = holder[slot]
    parsed = parse_amount(typed)
    if parsed is None:
        return []  # no unit (or an unknown one): the model reports it as it does any number
    number, unit = parsed
    if unit == to_unit:
        holder[slot] = number
        return []
    value = convert(number, unit, to_unit)
    label = _label(contract, path)
    shown = typed.strip()
    if _places(value) <= places:
        holder[slot] = value
        return [warning(locate(path), (
            f"{label} {shown} 按本表单位记为 {plain(value)} {to_unit}（本表金额单位为{to_unit}）。"
            "请核对；如单位填错，请改正。"))]
    rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    holder[slot] = rounded  # reported here, not again as too many decimals
    other = ""
    if money.key is not None and unit in money.places:
        other = f"或把{contract.label_of((money.key,))}改为{unit}、全部金额按{unit}填写，"
    return [error(locate(path), (
        f"{label} {shown} 换算为本表单位是 {plain(value)} {to_unit}，超过{places}位小数"
        f"（本表金额单位为{to_unit}，最多{places}位小数），不能照原数记入。请填写 "
        f"{rounded:f}（{to_unit}，已四舍五入到{places}位小数），{other}"
        "或核对原数。"))]
