from django.contrib import admin

from reportgen.site.audit.admin import AuditedAdmin
from reportgen.site.filings.models import Filing, Year


@admin.register(Year)
class YearAdmin(AuditedAdmin):
    list_display = ["year", "open", "deadline"]


@admin.register(Filing)
class FilingAdmin(admin.ModelAdmin):
    """Read-only here: a filing changes state only through the workflow (its pages)."""

    list_display = ["department", "year", "state", "updated"]
    list_filter = ["year", "state"]
    search_fields = ["department__name"]
    fields = list_display

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
