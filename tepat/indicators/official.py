"""Official series read for charts and tables (dicts for tepat.charts.indicators, frames for downloads).

Region keys: a Kemendagri code, or "" for Indonesia (stored without a region).
"""

from __future__ import annotations

import polars as pl
from django.db.models import Q

from tepat.indicators.models import Indicator, IndicatorTarget, Observation
from tepat.regions.models import Region

NATION = ""


def home_city_code() -> str | None:
    """The kab/kota whose kecamatan are in the region master (the city this installation serves);
    comparison regions such as Kab. Asahan have no kecamatan loaded. None on an empty master."""
    return (
        Region.objects.filter(level="kabkota", children__isnull=False)
        .order_by("code")
        .values_list("code", flat=True)
        .first()
    )


def _region_q(code: str) -> Q:
    return Q(region__isnull=True) if code == NATION else Q(region__code=code)


def _point(o: Observation) -> dict:
    return {
        "year": o.year,
        "value": float(o.value),
        "ppp_basis": o.ppp_basis,
        "region": o.region_name,
        "region_code": o.region.code if o.region_id else NATION,
        "synthetic": o.synthetic,
        "source": o.source,
    }


def trend_data(indicator: str, region_code: str) -> tuple[list[dict], list[dict]]:
    """(points, targets) of one indicator for one region, for trend_chart."""
    observations = (
        Observation.objects.filter(_region_q(region_code), indicator=indicator)
        .select_related("region")
        .order_by("year")
    )
    targets = (
        IndicatorTarget.objects.filter(indicator=indicator, region__code=region_code).order_by("year")
        if region_code
        else []
    )
    return (
        [_point(o) for o in observations],
        [{"year": t.year, "value": float(t.value), "legal_basis": t.legal_basis} for t in targets],
    )


HEADLINE_INDICATORS = ("extreme_pct", "poverty_pct")


def city_trends() -> list[dict]:
    """The home city's headline series with their targets: [{"indicator", "title", "points", "targets"}]
    (only series with data), for trend_chart on the dashboard and in the briefing pack."""
    city = home_city_code()
    if city is None:
        return []
    trends = []
    for indicator in HEADLINE_INDICATORS:
        points, targets = trend_data(indicator, city)
        if points:
            trends.append(
                {"indicator": indicator, "title": str(Indicator(indicator).label), "points": points, "targets": targets}
            )
    return trends


def comparison_regions(city_code: str | None = None) -> list[str]:
    """The city, its province, the nation and the other kab/kota of the province that have figures."""
    city = Region.objects.filter(code=city_code or home_city_code()).select_related("parent").first()
    if city is None:
        return [NATION]
    province = city.parent.code if city.parent_id else None
    neighbours = (
        (
            Region.objects.filter(level="kabkota", parent__code=province)
            .exclude(code=city_code)
            .filter(observations__isnull=False)
            .distinct()
            .values_list("code", flat=True)
        )
        if province
        else []
    )
    return [city_code, *([province] if province else []), NATION, *neighbours]


def comparison_data(indicator: str, year: int, regions: list[str] | None = None) -> list[dict]:
    """One row per region (and PPP basis) with a value in `year`, in the order of `regions`."""
    regions = comparison_regions() if regions is None else regions
    condition = Q()
    for code in regions:
        condition |= _region_q(code)
    found = [
        _point(o)
        for o in Observation.objects.filter(condition, indicator=indicator, year=year).select_related("region")
    ]
    order = {code: index for index, code in enumerate(regions)}
    return sorted(found, key=lambda p: (order.get(p["region_code"], 99), p["ppp_basis"]))


def years_of(indicator: str) -> list[int]:
    return sorted(set(Observation.objects.filter(indicator=indicator).values_list("year", flat=True)), reverse=True)


def series_regions() -> list[tuple[str, str]]:
    """(key, name) of every region with an observation; Indonesia first."""
    codes = Observation.objects.filter(region__isnull=False).values_list("region__code", "region__name").distinct()
    nation = [(NATION, "Indonesia")] if Observation.objects.filter(region__isnull=True).exists() else []
    return nation + sorted(set(codes))


def observations_frame(indicator: str | None = None) -> pl.DataFrame:
    """Every stored value (optionally of one indicator) as a download table."""
    rows = Observation.objects.select_related("region").order_by("indicator", "region__code", "year", "ppp_basis")
    if indicator:
        rows = rows.filter(indicator=indicator)
    labels = dict(Indicator.choices)
    return pl.DataFrame(
        [
            {
                "indikator": o.indicator,
                "nama_indikator": str(labels.get(o.indicator, o.indicator)),
                "kode_wilayah": o.region.code if o.region_id else "ID",
                "wilayah": o.region_name,
                "tahun": o.year,
                "nilai": float(o.value),
                "basis_ppp": o.ppp_basis,
                "sumber": o.source,
                "sintetis": "ya" if o.synthetic else "tidak",
            }
            for o in rows
        ],
        schema={
            "indikator": pl.String,
            "nama_indikator": pl.String,
            "kode_wilayah": pl.String,
            "wilayah": pl.String,
            "tahun": pl.Int64,
            "nilai": pl.Float64,
            "basis_ppp": pl.String,
            "sumber": pl.String,
            "sintetis": pl.String,
        },
    )
