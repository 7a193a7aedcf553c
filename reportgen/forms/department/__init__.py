"""The 部门整体支出绩效自评表: a department's overall-expenditure self-evaluation.

contract (TOML keys, input workbook) → model (typed) → rules and checks (validation) →
compute (分值 sums, 总分, 评价等级) → context (what templates print) → summary (its sheet
of the year's 汇总表); standard and scaffold give `reportgen new` its rows.
"""
