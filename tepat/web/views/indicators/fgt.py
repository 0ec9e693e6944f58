"""FGT poverty measures from survey microdata (Susenas-like): upload a csv, xlsx or ods file, get P0, P1, P2 with standard
errors, labelled as survey estimates. The file is read in a temporary file and never kept."""

from __future__ import annotations

import tempfile
from pathlib import Path

import polars as pl
from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from tepat.engine.measures import InputError, fgt_cli_result
from tepat.web.decorators import survey_analyst
from tepat.web.views.indicators.common import TABLE_TYPES, table_response

MEASURES = ("p0", "se_p0", "p1", "se_p1", "p2", "se_p2", "n", "weight_sum")


class FgtForm(forms.Form):
    file = forms.FileField(label=_("Data mikro pengeluaran per kapita (.csv, .xlsx atau .ods)"))
    line = forms.FloatField(label=_("Garis kemiskinan Z (Rp per kapita per bulan)"), min_value=0.01)
    expenditure = forms.CharField(
        label=_("Kolom pengeluaran (kosong: dikenali otomatis)"), required=False, max_length=100
    )
    weight = forms.CharField(label=_("Kolom penimbang (opsional)"), required=False, max_length=100)
    by = forms.CharField(label=_("Kolom kelompok, mis. kecamatan (opsional)"), required=False, max_length=100)
    strata = forms.CharField(label=_("Kolom strata desain survei (opsional)"), required=False, max_length=100)
    psu = forms.CharField(label=_("Kolom PSU / klaster desain survei (opsional)"), required=False, max_length=100)
    download = forms.ChoiceField(
        choices=[("", "-"), *[(k, k) for k in TABLE_TYPES]], required=False
    )  # set by the submit buttons


def _estimate(upload, data: dict) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / Path(upload.name).name
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        return fgt_cli_result(
            path,
            data["line"],
            weight=data["weight"] or None,
            by=data["by"] or None,
            expenditure=data["expenditure"] or None,
            strata=data["strata"] or None,
            psu=data["psu"] or None,
        )


def result_frame(result: dict) -> pl.DataFrame:
    """Overall first, then each group: the measures in percent with their standard errors."""
    rows = [{"kelompok": "semua", **{m: result[m] for m in MEASURES}}]
    rows += [{"kelompok": str(g["group"]), **{m: g[m] for m in MEASURES}} for g in result.get("groups", [])]
    return pl.DataFrame(rows, schema={"kelompok": pl.String, **dict.fromkeys(MEASURES, pl.Float64)})


@survey_analyst
def fgt_page(request):
    form = FgtForm(request.POST or None, request.FILES or None)
    context = {"form": form, "current": "fgt"}
    if request.method == "POST" and form.is_valid():
        try:
            result = _estimate(request.FILES["file"], form.cleaned_data)
        except InputError as problem:
            context["problem"] = str(problem)
        else:
            if form.cleaned_data["download"]:
                return table_response(result_frame(result), form.cleaned_data["download"], "fgt-estimasi-survei")
            context.update(result=result, groups=result.get("groups", []))
    return render(request, "web/indicators/fgt.html", context, status=422 if "problem" in context else 200)
