"""A form kind: everything that makes one kind of form (部门整体支出绩效自评表,
项目支出绩效自评表 …) what it is, behind one interface the generic parts use.

The generic parts (read, validate, render, write, tags, pipeline, batch, cli) get a
``FormKind`` from the registry (reportgen.forms) and never import a kind's modules. A
kind is a folder reportgen/forms/<key>/ (contract, model, rules, compute, checks,
context, variables, summary, standard rows) plus its templates in templates/<key>/.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

from reportgen.contract import Contract
from reportgen.findings import Finding
from reportgen.model import KeyPath, RawInput
from reportgen.rendering import Rendering
from reportgen.settings import Settings
from reportgen.validate import Identity


@dataclass(frozen=True)
class Built:
    """What the generic pipeline keeps of one validated form."""

    model: Any  # the kind's typed model
    evaluation: Any  # the kind's computed figures


class FormKind:
    """The interface of a form kind. Subclasses set the attributes and implement the
    methods; everything here is data or pure functions of the data."""

    key: str  # "department": --kind, templates/<key>/
    title: str  # 部门整体支出绩效自评表 (file names, messages, the 汇总表)
    noun: str  # 部门 / 项目: what one form is about ("共 3 个部门")
    data_folder: str  # below data/<year>/: "" (the year folder itself) or "项目" (with subfolders)
    template_names: Mapping[str, str] = {"docx": "自评表.docx", "xlsx": "自评表.xlsx"}
    contract: Contract  # TOML keys and the Excel input workbook
    identity: KeyPath  # where the data names its form (部门名称, 项目名称): one file per name
    variables: Sequence[Any] = ()  # reportgen.tags.variables.Variable: what templates may print
    is_group: bool = False  # its forms are what others belong to (a department): --dept names them
    setting_keys: tuple[str, ...] = ()  # the keys of its [<key>] table in 设置.toml (any other is an error)

    # -- files ----------------------------------------------------------------------
    def data_dir(self, data_dir: Path, year: int) -> Path:
        return data_dir / str(year) / self.data_folder if self.data_folder else data_dir / str(year)

    def recursive(self) -> bool:
        """Whether the data folder's subfolders hold forms of this kind too."""
        return bool(self.data_folder)

    def output_path(self, built: Built, suffix: str) -> PurePath:
        """Where a form's file goes, relative to output/<year>/."""
        raise NotImplementedError

    # -- data -----------------------------------------------------------------------
    def validate(self, raw: RawInput, year: int | None, settings: Settings) -> tuple[Built | None, list[Finding]]:
        """Every finding of one input; Built when there is no error."""
        raise NotImplementedError

    def rendering(self, built: Built) -> Rendering:
        raise NotImplementedError

    def summary(self, built: Built) -> Any:
        """The form's small, picklable line in the year's 汇总表."""
        raise NotImplementedError

    def name_of(self, built: Built) -> str:
        """The form's own name (部门名称, 项目名称)."""
        raise NotImplementedError

    def group(self, built: Built) -> str | None:
        """The department a form belongs to (for --dept and the 汇总表); None: itself."""
        return None

    def identify(self, raw: RawInput) -> Identity | None:
        """What a data file says it is (for one-file-per-form checks), or None."""
        raise NotImplementedError

    def summary_sheets(self, workbook, year: int, rows: Sequence[Any], failed: Sequence[tuple[str, str]],
                       settings: Settings, others: Mapping[Any, Sequence[Any]]) -> None:
        """Add this kind's sheets to the year's 汇总表 workbook: a line per form built
        (`rows`), then (name, reason) of each form not built; `others`: every kind's rows.
        The workbook (reportgen.render.summary_book) writes a sheet top to bottom, once
        (see reportgen.render.summary_print)."""

    def cross_check(self, rows: Sequence[Any], others: Mapping[Any, Sequence[Any]]) -> dict[int, list[Finding]]:
        """Findings of the checks between this kind's forms (their summary rows) and the
        forms of other kinds (`others`: every kind's rows), by index into `rows`."""
        return {}

    # -- the 自评报告 (reportgen.drafts) --------------------------------------------------
    report_variables: Any = None  # the VariableTable of its template; None: the kind has no report
    report_title: str = ""  # 部门整体支出绩效自评报告: the end of its file name

    def report_path(self, built: Built) -> PurePath:
        """Where a form's 自评报告 goes, relative to output/<year>/自评报告/."""
        raise NotImplementedError

    def report_rendering(self, built: Built, related: Mapping[str, Sequence[Any]]) -> Rendering:
        """The 自评报告's context; related: by kind key, the summary rows of the forms of other
        kinds that belong to this form (a department's project forms)."""
        raise NotImplementedError

    def report_facts(self, built: Built, related: Mapping[str, Sequence[Any]]) -> Any:
        """What an edited 自评报告 must still say (reportgen.report_check.ReportFacts)."""
        raise NotImplementedError

    def variables_for(self, template: Path) -> Any:
        """The VariableTable a template of this kind is written against (by its file name)."""
        if self.report_variables is not None and template.name == self.template_names.get("report"):
            return self.report_variables
        return self.variables

    # -- new / convert --------------------------------------------------------------
    def scaffold(self, year: int, name: str, template: dict[str, Any] | None) -> dict[str, Any]:
        """A blank data file's content (standard rows, blanks to fill in)."""
        raise NotImplementedError

    def scaffold_header(self, year: int, name: str, template: Path | None) -> tuple[str, ...]:
        return ()

    def demo_source(self) -> str:
        """The bundled example (relative to the sample data folder) the guide shows."""
        raise NotImplementedError
