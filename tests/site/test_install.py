"""A non-editable install: the site's templates and migrations are in the package, and
without the `serve` extra `reportgen serve` says in Chinese what to install."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from tests.site.conftest import ROOT


@pytest.mark.slow
def test_pip_install_ships_the_site_and_serve_asks_for_the_extra(tmp_path):
    source = tmp_path / "src"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".git", ".venv", "output", "*.egg-info",
                                                                "__pycache__", ".pytest_cache", ".ruff_cache"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REPORTGEN_", "DJANGO_", "PYTHON"))}
    python = venv / "bin" / "python"
    subprocess.run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", source],
                   check=True, env=env, cwd=tmp_path)
    where = subprocess.run([python, "-c", "import reportgen, pathlib; print(pathlib.Path(reportgen.__file__).parent)"],
                           capture_output=True, text=True, env=env, cwd=tmp_path, check=True).stdout.strip()
    site = os.path.join(where, "site")
    for part in ("templates/base.html", "templates/filings/filing.html", "templates/registration/login.html",
                 "templates/admin/base_site.html", "filings/migrations/0001_initial.py",
                 "accounts/migrations/0001_initial.py", "audit/migrations/0001_initial.py"):
        assert os.path.isfile(os.path.join(site, part)), part
    done = subprocess.run([venv / "bin" / "reportgen", "serve"], capture_output=True, text=True, env=env,
                          cwd=tmp_path)
    assert done.returncode == 1 and 'pip install "reportgen[serve]"' in done.stderr and "Traceback" not in done.stderr
