"""Edge cases a clerk or the bureau runs into (found in review)."""

from __future__ import annotations

import io
import tomllib
import zipfile
from dataclasses import replace
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from reportgen.forms.department.checks import validate
from reportgen.forms.department.compute import evaluate, summarize
from reportgen.model import RawInput
from reportgen.read.toml import TomlLocator
from reportgen.render.summary import render_summary
from reportgen.settings import Settings
from tests.conftest import DEMO_TOML, DEPARTMENT, TEMPLATES, make_year, run_reportgen
from tests.docx_helpers import open_docx, vertical_spans

DEMO = DEMO_TOML.read_text(encoding="utf-8")


def workspace_with(tmp_path, files: dict[str, str]):
    folder = tmp_path / "data" / "2022"
    folder.mkdir(parents=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return tmp_path


def department(text: str):
    """validate() of a department given as TOML text."""
    path = DEMO_TOML.parent / "x.toml"
    raw = RawInput(data=tomllib.loads(text, parse_float=Decimal), source=path,
                   locate=TomlLocator(path, text), findings=[])
    return validate(raw, 2022)


def test_names_giving_the_same_file_name_are_refused_not_overwritten(tmp_path):
    workspace = workspace_with(tmp_path, {
        "ab1.toml": DEMO.replace('name = "广州市应急管理局"', 'name = "A/B局"'),
        "ab2.toml": DEMO.replace('name = "广州市应急管理局"', 'name = "A:B局"'),
        "ok.toml": DEMO,
    })
    result = run_reportgen("build", "--year", "2022", "--templates", TEMPLATES, cwd=workspace)
    assert result.returncode == 1
    assert result.stderr.count("生成的文件名相同（A_B局），会互相覆盖") >= 2
    out = workspace / "output" / "2022"
    assert not list(out.glob("A_B局*"))
    assert len(list(out.glob("广州市应急管理局_*"))) == 2


def test_stray_spaces_do_not_split_indicator_groups(tmp_path):
    text = DEMO.replace('level1 = "履职效能"', 'level1 = "履职效能 "', 1)
    dept, findings = department(text)
    assert dept is not None, findings
    evaluation = evaluate(dept, Settings())
    assert [(lv.name, lv.weight) for lv in evaluation.levels] == [("履职效能", 50), ("管理效率", 50)]
    assert summarize(evaluation).level_scores[0] == ("履职效能", Decimal("48.49"))


def test_summary_adds_up_a_level1_that_comes_back_later():
    dept, _ = department(DEMO)
    rows = list(dept.indicators)
    moved = rows[:1] + rows[3:] + rows[1:3]  # 履职效能 row, 管理效率 rows, 履职效能 again
    evaluation = evaluate(replace(dept, indicators=tuple(moved)), Settings())
    assert [lv.name for lv in evaluation.levels] == ["履职效能", "管理效率", "履职效能"]
    scores = dict(summarize(evaluation).level_scores)
    assert scores == {"履职效能": Decimal("48.49"), "管理效率": Decimal("46.00")}


def test_summary_header_from_a_formula_like_level1_stays_text():
    dept, _ = department(DEMO.replace('level1 = "管理效率"', 'level1 = "=HYPERLINK(1)"'))
    data = render_summary(2022, {DEPARTMENT(): [summarize(evaluate(dept, Settings()))]}, Settings())
    sheet = load_workbook(io.BytesIO(data))["汇总"]
    header = [c for c in sheet[2] if c.value and str(c.value).startswith("=")]  # row 1: the title
    assert header and all(c.data_type == "s" for c in header)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")


@pytest.mark.parametrize("name, hint", [
    ("旧.xls", "另存为"), ("宏.xlsm", "另存为"), ("记事本.toml.txt", "改名为以 .toml 结尾"),
])
def test_files_in_the_wrong_format_are_reported_not_skipped(tmp_path, name, hint):
    workspace = workspace_with(tmp_path, {"ok.toml": DEMO})
    (workspace / "data" / "2022" / name).write_bytes(b"\xd0\xcf\x11\xe0 not really")
    (workspace / "data" / "2022" / "说明.txt").write_text("备注", encoding="utf-8")  # ignored
    result = run_reportgen("check", "--year", "2022", cwd=workspace)
    assert result.returncode == 1
    assert name in result.stdout and hint in result.stdout
    assert "说明.txt" not in result.stdout
    assert "共检查 2 个部门文件" in result.stdout


@pytest.mark.parametrize("line, message", [
    ("units = nan", "应为数字"), ("units = inf", "应为数字"), ("units = 1e400", "数值过大"),
    ("year = inf", "应为数字"),
])
def test_non_finite_and_absurd_numbers_are_located_errors(tmp_path, line, message):
    key = line.split(" = ")[0]
    original = "units = 4" if key == "units" else "year = 2022"
    workspace = workspace_with(tmp_path, {"a.toml": DEMO.replace(original, line, 1)})
    for extra in (["check"], ["build", "--templates", TEMPLATES]):
        result = run_reportgen(*extra, "--year", "2022", cwd=workspace)
        output = result.stdout + result.stderr
        assert result.returncode == 1 and message in output and "Traceback" not in output
        assert "意外错误" not in output


def test_rounding_hint_is_half_up(tmp_path):
    _, findings = department(DEMO.replace("score = 19.54", "score = 19.545", 1))
    [finding] = [f for f in findings if "两位小数" in f.message and f.level == "error"]
    assert "19.55" in finding.message


def test_a_different_explanation_on_a_later_part_is_warned(tmp_path):
    text = DEMO.replace('weight = 1.5\n', 'weight = 1.5\nexplanation = "另一种解释"\n', 1)
    assert "另一种解释" in text
    dept, findings = department(text)
    assert dept is not None
    [warning] = [f for f in findings if "分项计分" in f.message]
    assert warning.level == "warning" and "采购意向公开合规性" in warning.message


def test_summary_that_cannot_be_written_is_reported_and_forms_still_built(tmp_path):
    workspace = make_year(tmp_path, DEMO_TOML)
    blocker = workspace / "output" / "2022" / "2022年度部门整体支出绩效自评汇总表.xlsx"
    blocker.mkdir(parents=True)  # stands in for a file Excel holds open
    result = run_reportgen("build", "--year", "2022", "--templates", TEMPLATES, cwd=workspace)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "无法写入汇总表" in result.stderr and "已生成：" in result.stdout
    assert len(list(blocker.parent.glob("广州市应急管理局_*"))) == 2
    _, tables = open_docx(next(blocker.parent.glob("*.docx")))
    assert vertical_spans(tables[1], 0)[1][0] == "履职效能"
