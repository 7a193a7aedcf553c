"""Department files a clerk starts from (``reportgen new``).

A scaffold holds the indicator structure (一级/二级/三级指标, 分值, 指标解释 and any
score rules) with every score, reason, amount and narrative blank. In TOML a blank is
written as "" so the clerk sees where to type; validation treats "" in a number's place
as "not filled in" (缺少得分), never as a wrong type.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportgen.forms.department import contract as schema
from reportgen.forms.department.rules import rule_key
from reportgen.forms.department.standard import standard_indicators
from reportgen.model import tables_in


def scaffold(year: int, name: str, template: dict[str, Any] | None = None) -> dict[str, Any]:
    """A blank department file for a year: the standard 2022 indicator system, or the
    structure of template (another department's or last year's data)."""
    template = template or {}
    department = template.get("department") if isinstance(template.get("department"), dict) else {}
    units = department.get("units", "")
    goals = tables_in(template.get("goals")) or [{}]
    indicators = tables_in(template.get("indicators")) or standard_indicators()
    rows = []
    for source in indicators:
        row: dict[str, Any] = {key: source[key] for key in ("level1", "level2", "name", "weight")
                               if key in source}
        if str(source.get("explanation") or "").strip():
            row["explanation"] = source["explanation"]
        row.update(score="", reason="", measure="")
        if str(source.get("rule") or "").strip():
            row["rule"] = source["rule"]
            if rule_key(str(source["rule"])) == "execution_rate":
                row["execution_rate"] = ""
        rows.append(row)
    data: dict[str, Any] = {
        "year": year,
        "unmet_reason": "",
        # The 自评报告's optional keys, blank ("" = not filled in); 部门职能 rarely changes
        # from year to year, so it is copied (new --from).
        "department": {"name": name, "units": units, "functions": department.get("functions", ""),
                       **dict.fromkeys(("internal_units", "staff_quota", "staff_serving", "staff_retired"), "")},
        "budget": dict.fromkeys(schema.BUDGET_KEYS, ""),
        "goals": [{"target": "", "completion": [""]} for _ in goals],
        "indicators": rows,
    }
    data["report"] = dict.fromkeys(schema.REPORT_KEYS, "")
    targets = tables_in(template.get("targets"))
    if targets:
        data["targets"] = [
            {"name": t.get("name", ""), "target": "", "actual": "",
             **{k: t[k] for k in ("direction", "unit") if k in t}}
            for t in targets
        ]
    return data


def scaffold_header(year: int, name: str, template: Path | None) -> tuple[str, ...]:
    origin = f"，指标结构取自 {template.name}" if template else "，指标体系为 2022 年度标准指标体系"
    return (
        f"{year}年度 {name} 部门整体支出绩效自评数据",
        f"由 reportgen new 生成{origin}。填写说明见 docs/输入格式说明.md。",
        '数字直接填写、不加引号（如 score = 19.54）；"" 表示尚未填写。',
        f"填好后运行 reportgen check --year {year} --dept {name} 检查，再运行 reportgen build 生成。",
    )
