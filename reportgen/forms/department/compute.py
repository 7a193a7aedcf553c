"""What the department form derives from the data: group 分值, 总分 and 评价等级."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from reportgen.forms.department.model import Department
from reportgen.indicators import Level1, group_indicators, level_scores, total
from reportgen.settings import Settings


@dataclass(frozen=True)
class Evaluation:
    department: Department
    levels: tuple[Level1, ...]
    total_weight: Decimal
    total_score: Decimal
    grade: str
    grades: tuple[tuple[str, Decimal], ...]  # the year's 评价等级 cut-offs (Settings.grades)

    @property
    def rows_below_full_marks(self) -> int:
        return sum(1 for row in self.department.indicators if row.score < row.weight)


def evaluate(department: Department, settings: Settings) -> Evaluation:
    levels = group_indicators(department.indicators)
    total_score = total(row.score for row in department.indicators)
    return Evaluation(
        department=department,
        levels=levels,
        total_weight=total(level.weight for level in levels),
        total_score=total_score,
        grade=settings.grade_for(total_score),
        grades=settings.grades,
    )


@dataclass(frozen=True, slots=True)
class SummaryRow:
    """One department's line in the year's 汇总表 (small: it crosses process boundaries)."""

    name: str
    units: int
    budget_total: Decimal
    budget_project: Decimal  # 项目支出, for the checks of its projects
    level_scores: tuple[tuple[str, Decimal], ...]  # (一级指标, its score), in form order
    total_score: Decimal
    grade: str
    below_full_marks: int
    source: str = ""  # its data file's name, for the messages of the checks between forms


def summarize(evaluation: Evaluation) -> SummaryRow:
    department = evaluation.department
    return SummaryRow(
        name=department.name,
        units=department.units,
        budget_total=department.budget.total,
        budget_project=department.budget.project,
        level_scores=level_scores(evaluation.levels),
        total_score=evaluation.total_score,
        grade=evaluation.grade,
        below_full_marks=evaluation.rows_below_full_marks,
        source=department.source.name if department.source else "",
    )
