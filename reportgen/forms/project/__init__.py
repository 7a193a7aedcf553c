"""The 项目支出绩效自评表: one project's expenditure self-evaluation.

contract (TOML keys, input workbook) → model (typed) → rules and checks (validation) →
compute (执行率, 预算执行 得分, 总分, 评价等级) → context (what templates print) → summary
(its sheets of the year's 汇总表) and crosscheck (against the department forms); standard and
scaffold give `reportgen new --kind project` its rows.
"""
