"""Outcomes arriving from the workers share the names they repeat (memory of a year of
thousands of forms), and keep every value."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from reportgen.pipeline import BuildResult
from reportgen.shared_values import SharedValues
from reportgen.validate import Identity


def arrived(name: str) -> BuildResult:
    """A result as a worker sends it: a fresh copy of everything."""
    folder = Path("/out/2022/项目/广州市应急管理局")
    result = BuildResult(
        source=Path(f"/data/2022/项目/广州市应急管理局/{name}.toml"), kind="project", name=name,
        group="广州市应急管理局", outputs=[folder / f"{name}_2022年度项目支出绩效自评表.docx",
                                        folder / f"{name}_2022年度项目支出绩效自评表.xlsx"],
        identity=Identity(name=name, label="项目名称", key=f"广州市应急管理局/{name}",
                          output=f"项目/广州市应急管理局/{name}", where=f"{name}.toml project.name",
                          group="广州市应急管理局"))
    return pickle.loads(pickle.dumps(result))


def test_results_share_what_they_repeat_and_keep_their_values():
    shared = SharedValues()
    sources = [Path(f"/data/2022/项目/广州市应急管理局/{n}.toml") for n in ("甲项目", "乙项目")]
    first, second = (shared.result(arrived(s.stem), s) for s in sources)
    assert first == arrived("甲项目") and second == arrived("乙项目")
    assert first.source is sources[0]
    assert first.group is second.group is first.identity.group is second.identity.group
    assert first.name is first.identity.name
    assert first.identity.label is second.identity.label
    folders = [path.parts[-2] for path in (*first.outputs, *second.outputs)]  # 广州市应急管理局
    assert all(folder is folders[0] for folder in folders)


def test_text_inside_tuples_is_shared_too():
    """A department's summary row carries (一级指标, score) pairs: the names repeat on every row."""
    from decimal import Decimal

    from reportgen.forms.department.compute import SummaryRow

    shared = SharedValues()
    rows = [pickle.loads(pickle.dumps(SummaryRow(
        name=f"部门{i}", units=1, budget_total=Decimal("1.00"), budget_project=Decimal("0.50"),
        total_score=Decimal("90.00"), grade="优", below_full_marks=0,
        level_scores=(("产出指标", Decimal("40.00")), ("效益指标", Decimal("30.00"))))))
        for i in range(2)]
    first, second = (shared.fields(row) for row in rows)
    assert first == rows[0] and second == rows[1]
    assert first.level_scores[1][0] is second.level_scores[1][0] and first.grade is second.grade


def test_a_forms_files_are_kept_as_one_folder_one_name_and_shared_suffixes():
    """The main process keeps where a form's files went as a FormFiles (the folder and the
    suffixes shared by the forms, one name without suffix), not a Path per file; it gives
    the same paths, takes the PDF appended after conversion, and files that are not one
    folder and one name stay a list."""
    from reportgen.shared_values import FormFiles

    shared = SharedValues()
    first, second = (shared.result(arrived(n), Path(f"/data/{n}.toml")) for n in ("甲项目", "乙项目"))
    assert isinstance(first.outputs, FormFiles) and first.outputs == arrived("甲项目").outputs
    assert list(first.outputs) == arrived("甲项目").outputs and len(first.outputs) == 2
    assert first.outputs[1] == arrived("甲项目").outputs[1] and first.outputs[-1:] == arrived("甲项目").outputs[-1:]
    assert first.outputs.folder is second.outputs.folder and first.outputs.suffixes is second.outputs.suffixes
    pdf = first.outputs[0].with_suffix(".pdf")
    first.outputs.append(pdf)
    assert list(first.outputs) == [*arrived("甲项目").outputs, pdf] and len(second.outputs) == 2
    with pytest.raises(ValueError):
        first.outputs.append(Path("/elsewhere/甲项目.pdf"))
    assert set(first.outputs) == {*arrived("甲项目").outputs, pdf}
    mixed = arrived("丙项目")
    mixed.outputs = [mixed.outputs[0], Path("/out/2022/其他/丙项目.xlsx")]
    kept = shared.result(mixed, Path("/data/丙项目.toml")).outputs
    assert isinstance(kept, list) and kept == mixed.outputs
    assert shared.result(BuildResult(source=Path("/d/x.toml"), kind="project"), Path("/d/x.toml")).outputs == []
