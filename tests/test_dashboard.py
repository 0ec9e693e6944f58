"""The home dashboard: headline targets, trend, pocket map, coverage; cached; each panel links to its page."""

from __future__ import annotations

import pytest

from django.utils import timezone

from tepat.accounts.actions import ensure_shipped_opds
from tepat.indicators.tracker import ensure_public_figures
from tepat.programs.catalogue import ensure_catalogue
from tepat.registry.models import Family, VersionPart
from tepat.registry.version import bump
from tepat.web.views import dashboard as dash
from tests.verivali_support import vv  # noqa: F401
from tests.test_pockets import POCKET, add_families, kelurahan, load_boundaries


@pytest.fixture
def city(cast):
    ensure_public_figures()
    ensure_shipped_opds()
    ensure_catalogue(2026)
    add_families({k.code: ((12, 6) if k.code.startswith(POCKET) else (5, 10)) for k in kelurahan()})
    load_boundaries({"analis": cast["analyst"]}, echo=lambda _: None)
    dash._CACHE.clear()
    return cast


def panels(client, user) -> dict:
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return {panel["key"]: panel["data"] for panel in response.context["panels"]}, response.content.decode()


def test_the_analyst_sees_targets_map_and_coverage_with_links(client, city):
    shown, page = panels(client, city["analyst"])
    assert {"targets", "trend", "pockets", "coverage"} <= set(shown)
    assert "<svg" in shown["trend"]["figures"][0]["svg"]
    assert any(t["tracking"].latest.value == 1.03 for t in shown["targets"]["trackers"])
    assert "1,03%" in page or "1.03%" in page
    assert shown["pockets"]["top"][0].code.startswith(POCKET) and "SINTETIS" in page
    assert {row["strategy"] for row in shown["coverage"]["rows"]} == {
        "kurangi_beban",
        "tingkatkan_pendapatan",
        "kurangi_kantong",
    }
    for link in ('href="/indikator/"', 'href="/kantong/"', 'href="/kesenjangan/?measure=cakupan"'):
        assert link in page
    assert "Registri keluarga" in page and 'data-testid="desil-table"' in page


def test_the_viewer_gets_no_coverage_and_a_suppressed_map(client, city):
    poor = Family.objects.filter(kelurahan__code="12.74.01.1001", desil=1).values_list("pk", flat=True)
    Family.objects.filter(pk__in=list(poor[:3])).update(
        is_active=False, updated_at=timezone.now()
    )  # 2 left: a small cell
    bump(VersionPart.REGISTRY)  # a bulk update sends no signal: the writer bumps the registry version
    shown, page = panels(client, city["viewer"])
    assert "coverage" not in shown and "pockets" in shown
    result = shown["pockets"]["result"]
    assert result.suppressed and {row.code for row in result.rows if row.suppressed} >= {"12.74.01.1001"}
    assert shown["pockets"]["top"] and not any(row.suppressed for row in shown["pockets"]["top"])


def test_a_second_visit_reuses_the_cached_pieces(client, city, django_assert_max_num_queries):
    panels(client, city["analyst"])
    calls = []
    original = dash.svg
    dash.svg = lambda chart: calls.append(chart) or original(chart)
    try:
        with django_assert_max_num_queries(40):
            panels(client, city["analyst"])
    finally:
        dash.svg = original
    assert calls == []


def test_a_registry_change_refreshes_the_map(client, city):
    first, _ = panels(client, city["analyst"])
    add_families({"12.74.01.1002": (100, 0)})
    second, _ = panels(client, city["analyst"])
    assert second["pockets"]["top"][0].code == "12.74.01.1002" != first["pockets"]["top"][0].code


def test_an_empty_registry_shows_only_what_exists(client, cast):
    dash._CACHE.clear()
    shown, page = panels(client, cast["analyst"])
    assert "pockets" not in shown
    assert "Belum ada data" in page


def test_the_analyst_sees_verivali_progress_and_the_rakor_count(client, cast, regions):
    """The home page carries the verivali loop's figures and the rakor against the legal minimum of three."""
    from datetime import date, time, timedelta

    from tepat.accounts.actions import ensure_shipped_opds
    from tepat.meetings.actions import do_create_meeting
    from tepat.meetings.models import MeetingType

    ensure_shipped_opds()
    today = date.today()
    do_create_meeting(
        {
            "type": MeetingType.RAKOR,
            "title": "Rakor TKPKD berikutnya",
            "date": today + timedelta(days=10),
            "place": "Aula Bapperida",
            "chair": "Sekda",
            "start_time": time(9),
            "agenda": "Evaluasi",
        },
        acting_user=cast["analyst"],
    )
    client.force_login(cast["analyst"])
    body = client.get("/").content.decode()
    assert 'data-testid="rakor-compliance"' in body and "0</strong> / 3" in body
    assert "Rakor TKPKD berikutnya" in body
    client.force_login(cast["viewer"])
    assert "Kemajuan verivali" not in client.get("/").content.decode()


def test_verivali_progress_on_the_home_page_follows_the_loop(client, vv):
    """The panel is cached per verivali version: a visit (an audited action) moves it on the next view."""
    from tepat.verivali.actions import do_submit_visit
    from tests.verivali_support import payload

    client.force_login(vv.cast["analyst"])
    assert "<strong>0</strong> / 3" in client.get("/").content.decode()
    do_submit_visit(
        vv.campaign, payload(vv.mine, keberadaan="meninggal"), acting_user=vv.cast["enumerator"], source="web"
    )
    client.force_login(vv.cast["analyst"])
    body = client.get("/").content.decode()
    assert 'data-testid="verivali-totals"' in body
    assert "<strong>1</strong> / 3" in body  # one of the three assigned families visited
    assert "1 meninggal" in body
    client.force_login(vv.cast["other_lurah"])  # sees only their kelurahan's family: assigned, not visited
    assert "<strong>0</strong> / 1" in client.get("/").content.decode()
