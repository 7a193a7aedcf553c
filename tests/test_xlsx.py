"""The .xlsx form: structure, merges, numbers, print setup and text, opened as a reader
(openpyxl, the sheet XML, LibreOffice) sees it."""

from __future__ import annotations

import math
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from openpyxl.styles import Font

from tests.conftest import (
    DEMO_TOML,
    REFERENCE_TEXT,
    SAMPLE_TOML,
    TEMPLATES,
    build_into,
    load_demo,
    make_year,
    needs_office,
    pdf_text,
    rendering_of,
    text_similarity,
    to_pdf,
)
from tests.pdf_reading import reading_order_text

DEMO_NAME = "广州市应急管理局_2022年度部门整体支出绩效自评表"
SAMPLE_NAME = "广州市示例局_2022年度部门整体支出绩效自评表"


def build_xlsx(workspace: Path, name: str, templates: Path = TEMPLATES) -> Path:
    results = build_into(workspace, formats=["xlsx"], templates_dir=templates)
    assert [r.ok for r in results] == [True], [r.findings for r in results]
    path = workspace / "output" / "2022" / f"{name}.xlsx"
    assert results[0].outputs == [path]
    return path


@pytest.fixture
def demo_xlsx(tmp_path: Path) -> Path:
    return build_xlsx(make_year(tmp_path / "demo", DEMO_TOML), DEMO_NAME)


@pytest.fixture
def sample_xlsx(tmp_path: Path) -> Path:
    return build_xlsx(make_year(tmp_path / "sample", SAMPLE_TOML), SAMPLE_NAME)


def sheet(path: Path):
    return load_workbook(path).worksheets[0]


def texts(ws) -> list[str]:
    """Every text cell, row by row, left to right."""
    return [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


def row_of(ws, column: str, value) -> int:
    """The first row whose cell in `column` holds `value`."""
    return next(r for r in range(1, ws.max_row + 1) if ws[f"{column}{r}"].value == value)


def merge_at(ws, coordinate: str) -> str | None:
    """The merged range whose top-left cell is `coordinate`."""
    return next((str(m) for m in ws.merged_cells.ranges if m.coord.split(":")[0] == coordinate), None)


def indicator_rows(ws) -> range:
    start = row_of(ws, "A", "一级\n指标") + 1
    return range(start, row_of(ws, "A", "总分"))


def demo_department():
    return load_demo(DEMO_TOML).model


# ---------------------------------------------------------------- building

def test_build_writes_xlsx_beside_docx(demo_workspace):
    results = build_into(demo_workspace)
    folder = demo_workspace / "output" / "2022"
    assert results[0].outputs == [folder / f"{DEMO_NAME}.docx", folder / f"{DEMO_NAME}.xlsx"]
    assert zipfile.is_zipfile(folder / f"{DEMO_NAME}.xlsx")


def test_cli_format_xlsx_writes_only_the_workbook(tmp_path):
    from reportgen.cli import cli

    workspace = make_year(tmp_path, DEMO_TOML)
    args = ["build", "--year", "2022", "--data", str(workspace / "data"),
            "--templates", str(TEMPLATES), "--output", str(workspace / "output")]
    result = CliRunner().invoke(cli, [*args, "--format", "xlsx"])
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in (workspace / "output" / "2022").iterdir())
    assert written == ["2022年度部门整体支出绩效自评汇总表.xlsx", f"{DEMO_NAME}.xlsx", "生成结果.txt"]
    assert f"已生成：{workspace / 'output' / '2022' / DEMO_NAME}.xlsx" in result.output


def test_cli_rejects_an_unknown_format_in_chinese(tmp_path):
    from reportgen.cli import cli

    workspace = make_year(tmp_path, DEMO_TOML)
    result = CliRunner().invoke(cli, ["build", "--year", "2022", "--data", str(workspace / "data"),
                                      "--templates", str(TEMPLATES), "--output", str(workspace / "output"),
                                      "--format", "docx,pdfx"])
    assert result.exit_code != 0
    assert "不支持的格式「pdfx」" in result.output and "docx、xlsx" in result.output
    assert not (workspace / "output").exists()


def test_cli_does_not_import_openpyxl_at_start_up():
    code = "import sys, reportgen.cli; print('openpyxl' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


# ---------------------------------------------------------------- the form

def test_print_setup(demo_xlsx):
    ws = sheet(demo_xlsx)
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.page_setup.orientation == "landscape"
    # The template's "one page wide, any number tall" is kept: every program scales the
    # sheet to one page wide whatever its font (pages.page_capacity); the sheet is centred.
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (int(ws.page_setup.fitToWidth), int(ws.page_setup.fitToHeight)) == (1, 0)
    assert ws.page_setup.scale is None
    assert ws.print_options.horizontalCentered
    header = row_of(ws, "A", "一级\n指标")
    assert ws.print_title_rows == f"${header}:${header}"
    assert ws.print_area == f"'{ws.title}'!$A$1:$N${ws.max_row}"
    assert ws["A1"].value == "部门整体支出绩效自评表" and ws["A1"].font.name == "黑体"
    assert ws["A1"].font.sz > ws[f"A{header}"].font.sz


def test_blocks_and_labels_in_the_order_of_the_form(demo_xlsx):
    cells = texts(sheet(demo_xlsx))
    expected = [
        "部门整体支出绩效自评表", "（2022年度）", "部门基本情况", "部门名称", "广州市应急管理局", "单位数：",
        "年度整体\n绩效目标", "整体绩效目标完成情况", "未能完成原因", "无",
        "年度部\n门预算\n情况", "总预算\n（万元）", "年度预算资金类别", "部门预算", "事业发展支出",
        "事业发展支出\n(按预算级次划分)", "基本支出", "项目支出", "专项资金", "其他事业发展支出", "市本级资金",
        "对下转移支付", "一级\n指标", "分值", "二级\n指标", "分值", "三级指标", "分值", "指标解释", "得分/\n自评分",
        "未达标原因", "改进措施", "履职效能", "整体效能", "部门整体绩效目标产出指标完成情况", "管理效率",
        "采购意向公开合规性", "“三公”经费控制情况", "总分", "评价等级",
    ]
    positions = []
    for text in expected:
        start = positions[-1] + 1 if positions else 0
        assert text in cells[start:], f"{text!r} missing or out of order"
        positions.append(cells.index(text, start))
    assert not any("{{" in t or "{%" in t for t in cells)


def test_goals_and_completion_text(demo_xlsx):
    from reportgen.forms.department.context import completion_paragraphs

    department = demo_department()
    ws = sheet(demo_xlsx)
    goals = "\n".join(f"目标{n}：{g.target}" for n, g in enumerate(department.goals, start=1))
    assert ws["C5"].value == goals
    first = row_of(ws, "H", "整体绩效目标完成情况") + 1
    last = row_of(ws, "H", "未能完成原因") - 1
    completion = [ws[f"H{r}"].value for r in range(first, last + 1)]
    assert "\n".join(completion) == "\n".join(completion_paragraphs(department.goals))
    # The goals block: label and goals merged from the heading row to the 未能完成原因 text.
    unmet = last + 2
    assert merge_at(ws, "A5") == f"A5:B{unmet}"
    assert merge_at(ws, "C5") == f"C5:G{unmet}"
    assert all(merge_at(ws, f"H{r}") == f"H{r}:N{r}" for r in range(first - 1, unmet + 1))


def test_merges(demo_xlsx):
    ws = sheet(demo_xlsx)
    assert len(ws.merged_cells.ranges) >= 10
    rows = indicator_rows(ws)
    first = rows.start
    # 一级指标 and its 分值: 履职效能 over 3 rows, 管理效率 over the rest.
    assert merge_at(ws, f"A{first}") == f"A{first}:A{first + 2}"
    assert merge_at(ws, f"B{first}") == f"B{first}:B{first + 2}"
    assert merge_at(ws, f"A{first + 3}") == f"A{first + 3}:A{rows.stop - 1}"
    assert merge_at(ws, f"B{first + 3}") == f"B{first + 3}:B{rows.stop - 1}"
    # 二级指标 整体效能 (3 rows) and its 分值.
    assert merge_at(ws, f"C{first}") == f"C{first}:C{first + 2}"
    assert merge_at(ws, f"D{first}") == f"D{first}:D{first + 2}"
    # 采购意向公开合规性, scored in parts: 三级指标 and 指标解释 merged, 分值 and 得分 per part.
    part = row_of(ws, "E", "采购意向公开合规性")
    assert merge_at(ws, f"E{part}") == f"E{part}:E{part + 1}"
    assert merge_at(ws, f"G{part}") == f"G{part}:G{part + 1}"
    assert (ws[f"F{part}"].value, ws[f"F{part + 1}"].value) == (0.5, 1.5)
    assert (ws[f"H{part}"].value, ws[f"H{part + 1}"].value) == (0.5, 1.5)
    assert merge_at(ws, f"F{part}") is None and merge_at(ws, f"H{part}") is None
    # 未达标原因 and 改进措施 span their columns on every row.
    assert all(merge_at(ws, f"I{r}") == f"I{r}:L{r}" and merge_at(ws, f"M{r}") == f"M{r}:N{r}" for r in rows)
    # The budget block: three header levels.
    budget = row_of(ws, "A", "年度部\n门预算\n情况")
    assert merge_at(ws, f"A{budget}") == f"A{budget}:B{budget + 3}"
    assert merge_at(ws, f"C{budget}") == f"C{budget}:E{budget + 2}"
    assert merge_at(ws, f"F{budget}") == f"F{budget}:N{budget}"
    assert merge_at(ws, f"F{budget + 1}") == f"F{budget + 1}:I{budget + 1}"


def test_numbers_are_numbers_with_formats(demo_xlsx):
    ws = sheet(demo_xlsx)
    total = row_of(ws, "A", "总分")
    assert ws[f"H{total}"].value == 94.49 and ws[f"H{total}"].data_type == "n"
    assert ws[f"H{total}"].number_format == "0.00"
    assert ws[f"F{total}"].value == 100 and ws[f"F{total}"].number_format == "General"
    amounts = row_of(ws, "A", "年度部\n门预算\n情况") + 3
    assert [ws[f"{c}{amounts}"].value for c in "CFHJKLN"] == [
        39481.84, 8847.16, 20593.52, 226, 10001.16, 2000, 8001.16]
    assert {ws[f"{c}{amounts}"].number_format for c in "CFHJKLN"} == {"#,##0.00"}
    first = indicator_rows(ws).start
    assert (ws[f"F{first}"].value, ws[f"F{first}"].number_format) == (20, "General")
    assert (ws[f"H{first}"].value, ws[f"H{first}"].number_format) == (19.54, "0.00")
    assert ws["N4"].value == 4 and ws["N4"].data_type == "n"
    assert ws[f"A{first}"].data_type == "s" and ws[f"I{first}"].data_type == "s"


def test_grade_checks_only_the_earned_grade(demo_xlsx, sample_xlsx):
    for path, grade in ((demo_xlsx, "优"), (sample_xlsx, "良")):
        ws = sheet(path)
        text = ws[f"F{row_of(ws, 'A', '评价等级')}"].value
        marks = dict((label, mark) for mark, label in re.findall(r"([☑□])([优良中差])", text))
        assert marks == {g: "☑" if g == grade else "□" for g in "优良中差"}


def needed_height(text: str, width: float, size: float) -> float:
    """A simple, independent estimate: CJK and full-width characters 2 units, others 1,
    a cell's margin 1 unit, 1.35 × the font size per line."""
    lines = 0
    for paragraph in text.split("\n"):
        units = sum(2 if ord(ch) >= 0x2E80 or ch in "“”‘’…—" else 1 for ch in paragraph) * size / 10
        lines += max(1, math.ceil(units / (width - 1)))
    return lines * 1.35 * size


def assert_no_clipped_text(ws) -> int:
    widths = {letter: ws.column_dimensions[letter].width for letter in "ABCDEFGHIJKLMN"}
    spans = {m.coord.split(":")[0]: m for m in ws.merged_cells.ranges}
    checked = 0
    for row in ws.iter_rows():
        for cell in row:
            if not isinstance(cell.value, str) or not cell.alignment.wrap_text:
                continue
            rng = spans.get(cell.coordinate)
            cols = range(rng.min_col, rng.max_col + 1) if rng else [cell.column]
            rows = range(rng.min_row, rng.max_row + 1) if rng else [cell.row]
            width = sum(widths[chr(64 + c)] for c in cols)
            height = sum(ws.row_dimensions[r].height for r in rows)
            needed = needed_height(cell.value, width, cell.font.sz)
            assert height >= needed, f"{cell.coordinate} needs {needed:.1f} pt, has {height:.1f}"
            checked += 1
    assert all(ws.row_dimensions[r].height <= 409 for r in range(1, ws.max_row + 1))
    return checked


def test_no_text_is_clipped(demo_xlsx, sample_xlsx):
    assert assert_no_clipped_text(sheet(demo_xlsx)) > 100
    assert assert_no_clipped_text(sheet(sample_xlsx)) > 80


def test_a_paragraph_too_tall_for_one_row_is_split(tmp_path):
    """Excel caps a row at 409 pt: a very long paragraph continues in the rows below."""
    text = DEMO_TOML.read_text(encoding="utf-8")
    long = "（9）" + "全面推进应急管理体系和能力现代化建设，提升防灾减灾救灾能力。" * 120
    text = text.replace('"（2）广泛开展新闻宣传', f'"{long}",\n  "（2）广泛开展新闻宣传', 1)
    workspace = tmp_path / "w"
    (workspace / "data" / "2022").mkdir(parents=True)
    (workspace / "data" / "2022" / DEMO_TOML.name).write_text(text, encoding="utf-8")
    ws = sheet(build_xlsx(workspace, DEMO_NAME))
    column = [ws[f"H{r}"].value for r in range(1, ws.max_row + 1)]
    pieces = [c for c in column if isinstance(c, str) and "全面推进应急管理体系" in c]
    assert len(pieces) >= 3 and "".join(pieces) == long
    assert_no_clipped_text(ws)


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    text = DEMO_TOML.read_text(encoding="utf-8")
    text = re.sub(r'^reason = ".*"$', 'reason = "=SUM(A1:A2)"', text, count=1, flags=re.M)
    text = re.sub(r'^measure = ".*"$', 'measure = "+1 -2 @3"', text, count=1, flags=re.M)
    text = text.replace('unmet_reason = "无"', 'unmet_reason = "-无"')
    workspace = tmp_path / "w"
    (workspace / "data" / "2022").mkdir(parents=True)
    (workspace / "data" / "2022" / DEMO_TOML.name).write_text(text, encoding="utf-8")
    path = build_xlsx(workspace, DEMO_NAME)
    ws = sheet(path)
    first = indicator_rows(ws).start
    assert ws[f"I{first}"].value == "=SUM(A1:A2)" and ws[f"I{first}"].data_type == "s"
    assert ws[f"M{first}"].value == "+1 -2 @3" and ws[f"M{first}"].data_type == "s"
    unmet = row_of(ws, "H", "-无")
    assert ws[f"H{unmet}"].data_type == "s"
    with zipfile.ZipFile(path) as package:
        xml = package.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in xml and "<f " not in xml
    assert "=SUM(A1:A2)" in xml


def test_the_template_is_the_source_of_styles(tmp_path, demo_workspace):
    """An admin's edits in Excel (wording, font, width) show in every generated form."""
    templates = tmp_path / "templates"
    (templates / "department").mkdir(parents=True)
    shutil.copy(TEMPLATES / "department" / "自评表.xlsx", templates / "department" / "自评表.xlsx")
    wb = load_workbook(templates / "department" / "自评表.xlsx")
    ws = wb.worksheets[0]
    ws["A1"].value = "部门整体支出绩效自评表（修订）"
    ws["A1"].font = Font(name="方正小标宋简体", sz=20)
    ws.column_dimensions["I"].width = 30
    wb.save(templates / "department" / "自评表.xlsx")
    out = sheet(build_xlsx(demo_workspace, DEMO_NAME, templates))
    assert out["A1"].value == "部门整体支出绩效自评表（修订）"
    assert (out["A1"].font.name, out["A1"].font.sz) == ("方正小标宋简体", 20)
    assert out.column_dimensions["I"].width == 30
    assert_no_clipped_text(out)


def test_page_breaks_keep_blocks_together(demo_xlsx):
    """Manual page breaks (A4 landscape at the fixed print scale): never inside the budget
    block, never between the indicator header and its first row, never inside the rows of
    a 三级指标 scored in parts."""
    ws = sheet(demo_xlsx)
    breaks = [b.id for b in ws.row_breaks.brk]  # a page ends after these rows
    assert breaks and breaks == sorted(breaks)
    budget = row_of(ws, "A", "年度部\n门预算\n情况")
    header = row_of(ws, "A", "一级\n指标")
    part = row_of(ws, "E", "采购意向公开合规性")
    for inside in (range(budget, budget + 3), [header], [part]):
        assert not set(breaks) & set(inside)


def test_line_estimate():
    from reportgen.render.xlsx import count_lines, split_text, text_height

    assert count_lines("一" * 10, 21) == 1
    assert count_lines("一" * 11, 21) == 2
    assert count_lines("一" * 9 + "一。", 21) == 2  # 。 may not start a line: 一。 moves down
    assert count_lines("目标1：\n（1）", 40) == 2
    assert count_lines("1,052,300.75", 8) == 2  # a number longer than the line breaks
    assert text_height("一", 10, 10) < text_height("一\n一", 10, 10)
    text = "第一句。第二句很长很长。\n第二段。"
    pieces = split_text(text, lambda t: len(t) <= 8)
    assert all(len(p) <= 8 for p in pieces) and "".join(pieces) == text.replace("\n", "")


# ---------------------------------------------------------------- a department of another shape

def test_sample_department(sample_xlsx):
    ws = sheet(sample_xlsx)
    cells = texts(ws)
    for expected in ("广州市示例局", "社会效益", "满意度", "资产管理合规性", "投诉处理及时率"):
        assert expected in cells
    assert any('“R&D<研发>”投入，带动"A&B"两类' in t for t in cells)
    rows = indicator_rows(ws)
    level1 = [(merge_at(ws, f"A{r}"), ws[f"A{r}"].value, ws[f"B{r}"].value)
              for r in rows if ws[f"A{r}"].value is not None]
    first = rows.start
    assert level1 == [(f"A{first}:A{first + 2}", "履职效能", 50),
                      (f"A{first + 3}:A{first + 11}", "管理效率", 25),
                      (f"A{first + 12}:A{first + 14}", "社会效益", 25)]
    assert rows.stop == first + 15
    part = row_of(ws, "E", "资产管理合规性")
    assert merge_at(ws, f"E{part}") == f"E{part}:E{part + 2}"
    assert merge_at(ws, f"G{part}") == f"G{part}:G{part + 2}"
    assert [ws[f"F{r}"].value for r in range(part, part + 3)] == [1, 1.5, 2.5]
    assert [ws[f"H{r}"].value for r in range(part, part + 3)] == [1, 1, 1.5]
    total = row_of(ws, "A", "总分")
    assert ws[f"H{total}"].value == 84.35 and ws[f"F{total}"].value == 100
    amounts = row_of(ws, "A", "年度部\n门预算\n情况") + 3
    assert ws[f"C{amounts}"].value == 1052300.75


# ---------------------------------------------------------------- LibreOffice

@needs_office
def test_rendered_text_reproduces_reference(demo_xlsx, tmp_path):
    """The PDF that LibreOffice prints from the workbook holds the reference form's text in
    its order. Read in the cells' reading order (see tests/pdf_reading.py: Calc draws
    one-line cells and numbers before wrapped cells, so the raw stream order interleaves)."""
    pdf = to_pdf(demo_xlsx, tmp_path / "pdf")
    reference = REFERENCE_TEXT.read_text(encoding="utf-8")
    coverage, ratio = text_similarity(reference, reading_order_text(pdf))
    raw_coverage, raw_ratio = text_similarity(reference, pdf_text(pdf))
    pages = pdf_text(pdf).count("\f")
    print(f"xlsx: 4-gram coverage {coverage:.4f}, order ratio {ratio:.4f} (content-stream order: "
          f"{raw_coverage:.4f}, {raw_ratio:.4f}), {pages} pages")
    assert coverage >= 0.98
    assert ratio >= 0.85


@needs_office
def test_sample_renders_in_libreoffice(sample_xlsx, tmp_path):
    flat = re.sub(r"\s+", "", reading_order_text(to_pdf(sample_xlsx, tmp_path / "pdf")))
    for expected in ("广州市示例局", "社会效益", "资产管理合规性", "84.35", "☑良", "1,052,300.75"):
        assert expected in flat


# ---------------------------------------------------------------- the prepared template and the package

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def render_demo(template: Path) -> bytes:
    from reportgen.render.xlsx import render_xlsx

    return render_xlsx(rendering_of(DEMO_TOML), template)


def workbook_view(data: bytes) -> dict:
    """What a reader sees of the form: cell values and types, merges, row heights, breaks,
    print ranges."""
    import io

    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    return {
        "cells": {c.coordinate: (c.value, c.data_type, c.number_format, c.quotePrefix)
                  for row in ws.iter_rows() for c in row if c.value is not None},
        "merges": sorted(str(m) for m in ws.merged_cells.ranges),
        "heights": {r: ws.row_dimensions[r].height for r in range(1, ws.max_row + 1)},
        "breaks": [b.id for b in ws.row_breaks.brk],
        "print": (ws.print_area, ws.print_title_rows),
    }


def assert_consistent_package(data: bytes) -> None:
    """Every content type, relationship and r:id of the package points to a part."""
    import io
    import posixpath

    from lxml import etree

    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    names = set(archive.namelist())
    types = etree.fromstring(archive.read("[Content_Types].xml"))
    for override in types:
        if override.get("PartName"):
            assert override.get("PartName").lstrip("/") in names, override.get("PartName")
    for rels in (n for n in names if n.endswith(".rels")):
        source = posixpath.dirname(posixpath.dirname(rels))
        ids = set()
        for rel in etree.fromstring(archive.read(rels)):
            ids.add(rel.get("Id"))
            if rel.get("TargetMode") != "External":
                target = rel.get("Target")
                part = target[1:] if target.startswith("/") else posixpath.normpath(
                    posixpath.join(source, target))
                assert part in names, (rels, target)
        owner = posixpath.join(source, posixpath.basename(rels)[:-len(".rels")])
        if owner in names and owner.endswith(".xml"):
            used = {e.get(REL_ID) for e in etree.fromstring(archive.read(owner)).iter() if e.get(REL_ID)}
            assert used <= ids, (owner, used - ids)


def test_the_template_is_prepared_once_per_process(tmp_path, monkeypatch):
    import os

    import reportgen.render.xlsx as render
    import reportgen.render.xlsx.preparation as preparation

    template = tmp_path / "自评表.xlsx"
    shutil.copy(TEMPLATES / "department" / "自评表.xlsx", template)
    first = render_demo(template)
    form = render.prepared(template)

    def no_second_preparation(path):
        raise AssertionError(f"{path} prepared again")

    monkeypatch.setattr(preparation, "prepare", no_second_preparation)  # where prepared looks it up
    assert workbook_view(render_demo(template)) == workbook_view(first)
    assert render.prepared(template) is form
    monkeypatch.undo()
    # An edited template (another size or time) is prepared again.
    wb = load_workbook(template)
    wb.worksheets[0]["A1"].value = "部门整体支出绩效自评表（新）"
    wb.save(template)
    stat = template.stat()
    os.utime(template, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert render.prepared(template) is not form
    assert workbook_view(render_demo(template))["cells"]["A1"][0] == "部门整体支出绩效自评表（新）"


def test_importing_the_renderer_does_not_import_openpyxl():
    code = "import sys, reportgen.render.xlsx; print('openpyxl' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_the_package_keeps_the_template_parts_and_styles(demo_xlsx):
    """Styles, theme and properties are the template's bytes; every cell has the style id
    of its template cell and every cell of a merged range the top-left cell's (its borders)."""
    from lxml import etree

    template = zipfile.ZipFile(TEMPLATES / "department" / "自评表.xlsx")
    form = zipfile.ZipFile(demo_xlsx)
    for name in ("xl/styles.xml", "xl/theme/theme1.xml", "xl/_rels/workbook.xml.rels", "_rels/.rels"):
        assert form.read(name) == template.read(name), name
    assert_consistent_package(demo_xlsx.read_bytes())
    root = etree.fromstring(form.read("xl/worksheets/sheet1.xml"))
    cells = {c.get("r"): c for c in root.iter(f"{MAIN}c")}
    rows = list(root.iter(f"{MAIN}row"))
    assert [int(r.get("r")) for r in rows] == list(range(1, len(rows) + 1))
    assert all(r.get("customHeight") == "1" and float(r.get("ht")) > 0 for r in rows)
    assert root.find(f"{MAIN}dimension").get("ref") == f"A1:N{len(rows)}"
    assert not list(root.iter(f"{MAIN}f"))
    template_cells = {c.get("r"): c.get("s") for c in etree.fromstring(
        template.read("xl/worksheets/sheet1.xml")).iter(f"{MAIN}c")}
    assert cells["A1"].get("s") == template_cells["A1"]
    ws = sheet(demo_xlsx)
    first = indicator_rows(ws).start
    prototype = row_of(load_workbook(TEMPLATES / "department" / "自评表.xlsx").worksheets[0], "A", "{{ row.level1 }}")
    for column in "ABCDEFGHIM":
        assert cells[f"{column}{first}"].get("s") == template_cells[f"{column}{prototype}"], column
    for merge in ws.merged_cells.ranges:
        style = cells[merge.coord.split(":")[0]].get("s")
        for row in range(merge.min_row, merge.max_row + 1):
            for column in range(merge.min_col, merge.max_col + 1):
                coordinate = f"{chr(64 + column)}{row}"
                assert coordinate in cells and cells[coordinate].get("s") == style, coordinate
    names = etree.fromstring(form.read("xl/workbook.xml")).iter(f"{MAIN}definedName")
    assert sorted(n.get("name") for n in names) == ["_xlnm.Print_Area", "_xlnm.Print_Titles"]


def test_formula_like_text_gets_a_quote_prefixed_copy_of_its_style(tmp_path):
    text = DEMO_TOML.read_text(encoding="utf-8").replace('unmet_reason = "无"', 'unmet_reason = "=1+1"')
    workspace = tmp_path / "w"
    (workspace / "data" / "2022").mkdir(parents=True)
    (workspace / "data" / "2022" / DEMO_TOML.name).write_text(text, encoding="utf-8")
    path = build_xlsx(workspace, DEMO_NAME)
    ws = sheet(path)
    cell = ws[f"H{row_of(ws, 'H', '=1+1')}"]
    assert cell.data_type == "s" and cell.quotePrefix
    assert cell.alignment.horizontal == "justify" and cell.border.left.style == "thin"
    assert not ws["A1"].quotePrefix
    assert_consistent_package(path.read_bytes())


def test_an_edited_template_renders_a_consistent_package(tmp_path):
    """A template an admin edited: a comment and a hyperlink on template cells, print-title
    columns, a second sheet left active. The form drops what belonged to the template's
    cells, keeps the rest, and reads as with the plain template."""
    import io

    from openpyxl.comments import Comment

    template = tmp_path / "自评表.xlsx"
    wb = load_workbook(TEMPLATES / "department" / "自评表.xlsx")
    ws = wb.worksheets[0]
    ws["A1"].comment = Comment("管理员备注：标题不要改", "admin")
    ws["A3"].hyperlink = "https://example.com/"
    ws.print_title_cols = "A:B"
    notes = wb.create_sheet("说明")
    notes["A1"], notes["A2"] = "填表说明", "=1+2"
    wb.active = 1
    wb.save(template)
    data = render_demo(template)
    assert_consistent_package(data)
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert not [n for n in archive.namelist() if "comment" in n.lower()]
    assert archive.read("xl/worksheets/sheet2.xml") == zipfile.ZipFile(template).read("xl/worksheets/sheet2.xml")
    out = load_workbook(io.BytesIO(data))
    assert out.active.title == "自评表" and out["说明"]["A2"].value == "=1+2"
    assert out.worksheets[0].print_title_cols == "$A:$B"
    assert out.worksheets[0]["A3"].hyperlink is None
    plain, edited = workbook_view(render_demo(TEMPLATES / "department" / "自评表.xlsx")), workbook_view(data)
    assert edited["print"][0] == plain["print"][0]
    assert {k: v for k, v in edited.items() if k != "print"} == {k: v for k, v in plain.items() if k != "print"}


@needs_office
def test_a_template_saved_by_libreoffice_gives_the_same_form(tmp_path):
    """LibreOffice writes shared strings, XML declarations and its own style table: the form
    reads the same as from the template saved by openpyxl."""
    from reportgen.render.pdf import convert_to_pdf

    source = tmp_path / "in" / "自评表.xlsx"
    source.parent.mkdir()
    shutil.copy(TEMPLATES / "department" / "自评表.xlsx", source)
    office = shutil.which("soffice") or shutil.which("libreoffice")
    subprocess.run([office, "--headless", "--convert-to", "xlsx", "--outdir", str(tmp_path / "lo"),
                    str(source)], check=True, capture_output=True, timeout=180)
    template = tmp_path / "lo" / "自评表.xlsx"
    assert "xl/sharedStrings.xml" in zipfile.ZipFile(template).namelist()
    data = render_demo(template)
    assert_consistent_package(data)
    plain = workbook_view(render_demo(TEMPLATES / "department" / "自评表.xlsx"))
    assert workbook_view(data) == plain
    form = tmp_path / "form.xlsx"
    form.write_bytes(data)
    [pdf] = convert_to_pdf([form], tmp_path / "pdf")
    assert "广州市应急管理局" in pdf_text(pdf)


def test_tags_in_the_footer_and_on_other_sheets_keep_the_package_consistent(tmp_path):
    """Only the sheets with tags are rewritten (their tagged cells and header/footer texts);
    the first sheet reads as with the plain template; formula-like text stays text."""
    import io

    template = tmp_path / "自评表.xlsx"
    wb = load_workbook(TEMPLATES / "department" / "自评表.xlsx")
    wb.worksheets[0].oddFooter.left.text = "{{ department.name }}"
    notes = wb.create_sheet("说明")
    notes["A1"], notes["A2"] = "填表说明", "=1+2"
    sign = wb.create_sheet("签字页")
    sign["B2"] = "{{ '=' ~ department.name }}"
    sign["B2"].font = Font(bold=True)
    sign["C3"] = "{{ budget.total }}"
    sign["C3"].number_format = "#,##0.00"
    sign["D4"] = "{{ unmet_reason }}"
    wb.save(template)
    data = render_demo(template)
    assert_consistent_package(data)
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.read("xl/worksheets/sheet2.xml") == zipfile.ZipFile(template).read("xl/worksheets/sheet2.xml")
    out = load_workbook(io.BytesIO(data))
    assert out.worksheets[0].oddFooter.left.text == "广州市应急管理局"
    signed = out["签字页"]
    assert signed["B2"].value == "=广州市应急管理局" and signed["B2"].data_type == "s"
    assert signed["B2"].quotePrefix and signed["B2"].font.bold
    assert signed["C3"].value == 39481.84 and signed["C3"].number_format == "#,##0.00"
    assert signed["D4"].value == "无"
    assert out["说明"]["A2"].value == "=1+2"
    plain = workbook_view(render_demo(TEMPLATES / "department" / "自评表.xlsx"))
    assert workbook_view(data) == plain
