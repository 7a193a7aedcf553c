"""Build many departments: in worker processes, one department at a time per worker, so
memory stays flat however many departments a year has; one failure never stops the rest."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from reportgen.findings import error
from reportgen.pipeline import BuildResult, build_department_file


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
) -> list[BuildResult]:
    """Results in the order of sources; on_done is called as each department finishes."""
    formats = tuple(formats)
    results: dict[Path, BuildResult] = {}

    def done(result: BuildResult) -> None:
        results[result.source] = result
        if on_done:
            on_done(result)

    if jobs <= 1 or len(sources) <= 1:
        for source in sources:
            done(_build_one(source, year, templates_dir, out_dir, formats))
    else:
        with ProcessPoolExecutor(max_workers=min(jobs, len(sources))) as pool:
            futures = [pool.submit(_build_one, source, year, templates_dir, out_dir, formats)
                       for source in sources]
            for future in as_completed(futures):
                done(future.result())
    return [results[source] for source in sources]
