"""Every URL of the site, walked as department A's clerk with department B's ids: none may
answer with B's data (403 or 404). The URLs come from the URLconf itself, so a new URL cannot
be forgotten: a URL argument this test does not know fails it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.site.conftest import client_for, demo_files, make_user, upload

pytestmark = pytest.mark.django_db


def walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # staff only, tested below
            yield from walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def fill(route: str, values: dict) -> str:
    import re

    def one(match):
        name = match.group(2)
        assert name in values, f"URL {route}: unknown argument <{name}>; add department B's value to this test"
        return str(values[name])
    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", one, route)


@pytest.fixture
def b_objects(clerk_b, filing_b, reviewer, django_capture_on_commit_callbacks):
    """Department B with a version, a build and its files, and a summary of its year."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from reportgen.site.filings.models import Summary
    from tests.conftest import SAMPLE_TOML

    upload(client_for(clerk_b), filing_b, [SimpleUploadedFile(SAMPLE_TOML.name, SAMPLE_TOML.read_bytes())],
           django_capture_on_commit_callbacks)
    filing_b.refresh_from_db()
    assert filing_b.get_state_display() == "已生成", filing_b.uploads.first().findings
    version_file = filing_b.current_version.files.first()
    build_file = filing_b.current_build.files.first()
    summary = Summary.objects.create(year=filing_b.year, departments=["广州市示例局"])
    return {"filing_id": filing_b.pk, "version_file_id": version_file.pk, "build_file_id": build_file.pk,
            "name": "", "summary_id": summary.pk, "year_id": filing_b.year_id, "which": "department",
            "_names": {"version_file_id": version_file.name, "build_file_id": build_file.name}}


def test_it_refuses_department_b_to_department_a(clerk_a, b_objects, filing_a, django_capture_on_commit_callbacks):
    client = client_for(clerk_a)
    upload(client, filing_a, demo_files(), django_capture_on_commit_callbacks)  # A has data of its own
    walked = 0
    for route, pattern in walk(get_resolver().url_patterns):
        values = dict(b_objects)
        for key, name in b_objects["_names"].items():
            if f"<int:{key}>" in route:
                values["name"] = name
        url = fill(route, values)
        if "<" not in route and pattern.name not in ("home", "review"):
            continue  # no id: login, logout, password pages
        if pattern.name == "home":  # to A's own page
            assert client.get(url)["Location"] == f"/filings/{filing_a.pk}/"
            continue
        answers = {client.get(url).status_code, client.post(url).status_code}
        assert answers <= {403, 404, 405} and answers & {403, 404}, (url, answers)
        walked += 1
    assert walked >= 12


def test_a_clerk_sees_nothing_of_b_even_by_name(clerk_a, b_objects):
    from django.urls import reverse

    client = client_for(clerk_a)
    url = reverse("build_file", args=[b_objects["build_file_id"], b_objects["_names"]["build_file_id"]])
    assert client.get(url).status_code == 404
    assert "找不到该页面" in client.get(url).content.decode()


def test_the_admin_is_for_admins_only(clerk_a, reviewer, filing_a):
    from reportgen.site.audit.models import Entry

    for user in (clerk_a, reviewer):
        response = client_for(user).get("/admin/accounts/department/")
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    admin = make_user("admin", "admin")
    page = client_for(admin).get("/admin/accounts/department/").content.decode()
    assert "部门" in page and "广州市应急管理局" in page and "查看站点" in page  # Django's own words in Chinese
    index = client_for(admin).get("/admin/").content.decode()
    assert "登录锁定" in index and "Access logs" not in index and "Task Results" not in index
    entry = Entry.objects.first()
    assert client_for(admin).get(f"/admin/audit/entry/{entry.pk}/delete/").status_code == 403
    # a filing changes state only through the workflow's pages: the admin shows it, never edits it
    filing = filing_a
    assert client_for(admin).get("/admin/filings/filing/add/").status_code == 403
    assert client_for(admin).get(f"/admin/filings/filing/{filing.pk}/delete/").status_code == 403
    view = client_for(admin).post(f"/admin/filings/filing/{filing.pk}/change/", {"state": "approved"})
    assert view.status_code == 403
    filing.refresh_from_db()
    assert filing.state != "approved"


def test_anonymous_visitors_get_the_login_form():
    client = Client()
    response = client.get("/", follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0].startswith("/login/")
    assert page.count('type="text"') == 1 and page.count('type="password"') == 1
    for url in ("/review/", "/filings/1/", "/files/form/1/a.docx", "/summaries/1/"):
        assert client.get(url)["Location"].startswith("/login/")
