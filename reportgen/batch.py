"""Build many departments: in worker processes, one department at a time per worker, so
memory stays flat however many departments a year has; one failure never stops the rest."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from reportgen.findings import describe_os_error, error
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


def build_many(
    sources: Sequence[Path], year: int, *, templates_dir: Path, out_dir: Path,
    formats: Sequence[str], jobs: int = 1,
    on_done: Callable[[BuildResult], None] | None = None,
    pool: ProcessPoolExecutor | None = None,
) -> list[BuildResult]:
    """Results in the order of sources; on_done is called as each department finishes.
    With jobs > 1 (or a given pool) departments are built in worker processes."""
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
        for source in sources:
            done(_build_one(source, year, templates_dir, out_dir, formats))
    else:
        futures = [pool.submit(_build_one, source, year, templates_dir, out_dir, formats)
                   for source in sources]
        for future in as_completed(futures):
            done(future.result())
    return [results[source] for source in sources]


@contextmanager
def worker_pool(jobs: int, count: int, templates_dir: Path, year: int, formats: Sequence[str]):
    """Worker processes for `count` departments (None when one process is enough). The
    renderers are imported and the templates prepared first, so forked workers inherit
    them ready."""
    if jobs <= 1 or count <= 1:
        yield None
        return
    warm_up(templates_dir, year, formats)
    with ProcessPoolExecutor(max_workers=min(jobs, count)) as pool:
        yield pool


@dataclass
class YearBuild:
    """What a build of (part of) a year did."""

    results: list[BuildResult]  # in the order of the department files
    summary_path: Path | None = None  # the 汇总表, when written
    summary_error: str | None = None  # why the 汇总表 could not be written

    @property
    def built(self) -> list[BuildResult]:
        return [r for r in self.results if r.ok]

    @property
    def failed(self) -> list[BuildResult]:
        return [r for r in self.results if not r.ok]


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
) -> YearBuild:
    """Check every department file of the year for duplicates, build the chosen ones
    (all by default) in `jobs` processes, then write the 汇总表 of a whole-year build."""
    from reportgen.pipeline import duplicate_files_and_names, find_department_files

    sources = find_department_files(data_dir, year)
    with worker_pool(jobs, len(sources), templates_dir, year, formats) as pool:
        mapper = map if pool is None else partial(
            pool.map, chunksize=max(1, len(sources) // (4 * jobs)))
        duplicates, names = duplicate_files_and_names(sources, mapper)
        chosen = select_departments(sources, departments, names) if departments else list(sources)
        if on_start:
            on_start(len(chosen))
        refused = [BuildResult(source=s, findings=list(duplicates[s]))
                   for s in chosen if s in duplicates]
        for result in refused:
            if on_done:
                on_done(result)
        to_build = [s for s in chosen if s not in duplicates]
        built = build_many(to_build, year, templates_dir=templates_dir, out_dir=out_dir,
                           formats=formats, jobs=jobs, on_done=on_done,
                           pool=pool if len(to_build) > 1 else None)
    by_source = {r.source: r for r in [*refused, *built]}
    outcome = YearBuild(results=[by_source[s] for s in chosen])
    rows = [r.summary for r in outcome.built if r.summary is not None]
    if rows and not departments:
        from reportgen.render_summary import render_summary
        from reportgen.write import build_timestamp, reproducible_package, write_atomic

        target = out_dir / str(year) / summary_file_name(year)
        try:
            write_atomic(target, reproducible_package(render_summary(year, rows),
                                                      build_timestamp(year)))
            outcome.summary_path = target
        except OSError as exc:  # e.g. the bureau has last year's 汇总表 open in Excel
            outcome.summary_error = (
                f"无法写入汇总表 {target}（{describe_os_error(exc)}）。如果它正在 Excel/WPS 中打开，"
                "请先关闭再重新生成；原有的汇总表保持不变。")
    return outcome
