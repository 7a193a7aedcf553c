"""Roles, in one place: Django groups named in Chinese. 填报人 (clerk) works for one
department; 审核人 (reviewer) sees every department; 管理员 (admin) manages accounts in the
admin. One person may hold two roles."""

from __future__ import annotations

CLERK = "填报人"
REVIEWER = "审核人"
ADMIN = "管理员"
ROLES = {"clerk": CLERK, "reviewer": REVIEWER, "admin": ADMIN}


def _has(user, group: str) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    cache = getattr(user, "_reportgen_groups", None)
    if cache is None:
        cache = user._reportgen_groups = set(user.groups.values_list("name", flat=True))
    return group in cache


def is_clerk(user) -> bool:
    return _has(user, CLERK) and department_of(user) is not None


def is_reviewer(user) -> bool:
    return _has(user, REVIEWER)


def is_admin(user) -> bool:
    return user.is_authenticated and user.is_active and user.is_staff


def department_of(user):
    profile = getattr(user, "profile", None)
    return profile.department if profile is not None else None
