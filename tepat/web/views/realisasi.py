from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from django.utils.translation import gettext_lazy as _

from tepat.accounts.masking import log_access, masked_report
from tepat.accounts.models import AccessKind
from tepat.accounts.scope import get_in_scope_or_404, scoped
from tepat.jobs.reports import history, report_download
from tepat.jobs.run import run_for_page
from tepat.programs.actions import do_record_intervention, reportable_programs
from tepat.web.linking import linkable_families
from tepat.programs.models import Intervention, InterventionStatus, Program
from tepat.registry.models import Family
from tepat.registry.runner import store_upload
from tepat.web.decorators import intervention_recorder


class RealisasiForm(forms.Form):
    file = forms.FileField(label=_("Berkas realisasi (.xlsx atau .csv)"))  # its columns are listed as code on the page


def _recent(user):
    return scoped(user, Intervention.objects.select_related("program", "family__kelurahan")).order_by("-recorded_at")[
        :50
    ]


@intervention_recorder
def realisasi_page(request):
    """OPD operators (and analysts) upload what they delivered; the report lists every refused row."""
    form = RealisasiForm(request.POST or None, request.FILES or None)
    report, fatal = None, None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result, fatal = run_for_page(
            "realisasi", acting_user=request.user, path=str(store_upload(upload)), file_name=upload.name
        )
        fatal = fatal or (result or {}).get("fatal")
        report = masked_report(request.user, result["report"]) if result and "report" in result else None
    interventions = list(_recent(request.user))
    log_access(request.user, AccessKind.VIEW, "realisasi terakhir", records=len(interventions))
    context = {
        "form": form,
        "report": report,
        "fatal": fatal,
        "interventions": interventions,
        "linked": linkable_families(request.user, [i.family_id for i in interventions]),
        "uploads": history(request.user, "realisasi"),
    }
    return render(request, "web/realisasi.html", context)


@intervention_recorder
def realisasi_report(request, pk: int, fmt: str):
    """One earlier upload's report (xlsx / csv); another OPD's upload answers 404."""
    return report_download(request.user, pk, "realisasi", fmt)


class InterventionForm(forms.Form):
    program = forms.ModelChoiceField(queryset=Program.objects.none(), label=_("Program"))
    date = forms.DateField(label=_("Tanggal"), widget=forms.DateInput(attrs={"type": "date"}))
    amount = forms.DecimalField(label=_("Nilai (Rp)"), min_value=0, decimal_places=0, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=InterventionStatus.choices)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = reportable_programs(user)
        programs = Program.objects.filter(is_active=True)
        self.fields["program"].queryset = programs if allowed is None else programs.filter(pk__in=allowed)


@require_POST
@intervention_recorder
def record_for_family(request, pk: int):
    """One intervention for one family, from the family page."""
    family = get_in_scope_or_404(request.user, Family.objects.all(), pk=pk)
    form = InterventionForm(request.POST, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            do_record_intervention(
                data["program"],
                family,
                acting_user=request.user,
                date=data["date"],
                amount=data["amount"] or 0,
                status=data["status"],
            )
            messages.success(request, _("Realisasi dicatat."))
        except ValueError as problem:
            messages.error(request, str(problem))
    else:
        messages.error(request, "; ".join(e for errors in form.errors.values() for e in errors))
    return redirect("family_detail", pk=family.pk)
