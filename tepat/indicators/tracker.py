"""Each stored target against its series (engine: tepat.engine.measures.track), with the arithmetic shown."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from pathlib import Path

from tepat.engine.measures import InputError, Observation as Point, Target, track
from tepat.indicators.models import IndicatorTarget, Observation
from tepat.regions.models import Region
from tepat.formatting import language_code


def ensure_public_figures() -> None:
    """The city pack's official series and targets (series.json: city, province, nation; synthetic stand-ins
    labelled so) and its comparison regions, when the pack has them and the city exists. Adds only the figures
    and targets not stored yet (one query each), so it is cheap to call on every start and never overwrites."""
    from django.conf import settings

    from tepat.regions.pack import own_file

    shipped = own_file("series.json")
    if shipped is None or not Region.objects.filter(code=settings.TEPAT_REGION_CODE).exists():
        return
    data = json.loads(shipped.read_text(encoding="utf-8"))
    _ensure_regions(shipped.parent / data["regions"])
    codes = {e["region"] for e in data["observations"] + data["targets"] if e["region"]}
    regions = {r.code: r for r in Region.objects.filter(code__in=codes)}
    have = set(Observation.objects.values_list("indicator", "region__code", "year", "ppp_basis"))
    Observation.objects.bulk_create(
        Observation(**{**e, "region": regions.get(e["region"])})
        for e in data["observations"]
        if (e["indicator"], e["region"] or None, e["year"], e["ppp_basis"]) not in have
        and (not e["region"] or e["region"] in regions)
    )
    targets = set(IndicatorTarget.objects.values_list("indicator", "region__code", "year", "legal_basis"))
    IndicatorTarget.objects.bulk_create(
        IndicatorTarget(**{**e, "region": regions[e["region"]]})
        for e in data["targets"]
        if (e["indicator"], e["region"], e["year"], e["legal_basis"]) not in targets
    )


def _ensure_regions(path: Path) -> None:
    """Neighbouring kab/kota for the comparison chart, loaded through the region loader when absent."""
    from tepat.regions.loading import load_regions, read_rows

    wanted = {row["code"] for row in read_rows(path)}
    if wanted - set(Region.objects.filter(code__in=wanted).values_list("code", flat=True)):
        outcome = load_regions(path)
        if outcome.errors:
            raise RuntimeError("shipped comparison regions are invalid: " + "; ".join(outcome.errors))


def trackers(today: date | None = None) -> list[dict]:
    """One entry per target: the engine's tracking and its explanation, or the input problem. Two queries."""
    targets = list(IndicatorTarget.objects.select_related("region").order_by("indicator", "year"))
    observed = _series_of(targets)
    rows = []
    for target in targets:
        series = latest_basis(observed.get((target.indicator, target.region_id), []))
        entry = {"target": target, "population": target.region.population}
        try:
            tracking = track(
                series,
                Target(target.year, float(target.value), target.legal_basis),
                target.region.population or 0,
                indicator=target.get_indicator_display(),
                as_of=(today or date.today()).year,
            )
            entry.update(tracking=tracking, explain=tracking.explain(language_code()))
        except InputError as problem:
            entry["problem"] = str(problem)
        rows.append(entry)
    return rows


def _series_of(targets: list[IndicatorTarget]) -> dict[tuple[str, int], list[Point]]:
    """The observations of each target's (indicator, region), by year, in one query."""
    observed: dict[tuple[str, int], list[Point]] = defaultdict(list)
    rows = Observation.objects.filter(
        indicator__in={t.indicator for t in targets}, region_id__in={t.region_id for t in targets}
    )
    for o in rows.order_by("year"):
        observed[(o.indicator, o.region_id)].append(Point(o.year, float(o.value), o.ppp_basis or None))
    return observed


def latest_basis(points: list[Point]) -> list[Point]:
    """Only the observations on the PPP basis of the latest one: a tracker never fits a line across
    two bases (earlier-basis figures stay on the chart as their own line)."""
    if not points:
        return points
    basis = max(points, key=lambda p: p.year).ppp_basis
    return [p for p in points if p.ppp_basis == basis]
