"""The project form kind (项目支出绩效自评表): what the generic parts get from the registry."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path, PurePath
from typing import Any

from reportgen.forms.kind import Built, FormKind
from reportgen.forms.project import checks, compute, context, crosscheck, scaffold, summary
from reportgen.forms.project import report_variables as report_table
from reportgen.forms.project.contract import CONTRACT
from reportgen.forms.project.variables import TABLE
from reportgen.model import RawInput
from reportgen.rendering import Rendering
from reportgen.settings import Settings
from reportgen.validate import Identity, text_at
from reportgen.write.files import safe_file_name


def _output(department: str, name: str, year: int | str, title: str, suffix: str) -> PurePath:
    return PurePath("项目", safe_file_name(department), f"{safe_file_name(name)}_{year}年度{title}{suffix}")


class ProjectForm(FormKind):
    key = "project"
    title = "项目支出绩效自评表"
    noun = "项目"
    data_folder = "项目"
    contract = CONTRACT
    identity = ("project", "name")
    variables = TABLE
    template_names = {**FormKind.template_names, "report": "自评报告.docx"}
    report_variables = report_table.TABLE
    report_title = "项目支出绩效自评报告"
    setting_keys = checks.SETTING_KEYS

    def output_path(self, built: Built, suffix: str) -> PurePath:
        project = built.model
        return _output(project.department, project.name, project.year, self.title, suffix)

    def identify(self, raw: RawInput) -> Identity | None:
        name = text_at(raw, self.identity)
        department = text_at(raw, ("project", "department"))
        if name is None or department is None:
            return None
        output = PurePath("项目", safe_file_name(department), safe_file_name(name))  # + _<year>年度<title>
        return Identity(name=name, label="项目名称", key=f"{department}/{name}", output=output.as_posix(),
                        where=raw.locate(self.identity), group=department)

    def validate(self, raw: RawInput, year: int | None, settings: Settings) -> tuple[Built | None, list]:
        found, findings = checks.validate(raw, year, settings)
        if found is None:
            return None, findings
        project, rules = found
        return Built(project, compute.evaluate(project, rules.budget_weight, settings)), findings

    def rendering(self, built: Built) -> Rendering:
        return context.rendering(built.evaluation)

    def summary(self, built: Built) -> compute.SummaryRow:
        return compute.summarize(built.evaluation)

    def name_of(self, built: Built) -> str:
        return built.model.name

    def group(self, built: Built) -> str:
        return built.model.department

    def report_path(self, built: Built) -> PurePath:
        project = built.model
        return _output(project.department, project.name, project.year, self.report_title, ".docx")

    def report_rendering(self, built: Built, related: Mapping[str, Sequence[Any]]) -> Rendering:
        from reportgen.forms.project.report import report_rendering

        return report_rendering(built.evaluation)

    def report_facts(self, built: Built, related: Mapping[str, Sequence[Any]]):
        from reportgen.forms.project.report import report_facts

        return report_facts(self.report_rendering(built, related).context)

    def summary_sheets(self, workbook, year: int, rows: Sequence[Any], failed: Sequence[tuple[str, str]],
                       settings: Settings, others: Mapping[Any, Sequence[Any]]) -> None:
        summary.summary_sheets(workbook, year, rows, failed)

    def cross_check(self, rows: Sequence[Any], others: Mapping[Any, Sequence[Any]]) -> dict[int, list]:
        return crosscheck.cross_check(rows, others)

    def scaffold(self, year: int, name: str, template: dict[str, Any] | None) -> dict[str, Any]:
        return scaffold.scaffold(year, name, template)

    def scaffold_header(self, year: int, name: str, template: Path | None) -> tuple[str, ...]:
        return scaffold.scaffold_header(year, name, template)

    def demo_source(self) -> str:
        return "2022/项目/广州市应急管理局/示例：森林防火宣传.toml"


KIND = ProjectForm()
