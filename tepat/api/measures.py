"""Official indicator series, targets and their tracking; convergence and gap measures: the same functions
as the indicator pages and the gap page's download (aggregates; the gap measures within the user's scope)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.http import Http404
from ninja import Query, Router, Schema

from tepat.api.access import require
from tepat.api.problems import Problem
from tepat.engine.disclosure import DisclosureRisk
from tepat.engine.measures import InputError
from tepat.indicators.models import IndicatorTarget
from tepat.indicators.official import observations_frame
from tepat.indicators.registry import LEVELS, af_by_region, is_public, registry_indicators
from tepat.indicators.tracker import trackers
from tepat.programs.gap_labels import BY
from tepat.programs.gap_report import Names, summary_frame
from tepat.programs.gaps import MEASURES, cached_measure

router = Router(tags=["indicators"])


class SeriesValue(Schema):
    indikator: str
    nama_indikator: str
    kode_wilayah: str
    wilayah: str
    tahun: int
    nilai: float
    basis_ppp: str
    sumber: str
    sintetis: str


class TargetOut(Schema):
    indicator: str
    region: str
    year: int
    value: Decimal
    legal_basis: str


class Tracked(Schema):
    indicator: str
    region: str
    year: int
    tracking: dict | None = None
    problem: str | None = None


@router.get("/indicators/series", response=list[SeriesValue], summary="Official indicator values (the table download)")
def series(request, indicator: str = ""):
    require(request, "indicators.view")
    return observations_frame(indicator or None).to_dicts()


@router.get("/indicators/targets", response=list[TargetOut], summary="Indicator targets")
def targets(request):
    require(request, "indicators.view")
    rows = IndicatorTarget.objects.select_related("region").order_by("indicator", "year", "pk")
    return [
        {
            "indicator": t.indicator,
            "region": t.region.code,
            "year": t.year,
            "value": t.value,
            "legal_basis": t.legal_basis,
        }
        for t in rows
    ]


@router.get("/indicators/tracker", response=list[Tracked], summary="Each target against its series")
def tracker(request, today: date | None = None):
    """As the targets page: the engine's tracking (both languages' explanation), or why it cannot track."""
    require(request, "indicators.view")
    return [
        {
            "indicator": e["target"].indicator,
            "region": e["target"].region.code,
            "year": e["target"].year,
            "tracking": e["tracking"].to_dict() if "tracking" in e else None,
            "problem": e.get("problem"),
        }
        for e in trackers(today)
    ]


@router.get("/convergence/{measure}", response=list[dict], summary="A convergence or gap measure in your scope")
def convergence(request, measure: str, by: str = ""):
    """The gap page's table for `measure` (konvergensi, cakupan, eksklusi, inklusi, tumpang_tindih,
    belum_terlayani), optionally `by` kecamatan or kelurahan; the download's rows."""
    require(request, "convergence.view")
    if measure not in MEASURES or by not in BY:
        raise Http404
    return summary_frame(cached_measure(request.user, measure, by or None), Names.load()).to_dicts()


@router.get("/indicators/registry/{table}", response=list[dict], summary="Registry indicators by region")
def registry_table(request, table: str, level: str = "kecamatan", public: bool = False):
    """The registry indicator page's `desil` or `deprivation` table at `level` (kota, kecamatan, kelurahan)
    in your scope; `public=true` (always, for the aggregate-only viewer) suppresses small cells as the
    public download does."""
    require(request, "indicators.view")
    if table not in ("desil", "deprivation") or level not in LEVELS:
        raise Http404
    tables = registry_indicators(request.user, level, public=is_public(request.user) or public)
    return (tables.desil if table == "desil" else tables.deprivation).to_dicts()


@router.get("/indicators/alkire-foster", response=list[dict], summary="Alkire-Foster by region")
def alkire_foster(request, level: str = "kecamatan", k: float | None = Query(None, gt=0, le=1), public: bool = False):
    """The AF page's table with the default indicators and weights (data/registry.json) and `k`; public
    (always, for the viewer): the audited public release's figures, or 409 when its audit refuses."""
    require(request, "indicators.view")
    if level not in LEVELS:
        raise Http404
    try:
        _, frame = af_by_region(request.user, level, k=k, public=is_public(request.user) or public)
    except InputError:
        raise Problem("invalid_value", field="k") from None
    except DisclosureRisk:
        raise Problem("disclosure_refused") from None
    return frame.to_dicts()
