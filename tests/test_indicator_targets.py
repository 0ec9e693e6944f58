"""Official figures against their legal targets: the seed's arithmetic shown on the page."""

from __future__ import annotations

from tepat.indicators.models import IndicatorTarget, Observation
from tepat.indicators.tracker import ensure_public_figures
from tepat.regions.models import Region


def test_the_seed_figures_ship_with_their_sources_and_targets(regions):
    ensure_public_figures()
    extreme = Observation.objects.get(indicator="extreme_pct", year=2023, region__code="12.74")
    assert float(extreme.value) == 1.03 and extreme.ppp_basis == "USD 1.90 PPP 2011"
    assert set(IndicatorTarget.objects.values_list("legal_basis", flat=True)) >= {"Inpres 4/2022", "Inpres 8/2025"}


def test_the_page_shows_the_gap_in_people_and_its_arithmetic(client, cast, regions):
    ensure_public_figures()
    Region.objects.filter(code="12.74").update(population=183500)  # the population the seed's 1,890 implies
    client.force_login(cast["viewer"])  # official aggregates: every role may see them
    body = client.get("/indikator/").content.decode()
    assert "1.890" in body and "Inpres 4/2022" in body and "Inpres 8/2025" in body
    assert "1,03" in body  # the arithmetic line in Indonesian notation


def test_the_page_draws_the_trend_with_targets_and_the_region_comparison(client, cast, regions):
    ensure_public_figures()
    client.force_login(cast["viewer"])
    body = client.get("/indikator/", {"indikator": "poverty_pct", "wilayah": "12.74", "tahun": "2024"}).content.decode()
    assert 'data-testid="trend-chart"' in body and 'data-testid="comparison-chart"' in body
    assert "<svg" in body and "Inpres 8/2025" in body
    assert "Kabupaten Asahan (sintetis)" in body  # synthetic stand-ins are named so on the chart


def test_a_series_with_two_ppp_bases_is_drawn_as_two_labelled_lines(client, cast, regions):
    ensure_public_figures()
    client.force_login(cast["analyst"])
    body = client.get("/indikator/", {"indikator": "extreme_pct", "wilayah": ""}).content.decode()
    assert 'data-testid="mixed-bases"' in body
    assert "Indonesia — USD 1.90 PPP 2011" in body and "Indonesia — USD 2.15 PPP 2017" in body


def test_the_tracker_follows_the_latest_basis_only(regions):
    from tepat.indicators.tracker import trackers

    ensure_public_figures()
    city = Region.objects.get(code="12.74")
    Observation.objects.create(
        indicator="extreme_pct", region=city, year=2024, value=0.9, ppp_basis="USD 2.15 PPP 2017", source="uji"
    )
    extreme = [t for t in trackers() if t["target"].indicator == "extreme_pct"]
    assert extreme and all("problem" not in t for t in extreme)
    assert all(t["tracking"].latest.ppp_basis == "USD 2.15 PPP 2017" and t["tracking"].trend is None for t in extreme)


def test_charts_and_table_download(client, cast, regions):
    ensure_public_figures()
    client.force_login(cast["viewer"])
    svg = client.get("/indikator/grafik/trend.svg", {"indikator": "poverty_pct", "wilayah": "12.74"})
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    png = client.get("/indikator/grafik/comparison.png", {"indikator": "poverty_pct", "tahun": "2024"})
    assert png.status_code == 200 and png.content[:8] == b"\x89PNG\r\n\x1a\n"
    csv = client.get("/indikator/data.csv").content.decode("utf-8-sig")
    assert csv.splitlines()[0].startswith('"indikator",') and "Sintetis" in csv and "USD 2.15 PPP 2017" in csv
    xlsx = client.get("/indikator/data.xlsx")
    assert xlsx.content[:2] == b"PK"
    assert client.get("/indikator/grafik/nothing.svg").status_code == 404
