"""Security: hashed passwords, lockout, CSRF on every POST, upload limits, the audit log."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.site.conftest import DEPT_A, PASSWORD, client_for, demo_files, make_user, upload

pytestmark = pytest.mark.django_db


def test_passwords_are_hashed_with_pbkdf2(settings, year):
    from reportgen.site import settings as site_settings

    settings.PASSWORD_HASHERS = site_settings.PASSWORD_HASHERS
    user = make_user("someone", "reviewer")
    assert user.password.startswith("pbkdf2_sha256$1000000$") and PASSWORD not in user.password


def login(client, name, password):
    return client.post(reverse("login"), {"username": name, "password": password})


def test_five_failures_lock_the_account(clerk_a):
    from reportgen.site.audit.models import Entry

    client = Client()
    for _ in range(4):
        response = login(client, "clerk_a", "wrong-password")
        assert response.status_code == 200 and "账号名或密码不正确" in response.content.decode()
    response = login(client, "clerk_a", "wrong-password")
    assert response.status_code == 429 and "已锁定" in response.content.decode()
    response = login(client, "clerk_a", PASSWORD)  # even the right password, for now
    assert response.status_code == 429
    assert Entry.objects.filter(action="登录失败", obj="clerk_a").count() >= 5


def test_the_right_password_logs_in_and_is_recorded(clerk_a):
    from reportgen.site.audit.models import Entry

    client = Client()
    response = login(client, "clerk_a", PASSWORD)
    assert response.status_code == 302
    assert client.get("/", follow=True).status_code == 200
    assert Entry.objects.filter(action="登录", username="clerk_a").exists()


def test_every_post_needs_the_csrf_token(clerk_a, filing_a, reviewer):
    client = Client(enforce_csrf_checks=True)
    assert client.post(reverse("login"), {"username": "clerk_a", "password": PASSWORD}).status_code == 403
    client.force_login(clerk_a)
    for name in ("upload", "submit", "withdraw", "discard"):
        response = client.post(reverse(name, args=[filing_a.pk]))
        assert response.status_code == 403 and "页面已过期" in response.content.decode()
    page = client.get(reverse("filing", args=[filing_a.pk])).content.decode()
    assert page.count("csrfmiddlewaretoken") == page.count('method="post"')
    # with the token from the page, the same POST goes through
    token = client.cookies["csrftoken"].value
    response = client.post(reverse("upload", args=[filing_a.pk]), {"csrfmiddlewaretoken": token})
    assert response.status_code == 400  # no files: refused by us, not by CSRF


def refused(client, filing, files, capture):
    from reportgen.site.filings.models import StoredFile

    response = upload(client, filing, files, capture)
    assert response.status_code == 400
    assert StoredFile.objects.count() == 0
    filing.refresh_from_db()
    assert filing.get_state_display() == "未开始"
    return response.content.decode()


def test_a_file_over_20_mb_is_refused_on_the_page(clerk_a, filing_a, django_capture_on_commit_callbacks):
    big = SimpleUploadedFile(f"{DEPT_A}.xlsx", b"0" * (20 * 1024 * 1024 + 1))
    page = refused(client_for(clerk_a), filing_a, [big], django_capture_on_commit_callbacks)
    assert "超过 20 MB" in page and "上传未被接受" in page and 'type="file"' in page


def test_more_than_100_files_are_refused(clerk_a, filing_a, django_capture_on_commit_callbacks):
    files = [SimpleUploadedFile(f"{i}.toml", b"year = 2022\n") for i in range(101)]
    page = refused(client_for(clerk_a), filing_a, files, django_capture_on_commit_callbacks)
    assert "一次最多上传 100 个文件" in page


@pytest.mark.parametrize(("name", "content", "says"), [
    ("旧表.xls", b"\xd0\xcf\x11\xe0" + b"0" * 100, "请另存为 .xlsx"),
    ("数据.zip", b"PK\x05\x06" + b"\0" * 18, "不接受压缩包"),
    ("假表.xlsx", b"this is not a workbook", "不是有效的 Excel 工作簿"),
    ("文本.toml", "年度".encode("gbk"), "不是 UTF-8 编码"),
    ("图片.png", b"\x89PNG\r\n", "只接受 Excel 填报表（.xlsx）和 TOML 数据文件（.toml）"),
])
def test_content_is_checked_not_only_the_name(clerk_a, filing_a, django_capture_on_commit_callbacks,
                                              name, content, says):
    page = refused(client_for(clerk_a), filing_a, [SimpleUploadedFile(name, content)],
                   django_capture_on_commit_callbacks)
    assert says in page


def test_a_zip_bomb_is_refused_before_it_is_parsed(clerk_a, filing_a, django_capture_on_commit_callbacks):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("xl/workbook.xml", "<workbook/>")
        book.writestr("xl/worksheets/sheet1.xml", b"\0" * (101 * 1024 * 1024))
    assert len(buffer.getvalue()) < 1024 * 1024
    page = refused(client_for(clerk_a), filing_a, [SimpleUploadedFile("炸弹.xlsx", buffer.getvalue())],
                   django_capture_on_commit_callbacks)
    assert "工作簿解压后过大" in page


@pytest.mark.parametrize("name", ["../../etc/passwd.toml", "..\\..\\boot.toml", "a/b.toml", ".hidden.toml",
                                  "name\x00.toml", "..toml"])
def test_path_tricks_in_names_are_refused(name):
    from reportgen.site.filings.uploads import refusal

    class Sent(io.BytesIO):  # as a client could send it (Django's own parser keeps the last part only)
        size = 12

    file = Sent(b"year = 2022\n")
    file.name = name
    assert any("不能使用" in p for p in refusal([file]))


def test_path_tricks_over_http_never_reach_the_disk(clerk_a, filing_a, django_capture_on_commit_callbacks, settings):
    from reportgen.site.filings.models import UploadFile

    file = demo_files()[0]
    file.name = f"../../{DEPT_A}.toml"
    upload(client_for(clerk_a), filing_a, [file], django_capture_on_commit_callbacks)
    assert [f.name for f in UploadFile.objects.all()] in ([f"{DEPT_A}.toml"], [])
    stored = sorted(p.relative_to(settings.STORAGE_ROOT).parts[0] for p in settings.STORAGE_ROOT.rglob("*")
                    if p.is_file())
    assert set(stored) <= {"inputs", "builds"}


def test_the_audit_log_records_and_cannot_be_changed(clerk_a, reviewer, filing_a, django_capture_on_commit_callbacks):
    from reportgen.site.audit.models import AppendOnly, Entry

    clerk = client_for(clerk_a)
    upload(clerk, filing_a, demo_files(), django_capture_on_commit_callbacks)
    filing_a.refresh_from_db()
    form = filing_a.current_build.files.first()
    b"".join(clerk.get(reverse("build_file", args=[form.pk, form.name])).streaming_content)
    clerk.post(reverse("submit", args=[filing_a.pk]))
    client_for(reviewer).post(reverse("return", args=[filing_a.pk]), {"comment": "请补充"})
    actions = list(Entry.objects.order_by("id").values_list("action", flat=True))
    for action in ("创建账号", "上传", "下载", "送审", "退回"):
        assert action in actions
    download = Entry.objects.get(action="下载")
    assert download.username == "clerk_a" and download.obj == form.name and download.department == DEPT_A
    entry = Entry.objects.first()
    entry.action = "改过"
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()
