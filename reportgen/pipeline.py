"""The build pipeline for one form of any kind: read → model → validate and compute →
render → write. ``build_file`` is the library entry point (the CLI and batch call it);
the kind (reportgen.forms) supplies everything that is particular to a form."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportgen.errors import InputError, NotFound
from reportgen.findings import Finding, describe_os_error, error, os_error_place
from reportgen.forms.kind import FormKind
from reportgen.model import RawInput
from reportgen.rendering import Rendering
from reportgen.settings import SETTINGS_FILE, Settings
from reportgen.template_files import candidates, template_path
from reportgen.validate import Identity

if TYPE_CHECKING:  # imported when a PDF is asked for
    from reportgen.render.pdf import PdfJob

INPUT_SUFFIXES = (".toml", ".xlsx")
FORMATS = ("docx", "xlsx")
# Besides FORMATS (the default), --format accepts pdf: converted from the .docx by
# LibreOffice (render.pdf.write_pdfs), once per build run for all forms.
ALL_FORMATS = (*FORMATS, "pdf")


class YearNotFound(NotFound):
    """The data folder for a year does not exist or holds no data file."""


@dataclass(slots=True)
class BuildResult:
    source: Path
    kind: str  # FormKind.key
    name: str | None = None  # the form's own name (部门名称, 项目名称)
    group: str | None = None  # the department it belongs to (--dept, the 汇总表)
    outputs: list[Path] = field(default_factory=list)  # the main process keeps a FormFiles (shared_values)
    findings: list[Finding] = field(default_factory=list)
    pdf_job: PdfJob | None = None  # the PDF to convert from the .docx (render.pdf.write_pdfs)
    summary: Any = None  # the form's line in the year's 汇总表 (FormKind.summary)
    identity: Identity | None = None  # what the file says it is (None when unreadable)

    @property
    def ok(self) -> bool:
        return not any(f.level == "error" for f in self.findings)


def _is_input(path: Path) -> bool:
    return (path.is_file() and not path.name.startswith((".", "~$")) and path.name != SETTINGS_FILE
            and (path.suffix.lower() in INPUT_SUFFIXES or wrong_format(path) is not None))


def find_files(kind: FormKind, data_dir: Path, year: int) -> list[Path]:
    """A kind's data files of a year: in data/<year>/ itself, or in its own folder there
    (subfolders included). A kind whose folder is absent has no forms that year."""
    folder = kind.data_dir(data_dir, year)
    if not kind.recursive():
        return sorted(p for p in folder.iterdir() if _is_input(p)) if folder.is_dir() else []
    return sorted((p for p in folder.rglob("*") if _is_input(p)), key=lambda p: p.relative_to(folder).parts) \
        if folder.is_dir() else []


def find_year(kinds: Sequence[FormKind], data_dir: Path, year: int) -> dict[FormKind, list[Path]]:
    """Every kind's data files of a year; the year must exist and hold some."""
    folder = data_dir / str(year)
    if not folder.is_dir():
        raise YearNotFound(year_not_found(data_dir, year))
    found = {kind: find_files(kind, data_dir, year) for kind in kinds}
    if not any(found.values()):
        raise YearNotFound(f"{folder} 中没有部门数据文件（.toml 或 .xlsx）。")
    return found


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


def read_input(path: Path, kind: FormKind) -> RawInput:
    """Read a data file by its suffix: .toml or an .xlsx input workbook (the kind's)."""
    from reportgen.limits import check_input_size

    problem = wrong_format(path)
    if problem:
        raise InputError([error(path.name, f"不能读取这种格式：这是{problem}。")])
    check_input_size(path)
    if path.suffix.lower() == ".xlsx":
        from reportgen.read.xlsx import read_xlsx

        return read_xlsx(path, kind.contract)
    from reportgen.read.toml import read_toml

    return read_toml(path)


def kind_of_file(path: Path) -> FormKind:
    """The kind of a data file: the one whose folder holds it (data/<year>/项目/…), else
    the one whose contract its content matches (its identity table in TOML, its first
    sheet in a workbook); the first kind (the department form) when nothing tells."""
    from reportgen.forms.registry import all_kinds

    kinds = all_kinds()
    for kind in kinds:
        if kind.data_folder and kind.data_folder in path.resolve().parent.parts:
            return kind
    if path.suffix.lower() == ".xlsx":
        from reportgen.read.package import sheet_names

        names = {"".join(n.split()) for n in sheet_names(path)}
        matching = [k for k in kinds if {s.title for s in k.contract.sheets if getattr(s, "required", True)} <= names]
    else:
        import tomllib

        try:
            data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError):
            return kinds[0]  # reading it again reports the problem
        matching = [k for k in kinds if isinstance(data.get(k.identity[0]), dict)]
    return matching[0] if matching else kinds[0]


def read_once(path: Path, kind: FormKind) -> RawInput | InputError:
    """A data file read, or why it cannot be: kept, so that it is never read twice."""
    try:
        return read_input(path, kind)
    except InputError as exc:
        return exc


def identity_of(read: RawInput | InputError, kind: FormKind) -> Identity | None:
    """What a file read says it is; None when unreadable (reported when it is built)."""
    return None if isinstance(read, InputError) else kind.identify(read)


def identify(path: Path, kind: FormKind) -> Identity | None:
    """What a data file says it is; None when unreadable (reported when it is built)."""
    return identity_of(read_once(path, kind), kind)


def warm_up(templates_dir: Path, year: int, formats: Sequence[str], kinds: Sequence[FormKind]) -> None:
    """Import the renderers and prepare the year's templates in this process, so worker
    processes forked from it start ready instead of each doing it again."""
    from reportgen.tags.check import preflight

    needed = {"docx" if f == "pdf" else f for f in formats}
    for kind in kinds:
        for fmt in needed:
            try:
                template = template_path(templates_dir, kind, year, fmt)
                _renderer(fmt).prepared(template)
                preflight(template, kind.variables.known)  # cached per file version, like the template
            except Exception:  # noqa: BLE001 - a broken template is reported per form
                pass


def _renderer(fmt: str):
    if fmt == "docx":
        from reportgen.render import docx

        return docx
    if fmt == "xlsx":
        from reportgen.render import xlsx

        return xlsx
    raise ValueError(fmt)


def render(rendering: Rendering, fmt: str, template: Path, when: datetime) -> bytes:
    """A form's file, stamped with when (build_timestamp): its final, reproducible bytes."""
    module = _renderer(fmt)
    return (module.render_docx(rendering, template, when) if fmt == "docx"
            else module.render_xlsx(rendering, template, when))


def validated(kind: FormKind, source: Path, year: int, settings: Settings | None,
              read: RawInput | InputError | None) -> tuple[BuildResult, Any]:
    """The first steps of making a form's files (build_file, drafts.draft_file): the file
    read (unless `read` is given), its identity and its validated model. Returns the
    result so far, with the findings (warnings are reported; errors stop this form), and
    the model (Built), None when the form has an error; name and group are set with it."""
    result = BuildResult(source=source, kind=kind.key)
    read = read_once(source, kind) if read is None else read
    result.identity = identity_of(read, kind)
    try:
        if isinstance(read, InputError):
            raise read
        built, findings = kind.validate(read, year, settings or Settings())
    except InputError as exc:
        result.findings.extend(exc.findings)
        return result, None
    result.findings.extend(findings)
    if built is not None:
        result.name, result.group = kind.name_of(built), kind.group(built)
    return result, built


def build_file(
    kind: FormKind, source: Path, year: int, *, templates_dir: Path, out_dir: Path,
    formats: Sequence[str] = FORMATS, settings: Settings | None = None,
    read: RawInput | InputError | None = None,
) -> BuildResult:
    """Build one form's outputs; user errors become findings, never exceptions. `read`:
    the file already read (read_once), so that it is not read again; the result carries
    the file's identity (batch finds the second files of one form with it)."""
    from reportgen.tags.check import preflight, render_failure
    from reportgen.write.files import build_timestamp, inside, write_all_atomic

    result, built = validated(kind, source, year, settings, read)
    if built is None:
        return result
    rendering = kind.rendering(built)
    known = kind.variables.known
    # A PDF is converted from the .docx (render.pdf.write_pdfs, once per run for all
    # forms); the .docx is rendered for it even when not asked for itself.
    needed = [f for f in formats if f != "pdf"] + (["docx"] if "pdf" in formats and "docx" not in formats else [])
    stamp = build_timestamp(year)
    rendered = {}
    for fmt in needed:
        try:
            template = template_path(templates_dir, kind, year, fmt)
            problems = preflight(template, known)  # e.g. a tag missing its }} (docxtpl would swallow text)
            if problems:
                result.findings.extend(problems)
                continue
            rendered[fmt] = render(rendering, fmt, template, stamp)
        except Exception as exc:  # a template an admin broke: a finding naming the tag
            found = render_failure(exc, candidates(templates_dir, kind, year, kind.template_names[fmt]), known)
            if found is None:
                raise
            result.findings.extend(found)
    if not result.ok:
        return result
    folder = out_dir / str(year)
    suffixes = [*rendered, *(["pdf"] if "pdf" in formats else [])]
    paths = inside(folder, *(folder / kind.output_path(built, f".{suffix}") for suffix in suffixes))
    targets = dict(zip(suffixes, paths, strict=True))
    writes: list[tuple[Path, bytes]] = []
    scratch = None
    for fmt, data in rendered.items():
        target = targets[fmt]
        if fmt not in formats:  # the .docx of a PDF only: in a hidden scratch folder
            target.parent.mkdir(parents=True, exist_ok=True)
            scratch = Path(tempfile.mkdtemp(prefix=".pdf-", dir=target.parent))
            target = scratch / target.name
        writes.append((target, data))
    try:
        write_all_atomic(writes)  # all of a form's files, or none
    except BaseException as exc:  # e.g. a file is open in Excel/WPS on Windows; Ctrl-C
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
        if not isinstance(exc, OSError):
            raise
        where = os_error_place(exc, folder)
        result.findings.append(error(where, (
            f"无法写入（{describe_os_error(exc)}）。如果此文件正在 Word/Excel/WPS 中打开，"
            f"请先关闭再重新生成；这个{kind.noun}原有的文件都保持不变。")))
        return result
    for target, _ in writes:
        if scratch is None or target.parent != scratch:
            result.outputs.append(target)
        if target.suffix == ".docx" and "pdf" in formats:
            from reportgen.render.pdf import PdfJob

            result.pdf_job = PdfJob(target=targets["pdf"], docx=target, scratch=scratch)
    result.summary = kind.summary(built)
    return result


def load(kind: FormKind, source: Path, year: int | None = None, settings: Settings | None = None):
    """A form's validated model and figures (Built); InputError when it has an error."""
    built, findings = kind.validate(read_input(source, kind), year, settings or Settings())
    if built is None:
        raise InputError(findings)
    return built
