"""In Chromium: the dashboard shows the pocket map and drills down to the map page, where the hotspot
method can be changed and the ranking downloaded."""

from __future__ import annotations

import openpyxl
import pytest

from tests.browser.test_e2e import browser  # noqa: F401  (fixture)
from tests.browser.test_e2e import pytestmark  # noqa: F401
from tests.test_pockets import POCKET, add_families, kelurahan, load_boundaries


@pytest.fixture
def city(transactional_db, cast):
    from tepat.indicators.tracker import ensure_public_figures

    ensure_public_figures()
    add_families({k.code: ((14, 6) if k.code.startswith(POCKET) else (2, 18)) for k in kelurahan()})
    load_boundaries({"analis": cast["analyst"]}, echo=lambda _: None)


def test_the_dashboard_map_leads_to_the_pockets_page(browser, live_server, city, tmp_path):
    page = browser.new_page(accept_downloads=True)
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "analyst")
    page.fill("input[name=password]", "rahasia-123")
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=dash-pocket-map] svg")
    assert "SINTETIS" in page.inner_text("[data-testid=dash-pockets]")
    assert page.locator("[data-testid=dash-target]").count() >= 1
    page.click("text=Peta, peringkat dan hotspot")
    page.wait_for_selector("[data-testid=choropleth] svg")
    assert page.is_visible("[data-testid=synthetic-notice]")
    assert "HH" in page.inner_text("[data-testid=hotspot-summary]")
    page.select_option("select[name=method]", "getis")
    page.click("[data-testid=pocket-filters] button[type=submit]")
    page.wait_for_url("**method=getis**")
    assert "hot" in page.inner_text("[data-testid=hotspot-summary]")
    with page.expect_download() as info:
        page.click("[data-testid=download-ranking-xlsx]")
    path = tmp_path / "peringkat.xlsx"
    info.value.save_as(path)
    rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    assert rows[0][0] == "peringkat" and rows[1][1].startswith(POCKET)
