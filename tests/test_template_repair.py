"""Templates saved by LibreOffice or WPS still give valid files (issue 18): the schema-order
repair (reportgen.ooxml_repair) checked against the schema, on parts built to be wrong, and
on the shipped templates re-saved by LibreOffice in the test itself, built into forms that
the validator must pass with 0 errors; ``templates check`` says what it repaired and what
it cannot repair."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from reportgen.ooxml_repair import SCHEMA_ORDER, THEME_TYPE, S, W, reorder, repair_package, repair_parts
from tests.conftest import DEMO_TOML, HAS_SOFFICE, TEMPLATES, make_year, run_cli, run_reportgen
from tests.ooxml import assert_valid
from tests.project_helpers import DEMO_PROJECTS

NO_SOFFICE = "未安装 LibreOffice（soffice），无法用它重新保存模板；CI 会安装"
needs_soffice = pytest.mark.skipif(not HAS_SOFFICE, reason=NO_SOFFICE)

# ---------------------------------------------------------------- the order table

_SCHEMAS = {W: ("w", "schemas_openxmlformats_org_wordprocessingml_2006_main.json"),
            S: ("x", "schemas_openxmlformats_org_spreadsheetml_2006_main.json")}


def _flatten(particle, out: list[tuple[str, int | None]], choices: list[int]) -> None:
    """The element names of a schema particle in order, each with the id of the innermost
    repeatable choice it belongs to (elements of one such choice may come in any order)."""
    if "Name" in particle and "Kind" not in particle:
        out.append((particle["Name"].split("/")[-1], None))
        return
    inner: list[tuple[str, int | None]] = []
    for item in particle.get("Items", []):
        _flatten(item, inner, choices)
    if particle.get("Kind") == "Choice":
        choices.append(len(choices) + 1)
        inner = [(name, choice or choices[-1]) for name, choice in inner]
    out.extend(inner)


def _schema_types():
    import openxml_audit

    folder = Path(openxml_audit.__file__).parent / "data" / "openxml" / "schemas"
    for namespace, (prefix, name) in _SCHEMAS.items():
        types = json.loads((folder / name).read_text(encoding="utf-8"))["Types"]
        yield namespace, prefix, types


def test_the_order_table_follows_the_schema():
    """Every order list agrees with the ECMA-376 schema as the Open XML SDK encodes it (the
    data the pinned validator checks against): no two children ranked against the schema's
    order, and each list names every child the schema's main type allows in its namespace
    (elements of other namespaces, e.g. w14:glow, move with the child before them)."""
    checked = 0
    for namespace, prefix, types in _schema_types():
        for parent, ranks in SCHEMA_ORDER.items():
            if not parent.startswith(f"{{{namespace}}}"):
                continue
            local = parent.split("}")[1]
            mine = {child.split("}")[1]: rank for child, rank in ranks.items()}
            for schema_type in (t for t in types if t["Name"].endswith(f"/{prefix}:{local}") and "Particle" in t):
                order: list[tuple[str, int | None]] = []
                _flatten(schema_type["Particle"], order, [])
                names = [(n.split(":")[1], c) for n, c in order if n.startswith(f"{prefix}:")]
                for i, (a, choice_a) in enumerate(names):
                    for b, choice_b in names[i + 1:]:
                        if a in mine and b in mine and a != b and not (choice_a and choice_a == choice_b):
                            assert mine[a] <= mine[b], (schema_type["Name"], a, b)
                main = schema_type["Name"].split("/")[0] in {f"{prefix}:CT_{local[0].upper()}{local[1:]}",
                                                              "w:CT_ParaRPr", "x:CT_Stylesheet"}
                if main:
                    assert not [n for n, _ in names if n not in mine], schema_type["Name"]
                    checked += 1
    assert checked >= 20


# ---------------------------------------------------------------- parts built to be wrong

def _w(xml: str) -> str:
    return f'<w:ftr xmlns:w="{W}" xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml">{xml}</w:ftr>'


def test_run_properties_are_put_back_in_schema_order():
    """As LibreOffice wrote the footer's runs: w:sz before w:rFonts; a w14 element and a
    comment move with the element before them; text and runs keep their order."""
    root = etree.fromstring(_w('<w:p><w:pPr><w:jc w:val="center"/><w:spacing w:after="0"/>'
                               '<w:rPr><w:sz w:val="18"/><w:rFonts w:ascii="宋体"/></w:rPr></w:pPr>'
                               '<w:r><w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/><w14:glow/><!--c-->'
                               '<w:rFonts w:ascii="宋体"/><w:b/></w:rPr><w:t>第</w:t></w:r>'
                               '<w:r><w:t>页</w:t></w:r></w:p>'))
    moved = reorder(root)
    assert moved == [("w:pPr", "w:spacing", "w:jc"), ("w:rPr", "w:rFonts", "w:sz"), ("w:rPr", "w:rFonts", "w:sz")]
    ppr = root.find(f"{{{W}}}p/{{{W}}}pPr")
    assert [etree.QName(c).localname for c in ppr] == ["spacing", "jc", "rPr"]
    rpr = root.find(f"{{{W}}}p/{{{W}}}r/{{{W}}}rPr")
    assert [etree.QName(c).localname if isinstance(c.tag, str) else "comment" for c in rpr] == [
        "rFonts", "b", "sz", "szCs", "glow", "comment"]
    assert [t.text for t in root.iter(f"{{{W}}}t")] == ["第", "页"]
    assert reorder(root) == []  # once in order, nothing moves


@pytest.mark.parametrize("parent, wrong, right", [
    ("tblPr", '<w:tblLayout w:type="fixed"/><w:tblW w:w="0"/>', ["tblW", "tblLayout"]),
    ("trPr", '<w:ins w:id="1" w:author="a"/><w:cantSplit/>', ["cantSplit", "ins"]),
    ("tcPr", '<w:vAlign w:val="center"/><w:tcW w:w="1"/><w:gridSpan w:val="2"/>', ["tcW", "gridSpan", "vAlign"]),
    ("sectPr", '<w:pgMar w:top="1"/><w:pgSz w:w="1"/><w:footerReference w:type="default"/>',
     ["footerReference", "pgSz", "pgMar"]),
    ("tblCellMar", '<w:left w:w="1"/><w:top w:w="1"/>', ["top", "left"]),
])
def test_property_elements_are_put_back_in_schema_order(parent, wrong, right):
    root = etree.fromstring(_w(f"<w:{parent}>{wrong}</w:{parent}>"))
    assert reorder(root)
    assert [etree.QName(c).localname for c in root[0]] == right


def test_children_of_an_any_order_choice_are_left_alone():
    """CT_TrPrBase is an xsd:choice: w:tblHeader before w:cantSplit is valid as it is."""
    root = etree.fromstring(_w("<w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>"))
    assert reorder(root) == []


def _package(path: Path, changes: dict[str, bytes | None]) -> Path:
    """A copy of the shipped template path with parts replaced (None: removed)."""
    source = TEMPLATES / "department" / path.name
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            if info.filename in changes and changes[info.filename] is None:
                continue
            out.writestr(info, changes.get(info.filename) or src.read(info))
    return path


def _parts(data: bytes) -> dict[str, bytes]:
    import io

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.mark.parametrize("name", ["department/自评表.docx", "department/自评表.xlsx",
                                  "project/自评表.docx", "project/自评表.xlsx"])
def test_a_template_in_order_is_left_byte_for_byte(name):
    data = (TEMPLATES / name).read_bytes()
    assert repair_parts(_parts(data)) == ({}, [])
    assert repair_package(data) == (data, [])


def test_a_workbook_without_its_theme_gets_it_back(tmp_path):
    parts = _parts((TEMPLATES / "department" / "自评表.xlsx").read_bytes())
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    theme = re.search(r'<Relationship [^>]*Type="[^"]*/theme"[^>]*/>', rels)
    broken = _package(tmp_path / "自评表.xlsx", {
        "xl/theme/theme1.xml": None,
        "xl/_rels/workbook.xml.rels": rels.replace(theme.group(0), "").encode(),
        "[Content_Types].xml": re.sub(rb'<Override PartName="/xl/theme/theme1.xml"[^>]*/>', b"",
                                      parts["[Content_Types].xml"]),
    })
    from reportgen.ooxml_check import problems

    assert any("theme" in p.description for p in problems(broken))
    repaired, repairs = repair_package(broken.read_bytes())
    assert [r.part for r in repairs] == ["xl/theme/theme1.xml"] and "主题" in repairs[0].message
    fixed = tmp_path / "fixed.xlsx"
    fixed.write_bytes(repaired)
    assert_valid(fixed)
    out = _parts(repaired)
    assert b"<a:theme" in out["xl/theme/theme1.xml"]
    assert THEME_TYPE.encode() in out["xl/_rels/workbook.xml.rels"]
    assert repair_package(repaired)[1] == []


# ---------------------------------------------------------------- templates re-saved by LibreOffice

def _resave(source: Path, target_dir: Path, filter_name: str, profile: Path) -> Path:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    target_dir.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "FONTCONFIG_FILE"}
    subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                    "--convert-to", f"{source.suffix[1:]}:{filter_name}", "--outdir", str(target_dir), str(source)],
                   env=env, capture_output=True, check=True, timeout=300)
    return target_dir / source.name


@pytest.fixture(scope="module")
def resaved(tmp_path_factory) -> Path:
    """A templates folder: every shipped template opened in LibreOffice and saved unchanged
    as .docx ("MS Word 2007 XML") / .xlsx ("Calc MS Excel 2007 XML")."""
    if not HAS_SOFFICE:
        pytest.skip(NO_SOFFICE)
    root = tmp_path_factory.mktemp("resaved")
    folder = root / "templates"
    for template in sorted(TEMPLATES.rglob("*.*x")):
        if template.suffix in (".docx", ".xlsx"):
            filter_name = "MS Word 2007 XML" if template.suffix == ".docx" else "Calc MS Excel 2007 XML"
            copy = root / "source" / template.relative_to(TEMPLATES)
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(template, copy)  # LibreOffice writes beside nothing of the repository
            saved = _resave(copy, folder / template.parent.relative_to(TEMPLATES), filter_name, root / "profile")
            assert saved.is_file()
    return folder


@needs_soffice
def test_libreoffice_saved_templates_are_what_the_issue_says(resaved):
    """The premise (so the tests below can fail): re-saved, the templates themselves draw
    the validator's findings: w:rFonts after w:sz in the footer, the workbook's theme."""
    from reportgen.ooxml_check import problems

    docx = problems(resaved / "department" / "自评表.docx")
    assert docx and {p.part for p in docx} == {"/word/footer1.xml"}
    assert all("rFonts" in p.description for p in docx)
    for kind in ("department", "project"):
        assert [p.description for p in problems(resaved / kind / "自评表.xlsx")] == [
            f"A required relationship type '{THEME_TYPE}' is missing."]


@needs_soffice
def test_forms_built_from_libreoffice_saved_templates_are_valid(resaved, tmp_path):
    """The demo year (the department and its 3 projects, .docx and .xlsx) built from the
    re-saved templates: every file passes the validator with 0 errors and holds the form."""
    workspace = make_year(tmp_path, DEMO_TOML)
    projects = workspace / "data" / "2022" / "项目" / "广州市应急管理局"
    shutil.copytree(DEMO_PROJECTS, projects)
    result = run_reportgen("build", "--year", "2022", "--format", "docx,xlsx", "--jobs", "1",
                           "--templates", resaved, cwd=workspace)
    assert result.returncode == 0, result.stderr
    outputs = sorted(p for p in (workspace / "output").rglob("*.*x") if p.suffix in (".docx", ".xlsx"))
    assert len(outputs) == 9  # the department's and 3 projects' forms, and the 汇总表
    for path in outputs:
        assert_valid(path)
    department = next(p for p in outputs if p.name.endswith("部门整体支出绩效自评表.xlsx"))
    with zipfile.ZipFile(department) as archive:
        assert "xl/theme/theme1.xml" in archive.namelist()
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "广州市应急管理局" in sheet and "<rowBreaks" in sheet


@needs_soffice
def test_templates_check_says_what_it_repaired(resaved):
    result = run_cli("templates", "check", "--templates", resaved)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert "全部正常" in result.output
    assert re.search(r"自动修复.*word/footer1\.xml.*8 处子元素的顺序不符合 Office Open XML 规范"
                     r"（如 w:rPr 中的 w:rFonts 应在 w:sz 之前）", result.output), result.output
    assert result.output.count("缺少 Excel 必需的主题部件 xl/theme/theme1.xml") == 2
    assert "模板文件本身不改动" in result.output


def test_templates_check_says_what_it_cannot_repair(tmp_path):
    """A value outside the schema (w:cantSplit w:val="maybe") is no order or missing part:
    named as an error, with what to do, in Chinese; exit code 1."""
    folder = tmp_path / "templates" / "department"
    folder.mkdir(parents=True)
    shutil.copy(TEMPLATES / "department" / "自评表.xlsx", folder)
    with zipfile.ZipFile(TEMPLATES / "department" / "自评表.docx") as src:
        document = src.read("word/document.xml").replace(b"<w:cantSplit/>", b'<w:cantSplit w:val="maybe"/>', 1)
        document = re.sub(rb"(<w:tblCellMar>)(<w:top [^>]*/>)(<w:left [^>]*/>)", rb"\1\3\2", document)
    _package(folder / "自评表.docx", {"word/document.xml": document})
    result = run_cli("templates", "check", "--templates", folder.parent)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "自动修复" in result.output and "w:tblCellMar 中的 w:top 应在 w:left 之前" in result.output
    assert "无法自动修复" in result.output and "cantSplit" in result.output
