"""The audit log: one row per thing done, never changed or deleted (the model refuses, and
the admin shows it read-only)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AppendOnly(Exception):
    pass


class Entry(models.Model):
    time = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name="账号")
    username = models.CharField("账号名", max_length=150, blank=True)
    ip = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    department = models.CharField("部门", max_length=200, blank=True)
    action = models.CharField("操作", max_length=40, db_index=True)
    obj = models.CharField("对象", max_length=300, blank=True)
    details = models.TextField("详情", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "操作记录"
        ordering = ["-time", "-id"]

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M:%S} {self.username} {self.action} {self.obj}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnly("操作记录只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("操作记录只能追加，不能删除。")


def client_ip(request) -> str | None:
    """The client's address: behind nginx (REPORTGEN_PROXY), the last X-Forwarded-For entry,
    the one nginx added."""
    if request is None:
        return None
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "") if settings.PROXY else ""
    address = forwarded.split(",")[-1].strip() if forwarded else request.META.get("REMOTE_ADDR", "")
    return address or None


def record(request, action: str, *, obj: str = "", details: str = "", department: str = "", user=None) -> Entry:
    """One line of the audit log; `request` gives who and from where (None: a command or a
    background task)."""
    if user is None and request is not None and getattr(request, "user", None) is not None \
            and request.user.is_authenticated:
        user = request.user
    return Entry.objects.create(user=user, username=user.get_username() if user else "",
                                ip=client_ip(request) if request is not None else None,
                                department=department[:200], action=action, obj=obj[:300], details=details)
