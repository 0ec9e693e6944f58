"""In Chromium, per role: every page of the team's daily work passes axe-core (no serious or critical
violation); the convergence page (names, chart, sorting, download, drill-down to a family), the rule
editor's explanation of a zero, cancelling a duplicate rakor and the count, the enumerator's list
on a phone."""

from __future__ import annotations

import re
from pathlib import Path
from datetime import date

import pytest

from tests.browser.axe import violations
from tests.browser.test_e2e import browser  # noqa: F401  (fixture)
from tests.browser.test_e2e import pytestmark  # noqa: F401
from tests.files import family_rows, write_xlsx

ROLES = ["admin", "analyst", "opd", "camat", "lurah", "enumerator", "viewer"]
PAGES = [
    "/",
    "/indikator/",
    "/indikator/registri/",
    "/kantong/",
    "/keluarga/",
    "/keluarga/{family}/",
    "/impor/",
    "/program/",
    "/program/pip/",
    "/sasaran/",
    "/realisasi/",
    "/kesenjangan/",
    "/kesenjangan/?measure=cakupan&by=kelurahan",
    "/kesenjangan/rinci/?measure=konvergensi&column=extreme_poor",
    "/alokasi/",
    "/rapat/",
    "/rapat/{meeting}/",
    "/tindak-lanjut/",
    "/verivali/",
    "/verivali/{campaign}/",
    "/verivali/tugas/",
    "/laporan/",
]


@pytest.fixture
def city(transactional_db, import_file, cast, tmp_path):
    """Two kelurahan of families, the program catalogue with its example rules, a held rakor with an
    action item, the enumerator's assignment."""
    from tepat.accounts.actions import ensure_shipped_opds
    from tepat.accounts.models import Opd
    from tepat.meetings.actions import do_add_action_item, do_create_meeting, do_hold_meeting
    from tepat.programs.catalogue import ensure_catalogue
    from tepat.registry.models import Family
    from tepat.regions.models import Region
    from tepat.verivali.actions import campaign_families, do_assign_campaign, do_create_campaign

    ensure_shipped_opds()
    ensure_catalogue(2026)
    rows = family_rows("A", base=1, desil="1", penerima_pkh="Ya", alamat="Jl. Contoh No. 146")
    rows += family_rows("B", base=2, desil="1", alamat="Jl. Contoh No. 38") + family_rows(
        "C", base=3, desil="2", alamat="Jl. Contoh No. 5"
    )
    rows += family_rows("K", base=4, kode="1274011001", desil="1", alamat="Jl. Kota")
    import_file(write_xlsx(tmp_path / "a.xlsx", rows), cast["analyst"])
    meeting = do_create_meeting(
        {
            "type": "rakor",
            "title": "Rakor TKPKD I",
            "date": date(2026, 3, 11),
            "start_time": "09:00",
            "place": "Aula",
            "chair": "Asisten",
            "agenda": "Pembukaan",
        },
        acting_user=cast["analyst"],
        opds=[Opd.objects.get(code="dinsos")],
    )
    do_hold_meeting(meeting, acting_user=cast["analyst"], today=date(2026, 12, 1))
    do_add_action_item(
        meeting,
        what="Musyawarah kelurahan",
        owner=Opd.objects.get(code="dinsos"),
        due=date(2026, 5, 31),
        acting_user=cast["analyst"],
    )
    campaign = do_create_campaign(
        {
            "name": "Verivali 2026",
            "period_start": date(2026, 11, 1),
            "period_end": date(2026, 12, 31),
            "max_desil": 2,
            "selection": "desil 1-2",
        },
        kelurahan=Region.objects.filter(code="12.74.05.1010"),
        acting_user=cast["analyst"],
    )
    do_assign_campaign(campaign_families(campaign), enumerator=cast["enumerator"], acting_user=cast["analyst"])
    first = Family.objects.filter(kelurahan__code="12.74.05.1010").order_by("id").first()
    return {"family": first.pk, "meeting": meeting.pk, "campaign": campaign.pk}


def log_in(page, base: str, username: str, next_url: str = "/") -> None:
    page.goto(f"{base}/login/?next={next_url}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "rahasia-123")
    page.click("button[type=submit]")
    page.wait_for_load_state()


@pytest.mark.parametrize("role", ROLES)
def test_every_page_a_role_opens_passes_axe(browser, live_server, city, role):
    page = browser.new_page()
    log_in(page, live_server.url, role)
    problems, opened = {}, []
    for template in PAGES:
        url = template.format(**city)
        response = page.goto(live_server.url + url)
        if response.status == 404:
            continue
        assert response.status == 200, url
        page.wait_for_load_state("networkidle")
        opened.append(url)
        found = violations(page)
        if found:
            problems[url] = found
    assert len(opened) >= 3, opened
    assert problems == {}


def test_axe_runs_and_finds_what_the_issue_found(browser):
    """The check can fail: a textarea without a label (as on the meeting page before) is critical."""
    page = browser.new_page()
    page.set_content(
        '<!doctype html><html lang="id"><head><title>x</title></head><body><main><h1>x</h1>'
        '<form><textarea name="minutes"></textarea></form></main></body></html>'
    )
    assert any(v.startswith("label (critical)") for v in violations(page))


def test_the_convergence_page_names_draws_sorts_downloads_and_drills_to_a_family(browser, live_server, city, tmp_path):
    import fastexcel

    page = browser.new_page(accept_downloads=True, viewport={"width": 1366, "height": 900})
    log_in(page, live_server.url, "analyst", "/kesenjangan/?measure=cakupan%26by=kelurahan")
    page.goto(f"{live_server.url}/kesenjangan/?measure=cakupan&by=kelurahan")
    table = page.locator("[data-testid=gap-table]")
    assert page.locator("[data-testid=gap-title]").inner_text() == "Cakupan program"
    assert table.locator("span[title='12.74.05.1010']").first.inner_text() == "Pantai Johor"
    assert "Program Keluarga Harapan (PKH)" in table.inner_text() and "served_not_eligible" not in page.inner_text(
        "main"
    )
    chart = page.locator("[data-testid=gap-chart] svg")
    assert chart.is_visible() and "Pantai Johor" in chart.text_content()
    smallest = page.evaluate("""() => Math.min(...[...document.querySelectorAll('[data-testid=gap-chart] svg text')]
        .filter(t => t.textContent.trim()).map(t => t.getBoundingClientRect().height))""")
    assert smallest >= 11, f"chart text {smallest} px high"
    eligible = table.locator("th[data-column=eligible] button")
    eligible.click()
    eligible.click()  # descending: the largest count first
    assert page.locator("th[data-column=eligible]").get_attribute("aria-sort") == "descending"
    counts = [int(c.replace(".", "")) for c in table.locator("tbody tr td:nth-child(5)").all_inner_texts()]
    assert counts == sorted(counts, reverse=True) and counts[0] > 0
    with page.expect_download() as info:
        page.click("[data-testid=gap-xlsx]")
    sheet = fastexcel.read_excel(Path(info.value.path()).read_bytes()).load_sheet(0).to_polars()
    assert "Pantai Johor" in sheet["Kelurahan"].to_list() and "Cakupan (%)" in sheet.columns
    page.goto(f"{live_server.url}/kesenjangan/?measure=konvergensi&by=kelurahan")
    page.locator("[data-testid=gap-table] th[data-column=extreme_poor]").wait_for()
    page.locator("[data-testid=gap-table] tbody tr", has_text="Pantai Johor").locator("td:nth-child(3) a").click()
    page.wait_for_selector("[data-testid=drill]")
    assert page.inner_text("[data-testid=drill-total]") == "2"
    page.locator("[data-testid=drill] tbody a").first.click()
    page.wait_for_selector("[data-testid=members]")
    assert re.search(r"/keluarga/\d+/$", page.url)


def test_the_rule_editor_explains_why_a_rule_selects_nobody(browser, live_server, city):
    page = browser.new_page()
    log_in(page, live_server.url, "analyst", "/program/pip/")
    page.goto(f"{live_server.url}/program/pip/")
    box = page.locator("[data-testid=rule-text]")
    box.fill('desil <= 3 and ada_anggota(umur >= 6 and umur <= 21 and partisipasi_sekolah == "Masih sekolah")')
    reason = page.locator("[data-code=field_empty]")
    reason.wait_for()
    assert "partisipasi_sekolah" in reason.inner_text() and "DTSEN" in reason.inner_text()
    assert "0" in page.inner_text("[data-testid=preview-total]")
    box.fill("")
    page.click("[data-testid=field-picker] summary")
    page.click("button[data-insert='desil']")
    box.type(" == 1")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=preview-total] b').textContent !== '0'"
    )  # a function: a bare expression needs eval, which the CSP forbids
    assert box.input_value() == "desil == 1"
    page.fill("[data-testid=rule-reason]", "uji")
    page.click("[data-testid=rule-form] button[type=submit]")
    page.wait_for_selector("text=Aturan versi")


def test_a_duplicate_rakor_is_cancelled_and_the_count_corrected(browser, live_server, city):
    from tepat.accounts.models import User
    from tepat.meetings.actions import do_create_meeting, do_hold_meeting

    twin = do_create_meeting(
        {
            "type": "rakor",
            "title": "Rakor TKPKD I",
            "date": date(2026, 3, 11),
            "start_time": "09:00",
            "place": "Aula",
            "chair": "Asisten",
            "agenda": "Pembukaan",
        },
        acting_user=User.objects.get(username="analyst"),
    )
    do_hold_meeting(twin, acting_user=User.objects.get(username="analyst"), today=date(2026, 12, 1))
    page = browser.new_page()
    log_in(page, live_server.url, "analyst", "/rapat/?tahun=2026")
    page.goto(f"{live_server.url}/rapat/?tahun=2026")
    assert page.inner_text("[data-testid=compliance-held]") == "2"
    assert page.locator("[data-testid=counted] li").count() == 2
    page.goto(f"{live_server.url}/rapat/{twin.pk}/")
    page.click("[data-testid=cancel] summary")
    page.fill("[data-testid=cancel-form] textarea", "Tercatat dua kali")
    page.click("[data-testid=cancel-submit]")
    page.wait_for_selector("[data-testid=cancel-reason]")
    assert "Dibatalkan" in page.inner_text("[data-testid=meeting-status]")
    page.goto(f"{live_server.url}/rapat/?tahun=2026")
    assert page.inner_text("[data-testid=compliance-held]") == "1"
    assert page.locator("[data-testid=counted] li").count() == 1


def test_the_enumerator_finds_families_on_a_phone_in_walking_order(browser, live_server, city):
    page = browser.new_page(viewport={"width": 360, "height": 740})
    log_in(page, live_server.url, "enumerator", "/verivali/tugas/")
    page.goto(f"{live_server.url}/verivali/tugas/")
    addresses = [a.split(" RT")[0] for a in page.locator(".vv-family span").all_inner_texts()]
    assert addresses == ["Jl. Contoh No. 5", "Jl. Contoh No. 38", "Jl. Contoh No. 146"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.locator("header.top").bounding_box()["height"] <= 100
    page.fill("[data-testid=family-search] input", "No. 38")
    page.click("[data-testid=family-search] button")
    page.wait_for_url("**q=**")
    assert page.locator(".vv-family").count() == 1
    assert violations(page) == []
