"""Benchmark: start-up, the cost of a small command from a cold interpreter.

    python benchmarks/bench_startup.py --runs 7

In a temporary workspace made by `reportgen init` (the demo department and its three
projects), and in a copy of it with the department's data only, times as separate
processes, median of --runs (after one unmeasured run that writes the bytecode caches, as
an installed package has them), the fastest and the median wall time and the least CPU
time (the process and its children: on a machine shared with other work the wall time
moves, the CPU time much less):

- bare: `python -c pass`, the floor;
- help: `reportgen --help`;
- check: `reportgen check --year 2022 --dept 广州市应急管理局`;
- year: `reportgen build --year 2022 --format docx,xlsx --jobs 1` in the folder with the
  department's data only: a whole-year build of one department, its 汇总表 included;
- year_projects: the same with its three projects (the workspace as init makes it);
- build_cold: `reportgen build --year 2022 --dept 广州市应急管理局` (its projects too) with
  an empty template cache (reportgen.disk_cache; every run gets a new empty folder);
- build_warm: the same with the cache filled by an earlier run.

Prints each in ms and as a multiple of bare, then one JSON line. Target: year at most
~10x bare (aim 5x). PYTHONDONTWRITEBYTECODE is removed from the environment of the runs:
without .pyc files every import compiles its module again and start-up doubles.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEPT = "广州市应急管理局"


def timed(command: list[str], cwd: Path, env: dict) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the process and its children)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def summary(runs: list[tuple[float, float]]) -> dict[str, float]:
    walls, cpus = [w for w, _ in runs], [c for _, c in runs]
    return {"min": min(walls), "median": statistics.median(walls), "cpu": min(cpus)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7, help="runs of each command (median; default 7)")
    parser.add_argument("--jobs", type=int, default=None, help="--jobs for the builds (default: reportgen's)")
    args = parser.parse_args()
    python = sys.executable
    reportgen = [python, "-m", "reportgen"]
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as work:
        root = Path(work)
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["REPORTGEN_CACHE_DIR"] = str(root / "cache")
        subprocess.run([*reportgen, "init", str(root / "ws")], env=env, check=True, stdout=subprocess.DEVNULL)
        ws = root / "ws"
        alone = root / "department-only"  # the department's data only
        shutil.copytree(ws, alone)
        shutil.rmtree(alone / "data" / "2022" / "项目")
        jobs = ["--jobs", str(args.jobs)] if args.jobs else []
        build = [*reportgen, "build", "--year", "2022", "--dept", DEPT, *jobs]
        year = [*reportgen, "build", "--year", "2022", "--format", "docx,xlsx", "--jobs", "1"]
        commands = {
            "bare": ([python, "-c", "pass"], ws),
            "help": ([*reportgen, "--help"], ws),
            "check": ([*reportgen, "check", "--year", "2022", "--dept", DEPT], ws),
            "year": (year, alone),
            "year_projects": (year, ws),
            "build_warm": (build, ws),
        }
        figures = {}
        for name, (command, where) in commands.items():
            timed(command, where, env)  # bytecode written, the template cache filled
            figures[name] = summary([timed(command, where, env) for _ in range(args.runs)])
        cold = []
        for run in range(args.runs):
            cold_env = dict(env, REPORTGEN_CACHE_DIR=str(root / f"cold-{run}"))
            cold.append(timed(build, ws, cold_env))
            shutil.rmtree(root / f"cold-{run}", ignore_errors=True)
        figures["build_cold"] = summary(cold)
    bare = figures["bare"]
    out = {"runs": args.runs}
    print(f"{'':13s} {'min ms':>7s} {'x bare':>6s} {'median':>7s} {'x bare':>6s} {'CPU ms':>7s} {'x bare':>6s}")
    for name in ("bare", "help", "check", "year", "year_projects", "build_cold", "build_warm"):
        f = figures[name]
        print(f"{name:13s} {f['min'] * 1000:7.0f} {f['min'] / bare['min']:6.1f} {f['median'] * 1000:7.0f} "
              f"{f['median'] / bare['median']:6.1f} {f['cpu'] * 1000:7.0f} {f['cpu'] / bare['cpu']:6.1f}")
        out[name] = {k: round(v * 1000, 1) for k, v in f.items()} | {"x_min": round(f["min"] / bare["min"], 1)}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
