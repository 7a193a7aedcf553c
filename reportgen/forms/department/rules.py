"""Score rules: a clerk may give the figures an indicator is scored from instead of
typing its 得分. Pure functions on Decimal; no I/O, no knowledge of file formats.

- ``execution_rate`` (预算执行率): score = 分值 × min(rate, 100%), e.g. 89.51% of 10 → 8.95.
- ``output_targets`` (产出指标完成情况): score = 分值 × mean of each performance target's
  completion ratio (capped at 1), e.g. 20 × (20 + 3.5/6 + 904/994) / 22 → 19.54.

Scores are rounded half-up to 2 decimals, as the form prints them.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
ONE = Decimal(1)

EXECUTION_RATE = "execution_rate"
OUTPUT_TARGETS = "output_targets"

# Rule key -> the Chinese name a clerk sees and may type (workbook column 计分规则).
RULE_LABELS: dict[str, str] = {
    EXECUTION_RATE: "预算执行率",
    OUTPUT_TARGETS: "产出指标完成情况",
}

AT_LEAST, AT_MOST = ">=", "<="
_DIRECTIONS = {
    ">=": AT_LEAST, "≥": AT_LEAST, "＞＝": AT_LEAST, "越大越好": AT_LEAST, "不低于": AT_LEAST,
    "<=": AT_MOST, "≤": AT_MOST, "＜＝": AT_MOST, "越小越好": AT_MOST, "不高于": AT_MOST,
}


def rule_key(text: str) -> str | None:
    """'execution_rate' or its Chinese name -> 'execution_rate'; unknown -> None."""
    cleaned = text.strip()
    if cleaned in RULE_LABELS:
        return cleaned
    for key, label in RULE_LABELS.items():
        if cleaned == label:
            return key
    return None


def suggest_rule(text: str) -> str | None:
    """The nearest rule name (key or label) to a mistyped one, for the message."""
    names = list(RULE_LABELS) + list(RULE_LABELS.values())
    match = difflib.get_close_matches(text.strip(), names, n=1, cutoff=0.5)
    return match[0] if match else None


def direction_of(text: str | None) -> str | None:
    """'>=', '≥', '越大越好' -> '>='; '<=', '≤', '越小越好' -> '<='; blank -> '>=' (default)."""
    if text is None or not str(text).strip():
        return AT_LEAST
    return _DIRECTIONS.get(str(text).strip().replace(" ", ""))


def round_score(value: Decimal) -> Decimal:
    """Half-up to 2 decimals (8.951 -> 8.95, 19.5389… -> 19.54)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def plain(value: Decimal) -> str:
    """A figure as a person writes it: 6, 3.5, 89.51 (no exponent, no trailing zeros)."""
    text = f"{value.normalize():f}"
    return text


@dataclass(frozen=True)
class RuleResult:
    score: Decimal  # rounded to 2 decimals
    explanation: str  # how the score came about, in Chinese
    reason: str  # a 未达标原因 text when the rule's score is below 分值, else ""


def execution_rate_score(weight: Decimal, rate_percent: Decimal) -> RuleResult:
    """预算执行率: rate in percent (89.51 means 89.51%)."""
    with localcontext() as ctx:
        ctx.prec = 50
        share = min(max(rate_percent, Decimal(0)), HUNDRED) / HUNDRED
        score = round_score(weight * share)
    explanation = (f"年度平均执行率为{plain(rate_percent)}%，"
                   f"得分 = 分值 {plain(weight)} × {plain(min(rate_percent, HUNDRED))}% = {score}")
    reason = (f"年度平均执行率为{plain(rate_percent)}%，则本指标得分为{score}。"
              if score < weight else "")
    return RuleResult(score, explanation, reason)


@dataclass(frozen=True)
class Target:
    """One performance target (绩效指标) of the department's output targets."""

    name: str  # 指标名称
    target: Decimal  # 目标值
    actual: Decimal  # 实际值
    direction: str = AT_LEAST  # ">=": the more the better; "<=": the less the better
    unit: str = ""  # 单位, only for the text

    def ratio(self) -> Decimal:
        """Completion ratio in [0, 1]."""
        with localcontext() as ctx:
            ctx.prec = 50
            if self.direction == AT_MOST:
                if self.actual <= self.target:
                    return ONE
                if self.target <= 0:
                    return Decimal(0)
                return min(self.target / self.actual, ONE)
            if self.actual >= self.target:
                return ONE
            if self.target <= 0 or self.actual <= 0:
                return Decimal(0)
            return min(self.actual / self.target, ONE)

    @property
    def met(self) -> bool:
        return self.ratio() >= ONE


def output_targets_score(weight: Decimal, targets: list[Target] | tuple[Target, ...]) -> RuleResult:
    """产出指标完成情况: 分值 × mean of the targets' completion ratios."""
    if not targets:
        raise ValueError("output_targets_score needs at least one target")
    with localcontext() as ctx:
        ctx.prec = 50
        total = sum((t.ratio() for t in targets), Decimal(0))
        score = round_score(weight * total / len(targets))
    unmet = [t for t in targets if not t.met]
    explanation = (f"绩效指标{len(targets)}个，其中{len(targets) - len(unmet)}个已实现，"
                   f"得分 = 分值 {plain(weight)} × 各指标完成比例的平均值 = {score}")
    reason = ""
    if unmet:
        listed = "；".join(
            f"{number}.{t.name}目标值{plain(t.target)}{t.unit}，实际完成{plain(t.actual)}{t.unit}"
            for number, t in enumerate(unmet, start=1))
        reason = (f"部门整体绩效指标设置{len(targets)}个，其中{len(targets) - len(unmet)}个已实现，"
                  f"{len(unmet)}个未实现。未实现的指标：{listed}。")
    return RuleResult(score, explanation, reason)
