"""Official figures against their legal targets: the seed's arithmetic shown on the page."""
from __future__ import annotations

from tepat.indicators.models import IndicatorTarget, Observation
from tepat.indicators.tracker import ensure_public_figures
from tepat.regions.models import Region


def test_the_seed_figures_ship_with_their_sources_and_targets(regions):
    ensure_public_figures()
    extreme = Observation.objects.get(indicator="extreme_pct", year=2023)
    assert float(extreme.value) == 1.03 and extreme.ppp_basis == "USD 1.90 PPP 2011"
    assert set(IndicatorTarget.objects.values_list("legal_basis", flat=True)) >= {"Inpres 4/2022", "Inpres 8/2025"}


def test_the_page_shows_the_gap_in_people_and_its_arithmetic(client, cast, regions):
    ensure_public_figures()
    Region.objects.filter(code="12.74").update(population=183500)  # the population the seed's 1,890 implies
    client.force_login(cast["viewer"])  # official aggregates: every role may see them
    body = client.get("/indikator/").content.decode()
    assert "1.890" in body and "Inpres 4/2022" in body and "Inpres 8/2025" in body
    assert "1,03" in body  # the arithmetic line in Indonesian notation
