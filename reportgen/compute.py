"""Compute what the form derives from the data: group 分值, 总分 and 评价等级."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from reportgen.model import Department, IndicatorRow

# 评价等级: (label, lower bound inclusive). 优 90 ≤ 总分 ≤ 100, 良 80 ≤ 总分 < 90, ...
GRADES: tuple[tuple[str, Decimal], ...] = (
    ("优", Decimal(90)),
    ("良", Decimal(80)),
    ("中", Decimal(60)),
    ("差", Decimal("-Infinity")),
)


def grade_for(total: Decimal) -> str:
    for label, floor in GRADES:
        if total >= floor:
            return label
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class Level3:
    """A 三级指标: one row, or several rows when it is scored in parts."""

    name: str
    explanation: str
    parts: tuple[IndicatorRow, ...]


@dataclass(frozen=True)
class Level2:
    name: str
    weight: Decimal  # sum of its rows' weights
    items: tuple[Level3, ...]

    @property
    def rows(self) -> tuple[IndicatorRow, ...]:
        return tuple(row for item in self.items for row in item.parts)


@dataclass(frozen=True)
class Level1:
    name: str
    weight: Decimal  # sum of its 二级指标
    groups: tuple[Level2, ...]

    @property
    def rows(self) -> tuple[IndicatorRow, ...]:
        return tuple(row for group in self.groups for row in group.rows)

    @property
    def score(self) -> Decimal:
        return sum((row.score for row in self.rows), Decimal(0))


@dataclass(frozen=True)
class Evaluation:
    department: Department
    levels: tuple[Level1, ...]
    total_weight: Decimal
    total_score: Decimal
    grade: str

    @property
    def rows_below_full_marks(self) -> int:
        return sum(1 for row in self.department.indicators if row.score < row.weight)


def _runs(rows, key):
    """Split rows into runs of consecutive rows sharing key(row)."""
    runs: list[list] = []
    for row in rows:
        if runs and key(runs[-1][0]) == key(row):
            runs[-1].append(row)
        else:
            runs.append([row])
    return runs


def group_indicators(rows: tuple[IndicatorRow, ...]) -> tuple[Level1, ...]:
    """Consecutive rows with the same level1 (then level2, then name) share a cell."""
    levels = []
    for run1 in _runs(rows, lambda r: r.level1):
        groups = []
        for run2 in _runs(run1, lambda r: r.level2):
            items = tuple(
                Level3(name=run3[0].name, explanation=run3[0].explanation, parts=tuple(run3))
                for run3 in _runs(run2, lambda r: r.name)
            )
            weight = sum((row.weight for row in run2), Decimal(0))
            groups.append(Level2(name=run2[0].level2, weight=weight, items=items))
        weight = sum((group.weight for group in groups), Decimal(0))
        levels.append(Level1(name=run1[0].level1, weight=weight, groups=tuple(groups)))
    return tuple(levels)


def evaluate(department: Department) -> Evaluation:
    levels = group_indicators(department.indicators)
    total_score = sum((row.score for row in department.indicators), Decimal(0))
    return Evaluation(
        department=department,
        levels=levels,
        total_weight=sum((level.weight for level in levels), Decimal(0)),
        total_score=total_score,
        grade=grade_for(total_score),
    )


@dataclass(frozen=True)
class SummaryRow:
    """One department's line in the year's 汇总表 (small: it crosses process boundaries)."""

    name: str
    units: int
    budget_total: Decimal
    level_scores: tuple[tuple[str, Decimal], ...]  # (一级指标, its score), in form order
    total_score: Decimal
    grade: str
    below_full_marks: int


def level_scores(levels: tuple[Level1, ...]) -> tuple[tuple[str, Decimal], ...]:
    """Each 一级指标's score, in form order; a name that comes back later in the table
    (not next to its first group) adds to the same total."""
    totals: dict[str, Decimal] = {}
    for level in levels:
        totals[level.name] = totals.get(level.name, Decimal(0)) + level.score
    return tuple(totals.items())


def summarize(evaluation: Evaluation) -> SummaryRow:
    department = evaluation.department
    return SummaryRow(
        name=department.name,
        units=department.units,
        budget_total=department.budget.total,
        level_scores=level_scores(evaluation.levels),
        total_score=evaluation.total_score,
        grade=evaluation.grade,
        below_full_marks=evaluation.rows_below_full_marks,
    )
