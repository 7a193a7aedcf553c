"""Benchmark: start-up, the cost of a small command from a cold interpreter.

    python benchmarks/bench_startup.py --runs 7

In a temporary workspace made by `reportgen init` (the demo department and its three
projects), times as separate processes, median of --runs (after one unmeasured run that
writes the bytecode caches, as an installed package has them):

- bare: `python -c pass`, the floor;
- help: `reportgen --help`;
- check: `reportgen check --year 2022 --dept 广州市应急管理局`;
- build_cold: `reportgen build --year 2022 --dept 广州市应急管理局` with an empty template
  cache (reportgen.disk_cache; every run gets a new empty folder);
- build_warm: the same with the cache filled by an earlier run.

Prints each in ms and as a multiple of bare, then one JSON line. Target: build_warm at
most ~10x bare. PYTHONDONTWRITEBYTECODE is removed from the environment of the runs:
without .pyc files every import compiles its module again and start-up doubles.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEPT = "广州市应急管理局"


def timed(command: list[str], cwd: Path, env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


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
        jobs = ["--jobs", str(args.jobs)] if args.jobs else []
        build = [*reportgen, "build", "--year", "2022", "--dept", DEPT, *jobs]
        commands = {
            "bare": [python, "-c", "pass"],
            "help": [*reportgen, "--help"],
            "check": [*reportgen, "check", "--year", "2022", "--dept", DEPT],
            "build_warm": build,
        }
        figures = {}
        for name, command in commands.items():
            timed(command, ws, env)  # bytecode written, the template cache filled
            figures[name] = statistics.median(timed(command, ws, env) for _ in range(args.runs))
        cold = []
        for run in range(args.runs):
            cold_env = dict(env, REPORTGEN_CACHE_DIR=str(root / f"cold-{run}"))
            cold.append(timed(build, ws, cold_env))
            shutil.rmtree(root / f"cold-{run}", ignore_errors=True)
        figures["build_cold"] = statistics.median(cold)
    bare = figures["bare"]
    for name in ("bare", "help", "check", "build_cold", "build_warm"):
        print(f"{name:11s} {figures[name] * 1000:7.0f} ms  {figures[name] / bare:5.1f}x bare")
    print(json.dumps({"runs": args.runs, **{f"{k}_ms": round(v * 1000, 1) for k, v in figures.items()},
                      **{f"{k}_x": round(v / bare, 1) for k, v in figures.items()}}))


if __name__ == "__main__":
    main()
