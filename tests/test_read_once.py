"""Each data file is read once per run (build of a year, with or without --dept, and
check), and a second file of one form found from that one reading is refused as before."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from openpyxl import load_workbook

from benchmarks.synthetic import synthetic_departments, synthetic_projects
from tests.conftest import DEMO_TOML, TEMPLATES, run_cli


def count_reads(monkeypatch) -> Counter:
    from reportgen import pipeline

    reads: Counter = Counter()
    real = pipeline.read_input

    def counted(path, kind):
        reads[path.name] += 1
        return real(path, kind)

    monkeypatch.setattr(pipeline, "read_input", counted)
    return reads


def year(tmp_path: Path) -> Path:
    folder = tmp_path / "data" / "2022"
    synthetic_departments(folder, 3)
    synthetic_projects(folder / "项目", 4, departments=2)
    return tmp_path / "data"


def test_a_year_build_reads_each_file_once(tmp_path, monkeypatch):
    from reportgen.batch import build_year

    data, reads = year(tmp_path), count_reads(monkeypatch)
    outcome = build_year(data, 2022, templates_dir=TEMPLATES, out_dir=tmp_path / "output",
                         formats=("xlsx",), jobs=1)
    assert len(outcome.built) == 7 and outcome.summary_path is not None
    assert len(reads) == 7 and set(reads.values()) == {1}

    reads.clear()
    outcome = build_year(data, 2022, templates_dir=TEMPLATES, out_dir=tmp_path / "output",
                         formats=("xlsx",), departments=["示例部门0001"], jobs=1)
    assert sorted(r.source.name for r in outcome.built) == ["示例部门0001.toml", "示例项目00001.toml",
                                                           "示例项目00003.toml"]
    assert len(reads) == 7 and set(reads.values()) == {1}  # every file identified, none read again


def test_check_reads_each_file_once(tmp_path, monkeypatch):
    data, reads = year(tmp_path), count_reads(monkeypatch)
    result = run_cli("check", "--year", "2022", "--data", data)
    assert result.exit_code == 0, result.output
    assert "共检查 3 个部门文件、4 个项目文件" in result.output
    assert len(reads) == 7 and set(reads.values()) == {1}


def two_names_and_a_third_giving_the_same_file(tmp_path: Path) -> Path:
    demo = DEMO_TOML.read_text(encoding="utf-8")
    folder = tmp_path / "data" / "2022"
    folder.mkdir(parents=True)
    for stem, name in [("ab1", "A/B局"), ("ab2", "A/B局"), ("ab3", "A:B局")]:
        (folder / f"{stem}.toml").write_text(demo.replace('name = "广州市应急管理局"', f'name = "{name}"'),
                                             encoding="utf-8")
    return folder


def test_a_third_name_giving_the_same_file_keeps_its_own_file(tmp_path):
    """Two files with one name are refused after they were built (their files removed);
    a third whose name gives the same output file is not a duplicate of either and keeps
    its form, with its own content."""
    from reportgen.batch import build_year

    two_names_and_a_third_giving_the_same_file(tmp_path)
    outcome = build_year(tmp_path / "data", 2022, templates_dir=TEMPLATES, out_dir=tmp_path / "output",
                         formats=("xlsx",), jobs=1)
    by_file = {r.source.name: r for r in outcome.results}
    assert [r.source.name for r in outcome.built] == ["ab3.toml"]
    for refused in ("ab1.toml", "ab2.toml"):
        assert not by_file[refused].outputs
        assert any("部门名称「A/B局」与" in f.message and "相同" in f.message for f in by_file[refused].findings)
    [output] = by_file["ab3.toml"].outputs
    assert [p.name for p in output.parent.glob("A_B局*")] == [output.name]
    cells = {c.value for row in load_workbook(output).active.iter_rows() for c in row}
    assert any(isinstance(v, str) and "A:B局" in v for v in cells)
    assert not any(isinstance(v, str) and "A/B局" in v for v in cells)


def test_after_ctrl_c_a_form_whose_file_a_duplicate_overwrote_counts_as_not_reached(tmp_path):
    from reportgen.batch import YearBuild, _refuse_duplicates, build_many
    from reportgen.forms.registry import get_kind

    folder = two_names_and_a_third_giving_the_same_file(tmp_path)
    kind = get_kind("department")
    sources = {kind: sorted(folder.glob("*.toml"))}
    results = build_many([(kind.key, p) for p in sources[kind]], 2022, templates_dir=TEMPLATES,
                         out_dir=tmp_path / "output", formats=("xlsx",))
    assert all(r.ok for r in results)
    outcome = YearBuild(results=[])
    kept = _refuse_duplicates(results, sources, outcome, rebuild=None)
    assert [(r.source.name, r.ok) for r in kept] == [("ab1.toml", False), ("ab2.toml", False)]
    assert not list((tmp_path / "output").rglob("A_B局*"))  # nothing left that looks current
    assert outcome.identities[folder / "ab3.toml"].name == "A:B局"
