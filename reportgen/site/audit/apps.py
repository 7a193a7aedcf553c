from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "reportgen.site.audit"
    label = "audit"
    verbose_name = "操作记录"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

        from reportgen.site.audit import receivers

        user_logged_in.connect(receivers.logged_in, dispatch_uid="audit-login")
        user_logged_out.connect(receivers.logged_out, dispatch_uid="audit-logout")
        user_login_failed.connect(receivers.login_failed, dispatch_uid="audit-login-failed")
