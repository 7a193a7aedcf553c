"""Convert rendered .docx/.xlsx files to PDF with LibreOffice (headless).

宋体/SimSun and 黑体/SimHei are usually missing on a Linux server; fontconfig would
fall back to any CJK face (often a sans one). A private fontconfig file maps them to
Noto Serif CJK SC / Noto Sans CJK SC so the PDF keeps the 宋体 look (layout.md).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reportgen.errors import OfficeMissing
from reportgen.render.pdf_stamp import make_reproducible

SERIF_NAMES = ("宋体", "SimSun", "新宋体", "NSimSun", "仿宋", "FangSong", "方正小标宋简体",
               "仿宋_GB2312", "FangSong_GB2312", "楷体_GB2312", "楷体", "KaiTi")  # the 自评报告's
SANS_NAMES = ("黑体", "SimHei", "微软雅黑", "Microsoft YaHei")

_FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
{aliases}
</fontconfig>
"""
_ALIAS = """  <alias binding="same"><family>{name}</family><prefer><family>{target}</family></prefer></alias>"""


INSTALL_HINT = (
    "未找到 LibreOffice，无法生成 PDF。请先安装：Debian/Ubuntu 运行 "
    "“sudo apt-get install libreoffice-writer-nogui libreoffice-calc-nogui "
    "fonts-noto-cjk”，Windows/macOS 请从 libreoffice.org 下载安装"
    "（装在默认文件夹 C:\\Program Files\\LibreOffice 中即可找到，否则须把 soffice 加入 PATH）。"
    "不需要 PDF 时，去掉 --format 中的 pdf 即可。"
)


def find_soffice() -> str | None:
    """soffice on PATH, else in its usual install folder (Windows: Program Files)."""
    from reportgen.render.office_lookup import installed_soffice

    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return installed_soffice()


def fontconfig_file(directory: Path) -> Path:
    aliases = [_ALIAS.format(name=n, target="Noto Serif CJK SC") for n in SERIF_NAMES]
    aliases += [_ALIAS.format(name=n, target="Noto Sans CJK SC") for n in SANS_NAMES]
    path = directory / "fonts.conf"
    path.write_text(_FONTS_CONF.format(aliases="\n".join(aliases)), encoding="utf-8")
    return path


def convert_to_pdf(sources: Sequence[Path], out_dir: Path, timeout: int = 600) -> list[Path]:
    """Convert files to PDF in out_dir with one LibreOffice process and a private profile
    (so concurrent conversions never clash). Returns the PDF paths."""
    soffice = find_soffice()
    if soffice is None:
        raise OfficeMissing(INSTALL_HINT)
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="reportgen-soffice-") as work:
        work_dir = Path(work)
        scratch = work_dir / "tmp"  # LibreOffice's own temporary files (lu*.tmp) go with it
        scratch.mkdir()
        env = dict(os.environ, FONTCONFIG_FILE=str(fontconfig_file(work_dir)),
                   TMPDIR=str(scratch), TMP=str(scratch), TEMP=str(scratch))
        profile = (work_dir / "profile").as_uri()
        _run_office(
            [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
             "--convert-to", "pdf", "--outdir", str(out_dir), *map(str, sources)],
            env=env, timeout=timeout)
    return [out_dir / (Path(s).stem + ".pdf") for s in sources]


class _Stopped(Exception):
    """The conversions were cancelled (Ctrl-C in the main thread): start no LibreOffice."""


class _Offices:
    """The LibreOffice processes of one write_pdfs call, running in its threads, so the
    main thread can kill them all on Ctrl-C and let no new one start."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running: set[subprocess.Popen] = set()
        self.stopped = False

    def start(self, command: list[str], env: dict, posix: bool) -> subprocess.Popen:
        with self.lock:
            if self.stopped:
                raise _Stopped
            process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                       start_new_session=posix)
            self.running.add(process)
            return process

    def ended(self, process: subprocess.Popen) -> None:
        with self.lock:
            self.running.discard(process)

    def stop(self) -> None:
        """Kill every LibreOffice (all at once), then wait until each is gone."""
        posix = hasattr(os, "killpg")
        with self.lock:
            self.stopped = True
            running = list(self.running)
        for process in running:
            _kill(process, posix)
        for process in running:
            _wait_gone(process, posix)


_thread_state = threading.local()  # .offices: the _Offices of a write_pdfs thread


def _run_office(command: list[str], env: dict, timeout: int) -> None:
    """subprocess.run(check=True) for LibreOffice, in a session of its own: on Ctrl-C or a
    timeout every process it started (oosplash, soffice.bin) is killed and gone before its
    profile folder is removed, so nothing is left writing there. In a write_pdfs thread the
    process is registered, so the main thread can kill it on Ctrl-C."""
    posix = hasattr(os, "killpg")
    offices: _Offices | None = getattr(_thread_state, "offices", None)
    if offices is None:
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                   start_new_session=posix)
    else:
        process = offices.start(command, env, posix)
    try:
        _, stderr = process.communicate(timeout=timeout)
    except BaseException:
        _kill_all(process, posix)
        raise
    finally:
        if offices is not None:
            offices.ended(process)
    if offices is not None and offices.stopped:
        _kill_all(process, posix)  # killed by the main thread: wait until all of it is gone
        raise _Stopped
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, command, stderr=stderr)


def _kill_all(process: subprocess.Popen, posix: bool) -> None:
    _kill(process, posix)
    _wait_gone(process, posix)


def _kill(process: subprocess.Popen, posix: bool) -> None:
    if posix:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    process.kill()


def _wait_gone(process: subprocess.Popen, posix: bool) -> None:
    import time

    process.wait()
    deadline = time.monotonic() + 5
    while posix and time.monotonic() < deadline and _group_running(process.pid):
        time.sleep(0.02)  # soffice.bin is not our child: poll


def _group_running(pgid: int) -> bool:
    """Whether a process group still has a process that is not a zombie (a killed
    soffice.bin stays a zombie until init reaps it, which a container's init may do late;
    a zombie writes nothing, so its profile folder can go)."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    if not os.path.isdir("/proc/self"):
        return True
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if len(fields) > 2 and fields[2] == str(pgid).encode() and fields[0] != b"Z":
            return True
    return False


@dataclass(frozen=True)
class PdfJob:
    """A PDF to convert from a department's .docx (same file name but the suffix)."""

    target: Path  # the .pdf to write
    docx: Path  # the .docx to convert
    scratch: Path | None = None  # a temporary folder holding the .docx, removed afterwards


def write_pdfs(jobs: Sequence[PdfJob], timeout: int = 1800, workers: int = 1,
               on_written: Callable[[PdfJob], None] | None = None) -> dict[PdfJob, str]:
    """Convert the jobs' .docx files to their target PDFs with `workers` LibreOffice
    processes at a time (each with its own profile and fontconfig file, in a thread of
    this process that waits for it), each converting its share of the files in one run.
    Each PDF is written to a hidden temporary folder beside the targets, made reproducible
    and renamed into place (atomic: a reader never sees half a PDF, and an old PDF stays
    until its new one is complete); on_written(job) is called then. Returns the jobs whose
    PDF was not made, with the reason (Chinese). On Ctrl-C every LibreOffice is killed and
    its files removed before KeyboardInterrupt goes on; the PDFs already renamed into place
    were reported by on_written. Scratch folders are removed in any case."""
    try:
        return _write_pdfs(jobs, timeout, max(1, workers), on_written or (lambda job: None))
    finally:
        for job in jobs:
            if job.scratch is not None:
                shutil.rmtree(job.scratch, ignore_errors=True)


RUN_FILES = 200  # files per LibreOffice run: its start (~1.2 s) is <2% of theirs (~0.4 s each)


def shares(jobs: Sequence[PdfJob], workers: int) -> list[list[list[PdfJob]]]:
    """The jobs dealt round-robin to at most `workers` workers; each worker's share split
    into runs of LibreOffice of at most RUN_FILES files (a run's timeout and a crash stay
    bounded however many forms a year has) whose files have different names (it writes
    <stem>.pdf into one folder)."""
    out: list[list[list[PdfJob]]] = []
    for share in (list(jobs[i::workers]) for i in range(min(workers, len(jobs)))):
        runs: list[list[PdfJob]] = []
        for job in share:
            run = next((r for r in runs if len(r) < RUN_FILES
                        and all(j.docx.stem != job.docx.stem for j in r)), None)
            if run is None:
                runs.append(run := [])
            run.append(job)
        out.append(runs)
    return out


def _write_pdfs(jobs: Sequence[PdfJob], timeout: int, workers: int,
                on_written: Callable[[PdfJob], None]) -> dict[PdfJob, str]:
    if not jobs:
        return {}
    if find_soffice() is None:
        raise OfficeMissing(INSTALL_HINT)
    base = Path(os.path.commonpath([str(job.target.parent) for job in jobs]))
    base.mkdir(parents=True, exist_ok=True)
    offices = _Offices()
    failed: dict[PdfJob, str] = {}

    finished: list[int] = []  # the threads done, cleanup included

    def worker(index: int, runs: list[list[PdfJob]]) -> None:
        _thread_state.offices = offices
        try:
            with tempfile.TemporaryDirectory(prefix=".pdf-", dir=base) as work:
                for number, run in enumerate(runs):
                    for job in run:
                        job.target.parent.mkdir(parents=True, exist_ok=True)
                    failed.update(_convert_run(run, Path(work) / str(number), timeout, on_written))
        except _Stopped:
            pass
        except Exception as exc:  # noqa: BLE001 - the worker's forms say why
            for run in runs:
                for job in run:
                    failed.setdefault(job, f"LibreOffice 转换 PDF 时出错（{type(exc).__name__}：{exc}）。")
        finally:
            finished.append(index)

    threads = [threading.Thread(target=worker, args=(i, runs), name=f"pdf-{i}")
               for i, runs in enumerate(shares(jobs, workers))]
    # Waited for by polling, not Thread.join: a Ctrl-C that interrupts join() can leave a
    # thread marked as ended while it still runs (its LibreOffice files would be left).
    try:
        for thread in threads:
            thread.start()
        _wait_for(finished, len(threads))
    except BaseException:  # Ctrl-C: kill every LibreOffice, wait for the threads to clean up
        offices.stop()
        started = sum(1 for thread in threads if thread.ident is not None)
        while True:
            try:
                _wait_for(finished, started)
                break
            except KeyboardInterrupt:  # a second Ctrl-C: the threads still clean up
                offices.stop()
        raise
    return failed


def _wait_for(finished: list[int], count: int) -> None:
    import time

    while len(finished) < count:
        time.sleep(0.02)


def _convert_run(run: list[PdfJob], work: Path, timeout: int,
                 on_written: Callable[[PdfJob], None]) -> dict[PdfJob, str]:
    """One LibreOffice run over files of distinct names; the jobs that failed, and why."""
    try:
        produced = convert_to_pdf([job.docx for job in run], work, timeout=timeout)
    except subprocess.TimeoutExpired:
        return dict.fromkeys(run, f"LibreOffice 转换 PDF 超时（{timeout} 秒）。请稍后重试。")
    except subprocess.CalledProcessError as exc:
        detail = (exc.stderr or b"").decode("utf-8", "replace").strip()[-300:]
        return dict.fromkeys(run, f"LibreOffice 转换 PDF 失败（退出码 {exc.returncode}）"
                                  f"{'：' + detail if detail else ''}。")
    failed = {}
    for job, pdf in zip(run, produced, strict=True):
        if not pdf.is_file() or pdf.stat().st_size == 0:
            failed[job] = (f"LibreOffice 没有生成 {job.target.name}。"
                           f"请用 Word/LibreOffice 打开对应的 .docx 检查。")
            continue
        make_reproducible(pdf, job.docx)  # same data, same PDF bytes (pdf_stamp)
        os.replace(pdf, job.target)
        on_written(job)
    return failed
