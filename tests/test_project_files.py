"""The project form's files: any text stays literal in the .docx and the .xlsx (or the input is
refused cleanly), and every generated file is schema-valid (openxml-audit)."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from reportgen.batch import build_year
from reportgen.model import RawInput
from reportgen.render.docx import render_docx
from reportgen.render.xlsx import render_xlsx
from reportgen.settings import Settings
from tests.conftest import TEMPLATES, set_at
from tests.docx_helpers import all_text
from tests.ooxml import assert_valid
from tests.project_helpers import DEMO_PROJECTS, spec_project, write_project

FIELDS = [
    ("project", "name"),
    ("project", "unit"),
    ("goal", "target"),
    ("goal", "completion"),
    ("indicators", 3, "name"),
    ("indicators", 3, "target"),
    ("indicators", 3, "actual"),
    ("indicators", 3, "reason"),
    ("indicators", 0, "level1"),
]
STRIPPED = {("project", "name"), ("project", "unit"), ("indicators", 3, "name"), ("indicators", 3, "target"),
            ("indicators", 3, "actual"), ("indicators", 0, "level1")}
HOSTILE = [
    "A&B <c> \"引号\" '单引号'",
    "]]> <![CDATA[x]]>",
    "{{ year }} {% if true %}模板语法{% endif %}",
    "<w:p><w:r><w:t>注入</w:t></w:r></w:p>",
    "=SUM(A1:A2)",
    '=HYPERLINK("http://x","y")',
    "@cmd",
    "罕见字𠀀𪚥，表情😀，符号①㎡℃‰",
    "第一行\n第二行\t制表",
]
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def with_text(path: tuple, text: str) -> dict:
    return set_at(spec_project(), path, text)


def expected(path: tuple, text: str) -> str:
    text = FORBIDDEN.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return text.strip() if path in STRIPPED else text


def build_in_memory(data: dict, tmp: Path):
    """validate → compute → render both formats: (docx path, xlsx bytes), or None when the
    input is refused (with an error finding)."""
    from reportgen.forms.registry import get_kind

    kind = get_kind("project")
    raw = RawInput(data=data, source=Path("项目.toml"), locate=lambda path: "位置", findings=[])
    built, findings = kind.validate(raw, 2022, Settings())
    if built is None:
        assert any(f.level == "error" and f.message for f in findings)
        return None
    rendering = kind.rendering(built)
    docx = tmp / "form.docx"
    docx.write_bytes(render_docx(rendering, TEMPLATES / "project" / "自评表.docx"))
    return docx, render_xlsx(rendering, TEMPLATES / "project" / "自评表.xlsx")


def xlsx_cells(data: bytes):
    sheet = load_workbook(io.BytesIO(data)).active
    return [c for row in sheet.iter_rows() for c in row if c.value is not None]


def assert_literal(built, path, text) -> None:
    docx, xlsx = built
    want = expected(path, text)
    assert want in all_text(docx)
    cells = xlsx_cells(xlsx)
    if want.strip():
        assert any(want in c.value for c in cells if isinstance(c.value, str))
    assert all(cell.data_type != "f" for cell in cells)  # nothing became a formula
    with zipfile.ZipFile(io.BytesIO(xlsx)) as archive:
        sheets = [archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/")]
    assert sheets and not any(re.search(rb"<f[ >]", xml) for xml in sheets)


@pytest.mark.parametrize("path", FIELDS, ids=lambda p: ".".join(map(str, p)))
def test_hostile_text_stays_literal(tmp_path, path):
    text = " ".join(HOSTILE[:-1]) + "\n" + HOSTILE[-1]
    built = build_in_memory(with_text(path, text), tmp_path)
    assert built is not None
    assert_literal(built, path, text)


texts = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r"), max_size=120),
    st.sampled_from(HOSTILE),
    st.sampled_from(["", " ", "\t", "\r\n", "\x00", "=1+1", "≥50个", "＞＝９０％"]),
)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(path=st.sampled_from(FIELDS), text=texts)
@example(path=("goal", "completion"), text="%_}")  # was printed as "%}" in the .docx
def test_any_text_is_preserved_or_refused_cleanly(tmp_path, path, text):
    built = build_in_memory(with_text(path, text), tmp_path)
    if built is None:
        return  # refused with an error (a blank required field, …)
    assert_literal(built, path, text)


# --------------------------------------------------------------------------- validity
def test_generated_project_files_are_schema_valid(tmp_path):
    data = tmp_path / "data" / "2022" / "项目"
    shutil.copytree(DEMO_PROJECTS, data / "广州市应急管理局")
    write_project(data / "其他", with_text(("goal", "completion"), " ".join(HOSTILE)))
    outcome = build_year(tmp_path / "data", 2022, templates_dir=TEMPLATES, out_dir=tmp_path / "output",
                         formats=("docx", "xlsx"))
    files = [p for r in outcome.results for p in r.outputs]
    assert len(files) == 8 and outcome.summary_path is not None
    for path in [*files, outcome.summary_path]:
        assert_valid(path)
