"""reportgen init and the templates/sample data shipped inside the package: the tool
works outside this repository after a plain `pip install .`."""

from __future__ import annotations

import configparser
import glob
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document

from tests.conftest import DEMO_TOML, ROOT, TEMPLATES, run_reportgen
from tests.project_helpers import DEMO_PROJECTS

DOCX_TEMPLATE = TEMPLATES / "department" / "自评表.docx"

DEMO_DOCX = "广州市应急管理局_2022年度部门整体支出绩效自评表.docx"


def test_init_creates_a_working_folder_that_builds(tmp_path):
    result = run_reportgen("init", "ws", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    workspace = tmp_path / "ws"
    assert (workspace / "data" / "2022" / DEMO_TOML.name).read_bytes() == DEMO_TOML.read_bytes()
    assert (workspace / "templates" / "department" / "自评表.docx").read_bytes() == DOCX_TEMPLATE.read_bytes()
    assert (workspace / "docs" / "模板编辑说明.md").is_file()
    assert (workspace / "output").is_dir()
    assert "已创建：ws/templates/department/自评表.docx" in result.stdout
    assert "cd ws && reportgen build --year 2022" in result.stdout

    # The workspace's own templates are used: an edit there shows in the output.
    template = workspace / "templates" / "department" / "自评表.docx"
    document = Document(str(template))
    document.paragraphs[0].runs[0].text = "部门整体支出绩效自评报告表"
    document.save(str(template))
    build = run_reportgen("build", "--year", "2022", "--format", "docx", cwd=workspace)
    assert build.returncode == 0, build.stderr
    output = workspace / "output" / "2022" / DEMO_DOCX
    assert Document(str(output)).paragraphs[0].text == "部门整体支出绩效自评报告表"

    # init again keeps what is there.
    again = run_reportgen("init", "ws", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "已存在，未改动：ws/templates/department/自评表.docx" in again.stdout
    assert Document(str(template)).paragraphs[0].text == "部门整体支出绩效自评报告表"


def test_without_a_templates_folder_the_packaged_templates_are_used(demo_workspace):
    assert not (demo_workspace / "templates").exists()
    build = run_reportgen("build", "--year", "2022", "--format", "docx", cwd=demo_workspace)
    assert build.returncode == 0, build.stderr
    assert (demo_workspace / "output" / "2022" / DEMO_DOCX).is_file()


def test_packaged_templates_and_data_are_the_repository_folders():
    """One source of truth: what reportgen finds is the top-level templates/ and data/
    (an editable install or checkout) or exact copies of them (a built install)."""
    from reportgen.resources import packaged_templates_dir, sample_data_dir

    for shipped, source in ((packaged_templates_dir(), TEMPLATES), (sample_data_dir(), ROOT / "data")):
        for path in source.rglob("*"):
            if path.is_file() and path.suffix in (".docx", ".xlsx", ".toml"):
                assert (shipped / path.relative_to(source)).read_bytes() == path.read_bytes(), path


# The folders shipped inside the package (setup.cfg package_dir) and their package names.
SHIPPED = {"templates": "reportgen.templates", "data": "reportgen.sample_data", "docs": "reportgen.docs"}


def shipped_sources() -> dict[str, list[str]]:
    """{folder: its files that are committed (git ls-files), as paths under the folder};
    without git, the files there now (hidden and cache files left out, as init does)."""
    from reportgen.resources import _visible

    found: dict[str, list[str]] = {}
    for folder in SHIPPED:
        listed = None
        if shutil.which("git") and (ROOT / ".git").exists():
            run = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z", "--", folder], capture_output=True)
            if run.returncode == 0:
                listed = [Path(name).relative_to(folder).as_posix()
                          for name in run.stdout.decode("utf-8").split("\0") if name]
        if listed is None:
            listed = [path.relative_to(ROOT / folder).as_posix() for path in (ROOT / folder).rglob("*")
                      if path.is_file()]
        found[folder] = sorted(name for name in listed
                               if all(_visible(Path(part)) for part in Path(name).parts))
    return found


def test_every_committed_sample_matches_the_package_data_patterns():
    """A sample, template or guide in git that setup.cfg's package_data patterns miss
    would be absent from a normal install (the sample projects under data/2022/项目/<部门>/
    were: `*/*.toml` reaches one folder down only). Checked here as setuptools globs them
    (recursive, from the package's folder), without building; the slow test below checks
    a real install."""
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    patterns = {package: [p.strip() for p in text.replace("\n", ",").split(",") if p.strip()]
                for package, text in config["options.package_data"].items()}
    sources = shipped_sources()
    assert any("/项目/" in name for name in sources["data"]), sources  # the nested samples are there
    for folder, package in SHIPPED.items():
        matched = {Path(hit).relative_to(ROOT / folder).as_posix()
                   for pattern in patterns[package]
                   for hit in glob.glob(str(ROOT / folder / pattern), recursive=True)}
        missing = [name for name in sources[folder] if name not in matched]
        assert not missing, f"setup.cfg [options.package_data] {package} does not ship {missing}"


def test_init_into_a_file_is_refused(tmp_path):
    (tmp_path / "ws").write_text("x")
    result = run_reportgen("init", "ws", cwd=tmp_path)
    assert result.returncode == 1 and "不是文件夹" in result.stderr


# ---------------------------------------------------------------- a real installation

_NOT_SHIPPED = shutil.ignore_patterns(".git", "output", "build", "dist", "*.egg-info", "__pycache__",
                                      ".pytest_cache", ".ruff_cache", ".benchmarks", ".venv", "tests",
                                      "benchmarks")


def _clean_env(venv: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return env


def _run(command: list, cwd: Path, env: dict[str, str], timeout: int = 900) -> subprocess.CompletedProcess:
    result = subprocess.run([str(c) for c in command], cwd=cwd, env=env, capture_output=True, text=True,
                            timeout=timeout)
    assert result.returncode == 0, f"{command}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


def _init_and_build(venv: Path, where: Path, env: dict[str, str]) -> Path:
    reportgen = venv / "bin" / "reportgen"
    _run([reportgen, "init", "ws"], where, env)
    build = _run([reportgen, "build", "--year", "2022"], where / "ws", env)
    output = where / "ws" / "output" / "2022" / DEMO_DOCX
    assert f"已生成：output/2022/{DEMO_DOCX}" in build.stdout
    assert "共 1 个部门、3 个项目，全部生成。" in build.stdout  # the sample projects too
    summary = where / "ws" / "output" / "2022" / "2022年度部门整体支出绩效自评汇总表.xlsx"
    assert summary.is_file() and f"已生成汇总表：output/2022/{summary.name}" in build.stdout  # its theme shipped
    assert "部门整体支出绩效自评表" in [p.text for p in Document(str(output)).paragraphs]
    assert "广州市应急管理局" in Document(str(output)).tables[0].cell(1, 1).text
    return output


@pytest.mark.slow
def test_pip_install_then_init_and_build(tmp_path):
    """`pip install .` (not editable) into a fresh venv, then init + build anywhere;
    then the same with `pip install -e .`."""
    source = tmp_path / "reportgen-src"  # a copy, so the build leaves nothing in the repository
    shutil.copytree(ROOT, source, ignore=_NOT_SHIPPED)
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", venv], tmp_path, dict(os.environ))
    env = _clean_env(venv)
    python = venv / "bin" / "python"
    pip = [python, "-m", "pip", "install", "--disable-pip-version-check", "--quiet"]

    _run([*pip, source], tmp_path, env)
    where = _run([python, "-c", "import reportgen, pathlib; print(pathlib.Path(reportgen.__file__).parent)"],
                 tmp_path, env).stdout.strip()
    package = Path(where)
    assert package.is_relative_to(venv), where  # installed, not the repository
    assert (package / "templates" / "department" / "自评表.docx").read_bytes() == DOCX_TEMPLATE.read_bytes()
    assert (package / "sample_data" / "2022" / DEMO_TOML.name).is_file()
    assert (package / "docs" / "模板编辑说明.md").is_file()
    for folder, shipped in shipped_sources().items():  # every committed sample, template, guide
        inside = package / SHIPPED[folder].split(".", 1)[1]
        missing = [name for name in shipped if not (inside / name).is_file()]
        assert not missing, f"not in the installed package: {folder}/{missing}"
        for name in shipped:
            assert (inside / name).read_bytes() == (ROOT / folder / name).read_bytes(), name
    plain = tmp_path / "plain"
    plain.mkdir()
    _init_and_build(venv, plain, env)
    # init gave the sample projects too, and both forms were built from them
    projects = sorted((plain / "ws" / "data" / "2022" / "项目").rglob("*.toml"))
    assert [p.name for p in projects] == sorted(p.name for p in DEMO_PROJECTS.glob("*.toml")) and projects
    built = plain / "ws" / "output" / "2022" / "项目" / "广州市应急管理局"
    for project in projects:
        for suffix in (".docx", ".xlsx"):
            output = built / f"{project.stem}_2022年度项目支出绩效自评表{suffix}"
            assert output.is_file(), output
    form = Document(str(built / f"{projects[0].stem}_2022年度项目支出绩效自评表.docx"))
    assert "项目支出绩效自评表" in "".join(p.text for p in form.paragraphs)
    assert projects[0].stem.removeprefix("示例：") in "".join(c.text for c in form.tables[0]._cells)

    # No templates folder at all: the packaged templates.
    bare = tmp_path / "bare"
    shutil.copytree(plain / "ws" / "data", bare / "data")
    _run([venv / "bin" / "reportgen", "build", "--year", "2022", "--format", "docx"], bare, env)
    assert (bare / "output" / "2022" / DEMO_DOCX).is_file()

    # Editable: the templates are the source folder's own.
    _run([*pip, "-e", source], tmp_path, env)
    editable = tmp_path / "editable"
    editable.mkdir()
    _init_and_build(venv, editable, env)
    found = _run([python, "-c", "from reportgen.resources import packaged_templates_dir as d; print(d())"],
                 editable, env).stdout.strip()
    assert Path(found) == source / "templates"


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_init_from_a_checkout_copies_the_committed_samples_not_local_edits(tmp_path):
    """Run from a source checkout (an editable install), data/ and templates/ are also the
    checkout's own working folders: init copies what is committed, not the user's edits
    or departments."""
    checkout = tmp_path / "checkout"
    for name in ("reportgen", "templates", "data", "docs"):
        shutil.copytree(ROOT / name, checkout / name, ignore=shutil.ignore_patterns("__pycache__"))
    git = ["git", "-C", str(checkout), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "samples"]):
        subprocess.run([*git, *command], check=True, capture_output=True)
    sample = checkout / "data" / "2022" / DEMO_TOML.name
    sample.write_text(sample.read_text(encoding="utf-8").replace("score = 19.54", "score = 1.00"),
                      encoding="utf-8")  # the user's own edit
    (checkout / "data" / "2022" / "某某局.toml").write_text("# a real department\n", encoding="utf-8")
    template = checkout / "templates" / "department" / "自评表.docx"
    document = Document(str(template))
    document.paragraphs[0].runs[0].text = "本地修改的标题"
    document.save(str(template))

    env = dict(os.environ, PYTHONPATH=str(checkout))  # reportgen imported from the checkout
    result = subprocess.run([sys.executable, "-m", "reportgen", "init", "ws"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    workspace = tmp_path / "ws"
    assert (workspace / "data" / "2022" / DEMO_TOML.name).read_bytes() == DEMO_TOML.read_bytes()
    assert not (workspace / "data" / "2022" / "某某局.toml").exists()
    assert (workspace / "templates" / "department" / "自评表.docx").read_bytes() == DOCX_TEMPLATE.read_bytes()
    assert (workspace / "docs" / "模板编辑说明.md").is_file()
