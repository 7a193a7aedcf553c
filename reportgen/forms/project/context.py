"""The template context of the project form (the contract the templates in
templates/project/ are written against): every value a .docx or .xlsx template can print.

Values stay typed (Decimal, int, str, None); templates format them with the filters of
``reportgen.formats`` (``{{ funds.total.budget|amount }}``, ``{{ row.score|points }}``).
"""

from __future__ import annotations

from typing import Any

from reportgen.forms.project.compute import Evaluation
from reportgen.forms.project.model import Funds
from reportgen.indicators import spans
from reportgen.rendering import Rendering

# Columns of the indicator table that merge vertically, and the group they follow. The
# block labels (项目资金, 年度总体目标, 绩效指标) are merged in the templates themselves.
MERGED_FIELDS: dict[str, str] = {"level1": "level1", "level2": "level2"}


def _funds(funds: Funds) -> dict[str, Any]:
    return {"initial": funds.initial, "budget": funds.budget, "spent": funds.spent}


def indicator_rows(evaluation: Evaluation) -> list[dict[str, Any]]:
    """One dict per row, in the order of the groups (merged cells repeat their value)."""
    rows: list[dict[str, Any]] = []
    for level1 in evaluation.levels:
        for level2 in level1.groups:
            for row in level2.rows:
                rows.append({
                    "level1": level1.name,
                    "level2": level2.name,
                    "name": row.name,
                    "target": row.target,
                    "actual": row.actual,
                    "weight": row.weight,
                    "score": row.score,
                    "reason": row.reason,
                })
    return rows


def build_context(evaluation: Evaluation) -> dict[str, Any]:
    project = evaluation.project
    return {
        "year": project.year,
        "money_unit": project.money_unit,
        "project": {"name": project.name, "department": project.department, "unit": project.unit},
        "funds": {
            "total": _funds(evaluation.funds_total),
            "current": _funds(project.current),
            "carryover": _funds(project.carryover),
            "other": _funds(project.other),
        },
        "budget_weight": evaluation.budget_weight,
        "execution_rate": evaluation.execution_rate,
        "budget_score": evaluation.budget_score,
        "goal": {"target": project.goal_target, "completion": project.goal_completion},
        "rows": indicator_rows(evaluation),
        "total_weight": evaluation.total_weight,
        "total_score": evaluation.total_score,
        "grade": evaluation.grade,
    }


def rendering(evaluation: Evaluation) -> Rendering:
    return Rendering(build_context(evaluation), spans(evaluation.levels), MERGED_FIELDS)
