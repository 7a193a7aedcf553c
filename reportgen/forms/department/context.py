"""The template context: every value a .docx or .xlsx template can print.

Values stay typed (Decimal, int, str); templates format numbers with the filters of
``reportgen.formats`` (``{{ budget.total|money }}``). The same context feeds both
renderers, so what an admin can write in one template works in the other.
"""

from __future__ import annotations

from typing import Any

from reportgen.formats import CHECKED, UNCHECKED
from reportgen.forms.department.compute import Evaluation
from reportgen.indicators import spans
from reportgen.rendering import Rendering

# Columns of the indicator table that merge vertically, and the group they follow.
MERGED_FIELDS: dict[str, str] = {
    "level1": "level1",
    "level1_weight": "level1",
    "level2": "level2",
    "level2_weight": "level2",
    "name": "level3",
    "explanation": "level3",
}

GRADE_KEYS = {"优": "excellent", "良": "good", "中": "fair", "差": "poor"}


def completion_paragraphs(goals) -> list[str]:
    """The 整体绩效目标完成情况 text: each goal's heading, then its paragraphs. A goal
    with one paragraph runs on after its heading (目标2：圆满完成……)."""
    out: list[str] = []
    for number, goal in enumerate(goals, start=1):
        heading = f"目标{number}："
        if len(goal.completion) == 1:
            out.append(heading + goal.completion[0])
        else:
            out.append(heading)
            out.extend(goal.completion)
    return out


def indicator_rows(evaluation: Evaluation) -> list[dict[str, Any]]:
    """One dict per indicator row, every column filled (merged cells repeat their value)."""
    rows: list[dict[str, Any]] = []
    for level1 in evaluation.levels:
        for level2 in level1.groups:
            for level3 in level2.items:
                explanation = level3.parts[0].explanation
                for part in level3.parts:
                    rows.append({
                        "level1": level1.name,
                        "level1_weight": level1.weight,
                        "level2": level2.name,
                        "level2_weight": level2.weight,
                        "name": level3.name,
                        "weight": part.weight,
                        "explanation": explanation,
                        "score": part.score,
                        "reason": part.reason,
                        "measure": part.measure,
                    })
    return rows


def build_context(evaluation: Evaluation) -> dict[str, Any]:
    department = evaluation.department
    return {
        "year": department.year,
        "department": {"name": department.name, "units": department.units},
        "goals": [
            {"number": number, "target": goal.target, "completion": list(goal.completion)}
            for number, goal in enumerate(department.goals, start=1)
        ],
        "completion_paragraphs": completion_paragraphs(department.goals),
        "unmet_reason": department.unmet_reason,
        "budget": {
            name: getattr(department.budget, name)
            for name in ("total", "basic", "project", "special", "other", "city", "transfer")
        },
        "rows": indicator_rows(evaluation),
        "total_weight": evaluation.total_weight,
        "total_score": evaluation.total_score,
        "grade": evaluation.grade,
        "check": {
            GRADE_KEYS[label]: CHECKED if label == evaluation.grade else UNCHECKED
            for label, _ in evaluation.grades
        },
    }


def rendering(evaluation: Evaluation) -> Rendering:
    return Rendering(build_context(evaluation), spans(evaluation.levels), MERGED_FIELDS)
