"""A department's year (Filing) and what happens to it: uploads, versions, builds, events."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from reportgen.site.accounts.models import Department


class State(models.TextChoices):
    NEW = "new", "未开始"
    ERRORS = "errors", "有错误"
    BUILDING = "building", "生成中"
    BUILT = "built", "已生成"
    SUBMITTED = "submitted", "已送审"
    RETURNED = "returned", "已退回"
    APPROVED = "approved", "审核通过"


class Year(models.Model):
    year = models.PositiveIntegerField("年度", unique=True)
    open = models.BooleanField("开启填报", default=True)
    deadline = models.DateTimeField("截止时间", null=True, blank=True,
                                    help_text="截止后只有已退回的部门可以上传。")

    class Meta:
        verbose_name = verbose_name_plural = "年度"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year} 年度"


class StoredFile(models.Model):
    """An uploaded file's bytes, stored once under their SHA-256 (inputs/ab/abcd…)."""

    sha256 = models.CharField(max_length=64, unique=True)
    size = models.PositiveIntegerField()
    created = models.DateTimeField(auto_now_add=True)

    @property
    def relpath(self) -> str:
        return f"inputs/{self.sha256[:2]}/{self.sha256}"


class Filing(models.Model):
    year = models.ForeignKey(Year, on_delete=models.PROTECT, related_name="filings", verbose_name="年度")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="filings",
                                   verbose_name="部门")
    state = models.CharField("状态", max_length=12, choices=State.choices, default=State.NEW)
    previous_state = models.CharField(max_length=12, choices=State.choices, blank=True)
    current_version = models.ForeignKey("Version", null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+", verbose_name="当前版本")
    current_build = models.ForeignKey("Build", null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+", verbose_name="当前生成结果")
    updated = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "填报"
        constraints = [models.UniqueConstraint(fields=["year", "department"], name="one_filing_a_year")]

    def __str__(self) -> str:
        return f"{self.department} {self.year.year} 年度"


class Upload(models.Model):
    """One upload (several files) and its check."""

    class Status(models.TextChoices):
        CHECKING = "checking", "检查中"
        PASSED = "passed", "通过"
        FAILED = "failed", "有错误"
        DISCARDED = "discarded", "已放弃"

    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="uploads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.CHECKING)
    findings = models.JSONField(default=list)  # [{file, level, location, message}]
    removed = models.JSONField(default=list)  # names of the current version's files taken out

    class Meta:
        ordering = ["-created", "-id"]


class UploadFile(models.Model):
    upload = models.ForeignKey(Upload, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=200)  # the clerk's file name, checked (uploads.clean_name)
    blob = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")


class Version(models.Model):
    """A set of files that passed the check; the filing's 当前版本 points at the newest."""

    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="versions")
    upload = models.ForeignKey(Upload, null=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    frozen = models.BooleanField(default=False)  # 送审: sent as it is

    class Meta:
        ordering = ["-created", "-id"]


class VersionFile(models.Model):
    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=200)
    blob = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20)  # FormKind.key
    form = models.CharField(max_length=300, blank=True)  # 部门名称 / 项目名称

    class Meta:
        ordering = ["kind", "name"]

    @property
    def form_kind(self):
        """The reportgen form kind of this file (its title, whether it is the department's own
        form); the site never names a kind itself."""
        from reportgen.forms.registry import get_kind

        return get_kind(self.kind)


class Build(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "生成中"
        DONE = "done", "已生成"
        FAILED = "failed", "生成失败"
        SUPERSEDED = "superseded", "已被新版本取代"

    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="builds")
    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="builds")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    folder = models.CharField(max_length=200, blank=True)  # below the storage root
    findings = models.JSONField(default=list)
    created = models.DateTimeField(auto_now_add=True)
    finished = models.DateTimeField(null=True, blank=True)
    score = models.CharField("总分", max_length=20, blank=True)  # the department form's, as built
    grade = models.CharField("等级", max_length=10, blank=True)

    class Meta:
        ordering = ["-created", "-id"]


class BuildFile(models.Model):
    build = models.ForeignKey(Build, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=300)  # the download name
    relpath = models.CharField(max_length=500)  # below the storage root
    size = models.PositiveIntegerField()

    class Meta:
        ordering = ["relpath"]


class Event(models.Model):
    """A transition (审批进度): who, when, from, to, comment."""

    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="events")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    action = models.CharField(max_length=20)
    from_state = models.CharField(max_length=12, choices=State.choices)
    to_state = models.CharField(max_length=12, choices=State.choices)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["created", "id"]


class Summary(models.Model):
    """A year's 汇总 over the approved departments."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "汇总中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    year = models.ForeignKey(Year, on_delete=models.PROTECT, related_name="summaries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    departments = models.JSONField(default=list)  # the names summed up
    table = models.CharField(max_length=500, blank=True)  # the 汇总表, below the storage root
    archive = models.CharField(max_length=500, blank=True)  # all files (.zip)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["-created", "-id"]
