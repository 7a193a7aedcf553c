"""The typed model of a department's self-evaluation (部门整体支出绩效自评表), built from
the contract-shaped data a reader produces. Every amount, weight and score is a Decimal."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from reportgen.model import Builder, RawInput, build


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


class DepartmentBuilder(Builder):
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
    builder = DepartmentBuilder(raw)
    return build(builder, builder.department)
