"""Ctrl-C during a year's build, sent as a terminal sends it: SIGINT to the whole process
group (the main process, its workers and LibreOffice)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.synthetic import synthetic_departments
from tests.conftest import TEMPLATES, needs_office

pytestmark = pytest.mark.skipif(not hasattr(os, "killpg"), reason="process groups are POSIX")


def start_build(workspace: Path, *args: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONUNBUFFERED="1", TMPDIR=str(workspace / "tmp"))
    (workspace / "tmp").mkdir()
    return subprocess.Popen(
        [sys.executable, "-m", "reportgen", "build", "--year", "2022", "--jobs", "2",
         "--templates", str(TEMPLATES), *args],
        cwd=workspace, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True)  # its own process group, like a terminal's foreground job


def wait_for(condition, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the build never got there"
        time.sleep(0.02)


def interrupt(process: subprocess.Popen) -> tuple[float, str, str]:
    """Ctrl-C; (seconds until the build exited, stdout, stderr)."""
    sent = time.monotonic()
    os.killpg(process.pid, signal.SIGINT)
    out, err = process.communicate(timeout=60)
    return time.monotonic() - sent, out, err


def group_gone(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return True
    return False


def forms(folder: Path, suffix: str) -> set[str]:
    return {p.name.split("_")[0] for p in folder.glob(f"*{suffix}")}


def assert_clean(workspace: Path) -> None:
    """No temporary file or folder anywhere: not beside the outputs, not in TMPDIR."""
    leftovers = [p for p in (workspace / "output").rglob("*") if p.name.startswith(".")
                 or p.suffix == ".tmp"]
    assert not leftovers, leftovers
    assert not list((workspace / "tmp").iterdir())  # LibreOffice profiles, fontconfig files


def test_ctrl_c_stops_a_year_build_promptly_and_says_what_was_written(tmp_path):
    departments = 100
    synthetic_departments(tmp_path / "data" / "2022", departments)
    out = tmp_path / "output" / "2022"
    process = start_build(tmp_path)
    wait_for(lambda: len(list(out.glob("*.xlsx"))) >= 6)
    seconds, stdout, stderr = interrupt(process)
    print(f"exited {seconds:.2f} s after Ctrl-C; {stderr[-300:]}")
    assert process.returncode == 130, stderr
    assert seconds < 5
    assert group_gone(process.pid)  # the workers ended too
    assert "Traceback" not in stderr
    docx, xlsx = forms(out, ".docx"), forms(out, ".xlsx")
    assert docx == xlsx  # each department's files all or none
    assert 6 <= len(docx) < departments
    assert (f"已中断：共 {departments} 个部门，已生成 {len(docx)} 个，"
            f"{departments - len(docx)} 个未生成") in stderr
    assert_clean(tmp_path)
    assert not (out / "2022年度部门整体支出绩效自评汇总表.xlsx").exists()  # it would not match
    record = (out / "生成结果.txt").read_text(encoding="utf-8-sig")
    assert "运行被中断" in record and f"已生成 {len(docx)} 个" in record


@needs_office
def test_ctrl_c_during_the_parallel_pdf_conversion_leaves_no_libreoffice_files(tmp_path):
    departments = 8
    synthetic_departments(tmp_path / "data" / "2022", departments)
    out = tmp_path / "output" / "2022"
    process = start_build(tmp_path, "--format", "docx,xlsx,pdf")
    # --jobs 2: two LibreOffice at once, each with its own profile folder
    wait_for(lambda: len([p for p in (tmp_path / "tmp").iterdir() if p.name.startswith("reportgen-soffice-")]) == 2)
    time.sleep(0.5)  # both LibreOffice are starting or converting
    seconds, stdout, stderr = interrupt(process)
    print(f"exited {seconds:.2f} s after Ctrl-C; {stderr[-300:]}")
    assert process.returncode == 130, stderr
    assert seconds < 5
    assert group_gone(process.pid)
    assert_clean(tmp_path)
    docx, xlsx, pdf = (forms(out, s) for s in (".docx", ".xlsx", ".pdf"))
    assert docx == xlsx == pdf  # all or none: no .docx/.xlsx without its PDF
    assert f"已生成 {len(pdf)} 个，{departments - len(pdf)} 个未生成" in stderr
