"""Build a year: every form of every kind, in worker processes, one form at a time per
worker, so memory stays flat however many forms a year has; one failure never stops
the rest. Then the checks between forms of different kinds, and the year's 汇总表."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from reportgen.errors import NotFound
from reportgen.findings import describe_os_error, error
from reportgen.forms.kind import FormKind
from reportgen.forms.registry import all_kinds, get_kind
from reportgen.pipeline import BuildResult, build_file, warm_up
from reportgen.settings import Settings
from reportgen.validate import Identity

Work = tuple[str, Path]  # (kind key, data file): small, so it crosses process boundaries


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _build_one(work: Work, year: int, templates_dir: Path, out_dir: Path,
               formats: tuple[str, ...], settings: Settings) -> BuildResult:
    """Build one form; anything unexpected becomes a finding, not a crash."""
    key, source = work
    try:
        return build_file(get_kind(key), source, year, templates_dir=templates_dir,
                          out_dir=out_dir, formats=formats, settings=settings)
    except Exception as exc:  # noqa: BLE001 - reported per form, the rest go on
        return BuildResult(source=source, kind=key, findings=[error(
            source.name, f"生成时发生意外错误（{type(exc).__name__}: {exc}）。"
                         "请把此信息和数据文件发给维护人员。")])


def build_many(
    work: Sequence[Work], year: int, *, templates_dir: Path, out_dir: Path,
    formats: Sequence[str], jobs: int = 1, settings: Settings | None = None,
    on_done: Callable[[BuildResult], None] | None = None,
    pool: ProcessPoolExecutor | None = None,
) -> list[BuildResult]:
    """Results in the order of `work`; on_done is called as each form finishes. With
    jobs > 1 (or a given pool) forms are built in worker processes."""
    formats = tuple(formats)
    settings = settings or Settings()
    results: dict[Work, BuildResult] = {}

    def done(item: Work, result: BuildResult) -> None:
        results[item] = result
        if on_done:
            on_done(result)

    if pool is None and jobs > 1 and len(work) > 1:
        kinds = [get_kind(key) for key in dict.fromkeys(key for key, _ in work)]
        with worker_pool(jobs, len(work), templates_dir, year, formats, kinds) as own:
            return build_many(work, year, templates_dir=templates_dir, out_dir=out_dir,
                              formats=formats, settings=settings, on_done=on_done, pool=own)
    if pool is None:
        for item in work:
            done(item, _build_one(item, year, templates_dir, out_dir, formats, settings))
    else:
        futures = {pool.submit(_build_one, item, year, templates_dir, out_dir, formats, settings): item
                   for item in work}
        for future in as_completed(futures):
            done(futures[future], future.result())
    return [results[item] for item in work]


@contextmanager
def worker_pool(jobs: int, count: int, templates_dir: Path, year: int, formats: Sequence[str],
                kinds: Sequence[FormKind]):
    """Worker processes for `count` forms (None when one process is enough). The
    renderers are imported and the templates prepared first, so forked workers inherit
    them ready."""
    if jobs <= 1 or count <= 1:
        yield None
        return
    warm_up(templates_dir, year, formats, kinds)
    with ProcessPoolExecutor(max_workers=min(jobs, count)) as pool:
        yield pool


@dataclass
class YearBuild:
    """What a build of (part of) a year did."""

    results: list[BuildResult]  # kind by kind, in the order of the data files
    summary_path: Path | None = None  # the 汇总表, when written
    summary_error: str | None = None  # why the 汇总表 could not be written
    counts: dict[str, int] = field(default_factory=dict)  # kind key -> forms chosen

    @property
    def built(self) -> list[BuildResult]:
        return [r for r in self.results if r.ok]

    @property
    def failed(self) -> list[BuildResult]:
        return [r for r in self.results if not r.ok]


class DepartmentNotFound(NotFound):
    pass


def select(sources: dict[FormKind, list[Path]], wanted: Sequence[str],
           identities: dict[Path, Identity | None]) -> dict[FormKind, list[Path]]:
    """--dept NAME (repeatable): a department's file (by file name or 部门名称) and the
    files of the forms that belong to it (a project whose 主管部门 it is)."""
    chosen: dict[FormKind, list[Path]] = {kind: [] for kind in sources}
    for name in wanted:
        name = name.strip()
        found = False
        for kind, paths in sources.items():
            for path in paths:
                identity = identities.get(path)
                own = kind.is_group and (path.stem == name or (identity is not None and identity.name == name))
                member = identity is not None and identity.group == name
                if (own or member) and path not in chosen[kind]:
                    chosen[kind].append(path)
                found = found or own
        if not found:
            raise DepartmentNotFound(f"找不到部门「{name}」的数据文件（按文件名或部门名称查找）。")
    return chosen


def build_year(
    data_dir: Path, year: int, *, templates_dir: Path, out_dir: Path, formats: Sequence[str],
    departments: Sequence[str] = (), jobs: int = 1,
    on_start: Callable[[int], None] | None = None,
    on_done: Callable[[BuildResult], None] | None = None,
) -> YearBuild:
    """Check every data file of the year for duplicates, build the chosen forms of every
    kind (all by default) in `jobs` processes, check the forms against each other, then
    write the 汇总表 of a whole-year build."""
    from reportgen.pipeline import duplicate_files_and_names, find_year
    from reportgen.settings import load_settings

    kinds = all_kinds()
    sources = find_year(kinds, data_dir, year)
    settings = load_settings(data_dir, year)
    total = sum(len(paths) for paths in sources.values())
    with worker_pool(jobs, total, templates_dir, year, formats, kinds) as pool:
        mapper = map if pool is None else partial(pool.map, chunksize=max(1, total // (4 * jobs)))
        duplicates: dict[Path, list] = {}
        identities: dict[Path, Identity | None] = {}
        for kind, paths in sources.items():
            found, named = duplicate_files_and_names(kind, paths, mapper)
            duplicates.update(found)
            identities.update(named)
        chosen = select(sources, departments, identities) if departments else sources
        count = sum(len(paths) for paths in chosen.values())
        if on_start:
            on_start(count)
        refused = {(kind.key, s): BuildResult(source=s, kind=kind.key, findings=list(duplicates[s]))
                   for kind, paths in chosen.items() for s in paths if s in duplicates}
        for result in refused.values():
            if on_done:
                on_done(result)
        work = [(kind.key, s) for kind, paths in chosen.items() for s in paths if s not in duplicates]
        built = build_many(work, year, templates_dir=templates_dir, out_dir=out_dir, formats=formats,
                           settings=settings, jobs=jobs, on_done=on_done,
                           pool=pool if len(work) > 1 else None)
    by_work = {**refused, **dict(zip(work, built, strict=True))}
    outcome = YearBuild(results=[by_work[(kind.key, s)] for kind, paths in chosen.items() for s in paths],
                        counts={kind.key: len(paths) for kind, paths in chosen.items()})
    summarized = {kind: [r for r in outcome.built if r.kind == kind.key and r.summary is not None]
                  for kind in kinds}
    rows = {kind: [r.summary for r in results] for kind, results in summarized.items()}
    for kind, results in summarized.items():  # checks between forms of different kinds
        for index, findings in kind.cross_check(rows[kind], rows).items():
            results[index].findings.extend(findings)
    if any(rows.values()) and not departments:
        write_summary(outcome, out_dir, year, rows, settings)
    return outcome


def write_summary(outcome: YearBuild, out_dir: Path, year: int, rows, settings: Settings) -> None:
    from reportgen.render.summary import render_summary, summary_file_name
    from reportgen.write.files import build_timestamp, reproducible_package, write_atomic

    target = out_dir / str(year) / summary_file_name(year)
    try:
        write_atomic(target, reproducible_package(render_summary(year, rows, settings),
                                                  build_timestamp(year)))
        outcome.summary_path = target
    except OSError as exc:  # e.g. the bureau has last year's 汇总表 open in Excel
        outcome.summary_error = (
            f"无法写入汇总表 {target}（{describe_os_error(exc)}）。如果它正在 Excel/WPS 中打开，"
            "请先关闭再重新生成；原有的汇总表保持不变。")
