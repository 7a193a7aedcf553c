"""What the project form derives from the data: 年度资金总额, 执行率 and the 预算执行 得分,
总分 and 评价等级, and the form's line in the year's 汇总表."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from reportgen.forms.project import rules
from reportgen.forms.project.model import Funds, Project
from reportgen.indicators import Level1, group_indicators, total
from reportgen.settings import Settings

TEN_THOUSAND = Decimal(10000)


@dataclass(frozen=True)
class Evaluation:
    project: Project
    funds_total: Funds  # 年度资金总额
    execution_rate: Decimal | None  # in percent, 2 decimals; None when nothing was budgeted
    budget_weight: Decimal  # 预算执行 分值
    budget_score: Decimal  # 预算执行 得分
    levels: tuple[Level1, ...]
    total_weight: Decimal  # 预算执行 分值 + Σ 分值 (100)
    total_score: Decimal  # 预算执行 得分 + Σ 得分
    grade: str


def evaluate(project: Project, budget_weight: Decimal, settings: Settings) -> Evaluation:
    funds = project.total
    rate = rules.execution_rate(funds.budget, funds.spent)  # validation refused 0 with spending
    budget_score = rules.budget_score(budget_weight, rate)
    total_score = budget_score + total(row.score for row in project.indicators)
    return Evaluation(
        project=project,
        funds_total=funds,
        execution_rate=rate,
        budget_weight=budget_weight,
        budget_score=budget_score,
        levels=group_indicators(project.indicators),
        total_weight=budget_weight + total(row.weight for row in project.indicators),
        total_score=total_score,
        grade=rules.grade_for(total_score, settings.grades),
    )


def in_wan(value: Decimal, unit: str) -> Decimal:
    """An amount in 万元 (元 ÷ 10000)."""
    return value / TEN_THOUSAND if unit == "元" else value


@dataclass(frozen=True, slots=True)
class SummaryRow:
    """One project's line in the year's 汇总表 and its cross checks (small and picklable:
    it crosses process boundaries)."""

    name: str  # 项目名称
    department: str  # 主管部门
    source: str  # its data file's name, for messages
    budget: Decimal  # 全年预算数 of 年度资金总额, in 万元
    spent: Decimal  # 全年执行数, in 万元
    execution_rate: Decimal | None
    total_score: Decimal
    grade: str
    blank_actuals: int = 0  # indicators whose 实际完成值 was left blank
    department_at: str = ""  # where its 主管部门 is written (file, line or cell), for messages
    budget_at: str = ""  # where its 全年预算数 is


def summarize(evaluation: Evaluation) -> SummaryRow:
    project = evaluation.project
    unit = project.money_unit
    return SummaryRow(
        name=project.name,
        department=project.department,
        source=project.source.name if project.source else "",
        budget=in_wan(evaluation.funds_total.budget, unit),
        spent=in_wan(evaluation.funds_total.spent, unit),
        execution_rate=evaluation.execution_rate,
        total_score=evaluation.total_score,
        grade=evaluation.grade,
        blank_actuals=sum(1 for row in project.indicators if not row.is_category and not row.actual),
        department_at=project.department_at,
        budget_at=project.budget_at,
    )
