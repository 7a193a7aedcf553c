"""Helpers for the project form's tests: a spec-like project's data, written as a data file
of a workspace, and built."""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path
from typing import Any

from tests.conftest import ROOT, TEMPLATES

D = Decimal
DEMO_PROJECTS = ROOT / "data" / "2022" / "项目" / "广州市应急管理局"

# The spec's example form (上海市普陀区, in 元): 215,457.60 ÷ 250,000.00 = 86.18% → 8.62; 总分 98.62.
SPEC_PROJECT: dict[str, Any] = {
    "year": 2022,
    "money_unit": "元",
    "project": {"name": "普陀体育中心与委托运营方结算费用", "department": "上海市普陀区体育局",
                "unit": "上海市普陀区体育事业管理中心"},
    "funds": {"current": [D(250000), D(250000), D("215457.6")], "carryover": [0, 0, 0], "other": [0, 0, 0]},
    "goal": {"target": "完成与委托运营方的结算。", "completion": "已按合同完成结算。\n运营情况良好。"},
    "indicators": [
        {"level1": "产出指标", "level2": "数量指标", "name": "与委托运营方结算完成率", "target": "=100%",
         "actual": "100%", "weight": 25, "score": 25},
        {"level1": "产出指标", "level2": "数量指标", "name": "场馆开放天数", "target": "≥300天",
         "actual": "320天", "weight": 10},
        {"level1": "产出指标", "level2": "质量指标", "name": "场馆设施完好率", "target": "≥95%",
         "actual": "98%", "weight": 10, "score": 10},
        {"level1": "产出指标", "level2": "时效指标", "name": "结算及时性", "target": "及时",
         "actual": "及时", "weight": 5, "score": 5},
        {"level1": "效益指标", "level2": "经济效益指标"},
        {"level1": "效益指标", "level2": "社会效益指标", "name": "群众健身需求满足程度", "target": "有效满足",
         "actual": "有效满足", "weight": 30, "score": 30},
        {"level1": "满意度指标", "level2": "服务对象满意度指标", "name": "群众满意度", "target": ">=90%",
         "actual": "100%", "weight": 10, "score": 10},
    ],
}


def spec_project(**changes: Any) -> dict[str, Any]:
    """A deep copy of SPEC_PROJECT with top-level keys replaced."""
    data = copy.deepcopy(SPEC_PROJECT)
    data.update(copy.deepcopy(changes))
    return data


def write_project(folder: Path, data: dict[str, Any], stem: str | None = None, fmt: str = "toml") -> Path:
    from reportgen.convert import encode
    from reportgen.forms.registry import get_kind

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{stem or data['project']['name']}.{fmt}"
    path.write_bytes(encode(data, fmt, get_kind("project").contract))
    return path


def build_project(source: Path, out_dir: Path, formats=("docx", "xlsx"), year: int = 2022):
    from reportgen.forms.registry import get_kind
    from reportgen.pipeline import build_file

    return build_file(get_kind("project"), source, year, templates_dir=TEMPLATES, out_dir=out_dir,
                      formats=formats)


def messages(result) -> str:
    return "\n".join(str(f) for f in result.findings)
