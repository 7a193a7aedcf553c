"""build --format pdf: the form as PDF through LibreOffice, fonts embedded, one
LibreOffice run per build, a clear message when LibreOffice is missing."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import (
    DEMO_TOML,
    REFERENCE_TEXT,
    SAMPLE_TOML,
    make_year,
    needs_office,
    pdf_text,
    run_cli,
    run_reportgen,
    text_similarity,
)

DEMO_PDF = "广州市应急管理局_2022年度部门整体支出绩效自评表.pdf"
needs_pdffonts = pytest.mark.skipif(not shutil.which("pdffonts"), reason="poppler-utils (pdffonts) not installed")


def pdf_fonts(pdf: Path) -> list[tuple[str, str]]:
    """(font name, emb) for every font of a PDF, from pdffonts' table."""
    lines = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout.splitlines()
    header = lines[0]
    emb = header.index("emb")
    return [(line.split()[0], line[emb:emb + 3].strip()) for line in lines[2:] if line.strip()]


@needs_office
@needs_pdffonts
def test_build_pdf_reproduces_the_form_with_embedded_fonts(demo_workspace, tmp_path):
    from tests.conftest import TEMPLATES

    result = run_reportgen("build", "--year", "2022", "--format", "pdf", "--templates", TEMPLATES,
                           cwd=demo_workspace)
    assert result.returncode == 0, result.stderr
    folder = demo_workspace / "output" / "2022"
    pdf = folder / DEMO_PDF
    assert f"已生成：{pdf.relative_to(demo_workspace)}" in result.stdout
    # Only the PDF (and the year's 汇总表): the .docx it came from was rendered to a
    # temporary folder, now gone.
    assert sorted(p.name for p in folder.iterdir()) == [
        "2022年度部门整体支出绩效自评汇总表.xlsx", DEMO_PDF, "生成结果.txt"]

    coverage, ratio = text_similarity(REFERENCE_TEXT.read_text(encoding="utf-8"), pdf_text(pdf))
    print(f"PDF text: 4-gram coverage {coverage:.4f}, order ratio {ratio:.4f}")
    assert coverage >= 0.98
    fonts = pdf_fonts(pdf)
    print("PDF fonts:", fonts)
    assert fonts and all(emb == "yes" for _, emb in fonts), fonts
    assert any("CJK" in name for name, _ in fonts)


@needs_office
def test_docx_xlsx_pdf_of_a_batch_one_libreoffice_run_per_worker(tmp_path, monkeypatch):
    import reportgen.render.pdf as render_pdf

    calls = []
    convert = render_pdf.convert_to_pdf

    def counting(sources, out_dir, **kwargs):
        calls.append([Path(s).name for s in sources])
        return convert(sources, out_dir, **kwargs)

    monkeypatch.setattr(render_pdf, "convert_to_pdf", counting)
    workspace = make_year(tmp_path, DEMO_TOML, SAMPLE_TOML)
    monkeypatch.chdir(workspace)
    result = run_cli("build", "--year", "2022", "--format", "docx,xlsx,pdf", "--jobs", "2")
    assert result.exit_code == 0, result.output
    assert sorted(len(c) for c in calls) == [1, 1], calls  # two LibreOffice at once, a form each
    folder = workspace / "output" / "2022"
    names = sorted(p.name for p in folder.iterdir() if "汇总表" not in p.name and p.suffix != ".txt")
    assert [n.rsplit(".", 1)[1] for n in names] == ["docx", "pdf", "xlsx"] * 2
    assert not [n for n in names if n.startswith(".")]  # no temporary folder left
    for pdf in folder.glob("*.pdf"):
        assert pdf.read_bytes().startswith(b"%PDF")
    sample = next(folder.glob("广州市示例局*.pdf"))
    assert "广州市示例局" in re.sub(r"\s+", "", pdf_text(sample))


def test_missing_libreoffice_is_explained(demo_workspace):
    bin_dir = demo_workspace / "bin"  # a PATH with python but without soffice
    bin_dir.mkdir()
    env = dict(os.environ, PATH=str(bin_dir))
    result = run_reportgen("build", "--year", "2022", "--format", "docx,pdf", cwd=demo_workspace, env=env)
    assert result.returncode == 1
    assert "未找到 LibreOffice，无法生成 PDF" in result.stderr
    assert "apt-get install libreoffice" in result.stderr and "libreoffice.org" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert not (demo_workspace / "output").exists()  # said before building anything


def test_write_pdfs_without_libreoffice_raises_the_chinese_message(tmp_path, monkeypatch):
    import reportgen.render.pdf as render_pdf

    monkeypatch.setattr(render_pdf, "find_soffice", lambda: None)
    scratch = tmp_path / ".pdf-scratch"
    scratch.mkdir()
    (scratch / "x.docx").write_bytes(b"docx")
    job = render_pdf.PdfJob(target=tmp_path / "x.pdf", docx=scratch / "x.docx", scratch=scratch)
    with pytest.raises(render_pdf.OfficeMissing, match="未找到 LibreOffice"):
        render_pdf.write_pdfs([job])
    assert not (tmp_path / "x.pdf").exists()
    assert not scratch.exists()  # the .docx rendered only for the PDF is not left behind


def _fake_office(monkeypatch, fails=()):
    """convert_to_pdf replaced by one that writes a small PDF per source (none for the
    names in `fails`) and records each run's file names and thread."""
    import threading

    import reportgen.render.pdf as render_pdf

    runs = []

    def fake(sources, out_dir, timeout=600):
        runs.append(([Path(s).name for s in sources], threading.current_thread().name))
        out_dir.mkdir(parents=True, exist_ok=True)
        for source in sources:
            if Path(source).name not in fails:
                (out_dir / (Path(source).stem + ".pdf")).write_bytes(b"%PDF-1.7 " + Path(source).read_bytes())
        return [out_dir / (Path(s).stem + ".pdf") for s in sources]

    monkeypatch.setattr(render_pdf, "convert_to_pdf", fake)
    monkeypatch.setattr(render_pdf, "find_soffice", lambda: "/usr/bin/soffice")
    return runs


def test_write_pdfs_shares_the_files_among_workers_and_fails_only_the_forms_not_converted(tmp_path, monkeypatch):
    import reportgen.render.pdf as render_pdf

    runs = _fake_office(monkeypatch, fails={"c.docx"})
    jobs = []
    for folder, name in [("", "a"), ("", "b"), ("", "c"), ("项目/甲", "d"), ("项目/乙", "d")]:
        scratch = tmp_path / "out" / folder / f".pdf-{name}"
        scratch.mkdir(parents=True)
        (scratch / f"{name}.docx").write_bytes(f"{folder}/{name}".encode())
        jobs.append(render_pdf.PdfJob(target=tmp_path / "out" / folder / f"{name}.pdf",
                                      docx=scratch / f"{name}.docx", scratch=scratch))
    written = []
    failed = render_pdf.write_pdfs(jobs, workers=2, on_written=written.append)
    assert set(failed) == {jobs[2]} and "没有生成 c.pdf" in failed[jobs[2]]
    assert sorted(j.target.name for j in written) == ["a.pdf", "b.pdf", "d.pdf", "d.pdf"]
    assert (tmp_path / "out" / "项目" / "甲" / "d.pdf").read_bytes() == "%PDF-1.7 项目/甲/d".encode()
    assert (tmp_path / "out" / "项目" / "乙" / "d.pdf").read_bytes() == "%PDF-1.7 项目/乙/d".encode()
    # two workers (threads), each one LibreOffice run for its share, but the two d.docx
    # (one name, two folders) never in one run: LibreOffice writes d.pdf into one folder
    assert len({thread for _, thread in runs}) == 2
    assert sorted(sorted(names) for names, _ in runs) == [["a.docx", "c.docx", "d.docx"], ["b.docx", "d.docx"]]
    leftovers = [p for p in (tmp_path / "out").rglob("*") if p.name.startswith(".")]
    assert not leftovers, leftovers


def test_a_worker_share_is_split_into_runs_of_bounded_size(monkeypatch):
    import reportgen.render.pdf as render_pdf

    monkeypatch.setattr(render_pdf, "RUN_FILES", 3)
    jobs = [render_pdf.PdfJob(target=Path(f"out/{i}.pdf"), docx=Path(f"s/{i}.docx")) for i in range(10)]
    runs = render_pdf.shares(jobs, 2)
    assert [[len(run) for run in share] for share in runs] == [[3, 2], [3, 2]]
    assert sorted(j.docx.stem for share in runs for run in share for j in run) == sorted(str(i) for i in range(10))


def test_unknown_format_lists_pdf(demo_workspace):
    result = run_reportgen("build", "--year", "2022", "--format", "docx,odt", cwd=demo_workspace)
    assert result.returncode == 2
    assert "odt" in result.stderr and "pdf" in result.stderr
