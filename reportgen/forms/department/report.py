"""The department's 自评报告 (部门整体支出绩效自评报告): its template context, from the
form's own computation (self-report.md §2, §5), so that the draft and the form cannot
disagree. Values stay typed; the template prints them with the form's filters."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from reportgen.forms.department.compute import Evaluation
from reportgen.forms.department.context import build_context
from reportgen.forms.department.model import Execution
from reportgen.forms.department.rules import EXECUTION_RATE
from reportgen.indicators import Level3, Span, total
from reportgen.rendering import Rendering

CENT = Decimal("0.01")
TEN_THOUSAND = Decimal(10000)
RATE_INDICATOR = "部门预算资金支出率"  # the standard indicator the 执行率 is scored by

# 自称 from the end of the name (our choice; [report] self_name overrides it).
_SELF_NAMES = (("委员会", "我委"), ("办公室", "我办"), ("局", "我局"), ("委", "我委"), ("办", "我办"),
               ("中心", "我中心"), ("厅", "我厅"))

# 表1 merges 一级/二级指标 over its rows (one per 三级指标).
MERGED_FIELDS: dict[str, str] = {"level1": "level1", "level2": "level2"}


def self_name(name: str, given: str = "") -> str:
    if given:
        return given
    for ending, pronoun in _SELF_NAMES:
        if name.endswith(ending):
            return pronoun
    return "我单位"


def rate(spent: Decimal, budget: Decimal) -> Decimal | None:
    """执行率 in percent, half-up to 2 decimals; None without a budget."""
    if not budget:
        return None
    return (spent / budget * 100).quantize(CENT, ROUND_HALF_UP)


def _execution(row: Execution) -> dict[str, Any]:
    return {"initial": row.initial, "budget": row.budget, "spent": row.spent,
            "adjust": row.budget - row.initial, "rate": rate(row.spent, row.budget)}


def _unique(texts: Sequence[str]) -> list[str]:
    """Texts of a 三级指标's parts in order, blanks and repeats dropped; each text's lines
    are its paragraphs."""
    out: list[str] = []
    for text in texts:
        for line in text.splitlines():
            line = line.strip()
            if line and line not in out:
                out.append(line)
    return out


def _level3_figures(item: Level3) -> tuple[Decimal, Decimal]:
    return total(p.weight for p in item.parts), total(p.score for p in item.parts)


def report_context(evaluation: Evaluation, projects: Sequence[Any] = ()) -> dict[str, Any]:
    """The template context of the department's 自评报告. projects: the summary rows of
    its project forms (reportgen.forms.project.compute.SummaryRow), in file order."""
    department = evaluation.department
    context = build_context(evaluation)
    del context["rows"], context["check"]  # the form's per-part rows and tick boxes
    rows: list[dict[str, Any]] = []
    below: list[dict[str, Any]] = []
    levels: list[dict[str, Any]] = []
    rate_row = None
    for level1 in evaluation.levels:
        groups = []
        for level2 in level1.groups:
            for item in level2.items:
                weight, score = _level3_figures(item)
                rows.append({"level1": level1.name, "level2": level2.name, "name": item.name,
                             "weight": weight, "score": score})
                if score < weight:
                    below.append({"number": len(below) + 1, "name": item.name, "weight": weight, "score": score,
                                  "lost": weight - score,
                                  "reasons": _unique([p.reason for p in item.parts]),
                                  "measures": _unique([p.measure for p in item.parts])})
                if rate_row is None and (item.name == RATE_INDICATOR
                                         or any(p.rule == EXECUTION_RATE for p in item.parts)):
                    given = next((p.execution_rate for p in item.parts if p.execution_rate is not None), None)
                    rate_row = {"name": item.name, "weight": weight, "score": score, "execution_rate": given}
            groups.append({"name": level2.name, "weight": level2.weight,
                           "score": total(r.score for r in level2.rows)})
        levels.append({"name": level1.name, "weight": level1.weight, "score": level1.score, "groups": groups})
    execution = None
    if department.execution:
        execution = {key: (_execution(row) if row else None) for key in ("total", "basic", "project")
                     for row in [department.execution.get(key)]}
    report = department.report
    listed = [{"name": p.name, "budget": p.budget, "spent": p.spent, "rate": p.execution_rate,
               "score": p.total_score, "grade": p.grade} for p in projects]
    context.update({
        "self_name": self_name(department.name, report.self_name),
        "department": {**context["department"], "functions": department.functions,
                       **{key: department.staff.get(key) for key in
                          ("internal_units", "staff_quota", "staff_serving", "staff_retired")}},
        "report": {"notice": report.notice, "notice_number": report.notice_number, "tasks": list(report.tasks),
                   "application": report.application, "other": report.other,
                   "date": f"{report.date.year}年{report.date.month}月{report.date.day}日" if report.date else ""},
        "execution": execution,
        "rate_row": rate_row,
        "levels": levels,
        "rows": rows,
        "counts": {"indicators": len(rows), "full": len(rows) - len(below), "below": len(below)},
        "lost": evaluation.total_weight - evaluation.total_score,
        "below": below,
        "projects": listed,
        "projects_total": _projects_total(listed),
    })
    return context


def _projects_total(listed: list[dict[str, Any]]) -> dict[str, Any] | None:
    if not listed:
        return None
    budget, spent = total(p["budget"] for p in listed), total(p["spent"] for p in listed)
    return {"budget": budget, "spent": spent, "rate": rate(spent, budget)}


def report_facts(context: dict[str, Any]):
    """What an edited draft must still say (reportgen.report_check), from its context."""
    from reportgen.formats import money, percent, points, score
    from reportgen.report_check import Fact, ReportFacts

    facts = [Fact("总分", context["total_score"], score(context["total_score"]))]
    facts += [Fact(level["name"], level["score"], score(level["score"])) for level in context["levels"]]
    labels = {"total": "总预算", "basic": "基本支出", "project": "项目支出", "special": "专项资金",
              "other": "其他事业发展支出", "city": "市本级资金", "transfer": "对下转移支付"}
    facts += [Fact(label, context["budget"][key], money(context["budget"][key])) for key, label in labels.items()]
    total_row = (context["execution"] or {}).get("total")
    if total_row:
        facts += [Fact(label, total_row[key], money(total_row[key]))
                  for key, label in (("initial", "年初预算数"), ("budget", "全年预算数"), ("spent", "全年执行数"))]
        if total_row["rate"] is not None:
            facts.append(Fact("执行率", total_row["rate"], percent(total_row["rate"])))
    facts += [Fact(project["name"], project["score"], points(project["score"])) for project in context["projects"]]
    return ReportFacts(numbers=tuple(facts), grade=context["grade"],
                       names=tuple(item["name"] for item in context["below"]))


def report_rendering(evaluation: Evaluation, projects: Sequence[Any] = ()) -> Rendering:
    return Rendering(report_context(evaluation, projects), spans_of(evaluation), MERGED_FIELDS)


def spans_of(evaluation: Evaluation) -> dict[str, list[Span]]:
    """The rows of 表1 (one per 三级指标) each 一级 and 二级指标 covers."""
    out: dict[str, list[Span]] = {"level1": [], "level2": []}
    start = 0
    for level1 in evaluation.levels:
        start1 = start
        for level2 in level1.groups:
            out["level2"].append(Span(start, len(level2.items)))
            start += len(level2.items)
        out["level1"].append(Span(start1, start - start1))
    return out
