"""Campaign list, creation, detail with bulk assignment and the progress table (analyst/admin manage)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from tepat.accounts.permissions import Action, can
from tepat.accounts.scope import get_in_scope_or_404, scoped
from tepat.registry.spreadsheet import csv_bytes, xlsx_bytes
from tepat.verivali.actions import (
    DecisionRefused,
    campaign_families,
    do_assign_campaign,
    do_close_campaign,
    do_create_campaign,
)
from tepat.verivali.forms import AssignForm, CampaignForm
from tepat.verivali.models import Campaign, CampaignStatus
from tepat.verivali.progress import GROUPS, campaign_progress, progress_frame, totals
from tepat.web.decorators import campaign_manager, verivali_user
from tepat.web.forms import form_errors

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@verivali_user
def campaign_list(request):
    campaigns = scoped(request.user, Campaign.objects.all()).order_by("-period_start", "-id")
    progress = {row["campaign_id"]: row for row in campaign_progress(by="campaign", user=request.user)}
    rows = [(c, progress.get(c.pk, {})) for c in campaigns]
    return render(
        request,
        "web/verivali/campaign_list.html",
        {"rows": rows, "manages": bool(can(request.user, Action.CAMPAIGNS_MANAGE))},
    )


@campaign_manager
def campaign_create(request):
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "kelurahan"}
        campaign = do_create_campaign(values, kelurahan=form.cleaned_data["kelurahan"], acting_user=request.user)
        messages.success(request, _("Kampanye dibuat dengan %(n)s keluarga.") % {"n": campaign.families.count()})
        return redirect("verivali_campaign", pk=campaign.pk)
    return render(request, "web/verivali/campaign_form.html", {"form": form})


# progress grouping -> its name on the page (the keys stay in the URL)
GROUP_LABELS = {
    "campaign": _lazy("kampanye"),
    "kecamatan": _lazy("kecamatan"),
    "kelurahan": _lazy("kelurahan"),
    "enumerator": _lazy("pendata"),
}


def _by(request) -> str:
    by = request.GET.get("by", "kelurahan")
    return by if by in GROUPS else "kelurahan"


@verivali_user
def campaign_detail(request, pk: int):
    campaign = get_in_scope_or_404(request.user, Campaign.objects.all(), pk=pk)
    by = _by(request)
    rows = campaign_progress(campaign, by=by, user=request.user)
    manages = bool(can(request.user, Action.CAMPAIGNS_MANAGE))
    return render(
        request,
        "web/verivali/campaign_detail.html",
        {
            "campaign": campaign,
            "rows": rows,
            "total": totals(rows),
            "by": by,
            "by_label": GROUP_LABELS.get(by, by),
            "groups": [(g, GROUP_LABELS.get(g, g)) for g in GROUPS],
            "form": AssignForm(campaign=campaign) if manages and campaign.status != CampaignStatus.CLOSED else None,
            "manages": manages,
            "kelurahan": campaign.kelurahan.select_related("parent"),
            "closable": manages and campaign.status != CampaignStatus.CLOSED,
            **_handback_context(request.user, campaign, manages),
        },
    )


def _handback_context(user, campaign: Campaign, manages: bool) -> dict:
    """What is still to be handed back to the central data, and what was sent (two queries)."""
    from tepat.verivali.actions import awaiting_handback
    from tepat.web.views.verivali.handback import HandBackForm

    return {
        "handback_awaiting": scoped(user, awaiting_handback(campaign)).count(),
        "handbacks": campaign.handbacks.annotate(n=Count("requests")).select_related("recorded_by"),
        "handback_download": bool(can(user, Action.REGISTRY_EXPORT)),
        "handback_form": HandBackForm() if manages else None,
    }


@require_POST
@campaign_manager
def campaign_assign(request, pk: int):
    campaign = get_in_scope_or_404(request.user, Campaign.objects.all(), pk=pk)
    form = AssignForm(request.POST, campaign=campaign)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("verivali_campaign", pk=campaign.pk)
    data = form.cleaned_data
    if campaign.status == CampaignStatus.CLOSED:
        messages.error(request, str(DecisionRefused("campaign_already_closed", campaign=campaign.name)))
        return redirect("verivali_campaign", pk=campaign.pk)
    chosen = campaign_families(
        campaign, kelurahan=data["kelurahan"], rt=data["rt"], rw=data["rw"], family_ids=data["family_ids"]
    )
    result = do_assign_campaign(
        chosen,
        enumerator=data["enumerator"],
        acting_user=request.user,
        reassign=data["reassign"],
        reason=data["reason"],
    )
    messages.success(
        request,
        _("%(a)s keluarga ditugaskan, %(r)s dialihkan kepada %(u)s.")
        % {"a": result.assigned, "r": result.reassigned, "u": data["enumerator"].username},
    )
    if result.kept:
        messages.warning(
            request,
            _("%(n)s keluarga tetap pada pendata lain (centang 'alihkan' untuk memindahkan).")
            % {"n": len(result.kept)},
        )
    return redirect("verivali_campaign", pk=campaign.pk)


@require_POST
@campaign_manager
def campaign_close(request, pk: int):
    """Close the campaign after the analyst ticked the confirmation box (no JavaScript needed)."""
    campaign = get_in_scope_or_404(request.user, Campaign.objects.all(), pk=pk)
    if request.POST.get("confirm") != "yes":
        messages.error(
            request, _("Centang konfirmasi untuk menutup kampanye / tick the confirmation box to close the campaign.")
        )
        return redirect("verivali_campaign", pk=campaign.pk)
    try:
        result = do_close_campaign(campaign, acting_user=request.user)
    except DecisionRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            _(
                "Kampanye ditutup: %(r)s penugasan pendata dilepas, %(k)s tetap karena kampanye lain yang "
                "masih berjalan, %(p)s usulan masih menunggu keputusan lurah."
            )
            % {"r": result.released, "k": result.kept, "p": result.pending},
        )
    return redirect("verivali_campaign", pk=campaign.pk)


@verivali_user
def progress_export(request, pk: int, kind: str):
    campaign = get_in_scope_or_404(request.user, Campaign.objects.all(), pk=pk)
    if kind not in CONTENT_TYPES:
        raise Http404
    frame = progress_frame(campaign_progress(campaign, by=_by(request), user=request.user))
    body = csv_bytes(frame) if kind == "csv" else xlsx_bytes({"Progres": frame})
    response = HttpResponse(body, content_type=CONTENT_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="verivali-{campaign.pk}-progres-{_by(request)}.{kind}"'
    return response
