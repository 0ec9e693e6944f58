"""Each stored target against its series (engine: tepat.engine.measures.track), with the arithmetic shown."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from tepat.engine.measures import InputError, Observation as Point, Target, track
from tepat.indicators.models import IndicatorTarget, Observation
from tepat.regions.models import Region

SHIPPED = Path(__file__).resolve().parent / "data" / "tanjungbalai.json"


def ensure_public_figures() -> None:
    """The public figures of domain.md for Tanjungbalai, when the region exists and nothing is stored yet."""
    if Observation.objects.exists() or not Region.objects.filter(code="12.74").exists():
        return
    data = json.loads(SHIPPED.read_text(encoding="utf-8"))
    regions = {r.code: r for r in Region.objects.filter(code__in={e["region"] for e in data["observations"] + data["targets"]})}
    Observation.objects.bulk_create(Observation(**{**e, "region": regions[e["region"]]}) for e in data["observations"])
    IndicatorTarget.objects.bulk_create(IndicatorTarget(**{**e, "region": regions[e["region"]]}) for e in data["targets"])


def trackers(today: date | None = None) -> list[dict]:
    """One entry per target: the engine's tracking and its explanation, or the input problem."""
    rows = []
    for target in IndicatorTarget.objects.select_related("region").order_by("indicator", "year"):
        series = [Point(o.year, float(o.value), o.ppp_basis or None)
                  for o in Observation.objects.filter(indicator=target.indicator, region=target.region).order_by("year")]
        entry = {"target": target, "population": target.region.population}
        try:
            tracking = track(series, Target(target.year, float(target.value), target.legal_basis), target.region.population or 0,
                             indicator=target.get_indicator_display(), as_of=(today or date.today()).year)
            entry.update(tracking=tracking, explain=tracking.explain("id"))
        except InputError as problem:
            entry["problem"] = str(problem)
        rows.append(entry)
    return rows
