"""`reportgen check --report`: an edited 自评报告 against its form (self-report.md §6).

What is left to write (【待填写…】, [待填写…], the 【草稿…】 banner, unrendered tags) is an
error, listed under its nearest heading. Each fact of the form (总分, each 一级指标's
得分, the budget figures, 执行率, each project's 总分) is looked for in the sentences (split
at 。；, a table row counting as one) that hold its label followed closely by a number: when
none of their numbers is the form's value, that is an error naming both; a label no longer found is a warning. The grade
after 评价等级 must be the form's. A below-full-marks indicator whose name is gone: warning.
The text is read with each paragraph's runs joined, as Word and WPS split them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from reportgen.findings import Finding, error, warning
from reportgen.report_text import blocks, left_over, paragraphs

_NUMBER = re.compile(r"(?<![\d.])-?\d[\d,]*(?:\.\d+)?")
_SENTENCE = re.compile(r"[^。；;]+")
_GRADE = re.compile(r"评价等级(?:为|是|：|:)?\s*[“\"「『]?\s*([优良中差])")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Fact:
    label: str  # the text that names it in the report (总分, 履职效能, 总预算 …)
    value: Decimal
    shown: str  # as the form prints it (94.49, 39,481.84, 89.51%)


@dataclass(frozen=True)
class ReportFacts:
    """What a draft must agree with (a kind's report_facts)."""

    numbers: tuple[Fact, ...] = ()
    grade: str | None = None
    names: tuple[str, ...] = ()  # indicators below full marks, each to be discussed
    extra: dict = field(default_factory=dict)


def numbers_in(text: str) -> list[Decimal]:
    found = []
    for match in _NUMBER.finditer(text):
        try:
            found.append(Decimal(match.group(0).replace(",", "")))
        except InvalidOperation:
            continue
    return found


def sentences(lines: Sequence[str]) -> list[str]:
    out = []
    for line in lines:
        if "｜" in line:  # a table row: one sentence
            out.append(line)
        else:
            out.extend(m.group(0) for m in _SENTENCE.finditer(line))
    return out


def _same(a: Decimal, b: Decimal) -> bool:
    return a.quantize(CENT) == b.quantize(CENT)


def check_report(path: Path, facts: ReportFacts, form: str) -> list[Finding]:
    """Every finding of one draft; `form`: the form's data file, for the messages."""
    where = path.name
    found: list[Finding] = []
    for heading, text in left_over(paragraphs(path)):
        kind = "模板标签没有生成" if text.startswith(("{", "｛")) else \
            "草稿说明尚未删除" if text.startswith("【草稿") else "尚未补写"
        found.append(error(f"{where}「{heading}」", f"{kind}：{text}"))
    lines = blocks(path)
    said = sentences(lines)
    for fact in facts.numbers:
        # A sentence says a fact when a number follows its label closely (履职效能分值50分，得分48.49分;
        # not 项目支出绩效自评，全年预算数合计…); a table row, when it holds the label at all.
        near = re.compile(re.escape(fact.label) + r"[^\d。；;]{0,6}?\d")
        holding = [s for s in said if (fact.label in s if "｜" in s else near.search(s))]
        if not holding:
            found.append(warning(where, f"报告中找不到「{fact.label}」（自评表为 {fact.shown}），"
                                        "请核对是否删改了这句话。"))
            continue
        numbers = [n for s in holding for n in numbers_in(s.split(fact.label, 1)[1] if "｜" not in s else s)]
        if any(_same(n, fact.value) for n in numbers):
            continue
        nearest = [found_after[0] for s in holding if "｜" not in s
                   for found_after in [numbers_in(s.split(fact.label, 1)[1])] if found_after]
        shown = "、".join(dict.fromkeys(_plain(n) for n in (nearest or numbers))) or "没有数字"
        found.append(error(where, f"「{fact.label}」与自评表不一致：报告中为 {shown}，自评表（{form}）为 "
                                  f"{fact.shown}。请改为 {fact.shown}，或先改正数据再重新生成自评表和报告。"))
    if facts.grade:
        for line in lines:
            if "｜" in line:
                continue
            for match in _GRADE.finditer(line):
                if match.group(1) != facts.grade:
                    found.append(error(where, f"评价等级与自评表不一致：报告中为“{match.group(1)}”，"
                                              f"自评表（{form}）为“{facts.grade}”。"))
    text = "\n".join(lines)
    for name in facts.names:
        if name not in text:
            found.append(warning(where, f"未得满分的指标「{name}」在报告中没有提到，请说明其扣分原因和改进措施。"))
    try:
        from reportgen.ooxml_check import available, template_findings
    except ImportError:  # pragma: no cover
        return found
    if available():
        for finding in template_findings(path):
            found.append(warning(finding.location, finding.message))
    return found


def _plain(value: Decimal) -> str:
    return f"{value:,f}" if abs(value) >= 1000 else f"{value:f}"
