"""The 自评报告 drafts (self-report.md): for each form of a kind that has one, a Word
draft from the form's own figures, written to output/<year>/自评报告/, for the clerk to
finish. A draft is never written over (the clerk may have edited it) unless asked.

``draft_file`` drafts one form (the library entry point: the bureau's site calls
``draft_department``); ``draft_year`` drafts a year's forms with the batch machinery
(worker processes, --dept, Ctrl-C), each data file read once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

from reportgen.errors import InputError, NotFound
from reportgen.findings import describe_os_error, error, os_error_place
from reportgen.forms.kind import FormKind
from reportgen.forms.registry import all_kinds, get_kind
from reportgen.pipeline import BuildResult, identity_of, read_once, validated
from reportgen.settings import Settings

REPORT_FOLDER = "自评报告"  # below output/<year>/


@dataclass(frozen=True, slots=True)
class DraftNote:
    """What drafting one form did (BuildResult.summary of a draft)."""

    placeholders: int = 0  # 【待填写 left in the draft written
    kept: bool = False  # a draft was there already and was left alone (no --overwrite)
    path: str = ""  # the draft's path (written or kept)
    notes: tuple[str, ...] = ()  # what the clerk should know about it (forms left out of 表2)


Related = Mapping[str, Mapping[str, Sequence[Any]]]  # form name -> kind key -> summary rows


def draft_file(kind: FormKind, source: Path, year: int, *, templates_dir: Path, out_dir: Path,
               settings: Settings | None = None, related: Mapping[str, Sequence[Any]] | None = None,
               overwrite: bool = False, read=None, folder: Path | None = None) -> BuildResult:
    """Draft one form's 自评报告 into `folder` (default output/<year>/自评报告/); user
    errors become findings. A form with an error gets no draft; an existing draft is kept
    unless `overwrite`. related: by kind key, the summary rows of the forms belonging to it."""
    from reportgen.pipeline import render
    from reportgen.report_text import count_placeholders
    from reportgen.tags.check import preflight, render_failure
    from reportgen.template_files import candidates, template_path
    from reportgen.write.files import build_timestamp, inside, write_atomic

    result, built = validated(kind, source, year, settings, read)
    if built is None:
        return result
    folder = folder if folder is not None else out_dir / str(year) / REPORT_FOLDER
    (target,) = inside(folder, folder / kind.report_path(built))
    if target.exists() and not overwrite:
        result.summary = DraftNote(kept=True, path=str(target))
        return result
    known = kind.report_variables.known
    name = kind.template_names["report"]
    try:
        template = template_path(templates_dir, kind, year, "report")
        problems = preflight(template, known)
        if problems:
            result.findings.extend(problems)
            return result
        data = render(kind.report_rendering(built, related or {}), "docx", template, build_timestamp(year))
    except Exception as exc:  # a template an admin broke: findings naming the tag
        found = render_failure(exc, candidates(templates_dir, kind, year, name), known)
        if found is None:
            raise
        result.findings.extend(found)
        return result
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, data)
    except OSError as exc:
        result.findings.append(error(os_error_place(exc, folder), (
            f"无法写入（{describe_os_error(exc)}）。如果此文件正在 Word/WPS 中打开，请先关闭再重新生成。")))
        return result
    result.outputs.append(target)
    result.summary = DraftNote(placeholders=count_placeholders(data), path=str(target))
    return result


def _draft_one(work: tuple, year: int, templates_dir: Path, out_dir: Path, formats, settings,
               read=None, identify_only: bool = False, *, overwrite: bool) -> BuildResult:
    """build_many's task for a draft: work is (kind key, data file, the summary rows of the
    forms that belong to it, as ((kind key, rows), …)), so that each task carries only its
    own form's; anything unexpected becomes a finding."""
    key, source, related = work
    kind = get_kind(key)
    try:
        return draft_file(kind, source, year, templates_dir=templates_dir, out_dir=out_dir, settings=settings,
                          related=dict(related), overwrite=overwrite, read=read)
    except Exception as exc:  # noqa: BLE001 - reported per form, the rest go on
        return BuildResult(source=source, kind=key, findings=[error(
            source.name, f"生成自评报告时发生意外错误（{type(exc).__name__}: {exc}）。"
                         "请把此信息和数据文件发给维护人员。")])


@dataclass
class DraftRun:
    results: list[BuildResult] = field(default_factory=list)
    chosen: list[tuple[str, Path]] = field(default_factory=list)
    interrupted: bool = False


@dataclass
class YearData:
    """A year's data files read and checked once: what drafting and checking need."""

    sources: dict[FormKind, list[Path]]
    reads: dict[Path, Any]
    identities: dict[Path, Any]
    related: dict[str, dict[str, list[Any]]]  # group (部门名称) -> kind key -> summary rows
    settings: Settings
    built: dict[Path, Any] = field(default_factory=dict)  # the forms without errors
    left_out: dict[str, list[Path]] = field(default_factory=dict)  # group -> its members' files with errors


def read_year(data_dir: Path, year: int) -> YearData:
    from reportgen.pipeline import find_year
    from reportgen.settings import load_settings

    sources = find_year(all_kinds(), data_dir, year)
    data = YearData(sources, {}, {}, {}, load_settings(data_dir, year))
    for kind, paths in sources.items():
        for path in paths:
            data.reads[path] = read = read_once(path, kind)
            data.identities[path] = identity_of(read, kind)
            if isinstance(read, InputError):
                continue
            built, _ = kind.validate(read, year, data.settings)
            if built is None:
                group = getattr(data.identities[path], "group", None)
                if not kind.is_group and group:
                    data.left_out.setdefault(group, []).append(path)
                continue
            data.built[path] = built
            if not kind.is_group and kind.group(built):
                data.related.setdefault(kind.group(built), {}).setdefault(kind.key, []).append(kind.summary(built))
    return data


def draft_year(data_dir: Path, year: int, *, templates_dir: Path, out_dir: Path, departments: Sequence[str] = (),
               projects: bool = False, overwrite: bool = False, jobs: int = 1,
               on_start: Callable[[int], None] | None = None,
               on_done: Callable[[BuildResult], None] | None = None) -> DraftRun:
    """Draft the 自评报告 of the year's group forms (the departments), and with `projects`
    of the forms of every other kind that has one; `departments` chooses as build --dept
    does. Every data file is read and checked once first (a department's report lists its
    project forms), the second files of one form are refused, then the drafts are written
    in `jobs` processes. Ctrl-C stops it: the drafts written are kept (each written whole)."""
    from reportgen.batch import BuildInterrupted, build_many, select, start_run
    from reportgen.validate import year_duplicates

    kinds = all_kinds()
    year_data = read_year(data_dir, year)
    sources, reads, identities, related, settings = (
        year_data.sources, year_data.reads, year_data.identities, year_data.related, year_data.settings)
    duplicates = year_duplicates(sources, identities)
    chosen = select(sources, departments, identities) if departments else sources
    drafted = [kind for kind in kinds if kind.report_variables is not None and (kind.is_group or projects)]
    if not drafted:
        raise NotFound("没有可以生成自评报告的表格种类。")
    run = DraftRun(chosen=[(kind.key, path) for kind in drafted for path in chosen.get(kind, [])])
    refused = start_run(run.chosen, duplicates, on_start, on_done)
    def belonging(key: str, path: Path) -> tuple:
        identity = identities.get(path)
        if not get_kind(key).is_group or identity is None:
            return ()
        return tuple((other, tuple(rows)) for other, rows in related.get(identity.name, {}).items())

    work = [(key, path, belonging(key, path)) for key, path in run.chosen if path not in duplicates]
    task = partial(_draft_one, overwrite=overwrite)
    if jobs > 1:
        _warm_up(templates_dir, year, drafted)
    try:
        run.results = refused + build_many(work, year, templates_dir=templates_dir, out_dir=out_dir, formats=(),
                                           jobs=jobs, settings=settings, on_done=on_done,
                                           reads={item[1]: reads[item[1]] for item in work}, task=task)
    except BuildInterrupted as exc:
        run.results, run.interrupted = refused + exc.results, True
    for result in run.results:  # a member form with errors is not in the report's table
        missing = year_data.left_out.get(result.name or "", []) if get_kind(result.kind).is_group else []
        if missing and isinstance(result.summary, DraftNote) and not result.summary.kept:
            files = "、".join(path.name for path in missing)
            result.summary = replace(result.summary, notes=(
                f"{files} 的数据有错误，没有列入报告的表格；改正后请加 --overwrite 重新生成这份报告"
                f"（或在报告中手工补上）。",))
    return run


def _warm_up(templates_dir: Path, year: int, kinds: Sequence[FormKind]) -> None:
    """Prepare the report templates here, so that forked workers start with them ready."""
    from reportgen.render import docx
    from reportgen.template_files import template_path

    for kind in kinds:
        try:
            docx.prepared(template_path(templates_dir, kind, year, "report"))
        except Exception:  # noqa: BLE001 - a broken template is reported per form
            pass


def draft_department(data_file: Path, folder: Path, *, year: int | None = None, data_dir: Path | None = None,
                     templates_dir: Path | None = None, overwrite: bool = True) -> BuildResult:
    """One department's 自评报告 drafted into `folder` (for the bureau's site): its data
    file, the project files of its year that belong to it (<data_dir>/<year>/项目/; by
    default the data file is in <data_dir>/<year>/), the year's settings. The result's
    outputs hold the draft; its findings say why there is none (data errors, a broken
    template). year: by default the name of the data file's folder."""
    from reportgen.pipeline import find_files, kind_of_file
    from reportgen.resources import templates_dir as resolve_templates
    from reportgen.settings import load_settings

    kind = kind_of_file(data_file)
    if kind.report_variables is None or not kind.is_group:
        raise NotFound(f"{data_file.name} 不是部门的数据文件，无法生成部门整体支出绩效自评报告。")
    read = read_once(data_file, kind)
    year = year if year is not None else int(data_file.parent.name) if data_file.parent.name.isdigit() else None
    if year is None:
        raise NotFound(f"无法从 {data_file} 所在的文件夹看出年度，请指定年度。")
    data_dir = data_dir if data_dir is not None else data_file.parent.parent
    settings = load_settings(data_dir, year)
    identity = identity_of(read, kind)
    related: dict[str, list[Any]] = {}
    for other in all_kinds():
        if other is kind or identity is None:
            continue
        for path in find_files(other, data_dir, year):
            own = read_once(path, other)
            if isinstance(own, InputError) or getattr(identity_of(own, other), "group", None) != identity.name:
                continue
            built, _ = other.validate(own, year, settings)
            if built is not None:
                related.setdefault(other.key, []).append(other.summary(built))
    return draft_file(kind, data_file, year, templates_dir=resolve_templates(templates_dir), out_dir=folder,
                      settings=settings, related=related, overwrite=overwrite, read=read, folder=folder)


def check_report_file(data_dir: Path, year: int, report: Path, *, name: str | None = None) -> tuple[Path, list]:
    """(the form's data file, the findings) of an edited 自评报告: its form is found from the
    file name (<名称>_<年度>年度<报告名称>.docx) or `name` (--dept / --project)."""
    from reportgen.report_check import check_report

    if not report.is_file():
        raise NotFound(f"找不到自评报告文件 {report}。")
    if report.suffix.lower() != ".docx":
        raise NotFound(f"{report.name} 不是 Word 文件（.docx）。WPS 的 .wps 或旧版 .doc 请先“另存为” .docx 再检查。")
    data = read_year(data_dir, year)
    wanted = name
    kinds = [kind for kind in all_kinds() if kind.report_variables is not None]
    if wanted is None:
        for kind in kinds:
            ending = f"_{year}年度{kind.report_title}"
            stem = report.stem
            if ending in stem:
                wanted = stem.split(ending, 1)[0]
                break
    if wanted is None:
        raise NotFound(f"无法从文件名「{report.name}」看出是哪个部门的报告（应为“部门名称_{year}年度"
                       f"部门整体支出绩效自评报告.docx”）。请用 --dept 部门名称 指定。")
    for kind in kinds:
        for path in data.sources.get(kind, []):
            identity = data.identities.get(path)
            if identity is None or wanted.strip() not in (identity.name, identity.output.split("/")[-1], path.stem):
                continue
            built = data.built.get(path)
            if built is None:
                return path, [error(path.name, f"{kind.noun}数据有错误，无法核对报告。请先运行 reportgen check --year "
                                               f"{year} 改正数据。")]
            related = data.related.get(kind.name_of(built), {}) if kind.is_group else {}
            return path, check_report(report, kind.report_facts(built, related), path.name)
    raise NotFound(f"找不到「{wanted}」的数据文件（{data_dir / str(year)}），无法核对报告。"
                   "请检查文件名，或用 --dept 指定部门名称。")
