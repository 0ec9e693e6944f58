"""In Chromium with the Content-Security-Policy on: scripts from static files still drive the pages, and
an admin (a masking role) submits the visit form with the masked numbers untouched."""

from __future__ import annotations

import pytest

from tests.browser.test_e2e import browser  # noqa: F401  (fixture)
from tests.browser.test_e2e import pytestmark  # noqa: F401
from tests.verivali_support import OTHER_KELURAHAN, payload, vv  # noqa: F401


@pytest.fixture
def world(transactional_db, vv):
    from tepat.verivali.actions import do_submit_visit

    for family in (vv.mine, vv.other_kelurahan):  # requests in two kelurahan: the musyawarah page offers a choice
        do_submit_visit(
            vv.campaign,
            payload(family, fields={"alamat": f"Jl. Usul {family.pk}"}),
            acting_user=vv.cast["enumerator"],
            source="web",
        )
    return vv


def log_in(page, url: str, username: str) -> None:
    page.goto(f"{url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "rahasia-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/")


def test_the_policy_header_is_on_and_the_kelurahan_choice_submits_itself(browser, live_server, world):
    page = browser.new_page()
    response = page.goto(f"{live_server.url}/login/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    log_in(page, live_server.url, "analyst")
    page.goto(f"{live_server.url}/verivali/musyawarah/")
    page.select_option(
        "select[name=kelurahan]", OTHER_KELURAHAN
    )  # was an inline onchange, now tepat/static/tepat/menu.js
    page.wait_for_url(f"**kelurahan={OTHER_KELURAHAN}**")
    assert f"Jl. Usul {world.other_kelurahan.pk}" in page.content()
    page.click("summary:has-text('Verivali')")  # the menu script (static) still runs
    assert page.locator("details.menu[open]").count() == 1


def test_an_admin_submits_the_visit_form_with_masked_numbers_untouched(browser, live_server, world):
    from tepat.verivali.models import ChangeLine

    page = browser.new_page()
    log_in(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/verivali/{world.campaign.pk}/kunjungan/{world.theirs.pk}/")
    masked = page.input_value("input[name=f_no_kk]")
    assert masked == world.theirs.no_kk[:6] + "******" + world.theirs.no_kk[-4:]
    assert world.theirs.no_kk not in page.content()
    page.click("summary:has-text('Identitas dan alamat')")
    page.fill("input[name=f_alamat]", "Jl. Admin 1")
    page.click("[data-testid=kriteria-ya]")
    page.click("#vv-visit button[type=submit]")
    page.wait_for_selector("[data-testid=visit-done]")  # the browser accepted the masked value (pattern)
    fields = set(ChangeLine.objects.filter(request__family=world.theirs).values_list("field", flat=True))
    assert fields == {"alamat"}
