"""Who may see what, in one place: every view that takes an id loads it through
get_visible(), else 404; files leave only through send_file()."""

from __future__ import annotations

from django.http import FileResponse, Http404

from reportgen.site.accounts.roles import department_of, is_clerk, is_reviewer
from reportgen.site.filings.models import BuildFile, Filing, Summary, VersionFile


def visible(user):
    """The filings a user may see: a reviewer every one, a clerk their department's."""
    if is_reviewer(user):
        return Filing.objects.all()
    if is_clerk(user):
        return Filing.objects.filter(department=department_of(user))
    return Filing.objects.none()


_PATHS = {Filing: "pk", VersionFile: "version__filing", BuildFile: "build__filing"}


def get_visible(user, model, pk):
    """The object with this id if the user may see it; else 404 (not 403: ids of other
    departments are not confirmed to exist)."""
    if model is Summary:
        query = Summary.objects.all() if is_reviewer(user) else Summary.objects.none()
    else:
        query = model.objects.filter(**{f"{_PATHS[model]}__in": visible(user)})
    try:
        return query.get(pk=pk)
    except (model.DoesNotExist, ValueError):
        raise Http404("找不到该页面，或您没有查看它的权限。") from None


def send_file(request, path, name: str, *, inline: bool = False, department: str = "") -> FileResponse:
    """A stored file sent under its display name (RFC 6266 filename*, by Django), recorded
    in the audit log."""
    from reportgen.site.audit.models import record

    try:
        handle = open(path, "rb")  # noqa: SIM115 (FileResponse closes it)
    except OSError:
        raise Http404("文件已不存在，请重新生成。") from None
    record(request, "下载", obj=name, department=department)
    return FileResponse(handle, as_attachment=not inline, filename=name)
