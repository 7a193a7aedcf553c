"""Benchmark: PDF conversion with one LibreOffice per worker.

    python benchmarks/bench_pdf.py --n 16 --jobs 1 2

Builds N synthetic departments' .docx once (in a temporary folder), then converts them
to PDF with reportgen.render.pdf.write_pdfs — what `reportgen build --format pdf --jobs J`
does after the forms are built — with each number of workers given, best of --rounds.
Prints, per worker count: seconds, PDFs per second, PDFs per second per worker, and the
ratio to the first worker count; then one JSON line. Target (2 cores): 16 departments
with 2 workers take at most 0.7x the time with 1.

LibreOffice costs a start (~1.2 s: profile, fonts) plus ~0.4 s per file; each worker
starts one LibreOffice for its share of the files, so J workers pay J starts at once.
On a machine shared with other work the figures move: with the cores busy, two
LibreOffice cannot run at once. The LibreOffice CPU time and the load average are
printed so a reader can tell.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.synthetic import synthetic_departments  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def build_docx(folder: Path, n: int) -> list[Path]:
    from reportgen.forms.registry import get_kind
    from reportgen.pipeline import build_file

    kind = get_kind("department")
    sources = synthetic_departments(folder / "data" / "2022", n)
    out = folder / "docx"
    paths = []
    for source in sources:
        result = build_file(kind, source, 2022, templates_dir=ROOT / "templates", out_dir=out, formats=("docx",))
        assert result.ok, result.findings
        paths += [p for p in result.outputs if p.suffix == ".docx"]
    return paths


def convert(docx: list[Path], out: Path, workers: int) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the LibreOffice processes)."""
    from reportgen.render.pdf import PdfJob, write_pdfs

    shutil.rmtree(out, ignore_errors=True)
    jobs = [PdfJob(target=out / (p.stem + ".pdf"), docx=p) for p in docx]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    failed = write_pdfs(jobs, workers=workers)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert not failed, failed
    assert all(j.target.stat().st_size > 0 for j in jobs)
    return seconds, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=16, help="departments (default 16)")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2], help="worker counts (default 1 2)")
    parser.add_argument("--rounds", type=int, default=2, help="best of this many rounds (default 2)")
    args = parser.parse_args()
    from reportgen.render.pdf import find_soffice

    if find_soffice() is None:
        sys.exit("LibreOffice (soffice) is not installed")
    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as work:
        folder = Path(work)
        docx = build_docx(folder, args.n)
        figures = {}
        for workers in args.jobs:
            figures[workers] = min(convert(docx, folder / "pdf", workers) for _ in range(args.rounds))
        first = figures[args.jobs[0]][0]
        report = []
        for workers, (seconds, cpu) in figures.items():
            rate = args.n / seconds
            line = {"workers": workers, "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2),
                    "pdf_per_s": round(rate, 2), "pdf_per_s_per_worker": round(rate / workers, 2),
                    "ratio": round(seconds / first, 2)}
            report.append(line)
            print(f"{args.n} PDFs, {workers} worker(s): {seconds:.2f} s (LibreOffice CPU {cpu:.2f} s), "
                  f"{rate:.2f} PDF/s ({rate / workers:.2f} per worker), {seconds / first:.2f}x the time with "
                  f"{args.jobs[0]}")
        print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
        print(json.dumps({"n": args.n, "rounds": args.rounds, "results": report}))


if __name__ == "__main__":
    main()
