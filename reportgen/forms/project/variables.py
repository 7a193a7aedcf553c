"""The variables of the project form's templates (what its context provides)."""

from __future__ import annotations

from reportgen.tags.variables import Variable, VariableTable

LOOP_NAMES: dict[str, str] = {"rows": "row"}

_FUND_ROWS = [("total", "年度资金总额"), ("current", "其中：当年财政拨款"), ("carryover", "上年结转资金"),
              ("other", "其他资金")]
_FUND_COLUMNS = [("initial", "年初预算数"), ("budget", "全年预算数"), ("spent", "全年执行数")]

VARIABLES: tuple[Variable, ...] = (
    Variable("year", "年度"),
    Variable("money_unit", "金额单位：万元 或 元（如“项目资金（{{ money_unit }}）”）"),
    Variable("project.name", "项目名称"),
    Variable("project.department", "主管部门"),
    Variable("project.unit", "实施单位"),
    *(Variable(f"funds.{row}.{column}",
               f"项目资金：{row_label}的{column_label}（年度资金总额为三行之和）" if row == "total"
               else f"项目资金：{row_label}的{column_label}", "amount")
      for row, row_label in _FUND_ROWS for column, column_label in _FUND_COLUMNS),
    Variable("budget_weight", "预算执行的分值（默认 10，见 设置.toml）", "weight"),
    Variable("execution_rate",
             "执行率 = 全年执行数 ÷ 全年预算数（百分数，两位小数；全年预算数为 0 时无法计算，写出 —）", "percent"),
    Variable("budget_score", "预算执行得分 = 分值 × 执行率（不超过 100%），四舍五入到两位小数", "points"),
    Variable("goal.target", "年度总体目标：预期目标（多行时保留换行）"),
    Variable("goal.completion", "年度总体目标：实际完成情况（多行时保留换行）"),
    Variable("rows", "绩效指标的各行（列表，自上而下每行一项）"),
    Variable("rows[].level1", "一级指标（同组相邻各行由程序自动合并单元格）"),
    Variable("rows[].level2", "二级指标（自动合并）"),
    Variable("rows[].name", "三级指标（没有指标的二级指标类别行为空）"),
    Variable("rows[].target", "年度指标值（按填写的原样）"),
    Variable("rows[].actual", "实际完成值（按填写的原样）"),
    Variable("rows[].weight", "分值（类别行为空）", "weight"),
    Variable("rows[].score", "得分（类别行为空）", "points"),
    Variable("rows[].reason", "偏差原因分析及改进措施（可为空）"),
    Variable("total_weight", "总分栏的分值（预算执行分值 + 各指标分值，即 100）", "weight"),
    Variable("total_score", "总分 = 预算执行得分 + 各指标得分", "points"),
    Variable("grade", "评价等级：优、良、中或差（表上不印，用于汇总表）"),
)

TABLE = VariableTable(VARIABLES, LOOP_NAMES, guide_begin="<!-- 项目表变量表开始 -->",
                      guide_end="<!-- 项目表变量表结束 -->")
