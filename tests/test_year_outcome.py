"""A year's build as the bureau finds it afterwards: nothing stale standing among the
current forms, every department in the 汇总表, the run's outcome written down."""

from __future__ import annotations

from openpyxl import load_workbook

from tests.conftest import DEMO_TOML, SAMPLE_TOML, TEMPLATES, make_year, run_cli

SUMMARY = "2022年度部门整体支出绩效自评汇总表.xlsx"
STALE = "过期文件（本次未生成，请勿使用）"
FORM = "_2022年度部门整体支出绩效自评表"


def build(workspace, *more):
    return run_cli("build", "--year", 2022, "--data", workspace / "data", "--templates", TEMPLATES,
                   "--output", workspace / "output", "--jobs", 1, *more)


def test_a_department_that_now_fails_leaves_nothing_stale(tmp_path):
    workspace = make_year(tmp_path, DEMO_TOML, SAMPLE_TOML)
    out = workspace / "output" / "2022"
    assert build(workspace).exit_code == 0
    assert {p.name for p in out.glob("广州市示例局*")} == {f"广州市示例局{FORM}.docx", f"广州市示例局{FORM}.xlsx"}

    data = workspace / "data" / "2022" / SAMPLE_TOML.name
    text = data.read_text(encoding="utf-8")
    data.write_text(text.replace("score = 16.80\n", "", 1), encoding="utf-8")  # a score deleted
    result = build(workspace)
    assert result.exit_code == 1
    assert not list(out.glob("广州市示例局*"))  # the old forms do not stand there looking current
    assert {p.name for p in (out / STALE).iterdir()} == {f"广州市示例局{FORM}.docx",
                                                          f"广州市示例局{FORM}.xlsx"}
    assert f"本次未生成的表原有的 2 个旧文件已移到 {out / STALE}" in result.output
    assert f"广州市应急管理局{FORM}.docx" in {p.name for p in out.iterdir()}

    sheet = load_workbook(out / SUMMARY)["汇总"]
    header = [c.value for c in sheet[2]]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    assert [r[1] for r in rows] == ["广州市应急管理局", "广州市示例局"]  # every department
    built, failed = rows
    assert built[header.index("评价等级")] != "未生成"
    assert failed[header.index("评价等级")] == "未生成"
    assert "得分" in failed[2] and "未生成" in failed[2]  # the reason, naming the indicator's 得分

    record = (out / "生成结果.txt").read_text(encoding="utf-8-sig")
    assert "共 2 个部门，已生成 1 个，未生成 1 个" in record
    assert "广州市示例局（广州市示例局.toml）" in record and STALE in record
    assert f"本次结果已记录在：{out / '生成结果.txt'}" in result.output

    # fixed again: built, and the moved copies stay where they were put
    data.write_text(text, encoding="utf-8")
    assert build(workspace).exit_code == 0
    assert len(list(out.glob("广州市示例局*"))) == 2
    rows = [[c.value for c in row] for row in load_workbook(out / SUMMARY)["汇总"].iter_rows(min_row=2)]
    assert "未生成" not in [r[header.index("评价等级")] for r in rows]
    assert "已生成 2 个，未生成 0 个" in (out / "生成结果.txt").read_text(encoding="utf-8-sig")


def test_forms_of_a_department_no_longer_in_the_data_are_moved_aside(tmp_path):
    workspace = make_year(tmp_path, DEMO_TOML, SAMPLE_TOML)
    out = workspace / "output" / "2022"
    assert build(workspace).exit_code == 0
    (workspace / "data" / "2022" / SAMPLE_TOML.name).unlink()
    result = build(workspace)
    assert result.exit_code == 0, result.output
    assert not list(out.glob("广州市示例局*"))
    assert len(list((out / STALE).glob("广州市示例局*"))) == 2
    assert "已移到" in result.output


def test_a_failed_pdf_conversion_leaves_the_department_all_or_none(tmp_path, monkeypatch):
    import subprocess

    from reportgen.render import pdf as render_pdf

    def broken(sources, out_dir, timeout=600):
        raise subprocess.CalledProcessError(81, ["soffice"], stderr=b"crashed")

    monkeypatch.setattr(render_pdf, "convert_to_pdf", broken)
    monkeypatch.setattr(render_pdf, "find_soffice", lambda: "/usr/bin/soffice")
    workspace = make_year(tmp_path, DEMO_TOML)
    out = workspace / "output" / "2022"
    out.mkdir(parents=True)
    old_pdf = out / f"广州市应急管理局{FORM}.pdf"
    old_pdf.write_bytes(b"%PDF- an earlier build")
    result = build(workspace, "--format", "docx,xlsx,pdf")
    assert result.exit_code == 1, result.output
    assert "未能生成 PDF：LibreOffice 转换 PDF 失败（退出码 81）：crashed" in result.output
    # neither new .docx/.xlsx without their PDF, nor the old PDF beside them, nor scratch files
    assert sorted(p.name for p in out.iterdir()) == [SUMMARY, "生成结果.txt"]
