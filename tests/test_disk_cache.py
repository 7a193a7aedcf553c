"""The prepared templates and their check kept on disk between runs (reportgen.disk_cache):
a hit gives what preparing gives, a changed template or library version misses, a cache
that cannot be used is skipped, and a warm one-department build loads neither openpyxl nor
docxtpl."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

from reportgen import disk_cache
from tests.conftest import DEMO_TOML, TEMPLATES, make_year, rendering_of


def counting(value):
    calls = []

    def make():
        calls.append(1)
        return value

    return make, calls


def test_an_entry_is_reused_for_the_same_content_and_missed_for_another(tmp_path, monkeypatch):
    monkeypatch.setenv(disk_cache.ENV_VAR, str(tmp_path / "cache"))
    source = tmp_path / "t.docx"
    source.write_bytes(b"one")
    make, calls = counting({"a": 1})
    assert disk_cache.cached("k", source, make) == {"a": 1}
    assert disk_cache.cached("k", source, make) == {"a": 1}
    assert len(calls) == 1
    source.write_bytes(b"two")  # same name, other content
    assert disk_cache.cached("k", source, make) == {"a": 1} and len(calls) == 2
    assert disk_cache.cached("k", source, make, extra=b"other variables") and len(calls) == 3
    monkeypatch.setattr(disk_cache, "versions", lambda: b"another jinja2")  # a library upgraded
    assert disk_cache.cached("k", source, make) and len(calls) == 4
    assert not [p for p in (tmp_path / "cache").iterdir() if p.suffix == ".tmp"]


def test_a_cache_that_cannot_be_used_is_skipped(tmp_path, monkeypatch):
    source = tmp_path / "t.docx"
    source.write_bytes(b"one")
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(disk_cache.ENV_VAR, str(blocker / "cache"))
    make, calls = counting([1])
    assert disk_cache.cached("k", source, make) == [1] and disk_cache.cached("k", source, make) == [1]
    assert len(calls) == 2
    monkeypatch.setenv(disk_cache.ENV_VAR, str(tmp_path / "cache"))
    disk_cache.cached("k", source, make)
    [entry] = (tmp_path / "cache").iterdir()
    entry.write_bytes(b"damaged")
    assert disk_cache.cached("k", source, make) == [1] and len(calls) == 4  # made again, and rewritten
    assert disk_cache.cached("k", source, make) == [1] and len(calls) == 4


def test_prepared_templates_from_the_cache_render_the_same_bytes(tmp_path, monkeypatch):
    from reportgen.render import docx as render_docx
    from reportgen.render.xlsx import preparation, render_xlsx
    from reportgen.write.files import reproducible_package

    monkeypatch.setenv(disk_cache.ENV_VAR, str(tmp_path / "cache"))
    rendering = rendering_of(DEMO_TOML)
    docx, xlsx = TEMPLATES / "department" / "自评表.docx", TEMPLATES / "department" / "自评表.xlsx"
    outputs = []
    for _ in range(2):  # cold (prepared and stored), then warm (loaded)
        monkeypatch.setattr(render_docx, "_PREPARED", {})
        monkeypatch.setattr(preparation, "_PREPARED", {})
        outputs.append((render_docx.render_docx(rendering, docx), render_xlsx(rendering, xlsx)))
    assert len(list((tmp_path / "cache").glob("*-template-*.pickle"))) == 2
    stamp = __import__("datetime").datetime(2023, 1, 1)
    (docx_cold, xlsx_cold), (docx_warm, xlsx_warm) = outputs
    assert reproducible_package(docx_cold, stamp) == reproducible_package(docx_warm, stamp)
    assert reproducible_package(xlsx_cold, stamp) == reproducible_package(xlsx_warm, stamp)


def test_a_changed_template_is_never_served_from_the_cache(tmp_path, monkeypatch):
    import zipfile

    from reportgen.render import docx as render_docx

    monkeypatch.setenv(disk_cache.ENV_VAR, str(tmp_path / "cache"))
    template = tmp_path / "自评表.docx"
    shutil.copy(TEMPLATES / "department" / "自评表.docx", template)
    rendering = rendering_of(DEMO_TOML)
    render_docx.prepare(template)  # stored
    with zipfile.ZipFile(TEMPLATES / "department" / "自评表.docx") as source, \
            zipfile.ZipFile(template, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                data = data.replace("部门整体支出绩效自评表".encode(), "部门整体支出绩效自评表（新）".encode(), 1)
            target.writestr(info, data)
    form = render_docx.prepare(template)
    text = form.compiled["word/document.xml"].render(rendering.context)
    assert "部门整体支出绩效自评表（新）" in text


def test_a_warm_one_department_build_loads_neither_openpyxl_nor_docxtpl(tmp_path):
    workspace = make_year(tmp_path, DEMO_TOML)
    script = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from reportgen.cli import cli\n"
        f"r = CliRunner().invoke(cli, ['build', '--year', '2022', '--jobs', '1', '--templates', {str(TEMPLATES)!r},"
        " '--dept', '广州市应急管理局'])\n"
        "assert r.exit_code == 0, r.output\n"
        "print(sorted(m for m in ('openpyxl', 'docxtpl') if m in sys.modules))\n"
    )
    env = dict(os.environ, **{disk_cache.ENV_VAR: str(tmp_path / "cache")})  # empty at first
    runs = [subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=workspace,
                           env=env, timeout=120) for _ in range(2)]
    assert all(r.returncode == 0 for r in runs), runs[-1].stderr
    assert runs[0].stdout.strip() == "['docxtpl', 'openpyxl']"  # cold: prepared
    assert runs[1].stdout.strip() == "[]"  # warm: loaded from the cache


def test_old_entries_are_pruned(tmp_path, monkeypatch):
    monkeypatch.setenv(disk_cache.ENV_VAR, str(tmp_path / "cache"))
    monkeypatch.setattr(disk_cache, "KEEP", 3)
    source = tmp_path / "t.docx"
    for n in range(5):
        source.write_bytes(b"version %d" % n)
        disk_cache.cached("k", source, lambda n=n: n)
        time.sleep(0.01)  # distinct file times
    assert len(list((tmp_path / "cache").iterdir())) == 3
    assert disk_cache.cached("k", source, lambda: "made again") == 4  # the newest is kept
