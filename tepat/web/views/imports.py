from __future__ import annotations

import json
import re

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST

from tepat.accounts.masking import log_access, masked_report
from tepat.accounts.models import AccessKind
from tepat.accounts.scope import get_in_scope_or_404, scoped
from tepat.registry.actions import do_confirm_missing, do_revert_batch
from tepat.registry.importer.load import missing_threshold
from tepat.registry.importer.messages import RevertRefused
from tepat.registry.importer.profiles import format_names
from tepat.registry.importer.report import report_sheets
from tepat.registry import progress as live
from tepat.registry.models import BatchStatus, ImportBatch
from tepat.registry.runner import run, start
from tepat.registry.spreadsheet import xlsx_bytes
from tepat.web.decorators import importer
from tepat.web.forms import form_errors


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Berkas ekspor (.xlsx, .xls, .ods atau .csv)"))
    format = forms.ChoiceField(label=_("Format"), choices=[(f, f) for f in ["auto", *format_names()]], initial="auto")
    export_date = forms.DateField(
        label=_("Tanggal ekspor sumber (jika diketahui)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    dry_run = forms.BooleanField(label=_("Uji coba saja (tidak menulis data)"), required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.TEPAT_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("Berkas terlalu besar (maksimal %(mb)s MB).") % {"mb": settings.TEPAT_MAX_UPLOAD_BYTES // 2**20}
            )
        return upload


@importer
def import_page(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        batch = start(
            data["file"],
            acting_user=request.user,
            requested_format=data["format"],
            dry_run=data["dry_run"],
            export_date=data["export_date"],
        )
        return redirect("import_status", pk=batch.pk)
    batches = scoped(request.user, ImportBatch.objects.select_related("user"))[:20]
    return render(
        request,
        "web/import.html",
        {"form": form, "batches": batches, "threshold_percent": round(missing_threshold() * 100)},
    )


class ConfirmForm(forms.Form):
    full_export = forms.BooleanField(
        label=_("Saya sudah memeriksa: berkas ini ekspor lengkap untuk kelurahan dan desil di dalamnya")
    )


class RevertForm(forms.Form):
    reason = forms.CharField(
        label=pgettext_lazy("import", "Alasan pembatalan"), max_length=200, widget=forms.TextInput(attrs={"size": 60})
    )


def _batch(request, pk: int) -> ImportBatch:
    return get_in_scope_or_404(request.user, ImportBatch.objects.all(), pk=pk)


# What a running import says it is doing (tepat.registry.actions, importer.load), in the page's language; a
# writing stage ends with its chunk ("menulis anggota 2/8").
STAGES = {
    "membaca berkas": pgettext_lazy("import stage", "membaca berkas"),
    "memeriksa": pgettext_lazy("import stage", "memeriksa"),
    "menulis keluarga": pgettext_lazy("import stage", "menulis keluarga"),
    "menulis anggota": pgettext_lazy("import stage", "menulis anggota"),
}
CHUNK_OF = re.compile(r"(?P<words>.*?)(?P<part> \d+/\d+)?")


def _shown(request, pk: int) -> ImportBatch:
    """The batch to show; while it runs, with the stage and percentage its import saved last (the batch row
    itself is written in the import's transaction, unseen until it ends: tepat.registry.progress), the stage in
    the page's language."""
    batch = _batch(request, pk)
    if batch.status == BatchStatus.RUNNING and (now := live.read(batch.pk)):
        batch.stage, batch.progress = now["stage"], now["progress"]
    stage = CHUNK_OF.fullmatch(batch.stage)
    if stage["words"] in STAGES:
        batch.stage = f"{STAGES[stage['words']]}{stage['part'] or ''}"
    return batch


@importer
def import_status(request, pk: int):
    batch = _shown(request, pk)
    report = masked_report(request.user, batch.report)
    if batch.is_finished() and report.get("rejected"):
        log_access(request.user, AccessKind.VIEW, f"laporan impor {batch.pk}", records=len(report["rejected"]))
    context = {"batch": batch, "report": report, "confirm_form": ConfirmForm(), "revert_form": RevertForm()}
    return render(request, "web/import_status.html", context)


@importer
@require_POST
def import_confirm(request, pk: int):
    """The explicit confirmation step of a held import: the person saw the numbers and ticked the box."""
    batch = _batch(request, pk)
    form = ConfirmForm(request.POST)
    if not batch.is_held():
        messages.error(request, _("Impor ini tidak menunggu konfirmasi."))
    elif not form.is_valid():
        messages.error(request, form_errors(form))
    else:
        run(do_confirm_missing(batch, acting_user=request.user), acting_user=request.user)
    return redirect("import_status", pk=batch.pk)


@importer
@require_POST
def import_revert(request, pk: int):
    batch = _batch(request, pk)
    form = RevertForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("import_status", pk=batch.pk)
    try:
        counts = do_revert_batch(batch, acting_user=request.user, reason=form.cleaned_data["reason"])
    except RevertRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            _(
                "Impor dibatalkan: %(created)s keluarga baru dinonaktifkan, %(restored)s keluarga dikembalikan, "
                "%(unflagged)s tanda tidak ada lagi dicabut."
            )
            % {
                "created": counts["deactivated"]["family"],
                "restored": counts["restored"]["family"],
                "unflagged": counts["unflagged"]["family"],
            },
        )
    return redirect("import_status", pk=batch.pk)


@importer
def import_progress(request, pk: int):
    """The htmx fragment polled while an import runs; it stops polling when the batch is finished."""
    batch = _shown(request, pk)
    response = render(request, "web/_import_progress.html", {"batch": batch})
    if batch.is_finished() and request.htmx:
        response["HX-Refresh"] = "true"
    return response


@importer
def import_report(request, pk: int, kind: str):
    batch = _batch(request, pk)
    report = masked_report(request.user, batch.report)
    if kind == "json":
        body, content_type = json.dumps(report, ensure_ascii=False, indent=1).encode(), "application/json"
    elif kind == "xlsx":
        body, content_type = (
            xlsx_bytes(report_sheets(report)),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404
    log_access(
        request.user, AccessKind.EXPORT, f"laporan impor {batch.pk} ({kind})", records=len(report.get("rejected", []))
    )
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="laporan-impor-{batch.pk}.{kind}"'
    return response
