from reportgen.site.audit.models import record


def logged_in(sender, request, user, **kwargs):
    record(request, "登录", user=user)


def logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(request, "退出", user=user)


def login_failed(sender, credentials, request=None, **kwargs):
    record(request, "登录失败", obj=str(credentials.get("username", ""))[:150])
