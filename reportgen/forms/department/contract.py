"""The department form's input contract: the TOML keys of each table, their Chinese
labels, and the Excel input workbook's sheets and columns (input-format.md). See
docs/输入格式说明.md for the clerk's view.
"""

from __future__ import annotations

from reportgen.contract import Column, Contract, ItemsSheet, KeyedRowsSheet, Money, RowSheet, TableSheet
from reportgen.forms.department.rules import RULE_LABELS, rule_key

# ----------------------------------------------------------------------------- TOML keys
# Keys per table, in the order they are written. "*" stands for any element of an array.
TOP_KEYS = ("year", "unmet_reason", "department", "budget", "execution", "goals", "indicators", "targets",
            "report")
DEPARTMENT_KEYS = ("name", "units", "functions", "internal_units", "staff_quota", "staff_serving",
                   "staff_retired")
# Optional, for the 自评报告 only (self-report.md §3).
EXECUTION_KEYS = ("total", "basic", "project")
REPORT_KEYS = ("notice", "notice_number", "tasks", "application", "other", "self_name", "date")
BUDGET_KEYS = ("total", "basic", "project", "special", "other", "city", "transfer")
GOAL_KEYS = ("target", "completion")
INDICATOR_KEYS = ("level1", "level2", "name", "weight", "explanation", "score", "reason",
                  "measure", "rule", "execution_rate")
TARGET_KEYS = ("name", "target", "actual", "direction", "unit")

TABLES: dict[tuple[str, ...], tuple[str, ...]] = {
    (): TOP_KEYS,
    ("department",): DEPARTMENT_KEYS,
    ("budget",): BUDGET_KEYS,
    ("execution",): EXECUTION_KEYS,
    ("report",): REPORT_KEYS,
    ("goals", "*"): GOAL_KEYS,
    ("indicators", "*"): INDICATOR_KEYS,
    ("targets", "*"): TARGET_KEYS,
}
ARRAYS = ("goals", "indicators", "targets")  # arrays of tables: [[goals]] …
SINGLE_TABLES = ("department", "budget", "execution", "report")  # tables: [department] …

# Chinese label of every key, by table (also what a workbook column or row is called).
LABELS: dict[tuple[str, ...], dict[str, str]] = {
    (): {"year": "年度", "unmet_reason": "未能完成原因", "department": "部门基本情况",
         "budget": "年度部门预算情况", "goals": "年度整体绩效目标", "indicators": "指标评分",
         "targets": "绩效指标", "execution": "预算执行情况", "report": "自评报告"},
    ("department",): {"name": "部门名称", "units": "单位数", "functions": "部门职能",
                      "internal_units": "内设机构数", "staff_quota": "编制数", "staff_serving": "年末在职人数",
                      "staff_retired": "离退休人数"},
    ("execution",): {"total": "合计", "basic": "基本支出", "project": "项目支出"},
    ("report",): {"notice": "自评通知", "notice_number": "通知文号", "tasks": "年度重点工作",
                  "application": "结果应用", "other": "其他需要说明的问题", "self_name": "自称",
                  "date": "成文日期"},
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
    ("department",): ("units", "internal_units", "staff_quota", "staff_serving", "staff_retired"),
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
SHEET_EXECUTION = "预算执行"
REQUIRED_SHEETS = (SHEET_BASIC, SHEET_GOALS, SHEET_BUDGET, SHEET_INDICATORS)

# 基本情况: columns 项目 | 内容; one row per item.
BASIC_ITEM, BASIC_VALUE = "项目", "内容"
BASIC_ROWS: dict[str, tuple[str, ...]] = {
    "年度": ("year",),
    "部门名称": ("department", "name"),
    "单位数": ("department", "units"),
    "未能完成原因": ("unmet_reason",),
    # Optional, for the 自评报告 (self-report.md §3).
    "部门职能": ("department", "functions"),
    "内设机构数": ("department", "internal_units"),
    "编制数": ("department", "staff_quota"),
    "年末在职人数": ("department", "staff_serving"),
    "离退休人数": ("department", "staff_retired"),
    "自评通知": ("report", "notice"),
    "通知文号": ("report", "notice_number"),
    "年度重点工作": ("report", "tasks"),
    "结果应用": ("report", "application"),
    "其他需要说明的问题": ("report", "other"),
    "自称": ("report", "self_name"),
    "成文日期": ("report", "date"),
}
EXECUTION_ROWS = {"合计": "total", "基本支出": "basic", "项目支出": "project"}
EXECUTION_COLUMNS = tuple(
    Column(label, label, width=16, kind="number", hint="可选，单位：万元，最多两位小数，只填数字；用于自评报告。")
    for label in ("年初预算数", "全年预算数", "全年执行数")
)
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
    "部门职能": "可选，用于自评报告“部门职能”一节；可在单元格内换行。",
    "内设机构数": "可选，不小于 0 的整数；用于自评报告。",
    "编制数": "可选，不小于 0 的整数；用于自评报告。",
    "年末在职人数": "可选，不小于 0 的整数；用于自评报告。",
    "离退休人数": "可选，不小于 0 的整数；用于自评报告。",
    "自评通知": "可选：布置自评的通知标题（不加书名号），用于自评报告开头。",
    "通知文号": "可选：该通知的文号，如 穗财绩〔2023〕1号。",
    "年度重点工作": "可选：年度重点工作任务，一项一行（单元格内换行 Alt+Enter）。",
    "结果应用": "可选：自评结果应用情况。",
    "其他需要说明的问题": "可选。",
    "自称": "可选：报告中的自称，如 我局；不填时按部门名称的结尾推定。",
    "成文日期": "可选：报告落款日期，如 2023-04-28。",
}

CONTRACT = Contract(
    top_keys=TOP_KEYS,
    tables=TABLES,
    labels=LABELS,
    numeric=NUMERIC,
    amounts=(("budget",), ("execution",)),
    money=Money("万元", {"万元": 2}),  # the budget and its execution are in 万元 with at most 2 decimals
    header_aliases=HEADER_ALIASES,
    sheets=(
        ItemsSheet(SHEET_BASIC, BASIC_ROWS, BASIC_ITEM, BASIC_VALUE, hints=BASIC_HINTS,
                   kinds={"年度": "year", "单位数": "integer", **dict.fromkeys(
                       ("内设机构数", "编制数", "年末在职人数", "离退休人数"), "count")}, table="department"),
        TableSheet(SHEET_GOALS, "goals", GOAL_COLUMNS, number_header=GOAL_NUMBER,
                   number_hint="目标的序号：1、2、3……"),
        RowSheet(SHEET_BUDGET, "budget", BUDGET_COLUMNS, number_format="#,##0.00"),
        TableSheet(SHEET_INDICATORS, "indicators", INDICATOR_COLUMNS),
        TableSheet(SHEET_TARGETS, "targets", TARGET_COLUMNS, required=False),
        KeyedRowsSheet(SHEET_EXECUTION, "execution", "资金类别", EXECUTION_ROWS, EXECUTION_COLUMNS,
                       number_format="#,##0.00", required=False),
    ),
)
