"""The variables of the project's 自评报告 template (reportgen.forms.project.report)."""

from __future__ import annotations

from reportgen.forms.project.variables import LOOP_NAMES as FORM_LOOPS
from reportgen.forms.project.variables import VARIABLES as FORM_VARIABLES
from reportgen.tags.variables import Variable, VariableTable

LOOP_NAMES = {**FORM_LOOPS, "below": "item", "below[].reasons": "text"}

VARIABLES: tuple[Variable, ...] = (
    *FORM_VARIABLES,
    Variable("report.background", "项目概况（[report] background；可为空：报告中为待填写）"),
    Variable("report.measures", "下一步拟改进措施及有关建议（[report] measures；可为空）"),
    Variable("counts.indicators", "有分值的三级指标个数"),
    Variable("counts.full", "得满分的三级指标个数"),
    Variable("counts.below", "未得满分的三级指标个数"),
    Variable("reached", "得满分的三级指标个数（同 counts.full）"),
    Variable("budget_lost", "预算执行扣分 = 预算执行分值 − 预算执行得分", "points"),
    Variable("below", "未得满分的三级指标（列表，按表中顺序）"),
    Variable("below[].number", "序号（1、2、3……）"),
    Variable("below[].name", "三级指标名称"),
    Variable("below[].target", "年度指标值（原样）"),
    Variable("below[].actual", "实际完成值（原样）"),
    Variable("below[].weight", "分值", "weight"),
    Variable("below[].score", "得分", "points"),
    Variable("below[].lost", "扣分", "points"),
    Variable("below[].reasons", "偏差原因分析及改进措施（列表，每段一项，原文照录；没有时为空列表）"),
    Variable("below[].reasons[]", "其中的一段"),
)

TABLE = VariableTable(VARIABLES, LOOP_NAMES, guide_begin="<!-- 项目自评报告变量表开始 -->",
                      guide_end="<!-- 项目自评报告变量表结束 -->")
