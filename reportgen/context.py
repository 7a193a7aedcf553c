"""The template context: every value a .docx or .xlsx template can print.

Values stay typed (Decimal, int, str); templates format numbers with the filters of
``reportgen.formats`` (``{{ budget.total|money }}``). The same context feeds both
renderers, so what an admin can write in one template works in the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reportgen.compute import GRADES, Evaluation
from reportgen.formats import CHECKED, UNCHECKED

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


@dataclass(frozen=True)
class Span:
    start: int  # index into rows
    length: int


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


def indicator_rows(evaluation: Evaluation) -> tuple[list[dict[str, Any]], dict[str, list[Span]]]:
    """One dict per indicator row (every column filled) and the spans to merge."""
    rows: list[dict[str, Any]] = []
    spans: dict[str, list[Span]] = {"level1": [], "level2": [], "level3": []}
    for level1 in evaluation.levels:
        spans["level1"].append(Span(len(rows), len(level1.rows)))
        for level2 in level1.groups:
            spans["level2"].append(Span(len(rows), len(level2.rows)))
            for level3 in level2.items:
                spans["level3"].append(Span(len(rows), len(level3.parts)))
                for part in level3.parts:
                    rows.append({
                        "level1": level1.name,
                        "level1_weight": level1.weight,
                        "level2": level2.name,
                        "level2_weight": level2.weight,
                        "name": level3.name,
                        "weight": part.weight,
                        "explanation": level3.explanation,
                        "score": part.score,
                        "reason": part.reason,
                        "measure": part.measure,
                    })
    return rows, spans


def build_context(evaluation: Evaluation) -> dict[str, Any]:
    department = evaluation.department
    rows, _ = indicator_rows(evaluation)
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
        "rows": rows,
        "total_weight": evaluation.total_weight,
        "total_score": evaluation.total_score,
        "grade": evaluation.grade,
        "check": {
            GRADE_KEYS[label]: CHECKED if label == evaluation.grade else UNCHECKED
            for label, _ in GRADES
        },
    }
