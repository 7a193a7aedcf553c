"""After a year's forms are built: their PDFs, the old files of forms not built this
time (moved aside, never left looking current), and the run's record 生成结果.txt beside
the outputs, for whoever did not see the terminal."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from reportgen.findings import describe_os_error, error
from reportgen.forms.kind import FormKind
from reportgen.forms.registry import get_kind
from reportgen.pipeline import BuildResult
from reportgen.validate import Identity

STALE_DIR = "过期文件（本次未生成，请勿使用）"
RECORD_NAME = "生成结果.txt"
_SUFFIXES = (".docx", ".xlsx", ".pdf")


@dataclass
class StaleFiles:
    moved: list[Path] = field(default_factory=list)  # where they are now
    errors: list[str] = field(default_factory=list)  # could not be moved (say so)


def label(result: BuildResult, identities: dict[Path, Identity | None]) -> str:
    """A form's name for people: its own name (部门名称, 项目名称), else its file name."""
    identity = identities.get(result.source)
    return result.name or (identity.name if identity else None) or result.source.stem


def count_text(works: Sequence[tuple[str, Path]]) -> str:
    """"3 个部门" or "3 个部门、12 个项目": forms counted by kind."""
    counts: dict[str, int] = {}
    for key, _ in works:
        counts[key] = counts.get(key, 0) + 1
    return "、".join(f"{n} 个{get_kind(key).noun}" for key, n in counts.items()) or "0 个部门"


def first_error(result: BuildResult) -> str:
    errors = [f for f in result.findings if f.level == "error"]
    if not errors:
        return "未知原因"
    where = f"{errors[0].location}：" if errors[0].location else ""
    more = f"（另有 {len(errors) - 1} 个错误）" if len(errors) > 1 else ""
    return f"{where}{errors[0].message}{more}"


def _remove_outputs(result: BuildResult) -> None:
    """A department whose PDF was not made: its new .docx/.xlsx and any old PDF go, so
    its files stay all or none."""
    job = result.pdf_job
    for path in [*result.outputs, *([job.target] if job else [])]:
        path.unlink(missing_ok=True)
    if job is not None and job.scratch is not None:
        shutil.rmtree(job.scratch, ignore_errors=True)
    result.outputs = []
    result.summary = None


def convert_pdfs(results: list[BuildResult], on_pdf: Callable[[int], None] | None,
                 jobs: int = 1) -> list[BuildResult]:
    """Every built form's .docx converted by `jobs` LibreOffice processes at a time
    (render.pdf.write_pdfs); a form whose PDF fails is not built (all or none) and says
    why. On Ctrl-C the forms whose PDF is in place have it in their outputs."""
    todo = [r for r in results if r.ok and r.pdf_job is not None]
    if not todo:
        return results
    from reportgen.render.pdf import OfficeMissing, write_pdfs

    if on_pdf:
        on_pdf(len(todo))
    by_job = {r.pdf_job: r for r in todo}
    try:
        failed = write_pdfs(list(by_job), workers=jobs,
                            on_written=lambda job: by_job[job].outputs.append(job.target))
    except OfficeMissing as exc:
        failed = dict.fromkeys(by_job, str(exc))
    for job, reason in failed.items():
        result = by_job[job]
        _remove_outputs(result)
        result.findings.append(error(job.target.name, f"未能生成 PDF：{reason}"))
    return results


def drop_unconverted(results: list[BuildResult]) -> list[BuildResult]:
    """After Ctrl-C: the departments whose PDF was made; the others' files are removed."""
    kept = []
    for result in results:
        job = result.pdf_job
        if job is not None and job.target in result.outputs:
            kept.append(result)
        else:
            _remove_outputs(result)
    return kept


def _stems(kind: FormKind, source: Path, identity: Identity | None, year: int) -> set[str]:
    """The output paths (relative to output/<year>/, without suffix) a data file's form
    may have had: by the name it gives, and, for a department, by its file name."""
    from reportgen.write.files import safe_file_name

    outputs = {identity.output} if identity is not None else set()
    if kind.is_group:
        outputs.add(safe_file_name(source.stem))
    return {f"{output}_{year}年度{kind.title}" for output in outputs}


def _forms_on_disk(folder: Path, kind: FormKind, year: int) -> Iterator[str]:
    """The files of a kind's forms of the year in the output folder (not those moved
    aside), as paths relative to it ("项目/部门/名称_2022年度….docx"): strings, not Path
    objects, for a folder of tens of thousands of files."""
    base = folder / kind.data_folder if kind.data_folder else folder
    ends = tuple(f"_{year}年度{kind.title}{s}" for s in _SUFFIXES)
    for top, dirs, files in os.walk(base):
        relative = os.path.relpath(top, folder).replace(os.sep, "/")
        prefix = "" if relative == "." else f"{relative}/"
        if top == os.fspath(folder):
            dirs[:] = [d for d in dirs if d != STALE_DIR]
        if not kind.recursive():
            dirs[:] = []
        yield from (f"{prefix}{name}" for name in files if name.endswith(ends))


def move_stale(folder: Path, year: int, outcome, kinds: Sequence[FormKind]) -> StaleFiles:
    """Move the old files of forms that failed this time (and, in a whole-year build, of
    forms no longer in the data) into STALE_DIR, keeping their place below it."""
    stale = StaleFiles()
    if not folder.is_dir():
        return stale
    # Files of forms no longer in the data can be told only when every form's file has
    # said what it is (not after Ctrl-C, when forms not reached were not read).
    identified = all(source in outcome.identities for _, source in outcome.chosen)
    candidates: list[str] = []  # relative to folder, as _forms_on_disk gives them
    for kind in kinds:
        for result in outcome.failed:
            if result.kind == kind.key:
                for stem in _stems(kind, result.source, outcome.identities.get(result.source), year):
                    candidates += [f"{stem}{s}" for s in _SUFFIXES]
        if outcome.whole_year and identified:
            known = {stem for key, source in outcome.chosen if key == kind.key
                     for stem in _stems(kind, source, outcome.identities.get(source), year)}
            candidates += sorted((p for p in _forms_on_disk(folder, kind, year) if p.rsplit(".", 1)[0] not in known),
                                 key=lambda p: p.split("/"))
    paths = [folder / p for p in dict.fromkeys(candidates)]
    paths = [p for p in paths if p.is_file()]
    if not paths:  # the usual case: nothing to compare with the thousands of files built
        return stale
    current = {os.path.realpath(path) for r in outcome.built for path in r.outputs}
    for path in paths:
        if os.path.realpath(path) in current:
            continue
        target = folder / STALE_DIR / path.relative_to(folder)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
            stale.moved.append(target)
        except OSError as exc:
            stale.errors.append(f"无法移走旧文件 {path}（{describe_os_error(exc)}），它不是本次生成的，请勿使用。")
    return stale


def remove_summary(path: Path) -> Path | None:
    """After Ctrl-C the year's 汇总表 no longer matches the forms: it goes (the next full
    build writes it again)."""
    try:
        if path.is_file():
            path.unlink()
            return path
    except OSError:
        pass
    return None


def write_record(outcome, year: int, folder: Path, formats: Sequence[str], kinds: Sequence[FormKind]) -> None:
    """生成结果.txt: what this run wrote (every file) and what it did not, and why. Written
    line by line as it is made (a run of thousands of forms: no list of its lines)."""
    from reportgen.write.files import write_lines_atomic

    if not outcome.chosen:
        return
    target = folder / RECORD_NAME
    try:
        write_lines_atomic(target, _record_lines(outcome, year, folder, formats), encoding="utf-8-sig")
        outcome.record_path = target
    except OSError as exc:
        outcome.record_error = f"无法写入 {target}（{describe_os_error(exc)}）。"


def _record_lines(outcome, year: int, folder: Path, formats: Sequence[str]) -> Iterator[str]:
    total, built, failed = len(outcome.chosen), outcome.built, outcome.failed
    names = outcome.identities
    unfinished = outcome.unfinished
    yield f"{year} 年度生成结果（reportgen）"
    yield f"运行时间：{datetime.now():%Y-%m-%d %H:%M:%S}"
    yield f"范围：{'全部' if outcome.whole_year else '只生成指定的部门'}；格式：{'、'.join(formats)}"
    yield (f"结果：共 {count_text(outcome.chosen)}，已生成 {len(built)} 个，未生成 {total - len(built)} 个"
           + ("（运行被中断）" if outcome.interrupted else ""))
    if outcome.summary_path:
        yield f"汇总表：{outcome.summary_path.name}（未生成的在表末标为“未生成”）"
    elif outcome.summary_error:
        yield f"汇总表：未更新。{outcome.summary_error}"
    elif outcome.summary_removed:
        yield "汇总表：运行被中断，旧的汇总表已删除（它与本次生成的文件不一致）。请重新运行完整的生成。"
    yield ""
    yield f"已生成（{len(built)}，文件位置相对于本文件所在的文件夹）："
    if not built:
        yield "  无"
    for result in built:
        yield f"  {label(result, names)}（{result.source.name}）"
        for path in result.outputs:
            yield f"    {_relative(path, folder)}"
        for finding in result.findings:
            yield f"    {finding}"
    if failed:
        yield ""
        yield f"未生成：数据或模板有误（{len(failed)}）："
        for result in failed:
            yield f"  {label(result, names)}（{result.source.name}）"
            for finding in result.findings:
                if finding.level == "error":
                    yield f"    {finding}"
    if unfinished:
        yield ""
        yield f"未生成：运行被中断（{len(unfinished)}），原有文件（如有）不是按当前数据生成的："
        for _, path in unfinished:
            yield f"  {names[path].name if names.get(path) else path.stem}（{path.name}）"
    if outcome.stale.moved or outcome.stale.errors:
        yield ""
        yield f"未生成的表原有的旧文件，已移到 {STALE_DIR}/："
        for path in outcome.stale.moved:
            yield f"  {path.relative_to(folder / STALE_DIR).as_posix()}"
        for problem in outcome.stale.errors:
            yield f"  {problem}"


def _relative(path: Path, folder: Path) -> str:
    """A written file as the record names it: below the record's folder, else in full."""
    try:
        return path.relative_to(folder).as_posix()
    except ValueError:
        return str(path)
