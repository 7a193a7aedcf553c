"""Benchmark: drafting the 自评报告 (reportgen report).

    python benchmarks/bench_report.py --n 40 --projects 120

Drafts the reports of N synthetic departments (and --projects project forms spread over
them, each department's 表2 listing its own) in a temporary folder, with --jobs 1 and 2,
and prints the wall time, ms per draft, and time(--jobs 1) / time(--jobs 2). The year's
files are read and checked once in the main process first (a department's report lists
its project forms), then drafted in the workers: `read_ms` is that first pass per file.
Prints readable lines, then one JSON line last.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.synthetic import synthetic_departments, synthetic_projects  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
YEAR = 2022


def run(data: Path, out: Path, jobs: int, projects: bool) -> float:
    from reportgen.drafts import draft_year

    if out.exists():
        shutil.rmtree(out)
    start = time.perf_counter()
    result = draft_year(data, YEAR, templates_dir=ROOT / "templates", out_dir=out, projects=projects, jobs=jobs)
    elapsed = time.perf_counter() - start
    assert all(r.ok for r in result.results), [r.findings for r in result.results if not r.ok][:1]
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--projects", type=int, default=120)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from reportgen.drafts import read_year

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        synthetic_departments(data / str(YEAR), args.n)
        synthetic_projects(data / str(YEAR) / "项目", args.projects, departments=args.n)
        files = args.n + args.projects
        start = time.perf_counter()
        read_year(data, YEAR)
        read_ms = (time.perf_counter() - start) * 1000 / files
        out = Path(tmp) / "out"
        run(data, out, 1, True)  # warm: the template cache
        times = {jobs: min(run(data, out, jobs, True) for _ in range(args.repeat)) for jobs in (1, 2)}
    for jobs, seconds in times.items():
        print(f"--jobs {jobs}: {seconds:.2f} s for {files} drafts, {seconds * 1000 / files:.1f} ms a draft")
    print(f"read_ms (first pass, per file): {read_ms:.2f}; speed-up with 2 jobs: {times[1] / times[2]:.2f}x")
    print(json.dumps({"drafts": files, "jobs1_s": round(times[1], 3), "jobs2_s": round(times[2], 3),
                      "ms_per_draft_jobs1": round(times[1] * 1000 / files, 2), "read_ms": round(read_ms, 2),
                      "speedup": round(times[1] / times[2], 2)}))


if __name__ == "__main__":
    main()
