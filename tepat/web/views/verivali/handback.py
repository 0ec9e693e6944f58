"""The hand-back of a campaign's approved changes to the central data: the download and "mark as sent"."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from tepat.accounts.masking import log_access
from tepat.accounts.models import AccessKind
from tepat.accounts.scope import get_in_scope_or_404, scoped
from tepat.registry.spreadsheet import csv_bytes, xlsx_bytes
from tepat.verivali.actions import DecisionRefused, awaiting_handback, do_record_handback
from tepat.verivali.handback import handback_frame, handback_rows
from tepat.verivali.models import Campaign, ChangeRequest
from tepat.web.decorators import campaign_manager, exporter
from tepat.web.forms import form_errors
from tepat.web.views.verivali.campaigns import CONTENT_TYPES


class HandBackForm(forms.Form):
    sent_on = forms.DateField(label=_lazy("Tanggal dikirim"), widget=forms.DateInput(attrs={"type": "date"}))
    channel = forms.CharField(
        label=_lazy("Saluran"), max_length=120, help_text=_lazy("mis. SIKS-NG, usulan DTSEN lewat Dinas Sosial")
    )
    note = forms.CharField(label=_lazy("Catatan"), max_length=255, required=False)
    ids = forms.CharField(label=_lazy("Nomor usulan (kosong = semua yang belum dikirim)"), required=False)

    def clean_ids(self) -> list[int] | None:
        text = self.cleaned_data["ids"].replace(",", " ").split()
        if any(not part.isdigit() for part in text):
            raise forms.ValidationError(_("Nomor usulan berupa angka, dipisah koma atau spasi."))
        return [int(part) for part in text] or None


@exporter
def handback_download(request, pk: int, kind: str):
    """One row per approved change; NIK / No KK in full only for roles that see them; logged as an export."""
    if kind not in CONTENT_TYPES:
        raise Http404
    campaign = get_in_scope_or_404(request.user, Campaign.objects.all(), pk=pk)
    unsent = request.GET.get("belum") == "1"
    rows = handback_rows(
        campaign, request.user, unsent_only=unsent, within=scoped(request.user, ChangeRequest.objects.all())
    )
    frame = handback_frame(rows)
    log_access(request.user, AccessKind.EXPORT, f"hand-back verivali {campaign.name}", records=len(rows))
    body = csv_bytes(frame) if kind == "csv" else xlsx_bytes({"Perubahan": frame})
    response = HttpResponse(body, content_type=CONTENT_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="verivali-{campaign.pk}-kirim-balik.{kind}"'
    return response


@require_POST
@campaign_manager
def handback_sent(request, pk: int):
    campaign = get_in_scope_or_404(request.user, Campaign.objects.all(), pk=pk)
    form = HandBackForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("verivali_campaign", pk=campaign.pk)
    data = form.cleaned_data
    chosen = data["ids"] if data["ids"] is not None else list(awaiting_handback(campaign).values_list("pk", flat=True))
    try:
        handback = do_record_handback(
            campaign,
            chosen,
            sent_on=data["sent_on"],
            channel=data["channel"],
            note=data["note"],
            acting_user=request.user,
        )
    except DecisionRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            _("%(n)s usulan dicatat terkirim (%(when)s, %(channel)s).")
            % {"n": handback.requests.count(), "when": f"{handback.sent_on:%d-%m-%Y}", "channel": handback.channel},
        )
    return redirect("verivali_campaign", pk=campaign.pk)
