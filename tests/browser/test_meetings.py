"""In Chromium: the secretariat records a meeting (creates it, marks attendance, holds it) and downloads its notulen and the briefing pack."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tests.browser.test_e2e import browser  # noqa: F401  (fixture)
from tests.browser.test_e2e import pytestmark  # noqa: F401


@pytest.fixture
def agencies(transactional_db, cast):
    from tepat.accounts.models import Opd

    Opd.objects.get_or_create(code="perkim", defaults={"name": "Dinas Perumahan dan Kawasan Permukiman"})


def test_the_secretariat_records_a_meeting_and_downloads_its_notulen_and_briefing_pack(
    browser, live_server, agencies, tmp_path
):
    import pypdf

    page = browser.new_page(accept_downloads=True)
    page.goto(f"{live_server.url}/login/?next=/rapat/")
    page.fill("input[name=username]", "analyst")
    page.fill("input[name=password]", "rahasia-123")
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=compliance]")
    page.click("[data-testid=new-meeting]")
    page.fill("input[name=title]", "Rakor TKPKD Uji")
    page.fill("input[name=start_time]", "09:30")
    page.fill("input[name=place]", "Aula Bapperida")
    page.fill("input[name=chair]", "Asisten Administrasi Umum")
    page.fill("textarea[name=agenda]", "Pembukaan\nPaparan BPS")
    page.fill("textarea[name=guests]", "BPS Kota Tanjungbalai; ; Statistisi Ahli Muda")
    page.click("[data-testid=meeting-form] button[type=submit]")
    page.wait_for_selector("[data-testid=meeting-title]")
    assert "0 / 9" in page.inner_text("[data-testid=attendance-count]")  # 2 OPDs, 6 camat, BPS

    page.check("input[aria-label='Dinas Sosial']")
    page.check("input[aria-label='BPS Kota Tanjungbalai']")
    page.check("input[aria-label='Camat Datuk Bandar']")
    page.click("[data-testid=attendance-form] button[type=submit]")
    page.wait_for_selector("text=Kehadiran dicatat.")
    assert "3 / 9" in page.inner_text("[data-testid=attendance-count]")
    page.click("[data-testid=hold]")
    page.wait_for_selector("text=Rapat dicatat terlaksana.")
    assert "Terlaksana" in page.inner_text("[data-testid=meeting-status]")

    with page.expect_download() as info:
        page.click("[data-testid='doc-notulen.pdf']")
    path = tmp_path / "notulen.pdf"
    info.value.save_as(path)
    text = " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(path.read_bytes())).pages).split())
    assert "NOTULEN RAPAT" in text and "Rakor TKPKD Uji" in text and "3 dari 9 undangan hadir" in text
    assert "09.30 WIB" in text and "BPS Kota Tanjungbalai" in text

    with page.expect_download() as info:
        page.click("[data-testid=briefing-pack]")
    briefing = " ".join(
        " ".join(
            p.extract_text() for p in pypdf.PdfReader(io.BytesIO(Path(info.value.path()).read_bytes())).pages
        ).split()
    )
    assert "Bahan Rapat Koordinasi TKPKD" in briefing and "Rakor TKPKD terlaksana" not in briefing
    assert "Tindak lanjut rapat yang masih terbuka" in briefing

    page.goto(f"{live_server.url}/rapat/")
    assert page.inner_text("[data-testid=compliance-held]") == "1"
