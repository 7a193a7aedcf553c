"""Department names come from users: output names are safe, the form keeps the real name."""

from __future__ import annotations

import pytest

from reportgen.write.files import safe_file_name
from tests.conftest import DEMO_TOML, build_into, make_year
from tests.docx_helpers import all_text


@pytest.mark.parametrize("name, expected", [
    ("广州市应急管理局", "广州市应急管理局"),
    ("../../x", "____x"),
    ("A/B:C*?", "A_B_C__"),
    ('a<b>c"d|e\\f', "a_b_c_d_e_f"),
    ("CON", "_CON"),
    ("nul.txt", "_nul.txt"),
    ("局. . ", "局"),
    ("...", "_"),
    ("", "未命名部门"),
])
def test_safe_file_name(name, expected):
    assert safe_file_name(name) == expected


def test_long_names_are_cut_on_a_character_boundary():
    name = "很长的部门名称" * 40
    safe = safe_file_name(name)
    assert len(safe.encode("utf-8")) <= 150
    assert name.startswith(safe)


@pytest.mark.parametrize("hostile", ["../../x", "A/B:C*?"])
def test_hostile_department_name_stays_inside_output(tmp_path, hostile):
    escaped = hostile.replace("\\", "\\\\")
    text = DEMO_TOML.read_text(encoding="utf-8").replace(
        'name = "广州市应急管理局"', f'name = "{escaped}"')
    source = tmp_path / "src" / "dept.toml"
    source.parent.mkdir()
    source.write_text(text, encoding="utf-8")
    workspace = make_year(tmp_path / "ws", source)
    [result] = build_into(workspace, formats=["docx"])
    assert result.ok
    folder = (workspace / "output" / "2022").resolve()
    for path in result.outputs:
        assert path.resolve().parent == folder
        assert "/" not in path.name and ".." not in path.name
        assert hostile in all_text(path)  # the real name is printed in the form
    written = [p for p in tmp_path.rglob("*") if p.is_file() and "年度" in p.name]
    assert written and all(p.resolve().parent == folder for p in written)
