"""Project files a clerk starts from (``reportgen new --kind project``).

A scaffold holds the indicator structure (一级/二级指标, and 三级指标, 年度指标值 and 分值 when
it is taken from another project's file) with every amount, score and text blank ("" in
TOML; validation treats "" in a number's place as "not filled in")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportgen.forms.project.contract import DEFAULT_MONEY_UNIT
from reportgen.forms.project.standard import standard_indicators
from reportgen.model import tables_in

KEPT = ("level1", "level2", "name", "target", "weight")  # what a template file passes on


def scaffold(year: int, name: str, template: dict[str, Any] | None = None) -> dict[str, Any]:
    """A blank project file for a year: the standard categories, or the indicator
    structure of template (another project's or last year's data)."""
    template = template or {}
    project = template.get("project") if isinstance(template.get("project"), dict) else {}
    rows = []
    for source in tables_in(template.get("indicators")):
        row = {key: source.get(key, "") for key in KEPT}
        row.update(actual="", score="", reason="")
        rows.append({key: row[key] for key in ("level1", "level2", "name", "target", "actual", "weight",
                                                "score", "reason")})
    unit = template.get("money_unit") if isinstance(template.get("money_unit"), str) else DEFAULT_MONEY_UNIT
    return {
        "year": year,
        "money_unit": unit,
        "project": {"name": name, "department": project.get("department", ""), "unit": project.get("unit", "")},
        "funds": {key: ["", "", ""] for key in ("current", "carryover", "other")},
        "goal": {"target": "", "completion": ""},
        "indicators": rows or standard_indicators(),
    }


def scaffold_header(year: int, name: str, template: Path | None) -> tuple[str, ...]:
    origin = f"，指标结构取自 {template.name}" if template else "，列出了标准的一级、二级指标"
    return (
        f"{year}年度 {name} 项目支出绩效自评数据",
        f"由 reportgen new 生成{origin}。填写说明见 docs/输入格式说明.md（项目支出绩效自评表）。",
        '数字直接填写、不加引号（如 weight = 10）；"" 表示尚未填写。项目资金每行三个数：',
        "[年初预算数, 全年预算数, 全年执行数]，没有的填 0。某个二级指标下没有指标时，只保留 level1、level2。",
        f"填好后运行 reportgen check --year {year} 检查，再运行 reportgen build 生成。",
    )
