from __future__ import annotations

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from tepat.accounts.masking import log_access, masked_report
from tepat.accounts.models import AccessKind
from tepat.accounts.roles import Role
from tepat.programs.actions import do_import_interventions
from tepat.programs.models import Intervention
from tepat.registry.importer.messages import ImportFatal
from tepat.registry.runner import store_upload
from tepat.web.decorators import needs

recorder = needs(lambda policy: policy.can_edit_rules or policy.scope == "city")


class RealisasiForm(forms.Form):
    file = forms.FileField(label=_("Berkas realisasi (.xlsx atau .csv): kode_program, nik atau no_kk, tanggal, nilai, status"))


def _recent(user):
    interventions = Intervention.objects.select_related("program", "family__kelurahan").order_by("-recorded_at")
    if user.role == Role.OPD:
        interventions = interventions.filter(program__opd_id=user.opd_id)
    return interventions[:50]


@recorder
def realisasi_page(request):
    """OPD operators (and analysts) upload what they delivered; the report lists every refused row."""
    form = RealisasiForm(request.POST or None, request.FILES or None)
    report, fatal = None, None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = do_import_interventions(store_upload(upload), acting_user=request.user, file_name=upload.name).as_dict()
            report = masked_report(request.user, report)
        except ImportFatal as problem:
            fatal = str(problem)
    interventions = list(_recent(request.user))
    log_access(request.user, AccessKind.VIEW, "realisasi terakhir", records=len(interventions))
    context = {"form": form, "report": report, "fatal": fatal, "interventions": interventions}
    return render(request, "web/realisasi.html", context)
