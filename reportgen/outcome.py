"""After a year's departments are built: their PDFs, the old forms of departments not
built this time (moved aside, never left looking current), and the run's record
生成结果.txt beside the outputs, for whoever did not see the terminal."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from reportgen.findings import describe_os_error, error
from reportgen.pipeline import FORM_TITLE, BuildResult, output_file_name

STALE_DIR = "过期文件（本次未生成，请勿使用）"
RECORD_NAME = "生成结果.txt"
_SUFFIXES = (".docx", ".xlsx", ".pdf")


@dataclass
class StaleFiles:
    moved: list[Path] = field(default_factory=list)  # where they are now
    errors: list[str] = field(default_factory=list)  # could not be moved (say so)


def department_label(result: BuildResult, names: dict[Path, str | None]) -> str:
    """The department's name for people: its 部门名称, else its file name."""
    return result.department or names.get(result.source) or result.source.stem


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


def convert_pdfs(results: list[BuildResult], on_pdf: Callable[[int], None] | None) -> list[BuildResult]:
    """One LibreOffice run converts every built department's .docx; a department whose
    PDF fails is not built (all or none) and says why."""
    todo = [r for r in results if r.ok and r.pdf_job is not None]
    if not todo:
        return results
    from reportgen.render_pdf import ConversionFailed, OfficeMissing, write_pdfs

    if on_pdf:
        on_pdf(len(todo))
    try:
        write_pdfs([r.pdf_job for r in todo])
    except (OfficeMissing, ConversionFailed) as exc:
        for result in todo:
            _remove_outputs(result)
            result.findings.append(error(result.pdf_job.target.name, f"未能生成 PDF：{exc}"))
        return results
    for result in todo:
        result.outputs.append(result.pdf_job.target)
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


def move_stale(folder: Path, year: int, outcome, names: dict[Path, str | None],
               sources: Sequence[Path]) -> StaleFiles:
    """Move the old forms of departments that failed this time (and, in a whole-year
    build, of departments no longer in the data) into STALE_DIR."""
    stale = StaleFiles()
    if not folder.is_dir():
        return stale
    current = {output_file_name(r.department, year, s) for r in outcome.built if r.department
               for s in _SUFFIXES}
    candidates: list[Path] = []
    for result in outcome.failed:
        for name in {result.department, names.get(result.source), result.source.stem} - {None}:
            candidates += [folder / output_file_name(name, year, s) for s in _SUFFIXES]
    if outcome.whole_year:
        known = {output_file_name(n, year, s) for p in sources
                 for n in {names.get(p), p.stem} - {None} for s in _SUFFIXES}
        candidates += [p for p in sorted(folder.iterdir())
                       if p.is_file() and p.name.endswith(tuple(f"_{year}年度{FORM_TITLE}{s}" for s in _SUFFIXES))
                       and p.name not in known]
    for path in dict.fromkeys(candidates):
        if path.name in current or not path.is_file():
            continue
        target = folder / STALE_DIR / path.name
        try:
            target.parent.mkdir(exist_ok=True)
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


def write_record(outcome, year: int, folder: Path, formats: Sequence[str],
                 names: dict[Path, str | None]) -> None:
    """生成结果.txt: what this run wrote and what it did not, and why."""
    from reportgen.write import write_atomic

    if not outcome.chosen:
        return
    total, built, failed = len(outcome.chosen), outcome.built, outcome.failed
    unfinished = outcome.unfinished
    lines = [
        f"{year} 年度生成结果（reportgen）",
        f"运行时间：{datetime.now():%Y-%m-%d %H:%M:%S}",
        f"范围：{'全部部门' if outcome.whole_year else '只生成指定的部门'}；格式：{'、'.join(formats)}",
        f"结果：共 {total} 个部门，已生成 {len(built)} 个，未生成 {total - len(built)} 个"
        + ("（运行被中断）" if outcome.interrupted else ""),
    ]
    if outcome.summary_path:
        lines.append(f"汇总表：{outcome.summary_path.name}（未生成的部门在表末标为“未生成”）")
    elif outcome.summary_error:
        lines.append(f"汇总表：未更新。{outcome.summary_error}")
    elif outcome.summary_removed:
        lines.append("汇总表：运行被中断，旧的汇总表已删除（它与本次生成的文件不一致）。请重新运行完整的生成。")
    lines += ["", f"已生成（{len(built)}）："]
    lines += [f"  {department_label(r, names)}（{r.source.name}）" for r in built] or ["  无"]
    if failed:
        lines += ["", f"未生成：数据或模板有误（{len(failed)}）："]
        for result in failed:
            lines.append(f"  {department_label(result, names)}（{result.source.name}）")
            lines += [f"    {f}" for f in result.findings if f.level == "error"]
    if unfinished:
        lines += ["", f"未生成：运行被中断（{len(unfinished)}），原有文件（如有）不是按当前数据生成的："]
        lines += [f"  {names.get(p) or p.stem}（{p.name}）" for p in unfinished]
    if outcome.stale.moved or outcome.stale.errors:
        lines += ["", f"未生成的部门原有的旧文件，已移到 {STALE_DIR}/："]
        lines += [f"  {p.name}" for p in outcome.stale.moved] + [f"  {e}" for e in outcome.stale.errors]
    target = folder / RECORD_NAME
    try:
        write_atomic(target, ("\n".join(lines) + "\n").encode("utf-8-sig"))
        outcome.record_path = target
    except OSError as exc:
        outcome.record_error = f"无法写入 {target}（{describe_os_error(exc)}）。"
