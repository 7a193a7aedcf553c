"""The department form kind: what the generic parts get from the registry."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path, PurePath
from typing import Any

from reportgen.forms.department import checks, compute, context, scaffold, summary
from reportgen.forms.department import report_variables as report_table
from reportgen.forms.department.contract import CONTRACT
from reportgen.forms.department.variables import TABLE
from reportgen.forms.kind import Built, FormKind
from reportgen.model import RawInput
from reportgen.rendering import Rendering
from reportgen.settings import Settings
from reportgen.validate import Identity, text_at
from reportgen.write.files import safe_file_name


class DepartmentForm(FormKind):
    key = "department"
    title = "部门整体支出绩效自评表"
    noun = "部门"
    data_folder = ""
    contract = CONTRACT
    identity = ("department", "name")
    variables = TABLE
    is_group = True
    template_names = {**FormKind.template_names, "report": "自评报告.docx"}
    report_variables = report_table.TABLE
    report_title = "部门整体支出绩效自评报告"
    setting_keys = checks.SETTING_KEYS

    def output_path(self, built: Built, suffix: str) -> PurePath:
        department = built.model
        return PurePath(f"{safe_file_name(department.name)}_{department.year}年度{self.title}{suffix}")

    def report_path(self, built: Built) -> PurePath:
        department = built.model
        return PurePath(f"{safe_file_name(department.name)}_{department.year}年度{self.report_title}.docx")

    def report_rendering(self, built: Built, related: Mapping[str, Sequence[Any]]) -> Rendering:
        from reportgen.forms.department.report import report_rendering

        return report_rendering(built.evaluation, related.get("project", ()))

    def report_facts(self, built: Built, related: Mapping[str, Sequence[Any]]):
        from reportgen.forms.department.report import report_facts

        return report_facts(self.report_rendering(built, related).context)

    def identify(self, raw: RawInput) -> Identity | None:
        name = text_at(raw, self.identity)
        if name is None:
            return None
        return Identity(name=name, label="部门名称", key=name, output=safe_file_name(name),
                        where=raw.locate(self.identity), group=name)

    def validate(self, raw: RawInput, year: int | None, settings: Settings) -> tuple[Built | None, list]:
        department, findings = checks.validate(raw, year, settings)
        if department is None:
            return None, findings
        return Built(department, compute.evaluate(department, settings)), findings

    def rendering(self, built: Built) -> Rendering:
        return context.rendering(built.evaluation)

    def summary(self, built: Built) -> compute.SummaryRow:
        return compute.summarize(built.evaluation)

    def name_of(self, built: Built) -> str:
        return built.model.name

    def group(self, built: Built) -> str:
        return built.model.name

    def summary_sheets(self, workbook, year: int, rows: Sequence[Any], failed: Sequence[tuple[str, str]],
                       settings: Settings, others: Mapping[Any, Sequence[Any]]) -> None:
        summary.summary_sheets(workbook, year, rows, settings, failed)

    def scaffold(self, year: int, name: str, template: dict[str, Any] | None) -> dict[str, Any]:
        return scaffold.scaffold(year, name, template)

    def scaffold_header(self, year: int, name: str, template: Path | None) -> tuple[str, ...]:
        return scaffold.scaffold_header(year, name, template)

    def demo_source(self) -> str:
        return "2022/广州市应急管理局.toml"


KIND = DepartmentForm()
