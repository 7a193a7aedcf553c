"""The standard 一级/二级指标 of the 项目支出绩效自评表 (the 财政部 2020 project-performance
indicator framework): ``reportgen new --kind project`` pre-fills a project's file with one
row per 二级指标, each a blank category row to fill in or copy."""

from __future__ import annotations

from typing import Any

STANDARD_CATEGORIES: tuple[tuple[str, str], ...] = (
    ("产出指标", "数量指标"),
    ("产出指标", "质量指标"),
    ("产出指标", "时效指标"),
    ("产出指标", "成本指标"),
    ("效益指标", "经济效益指标"),
    ("效益指标", "社会效益指标"),
    ("效益指标", "生态效益指标"),
    ("效益指标", "可持续影响指标"),
    ("满意度指标", "服务对象满意度指标"),
)


def standard_indicators() -> list[dict[str, Any]]:
    """The standard categories as [[indicators]] rows with the other columns blank."""
    return [{"level1": level1, "level2": level2, "name": "", "target": "", "actual": "",
             "weight": "", "score": "", "reason": ""}
            for level1, level2 in STANDARD_CATEGORIES]
