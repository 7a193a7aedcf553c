"""What the views ask for: uploads, the year, 汇总. Views parse forms and call these."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from reportgen.site.accounts.models import Department
from reportgen.site.filings import storage
from reportgen.site.filings.models import Filing, State, StoredFile, Summary, Upload, UploadFile, Year
from reportgen.site.filings.uploads import refusal
from reportgen.site.filings.workflow import UPLOAD_STATES


class UploadRefused(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def current_year() -> Year | None:
    return Year.objects.filter(open=True).order_by("-year").first() or Year.objects.order_by("-year").first()


def filing_for(department: Department, year: Year) -> Filing:
    filing, _ = Filing.objects.get_or_create(year=year, department=department)
    return filing


def upload_refusal(filing: Filing) -> str | None:
    """Why this filing takes no upload now, or None."""
    if filing.state not in UPLOAD_STATES:
        return {State.SUBMITTED: "已送审，不能再上传。如需修改，请先点击“撤回”。",
                State.APPROVED: "已审核通过，不能再上传。如需修改，请联系审核人重新打开。",
                State.BUILDING: "正在生成上一次上传的表格，请稍候再上传。"}.get(filing.state, "现在不能上传。")
    deadline = filing.year.deadline
    if deadline and timezone.now() > deadline and filing.state != State.RETURNED:
        return f"填报已于 {timezone.localtime(deadline):%Y-%m-%d %H:%M} 截止，只有被退回的部门可以上传。"
    if filing.uploads.filter(status=Upload.Status.CHECKING).exists():
        return "上一次上传正在检查，请稍候。"
    return None


def upload_files(*, user, filing: Filing, files, request=None) -> Upload:
    """Files refused by their size, count, type or name store nothing; the others are
    stored by their hash and checked in the background (queue `check`)."""
    from reportgen.site.audit.models import record
    from reportgen.site.filings.tasks import check_upload

    problems = refusal(files)
    if problems:
        record(request, "上传被拒", obj=str(filing), department=filing.department.name, details="\n".join(problems))
        raise UploadRefused(problems)
    with transaction.atomic():
        filing = Filing.objects.select_for_update().select_related("year", "department").get(pk=filing.pk)
        why = upload_refusal(filing)
        if why:
            raise UploadRefused([why])
        upload = Upload.objects.create(filing=filing, user=user)
        for file in files:
            sha, size = storage.store(file)
            blob, _ = StoredFile.objects.get_or_create(sha256=sha, defaults={"size": size})
            UploadFile.objects.create(upload=upload, name=file.name, blob=blob)
        record(request, "上传", obj=str(filing), department=filing.department.name,
               details="、".join(f.name for f in files))
        transaction.on_commit(lambda: check_upload.enqueue(upload.pk))
    return upload


def remove_files(*, user, filing: Filing, names: list[str], request=None) -> Upload:
    """Projects taken out of the current version, explicitly: the rest is checked again as a
    new candidate (the department's own form cannot be removed, only replaced)."""
    from reportgen.site.audit.models import record
    from reportgen.site.filings.tasks import check_upload

    with transaction.atomic():
        filing = Filing.objects.select_for_update().select_related("year", "department").get(pk=filing.pk)
        why = upload_refusal(filing)
        if why:
            raise UploadRefused([why])
        version = filing.current_version
        removable = {f.name for f in version.files.all() if not f.form_kind.is_group} if version else set()
        unknown = [n for n in names if n not in removable]
        if not names or unknown:
            raise UploadRefused(["只能删除当前版本中的项目文件；部门填报表请上传新的文件替换。"])
        upload = Upload.objects.create(filing=filing, user=user, removed=list(names))
        record(request, "删除项目", obj=str(filing), department=filing.department.name, details="、".join(names))
        transaction.on_commit(lambda: check_upload.enqueue(upload.pk))
    return upload


def summary_start(*, user, year: Year, request=None) -> Summary:
    from reportgen.site.audit.models import record
    from reportgen.site.filings.tasks import summarize

    with transaction.atomic():
        names = list(year.filings.filter(state=State.APPROVED).order_by("department__name")
                     .values_list("department__name", flat=True))
        summary = Summary.objects.create(year=year, user=user, departments=names)
        record(request, "汇总", obj=f"{year}", details=f"{len(names)} 个审核通过的部门")
        transaction.on_commit(lambda: summarize.enqueue(summary.pk))
    return summary


def templates_dir():
    from pathlib import Path

    from reportgen.resources import packaged_templates_dir

    if settings.REPORTGEN_TEMPLATES_DIR:
        return Path(settings.REPORTGEN_TEMPLATES_DIR)
    local = settings.WORK_DIR / "templates"
    return local if local.is_dir() else packaged_templates_dir()


def settings_file(year: int):
    """The bureau's 设置.toml of the year (work folder's data/<year>/), if any."""
    from reportgen.settings import SETTINGS_FILE

    path = settings.WORK_DIR / "data" / str(year) / SETTINGS_FILE
    return str(path) if path.is_file() else None


def blank_workbook(*, department: str, year: int) -> tuple[bytes, str]:
    """`reportgen new --as xlsx`: the department's workbook with its name filled in."""
    from reportgen.convert import encode
    from reportgen.forms.registry import all_kinds
    from reportgen.write.files import safe_file_name

    kind = next(k for k in all_kinds() if k.is_group)
    data = kind.scaffold(year, department, None)
    payload = encode(data, "xlsx", kind.contract, header=kind.scaffold_header(year, department, None), comments=True)
    return payload, f"{safe_file_name(department)}.xlsx"


def blank_project_workbook(*, department: str, year: int) -> tuple[bytes, str]:
    from reportgen.convert import encode
    from reportgen.forms.registry import all_kinds

    kind = next(k for k in all_kinds() if not k.is_group)
    name = "项目名称（请修改）"
    data = kind.scaffold(year, name, None)
    data[kind.identity[0]]["department"] = department
    payload = encode(data, "xlsx", kind.contract, header=kind.scaffold_header(year, name, None), comments=True)
    return payload, "项目填报表.xlsx"
