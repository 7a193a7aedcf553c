"""Build many departments: in worker processes, one department at a time per worker, so
memory stays flat however many departments a year has; one failure never stops the rest."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from reportgen.findings import describe_os_error, error
from reportgen.interrupt import ignore_interrupts
from reportgen.outcome import (
    StaleFiles,
    convert_pdfs,
    department_label,
    drop_unconverted,
    first_error,
    move_stale,
    remove_summary,
    write_record,
)
from reportgen.pipeline import BuildResult, build_department_file, warm_up


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _build_one(source: Path, year: int, templates_dir: Path, out_dir: Path,
               formats: tuple[str, ...]) -> BuildResult:
    """Build one department; anything unexpected becomes a finding, not a crash."""
    try:
        return build_department_file(source, year, templates_dir=templates_dir,
                                     out_dir=out_dir, formats=formats)
    except Exception as exc:  # noqa: BLE001 - reported per department, the rest go on
        return BuildResult(source=source, findings=[error(
            source.name, f"生成时发生意外错误（{type(exc).__name__}: {exc}）。"
                         "请把此信息和数据文件发给维护人员。")])


class BuildInterrupted(Exception):
    """Ctrl-C during build_many: the departments finished before it stopped."""

    def __init__(self, results: list[BuildResult]):
        super().__init__(f"interrupted after {len(results)} departments")
        self.results = results


def build_many(
    sources: Sequence[Path], year: int, *, templates_dir: Path, out_dir: Path,
    formats: Sequence[str], jobs: int = 1,
    on_done: Callable[[BuildResult], None] | None = None,
    pool: ProcessPoolExecutor | None = None,
) -> list[BuildResult]:
    """Results in the order of sources; on_done is called as each department finishes.
    With jobs > 1 (or a given pool) departments are built in worker processes.
    Ctrl-C raises BuildInterrupted: pending departments are cancelled, those being built
    are finished (each all or none), and their results are carried."""
    formats = tuple(formats)
    results: dict[Path, BuildResult] = {}

    def done(result: BuildResult) -> None:
        results[result.source] = result
        if on_done:
            on_done(result)

    if pool is None and jobs > 1 and len(sources) > 1:
        with worker_pool(jobs, len(sources), templates_dir, year, formats) as own:
            return build_many(sources, year, templates_dir=templates_dir, out_dir=out_dir,
                              formats=formats, on_done=on_done, pool=own)
    if pool is None:
        try:
            for source in sources:
                done(_build_one(source, year, templates_dir, out_dir, formats))
        except KeyboardInterrupt:
            raise BuildInterrupted(list(results.values())) from None
    else:
        futures = []
        try:
            for source in sources:
                futures.append(pool.submit(_build_one, source, year, templates_dir, out_dir, formats))
            for future in as_completed(futures):
                done(future.result())
        except KeyboardInterrupt:
            for future in futures:
                future.cancel()  # those not yet handed to a worker
            finished = _finish_running(futures)
            raise BuildInterrupted([*results.values(),
                                    *(r for r in finished if r.source not in results)]) from None
    return [results[source] for source in sources]


def _finish_running(futures) -> list[BuildResult]:
    """After Ctrl-C: wait for the departments already being built (the workers ignore
    Ctrl-C, so each finishes writing all its files) and return their results."""
    while True:
        try:
            wait(futures)
            break
        except KeyboardInterrupt:  # a second Ctrl-C: the workers still finish what they hold
            continue
    return [f.result() for f in futures if f.done() and not f.cancelled() and f.exception() is None]


@contextmanager
def worker_pool(jobs: int, count: int, templates_dir: Path, year: int, formats: Sequence[str]):
    """Worker processes for `count` departments (None when one process is enough). The
    renderers are imported and the templates prepared first, so forked workers inherit
    them ready. Workers ignore Ctrl-C (the main process cancels the pending work); on
    any exit the pending work is cancelled, so the workers end promptly."""
    if jobs <= 1 or count <= 1:
        yield None
        return
    warm_up(templates_dir, year, formats)
    pool = ProcessPoolExecutor(max_workers=min(jobs, count), initializer=ignore_interrupts)
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


@dataclass
class YearBuild:
    """What a build of (part of) a year did."""

    results: list[BuildResult]  # the departments finished, in the order of the files
    chosen: list[Path] = field(default_factory=list)  # the department files to build
    whole_year: bool = True  # no --dept
    interrupted: bool = False  # Ctrl-C: the departments not in results were not written
    summary_path: Path | None = None  # the 汇总表, when written
    summary_error: str | None = None  # why the 汇总表 could not be written
    summary_removed: Path | None = None  # an old 汇总表 removed after Ctrl-C (no longer true)
    stale: StaleFiles = field(default_factory=StaleFiles)  # old forms moved aside
    record_path: Path | None = None  # 生成结果.txt
    record_error: str | None = None

    @property
    def built(self) -> list[BuildResult]:
        return [r for r in self.results if r.ok]

    @property
    def failed(self) -> list[BuildResult]:
        return [r for r in self.results if not r.ok]

    @property
    def unfinished(self) -> list[Path]:
        """Chosen departments with no result: Ctrl-C came first."""
        done = {r.source for r in self.results}
        return [s for s in self.chosen if s not in done]


class DepartmentNotFound(Exception):
    pass


def select_departments(sources: Sequence[Path], wanted: Sequence[str], names: dict[Path, str | None]
                       ) -> list[Path]:
    """--dept NAME (repeatable): a file name without suffix or a 部门名称."""
    chosen = []
    for name in wanted:
        name = name.strip()
        matches = [p for p in sources if p.stem == name or names.get(p) == name]
        if not matches:
            raise DepartmentNotFound(f"找不到部门「{name}」的数据文件（按文件名或部门名称查找）。")
        chosen.extend(p for p in matches if p not in chosen)
    return chosen


def summary_file_name(year: int) -> str:
    return f"{year}年度部门整体支出绩效自评汇总表.xlsx"


def build_year(
    data_dir: Path, year: int, *, templates_dir: Path, out_dir: Path, formats: Sequence[str],
    departments: Sequence[str] = (), jobs: int = 1,
    on_start: Callable[[int], None] | None = None,
    on_done: Callable[[BuildResult], None] | None = None,
    on_pdf: Callable[[int], None] | None = None,
) -> YearBuild:
    """Check every department file of the year for duplicates, build the chosen ones
    (all by default) in `jobs` processes, convert their PDFs, move the old forms of the
    departments not built aside, write the 汇总表 of a whole-year build (every department,
    those not built marked) and the run's record 生成结果.txt. Ctrl-C stops it early:
    the outcome says so (interrupted) and lists what was written."""
    from reportgen.pipeline import duplicate_files_and_names, find_department_files

    sources = find_department_files(data_dir, year)
    outcome = YearBuild(results=[], whole_year=not departments,
                        chosen=[] if departments else list(sources))
    names: dict[Path, str | None] = {}
    finished: list[BuildResult] = []
    try:
        with worker_pool(jobs, len(sources), templates_dir, year, formats) as pool:
            mapper = map if pool is None else partial(
                pool.map, chunksize=max(1, len(sources) // (4 * jobs)))
            duplicates, names = duplicate_files_and_names(sources, mapper)
            chosen = select_departments(sources, departments, names) if departments else list(sources)
            outcome.chosen = chosen
            if on_start:
                on_start(len(chosen))
            refused = [BuildResult(source=s, findings=list(duplicates[s]))
                       for s in chosen if s in duplicates]
            finished.extend(refused)
            for result in refused:
                if on_done:
                    on_done(result)
            to_build = [s for s in chosen if s not in duplicates]
            try:
                finished.extend(build_many(
                    to_build, year, templates_dir=templates_dir, out_dir=out_dir, formats=formats,
                    jobs=jobs, on_done=on_done, pool=pool if len(to_build) > 1 else None))
            except BuildInterrupted as exc:
                finished.extend(exc.results)
                raise KeyboardInterrupt from None
        finished = convert_pdfs(finished, on_pdf)
    except KeyboardInterrupt:
        outcome.interrupted = True
        finished = [r for r in finished if not r.ok or r.pdf_job is None] + \
            drop_unconverted([r for r in finished if r.ok and r.pdf_job is not None])
    order = {s: i for i, s in enumerate(outcome.chosen)}
    outcome.results = sorted(finished, key=lambda r: order.get(r.source, len(order)))
    folder = out_dir / str(year)
    outcome.stale = move_stale(folder, year, outcome, names, sources)
    if outcome.whole_year and not outcome.interrupted:
        write_summary(outcome, year, folder, names)
    elif outcome.whole_year and outcome.chosen:
        outcome.summary_removed = remove_summary(folder / summary_file_name(year))
    write_record(outcome, year, folder, formats, names)
    return outcome


def write_summary(outcome: YearBuild, year: int, folder: Path, names: dict[Path, str | None]) -> None:
    """The 汇总表: a row per department built, then every department not built (未生成 and
    the reason)."""
    rows = [r.summary for r in outcome.built if r.summary is not None]
    failed = [(department_label(r, names), first_error(r)) for r in outcome.failed]
    if not rows and not failed:
        return
    from reportgen.render_summary import render_summary
    from reportgen.write import build_timestamp, reproducible_package, write_atomic

    target = folder / summary_file_name(year)
    try:
        write_atomic(target, reproducible_package(render_summary(year, rows, failed),
                                                  build_timestamp(year)))
        outcome.summary_path = target
    except OSError as exc:  # e.g. the bureau has last year's 汇总表 open in Excel
        outcome.summary_error = (
            f"无法写入汇总表 {target}（{describe_os_error(exc)}）。如果它正在 Excel/WPS 中打开，"
            "请先关闭再重新生成；原有的汇总表保持不变。")
