"""Thin views: the one lookup (access.get_visible), then a service or a transition."""

from __future__ import annotations

from collections import Counter
from pathlib import PurePath

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from reportgen.drafts import REPORT_FOLDER
from reportgen.site.accounts.models import Department
from reportgen.site.accounts.roles import CLERK, department_of, is_admin, is_clerk, is_reviewer
from reportgen.site.filings import services, storage
from reportgen.site.filings.access import get_visible, send_file, visible
from reportgen.site.filings.models import BuildFile, Filing, State, Summary, Upload, VersionFile, Year
from reportgen.site.filings.workflow import ACTIONS, TransitionRefused, may, transition


@require_GET
def home(request):
    user = request.user
    if is_reviewer(user):
        return review(request)
    if is_clerk(user):
        year = services.current_year()
        if year is None:
            return render(request, "filings/no_year.html")
        return redirect("filing", filing_id=services.filing_for(department_of(user), year).pk)
    if is_admin(user):
        return redirect("admin:index")
    return render(request, "filings/no_role.html", status=403)


def _own(user, filing: Filing) -> bool:
    return is_clerk(user) and department_of(user).pk == filing.department_id


def _page(request, filing: Filing, *, problems=(), status=200):
    version = filing.current_version
    files = list(version.files.select_related("blob")) if version else []
    last = filing.uploads.exclude(status=Upload.Status.DISCARDED).first()
    if last is not None and version is not None and last.status == Upload.Status.PASSED \
            and last.pk != version.upload_id:
        last = None
    build = filing.builds.exclude(status="superseded").first()
    built = list(filing.current_build.files.all()) if filing.current_build_id else []
    drafts = [f for f in built if PurePath(f.relpath).parent.name == REPORT_FOLDER]  # output/<year>/自评报告/
    forms = [f for f in built if f not in drafts]
    context = {
        "filing": filing, "own": _own(request.user, filing), "reviewer": is_reviewer(request.user),
        "version_files": files, "upload": last, "findings": _by_file(last.findings if last else []),
        "build": build, "build_findings": _by_file(build.findings if build and build.status == "failed" else []),
        "forms": forms, "drafts": drafts, "events": filing.events.select_related("user"),
        "actions": {name: may(request.user, filing, name) for name in ACTIONS},
        "upload_refusal": services.upload_refusal(filing), "problems": problems,
        "returned": filing.events.filter(to_state=State.RETURNED).select_related("user").last()
        if filing.state == State.RETURNED else None,
        "busy": filing.state == State.BUILDING or (last is not None and last.status == Upload.Status.CHECKING),
    }
    return render(request, "filings/filing.html", context, status=status)




def _by_file(findings: list[dict]) -> list[tuple[str, list[dict]]]:
    grouped: dict[str, list[dict]] = {}
    for finding in findings:
        grouped.setdefault(finding["file"], []).append(finding)
    return list(grouped.items())


@require_GET
def filing(request, filing_id: int):
    return _page(request, get_visible(request.user, Filing, filing_id))


@require_POST
def upload(request, filing_id: int):
    filing = get_visible(request.user, Filing, filing_id)
    if not _own(request.user, filing):
        raise PermissionDenied
    try:
        services.upload_files(user=request.user, filing=filing, files=request.FILES.getlist("files"),
                              request=request)
    except services.UploadRefused as exc:
        return _page(request, filing, problems=exc.problems, status=400)
    messages.success(request, "已上传。")
    return redirect("filing", filing_id=filing.pk)


@require_POST
def remove(request, filing_id: int):
    filing = get_visible(request.user, Filing, filing_id)
    if not _own(request.user, filing):
        raise PermissionDenied
    try:
        services.remove_files(user=request.user, filing=filing, names=request.POST.getlist("name"), request=request)
    except services.UploadRefused as exc:
        return _page(request, filing, problems=exc.problems, status=400)
    messages.success(request, "已删除，正在重新检查。")
    return redirect("filing", filing_id=filing.pk)


def _action(name: str):
    @require_POST
    def view(request, filing_id: int):
        filing = get_visible(request.user, Filing, filing_id)
        try:
            transition(user=request.user, filing=filing, name=name, comment=request.POST.get("comment", ""),
                       request=request)
        except TransitionRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"已{ACTIONS[name].word}。")
        return redirect("filing", filing_id=filing.pk)
    view.__name__ = name
    return view


ACTION_VIEWS = {name: _action(name) for name in ACTIONS}


@require_GET
def blank(request, filing_id: int, which: str):
    filing = get_visible(request.user, Filing, filing_id)
    make = services.blank_workbook if which == "department" else services.blank_project_workbook
    payload, name = make(department=filing.department.name, year=filing.year.year)
    from reportgen.site.audit.models import record

    record(request, "下载", obj=f"空白填报表 {name}", department=filing.department.name)
    response = HttpResponse(payload, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    from django.utils.http import content_disposition_header

    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@require_GET
def version_file(request, version_file_id: int, name: str):
    f = get_visible(request.user, VersionFile, version_file_id)
    if name != f.name:
        raise Http404
    return send_file(request, storage.path(f.blob.relpath), f.name, department=f.version.filing.department.name)


@require_GET
def build_file(request, build_file_id: int, name: str):
    f = get_visible(request.user, BuildFile, build_file_id)
    if name != f.name:
        raise Http404
    return send_file(request, storage.path(f.relpath), f.name, inline=f.name.endswith(".pdf"),
                     department=f.build.filing.department.name)


def _reviewer(user) -> None:
    if not is_reviewer(user):
        raise PermissionDenied


@require_GET
def review(request):
    _reviewer(request.user)
    year = services.current_year()
    departments = Department.objects.filter(active=True, profiles__user__groups__name=CLERK,
                                            profiles__user__is_active=True).distinct().order_by("name")
    filings = {f.department_id: f for f in visible(request.user).filter(year=year)
               .select_related("current_version", "current_build")} if year else {}
    rows = []
    for department in departments:
        filing = filings.get(department.pk)
        if filing is None and year is not None:
            filing = services.filing_for(department, year)
        projects = sum(1 for f in filing.current_version.files.all() if not f.form_kind.is_group) \
            if filing and filing.current_version else 0
        last = filing.uploads.first() if filing else None
        rows.append({"department": department, "filing": filing, "projects": projects, "last": last})
    wanted = request.GET.get("state")
    counts = Counter(row["filing"].get_state_display() for row in rows if row["filing"])
    if wanted:
        rows = [row for row in rows if row["filing"] and row["filing"].state == wanted]
    summaries = Summary.objects.filter(year=year)[:5] if year else []
    approved = sum(1 for f in filings.values() if f.state == State.APPROVED)
    return render(request, "filings/review.html", {
        "year": year, "rows": rows, "counts": sorted(counts.items()), "states": State.choices, "wanted": wanted,
        "summaries": summaries, "approved": approved})


@require_POST
def summary_start(request, year_id: int):
    _reviewer(request.user)
    year = get_visible_year(year_id)
    summary = services.summary_start(user=request.user, year=year, request=request)
    return redirect("summary", summary_id=summary.pk)


def get_visible_year(year_id: int) -> Year:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(Year, pk=year_id)


@require_GET
def summary(request, summary_id: int):
    s = get_visible(request.user, Summary, summary_id)
    rest = [(f.department.name, f.get_state_display()) for f in visible(request.user).filter(year=s.year)
            .select_related("department").order_by("department__name") if f.department.name not in s.departments]
    return render(request, "filings/summary.html", {"summary": s, "busy": s.status in ("queued", "running"),
                                                    "rest": rest})


@require_GET
def summary_table(request, summary_id: int):
    s = get_visible(request.user, Summary, summary_id)
    if not s.table:
        return redirect("summary", summary_id=s.pk)
    return send_file(request, storage.path(s.table), storage.path(s.table).name)


@require_GET
def summary_archive(request, summary_id: int):
    s = get_visible(request.user, Summary, summary_id)
    if not s.archive:
        return redirect("summary", summary_id=s.pk)
    return send_file(request, storage.path(s.archive), storage.path(s.archive).name)
