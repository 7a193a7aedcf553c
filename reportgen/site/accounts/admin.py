from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User

from reportgen.site.accounts.models import Department, Profile
from reportgen.site.audit.admin import AuditedAdmin

admin.site.site_header = admin.site.site_title = "绩效自评填报网站管理"
admin.site.index_title = "管理"


@admin.register(Department)
class DepartmentAdmin(AuditedAdmin):
    list_display = ["name", "active"]
    search_fields = ["name"]


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False


class AccountAdmin(AuditedAdmin, UserAdmin):
    inlines = [ProfileInline]
    list_display = ["username", "department", "roles", "is_active", "last_login"]
    list_filter = ["groups", "is_active", "profile__department"]

    def user_change_password(self, request, id, form_url=""):
        """A password an admin sets is changed by its owner at the next login."""
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            Profile.objects.update_or_create(user_id=id, defaults={"must_change_password": True})
            from reportgen.site.audit.models import record

            record(request, "重设密码", obj=str(self.get_object(request, id)))
        return response

    @admin.display(description="部门")
    def department(self, user):
        profile = getattr(user, "profile", None)
        return profile.department if profile else ""

    @admin.display(description="角色")
    def roles(self, user):
        return "、".join(user.groups.values_list("name", flat=True))


admin.site.unregister(User)
admin.site.register(User, AccountAdmin)
