"""Account services: what `reportgen users add` and the admin do."""

from __future__ import annotations

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction

from reportgen.site.accounts.models import Department, Profile
from reportgen.site.accounts.roles import ROLES


class AccountError(Exception):
    """A Chinese message for the command line."""


@transaction.atomic
def user_create(*, name: str, password: str, role: str, department: str | None = None,
                must_change_password: bool = False):
    """An account that can log in at once; a clerk belongs to one department (created when
    new). An admin is staff and superuser: it manages everything in the admin."""
    from reportgen.site.audit.models import record

    User = get_user_model()
    name = name.strip()
    if not name:
        raise AccountError("账号名不能为空。")
    if role not in ROLES:
        raise AccountError(f"角色只能是 {'、'.join(ROLES)}。")
    if User.objects.filter(username=name).exists():
        raise AccountError(f"账号「{name}」已存在。如需重设密码，请在管理页面中修改。")
    if role == "clerk" and not (department or "").strip():
        raise AccountError("填报人账号须用 --dept 指定所属部门，例如 --dept 广州市应急管理局。")
    user = User(username=name)
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise AccountError("密码不符合要求：" + "；".join(exc.messages)) from None
    user.set_password(password)
    user.is_staff = user.is_superuser = role == "admin"
    user.save()
    dept = None
    if (department or "").strip():
        dept, _ = Department.objects.get_or_create(name=department.strip())
    Profile.objects.create(user=user, department=dept, must_change_password=must_change_password)
    user.groups.add(Group.objects.get_or_create(name=ROLES[role])[0])
    record(None, "创建账号", obj=name, details=f"角色：{ROLES[role]}" + (f"；部门：{dept}" if dept else ""),
           department=dept.name if dept else "")
    return user


def ensure_groups() -> None:
    for name in ROLES.values():
        Group.objects.get_or_create(name=name)

