"""User accounts for the admin: list, create, change role/region/OPD, reset password, (de)activate.

Every change is one audited action in tepat.accounts.actions; new passwords are shown once, in the
answer to the POST that made them (never stored in the session or a message)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from tepat.accounts.actions import do_change_user, do_create_user, do_reset_password, do_set_active
from tepat.accounts.models import AuditAction, AuditEvent, Opd, User
from tepat.accounts.roles import Role
from tepat.regions.models import Level, Region
from tepat.web.decorators import user_manager

ACCOUNT_ACTIONS = [
    AuditAction.USER_CREATED,
    AuditAction.USER_CHANGED,
    AuditAction.PASSWORD_RESET,
    AuditAction.USER_DEACTIVATED,
    AuditAction.USER_REACTIVATED,
]


def region_choices() -> list:
    """Kecamatan and kelurahan of the city, grouped (camat: a kecamatan; lurah: a kelurahan)."""
    city = Region.objects.filter(code__startswith=settings.TEPAT_REGION_CODE + ".")
    groups = []
    for level, label in ((Level.KECAMATAN, _("Kecamatan")), (Level.KELURAHAN, _("Kelurahan"))):
        groups.append((label, [(r.code, f"{r.code} {r.name}") for r in city.filter(level=level).order_by("code")]))
    return [("", "-"), *groups]


class AccountForm(forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("Peran"), choices=Role.choices)
    region = forms.ChoiceField(label=gettext_lazy("Wilayah (camat: kecamatan, lurah: kelurahan)"), required=False)
    opd = forms.ChoiceField(label=gettext_lazy("OPD (operator OPD)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = region_choices()
        self.fields["opd"].choices = [("", "-"), *Opd.objects.order_by("code").values_list("code", "name")]

    def apply(self, error: ValidationError) -> None:
        """Put an action's ValidationError on the fields it names (others on the form)."""
        for name, texts in error.message_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]:
            self.add_error(name if name in self.fields else None, texts)


class NewUserForm(AccountForm):
    username = forms.CharField(label=gettext_lazy("Nama pengguna"), max_length=150)
    field_order = ["username", "role", "region", "opd"]


def _account(data: dict) -> dict:
    return {"role": data["role"], "region_code": data["region"] or None, "opd_code": data["opd"] or None}


@user_manager
@never_cache
def user_list(request):
    users = User.objects.select_related("region", "opd").order_by("username")
    q, role, status = request.GET.get("q", "").strip(), request.GET.get("peran", ""), request.GET.get("status", "")
    if q:
        users = users.filter(Q(username__icontains=q) | Q(first_name__icontains=q) | Q(last_name__icontains=q))
    if role in Role.values:
        users = users.filter(role=role)
    if status in ("aktif", "nonaktif"):
        users = users.filter(is_active=status == "aktif")
    page = Paginator(users, settings.TEPAT_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"page": page, "q": q, "role": role, "status": status, "roles": Role.choices, "query": query.urlencode()}
    return render(request, "web/admin/user_list.html", context)


@user_manager
@never_cache
def user_create(request):
    form = NewUserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user, password = do_create_user(
                form.cleaned_data["username"].strip(), acting_user=request.user, **_account(form.cleaned_data)
            )
        except ValidationError as error:
            form.apply(error)
        else:
            return _password_page(request, user, password, created=True)
    return render(request, "web/admin/user_form.html", {"form": form}, status=400 if form.errors else 200)


@user_manager
@never_cache
def user_detail(request, pk: int):
    account = get_object_or_404(User.objects.select_related("region", "opd"), pk=pk)
    initial = {
        "role": account.role,
        "region": account.region.code if account.region else "",
        "opd": account.opd.code if account.opd else "",
    }
    form = AccountForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            do_change_user(account.username, acting_user=request.user, **_account(form.cleaned_data))
        except ValidationError as error:
            form.apply(error)
        else:
            messages.success(request, _("Peran, wilayah dan OPD %(user)s disimpan.") % {"user": account.username})
            return redirect("admin_user_detail", pk=account.pk)
    events = AuditEvent.objects.filter(target=account.username, action__in=ACCOUNT_ACTIONS).select_related("user")[:20]
    context = {"account": account, "form": form, "events": events}
    return render(request, "web/admin/user_detail.html", context, status=400 if form.errors else 200)


@user_manager
@never_cache
@require_POST
def user_password(request, pk: int):
    account = get_object_or_404(User, pk=pk)
    return _password_page(
        request, account, do_reset_password(account.username, acting_user=request.user), created=False
    )


@user_manager
@require_POST
def user_status(request, pk: int):
    account = get_object_or_404(User, pk=pk)
    active = request.POST.get("active") == "1"
    try:
        do_set_active(account.username, active, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        done = _("%(user)s diaktifkan kembali.") if active else _("%(user)s dinonaktifkan: tidak dapat masuk lagi.")
        messages.success(request, done % {"user": account.username})
    return redirect("admin_user_detail", pk=account.pk)


def _password_page(request, account: User, password: str, *, created: bool):
    """The one time a password is shown: in this answer only, not cached."""
    return render(request, "web/admin/password.html", {"account": account, "password": password, "created": created})
