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



ROLE_WORDS = {"填报人": "clerk", "审核人": "reviewer", "管理员": "admin", "clerk": "clerk", "reviewer": "reviewer",
              "admin": "admin"}
IMPORT_COLUMNS = ("账号名", "角色", "部门", "初始密码")


def users_import(path) -> list[str]:
    """Accounts from a workbook whose first sheet has the columns 账号名, 角色 (填报人, 审核人,
    管理员), 部门, 初始密码 in its first row. All or nothing: any problem (named by sheet!cell)
    and no account is made. Imported accounts change their password at first login."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    from reportgen.limits import check_input_size

    check_input_size(path)
    book = load_workbook(path, read_only=True, data_only=True)
    sheet = book.worksheets[0]
    rows = [["" if v is None else str(v).strip() for v in row] for row in sheet.iter_rows(values_only=True)]
    book.close()
    if not rows:
        raise AccountError(f"{path.name}：工作表「{sheet.title}」是空的。")
    header = rows[0]
    missing = [c for c in IMPORT_COLUMNS if c not in header]
    if missing:
        raise AccountError(f"{path.name} {sheet.title}!1：第一行缺少列「{'」「'.join(missing)}」"
                           f"（须有 {'、'.join(IMPORT_COLUMNS)} 四列）。")
    col = {name: header.index(name) for name in IMPORT_COLUMNS}
    made, problems = [], []
    with transaction.atomic():
        for number, row in enumerate(rows[1:], start=2):
            row = row + [""] * (len(header) - len(row))
            if not any(row):
                continue
            role = ROLE_WORDS.get(row[col["角色"]])
            if role is None:
                where = f"{path.name} {sheet.title}!{get_column_letter(col['角色'] + 1)}{number}"
                problems.append(f"{where}：角色「{row[col['角色']]}」无效，请写 填报人、审核人 或 管理员。")
                continue
            try:
                with transaction.atomic():  # a savepoint: the other rows are still checked
                    user_create(name=row[col["账号名"]], password=row[col["初始密码"]], role=role,
                                department=row[col["部门"]] or None, must_change_password=True)
                made.append(row[col["账号名"]])
            except AccountError as exc:
                problems.append(f"{path.name} {sheet.title} 第{number}行：{exc}")
        if problems:
            raise AccountError("\n".join(problems))
    return made
