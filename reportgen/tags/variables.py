"""The table of template variables a form kind provides, with a Chinese description of
each. A kind's table (reportgen/forms/<kind>/variables.py) is the single list that

* the template lint (``reportgen templates check``) resolves tags against,
* the admins' guide docs/模板编辑说明.md shows (``VariableTable.markdown`` renders the
  section between the kind's markers; ``python tools/update_template_guide.py`` rewrites it),
* a test compares with the keys of the real context of the kind's bundled example.

Paths: ``a.b`` is a key of a mapping, ``a[]`` an item of a list. A list of mappings has
entries for the list (``rows``) and for each key of its items (``rows[].score``); a list
of texts has entries for the list and for its items (``completion_paragraphs[]``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from reportgen.formats import FILTERS

GUIDE_NAME = "docs/模板编辑说明.md"


@dataclass(frozen=True)
class Variable:
    path: str
    description: str  # Chinese, for the admins' guide
    filter: str | None = None  # the filter the form prints it with (money/score/weight …)


def _prefixes(path: str) -> Iterable[str]:
    """'rows[].score' -> 'rows', 'rows[]', 'rows[].score'."""
    out = ""
    for part in path.replace("[]", ".[]").split("."):
        out = out + part if part == "[]" or not out else f"{out}.{part}"
        yield out


def context_paths(context: Mapping[str, Any]) -> set[str]:
    """The paths of a real context, in the notation of the tables (lists, and leaves)."""
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


def _first(context: Mapping[str, Any], path: str) -> Any:
    """The demo value at a path (the first item of each list on the way)."""
    value: Any = context
    for part in path.replace("[]", ".[]").split("."):
        if part == "[]":
            value = value[0] if value else ""
        else:
            value = value[part]
    return value


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


@dataclass(frozen=True)
class VariableTable:
    variables: tuple[Variable, ...]
    # The loop variable each list is usually written with in the template, e.g.
    # {%tr for row in rows %} ... {{ row.score|score }}.
    loop_names: Mapping[str, str] = field(default_factory=dict)
    guide_begin: str = "<!-- 变量表开始 -->"  # the guide's section for this kind
    guide_end: str = "<!-- 变量表结束 -->"

    @cached_property
    def paths(self) -> frozenset[str]:
        return frozenset(v.path for v in self.variables)

    @cached_property
    def known(self) -> frozenset[str]:
        """Every path a template may name, including the mappings on the way."""
        return frozenset(p for path in self.paths for p in _prefixes(path))

    def is_list(self, path: str) -> bool:
        return f"{path}[]" in self.known

    def loop_usage(self, path: str) -> tuple[str, str]:
        """How a path is written in a template: (expression, enclosing loop or '')."""
        if "[]" not in path:
            return path, ""
        head, _, rest = path.rpartition("[]")
        name = self.loop_names.get(head, "item")
        parent, _ = self.loop_usage(head)
        return name + rest, f"for {name} in {parent}"

    def usage(self, variable: Variable) -> str:
        expression, _ = self.loop_usage(variable.path)
        if self.is_list(variable.path):
            tag = "{%tr " if variable.path == "rows" else "{%p "
            if "[]" in variable.path:
                tag = "{% "
            return f"{tag}for {self.loop_names.get(variable.path, 'item')} in {expression} %}}"
        suffix = f"|{variable.filter}" if variable.filter else ""
        return f"{{{{ {expression}{suffix} }}}}"

    def example(self, context: Mapping[str, Any], variable: Variable, limit: int = 24) -> str:
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

    def markdown(self, context: Mapping[str, Any]) -> str:
        """The guide's table of variables, with the values of the given context (the
        kind's bundled example) as examples."""
        lines = [
            "| 变量 | 含义 | 在模板中的写法 | 示例数据中的值 |",
            "| --- | --- | --- | --- |",
        ]
        for variable in self.variables:
            _, loop = self.loop_usage(variable.path)
            where = f"（在 `{loop}` 循环内）" if loop else ""
            lines.append(
                f"| `{variable.path}` | {_cell(variable.description)}{where} | "
                f"`{_cell(self.usage(variable))}` | {_cell(self.example(context, variable))} |"
            )
        return "\n".join(lines) + "\n"

    def guide_section(self, text: str) -> str:
        """The part of the guide between the markers (without them)."""
        start = text.index(self.guide_begin) + len(self.guide_begin)
        return text[start:text.index(self.guide_end, start)].strip("\n") + "\n"

    def replace_guide_section(self, text: str, section: str) -> str:
        start = text.index(self.guide_begin) + len(self.guide_begin)
        end = text.index(self.guide_end, start)
        return f"{text[:start]}\n{section}{text[end:]}"
