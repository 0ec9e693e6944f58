"""Official figures: targets with their arithmetic, trend and comparison charts, the stored values."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from tepat.charts.indicators import comparison_chart, trend_chart
from tepat.indicators.models import Indicator, Observation, PERCENT_INDICATORS
from tepat.indicators.official import (
    comparison_data,
    home_city_code,
    observations_frame,
    series_regions,
    trend_data,
    years_of,
)
from tepat.indicators.tracker import trackers
from tepat.web.views.indicators.common import chart_response, inline_svg, table_response


def _choice(request) -> dict:
    """The indicator, region and comparison year chosen on the page (defaults: poverty %, the city, latest year)."""
    indicator = request.GET.get("indikator", Indicator.POVERTY_PCT)
    if indicator not in Indicator.values:
        indicator = Indicator.POVERTY_PCT
    regions = dict(series_regions())
    city = home_city_code() or ""
    region = request.GET.get("wilayah", city)
    region = region if region in regions else city
    years = years_of(indicator)
    year = request.GET.get("tahun", "")
    year = int(year) if year.isdigit() and int(year) in years else (years[0] if years else None)
    return {"indicator": indicator, "region": region, "year": year, "years": years, "regions": regions}


def _unit(indicator: str) -> str:
    return "%" if indicator in PERCENT_INDICATORS else str(Indicator(indicator).label)


def _charts(choice: dict) -> dict:
    label = str(Indicator(choice["indicator"]).label)
    points, targets = trend_data(choice["indicator"], choice["region"])
    name = choice["regions"].get(choice["region"], choice["region"])
    trend = trend_chart(points, targets, title=f"{label} — {name}", unit=_unit(choice["indicator"])) if points else None
    rows = comparison_data(choice["indicator"], choice["year"]) if choice["year"] else []
    comparison = (
        comparison_chart(rows, title=f"{label}, {choice['year']}", unit=_unit(choice["indicator"])) if rows else None
    )
    return {"trend": trend, "comparison": comparison, "comparison_rows": rows, "points": points}


@login_required
def indicator_targets(request):
    """Official figures against their legal targets, with the arithmetic shown, and their charts
    (aggregates: every role)."""
    choice = _choice(request)
    charts = _charts(choice)
    context = {
        "trackers": trackers(),
        "choice": choice,
        "indicators": Indicator.choices,
        "trend_svg": inline_svg(charts["trend"]) if charts["trend"] else "",
        "comparison_svg": inline_svg(charts["comparison"]) if charts["comparison"] else "",
        "comparison_rows": charts["comparison_rows"],
        "query": request.GET.urlencode(),
        "mixed_bases": len({p["ppp_basis"] for p in charts["points"]}) > 1,
        "observations": Observation.objects.select_related("region").order_by("indicator", "region__code", "year"),
    }
    return render(request, "web/indicators.html", context)


@login_required
def official_chart(request, kind: str, fmt: str):
    """/indikator/grafik/<trend|comparison>.<svg|png>?indikator=&wilayah=&tahun= (same picture as the page)."""
    charts = _charts(_choice(request))
    if charts.get(kind) is None:
        raise Http404
    return chart_response(charts[kind], fmt, f"indikator-{kind}")


@login_required
def official_table(request, fmt: str):
    """Every stored official value (public figures: no suppression needed)."""
    return table_response(observations_frame(request.GET.get("indikator") or None), fmt, "indikator-resmi")
