"""The table of every template variable (what ``context.build_context`` provides), with a
Chinese description. It is the single list that

* the template lint (``reportgen templates check``) resolves tags against,
* the admins' guide docs/模板编辑说明.md shows (``variables_markdown`` renders the section
  between the markers; ``python tools/update_template_guide.py`` rewrites it),
* a test compares with the keys of the real context of the demo department.

Paths: ``a.b`` is a key of a mapping, ``a[]`` an item of a list. A list of mappings has
entries for the list (``rows``) and for each key of its items (``rows[].score``); a list
of texts has entries for the list and for its items (``completion_paragraphs[]``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from reportgen.formats import FILTERS

GUIDE_NAME = "docs/模板编辑说明.md"
GUIDE_BEGIN = "<!-- 变量表开始 -->"
GUIDE_END = "<!-- 变量表结束 -->"


@dataclass(frozen=True)
class Variable:
    path: str
    description: str  # Chinese, for the admins' guide
    filter: str | None = None  # the filter the form prints it with (money/score/weight)


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

BY_PATH: dict[str, Variable] = {v.path: v for v in VARIABLES}
PATHS: frozenset[str] = frozenset(BY_PATH)


def _prefixes(path: str) -> Iterable[str]:
    """'rows[].score' -> 'rows', 'rows[]', 'rows[].score'."""
    out = ""
    for part in path.replace("[]", ".[]").split("."):
        out = out + part if part == "[]" or not out else f"{out}.{part}"
        yield out


# Every path a template may name, including the mappings on the way (department, rows[]).
KNOWN: frozenset[str] = frozenset(p for path in PATHS for p in _prefixes(path))


def is_list(path: str) -> bool:
    return f"{path}[]" in KNOWN


def context_paths(context: Mapping[str, Any]) -> set[str]:
    """The paths of a real context, in the notation of VARIABLES (lists, and leaves)."""
    found: set[str] = set()

    def walk(value: Any, path: str) -> None:
        if isinstance(value, Mapping):
            for key, item in value.items():
                walk(item, f"{path}.{key}" if path else str(key))
        elif isinstance(value, list | tuple):
            found.add(path)
            for item in value:
                walk(item, f"{path}[]")
        else:
            found.add(path)

    walk(context, "")
    return found


def loop_usage(path: str) -> tuple[str, str]:
    """How a path is written in a template: (expression, enclosing loop or '')."""
    if "[]" not in path:
        return path, ""
    head, _, rest = path.rpartition("[]")
    name = LOOP_NAMES.get(head, "item")
    parent, _ = loop_usage(head)
    loop = f"for {name} in {parent}"
    return name + rest, loop


def usage(variable: Variable) -> str:
    expression, _ = loop_usage(variable.path)
    if is_list(variable.path):
        tag = "{%tr " if variable.path == "rows" else "{%p "
        if variable.path == "goals[].completion":
            tag = "{% "
        return f"{tag}for {LOOP_NAMES.get(variable.path, 'item')} in {expression} %}}"
    suffix = f"|{variable.filter}" if variable.filter else ""
    return f"{{{{ {expression}{suffix} }}}}"


def _first(context: Mapping[str, Any], path: str) -> Any:
    """The demo value at a path (the first item of each list on the way)."""
    value: Any = context
    for part in path.replace("[]", ".[]").split("."):
        if part == "[]":
            value = value[0] if value else ""
        else:
            value = value[part]
    return value


def example(context: Mapping[str, Any], variable: Variable, limit: int = 24) -> str:
    try:
        value = _first(context, variable.path)
    except (KeyError, IndexError, TypeError):
        return "—"
    if isinstance(value, list | tuple):
        return f"共 {len(value)} {'行' if variable.path == 'rows' else '项'}"
    text = FILTERS[variable.filter](value) if variable.filter else str(value)
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[:limit] + "……"
    return text or "（空）"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def variables_markdown(context: Mapping[str, Any]) -> str:
    """The guide's table of variables (between GUIDE_BEGIN and GUIDE_END), with the values
    of the given context (the demo department) as examples."""
    lines = [
        "| 变量 | 含义 | 在模板中的写法 | 示例数据中的值 |",
        "| --- | --- | --- | --- |",
    ]
    for variable in VARIABLES:
        _, loop = loop_usage(variable.path)
        where = f"（在 `{loop}` 循环内）" if loop else ""
        lines.append(
            f"| `{variable.path}` | {_cell(variable.description)}{where} | "
            f"`{_cell(usage(variable))}` | {_cell(example(context, variable))} |"
        )
    return "\n".join(lines) + "\n"


def guide_section(text: str) -> str:
    """The part of the guide between the markers (without them)."""
    start = text.index(GUIDE_BEGIN) + len(GUIDE_BEGIN)
    return text[start:text.index(GUIDE_END, start)].strip("\n") + "\n"


def replace_guide_section(text: str, section: str) -> str:
    start = text.index(GUIDE_BEGIN) + len(GUIDE_BEGIN)
    end = text.index(GUIDE_END, start)
    return f"{text[:start]}\n{section}{text[end:]}"


DEMO_DEPARTMENT = "2022/广州市应急管理局.toml"


def demo_context() -> dict[str, Any]:
    """The template context of the demo department (the guide's examples)."""
    from reportgen.compute import evaluate
    from reportgen.context import build_context
    from reportgen.pipeline import load_department
    from reportgen.resources import sample_data_dir

    return build_context(evaluate(load_department(sample_data_dir() / DEMO_DEPARTMENT)))
