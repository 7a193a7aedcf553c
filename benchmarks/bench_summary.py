"""Benchmark: the 汇总表's memory and time by its number of rows.

    python benchmarks/bench_summary.py                              # 600 and 6,000 rows, both kinds
    python benchmarks/bench_summary.py --sizes 6000 --kinds project --runs 7

render_summary of N summary rows of one kind plus N/100 forms not built, each size in a
fresh process: the tracemalloc peak during render_summary (the rows are made before), and
the best of --runs wall times (measured apart: tracemalloc slows Python down). Target:
memory does not grow with the rows (the workbook is written row by row), except for the
department charts (one per 20 departments). Prints readable lines, then one JSON line.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def arguments(kind: str, n: int):
    from reportgen.forms.department.compute import SummaryRow as DepartmentRow
    from reportgen.forms.project.compute import SummaryRow as ProjectRow
    from reportgen.forms.registry import get_kind
    from reportgen.settings import Settings

    if kind == "department":
        levels = (("履职效能", Decimal("48.49")), ("管理效率", Decimal("46.00")))
        rows = [DepartmentRow(f"示例部门{i:05d}", 3, Decimal("1234.56") + i, Decimal("100"), levels,
                              Decimal(60 + i % 40) + Decimal("0.49"), "优", i % 4) for i in range(n)]
    else:
        rows = [ProjectRow(f"示例项目{i:05d}", f"示例部门{i % 500:04d}", "x.toml", Decimal("25.0000") + i,
                           Decimal("21.5457") + i, Decimal("86.18"), Decimal("98.62") - i % 3, "优")
                for i in range(n)]
    failed = [(f"示例{i}", "第1行：TOML 格式错误：值的写法不对。" * 2) for i in range(n // 100)]
    return 2022, {get_kind(kind): rows}, Settings(), {get_kind(kind): failed}


def measure(kind: str, n: int, runs: int) -> dict:
    """In this process: memory, then time."""
    from reportgen.render.summary import render_summary

    args = arguments(kind, n)
    render_summary(*arguments(kind, 5))  # imports
    tracemalloc.start()
    size = len(render_summary(*args))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        render_summary(*args)
        times.append(time.perf_counter() - start)
    return {"kind": kind, "rows": n, "peak_mib": round(peak / 2**20, 2), "best_s": round(min(times), 3),
            "bytes": size}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="600,6000", help="numbers of rows")
    parser.add_argument("--kinds", default="department,project", help="department, project or both")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each size (the best is kept)")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # kind,rows: measure in this process
    args = parser.parse_args()
    if args.one:
        kind, n = args.one.split(",")
        print(json.dumps(measure(kind, int(n), args.runs)))
        return
    report = []
    for kind in args.kinds.split(","):
        for n in (int(s) for s in args.sizes.split(",")):
            out = subprocess.run([sys.executable, __file__, "--one", f"{kind},{n}", "--runs", str(args.runs)],
                                 capture_output=True, text=True, check=True, cwd=ROOT).stdout
            result = json.loads(out.splitlines()[-1])
            report.append(result)
            print(f"{kind:10} {n:6} rows: peak {result['peak_mib']:6.2f} MiB, best {result['best_s']:.3f} s "
                  f"of {args.runs}, {result['bytes']:,} bytes")
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
