"""Official series in: a BPS-style table upload and a one-value form (analyst and admin)."""

from __future__ import annotations

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from tepat.indicators.actions import do_import_series, do_record_observation
from tepat.indicators.models import Indicator
from tepat.indicators.series import INDICATOR_COLUMNS
from tepat.regions.models import Region
from tepat.registry.runner import store_upload
from tepat.web.views.indicators.common import can_import


class SeriesUploadForm(forms.Form):
    file = forms.FileField(label=_("Tabel seri resmi (.xlsx atau .csv)"))
    dry_run = forms.BooleanField(label=_("Periksa saja, jangan simpan"), required=False)


def _region_choices() -> list[tuple[str, str]]:
    regions = Region.objects.filter(level__in=("provinsi", "kabkota", "kecamatan")).order_by("code")
    return [("ID", "Indonesia")] + [(r.code, f"{r.code} {r.name}") for r in regions]


class ObservationForm(forms.Form):
    region = forms.ChoiceField(label=_("Wilayah"))
    year = forms.IntegerField(label=_("Tahun"), min_value=1990, max_value=2100)
    indicator = forms.ChoiceField(  # the import column as value, the indicator's name as words
        label=_("Indikator"), choices=[(c, Indicator(key).label) for c, key in INDICATOR_COLUMNS.items()]
    )
    value = forms.CharField(label=_("Nilai (titik atau koma desimal)"), max_length=30)
    ppp_basis = forms.CharField(
        label=_("Dasar PPP (wajib untuk kemiskinan ekstrem)"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "USD 2.15 PPP 2017"}),
    )
    source = forms.CharField(label=_("Sumber"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = _region_choices()


@can_import
def series_import(request):
    """GET: the upload and the manual form; POST file: check everything, write all or nothing."""
    upload = (
        SeriesUploadForm(request.POST or None, request.FILES or None)
        if "file" in request.FILES or request.method == "GET"
        else SeriesUploadForm()
    )
    entry = ObservationForm(request.POST if request.method == "POST" and "file" not in request.FILES else None)
    report = None
    if request.method == "POST" and "file" in request.FILES and upload.is_valid():
        stored = request.FILES["file"]
        report = do_import_series(
            store_upload(stored),
            acting_user=request.user,
            file_name=stored.name,
            dry_run=upload.cleaned_data["dry_run"],
        )
    elif request.method == "POST" and entry.is_valid():
        data = entry.cleaned_data
        report = do_record_observation(
            region_code=data["region"],
            year=data["year"],
            indicator_column=data["indicator"],
            value=data["value"],
            ppp_basis=data["ppp_basis"],
            source=data["source"],
            acting_user=request.user,
        )
    status = 200 if report is None or not report.errors else 422
    return render(
        request,
        "web/indicators/import.html",
        {"upload": upload, "entry": entry, "report": report, "columns": INDICATOR_COLUMNS},
        status=status,
    )
