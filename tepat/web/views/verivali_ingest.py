"""Verivali files: the ODK/Kobo XLSForm download, the submission upload, and the berita acara downloads.

Thin views: the work is in tepat.verivali.odk and tepat.verivali.documents. The upload is kept under
$TEPAT_HOME/uploads like every other import and ingested by a worker process (tepat.jobs); the page
waits for it and shows the report.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from tepat.accounts.masking import log_access
from tepat.accounts.models import AccessKind
from tepat.accounts.scope import get_in_scope_or_404
from tepat.jobs.reports import history, report_download
from tepat.jobs.run import run_for_page
from tepat.registry.runner import store_upload
from tepat.verivali.documents import berita_acara_docx, berita_acara_filename, berita_acara_pdf
from tepat.verivali.models import Campaign, Musyawarah
from tepat.verivali.odk.campaign import campaign_form_spec
from tepat.verivali.odk.xlsform import xlsform_bytes
from tepat.web.decorators import importer, musyawarah_user

DOCUMENTS = {
    "pdf": (berita_acara_pdf, "application/pdf"),
    "docx": (berita_acara_docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class SubmissionsForm(forms.Form):
    file = forms.FileField(label=_("Ekspor kiriman ODK Central (zip) atau KoboToolbox (xlsx), atau .ods"))
    include_rejected = forms.BooleanField(
        required=False, label=_("Masukkan juga kiriman yang ditolak peninjau di server")
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.TEPAT_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("Berkas terlalu besar (maksimal %(mb)s MB).") % {"mb": settings.TEPAT_MAX_UPLOAD_BYTES // 2**20}
            )
        return upload


def _attachment(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@importer
def ingest_page(request, pk: int):
    """Analysts upload what enumerators sent through ODK Central or KoboToolbox; every row is reported."""
    campaign = get_in_scope_or_404(request.user, Campaign.objects.all(), pk=pk)
    form = SubmissionsForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        report, problem = run_for_page(
            "odk",
            acting_user=request.user,
            campaign=campaign.pk,
            path=str(store_upload(upload)),
            file_name=upload.name,
            include_rejected=form.cleaned_data["include_rejected"],
        )
        report = report or {"file": upload.name, "fatal": {"message": problem}}
    return render(
        request,
        "web/verivali/ingest.html",
        {
            "campaign": campaign,
            "form": form,
            "report": report,
            "uploads": history(request.user, "odk", campaign=campaign.pk),
        },
    )


@importer
def ingest_report(request, pk: int, job: int, fmt: str):
    """One earlier ingest's report (xlsx / csv) of a campaign in scope; a job of another campaign answers 404."""
    campaign = get_in_scope_or_404(request.user, Campaign.objects.all(), pk=pk)
    return report_download(request.user, job, "odk", fmt, campaign=campaign.pk)


@importer
def xlsform_download(request, pk: int):
    """The campaign's XLSForm; it carries the names and addresses of the assigned families (logged as an export)."""
    campaign = get_in_scope_or_404(request.user, Campaign.objects.all(), pk=pk)
    spec = campaign_form_spec(campaign)
    log_access(request.user, AccessKind.EXPORT, f"XLSForm verivali {campaign.name}", records=len(spec.families))
    return _attachment(xlsform_bytes(spec), XLSX, f"{spec.form_id}.xlsx")


def meeting_in_scope(user, pk: int) -> Musyawarah:
    """A musyawarah the user may read (tepat.accounts.scope: city-wide verivali roles, the camat of its
    kecamatan, the lurah of its kelurahan); 404 otherwise."""
    return get_in_scope_or_404(user, Musyawarah.objects.select_related("kelurahan"), pk=pk)


@musyawarah_user
def berita_acara_download(request, pk: int, kind: str):
    if kind not in DOCUMENTS:
        raise Http404
    meeting = meeting_in_scope(request.user, pk)
    build, content_type = DOCUMENTS[kind]
    log_access(request.user, AccessKind.EXPORT, f"berita acara {meeting}", records=meeting.decisions.count())
    return _attachment(build(meeting), content_type, berita_acara_filename(meeting, kind))
