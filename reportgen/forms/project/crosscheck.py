"""Checks between a year's project forms and its department forms (project-form.md,
"Checks between the forms"), on the forms' summary rows:

- each project's 主管部门 has a department form that year (a warning otherwise);
- per department, Σ 全年预算数 of its projects ≤ the department form's 项目支出 (a warning on
  each of its projects otherwise, naming both figures and the projects counted).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from reportgen.findings import Finding, warning
from reportgen.formats import amount
from reportgen.forms.project.compute import SummaryRow


def _departments(others: Mapping[Any, Sequence[Any]]) -> dict[str, Any]:
    """The department forms built this year (the rows of the kind the others belong to),
    by 部门名称."""
    found: dict[str, Any] = {}
    for kind, rows in others.items():
        if getattr(kind, "is_group", False):
            for row in rows:
                found[row.name] = row
    return found


LISTED = 10  # names a message lists at most: a province's year must not give each warning a book


def _some(items: Sequence[str], noun: str) -> str:
    """The first LISTED items joined, then how many in all."""
    shown = "；".join(items[:LISTED])
    return shown if len(items) <= LISTED else f"{shown}；……（共 {len(items)} 个{noun}）"


def cross_check(rows: Sequence[SummaryRow], others: Mapping[Any, Sequence[Any]]) -> dict[int, list[Finding]]:
    departments = _departments(others)
    out: dict[int, list[Finding]] = {}
    by_department: dict[str, list[int]] = {}
    known = (f"本年度生成的部门表：{_some(list(departments), '部门')}" if departments
             else "本年度没有生成任何部门表")  # once: not a list of every department per project
    for index, row in enumerate(rows):
        if row.department not in departments:
            out.setdefault(index, []).append(warning(row.department_at or row.source, (
                f"本年度没有主管部门「{row.department}」的部门整体支出绩效自评表（{known}）。请核对主管部门"
                "是否与部门数据文件中的部门名称完全一致，或补上该部门的数据文件（部门数据有错误未能生成时，"
                "也会出现本提示）。项目表照常生成。")))
            continue
        by_department.setdefault(row.department, []).append(index)
    for name, indexes in by_department.items():
        department = departments[name]
        limit = department.budget_project
        counted = sum((rows[i].budget for i in indexes), Decimal(0))
        if counted <= limit:
            continue
        listed = _some([f"{rows[i].source}（{rows[i].name}）{amount(rows[i].budget)} 万元" for i in indexes], "项目")
        source = getattr(department, "source", "") or "部门数据文件"
        message = (  # one text for every project of the department (thousands of them)
            f"主管部门「{name}」的 {len(indexes)} 个项目全年预算数合计 {amount(counted)} 万元，超过该部门"
            f"整体支出绩效自评表（{source}）中的项目支出 {amount(limit)} 万元"
            f"（多 {amount(counted - limit)} 万元）。"
            f"计入的项目：{listed}。请核对各项目的全年预算数和金额单位（万元/元），以及部门的项目支出。")
        for index in indexes:
            out.setdefault(index, []).append(warning(rows[index].budget_at or rows[index].source, message))
    return out
