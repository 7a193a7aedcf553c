from django.conf import settings
from django.db import models


class Department(models.Model):
    name = models.CharField("部门名称", max_length=200, unique=True,
                            help_text="与部门填报表中的“部门名称”完全一致。")
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "部门"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Profile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile",
                                verbose_name="账号")
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="profiles", verbose_name="部门")
    must_change_password = models.BooleanField("下次登录须修改密码", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "账号资料"

    def __str__(self) -> str:
        return f"{self.user.get_username()}（{self.department or '无部门'}）"
