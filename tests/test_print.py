"""Files that Word, WPS and Excel open without a repair prompt and that print like official
forms (issue 11): Open XML validity of every generated file and of the templates, the
Word print settings, the Excel print layout, the 汇总表's title and chart sheet, and
reproducible PDFs in the Simplified Chinese face.

One build of the demo year (docx, xlsx, pdf and the 汇总表) is shared by the module; a
second build checks that the PDF bytes repeat; LibreOffice converts the workbooks once."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import time
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from openpyxl import Workbook, load_workbook

from tests.conftest import (
    DEMO_TOML,
    DEPARTMENT,
    HAS_SOFFICE,
    SAMPLE_TOML,
    TEMPLATES,
    build_into,
    make_year,
    run_cli,
    run_reportgen,
)
from tests.ooxml import assert_valid
from tests.project_helpers import DEMO_PROJECTS, build_project

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
STEM = "广州市应急管理局_2022年度部门整体支出绩效自评表"
SUMMARY = "2022年度部门整体支出绩效自评汇总表.xlsx"
HAS_POPPLER = bool(shutil.which("pdftoppm") and shutil.which("pdfinfo"))
needs_office = pytest.mark.skipif(not (HAS_SOFFICE and HAS_POPPLER),
                                  reason="LibreOffice and poppler-utils are not installed; CI installs them")


def build_year(workspace: Path) -> Path:
    formats = "docx,xlsx,pdf" if HAS_SOFFICE else "docx,xlsx"
    result = run_reportgen("build", "--year", "2022", "--format", formats, "--templates", TEMPLATES,
                           cwd=workspace)
    assert result.returncode == 0, result.stderr
    return workspace / "output" / "2022"


@pytest.fixture(scope="module")
def year(tmp_path_factory) -> Path:
    """The demo year built once: output/2022 with the form in every format and the 汇总表."""
    return build_year(make_year(tmp_path_factory.mktemp("year"), DEMO_TOML))


@pytest.fixture(scope="module")
def workbook_pdfs(year, tmp_path_factory) -> dict[str, Path]:
    """The form's .xlsx and the 汇总表 printed by LibreOffice (one conversion)."""
    if not (HAS_SOFFICE and HAS_POPPLER):
        pytest.skip("LibreOffice and poppler-utils are not installed; CI installs them")
    from reportgen.render.pdf import convert_to_pdf

    sources = [year / f"{STEM}.xlsx", year / SUMMARY]
    pdfs = convert_to_pdf(sources, tmp_path_factory.mktemp("xlsx-pdf"))
    return {"form": pdfs[0], "summary": pdfs[1]}


def pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def page_texts(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return text.split("\f")[:-1]


def part(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read(name)


# ---------------------------------------------------------------- Open XML validity

def test_every_generated_file_is_valid_open_xml(year, tmp_path):
    """The department's form (.docx, .xlsx) and the 汇总表, and the sample department's
    forms: zero errors (tests/ooxml.py; any form kind added later is in the year's output)."""
    files = sorted(p for p in year.iterdir() if p.suffix in (".docx", ".xlsx"))
    assert [p.name for p in files] == [SUMMARY, f"{STEM}.docx", f"{STEM}.xlsx"]
    [sample] = build_into(make_year(tmp_path, SAMPLE_TOML))
    assert sample.ok and len(sample.outputs) == 2
    for path in [*files, *sample.outputs]:
        assert_valid(path)


SHIPPED = sorted(p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.*x") if p.suffix in (".docx", ".xlsx"))


def test_every_kind_ships_its_templates():
    assert "department/自评表.docx" in SHIPPED and "department/自评表.xlsx" in SHIPPED


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_templates_are_valid_open_xml(name):
    assert_valid(TEMPLATES / name)


def test_plain_openpyxl_workbook_draws_the_font_order_finding(tmp_path):
    """Evidence for ooxml_check.FALSE_POSITIVES: a plain openpyxl Workbook(), which Excel
    opens cleanly, draws the CT_Font child-order finding; nothing else is allow-listed."""
    from openxml_audit import OpenXmlValidator, ValidationSeverity

    from reportgen.ooxml_check import is_false_positive, problems

    path = tmp_path / "plain.xlsx"
    Workbook().save(path)
    errors = [e for e in OpenXmlValidator(max_errors=0).validate(path).errors
              if e.severity == ValidationSeverity.ERROR]
    assert errors and all(e.part_uri == "/xl/styles.xml" and "/font[" in e.path for e in errors)
    assert all(is_false_positive(e.part_uri, e.path, e.description) for e in errors)
    assert problems(path) == []


def test_on_off_values_are_accepted_on_w_b_but_not_on_table_rows(tmp_path):
    """Evidence for the second entry of ooxml_check.FALSE_POSITIVES: w:b and w:cantSplit are
    both CT_OnOff, yet the validator accepts w:val="0"/"true" only on w:b."""
    from openxml_audit import OpenXmlValidator

    from reportgen.ooxml_check import is_false_positive, problems

    def variant(name: str, old: bytes, new: bytes) -> Path:
        path = tmp_path / name
        with zipfile.ZipFile(TEMPLATES / "department" / "自评表.docx") as src, zipfile.ZipFile(path, "w") as out:
            for info in src.infolist():
                data = src.read(info.filename)
                if info.filename == "word/document.xml":
                    assert old in data
                    data = data.replace(old, new, 1)
                out.writestr(info.filename, data)
        return path

    validator = OpenXmlValidator(max_errors=0)
    for value in ("0", "true"):
        bold = variant(f"b{value}.docx", b'<w:sz w:val="36"/>', f'<w:b w:val="{value}"/><w:sz w:val="36"/>'.encode())
        assert validator.validate(bold).errors == []
        row = variant(f"row{value}.docx", b"<w:cantSplit/>", f'<w:cantSplit w:val="{value}"/>'.encode())
        [finding] = validator.validate(row).errors
        assert is_false_positive(finding.part_uri, finding.path, finding.description)
        assert problems(row) == []
    wrong = variant("wrong.docx", b"<w:cantSplit/>", b'<w:cantSplit w:val="maybe"/>')
    assert problems(wrong)  # a value outside ST_OnOff is still reported


def test_the_validator_catches_a_misordered_table(year, tmp_path):
    """The check can fail: the form with w:tblLayout moved after w:tblLook (as it was)."""
    from reportgen.ooxml_check import problems

    source = year / f"{STEM}.docx"
    broken = tmp_path / "broken.docx"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(broken, "w") as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                root = etree.fromstring(data)
                tbl_pr = root.find(f"{W}body/{W}tbl/{W}tblPr")
                tbl_pr.append(tbl_pr.find(f"{W}tblLayout"))
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            out.writestr(info, data)
    found = problems(broken)
    assert [(p.part, p.node) for p in found] == [("/word/document.xml", "tblLayout")]


def test_templates_check_names_repairs_in_chinese(tmp_path, year):
    folder = tmp_path / "templates"
    (folder / "department").mkdir(parents=True)
    shutil.copy(TEMPLATES / "department" / "自评表.xlsx", folder / "department")
    source = TEMPLATES / "department" / "自评表.docx"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(folder / "department" / "自评表.docx", "w") as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":  # tblCellMar children as they were
                data = re.sub(rb"(<w:tblCellMar>)(<w:top [^>]*/>)(<w:left [^>]*/>)", rb"\1\3\2", data)
            out.writestr(info, data)
    result = run_cli("templates", "check", "--templates", folder)
    # Out of schema order: repaired when the template is prepared (reportgen.ooxml_repair),
    # and said so; what cannot be repaired: tests/test_template_repair.py.
    assert result.exit_code == 0, result.output
    assert "[自动修复] word/document.xml：2 处子元素的顺序不符合 Office Open XML 规范" in result.output
    assert "w:tblCellMar 中的 w:top 应在 w:left 之前" in result.output
    assert "Traceback" not in result.output
    good = run_cli("templates", "check", "--templates", TEMPLATES)
    assert good.exit_code == 0 and "全部正常" in good.output, good.output
    assert "自动修复" not in good.output


def test_templates_check_without_the_validator_says_so(monkeypatch):
    import reportgen.ooxml_check as ooxml_check

    monkeypatch.setattr(ooxml_check, "available", lambda: False)
    result = run_cli("templates", "check", "--templates", TEMPLATES)
    assert result.exit_code == 0
    assert "未安装验证工具 openxml-audit" in result.output and "全部正常" in result.output


# ---------------------------------------------------------------- Word print

def test_docx_footer_has_page_n_of_m(year):
    path = year / f"{STEM}.docx"
    document = etree.fromstring(part(path, "word/document.xml"))
    sect = document.find(f"{W}body/{W}sectPr")
    ref = sect.find(f"{W}footerReference")
    assert ref is not None and ref.get(f"{W}type") == "default"
    rels = part(path, "word/_rels/document.xml.rels").decode()
    target = re.search(rf'Id="{ref.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")}"'
                       rf'[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="'
                       rf'{ref.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")}"', rels)
    footer = etree.fromstring(part(path, "word/" + (target.group(1) or target.group(2))))
    instructions = [t.text.strip() for t in footer.iter(f"{W}instrText")]
    assert instructions == ["PAGE", "NUMPAGES"]
    text = "".join(t.text or "" for t in footer.iter(f"{W}t"))
    assert re.fullmatch(r"第 1 页 共 1 页", text)  # field results (1) between the words


def test_no_justified_paragraph_has_a_manual_line_break(year):
    """A line break in a justified paragraph stretches the line before it (同　签　订 …):
    the demo's 采购合同签订时效性 reason has a newline; it becomes two paragraphs."""
    root = etree.fromstring(part(year / f"{STEM}.docx", "word/document.xml"))
    justified = [p for p in root.iter(f"{W}p")
                 if p.find(f"{W}pPr/{W}jc") is not None and p.find(f"{W}pPr/{W}jc").get(f"{W}val") == "both"]
    assert justified
    assert not [p for p in justified if p.find(f".//{W}br") is not None]
    texts = ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in root.iter(f"{W}p")]
    i = next(i for i, t in enumerate(texts) if t.startswith("1.局本级发出中标公告项目总共11个"))
    assert texts[i].endswith("合同签订及时率为81.82%。") and texts[i + 1] == "本指标得2分。"


def test_docx_declares_simplified_chinese(year):
    styles = etree.fromstring(part(year / f"{STEM}.docx", "word/styles.xml"))
    lang = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert lang.get(f"{W}eastAsia") == "zh-CN"


def test_split_justified_breaks_keeps_run_properties():
    from docx.oxml import parse_xml

    from reportgen.render.docx import split_justified_breaks

    body = parse_xml(f'<w:body xmlns:w="{W[1:-1]}"><w:p><w:pPr><w:jc w:val="both"/></w:pPr>'
                     '<w:r><w:rPr><w:b/></w:rPr><w:t>甲</w:t><w:br/><w:t>乙</w:t></w:r></w:p>'
                     '<w:p><w:pPr><w:jc w:val="left"/></w:pPr><w:r><w:t>丙</w:t><w:br/><w:t>丁</w:t></w:r></w:p>'
                     '</w:body>')
    split_justified_breaks(body)
    paragraphs = body.findall(f"{W}p")
    assert ["".join(t.text for t in p.iter(f"{W}t")) for p in paragraphs] == ["甲", "乙", "丙丁"]
    assert all(p.find(f"{W}r/{W}rPr/{W}b") is not None for p in paragraphs[:2])
    assert paragraphs[2].find(f".//{W}br") is not None  # left-aligned: a line break is fine


# ---------------------------------------------------------------- Excel print

def test_xlsx_fits_one_page_wide_with_breaks_for_the_largest_scale(year):
    """Fit to one page wide, any number tall (each program scales the sheet to its own
    measure of the columns), and manual breaks placed for the largest scale a program can
    compute: 宋体's digit drawn 6.67 px (Excel, which rounds it to 7 px, prints at 86 %).
    Each page's rows fill at most the printable height there, and the next row would not
    have fitted (pages are not left part-empty) unless rows are kept together there."""
    ws = load_workbook(year / f"{STEM}.xlsx").worksheets[0]
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (int(ws.page_setup.fitToWidth), int(ws.page_setup.fitToHeight)) == (1, 0)
    assert ws.page_setup.scale is None
    widths = sum(ws.column_dimensions[chr(64 + c)].width for c in range(1, ws.max_column + 1))
    printable_width = 841.9 - (ws.page_margins.left + ws.page_margins.right) * 72
    scale = min(1.0, printable_width / (widths * 20 / 3 * 0.75))
    assert 0.90 < scale < 0.92
    assert int(100 * printable_width / (widths * 7 * 0.75)) == 86  # Excel's own fit
    printable = 595.3 - (ws.page_margins.top + ws.page_margins.bottom) * 72
    heights = [ws.row_dimensions[r].height for r in range(1, ws.max_row + 1)]
    breaks = [b.id for b in ws.row_breaks.brk]
    assert len(breaks) == 5  # 6 pages: the .docx's count
    title = ws.print_title_rows and int(re.match(r"\$(\d+)", ws.print_title_rows).group(1))
    bounds = [0, *breaks, ws.max_row]
    for first, last in zip(bounds, bounds[1:], strict=False):
        used = sum(heights[first:last]) + (heights[title - 1] if title and first >= title else 0)
        assert used * scale <= printable, (first, last)
        if last < ws.max_row:
            assert (used + heights[last]) * scale > printable * 0.8, (first, last)  # reasonably full


def test_header_labels_fit_their_columns_line_by_line():
    """Each line of a header label fits its column(s), so no label wraps inside a word
    (一级指标 printed 一级指 / 标 before); the template breaks them between words."""
    from reportgen.render.xlsx import CELL_MARGIN_UNITS, text_units

    ws = load_workbook(TEMPLATES / "department" / "自评表.xlsx").worksheets[0]
    header = int(re.match(r"\$(\d+)", ws.print_title_rows).group(1))
    budget = next(r for r in range(1, ws.max_row) if ws[f"F{r}"].value == "年度预算资金类别")
    spans = {(m.min_row, m.min_col): (m.min_col, m.max_col) for m in ws.merged_cells.ranges}
    checked = []
    for row in (header, *range(budget, budget + 3)):
        for cell in ws[row]:
            if not isinstance(cell.value, str) or "{" in cell.value:
                continue
            first, last = spans.get((cell.row, cell.column), (cell.column, cell.column))
            width = sum(ws.column_dimensions[chr(64 + c)].width for c in range(first, last + 1))
            for line in cell.value.split("\n"):
                assert text_units(line) + CELL_MARGIN_UNITS <= width, (cell.coordinate, line, width)
                checked.append(line)
    assert {"一级", "指标", "二级", "三级指标", "自评分", "其他事业发展支出"} <= set(checked)


def test_summary_has_a_title_row_above_its_table(year):
    wb = load_workbook(year / SUMMARY)
    ws = wb["汇总"]
    assert ws["A1"].value == "2022年度部门整体支出绩效自评汇总表"
    assert f"A1:{ws.cell(2, ws.max_column).column_letter}1" in {str(m) for m in ws.merged_cells.ranges}
    assert [c.value for c in ws[2]][:4] == ["序号", "部门名称", "单位数", "总预算（万元）"]
    assert ws["B3"].value == "广州市应急管理局"
    assert ws.freeze_panes == "C3"
    assert ws.auto_filter.ref == f"A2:{ws.cell(2, ws.max_column).column_letter}3"
    assert ws.print_title_rows == "$1:$2"
    assert ws.page_setup.orientation == "landscape"


def test_chart_sheet_prints_landscape_one_whole_chart_per_page(tmp_path):
    """60 departments: the 总分 bars in charts of at most 20 departments, each anchored on
    its own page (below a manual break, shorter than the page), axes with every label."""
    from reportgen.render import summary_print

    wb = load_workbook(io.BytesIO(_summary(summary_rows(60))))
    charts = wb["图表"]
    assert charts.page_setup.orientation == "landscape"
    assert not (charts.sheet_properties.pageSetUpPr and charts.sheet_properties.pageSetUpPr.fitToPage)
    breaks = [b.id for b in charts.row_breaks.brk]
    page_rows, row_pt = summary_print.PAGE_ROWS, summary_print.ROW_POINTS
    assert breaks == [page_rows, 2 * page_rows, 3 * page_rows]
    assert page_rows * row_pt <= 595.3 - (charts.page_margins.top + charts.page_margins.bottom) * 72
    bars = [c for c in charts._charts if c.tagname == "barChart"]
    assert len(bars) == 3
    for page, bar in enumerate(bars, start=1):
        assert bar._charts[0].x_axis.tickLblSkip == 1 and bar._charts[0].x_axis.delete is False
        top = bar.anchor._from.row  # 0-based
        assert page * page_rows <= top and top * row_pt + bar.height / 2.54 * 72 <= (page + 1) * page_rows * row_pt


def summary_rows(n: int):
    from decimal import Decimal

    from reportgen.forms.department.compute import SummaryRow

    return [SummaryRow(f"示例部门{i:02d}局", 3, Decimal("100.00"), Decimal("50.00"),
                       (("履职效能", Decimal(40 + i % 10)),), Decimal(60 + i % 40), "中", 1) for i in range(n)]


def _summary(rows) -> bytes:
    from reportgen.render.summary import render_summary
    from reportgen.settings import Settings

    return render_summary(2022, {DEPARTMENT(): rows}, Settings())


@needs_office
def test_summary_charts_show_every_department_in_libreoffice(tmp_path):
    from reportgen.render.pdf import convert_to_pdf

    rows = summary_rows(30)
    source = tmp_path / "汇总.xlsx"
    source.write_bytes(_summary(rows))
    [pdf] = convert_to_pdf([source], tmp_path / "pdf")
    texts = page_texts(pdf)
    chart_pages = [re.sub(r"\s+", "", t) for t in texts if "各部门总分" in t]
    assert len(chart_pages) == 2  # 20 + 10 departments, one chart per page
    for row in rows:
        assert sum(row.name in t for t in chart_pages) == 1, row.name


@needs_office
def test_xlsx_prints_on_no_more_pages_than_docx(year, workbook_pdfs):
    docx_pages, xlsx_pages = pages(year / f"{STEM}.pdf"), pages(workbook_pdfs["form"])
    print(f"pages: docx {docx_pages}, xlsx {xlsx_pages}")
    assert xlsx_pages <= docx_pages
    texts = page_texts(workbook_pdfs["form"])
    assert "第 1 页，共" in texts[0]
    assert not any("一级指" in line and "一级指标" not in line for t in texts for line in t.splitlines()
                   if "一级指" in line)


def plain_office_pdfs(sources: list[Path], out_dir: Path) -> list[Path]:
    """PDFs printed the way a desktop without SimSun prints the files: LibreOffice with a
    fresh profile and the system's fonts only (here DejaVu Sans draws 宋体's digits, Noto
    CJK its Chinese), none of reportgen's font settings (render.pdf's fontconfig file)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    env = {k: v for k, v in os.environ.items() if k != "FONTCONFIG_FILE"}
    out_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run([soffice, f"-env:UserInstallation={(out_dir / 'profile').as_uri()}", "--headless",
                    "--norestore", "--convert-to", "pdf", "--outdir", str(out_dir), *map(str, sources)],
                   env=env, capture_output=True, check=True, timeout=300)
    return [out_dir / (p.stem + ".pdf") for p in sources]


def manual_breaks(xlsx: Path) -> int:
    return len(load_workbook(xlsx).worksheets[0].row_breaks.brk)


@pytest.mark.skipif(not (HAS_SOFFICE and HAS_POPPLER),
                    reason="未安装 LibreOffice（soffice）或 poppler-utils，无法查看打印效果；CI 会安装")
@pytest.mark.parametrize("kind", ["department", "project"])
def test_xlsx_prints_one_page_wide_in_plain_libreoffice(kind, year, tmp_path):
    """Issue 18: with 宋体's digits drawn wider than SimSun's (DejaVu Sans, 8.56 px), the
    fixed 78 % scale printed every page of the department form in two halves (10 pages for
    the .docx's 6; the project form 2 for 1). Now: one page per manual page (no column or
    row spills onto an extra sheet), the last column on the same page as the first, no more
    pages than the same form's .docx, and 一级指标/二级指标/三级指标 never broken inside a word."""
    if kind == "department":
        xlsx, docx, last_header = year / f"{STEM}.xlsx", year / f"{STEM}.docx", "改进措施"
    else:
        result = build_project(DEMO_PROJECTS / "示例：森林防火宣传.toml", tmp_path / "out")
        assert result.ok, result
        xlsx, docx = sorted(p for p in result.outputs if p.suffix in (".xlsx", ".docx"))[::-1]
        last_header = "偏差原因分析及改进措施"
    [xlsx_pdf] = plain_office_pdfs([xlsx], tmp_path / "xlsx")
    [docx_pdf] = plain_office_pdfs([docx], tmp_path / "docx")
    xlsx_pages, docx_pages = pages(xlsx_pdf), pages(docx_pdf)
    print(f"{kind}: xlsx {xlsx_pages} pages, docx {docx_pages} pages (plain LibreOffice)")
    assert xlsx_pages == manual_breaks(xlsx) + 1
    assert xlsx_pages <= docx_pages
    texts = page_texts(xlsx_pdf)
    for number, text in enumerate(texts, start=1):
        flat = re.sub(r"\s+", "", text)
        assert re.search(rf"第{number}页，?共{xlsx_pages}页", flat), number
        if "三级指标" in flat:  # the indicator table's header row: its last column is there too
            assert last_header in flat, number
    assert sum("三级指标" in re.sub(r"\s+", "", t) for t in texts) >= min(xlsx_pages, 2)
    words = [line for t in texts for line in t.splitlines()]
    assert not [line for line in words if re.search(r"[一二三]级指(?!标)", line)]


# ---------------------------------------------------------------- PDF

@needs_office
def test_two_builds_give_byte_identical_pdfs(year, tmp_path):
    time.sleep(1.1)  # LibreOffice's clock stamp has a one-second resolution
    again = build_year(make_year(tmp_path, DEMO_TOML))
    first, second = (year / f"{STEM}.pdf").read_bytes(), (again / f"{STEM}.pdf").read_bytes()
    assert first == second
    assert b"/CreationDate(D:20221231000000" in first


def test_reproducible_pdf_keeps_the_length_and_offsets():
    from datetime import datetime

    from reportgen.render.pdf_stamp import reproducible_pdf

    def fake(clock: bytes, ident: bytes) -> bytes:
        return (b"%PDF-1.6\n1 0 obj\n<</CreationDate(D:" + clock + b"+01'00')/ModDate(D:" + clock
                + b"Z)>>\nendobj\ntrailer\n<</ID [ <" + ident + b"> <" + ident
                + b"> ]\n/DocChecksum /0123456789ABCDEF0123456789ABCDEF>>\nstartxref\n9\n%%EOF\n")

    a, b = fake(b"20261202121715", b"1C80" * 8), fake(b"20261202121800", b"99AA" * 8)
    when = datetime(2022, 12, 31)
    out_a, out_b = reproducible_pdf(a, when), reproducible_pdf(b, when)
    assert out_a == out_b and len(out_a) == len(a)
    assert b"/CreationDate(D:20221231000000+01'00')/ModDate(D:20221231000000Z)" in out_a
    assert b"1C80" not in out_a
    assert reproducible_pdf(fake(b"20261202121715", b"1C80" * 8).replace(b"endobj", b"endobJ"), when) != out_a


@needs_office
def test_chinese_is_set_in_the_simplified_chinese_face(tmp_path):
    """宋体/黑体 with zh-CN draw the same glyphs as Noto Serif/Sans CJK SC, not the JP face.
    (pdffonts cannot tell: the Noto CJK collection shares one CFF table named …CJKjp…
    between its SC, TC, JP and KR faces, so every face shows as NotoSerifCJKjp.)"""
    from docx import Document
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    from reportgen.render.pdf import convert_to_pdf

    text = "直骨误关说遍令次门写"  # characters whose SC and JP glyphs differ

    def make(name: str, font: str, lang: str | None) -> Path:
        document = Document()
        run = document.add_paragraph().add_run(text)
        run.font.size = Pt(40)
        rpr = run._r.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            rpr.insert(0, fonts)
        for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia"):
            fonts.set(qn(attribute), font)
        if lang:
            element = OxmlElement("w:lang")
            element.set(qn("w:eastAsia"), lang)
            rpr.append(element)
        document.save(tmp_path / name)
        return tmp_path / name

    sources = [make("form.docx", "宋体", "zh-CN"), make("sc.docx", "Noto Serif CJK SC", None),
               make("jp.docx", "Noto Serif CJK JP", None), make("hei.docx", "黑体", "zh-CN"),
               make("sans_sc.docx", "Noto Sans CJK SC", None)]
    images = {}
    for pdf in convert_to_pdf(sources, tmp_path / "pdf"):
        subprocess.run(["pdftoppm", "-png", "-r", "30", "-f", "1", "-l", "1", str(pdf), str(pdf.with_suffix(""))],
                       check=True)
        images[pdf.stem] = next(tmp_path.glob(f"pdf/{pdf.stem}-*.png")).read_bytes()
    assert images["form"] == images["sc"]
    assert images["jp"] != images["sc"]  # the comparison can tell the faces apart
    assert images["hei"] == images["sans_sc"]


# ---------------------------------------------------------------- LibreOffice on Windows

def test_soffice_is_found_in_program_files_on_windows():
    from reportgen.render.office_lookup import candidates, installed_soffice

    env = {"ProgramFiles": r"D:\Programs", "ProgramFiles(x86)": r"D:\Programs (x86)"}
    present = {r"D:\Programs (x86)\LibreOffice\program\soffice.exe"}
    assert installed_soffice(env, "nt", present.__contains__) == r"D:\Programs (x86)\LibreOffice\program\soffice.exe"
    assert candidates(env, "nt")[0] == r"D:\Programs\LibreOffice\program\soffice.exe"
    # no environment at all: the default folders
    default = r"C:\Program Files\LibreOffice\program\soffice.exe"
    assert installed_soffice({}, "nt", {default}.__contains__) == default
    assert installed_soffice({}, "nt", lambda path: False) is None
    assert installed_soffice({}, "posix", lambda path: False) is None


def test_find_soffice_falls_back_to_the_install_folder(monkeypatch):
    from reportgen.render import office_lookup
    from reportgen.render import pdf as render_pdf

    monkeypatch.setattr(render_pdf.shutil, "which", lambda name: None)
    monkeypatch.setattr(office_lookup.os, "name", "nt")
    monkeypatch.setattr(office_lookup.os, "environ", {"ProgramFiles": r"C:\Program Files"})
    found = r"C:\Program Files\LibreOffice\program\soffice.exe"
    monkeypatch.setattr(office_lookup, "Path", lambda p: type("P", (), {"is_file": lambda self: p == found})())
    assert render_pdf.find_soffice() == found
