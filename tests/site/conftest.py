"""The site's tests: Django set up on a temporary instance folder, tasks run in the request
(REPORTGEN_TASKS=immediate), a fast password hasher. Skipped without the `serve` extra."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

pytest.importorskip("django", reason="网站测试需要 Django：python -m pip install -e \".[test]\"")
pytest.importorskip("pytest_django", reason="网站测试需要 pytest-django：python -m pip install -e \".[test]\"")

_INSTANCE = Path(tempfile.mkdtemp(prefix="reportgen-site-test-"))
(_INSTANCE / "static").mkdir()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reportgen.site.settings")
os.environ["REPORTGEN_INSTANCE"] = str(_INSTANCE)
os.environ["REPORTGEN_WORK_DIR"] = str(_INSTANCE)
os.environ.setdefault("REPORTGEN_SECRET_KEY", "test-only-" + "k" * 50)
os.environ["REPORTGEN_TASKS"] = "immediate"
os.environ.setdefault("REPORTGEN_PDF", "0")

import django  # noqa: E402

django.setup()

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "2022"
DEPT_A = "广州市应急管理局"
DEPT_B = "广州市示例局"
PASSWORD = "Zz-test-password-1"


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(_INSTANCE, ignore_errors=True)


@pytest.fixture(autouse=True)
def _fast(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGE_ROOT = tmp_path / "instance"
    settings.STORAGE_ROOT.mkdir()


@pytest.fixture
def year(db):
    from reportgen.site.accounts.services import ensure_groups
    from reportgen.site.filings.models import Year

    ensure_groups()
    return Year.objects.create(year=2022)


def make_user(name: str, role: str, dept: str | None = None):
    from reportgen.site.accounts.services import user_create

    return user_create(name=name, password=PASSWORD, role=role, department=dept)


@pytest.fixture
def clerk_a(year):
    return make_user("clerk_a", "clerk", DEPT_A)


@pytest.fixture
def clerk_b(year):
    return make_user("clerk_b", "clerk", DEPT_B)


@pytest.fixture
def reviewer(year):
    return make_user("reviewer", "reviewer")


def client_for(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def demo_files() -> list:
    """The demo department and its three projects, as uploads."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    paths = [DEMO / f"{DEPT_A}.toml", *sorted((DEMO / "项目" / DEPT_A).glob("*.toml"))]
    return [SimpleUploadedFile(p.name, p.read_bytes(), content_type="application/octet-stream") for p in paths]


def upload(client, filing, files, capture):
    from django.urls import reverse

    with capture(execute=True):
        return client.post(reverse("upload", args=[filing.pk]), {"files": files})


@pytest.fixture
def filing_a(clerk_a, year):
    from reportgen.site.accounts.models import Department
    from reportgen.site.filings.services import filing_for

    return filing_for(Department.objects.get(name=DEPT_A), year)


@pytest.fixture
def filing_b(clerk_b, year):
    from reportgen.site.accounts.models import Department
    from reportgen.site.filings.services import filing_for

    return filing_for(Department.objects.get(name=DEPT_B), year)
