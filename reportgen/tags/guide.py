"""The admins' guide docs/模板编辑说明.md: each kind's section of template variables is
generated from the kind's variable table, with its bundled example's values."""

from __future__ import annotations

from typing import Any

from reportgen.forms.kind import FormKind


def demo_context(kind: FormKind) -> dict[str, Any]:
    """The template context of the kind's bundled example (the guide's examples)."""
    from reportgen.pipeline import load
    from reportgen.resources import sample_data_dir

    return kind.rendering(load(kind, sample_data_dir() / kind.demo_source())).context


def guide_sections(kind: FormKind) -> str:
    return kind.variables.markdown(demo_context(kind))


def report_context(kind: FormKind) -> dict[str, Any]:
    """The 自评报告 context of the kind's bundled example (a department with its projects)."""
    from reportgen.drafts import read_year
    from reportgen.resources import sample_data_dir

    source = sample_data_dir() / kind.demo_source()
    year = int(kind.demo_source().split("/")[0])
    data = read_year(sample_data_dir(), year)
    built = data.built[next(p for p in data.built if p.resolve() == source.resolve())]
    related = data.related.get(kind.name_of(built), {}) if kind.is_group else {}
    return kind.report_rendering(built, related).context


def report_guide_sections(kind: FormKind) -> str:
    return kind.report_variables.markdown(report_context(kind))
