"""Pages: the API docs (Swagger UI from Ninja's bundled static files, started by our own script, so the
strict CSP holds) and the user's own API tokens (create: shown once; revoke)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tepat.api.actions import do_create_token, do_revoke_token
from tepat.api.models import ApiToken


def docs(request):
    """Public, like the schema: it shows how to call the API, no data."""
    return render(request, "api/docs.html", {"schema_url": "/api/v1/openapi.json"})


class TokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Nama token (untuk apa)"), max_length=100)
    days = forms.IntegerField(
        label=gettext_lazy("Berlaku (hari)"), min_value=1, max_value=settings.TEPAT_API_TOKEN_MAX_DAYS, initial=90
    )


@login_required
def tokens(request):
    form = TokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        created = do_create_token(
            request.user, form.cleaned_data["name"], acting_user=request.user, days=form.cleaned_data["days"]
        )
        form = TokenForm()
    context = {
        "form": form,
        "created": created,
        "tokens": ApiToken.objects.filter(user=request.user),
    }
    return render(request, "api/tokens.html", context)


@require_POST
@login_required
def revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)  # another user's token: 404
    do_revoke_token(token, acting_user=request.user)
    messages.success(request, _("Token %(name)s dicabut.") % {"name": token.name})
    return redirect("api_tokens")
