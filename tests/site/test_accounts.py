"""Accounts made in bulk from a workbook (`reportgen users import`), and the password an
admin set changed at first login."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.site.conftest import client_for

pytestmark = pytest.mark.django_db


def workbook(tmp_path, rows):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "账号"
    for row in [["账号名", "角色", "部门", "初始密码"], *rows]:
        sheet.append(row)
    path = tmp_path / "账号.xlsx"
    book.save(path)
    return path


def test_import_is_all_or_nothing_and_names_the_cell(year, tmp_path):
    from django.contrib.auth.models import User

    from reportgen.site.accounts.services import AccountError, users_import

    bad = workbook(tmp_path, [["张三", "填报人", "广州市应急管理局", "Zz-first-2026"],
                              ["李四", "科长", "", "Zz-first-2026"],
                              ["王五", "审核人", "", "123"]])
    with pytest.raises(AccountError) as caught:
        users_import(bad)
    assert "账号.xlsx 账号!B3：角色「科长」无效" in str(caught.value)
    assert "第4行：密码不符合要求" in str(caught.value)
    assert not User.objects.exists()
    good = workbook(tmp_path, [["张三", "填报人", "广州市应急管理局", "Zz-first-2026"],
                               ["李四", "审核人", "", "Zz-first-2026"]])
    assert users_import(good) == ["张三", "李四"]
    clerk = User.objects.get(username="张三")
    assert clerk.profile.department.name == "广州市应急管理局" and clerk.profile.must_change_password
    assert clerk.check_password("Zz-first-2026")


def test_an_admin_set_password_is_changed_at_first_login(year, tmp_path):
    from django.contrib.auth.models import User

    from reportgen.site.accounts.services import users_import

    users_import(workbook(tmp_path, [["张三", "填报人", "广州市应急管理局", "Zz-first-2026"]]))
    client = client_for(User.objects.get(username="张三"))
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == reverse("password_change")
    page = client.get(reverse("password_change")).content.decode()
    assert "首次登录" in page
    client.post(reverse("password_change"), {"old_password": "Zz-first-2026", "new_password1": "Zz-mine-2026-x",
                                              "new_password2": "Zz-mine-2026-x"})
    assert client.get("/")["Location"].startswith("/filings/")


def test_a_password_reset_in_the_admin_is_changed_at_next_login(year, clerk_a):
    from tests.site.conftest import make_user

    admin = client_for(make_user("admin", "admin"))
    response = admin.post(f"/admin/auth/user/{clerk_a.pk}/password/",
                          {"password1": "Zz-reset-2026", "password2": "Zz-reset-2026", "usable_password": "true"})
    assert response.status_code == 302
    clerk_a.refresh_from_db()
    assert clerk_a.check_password("Zz-reset-2026") and clerk_a.profile.must_change_password
    assert client_for(clerk_a).get("/")["Location"] == reverse("password_change")
