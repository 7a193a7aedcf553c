from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from reportgen.site.accounts.views import PasswordChange

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", PasswordChange.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("admin/", admin.site.urls),
    path("", include("reportgen.site.filings.urls")),
]
