"""The typed model of a department's self-evaluation (部门整体支出绩效自评表), built from
the contract-shaped data a reader produces. Every amount, weight and score is a Decimal."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from reportgen.model import Builder, RawInput, build
from reportgen.validate import to_decimal


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
    rule: str = ""  # 计分规则 key ("execution_rate" …), "" when scored by hand
    execution_rate: Decimal | None = None  # 执行率 (%) given for the execution_rate rule


@dataclass(frozen=True)
class Execution:
    """One row of 预算执行情况 ([execution]), in 万元."""

    initial: Decimal  # 年初预算数
    budget: Decimal  # 全年预算数
    spent: Decimal  # 全年执行数


EXECUTION_FIELDS: dict[str, str] = {"total": "合计", "basic": "基本支出", "project": "项目支出"}
STAFF_FIELDS: dict[str, str] = {
    "internal_units": "内设机构数", "staff_quota": "编制数", "staff_serving": "年末在职人数",
    "staff_retired": "离退休人数",
}
REPORT_FIELDS: dict[str, str] = {
    "notice": "自评通知", "notice_number": "通知文号", "tasks": "年度重点工作",
    "application": "结果应用", "other": "其他需要说明的问题", "self_name": "自称", "date": "成文日期",
}


@dataclass(frozen=True)
class ReportInput:
    """[report]: what only the 自评报告 prints (all optional)."""

    notice: str = ""  # 自评通知 (the notice's title, without 《》)
    notice_number: str = ""  # 通知文号
    tasks: tuple[str, ...] = ()  # 年度重点工作, one item each
    application: str = ""  # 自评结果应用
    other: str = ""  # 其他需要说明的问题
    self_name: str = ""  # 自称 (我局 …); derived from the name when blank
    date: dt.date | None = None  # 成文日期


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
    functions: str = ""  # 部门职能
    staff: dict[str, int | None] = field(default_factory=dict)  # STAFF_FIELDS -> count or None
    execution: dict[str, Execution] | None = None  # EXECUTION_FIELDS present; None: no [execution]
    report: ReportInput = ReportInput()


_DATE = re.compile(r"\s*(\d{4})\s*(?:[-/.年])\s*(\d{1,2})\s*(?:[-/.月])\s*(\d{1,2})\s*日?\s*")


_BAD_DATE = "「成文日期」应为日期（如 2023-04-28 或 2023年4月28日），"


class DepartmentBuilder(Builder):
    def count(self, path: tuple, label: str) -> int | None:
        """An optional count: an integer ≥ 0, or None when absent."""
        value = self.get(path, required=False)
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        number = None
        if isinstance(value, int | Decimal) and not isinstance(value, bool):
            number = Decimal(value)
        elif isinstance(value, str) and value.strip().isdigit():
            number = Decimal(value.strip())
        if number is None or number < 0 or number != number.to_integral_value():
            self._fail(path, f"「{label}」应为不小于 0 的整数（如 5），现在是「{value}」，"
                             "请改正；不清楚时可留空。")
            return None
        return int(number)

    def execution(self) -> dict[str, Execution] | None:
        table = self.get(("execution",), required=False)
        if table is None or table == {}:
            return None
        if not isinstance(table, dict):
            self._fail(("execution",), "预算执行情况应为一个表：[execution]，"
                                       "其中 total = [年初预算数, 全年预算数, 全年执行数]。")
            return None
        out: dict[str, Execution] = {}
        for key, label in EXECUTION_FIELDS.items():
            row = table.get(key)
            if row is None:
                if key == "total":
                    self._fail(("execution", "total"), "缺少预算执行情况的「合计」（年初预算数、全年预算数、"
                                                   "全年执行数，万元），请填写；不填时请删去整个预算执行情况。")
                continue
            if not isinstance(row, list) or len(row) != 3:
                self._fail(("execution", key), f"预算执行情况「{label}」应为三个数：[年初预算数, "
                                               f"全年预算数, 全年执行数]（万元），现在是「{row}」。")
                continue
            about = f"（预算执行情况「{label}」）"
            figures = [self.number(("execution", key, i), name, about=about)
                       for i, name in enumerate(("年初预算数", "全年预算数", "全年执行数"))]
            out[key] = Execution(*figures)
        return out

    def report_input(self) -> ReportInput:
        def text(key: str) -> str:
            return self.text(("report", key), REPORT_FIELDS[key], required=False).strip()

        tasks = self.get(("report", "tasks"), required=False)
        if isinstance(tasks, str):
            tasks = tasks.splitlines()
        if tasks is not None and not (isinstance(tasks, list) and all(isinstance(t, str) for t in tasks)):
            self._fail(("report", "tasks"), "「年度重点工作」应为文字或文字列表（每项一条）。")
            tasks = []
        date = self.get(("report", "date"), required=False)
        when: dt.date | None = None
        if isinstance(date, dt.datetime):
            when = date.date()
        elif isinstance(date, dt.date):
            when = date
        elif isinstance(date, str) and date.strip():
            match = _DATE.fullmatch(date)
            try:
                when = dt.date(*(int(g) for g in match.groups())) if match else None
            except ValueError:
                when = None
            if when is None:
                self._fail(("report", "date"), f"{_BAD_DATE}现在是「{date}」。")
        elif date is not None and date != "":
            self._fail(("report", "date"), f"{_BAD_DATE}现在是「{date}」。")
        return ReportInput(
            notice=text("notice"), notice_number=text("notice_number"),
            tasks=tuple(t.strip() for t in (tasks or []) if t.strip()),
            application=text("application"), other=text("other"), self_name=text("self_name"), date=when,
        )

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
                    rule=str(self.get((*at, "rule"), required=False) or ""),
                    execution_rate=to_decimal(self.get((*at, "execution_rate"), required=False), percent=True),
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
            functions=self.text(("department", "functions"), "部门职能", required=False).strip(),
            staff={key: self.count(("department", key), label) for key, label in STAFF_FIELDS.items()},
            execution=self.execution(),
            report=self.report_input(),
        )


def build_department(raw: RawInput) -> Department:
    """Build the typed model; raise InputError with every type problem found."""
    builder = DepartmentBuilder(raw)
    return build(builder, builder.department)
