"""Background work (django-tasks, `db_worker` on the queues check, build, summary). Each task
takes ids, claims its row, and runs reportgen in a child process (filings.child)."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from reportgen.site.filings import storage
from reportgen.site.filings.child_run import ChildFailed, run
from reportgen.site.filings.models import (
    Build,
    BuildFile,
    Filing,
    State,
    StoredFile,
    Summary,
    Upload,
    Version,
    VersionFile,
)
from reportgen.site.filings.workflow import move

FORM_SUFFIXES = (".docx", ".xlsx", ".pdf")


def _formats() -> list[str]:
    from reportgen.render.pdf import find_soffice

    return ["docx", "xlsx", "pdf"] if settings.PDF and find_soffice() else ["docx", "xlsx"]


@task(queue_name="check")
def check_upload(upload_id: int) -> None:
    upload = Upload.objects.select_related("filing__year", "filing__department").get(pk=upload_id)
    if upload.status != Upload.Status.CHECKING:
        return
    filing = upload.filing
    old = []
    if filing.current_version_id:
        old = [{"name": f.name, "sha256": f.blob.sha256, "path": str(storage.path(f.blob.relpath)),
                "kind": f.kind, "form": f.form} for f in filing.current_version.files.select_related("blob")
               if f.name not in upload.removed]
    new = [{"name": f.name, "sha256": f.blob.sha256, "path": str(storage.path(f.blob.relpath))}
           for f in upload.files.select_related("blob")]
    work = storage.work_folder("checks", upload.pk)
    job = {"year": filing.year.year, "department": filing.department.name, "work": str(work), "old": old,
           "new": new, "settings": _settings_file(filing.year.year)}
    try:
        result = run("check", job, timeout=settings.CHECK_TIMEOUT, memory_mb=settings.CHECK_MEMORY_MB)
    except ChildFailed as exc:
        result = {"files": [], "findings": [{"file": "", "level": "error", "location": "", "message": str(exc)}],
                  "errors": 1}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    _checked(upload, result)


def _settings_file(year: int) -> str | None:
    from reportgen.site.filings.services import settings_file

    return settings_file(year)


def _checked(upload: Upload, result: dict) -> None:
    """The check's outcome: a new 当前版本 and a queued build, or 有错误 with the last good
    version kept."""
    from reportgen.site.audit.models import record

    with transaction.atomic():
        filing = Filing.objects.select_for_update().select_related("department").get(pk=upload.filing_id)
        upload.refresh_from_db(fields=["status"])
        if upload.status != Upload.Status.CHECKING:
            return  # checked already (the task was queued twice)
        upload.findings = result["findings"]
        record(None, "检查", user=upload.user, obj=str(filing), department=filing.department.name,
               details=f"{result['errors']} 个错误，{len(result['findings']) - result['errors']} 个警告")
        if result["errors"]:
            upload.status = Upload.Status.FAILED
            upload.save(update_fields=["status", "findings"])
            if filing.state != State.ERRORS:
                filing.previous_state = filing.state
            move(filing, State.ERRORS, "上传（有错误）", user=upload.user)
            filing.save()
            return
        upload.status = Upload.Status.PASSED
        upload.save(update_fields=["status", "findings"])
        version = Version.objects.create(filing=filing, upload=upload)
        blobs = {b.sha256: b for b in StoredFile.objects.filter(sha256__in=[f["sha256"] for f in result["files"]])}
        VersionFile.objects.bulk_create([VersionFile(version=version, name=f["name"], blob=blobs[f["sha256"]],
                                                     kind=f["kind"], form=f["form"] or "") for f in result["files"]])
        filing.current_version = version
        filing.builds.filter(status=Build.Status.QUEUED).update(status=Build.Status.SUPERSEDED)
        build = Build.objects.create(filing=filing, version=version)
        move(filing, State.BUILDING, "上传", user=upload.user)
        filing.save()
        transaction.on_commit(lambda: build_version.enqueue(build.pk))


@task(queue_name="build")
def build_version(build_id: int) -> None:
    # claim it: a newer upload may have superseded it, or another worker taken it
    if not Build.objects.filter(pk=build_id, status=Build.Status.QUEUED).update(status=Build.Status.RUNNING):
        return
    build = Build.objects.select_related("filing__year", "version").get(pk=build_id)
    year = build.filing.year.year
    files = [{"name": f.name, "path": str(storage.path(f.blob.relpath)), "kind": f.kind}
             for f in build.version.files.select_related("blob")]
    work = storage.work_folder("builds", build.pk)
    job = {"year": year, "work": str(work), "files": files, "formats": _formats(),
           "templates": str(_templates_dir()), "settings": _settings_file(year), "drafts": True}
    try:
        result = run("build", job, timeout=settings.BUILD_TIMEOUT)
    except ChildFailed as exc:
        result = {"ok": False, "files": [], "findings": [{"file": "", "level": "error", "location": "",
                                                          "message": str(exc)}]}
    shutil.rmtree(work / "data", ignore_errors=True)
    out = work / "output" / str(year)
    forms = [rel for rel in result["files"] if rel.endswith(FORM_SUFFIXES) and rel != result.get("summary")]
    from reportgen.site.audit.models import record

    with transaction.atomic():
        filing = Filing.objects.select_for_update().select_related("department").get(pk=build.filing_id)
        record(None, "生成", obj=str(filing), department=filing.department.name,
               details=f"{'成功' if result['ok'] else '失败'}，{len(forms)} 个文件")
        build.findings = result["findings"]
        build.finished = timezone.now()
        build.folder = str(work.relative_to(storage.root()))
        build.status = Build.Status.DONE if result["ok"] else Build.Status.FAILED
        build.score, build.grade = result.get("score") or "", result.get("grade") or ""
        build.save()
        BuildFile.objects.bulk_create([
            BuildFile(build=build, name=Path(rel).name, relpath=str((out / rel).relative_to(storage.root())),
                      size=(out / rel).stat().st_size) for rel in forms])
        if filing.current_version_id != build.version_id or filing.state != State.BUILDING:
            return  # a newer upload came: its build decides
        if result["ok"]:
            filing.current_build = build
            move(filing, State.BUILT, "生成")
        else:
            filing.previous_state = State.NEW if filing.current_build_id is None else State.BUILT
            move(filing, State.ERRORS, "生成失败")
        filing.save()


def _templates_dir():
    from reportgen.site.filings.services import templates_dir

    return templates_dir()


@task(queue_name="summary")
def summarize(summary_id: int) -> None:
    """The approved departments' frozen versions built together (docx, xlsx); kept: the
    汇总表 and, zipped, every department's files and forms."""
    if not Summary.objects.filter(pk=summary_id, status=Summary.Status.QUEUED).update(status=Summary.Status.RUNNING):
        return
    summary = Summary.objects.select_related("year").get(pk=summary_id)
    year = summary.year.year
    filings = list(Filing.objects.filter(year=summary.year, state=State.APPROVED).select_related(
        "department", "current_version", "current_build"))
    files = []
    for filing in filings:
        for f in filing.current_version.files.select_related("blob"):
            files.append({"name": f.name, "path": str(storage.path(f.blob.relpath)), "kind": f.kind})
    work = storage.work_folder("summaries", summary.pk)
    message = ""
    if not files:
        summary.status, summary.message = Summary.Status.FAILED, "还没有审核通过的部门，无法汇总。"
        summary.save()
        return
    job = {"year": year, "work": str(work), "files": files, "formats": ["docx", "xlsx"],
           "templates": str(_templates_dir()), "settings": _settings_file(year), "jobs": 2}
    try:
        result = run("build", job, timeout=settings.BUILD_TIMEOUT)
    except ChildFailed as exc:
        result, message = {"summary": None}, str(exc)
    out = work / "output" / str(year)
    if result.get("summary"):
        table = out / result["summary"]
        kept = work / table.name
        shutil.move(table, kept)
        archive = work / f"{year}年度全部文件.zip"
        _zip_all(archive, filings, year, kept)
        summary.table = str(kept.relative_to(storage.root()))
        summary.archive = str(archive.relative_to(storage.root()))
        summary.status = Summary.Status.DONE
    else:
        summary.status = Summary.Status.FAILED
        summary.message = message or "汇总失败，请查看各部门的数据。"
    shutil.rmtree(work / "data", ignore_errors=True)
    shutil.rmtree(work / "output", ignore_errors=True)
    summary.save()


def _zip_all(archive: Path, filings, year: int, table: Path) -> None:
    """Plain names only: <部门>/填报文件/<file>, <部门>/<form>; the 汇总表 at the top."""
    from reportgen.write.files import safe_file_name

    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        out.write(table, table.name)
        for filing in filings:
            folder = safe_file_name(filing.department.name)
            for f in filing.current_version.files.select_related("blob"):
                out.write(storage.path(f.blob.relpath), f"{folder}/填报文件/{safe_file_name(f.name)}")
            if filing.current_build is not None:
                for f in filing.current_build.files.all():
                    out.write(storage.path(f.relpath), f"{folder}/{safe_file_name(f.name)}")
