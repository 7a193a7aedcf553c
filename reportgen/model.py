"""The typed model of one department's self-evaluation, and its construction
from the plain mapping that a reader (TOML or workbook) produces.

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

from reportgen.findings import Finding, InputError, error

KeyPath = tuple[str | int, ...]
MAX_NUMBER = Decimal(10) ** 12  # no amount, weight, score or count on the form is this large


@dataclass(frozen=True)
class Budget:
    """年度部门预算情况, in 万元."""

    total: Decimal  # 总预算
    basic: Decimal  # 部门预算 · 基本支出
    project: Decimal  # 部门预算 · 项目支出
    special: Decimal  # 事业发展支出 · 专项资金
    other: Decimal  # 事业发展支出 · 其他事业发展支出
    city: Decimal  # 按预算级次划分 · 市本级资金
    transfer: Decimal  # 按预算级次划分 · 对下转移支付


BUDGET_FIELDS: dict[str, str] = {
    "total": "总预算",
    "basic": "基本支出",
    "project": "项目支出",
    "special": "专项资金",
    "other": "其他事业发展支出",
    "city": "市本级资金",
    "transfer": "对下转移支付",
}


@dataclass(frozen=True)
class Goal:
    """One 年度整体绩效目标 and the paragraphs of its 完成情况."""

    target: str
    completion: tuple[str, ...]


@dataclass(frozen=True)
class IndicatorRow:
    """One scored row of the indicator table (a 三级指标, or one part of it)."""

    level1: str  # 一级指标
    level2: str  # 二级指标
    name: str  # 三级指标
    weight: Decimal  # 分值
    explanation: str  # 指标解释
    score: Decimal  # 得分/自评分
    reason: str = ""  # 未达标原因
    measure: str = ""  # 改进措施


@dataclass(frozen=True)
class Department:
    year: int
    name: str  # 部门名称
    units: int  # 单位数
    unmet_reason: str  # 未能完成原因
    budget: Budget
    goals: tuple[Goal, ...]
    indicators: tuple[IndicatorRow, ...]
    source: Path | None = None


@dataclass
class RawInput:
    """What a reader produces: contract-shaped data and a locator for messages."""

    data: dict[str, Any]
    source: Path
    locate: Callable[[KeyPath], str]
    findings: list[Finding]  # problems found while reading (e.g. unknown keys)


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


class _Builder:
    """Turns RawInput into a Department, collecting type findings instead of raising early."""

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

    def department(self) -> Department:
        goals = tuple(
            Goal(
                target=self.text(("goals", i, "target"), f"目标{i + 1}"),
                completion=self.paragraphs(("goals", i, "completion"), f"目标{i + 1}完成情况"),
            )
            for i, _ in enumerate(self.items(("goals",), "年度整体绩效目标"))
        )
        rows: list[IndicatorRow] = []
        for i, _ in enumerate(self.items(("indicators",), "指标")):
            at = ("indicators", i)
            # Names decide which rows share a merged cell: a stray space must not split a group.
            level1 = self.text((*at, "level1"), "一级指标").strip()
            level2 = self.text((*at, "level2"), "二级指标").strip()
            name = self.text((*at, "name"), "三级指标").strip()
            about = f"（三级指标「{name}」）" if name else ""
            explanation = self.text((*at, "explanation"), "指标解释", required=False)
            previous = rows[-1] if rows else None
            if not explanation.strip():
                # A 三级指标 scored in parts may give its explanation on the first part only.
                if previous and (previous.level1, previous.level2, previous.name) == (
                        level1, level2, name):
                    explanation = previous.explanation
                else:
                    self._fail((*at, "explanation"), "「指标解释」不能为空，请填写。")
            rows.append(
                IndicatorRow(
                    level1=level1,
                    level2=level2,
                    name=name,
                    weight=self.number((*at, "weight"), "分值", about=about),
                    explanation=explanation,
                    score=self.number((*at, "score"), "得分", about=about),
                    reason=self.text((*at, "reason"), "未达标原因", required=False),
                    measure=self.text((*at, "measure"), "改进措施", required=False),
                )
            )
        return Department(
            year=self.integer(("year",), "年度"),
            name=self.text(("department", "name"), "部门名称").strip(),
            units=self.integer(("department", "units"), "单位数"),
            unmet_reason=self.text(("unmet_reason",), "未能完成原因", required=False),
            budget=Budget(**{
                key: self.number(("budget", key), label) for key, label in BUDGET_FIELDS.items()
            }),
            goals=goals,
            indicators=tuple(rows),
            source=self.raw.source,
        )


def build_department(raw: RawInput) -> Department:
    """Build the typed model; raise InputError with every type problem found."""
    builder = _Builder(raw)
    department = builder.department()
    problems = [f for f in raw.findings + builder.findings if f.level == "error"]
    if problems:
        raise InputError(problems)
    return department
