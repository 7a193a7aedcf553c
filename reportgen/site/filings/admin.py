from django.contrib import admin

from reportgen.site.audit.admin import AuditedAdmin
from reportgen.site.filings.models import Filing, Year
from reportgen.site.readonly_admin import ReadOnlyAdmin


@admin.register(Year)
class YearAdmin(AuditedAdmin):
    list_display = ["year", "open", "deadline"]


@admin.register(Filing)
class FilingAdmin(ReadOnlyAdmin):
    """Read-only here: a filing changes state only through the workflow (its pages)."""

    list_display = ["department", "year", "state", "updated"]
    list_filter = ["year", "state"]
    search_fields = ["department__name"]
    fields = list_display
