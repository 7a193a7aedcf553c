"""The typed model of a project's self-evaluation (项目支出绩效自评表), built from the
contract-shaped data a reader produces. Every amount, weight and score is a Decimal."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from reportgen.forms.project.contract import (
    DEFAULT_MONEY_UNIT,
    FUND_COLUMN_LABELS,
    FUND_LABELS,
)
from reportgen.model import Builder, RawInput, build

SCORED_KEYS = ("name", "target", "actual", "weight", "score")  # what a category row leaves out


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def is_category_row(row: Any) -> bool:
    """A row with a 二级指标 and no 三级指标, 年度指标值, 实际完成值, 分值 or 得分 keeps an
    empty 二级指标 category on the form (real forms list 经济效益指标 with nothing under it)."""
    return (isinstance(row, dict) and not _blank(row.get("level2"))
            and all(_blank(row.get(key)) for key in SCORED_KEYS))


@dataclass(frozen=True)
class Funds:
    """One row of 项目资金."""

    initial: Decimal  # 年初预算数
    budget: Decimal  # 全年预算数
    spent: Decimal  # 全年执行数

    def __add__(self, other: Funds) -> Funds:
        return Funds(self.initial + other.initial, self.budget + other.budget, self.spent + other.spent)

    def values(self) -> tuple[Decimal, Decimal, Decimal]:
        return self.initial, self.budget, self.spent


@dataclass(frozen=True)
class IndicatorRow:
    """One row of 绩效指标; weight and score are None on an empty category row."""

    level1: str  # 一级指标
    level2: str  # 二级指标
    name: str  # 三级指标 ("" on a category row)
    target: str  # 年度指标值, as typed ("" when left blank)
    actual: str  # 实际完成值, as typed ("" when left blank)
    weight: Decimal | None  # 分值
    score: Decimal | None  # 得分
    reason: str = ""  # 偏差原因分析及改进措施

    @property
    def is_category(self) -> bool:
        return self.weight is None


@dataclass(frozen=True)
class Project:
    year: int
    money_unit: str  # 万元 or 元
    name: str  # 项目名称
    department: str  # 主管部门
    unit: str  # 实施单位
    current: Funds  # 其中：当年财政拨款
    carryover: Funds  # 上年结转资金
    other: Funds  # 其他资金
    total_given: Funds | None  # 年度资金总额 as typed (None: computed)
    goal_target: str  # 年度总体目标 · 预期目标
    goal_completion: str  # 年度总体目标 · 实际完成情况
    indicators: tuple[IndicatorRow, ...]
    source: Path | None = None
    department_at: str = ""  # where 主管部门 is written, and 全年预算数 (for the checks between forms)
    budget_at: str = ""
    background: str = ""  # [report] 项目概况 (the 自评报告 only)
    measures: str = ""  # [report] 改进措施及建议

    @property
    def total(self) -> Funds:
        """年度资金总额: the sum of its three rows (validation checks a typed one equals it)."""
        return self.current + self.carryover + self.other


class ProjectBuilder(Builder):
    def funds(self, key: str, *, required: bool = True) -> Funds | None:
        label = FUND_LABELS[key]
        path = ("funds", key)
        value = self.get(path, required=required, label=f"项目资金「{label}」这一行")
        if value is None:
            return None
        if not isinstance(value, list) or len(value) != 3:
            self._fail(path, f"项目资金「{label}」应为三个数字：[年初预算数, 全年预算数, 全年执行数]，"
                             f"如 {key} = [90, 89.974, 89.974]；没有的金额填 0。")
            return Funds(Decimal(0), Decimal(0), Decimal(0))
        numbers = []
        for position, item in enumerate(value):
            column = FUND_COLUMN_LABELS[position]
            if _blank(item):
                self._fail((*path, position), f"缺少项目资金「{label}」的{column}，请填写（没有时填 0）。")
                numbers.append(Decimal(0))
            else:
                numbers.append(self.number((*path, position), f"{label}的{column}"))
        return Funds(*numbers)

    def indicator(self, index: int) -> IndicatorRow:
        at = ("indicators", index)
        row = self.raw.data["indicators"][index]
        # Names decide which rows share a merged cell: a stray space must not split a group.
        level1 = self.text((*at, "level1"), "一级指标").strip()
        level2 = self.text((*at, "level2"), "二级指标").strip()
        if is_category_row(row):
            return IndicatorRow(level1, level2, "", "", "", None, None,
                                self.text((*at, "reason"), "偏差原因分析及改进措施", required=False))
        name = self.text((*at, "name"), "三级指标").strip()
        where = f"（{name}）" if name else f"（第{index + 1}个指标）"
        return IndicatorRow(
            level1=level1,
            level2=level2,
            name=name,
            # May be blank, as on real forms' qualitative rows (the checks warn with the row).
            target=self.text((*at, "target"), f"年度指标值{where}", required=False).strip(),
            actual=self.text((*at, "actual"), f"实际完成值{where}", required=False).strip(),
            weight=self.number((*at, "weight"), f"分值{where}"),
            score=self.number((*at, "score"), f"得分{where}"),
            reason=self.text((*at, "reason"), "偏差原因分析及改进措施", required=False),
        )

    def project(self) -> Project:
        unit = self.get(("money_unit",), required=False)
        indicators = tuple(self.indicator(i)
                           for i, _ in enumerate(self.items(("indicators",), "绩效指标")))
        zero = Funds(Decimal(0), Decimal(0), Decimal(0))
        return Project(
            year=self.integer(("year",), "年度"),
            money_unit=unit.strip() if isinstance(unit, str) and unit.strip() else DEFAULT_MONEY_UNIT,
            name=self.text(("project", "name"), "项目名称").strip(),
            department=self.text(("project", "department"), "主管部门").strip(),
            unit=self.text(("project", "unit"), "实施单位").strip(),
            current=self.funds("current") or zero,
            carryover=self.funds("carryover") or zero,
            other=self.funds("other") or zero,
            total_given=self.funds("total", required=False),
            goal_target=self.text(("goal", "target"), "年度总体目标的预期目标"),
            goal_completion=self.text(("goal", "completion"), "年度总体目标的实际完成情况"),
            indicators=indicators,
            source=self.raw.source,
            department_at=self.raw.locate(("project", "department")),
            budget_at=self.raw.locate(("funds", "total" if "total" in self.raw.data.get("funds", {}) else "current",
                                       1)),
            background=self.text(("report", "background"), "项目概况", required=False).strip(),
            measures=self.text(("report", "measures"), "改进措施及建议", required=False).strip(),
        )


def build_project(raw: RawInput) -> Project:
    """Build the typed model; raise InputError with every type problem found."""
    builder = ProjectBuilder(raw)
    return build(builder, builder.project)
