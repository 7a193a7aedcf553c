"""What every form kind's model is built from: the plain mapping a reader (TOML or
workbook) produces, and a builder that turns its values into typed ones.

Every amount, weight and score is a Decimal. A reader hands over a ``RawInput``:
the data as nested dicts/lists in the TOML contract's shape, plus a function that
names where a key path sits in the source file (for messages).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from reportgen.errors import InputError
from reportgen.findings import Finding, error

KeyPath = tuple[str | int, ...]
MAX_NUMBER = Decimal(10) ** 12  # no amount, weight, score or count on the form is this large


@dataclass
class RawInput:
    """What a reader produces: contract-shaped data and a locator for messages."""

    data: dict[str, Any]
    source: Path
    locate: Callable[[KeyPath], str]
    findings: list[Finding]  # problems found while reading (e.g. unknown keys)


def tables_in(items: Any) -> list[dict[str, Any]]:
    """The tables of an array of tables, skipping anything else (for scaffolds of data
    that has not been validated)."""
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def key_name(path: KeyPath) -> str:
    """('indicators', 3, 'score') -> 'indicators[4].score' (1-based for people)."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += f".{part}" if out else part
    return out


_NUMBER_WITH_UNIT = re.compile(r"\s*(?P<number>[-+]?[0-9][0-9,]*(?:\.[0-9]+)?)\s*(?P<unit>[^\s0-9.,]+)\s*")


def number_advice(value: Any) -> str:
    """How to fix a value that should be a number: 「3分」 has an Arabic digit and a unit
    (drop the unit); 「三」 or 「３」 is not written in Arabic digits."""
    text = str(value)
    match = _NUMBER_WITH_UNIT.fullmatch(text)
    if match:
        return f"请去掉单位「{match.group('unit')}」，只填数字 {match.group('number').replace(',', '')}。"
    if any(c in "0123456789" for c in text):
        return "请只填数字（不要加文字、单位或空格）。"
    return "请改为阿拉伯数字。"


class Builder:
    """Reads typed values out of a RawInput, collecting located findings instead of
    raising at the first problem (a kind's model builder subclasses it)."""

    def __init__(self, raw: RawInput):
        self.raw = raw
        self.findings: list[Finding] = []

    def _fail(self, path: KeyPath, message: str) -> None:
        self.findings.append(error(self.raw.locate(path), message))

    def get(self, path: KeyPath, *, required: bool = True, label: str = "") -> Any:
        node: Any = self.raw.data
        for part in path:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                if required:
                    self._fail(path, f"缺少{label}，请填写。" if label
                               else f"缺少必填项「{key_name(path)}」，请补上。")
                return None
        return node

    def text(self, path: KeyPath, label: str, *, required: bool = True) -> str:
        value = self.get(path, required=required, label=label)
        if value is None:
            return ""
        if isinstance(value, str):
            if required and not value.strip():
                self._fail(path, f"「{label}」不能为空，请填写。")
            return value
        if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
            return str(value)
        self._fail(path, f"「{label}」应为文字，请改为文字内容。")
        return ""

    def number(self, path: KeyPath, label: str, *, about: str = "", example: str = "12.5") -> Decimal:
        """about: which row it is, for people (（三级指标「…」）)."""
        value = self.get(path, label=label + about)
        if value is None:
            return Decimal(0)
        if isinstance(value, bool):
            value = None
        else:
            number = None
            if isinstance(value, int):
                number = Decimal(value)
            elif isinstance(value, Decimal):
                number = value
            elif isinstance(value, float):  # a reader that did not parse floats as Decimal
                number = Decimal(repr(value))
            elif isinstance(value, str):
                try:
                    number = Decimal(value.strip().replace(",", ""))
                except InvalidOperation:
                    number = None
            if number is not None and number.is_finite():
                if abs(number) < MAX_NUMBER:
                    return number
                self._fail(path, f"「{label}」{about}数值过大（{value}），请核对。")
                return Decimal(0)
        self._fail(path, f"「{label}」应为数字（如 {example}），现在是「{value}」{about}，"
                         f"{number_advice(value)}")
        return Decimal(0)

    def integer(self, path: KeyPath, label: str) -> int:
        number = self.number(path, label, example="12")
        if number != number.to_integral_value():
            self._fail(path, f"「{label}」应为整数，现在是 {number}。")
        return int(number)

    def items(self, path: KeyPath, label: str) -> list[Any]:
        value = self.get(path, label=label)
        if value is None:
            return []
        if not isinstance(value, list) or not value:
            self._fail(path, f"「{label}」至少要有一项，请补上。")
            return []
        return value

    def paragraphs(self, path: KeyPath, label: str) -> tuple[str, ...]:
        value = self.get(path, label=label)
        if isinstance(value, str):
            value = value.splitlines()
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            pass
        elif value is not None:
            self._fail(path, f"「{label}」应为文字或文字列表（每段一项）。")
            return ()
        paras = tuple(p for p in (value or []) if p.strip())
        if value is not None and not paras:
            self._fail(path, f"「{label}」不能为空，请填写完成情况。")
        return paras


def build(builder: Builder, make):
    """make() with the builder's findings: raise InputError with every error found."""
    model = make()
    problems = [f for f in builder.raw.findings + builder.findings if f.level == "error"]
    if problems:
        raise InputError(problems)
    return model
