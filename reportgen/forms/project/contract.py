"""The project form's input contract (project-form.md, "Input contract"): the TOML keys of
each table, their Chinese labels, and the Excel input workbook's sheets and columns. See
docs/输入格式说明.md for the clerk's view.
"""

from __future__ import annotations

from reportgen.contract import Column, Contract, ItemsSheet, KeyedRowsSheet, Money, RowSheet, TableSheet

# ----------------------------------------------------------------------------- TOML keys
TOP_KEYS = ("year", "money_unit", "project", "funds", "goal", "indicators", "report")
REPORT_KEYS = ("background", "measures")  # optional, for the 自评报告 only
PROJECT_KEYS = ("name", "department", "unit")
FUND_KEYS = ("current", "carryover", "other", "total")  # rows of 项目资金
FUND_COLUMNS = ("initial", "budget", "spent")  # 年初预算数, 全年预算数, 全年执行数
GOAL_KEYS = ("target", "completion")
INDICATOR_KEYS = ("level1", "level2", "name", "target", "actual", "weight", "score", "reason")

FUND_LABELS = {"current": "当年财政拨款", "carryover": "上年结转资金", "other": "其他资金",
               "total": "年度资金总额"}
FUND_COLUMN_LABELS = ("年初预算数", "全年预算数", "全年执行数")

TABLES: dict[tuple[str, ...], tuple[str, ...]] = {
    (): TOP_KEYS,
    ("project",): PROJECT_KEYS,
    ("funds",): FUND_KEYS,
    ("goal",): GOAL_KEYS,
    ("indicators", "*"): INDICATOR_KEYS,
    ("report",): REPORT_KEYS,
}

LABELS: dict[tuple[str, ...], dict[str, str]] = {
    (): {"year": "年度", "money_unit": "金额单位", "project": "项目基本情况", "funds": "项目资金",
         "goal": "年度总体目标", "indicators": "绩效指标", "report": "自评报告"},
    ("report",): {"background": "项目概况", "measures": "改进措施及建议"},
    ("project",): {"name": "项目名称", "department": "主管部门", "unit": "实施单位"},
    ("funds",): FUND_LABELS,
    ("goal",): {"target": "预期目标", "completion": "实际完成情况"},
    ("indicators", "*"): {"level1": "一级指标", "level2": "二级指标", "name": "三级指标",
                          "target": "年度指标值", "actual": "实际完成值", "weight": "分值",
                          "score": "得分", "reason": "偏差原因分析及改进措施"},
}

# Keys whose value is a number (a blank "" there means "not filled in yet"). The 项目资金
# rows are lists of three numbers; their blanks are reported by the model.
NUMERIC: dict[tuple[str, ...], tuple[str, ...]] = {
    (): ("year",),
    ("indicators", "*"): ("weight", "score"),
}

MONEY_UNITS = ("万元", "元")
DEFAULT_MONEY_UNIT = "万元"
MONEY_PLACES = {"万元": 4, "元": 2}  # most decimals a figure may carry in that unit

# ----------------------------------------------------------------------------- workbook
SHEET_BASIC = "基本情况"
SHEET_FUNDS = "项目资金"
SHEET_GOAL = "年度总体目标"
SHEET_INDICATORS = "绩效指标"

BASIC_ROWS: dict[str, tuple[str, ...]] = {
    "年度": ("year",),
    "项目名称": ("project", "name"),
    "主管部门": ("project", "department"),
    "实施单位": ("project", "unit"),
    "金额单位": ("money_unit",),
    "项目概况": ("report", "background"),  # optional, for the 自评报告
    "改进措施及建议": ("report", "measures"),
}
BASIC_HINTS = {
    "年度": "四位数年份，如 2022；须与所在文件夹 data/<年度>/ 一致。",
    "项目名称": "项目全称，如 森林防火宣传经费。",
    "主管部门": "部门全称，须与该部门“部门整体支出绩效自评表”中的部门名称一致。",
    "实施单位": "具体实施项目的单位。",
    "金额单位": "万元 或 元；不填时为万元。",
    "项目概况": "可选：立项依据、主要内容等，用于项目支出绩效自评报告；可在单元格内换行。",
    "改进措施及建议": "可选：下一步拟改进措施及有关建议，用于项目支出绩效自评报告。",
}

# 项目资金: one row per 资金类别. 其中：本年财政拨款 (池州's wording) is read as 当年财政拨款;
# the reader drops a leading 其中：.
FUND_ROWS: dict[str, str] = {
    "年度资金总额": "total",
    "当年财政拨款": "current",
    "本年财政拨款": "current",
    "上年结转资金": "carryover",
    "其他资金": "other",
}
_AMOUNT_HINT = ("填数字，单位见“基本情况”的金额单位（万元最多四位小数，元最多两位小数）。也可连同单位填写，"
                "如 1,205,000元，程序按本表单位换算。")
FUND_SHEET_COLUMNS = tuple(
    Column(label, key, width=16, kind="number", hint=_AMOUNT_HINT)
    for label, key in zip(FUND_COLUMN_LABELS, FUND_COLUMNS, strict=True)
)

GOAL_COLUMNS = (
    Column("预期目标", "target", width=60,
           hint="年度总体目标的预期目标。分段时在单元格内换行（Alt+Enter）。"),
    Column("实际完成情况", "completion", width=60,
           hint="年度总体目标的实际完成情况。分段时在单元格内换行（Alt+Enter）。"),
)

INDICATOR_COLUMNS = (
    Column("一级指标", "level1", width=10, hint="产出指标、效益指标或满意度指标。相邻行相同时表中合并为一格。"),
    Column("二级指标", "level2", width=14,
           hint="如：数量指标、质量指标、时效指标、成本指标、社会效益指标、服务对象满意度指标。"),
    Column("三级指标", "name", width=28,
           hint="具体指标。某个二级指标下没有指标时，这一行只填一级、二级指标，表中保留该类别。"),
    Column("年度指标值", "target", width=12,
           hint="按原样填写，如 ≥50个、=100%、≤3天、及时；定性指标可以留空（表中印为空白）。"
                "写成“符号+数字+单位”时，得分可由程序计算。"),
    Column("实际完成值", "actual", width=12,
           hint="按原样填写，如 52个、100%、及时；可以留空（表中印为空白）。"
                "单位须与年度指标值相同，程序才能计算得分。"),
    Column("分值", "weight", width=8, kind="number",
           hint="本指标分值，大于0。各指标分值合计 + 预算执行分值（通常10，见设置.toml 的 budget_weight）= 100。"),
    Column("得分", "score", width=8, kind="number",
           hint="0 至分值之间，最多两位小数。数量指标（如 ≥50个）可以留空，由程序按实际完成值计算。"),
    Column("偏差原因分析及改进措施", "reason", required=False, width=36,
           hint="未得满分时须说明偏差原因及改进措施。"),
)

HEADER_ALIASES = {
    "偏差原因": "偏差原因分析及改进措施",
    "指标值": "年度指标值",
    "年度目标值": "年度指标值",
    "实际值": "实际完成值",
    "预算执行数": "全年执行数",
}

CONTRACT = Contract(
    top_keys=TOP_KEYS,
    tables=TABLES,
    labels=LABELS,
    numeric=NUMERIC,
    amounts=(("funds",),),
    money=Money(DEFAULT_MONEY_UNIT, MONEY_PLACES, key="money_unit"),
    header_aliases=HEADER_ALIASES,
    sheets=(
        ItemsSheet(SHEET_BASIC, BASIC_ROWS, hints=BASIC_HINTS, kinds={"年度": "year"}, table="project"),
        KeyedRowsSheet(SHEET_FUNDS, "funds", "资金类别", FUND_ROWS, FUND_SHEET_COLUMNS,
                       optional_rows=("total",), number_format="#,##0.00##"),
        RowSheet(SHEET_GOAL, "goal", GOAL_COLUMNS),
        TableSheet(SHEET_INDICATORS, "indicators", INDICATOR_COLUMNS),
    ),
)
