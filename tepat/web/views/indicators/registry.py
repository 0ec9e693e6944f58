"""Registry indicators (counts, not survey estimates): desil, deprivation rates, Alkire-Foster, by region.
Every role sees aggregates of its scope; the viewer's are suppressed (fewer than 5 families), and so
is any download asked for as public (`?publik=1`)."""

from __future__ import annotations

import json
from datetime import date

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

import polars as pl

from tepat.charts.indicators import registry_bar_chart
from tepat.indicators.registry import _aggregate_scope, small_cell
from tepat.lru import LRU
from tepat.programs.frames import data_as_of, registry_state
from tepat.registry import shared
from tepat.engine.disclosure import DisclosureRisk
from tepat.engine.measures import InputError
from tepat.indicators.registry import (
    LABEL,
    LEVELS,
    af_by_region,
    af_defaults,
    dimensions,
    is_public,
    registry_indicators,
)
from tepat.web.views.indicators.common import can_import, chart_response, inline_svg, table_response

TABLES = ("desil", "deprivation")


def level_choices() -> list[tuple[str, str]]:
    """(level, its name in the active language) for the level selects."""
    names = {"kota": _("kota"), "kecamatan": _("kecamatan"), "kelurahan": _("kelurahan")}
    return [(level, names[level]) for level in LEVELS]


def _level(request) -> str:
    level = request.GET.get("level", "kecamatan")
    return level if level in LEVELS else "kecamatan"


def _public(request) -> bool:
    return is_public(request.user) or request.GET.get("publik") == "1"


def _measure(request) -> str:
    measure = request.GET.get("ukuran", "")
    return measure if measure in dimensions() else next(iter(dimensions()))


# Per process: the page's tables per (scope, registry snapshot, level, public, day, small-cell threshold),
# and its chart per data drawn: the chart alone took 1.5-2 s of vl-convert per request at 100k families; one
# process draws it for all (tepat.registry.shared, beside the snapshot the data come from).
_TABLES: LRU[object] = LRU(32)
_CHARTS: LRU[str] = LRU(32)


@login_required
def registry_page(request):
    level, measure, public, state = _level(request), _measure(request), _public(request), registry_state()
    key = (_aggregate_scope(request.user), state, level, public, date.today(), small_cell())
    tables = _TABLES.get(key, lambda: registry_indicators(request.user, level, public=public, state=state))
    rows, title = tables.deprivation.to_dicts(), str(dimensions()[measure].label)
    chart_key = (json.dumps(rows, sort_keys=True, default=str), measure, title, get_language())
    draw = lambda: inline_svg(registry_bar_chart(rows, f"{measure}_persen", title=title))  # noqa: E731
    chart_svg = _CHARTS.get(chart_key, lambda: shared.get(state, ("registry-chart", *chart_key), draw))
    context = {
        "tables": tables,
        "level": level,
        "levels": level_choices(),
        "dimensions": dimensions(),
        "measure": measure,
        "desil_rows": _desil_rows(tables.desil),
        "deprivation_rows": _deprivation_rows(tables.deprivation),
        "chart_svg": chart_svg if tables.families else "",
        "query": request.GET.urlencode(),
        "label": LABEL,
        "data_as_of": data_as_of(state),
    }
    return render(request, "web/indicators/registry.html", context)


def _desil_rows(frame: pl.DataFrame) -> list[dict]:
    columns = [f"keluarga_d{d}" for d in range(1, 11)] + ["keluarga_tanpa_desil"]
    return [
        {"name": r["region_name"], "cells": [r[c] for c in columns], "families": r["keluarga"], "people": r["jiwa"]}
        for r in frame.to_dicts()
    ]


def _deprivation_rows(frame: pl.DataFrame) -> list[dict]:
    keys = list(dimensions())
    return [
        {
            "name": r["region_name"],
            "families": r["keluarga"],
            "cells": [(r[f"{k}_persen"], r[f"{k}_n"], r[f"{k}_data"]) for k in keys],
        }
        for r in frame.to_dicts()
    ]


@login_required
def registry_table(request, table: str, fmt: str):
    if table not in TABLES:
        raise Http404
    public = _public(request)
    tables = registry_indicators(request.user, _level(request), public=public)
    frame = tables.desil if table == "desil" else tables.deprivation
    name = f"registri-{table}-{tables.level}{'-publik' if public else ''}"
    return table_response(frame.with_columns(pl.lit(LABEL).alias("keterangan")), fmt, name)


@login_required
def registry_chart(request, fmt: str):
    measure = _measure(request)
    tables = registry_indicators(request.user, _level(request), public=_public(request))
    return chart_response(
        registry_bar_chart(tables.deprivation.to_dicts(), f"{measure}_persen", title=str(dimensions()[measure].label)),
        fmt,
        f"registri-{measure}-{tables.level}",
    )


class AFForm(forms.Form):
    """Indicators (checkboxes), a relative weight per indicator and k; read from the query string."""

    level = forms.ChoiceField(label=_("Tingkat"), choices=level_choices(), initial="kecamatan", required=False)
    k = forms.FloatField(label=_("Batas miskin k (0-1)"), min_value=0.01, max_value=1, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        defaults = af_defaults()
        for key, dim in dimensions().items():
            self.fields[f"i_{key}"] = forms.BooleanField(
                label=dim.label, required=False, initial=key in defaults["indicators"]
            )
            self.fields[f"w_{key}"] = forms.FloatField(
                label=_("bobot relatif"), min_value=0.0001, required=False, initial=defaults["weights"].get(key, 1)
            )

    def parameters(self) -> tuple[list[str], dict[str, float], float, str]:
        data, defaults = self.cleaned_data, af_defaults()
        chosen = [key for key in dimensions() if data.get(f"i_{key}")] if self.data else list(defaults["indicators"])
        weights = {key: data.get(f"w_{key}") or defaults["weights"].get(key, 1) for key in chosen}
        k = data.get("k") or defaults["k"]
        return chosen, weights, k, data.get("level") or "kecamatan"


CHOSE_INDICATORS = "indikator"  # hidden field of the form: its checkboxes were submitted (none ticked means none)


def _with_default_indicators(query):
    """A link such as ?level=kelurahan did not submit the checkboxes: tick the default indicators
    (instead of reading every box as unticked and refusing with 422)."""
    if not query or CHOSE_INDICATORS in query or any(key.startswith("i_") for key in query):
        return query
    data = query.copy()
    for key in af_defaults()["indicators"]:
        data.setdefault(f"i_{key}", "on")
    return data


def _af(request):
    form = AFForm(_with_default_indicators(request.GET) or None, initial={"k": af_defaults()["k"]})
    if request.GET and not form.is_valid():
        return form, None, None, None
    indicators, weights, k, level = form.parameters() if request.GET else (*_default_parameters(), "kecamatan")
    try:
        result, frame = af_by_region(
            request.user, level, indicators=indicators, weights=weights, k=k, public=_public(request)
        )
    except (InputError, DisclosureRisk) as problem:  # DisclosureRisk: the audit refused this public table
        return form, None, None, str(problem)
    return form, result, frame, None


def _default_parameters():
    defaults = af_defaults()
    return list(defaults["indicators"]), dict(defaults["weights"]), defaults["k"]


@login_required
def af_page(request):
    """Alkire-Foster with the indicators, weights and k of the form (defaults: data/registry.json)."""
    form, result, frame, problem = _af(request)
    context = {
        "form": form,
        "result": result,
        "rows": frame.to_dicts() if frame is not None else [],
        "problem": problem,
        "dimensions": dimensions(),
        "query": request.GET.urlencode(),
        "label": LABEL,
        "suppressed": _public(request),
    }
    if result is not None:
        shown = _city_cells(request, form) if _public(request) else None
        context["overall"] = result.overall if shown is None or shown("af", "miskin") else None
        context["indicator_rows"] = [
            {
                "key": key,
                "label": dimensions()[key].label,
                "weight": result.weights[key],
                "censored": 100 * result.overall.censored[key],
                "uncensored": 100 * result.overall.uncensored[key]
                if shown is None or shown("deprivasi", key)
                else None,
                "contribution": result.overall.contribution[key],
                "missing": result.overall.missing[key] if shown is None or shown("deprivasi", f"{key}:data") else None,
            }
            for key in result.indicators
        ]
    return render(request, "web/indicators/af.html", context, status=200 if problem is None else 422)


def _city_cells(request, form):
    """For a public AF page: whether a city cell of the public release (at the form's parameters) is shown.
    The city's deprived and missing counts are release cells (deprivasi k, k:data), so they follow its pattern."""
    from tepat.indicators.registry import CITY, public_release

    indicators, weights, k, _level_ = form.parameters() if request.GET else (*_default_parameters(), "kecamatan")
    release = public_release(indicators=indicators, weights=weights, k=k) if request.GET else public_release()
    return lambda table, category: not release.hidden((table, CITY, CITY, category))


@login_required
def af_table(request, fmt: str):
    form, result, frame, problem = _af(request)
    if frame is None:
        raise Http404
    name = f"alkire-foster{'-publik' if _public(request) else ''}"
    return table_response(frame.with_columns(pl.lit(LABEL).alias("keterangan"), pl.lit(result.k).alias("k")), fmt, name)


@can_import
def public_release_download(request):
    """The open-data release (the files of `tepat publish`) as one zip, for the analyst and admin; 409
    with the audit's message if the audit fails (nothing is handed out)."""
    from datetime import date

    from tepat.indicators.publish import public_files, zipped

    try:
        contents = public_files()
    except DisclosureRisk as risk:
        return HttpResponse(str(risk), status=409, content_type="text/plain; charset=utf-8")
    response = HttpResponse(zipped(contents), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="rilis-publik-{date.today().isoformat()}.zip"'
    return response
