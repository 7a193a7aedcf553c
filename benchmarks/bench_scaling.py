"""Benchmark: does a year's build cost the same per form at 6,000 forms as at 600?

    python benchmarks/bench_scaling.py                       # 60, 600, 6,000; --jobs 1 and 2
    python benchmarks/bench_scaling.py --sizes 60,600 --jobs 2 --kinds project

Builds N synthetic department forms, then 1 department and N project forms (its
projects), with `reportgen build --format docx,xlsx` (the 汇总表 included) in a fresh
process, and prints the wall time, the peak RSS of the largest process (main or worker),
and the marginal cost per form between consecutive sizes: (t[b] - t[a]) / (b - a), which
leaves out start-up. Linear means the marginal stays flat: target, the last range's
marginal within 15% of the first's (ratio <= 1.15). The largest size is built --repeat
times, the others 3 times as often, and the fastest run counts (the least disturbed by the
machine): on a 2-core VM single runs of 600 forms (2-5 s) varied by +-15%, enough to move
the ratio from 0.92 to 1.30.

Peak memory (the median of the runs' peaks; a first run may prepare the templates in the
main process) should grow with N by no more than what the main process must hold per
form: its 汇总表 row, what it says it is (for the checks between forms) and where its files
went (for the closing report and 生成结果.txt), about 3 KB of Python objects; the lines
print the growth per form.

A build of 6,000 forms takes minutes; the machine it runs on should say how many cores
it had and whether it was shared. Prints readable lines, then one JSON line last.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from itertools import pairwise
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.bench_build import run_build, year_folder  # noqa: E402
from benchmarks.synthetic import synthetic_departments, synthetic_projects  # noqa: E402


def data_for(work: Path, kind: str, n: int, departments: list[Path], projects: Path) -> Path:
    """A data folder of n forms of the kind (project: 1 department and n of its projects)."""
    folder = work / f"{kind}-{n}"
    if kind == "department":
        return year_folder(folder, departments[:n])
    year_folder(folder, departments[:1])
    target = folder / "2022" / "项目" / "示例部门0000"
    target.mkdir(parents=True)
    for path in sorted((projects / "示例部门0000").glob("*.toml"))[:n]:
        (target / path.name).symlink_to(path)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="60,600,6000", help="numbers of forms, ascending")
    parser.add_argument("--jobs", default="1,2", help="--jobs values to measure")
    parser.add_argument("--kinds", default="department,project", help="department, project or both")
    parser.add_argument("--repeat", type=int, default=3,
                        help="builds of the largest size (3 times as many of the others); the fastest counts")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    jobs = [int(j) for j in args.jobs.split(",")]
    kinds = args.kinds.split(",")

    report = []
    with tempfile.TemporaryDirectory(prefix="reportgen-scaling-") as tmp:
        work = Path(tmp)
        departments = synthetic_departments(work / "src" / "departments", max(sizes))
        synthetic_projects(work / "src" / "projects", max(sizes) if "project" in kinds else 0)
        for kind in kinds:
            for j in jobs:
                times, peaks = {}, {}
                for n in sizes:
                    data = data_for(work, kind, n, departments, work / "src" / "projects") \
                        if not (work / f"{kind}-{n}").exists() else work / f"{kind}-{n}"
                    repeat = args.repeat * (3 if n < max(sizes) else 1)  # short runs are the noisiest
                    runs = [run_build(data, work / "out", jobs=j) for _ in range(repeat)]
                    times[n], peaks[n] = min(t for t, _ in runs), statistics.median(p for _, p in runs)
                    spread = max(t for t, _ in runs) - times[n]
                    print(f"{kind}, --jobs {j}, {n} forms: {times[n]:.2f} s (+{spread:.2f} s over {repeat} runs), "
                          f"{times[n] * 1000 / n:.1f} ms per form overall, peak RSS {peaks[n]:.0f} MB", flush=True)
                marginals = [(a, b, (times[b] - times[a]) * 1000 / (b - a)) for a, b in pairwise(sizes)]
                for a, b, ms in marginals:
                    print(f"  marginal {a}->{b}: {ms:.1f} ms per form; "
                          f"peak RSS {(peaks[b] - peaks[a]) * 1024 / (b - a):.1f} KB more per form")
                ratio = marginals[-1][2] / marginals[0][2] if len(marginals) > 1 else None
                if ratio is not None:
                    print(f"  ratio last/first marginal: {ratio:.2f} (target <= 1.15)", flush=True)
                report.append({"kind": kind, "jobs": j, "seconds": {n: round(t, 2) for n, t in times.items()},
                               "peak_rss_mb": {n: round(p, 1) for n, p in peaks.items()},
                               "marginal_ms": {f"{a}-{b}": round(ms, 2) for a, b, ms in marginals},
                               "ratio": None if ratio is None else round(ratio, 3)})
    print(json.dumps(report))


if __name__ == "__main__":
    main()
