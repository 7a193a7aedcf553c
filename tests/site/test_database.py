"""The database the run was asked for is the one the tests use (CI runs the site's tests on
SQLite, then with REPORTGEN_DB=postgres), and SQLite is set up for many writers."""

from __future__ import annotations

import os

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_the_database_is_the_one_asked_for():
    wanted = {"postgres": "postgresql", "sqlite": "sqlite"}[os.environ.get("REPORTGEN_DB", "sqlite")]
    assert connection.vendor == wanted


def test_sqlite_waits_for_writers_in_order():
    from reportgen.site import settings

    if connection.vendor != "sqlite":
        pytest.skip("只对 SQLite 检查")
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE" and options["timeout"] == 20
    assert "journal_mode=WAL" in options["init_command"]
