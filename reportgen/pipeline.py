"""The build pipeline for one department: read → model → compute → render → write.

The CLI is a thin layer over ``find_department_files`` and ``build_department_file``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reportgen.compute import Evaluation, evaluate
from reportgen.findings import Finding, InputError, error
from reportgen.model import Department, RawInput, build_department

INPUT_SUFFIXES = (".toml",)
FORMATS = ("docx",)
TEMPLATE_NAMES = {"docx": "自评表.docx"}
FORM_TITLE = "部门整体支出绩效自评表"


class YearNotFound(Exception):
    """The data folder for a year does not exist or holds no department file."""


@dataclass
class BuildResult:
    source: Path
    department: str | None = None
    outputs: list[Path] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(f.level == "error" for f in self.findings)


def find_department_files(data_dir: Path, year: int) -> list[Path]:
    folder = data_dir / str(year)
    if not folder.is_dir():
        raise YearNotFound(f"找不到 {year} 年度的数据文件夹：{folder}。"
                           f"请先建立该文件夹，并放入各部门的数据文件（.toml）。")
    files = sorted(p for p in folder.iterdir()
                   if p.suffix.lower() in INPUT_SUFFIXES and not p.name.startswith((".", "~$")))
    if not files:
        raise YearNotFound(f"{folder} 中没有部门数据文件（.toml）。")
    return files


def read_input(path: Path) -> RawInput:
    from reportgen.read_toml import read_toml

    return read_toml(path)


def load_department(path: Path) -> Department:
    return build_department(read_input(path))


def check_year(department: Department, year: int) -> None:
    if department.year != year:
        raise InputError([error(
            f"{department.source.name if department.source else ''} 键 year",
            f"文件中的年度 year = {department.year} 与所在文件夹 {year} 不一致，"
            f"请改正年度或把文件移到 data/{department.year}/。",
        )])


def template_path(templates_dir: Path, year: int, fmt: str) -> Path:
    """templates/<year>/<name> overrides templates/<name>."""
    name = TEMPLATE_NAMES[fmt]
    for candidate in (templates_dir / str(year) / name, templates_dir / name):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"找不到模板文件 {templates_dir / name}。")


def output_name(department: Department, suffix: str) -> str:
    from reportgen.write import safe_file_name

    return f"{safe_file_name(department.name)}_{department.year}年度{FORM_TITLE}{suffix}"


def render(evaluation: Evaluation, fmt: str, template: Path) -> bytes:
    if fmt == "docx":
        from reportgen.render_docx import render_docx

        return render_docx(evaluation, template)
    raise ValueError(fmt)


def build_department_file(
    source: Path, year: int, *, templates_dir: Path, out_dir: Path,
    formats: Sequence[str] = FORMATS,
) -> BuildResult:
    """Build one department's outputs; user errors become findings, never exceptions."""
    from reportgen.write import build_timestamp, inside, reproducible_package, write_atomic

    result = BuildResult(source=source)
    try:
        department = load_department(source)
        check_year(department, year)
    except InputError as exc:
        result.findings.extend(exc.findings)
        return result
    result.department = department.name
    evaluation = evaluate(department)
    rendered = {fmt: render(evaluation, fmt, template_path(templates_dir, year, fmt))
                for fmt in formats}
    stamp = build_timestamp(department.year)
    for fmt, data in rendered.items():
        folder = out_dir / str(year)
        target = inside(folder, folder / output_name(department, f".{fmt}"))
        write_atomic(target, reproducible_package(data, stamp))
        result.outputs.append(target)
    return result
