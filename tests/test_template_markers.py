"""Tag marks in a value are the user's text: Jinja's {{ }} {% %} {# #} and docxtpl's escaped
braces {_{ }_} {_% %_} print as typed in the .docx and the .xlsx of both form kinds. (The
property test found a department reason "%_}" printed as "%}" in the .docx: the renderer
undid docxtpl's escapes in the whole rendered document, values included.)"""

from __future__ import annotations

import copy
import io

import pytest
from openpyxl import load_workbook

from reportgen.batch import build_year
from reportgen.forms.department.contract import CONTRACT
from reportgen.write.toml import dumps
from tests.conftest import TEMPLATES, set_at
from tests.docx_helpers import all_text
from tests.ooxml import assert_valid
from tests.project_helpers import spec_project, write_project
from tests.test_hostile_text import DEMO_DATA
from tests.test_hostile_text import build_in_memory as build_department
from tests.test_project_files import build_in_memory as build_project

MARKERS = ["{%", "%}", "{{", "}}", "{#", "#}", "{_%", "%_}", "{_{", "}_}"]
TEXTS = [
    *MARKERS,
    "{%_}",  # the property test's example
    *(f"原因：{marker}尚未完成" for marker in MARKERS),
    "".join(MARKERS),
    " ".join(MARKERS),
    "{_{ year }_} {_% if true %_}是{_% endif %_}",
    "完成率100%_}_{_{，见附件{#1#}",
]
# Fields of each kind shown in different places: a paragraph or a cell of its own, a cell
# of the indicator rows, a name (a label: surrounding spaces dropped, none here).
FIELDS = {
    "department": [("unmet_reason",), ("goals", 0, "target"), ("indicators", 0, "reason"),
                   ("indicators", 5, "name")],
    "project": [("goal", "completion"), ("project", "unit"), ("indicators", 3, "actual"),
                ("indicators", 3, "reason")],
}
DATA = {"department": lambda: copy.deepcopy(DEMO_DATA), "project": spec_project}
BUILD = {"department": build_department, "project": build_project}


def xlsx_strings(data: bytes) -> list[str]:
    sheet = load_workbook(io.BytesIO(data)).active
    return [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]


def with_texts(kind: str, text: str) -> tuple[dict, list[str]]:
    """The kind's data with each of its fields holding the text after a label of its own
    (so each field is found on its own), and those texts."""
    data, written = DATA[kind](), []
    for index, path in enumerate(FIELDS[kind]):
        written.append(f"栏{index}：{text}")
        set_at(data, path, written[-1])
    return data, written


@pytest.mark.parametrize("kind", FIELDS)
@pytest.mark.parametrize("text", TEXTS)
def test_tag_marks_in_values_print_as_typed(tmp_path, kind, text):
    data, written = with_texts(kind, text)
    built = BUILD[kind](data, tmp_path)
    assert built is not None, "refused"
    docx, xlsx = built
    document, cells = all_text(docx), xlsx_strings(xlsx)
    for value in written:
        assert value in document, (value, kind)
        assert any(value in cell for cell in cells), (value, kind)


def test_a_year_with_tag_marks_builds_them_as_typed(tmp_path):
    """Through the files: a department and a project whose texts hold every mark, built by
    build_year; the written files open, hold the texts and are valid Open XML."""
    text = " ".join(MARKERS) + " {%_}"
    folder = tmp_path / "data" / "2022"
    folder.mkdir(parents=True)
    data, written_department = with_texts("department", text)
    (folder / "广州市应急管理局.toml").write_text(dumps(data, CONTRACT), encoding="utf-8")
    data, written_project = with_texts("project", text)
    data["project"]["department"] = "广州市应急管理局"
    write_project(folder / "项目" / "广州市应急管理局", data)
    outcome = build_year(tmp_path / "data", 2022, templates_dir=TEMPLATES,
                         out_dir=tmp_path / "output", formats=("docx", "xlsx"))
    assert all(r.ok for r in outcome.results), [str(f) for r in outcome.results for f in r.findings]
    outputs = {(r.kind, p.suffix): p for r in outcome.results for p in r.outputs}
    assert len(outputs) == 4, outputs
    for kind, written in (("department", written_department), ("project", written_project)):
        document = all_text(outputs[kind, ".docx"])
        cells = xlsx_strings(outputs[kind, ".xlsx"].read_bytes())
        for value in written:
            assert value in document, (kind, value)
            assert any(value in cell for cell in cells), (kind, value)
        for path in (outputs[kind, ".docx"], outputs[kind, ".xlsx"]):
            assert_valid(path)
