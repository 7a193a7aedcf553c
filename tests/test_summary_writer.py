"""The 汇总表 written by reportgen.render.summary_book gives the bytes the former openpyxl
writer gave (tests/summary_openpyxl.py, kept for this), part for part, over departments
and projects built and not built, one to three pages of bar charts, and awkward text; and
a build with the templates prepared does not import openpyxl."""

from __future__ import annotations

import io
import os
import random
import subprocess
import sys
import zipfile
from decimal import Decimal

import pytest

from reportgen.forms.department.compute import SummaryRow as DepartmentRow
from reportgen.forms.project.compute import SummaryRow as ProjectRow
from reportgen.forms.registry import get_kind
from reportgen.render.summary import render_summary
from reportgen.settings import Settings
from reportgen.write.files import build_timestamp, reproducible_package
from tests.conftest import ROOT, TEMPLATES, make_year
from tests.ooxml import assert_valid
from tests.project_helpers import DEMO_PROJECTS
from tests.summary_openpyxl import render_summary_openpyxl

NAMES = ["示例部门{:04d}", "部门{} & <b>", " 前后有空格{} ", "=SUM(A{})", "带\t制表符{}\n和换行"]


def department_row(i: int, rnd: random.Random) -> DepartmentRow:
    levels = (("履职效能", Decimal(rnd.randint(0, 5000)) / 100), ("管理效率", Decimal(rnd.randint(0, 5000)) / 100))
    if i % 7 == 3:  # a 一级指标 only some departments have
        levels += (("其他<&>", Decimal("1.5")),)
    return DepartmentRow(name=NAMES[i % len(NAMES)].format(i), units=i % 9,
                         budget_total=Decimal(rnd.randint(0, 10**9)) / 100, budget_project=Decimal(1),
                         total_score=sum(score for _, score in levels), grade=rnd.choice(["优", "良", "中", "差"]),
                         below_full_marks=i % 4, level_scores=levels)


def project_row(i: int, rnd: random.Random) -> ProjectRow:
    return ProjectRow(source=f"{i}.toml", department=f"部门{i % 3}", name=NAMES[i % len(NAMES)].format(i),
                      budget=Decimal(rnd.randint(1, 10**8)) / 100, spent=Decimal(rnd.randint(0, 10**8)) / 100,
                      execution_rate=None if i % 9 == 0 else Decimal(rnd.randint(0, 10000)) / 100,
                      total_score=Decimal(rnd.randint(0, 10000)) / 100, grade="良",
                      blank_actuals=i % 3)


@pytest.mark.parametrize(("departments", "failed", "projects"), [
    (1, 0, 0), (1, 0, 3), (0, 1, 0), (0, 0, 2), (2, 3, 5), (20, 0, 0), (21, 1, 1), (45, 2, 0), (60, 3, 7)])
def test_the_same_bytes_as_the_former_openpyxl_writer(departments, failed, projects):
    rnd = random.Random(departments * 100 + failed * 10 + projects)
    department, project = get_kind("department"), get_kind("project")
    rows = {department: [department_row(i, rnd) for i in range(departments)],
            project: [project_row(i, rnd) for i in range(projects)]}
    not_built = {department: [(f"未生成的局{i}", "原因很长，" * (i * 13 + 1) + "&<>") for i in range(failed)],
                 project: [(f"未生成的项目{i}", "原因") for i in range(failed)]}
    when = build_timestamp(2022)
    ours = reproducible_package(render_summary(2022, rows, Settings(), not_built), when)
    former = reproducible_package(render_summary_openpyxl(2022, rows, Settings(), not_built), when)
    new, old = zipfile.ZipFile(io.BytesIO(ours)), zipfile.ZipFile(io.BytesIO(former))
    assert new.namelist() == old.namelist()
    for name in old.namelist():
        assert new.read(name) == old.read(name), name
    assert ours == former
    charts = sum(name.startswith("xl/charts/") for name in new.namelist())
    assert charts == 1 + -(-departments // 20)  # the pie, and a bar chart per 20 departments


def test_a_large_summary_is_valid(tmp_path):
    rnd = random.Random(7)
    department, project = get_kind("department"), get_kind("project")
    rows = {department: [department_row(i, rnd) for i in range(45)], project: [project_row(i, rnd) for i in range(9)]}
    path = tmp_path / "汇总表.xlsx"
    path.write_bytes(render_summary(2022, rows, Settings(), {department: [("未生成的局", "原因")]}))
    assert_valid(path)


def test_a_build_with_prepared_templates_does_not_import_openpyxl(tmp_path):
    workspace = make_year(tmp_path, ROOT / "data" / "2022" / "广州市应急管理局.toml")
    projects = workspace / "data" / "2022" / "项目" / "广州市应急管理局"
    projects.mkdir(parents=True)
    for source in DEMO_PROJECTS.glob("*.toml"):
        (projects / source.name).write_bytes(source.read_bytes())
    code = ("import sys; from reportgen.cli import main; sys.argv = ['reportgen', 'build', '--year', '2022', "
            f"'--templates', {str(TEMPLATES)!r}, '--jobs', '1']\n"
            "try:\n    main()\nexcept SystemExit as exit:\n    assert exit.code == 0, exit.code\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('openpyxl', 'docx', 'docxtpl')))")
    env = dict(os.environ, REPORTGEN_CACHE_DIR=str(tmp_path / "cache"))
    imported = []
    for _ in range(2):  # the first prepares the templates (with openpyxl and python-docx)
        result = subprocess.run([sys.executable, "-c", code], cwd=workspace, env=env, capture_output=True,
                                text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        imported.append(result.stdout.strip().splitlines()[-1])
    assert "'openpyxl'" in imported[0]  # the check would see it
    assert imported[1] == "[]"
    assert (workspace / "output" / "2022" / "2022年度部门整体支出绩效自评汇总表.xlsx").is_file()
