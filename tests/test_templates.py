"""Templates in the admins' hands: edits in Word show in the output, broken tags are
named (by `templates check` and by `build`), per-year templates, the variable table."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import pytest
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from tests.conftest import (
    DEMO_TOML,
    DEPARTMENT,
    SAMPLE_TOML,
    TEMPLATES,
    build_with,
    copy_templates,
    load_demo,
    make_year,
    needs_office,
    run_reportgen,
)
from tests.docx_helpers import all_text

NEW_TITLE = "部门整体支出绩效自评报告表"
DOCX = "department/自评表.docx"


def set_font(run, name: str) -> None:
    """Set a run's font for Latin and East Asian text, as Word's font box does."""
    run.font.name = name
    run._r.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def east_asian_font(run) -> str | None:
    fonts = run._r.rPr.find(qn("w:rFonts")) if run._r.rPr is not None else None
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


def tag_paragraph(document, tag: str):
    """The paragraph (in a table cell or the body) whose text is exactly the tag."""
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    if paragraph.text.strip() == tag:
                        return paragraph
    return next(p for p in document.paragraphs if p.text.strip() == tag)


def retitle(document, title: str = NEW_TITLE, font: str | None = None) -> None:
    paragraph = document.paragraphs[0]
    assert paragraph.text == "部门整体支出绩效自评表"
    paragraph.runs[0].text = title
    if font:
        set_font(paragraph.runs[0], font)
        paragraph.runs[0].font.size = Pt(20)


def split_over_runs(paragraph, pieces: list[str]) -> None:
    """Rewrite a one-run paragraph as several runs with different formatting, with the
    proofing marks Word puts between them: what Word saves after an admin retypes part
    of a tag or formats part of it."""
    first = paragraph.runs[0]
    assert first.text == "".join(pieces)
    runs = [first]
    first.text = pieces[0]
    for piece in pieces[1:]:
        new = copy.deepcopy(first._r)
        runs[-1]._r.addnext(new)
        run = paragraph.runs[len(runs)]
        run.text = piece
        runs.append(run)
    runs[0].bold = True
    set_font(runs[1], "楷体")
    runs[1].font.size = Pt(12)
    runs[2].italic = True
    for marker, before in (("spellStart", runs[1]), ("spellEnd", runs[2])):
        proof = OxmlElement("w:proofErr")
        proof.set(qn("w:type"), marker)
        before._r.addprevious(proof)


def edit_template(templates_dir: Path, edit, name: str = DOCX) -> Path:
    path = templates_dir / name
    document = Document(str(path))
    edit(document)
    document.save(str(path))
    return path


def replace_tag(document, old: str, new: str) -> None:
    paragraph = tag_paragraph(document, old)
    paragraph.runs[0].text = new
    for run in paragraph.runs[1:]:
        run.text = ""


def built_docx(results) -> Path:
    assert [r.ok for r in results] == [True], [str(f) for r in results for f in r.findings]
    return next(p for p in results[0].outputs if p.suffix == ".docx")


def errors_of(results) -> list[str]:
    return [str(f) for r in results for f in r.findings if f.level == "error"]


# ---------------------------------------------------------------- the variable table


def test_variable_table_matches_the_real_context():
    from reportgen.forms.department.context import build_context
    from reportgen.forms.department.variables import TABLE
    from reportgen.tags.variables import context_paths

    PATHS = TABLE.paths
    for source in (DEMO_TOML, SAMPLE_TOML):
        context = build_context(load_demo(source).evaluation)
        found = context_paths(context)
        assert found - PATHS == set(), "variables missing from reportgen/variables.py"
        assert PATHS - found == set(), "variables in the table that the context does not have"


def test_guide_shows_the_generated_variable_table():
    from reportgen.tags.guide import guide_sections
    from reportgen.tags.variables import GUIDE_NAME

    guide = (TEMPLATES.parent / GUIDE_NAME).read_text(encoding="utf-8")
    table = DEPARTMENT().variables
    assert table.guide_section(guide) == guide_sections(DEPARTMENT()), (
        "docs/模板编辑说明.md is out of date: run python tools/update_template_guide.py")
    assert "| `department.name` | 部门名称 | `{{ department.name }}` | 广州市应急管理局 |" in guide
    assert "`{{ budget.total\\|money }}` | 39,481.84" in guide


def test_every_tag_of_the_shipped_templates_is_in_the_table():
    from reportgen.tags.check import check_template
    from reportgen.template_files import template_files

    files = template_files(TEMPLATES)
    assert (DEPARTMENT(), TEMPLATES / DOCX) in files
    for kind, path in files:
        assert check_template(path, kind.variables_for(path).known) == [], path


# ---------------------------------------------------------------- edits in Word


def test_retitled_template_shows_the_new_title(tmp_path):
    templates = copy_templates(tmp_path / "templates")
    edit_template(templates, retitle)
    output = built_docx(build_with(make_year(tmp_path / "ws", DEMO_TOML), templates))
    assert Document(str(output)).paragraphs[0].text == NEW_TITLE
    assert "广州市应急管理局" in all_text(output)


def test_tag_split_over_runs_with_other_formatting_survives(tmp_path):
    """Word splits a tag into runs when an admin restyles part of it; the tag still
    works, the value takes the first run's formatting, and the other edits show."""

    def edit(document):
        retitle(document, font="楷体")
        split_over_runs(tag_paragraph(document, "{{ department.name }}"),
                        ["{{ depart", "ment.na", "me }}"])
        document.add_paragraph("单位负责人：____ 填表人：____")

    templates = copy_templates(tmp_path / "templates")
    edit_template(templates, edit)
    # The tag really is split in the saved template.
    template = Document(str(templates / DOCX))
    name_cell = template.tables[0].cell(1, 1).paragraphs[0]
    assert [r.text for r in name_cell.runs] == ["{{ depart", "ment.na", "me }}"]

    check = run_reportgen("templates", "check", "--templates", templates, cwd=tmp_path)
    assert check.returncode == 0, check.stderr
    assert "模板正常：templates/department/自评表.docx" in check.stdout

    output = built_docx(build_with(make_year(tmp_path / "ws", DEMO_TOML), templates))
    document = Document(str(output))
    title = document.paragraphs[0]
    assert title.text == NEW_TITLE
    assert east_asian_font(title.runs[0]) == "楷体" and title.runs[0].font.size == Pt(20)
    cell = document.tables[0].cell(1, 1).paragraphs[0]
    assert cell.text == "广州市应急管理局"
    name_run = next(r for r in cell.runs if "广州市应急管理局" in r.text)
    assert name_run.bold is True
    assert document.paragraphs[-1].text == "单位负责人：____ 填表人：____"
    assert "{{" not in all_text(output) and "}}" not in all_text(output)


@needs_office
def test_template_resaved_by_an_office_program_still_works(tmp_path):
    """An office program rewrites the whole file (runs, rsids, styles) when an admin
    saves; LibreOffice's .docx export stands in for Word here."""
    import subprocess

    templates = tmp_path / "templates"
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(templates / "department"),
                    str(TEMPLATES / DOCX)],
                   check=True, capture_output=True, timeout=300)
    check = run_reportgen("templates", "check", "--templates", templates, cwd=tmp_path)
    # The tags pass. The Open XML check finds one defect of LibreOffice's own export (issue
    # 11): in the runs of a field it writes <w:sz/> before <w:rFonts/> (schema: rFonts
    # first). Word writes them in order; the check names them, so an admin re-saves in Word.
    findings = [line for line in check.stderr.splitlines() if line.strip().startswith("[错误]")]
    assert all("/word/footer1.xml" in f and "元素 rFonts" in f for f in findings), check.stderr
    output = built_docx(build_with(make_year(tmp_path / "ws", DEMO_TOML), templates))
    document = Document(str(output))
    assert [p.text for p in document.paragraphs[:2]] == ["部门整体支出绩效自评表", "（2022年度）"]
    assert document.tables[0].cell(1, 1).text == "广州市应急管理局"
    assert "履职效能" in all_text(output) and "{{" not in all_text(output)


# ---------------------------------------------------------------- broken tags


def test_unknown_tag_fails_check_and_build_naming_it(tmp_path):
    workspace = make_year(tmp_path, DEMO_TOML)
    templates = copy_templates(workspace / "templates")
    edit_template(templates, lambda d: replace_tag(d, "{{ unmet_reason }}", "{{ no_such_field }}"))

    check = run_reportgen("templates", "check", cwd=workspace)
    assert check.returncode == 1
    assert ("templates/department/自评表.docx 表格1 第6行第3列：标签中的「no_such_field」不是可用的变量"
            in check.stderr), check.stderr
    assert "Traceback" not in check.stdout + check.stderr

    build = run_reportgen("build", "--year", "2022", "--format", "docx", cwd=workspace)
    assert build.returncode == 1
    assert "no_such_field" in build.stderr and "templates/department/自评表.docx" in build.stderr
    assert "未生成：广州市应急管理局.toml" in build.stderr
    assert "Traceback" not in build.stdout + build.stderr
    assert not list((workspace / "output").rglob("*.docx"))


@pytest.mark.parametrize(("old", "new", "where", "says"), [
    ("{{ department.name }}", "{{ department.nme }}", "表格1 第2行第2列", "是不是「department.name」"),
    ("{{ row.score|score }}", "{{ row.scroe|score }}", "表格2 第3行第8列", "是不是「row.score」"),
    ("{{ budget.total|money }}", "{{ budget.total|mony }}", "表格1 第10行第2列", "没有名为「mony」的过滤器"),
    ("{{ department.units }}", "{{ department.units }", "表格1 第2行第4列", "「{{」没有对应的「}}」"),
    ("{%tr endfor %}", "{%tr endfr %}", "表格2 第4行", "不认识或位置不对的标签「{% endfr %}」"),
    ("（{{ year }}年度）", "（{{ yaer }}年度）", "第2段", "是不是「year」"),
])
def test_broken_tags_are_located(tmp_path, old, new, where, says):
    templates = copy_templates(tmp_path / "templates")
    path = edit_template(templates, lambda d: replace_tag(d, old, new))
    from reportgen.tags.check import check_template

    findings = check_template(path, DEPARTMENT().variables.known)
    assert [f.location.split(" ", 1)[1] for f in findings] == [where]
    assert says in findings[0].message
    # The build of that department fails with the same finding, and writes nothing.
    results = build_with(make_year(tmp_path / "ws", DEMO_TOML), templates)
    assert not results[0].ok and not results[0].outputs
    assert any(where in e and says in e for e in errors_of(results)), errors_of(results)


def test_broken_excel_template_is_located(tmp_path):
    from openpyxl import load_workbook

    from reportgen.tags.check import check_template

    templates = copy_templates(tmp_path / "templates")
    path = templates / "department" / "自评表.xlsx"
    if not path.is_file():
        pytest.skip("no Excel template yet")
    workbook = load_workbook(path)
    sheet = workbook.worksheets[0]
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == "{{ department.name }}")
    cell.value = "{{ department.nme }}"
    workbook.save(path)
    findings = check_template(path, DEPARTMENT().variables.known)
    assert [f.location for f in findings] == [f"{path} {sheet.title}!{cell.coordinate}"]
    assert "是不是「department.name」" in findings[0].message
    results = build_with(make_year(tmp_path / "ws", DEMO_TOML), templates, formats=("xlsx",))
    assert not results[0].ok
    assert any(f"{sheet.title}!{cell.coordinate}" in e and "department.nme" in e for e in errors_of(results))


def test_check_covers_year_folders(tmp_path):
    templates = copy_templates(tmp_path / "templates")
    (templates / "department" / "2023").mkdir()
    shutil.copy(templates / DOCX, templates / "department" / "2023" / "自评表.docx")
    edit_template(templates / "department" / "2023",
                  lambda d: replace_tag(d, "{{ unmet_reason }}", "{{ reason }}"), name="自评表.docx")
    every_year = run_reportgen("templates", "check", cwd=tmp_path)
    assert every_year.returncode == 1 and "templates/department/2023/自评表.docx 表格1 第6行第3列" in every_year.stderr
    only_2022 = run_reportgen("templates", "check", "--year", "2022", cwd=tmp_path)
    assert only_2022.returncode == 0, only_2022.stderr
    assert "2023" not in only_2022.stdout + only_2022.stderr


def test_missing_template_is_a_finding(tmp_path):
    results = build_with(make_year(tmp_path, DEMO_TOML), tmp_path / "no-templates")
    assert not results[0].ok
    assert any("找不到模板文件 自评表.docx" in e for e in errors_of(results))


# ---------------------------------------------------------------- per-year templates


def test_year_folder_overrides_the_default_template(tmp_path):
    templates = copy_templates(tmp_path / "templates")
    (templates / "department" / "2022").mkdir()
    shutil.copy(templates / DOCX, templates / "department" / "2022" / "自评表.docx")
    edit_template(templates / "department" / "2022", retitle, name="自评表.docx")

    workspace = make_year(tmp_path / "ws", DEMO_TOML)
    source_2023 = workspace / "data" / "2023" / DEMO_TOML.name
    source_2023.parent.mkdir(parents=True)
    source_2023.write_text(DEMO_TOML.read_text(encoding="utf-8").replace("year = 2022", "year = 2023", 1),
                           encoding="utf-8")

    output_2022 = built_docx(build_with(workspace, templates, 2022))
    output_2023 = built_docx(build_with(workspace, templates, 2023))
    assert output_2022.parent.name == "2022" and output_2023.parent.name == "2023"
    assert [p.text for p in Document(str(output_2022)).paragraphs[:2]] == [NEW_TITLE, "（2022年度）"]
    assert [p.text for p in Document(str(output_2023)).paragraphs[:2]] == ["部门整体支出绩效自评表", "（2023年度）"]


def test_a_template_error_while_rendering_is_a_finding(tmp_path, monkeypatch):
    """Should a tag get past the check, the error that rendering raises still becomes a
    finding naming the tag and the template, not a traceback."""
    import reportgen.tags.check as template_check

    templates = copy_templates(tmp_path / "templates")
    edit_template(templates, lambda d: replace_tag(d, "{{ unmet_reason }}", "{{ department.fax }}"))
    monkeypatch.setattr(template_check, "preflight", lambda template, known: [])
    results = build_with(make_year(tmp_path / "ws", DEMO_TOML), templates)
    assert not results[0].ok and not results[0].outputs
    errors = errors_of(results)
    assert any("表格1 第6行第3列" in e and "department.fax" in e and "自评表.docx" in e for e in errors), errors


# ---------------------------------------------------------------- Excel: header/footer and other sheets


def edit_excel_template(templates: Path, edit) -> Path:
    from openpyxl import load_workbook

    path = templates / "department" / "自评表.xlsx"
    workbook = load_workbook(path)
    edit(workbook)
    workbook.save(path)
    return path


def test_excel_header_footer_and_other_sheets_are_rendered(tmp_path):
    """Tags in the page footer/header and on a second sheet are checked and filled in, as
    the guide says; an & in a value is escaped for the header/footer codes (&P page…)."""
    import zipfile

    from openpyxl import load_workbook

    def edit(workbook):
        form = workbook.worksheets[0]
        form.oddFooter.center.text = "{{ department.name }} 第&P页"
        form.firstHeader.right.text = "{{ year }}年度"
        sign = workbook.create_sheet("签字页")
        sign["A1"] = "{{ department.name }}"
        sign["A2"] = "总分：{{ total_score|score }}（{{ grade }}）"
        sign["B2"] = "{{ total_score }}"
        sign["A3"] = "=1+2"
        sign.oddHeader.center.text = "{{ department.name }}"

    templates = copy_templates(tmp_path / "templates")
    edit_excel_template(templates, edit)
    check = run_reportgen("templates", "check", cwd=tmp_path)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "模板正常：templates/department/自评表.xlsx" in check.stdout

    workspace = tmp_path / "ws"
    (workspace / "data" / "2022").mkdir(parents=True)
    (workspace / "data" / "2022" / DEMO_TOML.name).write_text(DEMO_TOML.read_text(encoding="utf-8").replace(
        'name = "广州市应急管理局"', 'name = "广州市应急&管理局"', 1), encoding="utf-8")
    build = run_reportgen("build", "--year", "2022", "-f", "xlsx", "--templates", templates, cwd=workspace)
    assert build.returncode == 0, build.stdout + build.stderr
    [output] = (workspace / "output" / "2022").glob("广州市应急*管理局_*.xlsx")
    workbook = load_workbook(output)
    form, sign = workbook.worksheets
    assert form.oddFooter.center.text == "广州市应急&&管理局 第&P页"  # prints 广州市应急&管理局 第1页
    assert form.firstHeader.right.text == "2022年度"
    assert sign.title == "签字页" and sign.oddHeader.center.text == "广州市应急&&管理局"
    assert sign["A1"].value == "广州市应急&管理局"  # a cell is not a header: no escaping
    assert sign["A2"].value == "总分：94.49（优）"
    assert sign["B2"].value == 94.49 and sign["B2"].data_type == "n"
    assert sign["A3"].value == "=1+2"  # formulas are kept
    sheet_xml = zipfile.ZipFile(output).read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "广州市应急&amp;&amp;管理局 第&amp;P页</oddFooter>" in sheet_xml
    assert "{{" not in sheet_xml


def test_broken_tags_in_excel_footer_and_other_sheets_are_located(tmp_path):
    def edit(workbook):
        workbook.worksheets[0].oddFooter.center.text = "{{ department.nme }}"
        sign = workbook.create_sheet("签字页")
        sign["A1"] = "{%tr for row in rows %}"
        sign["A3"] = "{%tr endfor %}"
        sign.evenHeader.left.text = "{{ year "

    templates = copy_templates(tmp_path / "templates")
    path = edit_excel_template(templates, edit)
    check = run_reportgen("templates", "check", cwd=tmp_path)
    assert check.returncode == 1
    lines = [line.strip() for line in check.stderr.splitlines() if "[错误]" in line]
    assert len(lines) == 4, check.stderr
    xlsx = "[错误] templates/department/自评表.xlsx"
    assert lines[0].startswith(f"{xlsx} 自评表 页脚：") and "是不是「department.name」" in lines[0]
    assert lines[1].startswith(f"{xlsx} 签字页!A1：行循环 {{%tr … %}} 只能用在第一个工作表")
    assert lines[2].startswith(f"{xlsx} 签字页!A3：")
    assert lines[3].startswith(f"{xlsx} 签字页 偶数页页眉：标签语法错误")
    results = build_with(make_year(tmp_path / "ws", DEMO_TOML), templates, formats=("xlsx",))
    assert not results[0].ok and not results[0].outputs
    assert any(f"{path} 自评表 页脚" in e and "department.nme" in e for e in errors_of(results)), errors_of(results)


@pytest.mark.parametrize(("typed", "says"), [
    ("｛｛ department.name ｝｝", "「｛｛」是全角大括号"),
    ("｛％ if true ％｝是", "是全角大括号"),
    ("{％ if true ％}是{% endif %}", "中的 ％ 是全角字符"),
    ("{ { department.name } }", "两个符号之间有空格"),
    ("{{ department.name }}}", "是单个大括号"),
    ("{x{ department.name }x}", "是单个大括号"),
    # docxtpl's escaped braces are not tags here either (the .docx renderer does not undo them)
    ("{_{ department.name }_}", "是单个大括号"),
    ("{_% if true %_}是", "是单个大括号"),
])
def test_mistyped_tags_are_caught_with_file_and_place(tmp_path, typed, says):
    """Text meant as a tag but not one prints literally on every form: `templates check`
    names it (Word paragraph and Excel cell), and a build refuses the Word template."""
    templates = copy_templates(tmp_path / "templates")
    docx = edit_template(templates, lambda d: replace_tag(d, "{{ department.name }}", typed))
    xlsx = edit_excel_template(templates, lambda w: w.worksheets[0].cell(40, 1, typed))
    sheet = load_workbook_title(xlsx)
    result = run_reportgen("templates", "check", "--templates", templates, cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"templates/department/{docx.name} 表格1 第2行第2列：疑似写错的标签" in result.stderr
    assert f"templates/department/{xlsx.name} {sheet}!A40：疑似写错的标签" in result.stderr
    assert says in result.stderr and "会原样印在表上" in result.stderr
    assert "Traceback" not in result.stderr


def load_workbook_title(path: Path) -> str:
    from openpyxl import load_workbook

    return load_workbook(path).worksheets[0].title


def test_templates_check_says_which_files_it_checked(tmp_path):
    result = run_reportgen("templates", "check", cwd=tmp_path)  # no ./templates here
    assert result.returncode == 0, result.stderr
    assert "中没有 templates 文件夹，检查的是随程序安装的模板" in result.stdout
    assert "模板正常：" in result.stdout and "自评表.docx" in result.stdout and "自评表.xlsx" in result.stdout
