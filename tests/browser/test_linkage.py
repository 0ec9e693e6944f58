"""End to end in Debian's Chromium: a lurah opens the review queue, reads the waterfall and decides."""

from __future__ import annotations

import pytest

from tepat.demo.generate import generate
from tests.browser.test_e2e import CHROMIUM, browser, pytestmark  # noqa: F401  (fixture, markers)


@pytest.fixture
def linked_city(transactional_db, import_file, cast, tmp_path):
    from tepat.linkage.actions import do_run_linkage

    for fmt, noise in (("p3ke-individu", 0.0), ("dtsen-keluarga", 0.2), ("dtsen-anggota", 0.2)):
        import_file(generate(120, fmt, tmp_path / f"{fmt}.csv", seed=5, identity_noise=noise).path, cast["analyst"])
    do_run_linkage(acting_user=cast["analyst"])


def test_a_lurah_reviews_a_pair_and_decides_with_a_reason(browser, live_server, linked_city):
    from tepat.linkage.models import Pair

    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "lurah")
    page.fill("input[name=password]", "rahasia-123")
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=linkage-pending]")
    page.click("[data-testid=linkage-pending] a")
    page.select_option("select[name=kind]", "cross_source")
    page.click("[data-testid=queue-filter] button")
    page.click("[data-testid=pair-list] tbody a")
    page.wait_for_selector("[data-testid=waterfall] rect")
    assert page.locator("[data-testid=waterfall] rect").count() == 9  # prior, 7 comparisons, total
    assert "," not in page.get_attribute(
        "[data-testid=waterfall] rect.total", "width"
    )  # SVG numbers, not Indonesian decimals
    assert page.locator("[data-testid=waterfall] rect.total").bounding_box()["width"] > 10
    pk = int(page.url.rstrip("/").split("/")[-1])
    page.click("[data-testid=decide-same]")  # no reason: the browser refuses (required)
    assert Pair.objects.get(pk=pk).status == "pending"
    page.fill("textarea[name=reason]", "dicek dengan kartu keluarga")
    page.click("[data-testid=decide-same]")
    page.wait_for_url(lambda url: not url.endswith(f"/tautan/{pk}/"))
    pair = Pair.objects.get(pk=pk)
    assert (
        pair.status == "linked" and pair.decided_by.username == "lurah" and pair.reason == "dicek dengan kartu keluarga"
    )
    assert errors == []
