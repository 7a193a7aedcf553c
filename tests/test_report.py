"""The 自评报告 drafts (issue 21, self-report.md): `reportgen report`, the figures taken from
the form's own computation, the placeholders, `check --report`, the layout, the templates,
the new inputs, --dept/--jobs/Ctrl-C, and a department made up here."""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from tests.conftest import DEMO_TOML, ROOT, TEMPLATES, needs_office, run_cli
from tests.docx_helpers import open_docx, vertical_spans
from tests.ooxml import assert_valid

YEAR = 2022
DEPT = "广州市应急管理局"
REPORT_NAME = f"{DEPT}_{YEAR}年度部门整体支出绩效自评报告.docx"
BANNER = "【草稿：黄色底纹处须补写，其余须核对；完成后删除本段，再盖章公开。】"
D = Decimal


# ---------------------------------------------------------------- helpers

def workspace(tmp_path: Path, *, projects: bool = True) -> Path:
    """tmp_path/data/2022 with the bundled department (and its projects)."""
    folder = tmp_path / "data" / str(YEAR)
    folder.mkdir(parents=True)
    shutil.copy(DEMO_TOML, folder / DEMO_TOML.name)
    if projects:
        shutil.copytree(ROOT / "data" / str(YEAR) / "项目", folder / "项目")
    return tmp_path


def report(ws: Path, *args):
    return run_cli("report", "--year", YEAR, "--data", ws / "data", "--output", ws / "output",
                   "--templates", TEMPLATES, "--jobs", 1, *args)


def check_report(ws: Path, path: Path, *args):
    return run_cli("check", "--year", YEAR, "--data", ws / "data", "--report", path, *args)


def draft_path(ws: Path, name: str = REPORT_NAME) -> Path:
    return ws / "output" / str(YEAR) / "自评报告" / name


def texts(path: Path) -> list[str]:
    """Every body paragraph outside tables, in order."""
    return [p.text for p in Document(str(path)).paragraphs]


def section(paragraphs: list[str], start: str, end: str) -> list[str]:
    first = paragraphs.index(start)
    return paragraphs[first + 1:paragraphs.index(end, first)]


def demo_data() -> dict:
    return tomllib.loads(DEMO_TOML.read_text(encoding="utf-8"))


def expected_below(data: dict) -> list[tuple[str, Decimal, Decimal, list[str], list[str]]]:
    """The 三级指标 below full marks, worked out from the data file here: adjacent rows of
    one name are one indicator (parts summed); texts kept in order, repeats dropped."""
    groups: list[list[dict]] = []
    for row in data["indicators"]:
        key = (row["level1"], row["level2"], row["name"])
        if groups and (groups[-1][0]["level1"], groups[-1][0]["level2"], groups[-1][0]["name"]) == key:
            groups[-1].append(row)
        else:
            groups.append([row])
    out = []
    for parts in groups:
        weight = sum(D(str(p["weight"])) for p in parts)
        score = sum(D(str(p["score"])) for p in parts)
        if score < weight:
            out.append((parts[0]["name"], weight, score, _lines(parts, "reason"), _lines(parts, "measure")))
    return out


def _lines(parts: list[dict], key: str) -> list[str]:
    found: list[str] = []
    for part in parts:
        for line in str(part.get(key, "")).splitlines():
            if line.strip() and line.strip() not in found:
                found.append(line.strip())
    return found


def weight_text(value: Decimal) -> str:
    return f"{value.normalize():f}"


def write_department(folder: Path, data: dict, stem: str) -> Path:
    from reportgen.forms.department.contract import CONTRACT
    from reportgen.write.toml import dumps

    path = folder / f"{stem}.toml"
    path.write_text(dumps(data, CONTRACT), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def drafted(tmp_path_factory) -> Path:
    """The bundled year drafted once (department and projects): the workspace."""
    ws = workspace(tmp_path_factory.mktemp("report"))
    result = report(ws, "--projects")
    assert result.exit_code == 0, result.output
    return ws


# ---------------------------------------------------------------- 1. the command

def test_report_writes_the_department_draft_and_never_overwrites_it(tmp_path):
    ws = workspace(tmp_path, projects=False)
    result = report(ws)
    assert result.exit_code == 0, result.output
    path = draft_path(ws)
    assert path.is_file()
    assert f"已生成：{path}（待填写 14 处）" in result.output  # 13, and 项目支出 (no project forms here)
    assert sorted(p.name for p in path.parent.iterdir()) == [REPORT_NAME]  # no project reports, no temp files
    assert_valid(path)

    document = Document(str(path))  # the clerk edits the draft
    document.paragraphs[2].text = "已补写"
    document.save(str(path))
    edited = path.read_bytes()
    again = report(ws)
    assert again.exit_code == 0, again.output
    assert "未覆盖" in again.output and "--overwrite" in again.output and "已生成 0 份" in again.output
    assert path.read_bytes() == edited

    forced = report(ws, "--overwrite")
    assert forced.exit_code == 0 and "已生成 1 份" in forced.output
    assert path.read_bytes() != edited and texts(path)[2] == BANNER


def test_projects_option_drafts_one_report_per_project(drafted):
    folder = draft_path(drafted, "项目") / DEPT
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(f"{p.stem}_{YEAR}年度项目支出绩效自评报告.docx"
                           for p in (ROOT / "data" / "2022" / "项目" / DEPT).glob("*.toml"))
    forest = folder / f"示例：森林防火宣传_{YEAR}年度项目支出绩效自评报告.docx"
    assert_valid(forest)
    paragraphs = texts(forest)
    # self-report.md §2's example, from the project form's own computation (8.62 + 90)
    assert ("项目全年预算数250,000.00元，全年执行数215,457.60元，执行率86.18%，预算执行得分8.62分；"
            "自评总分98.62分，评价等级为“优”。") in paragraphs
    assert "预算执行：执行率86.18%，预算执行分值10分，得分8.62分，扣1.38分。" in paragraphs
    assert "项目共设绩效指标5个，全部得满分。" in paragraphs


def test_build_leaves_the_drafts_alone(tmp_path):
    ws = workspace(tmp_path)
    assert report(ws).exit_code == 0
    before = draft_path(ws).read_bytes()
    built = run_cli("build", "--year", YEAR, "--data", ws / "data", "--output", ws / "output",
                    "--templates", TEMPLATES, "--jobs", 1)
    assert built.exit_code == 0, built.output
    assert draft_path(ws).read_bytes() == before
    assert not any("自评报告" in str(p) for p in (ws / "output" / str(YEAR)).rglob("过期文件*/**/*"))


# ---------------------------------------------------------------- 2. figures from the form

def test_every_figure_is_the_forms_in_the_forms_format(drafted):
    paragraphs = texts(draft_path(drafted))
    assert paragraphs[0] == f"{DEPT}{YEAR}年度部门整体支出绩效自评报告"
    assert ("经自评，我局2022年度部门整体支出绩效自评总分94.49分，评价等级为“优”。其中，履职效能分值50分，"
            "得分48.49分；管理效率分值50分，得分46.00分。指标评分表共设三级指标25个，18个得满分，7个未得满分，"
            "合计扣5.51分。") in paragraphs
    assert ("2022年度部门总预算39,481.84万元，其中部门预算基本支出8,847.16万元、项目支出20,593.52万元；"
            "事业发展支出中专项资金226.00万元、其他事业发展支出10,001.16万元；按预算级次划分，市本级资金"
            "2,000.00万元、对下转移支付8,001.16万元。") in paragraphs
    assert "【待填写：年初预算数、全年预算数、全年执行数】自评表“部门预算资金支出率”指标分值10分，得分8.95分。" \
        in paragraphs
    goals = section(paragraphs, "（四）部门整体支出绩效目标", "二、部门预算及执行情况")
    assert goals == [f"{n}.{g['target']}" for n, g in enumerate(demo_data()["goals"], start=1)]


def test_each_indicator_below_full_marks_with_its_reasons_and_measures_verbatim(drafted):
    paragraphs = texts(draft_path(drafted))
    below = expected_below(demo_data())
    assert [name for name, *_ in below] == [
        "部门整体绩效目标产出指标完成情况", "部门预算资金支出率", "财务管理合规性", "预决算公开合规性",
        "采购合同签订时效性", "合同备案时效性", "资产管理合规性"]
    problems = section(paragraphs, "四、存在的问题和原因分析", "五、下一步拟改进措施及有关建议")
    measures = section(paragraphs, "五、下一步拟改进措施及有关建议", "六、自评结果应用")
    expected_problems, expected_measures = [], []
    for number, (name, weight, score, reasons, steps) in enumerate(below, start=1):
        expected_problems += [f"{number}.{name}（分值{weight_text(weight)}分，得分{score:.2f}分）。", *reasons]
        expected_measures += [f"{number}.{name}", *steps]
    assert problems == [*expected_problems, "【待填写：其他存在的问题和原因（没有时删除本段）】"]
    assert measures == [*expected_measures, "【待填写：其他改进措施及有关建议（没有时删除本段）】"]
    assert "2.部门预算资金支出率（分值10分，得分8.95分）。" in problems
    assert any(p.startswith("广州市应急管理局年度平均执行率为89.51%") for p in problems)


def test_table_1_has_one_row_per_level3_indicator_merged_like_the_form(drafted):
    _, tables = open_docx(draft_path(drafted))
    table = tables[0]
    assert [c.text for c in table[0]] == ["一级指标", "二级指标", "三级指标", "分值", "得分"]
    body = table[1:-1]
    assert len(body) == 25
    assert [c.text for c in body[11]][2:] == ["采购意向公开合规性", "2", "2.00"]  # 0.5 + 1.5, once
    assert [c.text for c in table[-1] if c.text] == ["合计", "100", "94.49"]
    assert [(t, n) for t, _, n in vertical_spans(table[1:-1], 0)] == [("履职效能", 3), ("管理效率", 22)]


def test_table_2_lists_the_departments_project_forms(drafted):
    from reportgen.formats import money, percent, points
    from reportgen.forms.registry import get_kind
    from reportgen.pipeline import load

    kind = get_kind("project")
    rows = [kind.summary(load(kind, p, YEAR)) for p in sorted((ROOT / "data" / "2022" / "项目" / DEPT).glob("*.toml"))]
    _, tables = open_docx(draft_path(drafted))
    table = tables[1]
    assert [c.text for c in table[0]] == ["项目名称", "全年预算数（万元）", "全年执行数（万元）", "执行率", "总分",
                                          "评价等级"]
    assert [[c.text for c in row] for row in table[1:-1]] == [
        [r.name, money(r.budget), money(r.spent), percent(r.execution_rate), points(r.total_score), r.grade]
        for r in rows]
    assert "示例：森林防火宣传" in [row[0].text for row in table] and "86.18%" in [row[3].text for row in table]


# ---------------------------------------------------------------- 3. placeholders and check --report

def test_placeholders_are_highlighted_and_counted_under_a_draft_banner(drafted):
    from reportgen.report_text import count_placeholders

    path = draft_path(drafted)
    document = Document(str(path))
    assert document.paragraphs[2].text == BANNER
    runs = [r for p in document.paragraphs for r in p.runs if "待填写" in r.text or "【草稿" in r.text]
    assert len(runs) == 14
    for run in runs:
        highlight = run._r.rPr.find(qn("w:highlight"))
        assert highlight is not None and highlight.get(qn("w:val")) == "yellow", run.text
    assert count_placeholders(path) == 13
    text = "\n".join(texts(path))
    assert "{{" not in text and "{%" not in text and "｛｛" not in text


def test_check_report_lists_what_is_left_under_its_heading(drafted, tmp_path):
    path = tmp_path / REPORT_NAME
    shutil.copy(draft_path(drafted), path)
    result = check_report(drafted, path)
    assert result.exit_code == 1
    assert "14 个错误（其中待填写 13 处）" in result.output
    assert f"{REPORT_NAME}「（一）部门职能」：尚未补写：【待填写：部门职能（主要职责）】" in result.output
    assert "「六、自评结果应用」：尚未补写：【待填写：自评结果应用情况】" in result.output
    assert "草稿说明尚未删除" in result.output


def finish(path: Path, *, total: str | None = None, grade: str | None = None) -> None:
    """The clerk's work: every placeholder written, the banner deleted; then, optionally,
    the 总分 or the grade changed in a paragraph Word has split into many runs."""
    document = Document(str(path))
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            if "待填写" in run.text:
                run.text = re.sub(r"【待填写：[^】]*】", "（已补写）", run.text)
    banner = document.paragraphs[2]
    banner._p.getparent().remove(banner._p)
    for paragraph in document.paragraphs:
        if paragraph.text.startswith("经自评") and (total or grade):
            text = paragraph.text.replace("94.49", total or "94.49").replace("“优”", f"“{grade or '优'}”")
            for run in paragraph.runs[1:]:
                run._r.getparent().remove(run._r)
            first = paragraph.runs[0]
            cut = text.index("总分") + 3
            first.text = text[:cut]
            for piece in (text[cut:cut + 2], text[cut + 2:]):  # 9|5.00… in three runs
                paragraph.add_run(piece)
    document.save(str(path))


def test_check_report_passes_a_finished_draft(drafted, tmp_path):
    path = tmp_path / REPORT_NAME
    shutil.copy(draft_path(drafted), path)
    finish(path)
    result = check_report(drafted, path)
    assert result.exit_code == 0, result.output
    assert "与自评表（广州市应急管理局.toml）一致" in result.output


def test_check_report_names_both_values_of_a_changed_total_split_over_runs(drafted, tmp_path):
    path = tmp_path / REPORT_NAME
    shutil.copy(draft_path(drafted), path)
    finish(path, total="95.00")
    paragraph = next(p for p in Document(str(path)).paragraphs if p.text.startswith("经自评"))
    assert len(paragraph.runs) == 3 and "95.00" not in "".join(r.text for r in paragraph.runs[:1])
    result = check_report(drafted, path)
    assert result.exit_code == 1
    assert "「总分」与自评表不一致：报告中为 95.00，自评表（广州市应急管理局.toml）为 94.49" in result.output
    graded = tmp_path / "graded" / REPORT_NAME
    graded.parent.mkdir()
    shutil.copy(draft_path(drafted), graded)
    finish(graded, grade="良")
    result = check_report(drafted, graded)
    assert result.exit_code == 1 and "评价等级与自评表不一致：报告中为“良”" in result.output


def test_check_report_finds_the_form_by_dept_and_refuses_other_files(drafted, tmp_path):
    renamed = tmp_path / "报告终稿.docx"
    shutil.copy(draft_path(drafted), renamed)
    assert "无法从文件名" in check_report(drafted, renamed).output
    result = check_report(drafted, renamed, "--dept", DEPT)
    assert result.exit_code == 1 and "尚未补写" in result.output
    old_word = tmp_path / REPORT_NAME.replace(".docx", ".doc")
    old_word.write_bytes(b"not a docx")
    refused = check_report(drafted, old_word)
    assert refused.exit_code == 1 and "不是 Word 文件" in refused.output


# ---------------------------------------------------------------- 4. layout

def _style(document, name):
    return next(s for s in document.styles if s.name == name)


def test_layout_is_an_official_documents(drafted):
    path = draft_path(drafted)
    document = Document(str(path))
    sect = document.sections[0]._sectPr
    size, margins = sect.find(qn("w:pgSz")), sect.find(qn("w:pgMar"))
    assert (size.get(qn("w:w")), size.get(qn("w:h")), size.get(qn("w:orient"))) == ("11906", "16838", None)
    assert [margins.get(qn(f"w:{side}")) for side in ("top", "bottom", "left", "right", "footer")] == \
        ["2098", "1984", "1587", "1474", "1247"]
    grid = sect.find(qn("w:docGrid"))
    assert grid.get(qn("w:linePitch")) == "579"
    fonts = {}
    for name in ("报告标题", "报告正文", "一级标题", "二级标题", "三级标题"):
        rpr = _style(document, name).element.find(qn("w:rPr"))
        fonts[name] = (rpr.find(qn("w:rFonts")).get(qn("w:eastAsia")), rpr.find(qn("w:sz")).get(qn("w:val")))
    assert fonts == {"报告标题": ("方正小标宋简体", "44"), "报告正文": ("仿宋_GB2312", "32"),
                     "一级标题": ("黑体", "32"), "二级标题": ("楷体_GB2312", "32"), "三级标题": ("仿宋_GB2312", "32")}
    body = _style(document, "报告正文").element.find(qn("w:pPr"))
    assert body.find(qn("w:ind")).get(qn("w:firstLineChars")) == "200"
    spacing = body.find(qn("w:spacing"))
    assert (spacing.get(qn("w:line")), spacing.get(qn("w:lineRule"))) == ("579", "exact")
    assert document.settings.element.find(qn("w:evenAndOddHeaders")) is not None
    odd, even = document.sections[0].footer.paragraphs[0], document.sections[0].even_page_footer.paragraphs[0]
    assert (odd.alignment, even.alignment) == (2, 0)  # right, left
    assert "".join(r.text for r in odd.runs) == "— 1 —\u3000" and "".join(r.text for r in even.runs) == "\u3000— 1 —"
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("word/document.xml").decode()
    assert 'w:instrText xml:space="preserve"> PAGE </w:instrText>' in archive_text(path, "word/footer1.xml") + \
        archive_text(path, "word/footer2.xml")
    for table in document.tables:
        rows = table._tbl.findall(qn("w:tr"))
        assert rows[0].trPr.find(qn("w:tblHeader")) is not None
        assert all(tr.trPr is not None and tr.trPr.find(qn("w:cantSplit")) is not None for tr in rows)
    assert xml.count("<w:tbl>") == 2


def archive_text(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read(name).decode() if name in archive.namelist() else ""


@needs_office
def test_through_libreoffice_a4_pages_of_22_lines_of_28_characters_numbered(drafted, tmp_path):
    from tests.conftest import to_pdf

    pdf = to_pdf(draft_path(drafted), tmp_path)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "595.3" in info and "841.8" in info and int(re.search(r"Pages:\s+(\d+)", info)[1]) >= 10
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    numbers = [re.sub(r"\s", "", page.strip().splitlines()[-1]) for page in pages if page.strip()]
    assert numbers[:3] == ["—1—", "—2—", "—3—"]
    most = 0
    widest = 0
    for page in pages:
        lines = [line for line in page.splitlines() if line.strip()][:-1]  # without the page number
        if any("｜" in line or "指标" in line and len(line.split()) > 3 for line in lines):
            continue
        most = max(most, len(lines))
        for line in lines:
            flat = re.sub(r"\s", "", line)
            if not re.search(r"[0-9A-Za-z%.,]", flat):
                widest = max(widest, len(flat))
    assert most == 22
    assert widest == 28


# ---------------------------------------------------------------- 5. templates

def test_templates_check_covers_the_report_templates_and_warns_of_plain_placeholders(tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    result = run_cli("templates", "check", "--templates", templates)
    assert result.exit_code == 0, result.output
    assert "模板正常：" in result.output and "department/自评报告.docx" in result.output
    assert "project/自评报告.docx" in result.output and "没有黄色底纹" not in result.output
    path = templates / "department" / "自评报告.docx"
    document = Document(str(path))
    run = next(r for p in document.paragraphs for r in p.runs if "部门职能（主要职责）" in r.text)
    run._r.rPr.remove(run._r.rPr.find(qn("w:highlight")))
    document.save(str(path))
    result = run_cli("templates", "check", "--templates", templates)
    assert result.exit_code == 0
    assert "中的待填写没有黄色底纹" in result.output and "部门职能（主要职责）" in result.output
    document = Document(str(path))
    document.paragraphs[4].runs[0].text = "{{ department.nmae }}"
    document.save(str(path))
    result = run_cli("templates", "check", "--templates", templates)
    assert result.exit_code == 1 and "nmae" in result.output


def test_a_years_own_report_template_is_used(tmp_path):
    ws = workspace(tmp_path, projects=False)
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    yearly = templates / "department" / str(YEAR) / "自评报告.docx"
    yearly.parent.mkdir()
    document = Document(str(templates / "department" / "自评报告.docx"))
    document.paragraphs[0].runs[0].text = "{{ department.name }}{{ year }}年度部门整体支出绩效自评报告（修订版）"
    document.save(str(yearly))
    result = run_cli("report", "--year", YEAR, "--data", ws / "data", "--output", ws / "output",
                     "--templates", templates)
    assert result.exit_code == 0, result.output
    assert texts(draft_path(ws))[0].endswith("（修订版）")


def test_the_guide_lists_the_report_variables():
    from reportgen.forms.registry import all_kinds
    from reportgen.tags.guide import report_guide_sections

    guide = (ROOT / "docs" / "模板编辑说明.md").read_text(encoding="utf-8")
    for kind in all_kinds():
        table = kind.report_variables
        assert table.guide_section(guide) == report_guide_sections(kind), (
            "docs/模板编辑说明.md is out of date: run python tools/update_template_guide.py")
    assert "| `below[].reasons` |" in guide and "| `counts.below` |" in guide


def test_the_report_variable_table_matches_the_context(tmp_path):
    """Every path of a full context is in the table and every path of the table is in it
    (the department: every optional input given; the project: the bundled example)."""
    from reportgen.forms.registry import get_kind
    from reportgen.pipeline import load
    from reportgen.tags.guide import report_context
    from reportgen.tags.variables import context_paths

    department, project = get_kind("department"), get_kind("project")
    source = filled_department(tmp_path)
    text = source.read_text(encoding="utf-8").replace("basic = [8000, 8847.16, 8800]",
                                                      "basic = [8000, 8847.16, 8800]\nproject = [1, 2, 3]")
    source.write_text(text, encoding="utf-8")
    folder = ROOT / "data" / "2022" / "项目" / DEPT
    projects = [project.summary(load(project, p, YEAR)) for p in folder.glob("*.toml")]
    contexts = {department: department.report_rendering(load(department, source, YEAR), {"project": projects}).context,
                project: report_context(project)}
    for kind, context in contexts.items():
        found = context_paths(context)
        paths = kind.report_variables.paths
        mappings = {p for p in paths if any(f.startswith(f"{p}.") for f in found)}
        lists_left_empty = {p for p in paths if "[]" in p and p.split("[]")[0] in found}
        assert found - paths == set(), kind.key
        assert paths - found - mappings - lists_left_empty == set(), kind.key


# ---------------------------------------------------------------- 6. inputs

FILLED = """
[execution]
total = [30000, 39481.84, 35339.39]
basic = [8000, 8847.16, 8800]

[report]
notice = "关于开展2022年度部门整体支出绩效自评工作的通知"
notice_number = "穗财绩〔2023〕1号"
tasks = ["统筹推进应急指挥中心建设。", "完成自然灾害综合风险普查。"]
application = "自评结果已用于2024年预算编制。"
other = "无。"
date = 2023-04-28
"""


def filled_department(folder: Path, extra: str = FILLED, department: str = "") -> Path:
    text = DEMO_TOML.read_text(encoding="utf-8").replace(
        "units = 4\n", "units = 4\n" + (department or 'functions = "负责全市应急管理工作。"\ninternal_units = 15\n'
                                         "staff_quota = 120\nstaff_serving = 110\nstaff_retired = 30\n"))
    path = folder / DEMO_TOML.name
    path.write_text(text + extra, encoding="utf-8")
    return path


def test_the_new_inputs_fill_the_draft(tmp_path):
    ws = workspace(tmp_path, projects=False)
    filled_department(ws / "data" / str(YEAR))
    result = report(ws)
    assert result.exit_code == 0, result.output
    assert "待填写 3 处" in result.output  # 其他问题, 其他措施, 项目支出 (no project forms here): nothing else
    paragraphs = texts(draft_path(ws))
    assert ("根据《关于开展2022年度部门整体支出绩效自评工作的通知》（穗财绩〔2023〕1号）要求，我局对2022年度部门整体"
            "支出绩效情况开展了自评，形成本报告。现将有关情况报告如下：") in paragraphs
    assert "负责全市应急管理工作。" in paragraphs
    assert "我局纳入部门整体支出绩效自评的单位共4个，内设机构15个；编制120名，年末在职人员110名，离退休人员30名。" \
        in paragraphs
    assert ("2022年度部门年初预算数30,000.00万元，全年预算数39,481.84万元（调整9,481.84万元），"
            "全年执行数35,339.39万元，执行率89.51%；其中基本支出全年预算数8,847.16万元、全年执行数8,800.00万元，执行率99.47%。"
            "自评表“部门预算资金支出率”指标分值10分，得分8.95分。") in paragraphs
    assert section(paragraphs, "（三）年度总体工作和重点工作任务", "（四）部门整体支出绩效目标") == [
        "统筹推进应急指挥中心建设。", "完成自然灾害综合风险普查。"]
    assert paragraphs[-1] == "2023年4月28日" and paragraphs[-2] == DEPT


def test_the_new_inputs_go_through_the_workbook(tmp_path):
    ws = workspace(tmp_path / "toml", projects=False)
    source = filled_department(ws / "data" / str(YEAR))
    other = workspace(tmp_path / "xlsx", projects=False)
    (other / "data" / str(YEAR) / DEMO_TOML.name).unlink()
    converted = run_cli("convert", source, "--to", "xlsx", "-o", other / "data" / str(YEAR) / f"{DEPT}.xlsx")
    assert converted.exit_code == 0 and "不完全一致" not in converted.output, converted.output
    assert report(ws).exit_code == 0
    assert report(other).exit_code == 0
    assert texts(draft_path(ws)) == texts(draft_path(other))
    import openpyxl

    workbook = openpyxl.load_workbook(other / "data" / str(YEAR) / f"{DEPT}.xlsx")
    basic = dict(workbook["基本情况"].iter_rows(min_row=2, values_only=True))
    assert basic["内设机构数"] == 15
    assert basic["年度重点工作"] == "统筹推进应急指挥中心建设。\n完成自然灾害综合风险普查。"
    rows = list(workbook["预算执行"].iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in rows] == ["合计", "基本支出", "项目支出"]
    assert [float(v) for v in rows[0][1:]] == [30000, 39481.84, 35339.39] and rows[2][1:] == (None, None, None)
    basic_row = next(r for r in workbook["基本情况"].iter_rows(min_row=2) if r[0].value == "内设机构数")
    basic_row[1].value = "十五个"
    workbook.save(other / "data" / str(YEAR) / f"{DEPT}.xlsx")
    result = report(other, "--overwrite")
    assert result.exit_code == 1
    assert f"基本情况!B{basic_row[1].row}" in result.output and "「内设机构数」应为不小于 0 的整数" in result.output


@pytest.mark.parametrize("department, extra, where, message", [
    ("internal_units = -1\n", "", "键 department.internal_units", "「内设机构数」应为不小于 0 的整数"),
    ("staff_quota = 1.5\n", "", "键 department.staff_quota", "「编制数」应为不小于 0 的整数"),
    ("", "\n[execution]\ntotal = [0, 0, 100]\n", "键 execution.total", "全年预算数为 0，全年执行数却是 100.00"),
    ("", "\n[execution]\nbasic = [1, 2, 3]\n", "键 execution.total", "缺少预算执行情况的「合计」"),
    ("", "\n[report]\ndate = \"四月\"\n", "键 report.date", "「成文日期」应为日期"),
])
def test_bad_new_inputs_are_located_and_the_department_gets_no_report(tmp_path, department, extra, where, message):
    ws = workspace(tmp_path, projects=False)
    filled_department(ws / "data" / str(YEAR), extra=extra, department=department or "functions = \"x\"\n")
    result = report(ws)
    assert result.exit_code == 1, result.output
    assert where in result.output and message in result.output
    assert "未生成" in result.output and not draft_path(ws).exists()
    checked = run_cli("check", "--year", YEAR, "--data", ws / "data")
    assert checked.exit_code == 1 and message in checked.output


def test_execution_warnings_compare_with_the_form(tmp_path):
    ws = workspace(tmp_path, projects=False)
    text = filled_department(ws / "data" / str(YEAR), extra="\n[execution]\ntotal = [1, 40000, 35000]\n")
    ruled = 'name = "部门预算资金支出率"\nrule = "execution_rate"\nexecution_rate = 89.51\n'
    text.write_text(text.read_text(encoding="utf-8").replace('name = "部门预算资金支出率"\n', ruled), encoding="utf-8")
    result = run_cli("check", "--year", YEAR, "--data", ws / "data")
    assert result.exit_code == 0, result.output
    assert "全年预算数 40,000.00 万元与总预算 39,481.84 万元不同" in result.output
    assert "填写的执行率 89.51% 与预算执行情况算出的 87.50%" in result.output
    assert report(ws).exit_code == 0
    assert any("得分8.95分（执行率89.51%）。" in p for p in texts(draft_path(ws)))


# ---------------------------------------------------------------- 7. --dept, --jobs, Ctrl-C

def many_departments(tmp_path: Path, count: int) -> Path:
    ws = workspace(tmp_path)
    folder = ws / "data" / str(YEAR)
    data = demo_data()
    for number in range(1, count):
        data["department"]["name"] = f"示例第{number}局"
        write_department(folder, data, f"示例第{number}局")
    return ws


def test_dept_selects_and_jobs_give_the_same_drafts(tmp_path):
    ws = many_departments(tmp_path / "a", 6)
    chosen = report(ws, "--dept", "示例第3局")
    assert chosen.exit_code == 0, chosen.output
    assert [p.name for p in draft_path(ws).parent.iterdir()] == [f"示例第3局_{YEAR}年度部门整体支出绩效自评报告.docx"]
    one = report(ws, "--overwrite")
    assert one.exit_code == 0 and "已生成 6 份" in one.output
    other = many_departments(tmp_path / "b", 6)
    two = run_cli("report", "--year", YEAR, "--data", other / "data", "--output", other / "output",
                  "--templates", TEMPLATES, "--jobs", 2, "--projects")
    assert two.exit_code == 0 and "已生成 9 份" in two.output, two.output
    for path in draft_path(ws).parent.glob("*.docx"):
        assert (draft_path(other).parent / path.name).read_bytes() == path.read_bytes()
    # 表2 is the department's own projects only
    _, tables = open_docx(draft_path(other).parent / f"示例第3局_{YEAR}年度部门整体支出绩效自评报告.docx")
    assert len(tables) == 1


def test_ctrl_c_keeps_the_drafts_written_whole(tmp_path):
    from reportgen.drafts import draft_year

    ws = many_departments(tmp_path, 5)
    seen = []

    def stop(result):
        seen.append(result)
        if len(seen) == 2:
            raise KeyboardInterrupt

    run = draft_year(ws / "data", YEAR, templates_dir=TEMPLATES, out_dir=ws / "output", jobs=1, on_done=stop)
    assert run.interrupted and len(run.results) == 2 and len(run.chosen) == 5
    written = sorted(draft_path(ws).parent.iterdir())
    assert [p.name for p in written] == sorted(Path(r.summary.path).name for r in run.results)
    for path in written:
        assert_valid(path)


def test_draft_department_is_the_sites_entry_point(tmp_path):
    from reportgen.drafts import draft_department

    ws = workspace(tmp_path)
    result = draft_department(ws / "data" / str(YEAR) / DEMO_TOML.name, tmp_path / "site", templates_dir=TEMPLATES)
    assert result.ok and result.outputs == [tmp_path / "site" / REPORT_NAME]
    _, tables = open_docx(result.outputs[0])
    assert len(tables) == 2 and len(tables[1]) == 5  # 3 projects between the header and the 合计
    assert result.summary.placeholders == 13


# ---------------------------------------------------------------- 8. a department made up here

def test_a_department_made_here_lists_exactly_its_own_indicators_below_full_marks(tmp_path):
    ws = workspace(tmp_path, projects=False)
    folder = ws / "data" / str(YEAR)
    (folder / DEMO_TOML.name).unlink()
    data = demo_data()
    data["department"]["name"] = "广州市示例委员会"
    data["indicators"] = [
        {"level1": "产出", "level2": "数量", "name": "培训场次", "weight": 30, "explanation": "场次",
         "score": 27.5, "reason": "受场地影响少办两场。", "measure": "提前预订场地。"},
        {"level1": "产出", "level2": "数量", "name": "宣传覆盖", "weight": 20, "explanation": "覆盖", "score": 20},
        {"level1": "产出", "level2": "质量", "name": "验收合格率", "weight": 10, "explanation": "合格率",
         "score": 6},  # no reason, no measure
        {"level1": "效益", "level2": "社会", "name": "群众满意度", "weight": 15, "explanation": "满意度",
         "score": 10, "reason": "调查样本偏少。"},
        {"level1": "效益", "level2": "社会", "name": "群众满意度", "weight": 5, "explanation": "",
         "score": 5, "reason": "调查样本偏少。", "measure": "扩大样本。"},
        {"level1": "效益", "level2": "经济", "name": "成本节约", "weight": 20, "explanation": "节约", "score": 20},
    ]
    write_department(folder, data, "广州市示例委员会")
    result = report(ws)
    assert result.exit_code == 0, result.output
    path = draft_path(ws, f"广州市示例委员会_{YEAR}年度部门整体支出绩效自评报告.docx")
    assert_valid(path)
    paragraphs = texts(path)
    problems = section(paragraphs, "四、存在的问题和原因分析", "五、下一步拟改进措施及有关建议")
    assert problems == [
        "1.培训场次（分值30分，得分27.50分）。", "受场地影响少办两场。",
        "2.验收合格率（分值10分，得分6.00分）。", "【待填写：“验收合格率”未得满分的原因】",
        "3.群众满意度（分值20分，得分15.00分）。", "调查样本偏少。",
        "【待填写：其他存在的问题和原因（没有时删除本段）】"]
    measures = section(paragraphs, "五、下一步拟改进措施及有关建议", "六、自评结果应用")
    assert measures == ["1.培训场次", "提前预订场地。", "2.验收合格率", "【待填写：“验收合格率”的改进措施】",
                        "3.群众满意度", "扩大样本。", "【待填写：其他改进措施及有关建议（没有时删除本段）】"]
    assert any("我委2022年度部门整体支出绩效自评总分88.50分，评价等级为“良”。其中，产出分值60分，得分53.50分；"
               "效益分值40分，得分35.00分。指标评分表共设三级指标5个，2个得满分，3个未得满分，合计扣11.50分。" in p
               for p in paragraphs)
    text = "\n".join(paragraphs)
    for name, *_ in expected_below(demo_data()):
        assert name not in text
    _, tables = open_docx(path)
    assert len(tables) == 1 and len(tables[0]) == 7  # header, 5 indicators, 合计


def test_new_knows_the_report_inputs(tmp_path):
    """A blank file lists them (blank: the draft shows placeholders); new --from copies 部门职能."""
    source = filled_department(tmp_path)
    result = run_cli("new", "-y", 2023, "--dept", DEPT, "--from", source, "--data", tmp_path / "data")
    assert result.exit_code == 0, result.output
    data = tomllib.loads((tmp_path / "data" / "2023" / f"{DEPT}.toml").read_text(encoding="utf-8"))
    assert data["department"]["functions"] == "负责全市应急管理工作。"
    assert data["department"]["internal_units"] == "" and data["report"]["notice"] == ""
    assert "execution" not in data  # three blanks would read as figures not filled in: the clerk adds it


def test_check_report_of_a_project(drafted, tmp_path):
    name = f"示例：森林防火宣传_{YEAR}年度项目支出绩效自评报告.docx"
    path = tmp_path / name
    shutil.copy(draft_path(drafted, "项目") / DEPT / name, path)
    document = Document(str(path))
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            run.text = re.sub(r"【待填写：[^】]*】", "（已补写）", run.text)
    document.paragraphs[2]._p.getparent().remove(document.paragraphs[2]._p)
    document.save(str(path))
    result = check_report(drafted, path)
    assert result.exit_code == 0, result.output
    document = Document(str(path))  # the 执行率 retyped wherever it is said (a sentence keeping it passes)
    cells = [p for t in document.tables for row in t.rows for c in row.cells for p in c.paragraphs]
    for paragraph in [*document.paragraphs, *cells]:
        for run in paragraph.runs:
            run.text = run.text.replace("86.18%", "88.18%")
    document.save(str(path))
    renamed = tmp_path / "终稿.docx"
    path.rename(renamed)
    result = check_report(drafted, renamed, "--project", "示例：森林防火宣传")
    assert result.exit_code == 1
    assert "「执行率」与自评表不一致：报告中为 88.18，自评表（示例：森林防火宣传.toml）为 86.18%" in result.output


def test_ctrl_c_in_the_command_says_what_was_written(tmp_path, monkeypatch):
    import reportgen.drafts as drafts

    ws = many_departments(tmp_path, 4)
    original, calls = drafts.draft_file, []

    def interrupted(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return original(*args, **kwargs)

    monkeypatch.setattr(drafts, "draft_file", interrupted)
    result = report(ws)
    assert result.exit_code == 130, result.output
    assert "已生成 2 份" in result.output and "已中断：还有 2 份未生成；已生成的草稿都是完整的" in result.output
    written = list(draft_path(ws).parent.iterdir())
    assert len(written) == 2 and not any(p.name.startswith(".") for p in written)


@pytest.mark.parametrize("name, given, expected", [
    ("广州市应急管理局", "", "我局"), ("广州市发展和改革委员会", "", "我委"), ("广州市人民政府办公室", "", "我办"),
    ("广州市卫生健康委", "", "我委"), ("广州市应急指挥中心", "", "我中心"), ("广东省财政厅", "", "我厅"),
    ("广州市示例学校", "", "我单位"), ("广州市应急管理局", "本局", "本局"),
])
def test_self_name(name, given, expected):
    from reportgen.forms.department.report import self_name

    assert self_name(name, given) == expected


def test_a_projects_report_inputs_through_toml_and_the_workbook(tmp_path):
    ws = workspace(tmp_path)
    source = ws / "data" / str(YEAR) / "项目" / DEPT / "示例：森林防火宣传.toml"
    source.write_text(source.read_text(encoding="utf-8") + '\n[report]\nbackground = "项目依据《森林防火条例》设立。"\n'
                      'measures = """\n加快支付进度。\n按月通报执行率。"""\n', encoding="utf-8")
    workbook = tmp_path / "森林防火宣传.xlsx"
    converted = run_cli("convert", source, "--to", "xlsx", "-o", workbook)
    assert converted.exit_code == 0 and "不完全一致" not in converted.output, converted.output
    source.unlink()
    shutil.copy(workbook, source.with_suffix(".xlsx"))
    result = report(ws, "--projects")
    assert result.exit_code == 0, result.output
    assert "示例：森林防火宣传_2022年度项目支出绩效自评报告.docx（待填写 4 处）" in result.output
    paragraphs = texts(draft_path(ws, "项目") / DEPT / f"示例：森林防火宣传_{YEAR}年度项目支出绩效自评报告.docx")
    measures = section(paragraphs, "（四）下一步拟改进措施及有关建议", "二、佐证材料")
    assert measures == ["加快支付进度。", "按月通报执行率。"]
    assert "项目依据《森林防火条例》设立。" in paragraphs


def test_a_project_form_with_errors_is_named_not_silently_left_out_of_table_2(tmp_path):
    ws = workspace(tmp_path)
    broken = ws / "data" / str(YEAR) / "项目" / DEPT / "示例：森林防火宣传.toml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("score = 15", "score = 150", 1), encoding="utf-8")
    result = report(ws)
    assert result.exit_code == 0, result.output
    assert "注意：示例：森林防火宣传.toml 的数据有错误，没有列入报告的表格" in result.output
    _, tables = open_docx(draft_path(ws))
    assert [row[0].text for row in tables[1][1:-1]] == ["示例：安全生产执法装备购置", "示例：应急指挥中心运行维护"]


def test_check_report_warns_of_a_missing_indicator_and_a_missing_figure(drafted, tmp_path):
    path = tmp_path / REPORT_NAME
    shutil.copy(draft_path(drafted), path)
    finish(path)
    document = Document(str(path))
    for paragraph in list(document.paragraphs):
        if "合同备案时效性" in paragraph.text or paragraph.text.startswith("2022年度部门总预算"):
            paragraph._p.getparent().remove(paragraph._p)
    for table in document.tables:  # 表1 names every indicator: the clerk deleted the table too
        if "合同备案时效性" in "".join(c.text for row in table.rows for c in row.cells):
            table._tbl.getparent().remove(table._tbl)
    document.save(str(path))
    result = check_report(drafted, path)
    assert result.exit_code == 0, result.output  # warnings only: the 7 budget figures, the indicator
    assert "0 个错误，8 个警告" in result.output
    assert "未得满分的指标「合同备案时效性」在报告中没有提到" in result.output
    assert "报告中找不到「其他事业发展支出」（自评表为 10,001.16）" in result.output


@needs_office
def test_check_report_reads_a_draft_resaved_by_an_office_program(drafted, tmp_path):
    """An office program rewrites the runs when the clerk saves; LibreOffice's .docx export
    stands in for Word/WPS. The placeholders and the figures are still found."""
    source = tmp_path / "in" / REPORT_NAME
    source.parent.mkdir()
    shutil.copy(draft_path(drafted), source)
    finish(source, total="95.00")
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(tmp_path / "out"), str(source)],
                   check=True, capture_output=True, timeout=300)
    resaved = tmp_path / "out" / REPORT_NAME
    result = check_report(drafted, resaved)
    assert result.exit_code == 1
    assert "「总分」与自评表不一致：报告中为 95.00，自评表（广州市应急管理局.toml）为 94.49" in result.output
    assert "尚未补写" not in result.output and "草稿说明" not in result.output
    fresh = tmp_path / "fresh" / REPORT_NAME
    fresh.parent.mkdir()
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(fresh.parent), str(draft_path(drafted))],
                   check=True, capture_output=True, timeout=300)
    assert "14 个错误（其中待填写 13 处）" in check_report(drafted, fresh).output
