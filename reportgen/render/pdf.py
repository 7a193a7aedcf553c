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
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportgen.errors import ConversionFailed, OfficeMissing
from reportgen.interrupt import deferred_interrupt
from reportgen.render.pdf_stamp import make_reproducible

SERIF_NAMES = ("宋体", "SimSun", "新宋体", "NSimSun", "仿宋", "FangSong", "方正小标宋简体")
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


def _run_office(command: list[str], env: dict, timeout: int) -> None:
    """subprocess.run(check=True) for LibreOffice, in a session of its own: on Ctrl-C or a
    timeout every process it started (oosplash, soffice.bin) is killed and gone before its
    profile folder is removed, so nothing is left writing there."""
    posix = hasattr(os, "killpg")
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               start_new_session=posix)
    try:
        _, stderr = process.communicate(timeout=timeout)
    except BaseException:
        _kill_all(process, posix)
        raise
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, command, stderr=stderr)


def _kill_all(process: subprocess.Popen, posix: bool) -> None:
    import time

    if posix:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    process.kill()
    process.wait()
    deadline = time.monotonic() + 5
    while posix and time.monotonic() < deadline:  # soffice.bin is not our child: poll
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)


@dataclass(frozen=True)
class PdfJob:
    """A PDF to convert from a department's .docx (same file name but the suffix)."""

    target: Path  # the .pdf to write
    docx: Path  # the .docx to convert
    scratch: Path | None = None  # a temporary folder holding the .docx, removed afterwards


def write_pdfs(jobs: Sequence[PdfJob], timeout: int = 1800) -> list[Path]:
    """Convert the jobs' .docx files to their target PDFs: one LibreOffice process for all
    the files of a target folder, into a hidden temporary folder inside it; each PDF is
    then renamed into place (atomic: a reader never sees half a PDF, and an old PDF
    stays until its new one is complete). Scratch folders are removed in any case."""
    try:
        return _write_pdfs(jobs, timeout)
    finally:
        for job in jobs:
            if job.scratch is not None:
                shutil.rmtree(job.scratch, ignore_errors=True)


def _write_pdfs(jobs: Sequence[PdfJob], timeout: int) -> list[Path]:
    if not jobs:
        return []
    if find_soffice() is None:
        raise OfficeMissing(INSTALL_HINT)
    by_folder: dict[Path, list[PdfJob]] = {}
    for job in jobs:
        by_folder.setdefault(job.target.parent, []).append(job)
    written: list[Path] = []
    for folder, group in by_folder.items():
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=".pdf-", dir=folder) as work:
            try:
                produced = convert_to_pdf([job.docx for job in group], Path(work), timeout=timeout)
            except subprocess.TimeoutExpired:
                raise ConversionFailed(f"LibreOffice 转换 PDF 超时（{timeout} 秒）。请稍后重试。") from None
            except subprocess.CalledProcessError as exc:
                detail = (exc.stderr or b"").decode("utf-8", "replace").strip()[-300:]
                raise ConversionFailed(f"LibreOffice 转换 PDF 失败（退出码 {exc.returncode}）"
                                       f"{'：' + detail if detail else ''}。") from None
            missing = [job.target.name for job, pdf in zip(group, produced, strict=True)
                       if not pdf.is_file() or pdf.stat().st_size == 0]
            if missing:
                raise ConversionFailed(f"LibreOffice 没有生成这些 PDF：{'、'.join(missing)}。"
                                       f"请用 Word/LibreOffice 打开对应的 .docx 检查。")
            for job, pdf in zip(group, produced, strict=True):
                make_reproducible(pdf, job.docx)  # same data, same PDF bytes (pdf_stamp)
            with deferred_interrupt():  # the folder's PDFs are all renamed into place, or none
                for job, pdf in zip(group, produced, strict=True):
                    os.replace(pdf, job.target)
                    written.append(job.target)
    return written
