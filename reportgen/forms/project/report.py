"""The project's 自评报告 (项目支出绩效自评报告): its template context from the form's own
computation (self-report.md §2: the conclusion first, then the evidence)."""

from __future__ import annotations

from typing import Any

from reportgen.forms.project.compute import Evaluation
from reportgen.forms.project.context import build_context, rendering


def report_context(evaluation: Evaluation) -> dict[str, Any]:
    project = evaluation.project
    context = build_context(evaluation)
    scored = [row for row in project.indicators if row.name and row.weight is not None and row.score is not None]
    below = [row for row in scored if row.score < row.weight]
    context.update({
        "report": {"background": project.background, "measures": project.measures},
        "counts": {"indicators": len(scored), "full": len(scored) - len(below), "below": len(below)},
        "reached": len(scored) - len(below),
        "budget_lost": evaluation.budget_weight - evaluation.budget_score,
        "below": [{"number": number, "name": row.name, "target": row.target, "actual": row.actual,
                   "weight": row.weight, "score": row.score, "lost": row.weight - row.score,
                   "reasons": [line.strip() for line in row.reason.splitlines() if line.strip()]}
                  for number, row in enumerate(below, start=1)],
    })
    return context


def report_rendering(evaluation: Evaluation):
    base = rendering(evaluation)
    return type(base)(report_context(evaluation), base.spans, base.merged_fields)


def report_facts(context: dict[str, Any]):
    from reportgen.formats import amount, percent, points
    from reportgen.report_check import Fact, ReportFacts

    total = context["funds"]["total"]
    facts = [Fact("总分", context["total_score"], points(context["total_score"])),
             Fact("全年预算数", total["budget"], amount(total["budget"])),
             Fact("全年执行数", total["spent"], amount(total["spent"])),
             Fact("预算执行得分", context["budget_score"], points(context["budget_score"]))]
    if context["execution_rate"] is not None:
        facts.append(Fact("执行率", context["execution_rate"], percent(context["execution_rate"])))
    return ReportFacts(numbers=tuple(facts), grade=context["grade"],
                       names=tuple(item["name"] for item in context["below"]))
