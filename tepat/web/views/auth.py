from __future__ import annotations

from django.contrib import auth
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tepat.accounts import throttle


def login_view(request):
    form = AuthenticationForm(request, data=request.POST or None)
    locked = False
    if request.method == "POST":
        keys = throttle.begin(request.POST.get("username", ""))  # a slot is taken before the password is checked
        locked = keys is None
        if not locked and form.is_valid():
            throttle.succeeded(keys)
            auth.login(request, form.get_user())
            return redirect(_safe_next(request))
    context = {"form": form, "locked": locked, "lock_message": _("Terlalu banyak percobaan gagal. Coba lagi nanti.")}
    return render(request, "web/login.html", context, status=429 if locked else 200)


def _safe_next(request) -> str:
    """Only redirect within this site after login (no open redirect)."""
    target = request.GET.get("next", "")
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and allowed else "/"


@require_POST
def logout_view(request):
    auth.logout(request)
    return redirect("login")
