"""The variables of the department form's templates (what its context provides)."""

from __future__ import annotations

from reportgen.tags.variables import Variable, VariableTable

# The loop variable each list is usually written with in the template, e.g.
# {%tr for row in rows %} ... {{ row.score|score }}.
LOOP_NAMES: dict[str, str] = {
    "rows": "row",
    "goals": "goal",
    "goals[].completion": "line",
    "completion_paragraphs": "paragraph",
}

_BUDGET = [
    ("total", "总预算"), ("basic", "部门预算 · 基本支出"), ("project", "部门预算 · 项目支出"),
    ("special", "事业发展支出 · 专项资金"), ("other", "事业发展支出 · 其他事业发展支出"),
    ("city", "按预算级次划分 · 市本级资金"), ("transfer", "按预算级次划分 · 对下转移支付"),
]

VARIABLES: tuple[Variable, ...] = (
    Variable("year", "年度"),
    Variable("department.name", "部门名称"),
    Variable("department.units", "单位数"),
    Variable("goals", "年度整体绩效目标（列表，每项一个目标，按顺序为目标1、目标2……）"),
    Variable("goals[].number", "目标序号（1、2、3……）"),
    Variable("goals[].target", "目标内容"),
    Variable("goals[].completion", "该目标的完成情况（列表，每段一项）"),
    Variable("goals[].completion[]", "完成情况中的一段"),
    Variable("completion_paragraphs",
             "“整体绩效目标完成情况”栏的全部段落（列表）：每个目标先写“目标N：”，"
             "只有一段的目标与标题接在同一段"),
    Variable("completion_paragraphs[]", "完成情况栏中的一段"),
    Variable("unmet_reason", "未能完成原因（多行时保留换行）"),
    *(Variable(f"budget.{key}", f"年度部门预算：{label}（万元）", "money") for key, label in _BUDGET),
    Variable("rows", "指标评分表的各行（列表，自上而下每行一项；分项计分的三级指标每个分项一行）"),
    Variable("rows[].level1", "一级指标名称（同组相邻各行由程序自动合并单元格）"),
    Variable("rows[].level1_weight", "一级指标分值（其下各行分值之和；自动合并）", "weight"),
    Variable("rows[].level2", "二级指标名称（自动合并）"),
    Variable("rows[].level2_weight", "二级指标分值（其下各行分值之和；自动合并）", "weight"),
    Variable("rows[].name", "三级指标名称（分项计分时各分项自动合并）"),
    Variable("rows[].weight", "本行分值", "weight"),
    Variable("rows[].explanation", "指标解释（自动合并，同三级指标）"),
    Variable("rows[].score", "本行得分/自评分", "score"),
    Variable("rows[].reason", "未达标原因（可为空）"),
    Variable("rows[].measure", "改进措施（可为空）"),
    Variable("total_weight", "总分栏的分值合计", "weight"),
    Variable("total_score", "总分（各行得分之和）", "score"),
    Variable("grade", "评价等级：优、良、中或差"),
    Variable("check.excellent", "评价等级“优”前的方框：是该等级时为 ☑，否则为 □"),
    Variable("check.good", "评价等级“良”前的方框（☑ 或 □）"),
    Variable("check.fair", "评价等级“中”前的方框（☑ 或 □）"),
    Variable("check.poor", "评价等级“差”前的方框（☑ 或 □）"),
)

TABLE = VariableTable(VARIABLES, LOOP_NAMES)
