from django.shortcuts import redirect
from django.urls import reverse


class PasswordChangeMiddleware:
    """An account whose password an admin set or reset must choose its own before anything
    else (accounts made by `reportgen users add` may log in at once: their owner chose it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            profile = getattr(user, "profile", None)
            allowed = (reverse("password_change"), reverse("password_change_done"), reverse("logout"))
            if profile is not None and profile.must_change_password and request.path not in allowed:
                return redirect("password_change")
        return self.get_response(request)
