"""Shared test helpers: paths, building into a temporary folder, LibreOffice conversion."""

from __future__ import annotations

import difflib
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
DEMO_TOML = ROOT / "data" / "2022" / "广州市应急管理局.toml"
SAMPLE_TOML = FIXTURES / "2022" / "广州市示例局.toml"
REFERENCE_TEXT = FIXTURES / "reference_2022.txt"
TEMPLATES = ROOT / "templates"

@pytest.fixture(autouse=True, scope="session")
def _template_cache(tmp_path_factory):
    """The prepared-template cache (reportgen.disk_cache) of the test run: its own folder,
    never the user's; subprocesses inherit it."""
    os.environ["REPORTGEN_CACHE_DIR"] = str(tmp_path_factory.mktemp("reportgen-cache"))


HAS_SOFFICE = bool(shutil.which("soffice") or shutil.which("libreoffice"))
needs_office = pytest.mark.skipif(
    not HAS_SOFFICE, reason="LibreOffice (soffice) is not installed; CI installs it")


def fourgrams(text: str) -> set[str]:
    flat = re.sub(r"\s+", "", text)
    return {flat[i:i + 4] for i in range(len(flat) - 3)}


def text_similarity(reference: str, produced: str) -> tuple[float, float]:
    """(share of the reference's distinct 4-grams found in produced, difflib order ratio),
    whitespace ignored."""
    ref_grams = fourgrams(reference)
    coverage = len(ref_grams & fourgrams(produced)) / len(ref_grams)
    a, b = re.sub(r"\s+", "", reference), re.sub(r"\s+", "", produced)
    ratio = difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()
    return coverage, ratio


def pdf_text(pdf: Path) -> str:
    """The PDF's text in content-stream order (-raw): LibreOffice writes a table cell by
    cell, so this keeps each cell's text together, like the reference extraction."""
    return subprocess.run(["pdftotext", "-raw", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout


def to_pdf(source: Path, out_dir: Path) -> Path:
    from reportgen.render.pdf import convert_to_pdf

    return convert_to_pdf([source], out_dir)[0]


def set_at(data: dict, path: tuple, value) -> dict:
    """data with the value at a key path (('indicators', 0, 'name')) replaced; returns data."""
    node = data
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return data


def make_year(tmp_path: Path, *sources: Path, year: int = 2022) -> Path:
    """A workspace with data/<year>/ holding copies of the given department files."""
    folder = tmp_path / "data" / str(year)
    folder.mkdir(parents=True)
    for source in sources:
        shutil.copy(source, folder / source.name)
    return tmp_path


def build_into(workspace: Path, year: int = 2022, formats=None, templates_dir: Path = TEMPLATES):
    """Run the pipeline for every department of a workspace; returns the BuildResults."""
    from reportgen.pipeline import FORMATS, build_file, find_files

    return [
        build_file(DEPARTMENT(), source, year, templates_dir=templates_dir,
                   out_dir=workspace / "output", formats=formats or FORMATS)
        for source in find_files(DEPARTMENT(), workspace / "data", year)
    ]


def DEPARTMENT():  # noqa: N802 - reads as the constant it stands for
    """The department form kind (imported when first needed)."""
    from reportgen.forms.registry import get_kind

    return get_kind("department")


def load_demo(source: Path = DEMO_TOML):
    """The validated department (Built: .model, .evaluation) of a data file."""
    from reportgen.pipeline import load

    return load(DEPARTMENT(), source)


def rendering_of(source: Path = DEMO_TOML):
    return DEPARTMENT().rendering(load_demo(source))


@pytest.fixture
def demo_workspace(tmp_path: Path) -> Path:
    return make_year(tmp_path, DEMO_TOML)


@pytest.fixture
def sample_workspace(tmp_path: Path) -> Path:
    return make_year(tmp_path, SAMPLE_TOML)


def run_cli(*args):
    """Run the reportgen command line in-process (click's CliRunner; stdout and stderr
    mixed in result.output)."""
    from click.testing import CliRunner

    from reportgen.cli import cli

    return CliRunner().invoke(cli, [str(a) for a in args])


def convert_file(source: Path, target: Path) -> Path:
    """`reportgen convert SOURCE -o TARGET` (the format from TARGET's suffix)."""
    result = run_cli("convert", source, "--to", target.suffix.lstrip("."), "-o", target)
    assert result.exit_code == 0, result.output
    return target


def copy_templates(target: Path) -> Path:
    """A copy of the shipped templates folder, for tests that edit templates."""
    shutil.copytree(TEMPLATES, target, ignore=shutil.ignore_patterns("__pycache__", "~$*"))
    return target


def build_with(workspace: Path, templates_dir: Path, year: int = 2022, formats=("docx",)):
    """build_into with another templates folder."""
    return build_into(workspace, year, formats, templates_dir)


def run_reportgen(*args, cwd: Path, env: dict | None = None, executable: str | None = None):
    """The command line as a real subprocess (so a traceback would show in stderr)."""
    import sys

    command = [executable] if executable else [sys.executable, "-m", "reportgen"]
    return subprocess.run([*command, *map(str, args)], cwd=cwd, capture_output=True, text=True,
                          timeout=600, env=env)
