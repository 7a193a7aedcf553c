"""The variables of the department's 自评报告 template (reportgen.forms.department.report)."""

from __future__ import annotations

from reportgen.forms.department.variables import VARIABLES as FORM_VARIABLES
from reportgen.tags.variables import Variable, VariableTable

LOOP_NAMES: dict[str, str] = {
    "goals": "goal", "goals[].completion": "line", "completion_paragraphs": "paragraph",
    "rows": "row", "levels": "level", "levels[].groups": "group", "below": "item",
    "below[].reasons": "text", "below[].measures": "text", "projects": "project", "report.tasks": "task",
}

_EXECUTION = [("initial", "年初预算数（万元）", "money"), ("budget", "全年预算数（万元）", "money"),
              ("spent", "全年执行数（万元）", "money"), ("adjust", "调整数 = 全年预算数 − 年初预算数（万元）", "money"),
              ("rate", "执行率 = 全年执行数 ÷ 全年预算数（%，两位小数）", "percent")]

# The form's variables, without its per-part rows and tick boxes (rows is the report's own).
_KEPT = tuple(v for v in FORM_VARIABLES if not v.path.startswith(("rows", "check")))

VARIABLES: tuple[Variable, ...] = (
    *_KEPT,
    Variable("self_name", "自称：[report] self_name，或按部门名称结尾推定（局→我局，委→我委……其他→我单位）"),
    Variable("department.functions", "部门职能（可为空：报告中为待填写）"),
    Variable("department.internal_units", "内设机构数（未填时为空值 none）"),
    Variable("department.staff_quota", "编制数（未填时为 none）"),
    Variable("department.staff_serving", "年末在职人数（未填时为 none）"),
    Variable("department.staff_retired", "离退休人数（未填时为 none）"),
    Variable("report.notice", "自评通知的标题（不含书名号）"),
    Variable("report.notice_number", "通知文号"),
    Variable("report.tasks", "年度重点工作（列表，每项一条）"),
    Variable("report.tasks[]", "一条年度重点工作"),
    Variable("report.application", "自评结果应用"),
    Variable("report.other", "其他需要说明的问题"),
    Variable("report.date", "成文日期，如 2023年4月28日（未填时为空）"),
    Variable("execution", "预算执行情况（未填 [execution] 时为空值 none）"),
    *(Variable(f"execution.{part}.{key}", f"预算执行情况 · {label}：{text}", fmt)
      for part, label in (("total", "合计"), ("basic", "基本支出"), ("project", "项目支出"))
      for key, text, fmt in _EXECUTION),
    Variable("rate_row", "计算执行率的指标（“部门预算资金支出率”或用“预算执行率”规则的指标；没有时为 none）"),
    Variable("rate_row.name", "该指标名称"),
    Variable("rate_row.weight", "该指标分值", "weight"),
    Variable("rate_row.score", "该指标得分", "score"),
    Variable("rate_row.execution_rate", "该指标填写的执行率（%；未填时为 none）", "percent"),
    Variable("levels", "一级指标（列表）"),
    Variable("levels[].name", "一级指标名称"),
    Variable("levels[].weight", "一级指标分值", "weight"),
    Variable("levels[].score", "一级指标得分", "score"),
    Variable("levels[].groups", "其下的二级指标（列表）"),
    Variable("levels[].groups[].name", "二级指标名称"),
    Variable("levels[].groups[].weight", "二级指标分值", "weight"),
    Variable("levels[].groups[].score", "二级指标得分", "score"),
    Variable("rows", "表1 的各行（列表）：每个三级指标一行，分项计分的合为一行"),
    Variable("rows[].level1", "一级指标（相邻相同的自动合并单元格）"),
    Variable("rows[].level2", "二级指标（自动合并）"),
    Variable("rows[].name", "三级指标"),
    Variable("rows[].weight", "分值（分项之和）", "weight"),
    Variable("rows[].score", "得分（分项之和）", "score"),
    Variable("counts.indicators", "三级指标个数"),
    Variable("counts.full", "得满分的三级指标个数"),
    Variable("counts.below", "未得满分的三级指标个数"),
    Variable("lost", "合计扣分 = 总分栏分值 − 总分", "score"),
    Variable("below", "未得满分的三级指标（列表，按表中顺序）"),
    Variable("below[].number", "序号（1、2、3……）"),
    Variable("below[].name", "三级指标名称"),
    Variable("below[].weight", "分值", "weight"),
    Variable("below[].score", "得分", "score"),
    Variable("below[].lost", "扣分", "score"),
    Variable("below[].reasons", "未达标原因（列表，每段一项，原文照录；没有时为空列表）"),
    Variable("below[].reasons[]", "未达标原因的一段"),
    Variable("below[].measures", "改进措施（列表，每段一项，原文照录）"),
    Variable("below[].measures[]", "改进措施的一段"),
    Variable("projects", "本部门的项目支出绩效自评表（列表，表2；没有时为空列表）"),
    Variable("projects[].name", "项目名称"),
    Variable("projects[].budget", "全年预算数（万元）", "money"),
    Variable("projects[].spent", "全年执行数（万元）", "money"),
    Variable("projects[].rate", "执行率", "percent"),
    Variable("projects[].score", "总分", "points"),
    Variable("projects[].grade", "评价等级"),
    Variable("projects_total", "各项目合计（没有项目时为 none）"),
    Variable("projects_total.budget", "全年预算数合计（万元）", "money"),
    Variable("projects_total.spent", "全年执行数合计（万元）", "money"),
    Variable("projects_total.rate", "合计执行率", "percent"),
)

TABLE = VariableTable(VARIABLES, LOOP_NAMES, guide_begin="<!-- 自评报告变量表开始 -->",
                      guide_end="<!-- 自评报告变量表结束 -->")
