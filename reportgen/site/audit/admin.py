from django.contrib import admin

from reportgen.site.audit.models import Entry, record
from reportgen.site.readonly_admin import ReadOnlyAdmin


class AuditedAdmin(admin.ModelAdmin):
    """Changes made in the admin also go to the audit log."""

    def log_addition(self, request, obj, message):
        record(request, "管理：新增", obj=f"{obj._meta.verbose_name} {obj}")
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        record(request, "管理：修改", obj=f"{obj._meta.verbose_name} {obj}", details=str(message))
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            record(request, "管理：删除", obj=f"{obj._meta.verbose_name} {obj}")
        return super().log_deletions(request, queryset)


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    list_display = ["time", "username", "ip", "department", "action", "obj"]
    list_filter = ["action", "department"]
    search_fields = ["username", "obj", "details"]
    date_hierarchy = "time"
