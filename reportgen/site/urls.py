from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from reportgen.site.accounts.views import PasswordChange


def _admin_in_chinese() -> None:
    """The admin shows only what a bureau's admin needs, in Chinese: axes' lockouts (delete one
    to unlock an account) under a Chinese name; its access logs and django-tasks' results are
    left out (logins are in the audit log, tasks show on the pages). These apps ship no Chinese."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.apps import apps
    from django_tasks_db.models import DBTaskResult

    for model in (AccessLog, AccessFailureLog, DBTaskResult):
        if admin.site.is_registered(model):
            admin.site.unregister(model)
    apps.get_app_config("axes").verbose_name = "登录锁定"
    AccessAttempt._meta.verbose_name = AccessAttempt._meta.verbose_name_plural = "连续登录失败（删除即解锁）"


_admin_in_chinese()

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", PasswordChange.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("admin/", admin.site.urls),
    path("", include("reportgen.site.filings.urls")),
]
