"""Build a year: every form of every kind, in worker processes, one form at a time per
worker, so memory stays flat however many forms a year has; one failure never stops
the rest. Then the PDFs, the checks between forms of different kinds, the old files of
forms not built moved aside, the year's 汇总表 and the run's record (reportgen.outcome).
Ctrl-C stops it early and says what was written."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Collection, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportgen.errors import NotFound
from reportgen.findings import describe_os_error, error
from reportgen.forms.kind import FormKind
from reportgen.forms.registry import all_kinds, get_kind
from reportgen.interrupt import ignore_interrupts
from reportgen.outcome import (
    StaleFiles,
    convert_pdfs,
    drop_unconverted,
    first_error,
    label,
    move_stale,
    remove_summary,
    write_record,
)
from reportgen.pipeline import BuildResult, build_file, identify, identity_of, read_once, warm_up
from reportgen.settings import Settings
from reportgen.shared_values import SharedValues
from reportgen.validate import Identity, duplicate_findings, year_duplicates

if TYPE_CHECKING:  # imported when workers are started: a one-process build does without (~5 ms)
    from concurrent.futures import ProcessPoolExecutor

Work = tuple[str, Path]  # (kind key, data file): small, so it crosses process boundaries
FORMS_PER_WORKER = 4  # fewer forms per worker process are built faster in this one
FORMS_IN_FLIGHT = 8  # forms handed to the pool per worker at a time (build_many)


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _build_one(work: Work, year: int, templates_dir: Path, out_dir: Path,
               formats: tuple[str, ...], settings: Settings, read=None,
               identify_only: bool = False) -> BuildResult:
    """Build one form (from `read`, the file already read, when given); anything
    unexpected becomes a finding, not a crash. identify_only: only what the file says it
    is (a second file of a form, refused; what it says still counts)."""
    key, source = work
    try:
        if identify_only:
            return BuildResult(source=source, kind=key, identity=identify(source, get_kind(key)))
        return build_file(get_kind(key), source, year, templates_dir=templates_dir,
                          out_dir=out_dir, formats=formats, settings=settings, read=read)
    except Exception as exc:  # noqa: BLE001 - reported per form, the rest go on
        return BuildResult(source=source, kind=key, findings=[error(
            source.name, f"生成时发生意外错误（{type(exc).__name__}: {exc}）。"
                         "请把此信息和数据文件发给维护人员。")])


class BuildInterrupted(Exception):
    """Ctrl-C during build_many: the forms finished before it stopped."""

    def __init__(self, results: list[BuildResult]):
        super().__init__(f"interrupted after {len(results)} forms")
        self.results = results


def build_many(
    work: Sequence[Work], year: int, *, templates_dir: Path, out_dir: Path,
    formats: Sequence[str], jobs: int = 1, settings: Settings | None = None,
    on_done: Callable[[BuildResult], None] | None = None,
    pool: ProcessPoolExecutor | None = None,
    reads: Mapping[Path, Any] | None = None, identify_only: Collection[Path] = (),
    task: Callable[..., BuildResult] = _build_one,
) -> list[BuildResult]:
    """Results in the order of `work`; on_done is called as each form finishes. With
    jobs > 1 (or a given pool) forms are built in worker processes. reads: files already
    read (pipeline.read_once), not read again; identify_only: files only identified, not
    built. Ctrl-C raises BuildInterrupted: pending forms are cancelled, those being built
    are finished (each all or none), and their results are carried. task: what is done
    for each form, called as _build_one is (a picklable function: reportgen.drafts drafts
    the 自评报告 with it, its work items carrying a third, hashable part)."""
    formats = tuple(formats)
    settings = settings or Settings()
    reads = reads or {}
    results: dict[Work, BuildResult] = {}
    shared = SharedValues()

    def one(item: Work) -> tuple:
        return (task, item, year, templates_dir, out_dir, formats, settings,
                reads.get(item[1]), item[1] in identify_only)

    def done(item: Work, result: BuildResult) -> None:
        results[item] = result = shared.result(result, item[1])
        if on_done:
            on_done(result)

    if pool is None and min(jobs, len(work) // FORMS_PER_WORKER) > 1:  # as worker_pool decides
        kinds = [get_kind(key) for key in dict.fromkeys(item[0] for item in work)]
        with worker_pool(jobs, len(work), templates_dir, year, formats, kinds) as own:
            return build_many(work, year, templates_dir=templates_dir, out_dir=out_dir,
                              formats=formats, settings=settings, on_done=on_done, pool=own, jobs=jobs,
                              reads=reads, identify_only=identify_only, task=task)
    if pool is None:
        try:
            for item in work:
                function, *args = one(item)
                done(item, function(*args))
        except KeyboardInterrupt:
            raise BuildInterrupted(list(results.values())) from None
    else:
        # A few forms per worker handed over at a time, the next as one finishes: the
        # forms waiting are items of `work`, not a Future each (memory flat with N).
        from concurrent.futures import FIRST_COMPLETED, wait

        futures: dict = {}
        waiting = iter(work)
        try:
            for item in islice(waiting, FORMS_IN_FLIGHT * max(1, jobs)):
                futures[pool.submit(*one(item))] = item
            while futures:
                finished, _ = wait(futures, return_when=FIRST_COMPLETED)
                for future in finished:
                    done(futures[future], future.result())
                    del futures[future]  # after done(): a Ctrl-C in between keeps its result
                    for item in islice(waiting, 1):
                        futures[pool.submit(*one(item))] = item
        except KeyboardInterrupt:
            for future in futures:
                future.cancel()  # those not yet handed to a worker
            finished = _finish_running(futures)
            raise BuildInterrupted([*results.values(),
                                    *(r for item, r in finished if item not in results)]) from None
    return [results[item] for item in work]


def _finish_running(futures: dict) -> list[tuple[Work, BuildResult]]:
    """After Ctrl-C: wait for the forms already being built (the workers ignore Ctrl-C,
    so each finishes writing all its files) and return their results."""
    from concurrent.futures import wait

    while True:
        try:
            wait(futures)
            break
        except KeyboardInterrupt:  # a second Ctrl-C: the workers still finish what they hold
            continue
    return [(item, f.result()) for f, item in futures.items()
            if f.done() and not f.cancelled() and f.exception() is None]


@contextmanager
def worker_pool(jobs: int, count: int, templates_dir: Path, year: int, formats: Sequence[str],
                kinds: Sequence[FormKind]):
    """Worker processes for `count` forms (None when one process is enough). The
    renderers are imported and the templates prepared first, so forked workers inherit
    them ready. Workers ignore Ctrl-C (the main process cancels the pending work); on
    any exit the pending work is cancelled, so the workers end promptly. A worker is
    started for every FORMS_PER_WORKER forms at most: starting one (and its first form,
    which compiles the template's cells again) costs more than a few forms in this process
    (a one-department build of 4 forms: 0.44 s in one process, 0.50 s with 2 workers)."""
    workers = min(jobs, count // FORMS_PER_WORKER)
    if workers <= 1:
        yield None
        return
    from concurrent.futures import ProcessPoolExecutor

    warm_up(templates_dir, year, formats, kinds)
    pool = ProcessPoolExecutor(max_workers=workers, initializer=ignore_interrupts)
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


@dataclass
class YearBuild:
    """What a build of (part of) a year did."""

    results: list[BuildResult]  # the forms finished, kind by kind in the order of the files
    chosen: list[Work] = field(default_factory=list)  # the forms to build
    whole_year: bool = True  # no --dept
    interrupted: bool = False  # Ctrl-C: the forms not in results were not written
    identities: dict[Path, Identity | None] = field(default_factory=dict)  # what each file says it is
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
    def counts(self) -> dict[str, int]:
        """Forms chosen, by kind key."""
        counts: dict[str, int] = {}
        for key, _ in self.chosen:
            counts[key] = counts.get(key, 0) + 1
        return counts

    @property
    def unfinished(self) -> list[Work]:
        """Chosen forms with no result: Ctrl-C came first."""
        done = {(r.kind, r.source) for r in self.results}
        return [w for w in self.chosen if w not in done]


class DepartmentNotFound(NotFound):
    pass


def select(sources: dict[FormKind, list[Path]], wanted: Sequence[str],
           identities: dict[Path, Identity | None]) -> dict[FormKind, list[Path]]:
    """--dept NAME (repeatable): a department's file (by file name or 部门名称) and the
    files of the forms that belong to it (a project whose 主管部门 it is)."""
    chosen: dict[FormKind, dict[Path, None]] = {kind: {} for kind in sources}  # ordered sets
    for name in wanted:
        name = name.strip()
        found = False
        for kind, paths in sources.items():
            for path in paths:
                own, member = _belongs(kind, path, identities.get(path), name)
                if own or member:
                    chosen[kind].setdefault(path)
                found = found or own
        if not found:
            raise DepartmentNotFound(f"找不到部门「{name}」的数据文件（按文件名或部门名称查找）。")
    return {kind: list(paths) for kind, paths in chosen.items()}


def _belongs(kind: FormKind, path: Path, identity: Identity | None, name: str) -> tuple[bool, bool]:
    """(the department's own file, the file of a form that belongs to it) for --dept NAME."""
    own = kind.is_group and (path.stem == name or (identity is not None and identity.name == name))
    return own, identity is not None and identity.group == name


def _identify(work: Work, wanted: tuple[str, ...]) -> tuple[Identity | None, Any]:
    """--dept: what a file says it is, and, when it is one of the files chosen, the file
    read (pipeline.read_once), so that its build does not read it again."""
    key, path = work
    kind = get_kind(key)
    read = read_once(path, kind)
    identity = identity_of(read, kind)
    chosen = any(any(_belongs(kind, path, identity, name.strip())) for name in wanted)
    return identity, read if chosen else None


def build_year(
    data_dir: Path, year: int, *, templates_dir: Path, out_dir: Path, formats: Sequence[str],
    departments: Sequence[str] = (), jobs: int = 1,
    on_start: Callable[[int], None] | None = None,
    on_done: Callable[[BuildResult], None] | None = None,
    on_pdf: Callable[[int], None] | None = None,
) -> YearBuild:
    """Build the chosen forms of every kind (all by default) in `jobs` processes, each
    data file read once; refuse the second files of one form; convert their PDFs, check
    the forms against each other, move the old files of forms not built aside, write the
    汇总表 of a whole-year build (every form, those not built marked) and the run's record
    生成结果.txt. Ctrl-C stops it early: the outcome says so (interrupted) and lists what
    was written."""
    from reportgen.pipeline import find_year
    from reportgen.settings import load_settings

    kinds = all_kinds()
    sources = find_year(kinds, data_dir, year)
    settings = load_settings(data_dir, year)
    everything = [(kind.key, path) for kind, paths in sources.items() for path in paths]
    outcome = YearBuild(results=[], whole_year=not departments, chosen=[] if departments else everything)
    finished: list[BuildResult] = []
    build = partial(build_many, year=year, templates_dir=templates_dir, out_dir=out_dir, formats=formats,
                    settings=settings, jobs=jobs, on_done=on_done)
    try:
        with worker_pool(jobs, len(everything), templates_dir, year, formats, kinds) as pool:
            try:
                if departments:
                    finished = _build_chosen(outcome, sources, departments, pool, jobs, build, on_start, on_done)
                else:
                    if on_start:
                        on_start(len(everything))
                    # Each file is read once, by its build; a second file of a form is found
                    # afterwards, from what the files said they are, and refused then. Those
                    # with the same file name (A.toml, A.xlsx) are known now: only identified.
                    same_name = {path for kind, paths in sources.items()
                                 for path in duplicate_findings(paths, {}, kind.noun)}
                    finished = _refuse_duplicates(build(everything, pool=pool, identify_only=same_name),
                                                  sources, outcome, partial(build, pool=None))
            except BuildInterrupted as exc:
                finished = exc.results if departments else _refuse_duplicates(exc.results, sources, outcome, None)
                raise KeyboardInterrupt from None
        finished = convert_pdfs(finished, on_pdf, jobs)
    except KeyboardInterrupt:
        outcome.interrupted = True
        finished = [r for r in finished if not r.ok or r.pdf_job is None] + \
            drop_unconverted([r for r in finished if r.ok and r.pdf_job is not None])
    order = {w: i for i, w in enumerate(outcome.chosen)}
    outcome.results = sorted(finished, key=lambda r: order.get((r.kind, r.source), len(order)))
    rows = _cross_check(outcome, kinds)
    folder = out_dir / str(year)
    outcome.stale = move_stale(folder, year, outcome, kinds)
    if outcome.whole_year and not outcome.interrupted:
        write_summary(outcome, year, folder, rows, settings)
    elif outcome.whole_year and outcome.chosen:
        from reportgen.render.summary import summary_file_name

        outcome.summary_removed = remove_summary(folder / summary_file_name(year))
    write_record(outcome, year, folder, formats, kinds)
    return outcome


def start_run(chosen: Sequence[tuple[str, Path]], duplicates: Mapping[Path, list],
              on_start: Callable[[int], None] | None,
              on_done: Callable[[BuildResult], None] | None) -> list[BuildResult]:
    """The start of a run over the `chosen` forms (kind key, path) (build_year --dept,
    drafts.draft_year): on_start is told how many there are, then the second files of one
    form among them (`duplicates`, validate.year_duplicates) are refused with their
    findings, each result told to on_done. Returns those results."""
    if on_start:
        on_start(len(chosen))
    refused = [BuildResult(source=path, kind=key, findings=list(duplicates[path]))
               for key, path in chosen if path in duplicates]
    for result in refused:
        if on_done:
            on_done(result)
    return refused


def _build_chosen(outcome: YearBuild, sources: dict[FormKind, list[Path]], departments: Sequence[str],
                  pool, jobs: int, build, on_start, on_done) -> list[BuildResult]:
    """--dept: every file identified (the choice and the duplicates need them all, read
    in the workers), then the chosen forms built from the files as read."""
    everything = [(kind.key, path) for kind, paths in sources.items() for path in paths]
    wanted = tuple(departments)
    if pool is None:
        found = [_identify(item, wanted) for item in everything]
    else:
        found = list(pool.map(partial(_identify, wanted=wanted), everything,
                              chunksize=max(1, len(everything) // (4 * jobs))))
    outcome.identities = {path: identity for (_, path), (identity, _) in zip(everything, found, strict=True)}
    reads = {path: read for (_, path), (_, read) in zip(everything, found, strict=True) if read is not None}
    del found
    duplicates = year_duplicates(sources, outcome.identities)
    chosen = select(sources, departments, outcome.identities)
    outcome.chosen = [(kind.key, path) for kind, paths in chosen.items() for path in paths]
    refused = start_run(outcome.chosen, duplicates, on_start, on_done)
    work = [(key, s) for key, s in outcome.chosen if s not in duplicates]
    try:
        return refused + build(work, pool=pool if len(work) > 1 else None, reads=reads)
    except BuildInterrupted as exc:
        exc.results[:0] = refused
        raise


def _refuse_duplicates(results: list[BuildResult], sources: dict[FormKind, list[Path]], outcome: YearBuild,
                       rebuild: Callable[..., list[BuildResult]] | None) -> list[BuildResult]:
    """A whole-year build: the second files of one form (the same name, or names giving
    the same output file), found from what the files built said they are, are refused
    with the findings a check before the build gives; the files they just wrote are
    removed (each form all or none). A form kept whose output one of them overwrote (a
    third name giving the same file) is built again; after Ctrl-C (no `rebuild`) it
    counts as not reached."""
    outcome.identities = {r.source: r.identity for r in results}
    duplicates = year_duplicates(sources, outcome.identities)
    if not duplicates:
        return results
    kept, removed = [], set()
    for result in results:
        if result.source in duplicates:
            removed |= _remove_written(result)
            result = BuildResult(source=result.source, kind=result.kind, findings=list(duplicates[result.source]),
                                 identity=result.identity)
        kept.append(result)
    again = [(r.kind, r.source) for r in kept if removed.intersection(r.outputs)]
    if again and rebuild is None:
        lost = set(again)
        for result in kept:
            if (result.kind, result.source) in lost:
                _remove_written(result)  # what is left of its files: its PDF's scratch .docx
        return [r for r in kept if (r.kind, r.source) not in lost]
    if again:
        rebuilt = {(r.kind, r.source): r for r in rebuild(again, on_done=None)}
        kept = [rebuilt.get((r.kind, r.source), r) for r in kept]
    return kept


def _remove_written(result: BuildResult) -> set[Path]:
    """Remove the files a form just wrote (its .docx of a PDF with its scratch folder)."""
    job = result.pdf_job
    written = {*result.outputs, *([job.docx] if job else [])}
    for path in written:
        path.unlink(missing_ok=True)
    if job is not None and job.scratch is not None:
        shutil.rmtree(job.scratch, ignore_errors=True)
    return written


def _cross_check(outcome: YearBuild, kinds: Sequence[FormKind]) -> dict[FormKind, list]:
    """Each kind's checks against the forms of other kinds, as findings on its forms; the
    summary rows of every kind."""
    built = {kind: [r for r in outcome.built if r.kind == kind.key and r.summary is not None] for kind in kinds}
    rows = {kind: [r.summary for r in results] for kind, results in built.items()}
    for kind, results in built.items():
        for index, findings in kind.cross_check(rows[kind], rows).items():
            results[index].findings.extend(findings)
    return rows


def write_summary(outcome: YearBuild, year: int, folder: Path, rows: dict[FormKind, list],
                  settings: Settings) -> None:
    """The 汇总表: each kind's sheets, a row per form built, then every form not built
    (未生成 and the reason)."""
    failed = {kind: [(label(r, outcome.identities), first_error(r)) for r in outcome.failed if r.kind == kind.key]
              for kind in rows}
    if not any(rows.values()) and not any(failed.values()):
        return
    from reportgen.render.summary import render_summary, summary_file_name
    from reportgen.write.files import build_timestamp, reproducible_package, write_atomic

    target = folder / summary_file_name(year)
    try:
        write_atomic(target, reproducible_package(render_summary(year, rows, settings, failed),
                                                  build_timestamp(year)))
        outcome.summary_path = target
    except OSError as exc:  # e.g. the bureau has last year's 汇总表 open in Excel
        outcome.summary_error = (
            f"无法写入汇总表 {target}（{describe_os_error(exc)}）。如果它正在 Excel/WPS 中打开，"
            "请先关闭再重新生成；原有的汇总表保持不变。")
