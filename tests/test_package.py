"""Forms written from a static package per template (write.package) and plain lxml for
the merges are byte for byte what the former path wrote: python-docx for the merges, a
zip of every part, then reproducible_package unpacking and repacking it (implemented here,
as it was)."""

from __future__ import annotations

import copy
import io
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from lxml import etree

from benchmarks.synthetic import synthetic_departments
from tests.conftest import DEMO_TOML, SAMPLE_TOML, TEMPLATES
from tests.ooxml import assert_valid
from tests.project_helpers import DEMO_PROJECTS

# ---- the former path -------------------------------------------------------------------


def _old_reproducible(data: bytes, when: datetime) -> bytes:
    import re

    core_dates = re.compile(rb"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)")
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    date_time = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    source = zipfile.ZipFile(io.BytesIO(data))
    names = source.namelist()
    names.sort(key=lambda n: n != "[Content_Types].xml")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in names:
            payload = source.read(name)
            if name == "docProps/core.xml":
                payload = core_dates.sub(rb"\g<1>" + stamp + rb"\g<3>", payload)
            info = zipfile.ZipInfo(name, date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            info.create_system = 0
            target.writestr(info, payload)
    return out.getvalue()


def _old_merge(tbl, loop, rendering) -> None:
    """The merges as python-docx's element classes set them."""
    rows = tbl.tr_lst
    cells: dict[int, dict[int, object]] = {}

    def cell(row: int, column: int):
        if row not in cells:
            grid, at = {}, 0
            for tc in rows[row].tc_lst:
                grid[at] = tc
                at += tc.grid_span
            cells[row] = grid
        return cells[row][column]

    for field, column in loop.columns.items():
        for span in rendering.merges(field):
            if span.length < 2:
                continue
            top = loop.first_row + span.start
            cell(top, column).vMerge = "restart"
            for r in range(top + 1, top + span.length):
                tc = cell(r, column)
                paragraphs = tc.p_lst
                for paragraph in paragraphs[1:]:
                    tc.remove(paragraph)
                for child in list(paragraphs[0]):
                    if child.tag != qn("w:pPr"):
                        paragraphs[0].remove(child)
                tc.vMerge = "continue"


def _old_split(root) -> None:
    def line_break(e):
        return e.tag == qn("w:br") and e.get(qn("w:type"), "textWrapping") == "textWrapping"

    justified = {"both", "distribute", "thaiDistribute", "highKashida", "mediumKashida", "lowKashida"}
    for paragraph in list(root.iter(qn("w:p"))):
        ppr = paragraph.find(qn("w:pPr"))
        jc = ppr.find(qn("w:jc")) if ppr is not None else None
        if jc is None or jc.get(qn("w:val")) not in justified:
            continue
        if not any(line_break(br) for br in paragraph.iter(qn("w:br"))):
            continue
        pieces = [[]]
        for child in paragraph:
            if child is ppr:
                continue
            if child.tag != qn("w:r") or not any(line_break(c) for c in child):
                pieces[-1].append(child)
                continue
            rpr, run = child.find(qn("w:rPr")), None
            for item in child:
                if item is rpr:
                    continue
                if line_break(item):
                    pieces.append([])
                    run = None
                    continue
                if run is None:
                    run = etree.Element(qn("w:r"))
                    if rpr is not None:
                        run.append(copy.deepcopy(rpr))
                    pieces[-1].append(run)
                run.append(item)
        parent = paragraph.getparent()
        index = parent.index(paragraph)
        parent.remove(paragraph)
        for offset, children in enumerate(pieces):
            new = etree.Element(qn("w:p"))
            if ppr is not None:
                new.append(copy.deepcopy(ppr))
            new.extend(children)
            parent.insert(index + offset, new)


def _old_render_part(compiled, context) -> str:
    # The former path also undid docxtpl's escaped braces ({_{ …) here, in the values too:
    # a bug, removed from both (the hostile form's "{_{ x }_} {_% y %_}" prints as typed).
    import re

    return re.sub(r"\n<w:p([ >])", r"<w:p\1", compiled.render(context))


def _old_docx(rendering, template: Path, when: datetime) -> bytes:
    from reportgen.render import docx

    form = docx.prepared(template)
    rendered = {}
    for name, compiled in form.compiled.items():
        xml = _old_render_part(compiled, rendering.context)
        if name == "word/document.xml":
            root = parse_xml(xml.encode("utf-8"))
            if form.loop is not None:
                _old_merge(root.find(qn("w:body")).findall(qn("w:tbl"))[form.loop.table], form.loop, rendering)
            _old_split(root)
            rendered[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        else:
            rendered[name] = xml.encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, payload in form.parts:
            archive.writestr(name, rendered.get(name, payload))
    return _old_reproducible(buffer.getvalue(), when)


class _OldXlsxPackage:
    """In place of the static package: the prepared zip with the rendered parts appended,
    then repacked (the former writer; the parts themselves are the renderer's)."""

    def __init__(self, form, when, parts) -> None:
        self.form, self.when = form, when

    def assemble(self, rendered: dict[str, bytes]) -> bytes:
        buffer = io.BytesIO(self.form.static_zip)
        with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
            for name in self.form.rendered_parts:
                archive.writestr(name, rendered[name])
        return _old_reproducible(buffer.getvalue(), self.when)


def _old_xlsx(rendering, template: Path, when: datetime, monkeypatch) -> bytes:
    from reportgen.render import xlsx
    from reportgen.render.xlsx import writer

    with monkeypatch.context() as patch:
        patch.setattr(writer, "static_package", _OldXlsxPackage)
        return xlsx.render_xlsx(rendering, template, when)


# ---- the comparison --------------------------------------------------------------------

HOSTILE = ('unmet_reason = "=SUM(A1)\\t\'单引号\' \\"双引号\\" & <b>粗</b> {_{ x }_} {_% y %_}\\n第二行\\n\\n第四行"')


@pytest.fixture(scope="module")
def year_data(tmp_path_factory) -> Path:
    """Department forms (the demo, the sample, longer and shorter texts, hostile text:
    a formula-like start, quotes, tags, tabs, line breaks) and the project examples."""
    data = tmp_path_factory.mktemp("package") / "data"
    folder = data / "2022"
    synthetic_departments(folder, 3)
    for source in (DEMO_TOML, SAMPLE_TOML):
        (folder / source.name).write_bytes(source.read_bytes())
    hostile = DEMO_TOML.read_text(encoding="utf-8").replace(
        'name = "广州市应急管理局"', 'name = "恶意文本局"').replace('unmet_reason = "无"', HOSTILE)
    assert HOSTILE in hostile
    (folder / "恶意文本局.toml").write_text(hostile, encoding="utf-8")
    projects = folder / "项目" / "广州市应急管理局"
    projects.mkdir(parents=True)
    for source in DEMO_PROJECTS.glob("*.toml"):
        (projects / source.name).write_bytes(source.read_bytes())
    return data


@pytest.mark.parametrize("epoch", [None, "1700000001"])
@pytest.mark.parametrize("key", ["department", "project"])
def test_forms_are_byte_identical_to_the_former_path(year_data, tmp_path, monkeypatch, key, epoch):
    from reportgen.forms.registry import get_kind
    from reportgen.pipeline import build_file, find_files, load
    from reportgen.write.files import build_timestamp

    if epoch is None:
        monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    else:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    kind = get_kind(key)
    sources = find_files(kind, year_data, 2022)
    assert len(sources) >= 3
    when = build_timestamp(2022)
    compared = 0
    for source in sources:
        result = build_file(kind, source, 2022, templates_dir=TEMPLATES, out_dir=tmp_path)
        assert result.ok, result.findings
        rendering = kind.rendering(load(kind, source, 2022))
        for path in result.outputs:
            template = TEMPLATES / key / f"自评表{path.suffix}"
            former = (_old_docx(rendering, template, when) if path.suffix == ".docx"
                      else _old_xlsx(rendering, template, when, monkeypatch))
            data = path.read_bytes()
            assert data == former, f"{path.name} differs from the former path"
            assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None
            compared += 1
    assert compared == 2 * len(sources)


def test_the_merges_and_splits_are_exercised(year_data, monkeypatch):
    """The comparison above covers vertical merges, split justified breaks and the quoted
    styles of formula-like text (else it would prove little)."""
    from reportgen.forms.registry import get_kind
    from reportgen.pipeline import load
    from reportgen.render import docx
    from reportgen.render.xlsx import render_xlsx

    kind = get_kind("department")
    rendering = kind.rendering(load(kind, year_data / "2022" / "恶意文本局.toml", 2022))
    template = TEMPLATES / "department" / "自评表.docx"

    def document_xml() -> str:
        return zipfile.ZipFile(io.BytesIO(docx.render_docx(rendering, template))).read("word/document.xml").decode()

    xml = document_xml()
    assert xml.count("<w:vMerge/>") > 20 and xml.count('<w:vMerge w:val="restart"/>') > 10
    monkeypatch.setattr(docx, "split_justified_breaks", lambda root: None)
    assert xml.count("<w:p>") + xml.count("<w:p ") > document_xml().count("<w:p>") + document_xml().count("<w:p ")
    workbook = zipfile.ZipFile(io.BytesIO(render_xlsx(rendering, TEMPLATES / "department" / "自评表.xlsx")))
    assert 'quotePrefix="1"' in workbook.read("xl/styles.xml").decode()


def test_outputs_stay_valid(year_data, tmp_path):
    from reportgen.forms.registry import get_kind
    from reportgen.pipeline import build_file

    hostile = year_data / "2022" / "恶意文本局.toml"
    project = next((year_data / "2022" / "项目").rglob("*.toml"))
    for key, source in (("department", hostile), ("project", project)):
        result = build_file(get_kind(key), source, 2022, templates_dir=TEMPLATES, out_dir=tmp_path)
        for path in result.outputs:
            assert_valid(path)


def test_static_package_is_what_zipfile_writes():
    """Names in UTF-8, empty parts, [Content_Types].xml moved first, core dates stamped,
    a rendered part between static ones; and repacking the result changes nothing."""
    from reportgen.write.files import reproducible_package
    from reportgen.write.package import StaticPackage

    parts = [("a.xml", b"<a/>" * 300), ("目录/文件.xml", "中文".encode() * 50), ("empty", b""),
             ("[Content_Types].xml", b"<Types/>"),
             ("docProps/core.xml", b"<cp><dcterms:created x='1'>2000</dcterms:created>"
                                   b"<dcterms:modified>old</dcterms:modified></cp>"),
             ("word/document.xml", b"<w:document/>")]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, payload in parts:
            archive.writestr(name, payload)
    for when in (datetime(2022, 12, 31), datetime(2023, 11, 14, 22, 13, 21), datetime(1970, 1, 1)):
        former = _old_reproducible(buffer.getvalue(), when)
        package = StaticPackage([(n, None if n == "word/document.xml" else p) for n, p in parts], when)
        ours = package.assemble({"word/document.xml": b"<w:document/>"})
        assert ours == former
        assert package.assemble({"word/document.xml": b"<w:document/>"}) == former  # reused entry
        assert reproducible_package(ours, when) == ours
        archive = zipfile.ZipFile(io.BytesIO(ours))
        assert archive.testzip() is None
        assert archive.namelist()[0] == "[Content_Types].xml"
        stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
        assert archive.read("docProps/core.xml").decode().count(stamp) == 2
    with pytest.raises(ValueError):
        package.assemble({})
