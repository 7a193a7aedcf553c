from django.contrib.auth import views as auth_views

from reportgen.site.accounts.models import Profile


class PasswordChange(auth_views.PasswordChangeView):
    def form_valid(self, form):
        response = super().form_valid(form)
        Profile.objects.filter(user=self.request.user).update(must_change_password=False)
        from reportgen.site.audit.models import record

        record(self.request, "修改密码")
        return response
