"""The build pipeline for one department: read → model → compute → render → write.

The CLI is a thin layer over ``find_department_files`` and ``build_department_file``.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reportgen.compute import Evaluation, SummaryRow, evaluate, summarize
from reportgen.findings import Finding, InputError, describe_os_error, error, os_error_place
from reportgen.model import Department, RawInput, build_department
from reportgen.render_pdf import PdfJob

INPUT_SUFFIXES = (".toml", ".xlsx")
FORMATS = ("docx", "xlsx")
TEMPLATE_NAMES = {"docx": "自评表.docx", "xlsx": "自评表.xlsx"}
# Besides FORMATS (the default), --format accepts pdf: converted from the .docx by
# LibreOffice (render_pdf.write_pdfs), once per build run for all departments.
ALL_FORMATS = (*FORMATS, "pdf")
FORM_TITLE = "部门整体支出绩效自评表"


class YearNotFound(Exception):
    """The data folder for a year does not exist or holds no department file."""


@dataclass
class BuildResult:
    source: Path
    department: str | None = None
    outputs: list[Path] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    pdf_job: PdfJob | None = None  # the PDF to convert from the .docx (render_pdf.write_pdfs)
    summary: SummaryRow | None = None  # the department's line in the year's 汇总表

    @property
    def ok(self) -> bool:
        return not any(f.level == "error" for f in self.findings)


def find_department_files(data_dir: Path, year: int) -> list[Path]:
    folder = data_dir / str(year)
    if not folder.is_dir():
        raise YearNotFound(year_not_found(data_dir, year))
    files = sorted(p for p in folder.iterdir()
                   if p.is_file() and not p.name.startswith((".", "~$"))
                   and (p.suffix.lower() in INPUT_SUFFIXES or wrong_format(p)))
    if not files:
        raise YearNotFound(f"{folder} 中没有部门数据文件（.toml 或 .xlsx）。")
    return files


def year_not_found(data_dir: Path, year: int) -> str:
    """Where we looked, which years there are, and what to do (a clerk who ran the tool
    outside the working folder sees it at once)."""
    looked = (data_dir / str(year)).resolve()
    if not data_dir.is_dir():
        return (f"找不到 {year} 年度的数据文件夹：{looked}，连数据文件夹 {data_dir.resolve()} 也没有。"
                f"当前所在的文件夹 {Path.cwd()} 看来不是 reportgen 的工作文件夹：请先进入工作文件夹"
                f"（cd 到含有 data、templates 的文件夹）再运行，或用 --data 指定数据文件夹；"
                f"还没有工作文件夹时，运行 reportgen init 文件夹名 新建一个。")
    years = sorted(p.name for p in data_dir.iterdir() if p.is_dir() and p.name.isdigit())
    have = (f"{data_dir.resolve()} 中现有的年度：{'、'.join(years)}。" if years else
            f"{data_dir.resolve()} 中还没有任何年度文件夹。")
    return (f"找不到 {year} 年度的数据文件夹：{looked}。{have}"
            f"请检查年度是否写对；如是新的年度，请建立该文件夹并放入各部门的数据文件"
            f"（.toml 或 .xlsx，可用 reportgen new 新建）。")


# Files that are clearly meant as department data but saved in a format we do not read:
# reported (with how to fix) instead of being skipped in silence.
_WRONG_FORMATS = {
    ".xls": "旧版 Excel 工作簿（.xls），请用 Excel 或 WPS 打开后“另存为” Excel 工作簿（.xlsx）",
    ".xlsm": "启用宏的工作簿（.xlsm），请“另存为” Excel 工作簿（.xlsx）",
    ".xlsb": "二进制工作簿（.xlsb），请“另存为” Excel 工作簿（.xlsx）",
    ".et": "WPS 表格文件（.et），请在 WPS 中“另存为” Excel 工作簿（.xlsx）",
    ".txt": "文本文件（文件名以 .toml.txt 结尾，多为记事本自动加了 .txt），"
            "请把文件改名为以 .toml 结尾（可在资源管理器中打开“文件扩展名”显示后改名）",
}


def wrong_format(path: Path) -> str | None:
    """Why a department file cannot be read as it is, or None."""
    suffix = path.suffix.lower()
    if suffix == ".txt" and not path.stem.lower().endswith(".toml"):
        return None
    return _WRONG_FORMATS.get(suffix)


def read_input(path: Path) -> RawInput:
    """Read a department file by its suffix: .toml or an .xlsx input workbook."""
    from reportgen.limits import check_input_size

    problem = wrong_format(path)
    if problem:
        raise InputError([error(path.name, f"不能读取这种格式：这是{problem}。")])
    check_input_size(path)
    if path.suffix.lower() == ".xlsx":
        from reportgen.read_xlsx import read_xlsx

        return read_xlsx(path)
    from reportgen.read_toml import read_toml

    return read_toml(path)


def name_of(path: Path) -> tuple[str | None, str]:
    """(部门名称, where it is written) of a department file; (None, "") when unreadable
    (that is reported when the department itself is built)."""
    from reportgen.validate import department_name

    try:
        raw = read_input(path)
    except InputError:
        return None, ""
    return department_name(raw), raw.locate(("department", "name"))


def duplicate_files_and_names(sources: Sequence[Path], mapper=map
                              ) -> tuple[dict[Path, list[Finding]], dict[Path, str | None]]:
    """Errors for a second file of one department in a year (A.toml beside A.xlsx, or two
    files with the same 部门名称), and the 部门名称 each file gives (None when unreadable).
    Only each file's name and its location are kept, so memory stays flat however many
    departments a year has; `mapper` may read the files in worker processes."""
    from reportgen.validate import duplicate_findings

    light: dict[Path, RawInput | None] = {}
    names: dict[Path, str | None] = {}
    for path, (name, where) in zip(sources, mapper(name_of, sources), strict=True):
        names[path] = name
        light[path] = None if not where else RawInput(
            data={"department": {"name": name}}, source=path,
            locate=lambda _path, where=where: where, findings=[])
    duplicates = duplicate_findings(sources, light)
    return duplicates, names


def warm_up(templates_dir: Path, year: int, formats: Sequence[str]) -> None:
    """Import the renderers and prepare the year's templates in this process, so worker
    processes forked from it start ready instead of each doing it again."""
    needed = {"docx" if f == "pdf" else f for f in formats}
    for fmt in needed:
        try:
            template = template_path(templates_dir, year, fmt)
            if fmt == "docx":
                from reportgen.render_docx import prepared
            else:
                from reportgen.render_xlsx import prepared
            prepared(template)
            from reportgen.template_check import preflight

            preflight(template)  # cached per file version, like the prepared template
        except Exception:  # noqa: BLE001 - a broken template is reported per department
            pass


def load_department(path: Path) -> Department:
    return build_department(read_input(path))


def template_path(templates_dir: Path, year: int, fmt: str) -> Path:
    """templates/<year>/<name> overrides templates/<name>."""
    name = TEMPLATE_NAMES[fmt]
    for candidate in (templates_dir / str(year) / name, templates_dir / name):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"找不到模板文件 {templates_dir / name}。")


def output_name(department: Department, suffix: str) -> str:
    return output_file_name(department.name, department.year, suffix)


def output_file_name(name: str, year: int, suffix: str) -> str:
    """The file name of a department's form (by its 部门名称) in output/<year>/."""
    from reportgen.write import safe_file_name

    return f"{safe_file_name(name)}_{year}年度{FORM_TITLE}{suffix}"


def render(evaluation: Evaluation, fmt: str, template: Path) -> bytes:
    if fmt == "docx":
        from reportgen.render_docx import render_docx

        return render_docx(evaluation, template)
    if fmt == "xlsx":
        from reportgen.render_xlsx import render_xlsx

        return render_xlsx(evaluation, template)
    raise ValueError(fmt)


def build_department_file(
    source: Path, year: int, *, templates_dir: Path, out_dir: Path,
    formats: Sequence[str] = FORMATS,
) -> BuildResult:
    """Build one department's outputs; user errors become findings, never exceptions."""
    from reportgen.validate import validate
    from reportgen.write import build_timestamp, inside, reproducible_package, write_all_atomic

    result = BuildResult(source=source)
    try:
        department, findings = validate(read_input(source), year)
    except InputError as exc:
        result.findings.extend(exc.findings)
        return result
    result.findings.extend(findings)  # warnings are reported; errors stop this department
    if department is None:
        return result
    result.department = department.name
    evaluation = evaluate(department)
    from reportgen.template_check import preflight, render_failure

    # A PDF is converted from the .docx (render_pdf.write_pdfs, once per run for all
    # departments); the .docx is rendered for it even when not asked for itself.
    needed = [f for f in formats if f != "pdf"] + (["docx"] if "pdf" in formats and "docx" not in formats else [])
    rendered = {}
    for fmt in needed:
        try:
            template = template_path(templates_dir, year, fmt)
            problems = preflight(template)  # e.g. a tag missing its }} (docxtpl would swallow text)
            if problems:
                result.findings.extend(problems)
                continue
            rendered[fmt] = render(evaluation, fmt, template)
        except Exception as exc:  # a template an admin broke: a finding naming the tag
            findings = render_failure(exc, templates_dir, year, TEMPLATE_NAMES[fmt])
            if findings is None:
                raise
            result.findings.extend(findings)
    if not result.ok:
        return result
    stamp = build_timestamp(department.year)
    folder = out_dir / str(year)
    writes: list[tuple[Path, bytes]] = []
    scratch = None
    for fmt, data in rendered.items():
        target = inside(folder, folder / output_name(department, f".{fmt}"))
        if fmt not in formats:  # the .docx of a PDF only: in a hidden scratch folder
            folder.mkdir(parents=True, exist_ok=True)
            scratch = Path(tempfile.mkdtemp(prefix=".pdf-", dir=folder))
            target = scratch / target.name
        writes.append((target, reproducible_package(data, stamp)))
    try:
        write_all_atomic(writes)  # all of a department's files, or none
    except BaseException as exc:  # e.g. a file is open in Excel/WPS on Windows; Ctrl-C
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
        if not isinstance(exc, OSError):
            raise
        where = os_error_place(exc, folder)
        result.findings.append(error(where, (
            f"无法写入（{describe_os_error(exc)}）。如果此文件正在 Word/Excel/WPS 中打开，"
            "请先关闭再重新生成；这个部门原有的文件都保持不变。")))
        return result
    for target, _ in writes:
        if scratch is None or target.parent != scratch:
            result.outputs.append(target)
        if target.suffix == ".docx" and "pdf" in formats:
            pdf = inside(folder, folder / output_name(department, ".pdf"))
            result.pdf_job = PdfJob(target=pdf, docx=target, scratch=scratch)
    if result.ok:
        result.summary = summarize(evaluation)
    return result
