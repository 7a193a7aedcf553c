"""The department form's input contract: the TOML keys of each table, their Chinese
labels, and the Excel input workbook's sheets and columns (input-format.md). See
docs/输入格式说明.md for the clerk's view.
"""

from __future__ import annotations

from reportgen.contract import Column, Contract, ItemsSheet, Money, RowSheet, TableSheet
from reportgen.forms.department.rules import RULE_LABELS, rule_key

# ----------------------------------------------------------------------------- TOML keys
# Keys per table, in the order they are written. "*" stands for any element of an array.
TOP_KEYS = ("year", "unmet_reason", "department", "budget", "goals", "indicators", "targets")
DEPARTMENT_KEYS = ("name", "units")
BUDGET_KEYS = ("total", "basic", "project", "special", "other", "city", "transfer")
GOAL_KEYS = ("target", "completion")
INDICATOR_KEYS = ("level1", "level2", "name", "weight", "explanation", "score", "reason",
                  "measure", "rule", "execution_rate")
TARGET_KEYS = ("name", "target", "actual", "direction", "unit")

TABLES: dict[tuple[str, ...], tuple[str, ...]] = {
    (): TOP_KEYS,
    ("department",): DEPARTMENT_KEYS,
    ("budget",): BUDGET_KEYS,
    ("goals", "*"): GOAL_KEYS,
    ("indicators", "*"): INDICATOR_KEYS,
    ("targets", "*"): TARGET_KEYS,
}
ARRAYS = ("goals", "indicators", "targets")  # arrays of tables: [[goals]] …
SINGLE_TABLES = ("department", "budget")  # tables: [department] …

# Chinese label of every key, by table (also what a workbook column or row is called).
LABELS: dict[tuple[str, ...], dict[str, str]] = {
    (): {"year": "年度", "unmet_reason": "未能完成原因", "department": "部门基本情况",
         "budget": "年度部门预算情况", "goals": "年度整体绩效目标", "indicators": "指标评分",
         "targets": "绩效指标"},
    ("department",): {"name": "部门名称", "units": "单位数"},
    ("budget",): {"total": "总预算", "basic": "基本支出", "project": "项目支出",
                  "special": "专项资金", "other": "其他事业发展支出", "city": "市本级资金",
                  "transfer": "对下转移支付"},
    ("goals", "*"): {"target": "年度整体绩效目标", "completion": "完成情况"},
    ("indicators", "*"): {"level1": "一级指标", "level2": "二级指标", "name": "三级指标",
                          "weight": "分值", "explanation": "指标解释", "score": "得分",
                          "reason": "未达标原因", "measure": "改进措施", "rule": "计分规则",
                          "execution_rate": "执行率"},
    ("targets", "*"): {"name": "指标名称", "target": "目标值", "actual": "实际值",
                       "direction": "方向", "unit": "单位"},
}

# Keys whose value is a number (a blank "" there means "not filled in yet").
NUMERIC: dict[tuple[str, ...], tuple[str, ...]] = {
    (): ("year",),
    ("department",): ("units",),
    ("budget",): BUDGET_KEYS,
    ("indicators", "*"): ("weight", "score", "execution_rate"),
    ("targets", "*"): ("target", "actual"),
}


# ----------------------------------------------------------------------------- workbook
SHEET_BASIC = "基本情况"
SHEET_GOALS = "绩效目标"
SHEET_BUDGET = "预算"
SHEET_INDICATORS = "指标评分"
SHEET_TARGETS = "绩效指标"
REQUIRED_SHEETS = (SHEET_BASIC, SHEET_GOALS, SHEET_BUDGET, SHEET_INDICATORS)

# 基本情况: columns 项目 | 内容; one row per item.
BASIC_ITEM, BASIC_VALUE = "项目", "内容"
BASIC_ROWS: dict[str, tuple[str, ...]] = {
    "年度": ("year",),
    "部门名称": ("department", "name"),
    "单位数": ("department", "units"),
    "未能完成原因": ("unmet_reason",),
}
GOAL_NUMBER = "序号"


GOAL_COLUMNS = (
    Column("年度整体绩效目标", "target", width=50,
           hint="一个目标占一行，按目标1、目标2……的顺序从上往下填写。"),
    Column("完成情况", "completion", width=90, kind="paragraphs",
           hint="该目标的完成情况。分多段时在单元格内换行（Alt+Enter），每行一段。"),
)
BUDGET_COLUMNS = tuple(
    Column(LABELS[("budget",)][key], key, width=16, kind="number",
           hint="单位：万元，最多两位小数。也可连同单位填写，如 394,818,400元，程序换算为万元。")
    for key in BUDGET_KEYS
)
INDICATOR_COLUMNS = (
    Column("一级指标", "level1", width=10, hint="如：履职效能、管理效率。相邻行相同时表中合并为一格。"),
    Column("二级指标", "level2", width=10, hint="如：整体效能、预算执行。"),
    Column("三级指标", "name", width=24,
           hint="一行一个三级指标；同一指标分几部分计分时，连续几行写相同的名称。"),
    Column("分值", "weight", width=8, kind="number", hint="本行分值，大于0；全部行的分值合计须为100。"),
    Column("指标解释", "explanation", width=40,
           hint="指标说明。同一指标分几行计分时，只需在第一行填写。"),
    Column("得分", "score", width=9, kind="number",
           hint="自评得分，0 至本行分值之间，最多两位小数。填写了计分规则时可以留空，由规则算出。"),
    Column("未达标原因", "reason", required=False, width=40, hint="未得满分时说明原因，可留空。"),
    Column("改进措施", "measure", required=False, width=30, hint="可留空。"),
    Column("计分规则", "rule", required=False, width=16, kind="rule",
           hint="可选：预算执行率、产出指标完成情况。留空表示直接填写得分。",
           to_data=lambda text: rule_key(text) or text, to_cell=lambda key: RULE_LABELS.get(key, key),
           choices=tuple(RULE_LABELS.values()), choice_error="请从下拉列表中选择计分规则，或留空。"),
    Column("执行率", "execution_rate", required=False, width=10, kind="number",
           hint="计分规则为“预算执行率”时填写，单位为%，如 89.51 表示 89.51%。"),
)
TARGET_COLUMNS = (
    Column("指标名称", "name", width=36, hint="部门整体绩效指标（产出指标）的名称，一行一个。"),
    Column("目标值", "target", width=10, kind="any_number", hint="年初设定的目标值，只填数字。"),
    Column("实际值", "actual", width=10, kind="any_number", hint="实际完成值，只填数字。"),
    Column("方向", "direction", required=False, width=8, kind="direction",
           hint="≥ 表示越大越好（默认），≤ 表示越小越好。",
           choices=("≥", "≤", ">=", "<="), choice_error="请选择 ≥（越大越好）或 ≤（越小越好）。"),
    Column("单位", "unit", required=False, width=8, hint="如：个月、人次。只用于生成未达标原因的文字。"),
)

# Alternative header texts accepted (documented in docs/输入格式说明.md).
HEADER_ALIASES = {
    "得分/自评分": "得分",
    "自评分": "得分",
    "执行率(%)": "执行率",
    "预算执行率": "执行率",
    "整体绩效目标完成情况": "完成情况",
    "目标": "年度整体绩效目标",
}

BASIC_HINTS = {
    "年度": "四位数年份，如 2022；须与所在文件夹 data/<年度>/ 一致。",
    "部门名称": "部门全称，如 广州市应急管理局。",
    "单位数": "整数，至少为 1。",
    "未能完成原因": "整体绩效目标未能完成的原因；全部完成时填“无”。可在单元格内换行（Alt+Enter）。",
}

CONTRACT = Contract(
    top_keys=TOP_KEYS,
    tables=TABLES,
    labels=LABELS,
    numeric=NUMERIC,
    amounts=(("budget",),),
    money=Money("万元", {"万元": 2}),  # the budget is in 万元 with at most 2 decimals
    header_aliases=HEADER_ALIASES,
    sheets=(
        ItemsSheet(SHEET_BASIC, BASIC_ROWS, BASIC_ITEM, BASIC_VALUE, hints=BASIC_HINTS,
                   kinds={"年度": "year", "单位数": "integer"}, table="department"),
        TableSheet(SHEET_GOALS, "goals", GOAL_COLUMNS, number_header=GOAL_NUMBER,
                   number_hint="目标的序号：1、2、3……"),
        RowSheet(SHEET_BUDGET, "budget", BUDGET_COLUMNS, number_format="#,##0.00"),
        TableSheet(SHEET_INDICATORS, "indicators", INDICATOR_COLUMNS),
        TableSheet(SHEET_TARGETS, "targets", TARGET_COLUMNS, required=False),
    ),
)
