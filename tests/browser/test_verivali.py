"""On a phone-sized screen (360x740): an enumerator fills in the visit form, survives a reload, and submits."""

from __future__ import annotations

import pytest

from tests.browser.test_e2e import browser  # noqa: F401  (fixture)
from tests.browser.test_e2e import pytestmark  # noqa: F401
from tests.verivali_support import png_bytes, vv  # noqa: F401


@pytest.fixture
def world(transactional_db, vv):
    return vv


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_an_enumerator_submits_the_visit_form_on_a_phone(browser, live_server, world):
    from tepat.verivali.models import ChangeRequest

    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        geolocation={"latitude": 2.9651, "longitude": 99.7987},
        permissions=["geolocation"],
        has_touch=True,
        is_mobile=True,
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/login/?next=/verivali/tugas/")
    page.fill("input[name=username]", "enumerator")
    page.fill("input[name=password]", "rahasia-123")
    page.click("button[type=submit]")
    page.click(f"[data-testid=visit-{world.mine.pk}]")
    page.wait_for_selector("[data-testid=visit-form]")
    assert no_sideways_scroll(page)
    box = page.locator("[data-testid=visit-submit]").bounding_box()
    assert box["height"] >= 48 and box["width"] >= 300  # a thumb-sized button across the screen

    member = world.mine.members.order_by("pk").last()
    page.click("[data-testid=kriteria-tidak]")
    page.fill("[data-testid=alasan]", "sudah bekerja tetap")
    page.select_option(f"[data-testid=member-{member.pk}-keberadaan]", "pindah")
    page.click("text=Perbaiki: Identitas dan alamat")
    page.fill("input[name=f_alamat]", "Jl. Telepon 3")
    page.click("[data-testid=cl-lantai_tanah]")
    page.click("[data-gps]")
    page.wait_for_function(
        "() => document.querySelector('input[name=gps_lat]').value !== ''"
    )  # a function: a bare expression needs eval, which the CSP forbids
    key = page.input_value("input[name=submission_key]")

    page.wait_for_timeout(400)  # the draft is saved 300 ms after typing
    page.reload()  # a dropped connection or a closed tab: the draft comes back with the same key
    page.wait_for_selector("[data-testid=draft-restored]", state="visible")
    assert page.input_value("[data-testid=alasan]") == "sudah bekerja tetap"
    assert page.input_value("input[name=f_alamat]") == "Jl. Telepon 3"
    assert page.input_value("input[name=submission_key]") == key
    assert page.is_checked("[data-testid=kriteria-tidak]")

    page.set_input_files(
        "[data-testid=photo-depan_rumah]", files=[{"name": "rumah.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    page.click("[data-testid=visit-submit]")
    page.wait_for_selector("[data-testid=visit-done]")
    assert "Jl. Telepon 3" in page.inner_text("[data-testid=lines]")
    assert no_sideways_scroll(page)

    request = ChangeRequest.objects.get()
    assert request.visit.submission_key == key and request.visit.photos.count() == 1
    assert request.visit.latitude == pytest.approx(2.9651) and request.visit.memenuhi_kriteria is False
    assert request.lines.filter(field="is_active", member=member).exists()

    page.goto(f"{live_server.url}/verivali/{world.campaign.pk}/kunjungan/{world.mine.pk}/")
    assert page.locator("[data-testid=draft-restored]").is_hidden()  # the sent draft was cleared
    context.close()
