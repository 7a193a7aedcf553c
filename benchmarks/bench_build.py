"""Benchmark: building forms against the floor.

    python benchmarks/bench_build.py --n 50

Builds N synthetic departments derived from the demo (names and text lengths vary, all
valid) in a temporary folder and measures, per department:

- docx_ms / xlsx_ms: rendering one department form (warm, in this process);
- project_docx_ms / project_xlsx_ms: the same for one project form (项目支出绩效自评表), which
  should cost no more than a department form;
- floor_ms: the least work that produces the same .docx bytes — the template's document
  XML (already cleaned by docxtpl) rendered with plain, precompiled Jinja2 and the zip
  written — so ratio = (docx_ms + xlsx_ms) / floor_ms says what the pipeline costs on top;
- peak_rss_mb: the peak resident memory of a worker during a build of --rss-n departments;
- jobs_speedup: time(--jobs 1) / time(--jobs 2) of a build of --speedup-n departments;
- project_rss_mb: the peak resident memory of a build of --projects-n project forms (bounded:
  no more than a department build's, whatever the number of forms).

Prints readable lines, then one JSON line last. Targets (2 cores): ratio ≤ 4,
peak_rss_mb ≤ 200, jobs_speedup ≥ 1.6.
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.synthetic import synthetic_departments, synthetic_projects  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
def mean_ms(fn, items, rounds: int = 3) -> float:
    """Mean time per item in ms, the best of a few rounds (a shared VM is noisy; the
    fastest round is the one least disturbed)."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for item in items:
            fn(item)
        best = min(best, time.perf_counter() - start)
    return best * 1000 / len(items)


def floor_renderer(template: Path):
    """Plain Jinja2 on the cleaned document XML + writing the zip: nothing else."""
    import jinja2
    from docxtpl import DocxTemplate

    from reportgen.formats import FILTERS

    with zipfile.ZipFile(template) as z:
        parts = [(name, z.read(name)) for name in z.namelist()]
    source = dict(parts)["word/document.xml"].decode("utf-8")
    xml = DocxTemplate(str(template)).patch_xml(source)  # docxtpl's tag clean-up, done once
    env = jinja2.Environment(autoescape=True)
    env.filters.update(FILTERS)
    compiled = env.from_string(xml)

    def render(context) -> bytes:
        body = compiled.render(context)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for name, payload in parts:
                target.writestr(name, body.encode() if name == "word/document.xml" else payload)
        return out.getvalue()

    return render


_MEASURED = """
import resource, subprocess, sys
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def year_folder(folder: Path, sources: list[Path]) -> Path:
    """A data folder whose 2022/ holds (links to) the given department files."""
    (folder / "2022").mkdir(parents=True)
    for path in sources:
        (folder / "2022" / path.name).symlink_to(path)
    return folder


def run_build(data: Path, out: Path, jobs: int, formats: str = "docx,xlsx") -> tuple[float, float]:
    """(seconds, peak RSS in MB of the largest process of the build: main or a worker).
    The build runs under a small wrapper process, so the peak is this build's alone."""
    if out.exists():
        shutil.rmtree(out)
    start = time.perf_counter()
    peak_kb = subprocess.run(
        [sys.executable, "-c", _MEASURED, sys.executable, "-m", "reportgen", "build",
         "--year", "2022", "--data", str(data), "--templates", str(ROOT / "templates"),
         "--output", str(out), "--jobs", str(jobs), "--format", formats],
        check=True, capture_output=True, text=True).stdout.split()[-1]
    return time.perf_counter() - start, int(peak_kb) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50, help="departments timed in-process")
    parser.add_argument("--rss-n", type=int, default=1000, help="departments for peak RSS")
    parser.add_argument("--speedup-n", type=int, default=200, help="departments for speedup")
    parser.add_argument("--projects-n", type=int, default=1000, help="project forms for their peak RSS")
    args = parser.parse_args()

    from reportgen.forms.registry import get_kind
    from reportgen.pipeline import load
    from reportgen.render.docx import render_docx
    from reportgen.render.xlsx import render_xlsx
    from reportgen.template_files import template_path

    kind = get_kind("department")

    with tempfile.TemporaryDirectory(prefix="reportgen-bench-") as tmp:
        work = Path(tmp)
        sources = synthetic_departments(work / "data" / "2022", max(args.n, args.rss_n,
                                                                   args.speedup_n))
        evaluations = [kind.rendering(load(kind, p)) for p in sources[: args.n]]
        docx_template = template_path(ROOT / "templates", kind, 2022, "docx")
        xlsx_template = template_path(ROOT / "templates", kind, 2022, "xlsx")
        floor = floor_renderer(docx_template)
        contexts = [e.context for e in evaluations]
        # warm up: first renders compile templates and import modules
        render_docx(evaluations[0], docx_template)
        render_xlsx(evaluations[0], xlsx_template)
        floor(contexts[0])
        docx_ms = mean_ms(lambda e: render_docx(e, docx_template), evaluations)
        xlsx_ms = mean_ms(lambda e: render_xlsx(e, xlsx_template), evaluations)
        floor_ms = mean_ms(floor, contexts)
        ratio = (docx_ms + xlsx_ms) / floor_ms
        print(f"per department, N={args.n}: docx {docx_ms:.1f} ms, xlsx {xlsx_ms:.1f} ms, "
              f"floor {floor_ms:.1f} ms -> ratio {ratio:.2f} (target <= 4)")

        project = get_kind("project")
        project_files = synthetic_projects(work / "data" / "2022" / "项目", max(args.n, args.projects_n))
        projects = [project.rendering(load(project, p)) for p in project_files[: args.n]]
        p_docx = template_path(ROOT / "templates", project, 2022, "docx")
        p_xlsx = template_path(ROOT / "templates", project, 2022, "xlsx")
        render_docx(projects[0], p_docx)
        render_xlsx(projects[0], p_xlsx)
        project_docx_ms = mean_ms(lambda r: render_docx(r, p_docx), projects)
        project_xlsx_ms = mean_ms(lambda r: render_xlsx(r, p_xlsx), projects)
        print(f"per project form, N={args.n}: docx {project_docx_ms:.1f} ms, xlsx {project_xlsx_ms:.1f} ms "
              f"(target: no more than a department form, {docx_ms + xlsx_ms:.1f} ms)")

        speed_data = year_folder(work / "speed", sources[: args.speedup_n])
        # best of two builds each, for the same reason
        t1 = min(run_build(speed_data, work / "out1", jobs=1)[0] for _ in range(2))
        t2 = min(run_build(speed_data, work / "out2", jobs=2)[0] for _ in range(2))
        speedup = t1 / t2
        print(f"build of {args.speedup_n}: --jobs 1 {t1:.1f} s, --jobs 2 {t2:.1f} s -> "
              f"speedup {speedup:.2f} (target >= 1.6)")

        rss_data = year_folder(work / "rss", sources[: args.rss_n])
        t_rss, peak_rss_mb = run_build(rss_data, work / "out3", jobs=2)
        print(f"build of {args.rss_n} with --jobs 2: {t_rss:.1f} s, peak RSS of the largest "
              f"process {peak_rss_mb:.0f} MB (target <= 200)")

        project_data = year_folder(work / "projects", sources[:1])
        (project_data / "2022" / "项目").symlink_to(work / "data" / "2022" / "项目")
        t_projects, project_rss_mb = run_build(project_data, work / "out4", jobs=2)
        print(f"build of 1 department and {len(project_files)} project forms with --jobs 2: {t_projects:.1f} s, "
              f"peak RSS {project_rss_mb:.0f} MB (target: bounded, <= 200)")

    print(json.dumps({
        "n": args.n, "docx_ms": round(docx_ms, 2), "xlsx_ms": round(xlsx_ms, 2),
        "floor_ms": round(floor_ms, 2), "ratio": round(ratio, 2),
        "peak_rss_mb": round(peak_rss_mb, 1), "jobs_speedup": round(speedup, 2),
        "project_docx_ms": round(project_docx_ms, 2), "project_xlsx_ms": round(project_xlsx_ms, 2),
        "projects": len(project_files), "project_build_s": round(t_projects, 1),
        "project_rss_mb": round(project_rss_mb, 1),
    }))


if __name__ == "__main__":
    main()
