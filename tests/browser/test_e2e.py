"""End to end in Debian's Chromium: log in, filter families, open one."""

from __future__ import annotations

import os
import shutil

import pytest

from tests.files import family_rows, write_xlsx

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed (scripts/test.sh installs it)"
    ),
]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop in this thread


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-quic",
                "--no-first-run",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def registry(transactional_db, import_file, cast, tmp_path):
    rows = family_rows("JOHOR", base=1) + family_rows("KOTA", base=2, kode="1274011001", alamat="Jl. Kota", desil="2")
    import_file(write_xlsx(tmp_path / "a.xlsx", rows), cast["analyst"])


def test_an_analyst_logs_in_filters_families_and_opens_one(browser, live_server, registry):
    page = browser.new_page()
    page.goto(f"{live_server.url}/keluarga/")
    page.fill("input[name=username]", "analyst")
    page.fill("input[name=password]", "rahasia-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/keluarga/")
    assert "2 keluarga" in page.inner_text("[data-testid=result-count]")
    page.select_option("select[name=kecamatan]", "12.74.01")
    page.click("[data-testid=filters] button[type=submit]")
    page.wait_for_url("**kecamatan=12.74.01**")
    assert "1 keluarga" in page.inner_text("[data-testid=result-count]")
    page.click("[data-testid=family-table] a")
    page.wait_for_selector("[data-testid=members]")
    assert "Jl. Kota" in page.content()
    assert "1274050101800002" in page.inner_text("[data-testid=members]")


def test_a_lurah_on_a_phone_sees_only_their_kelurahan(browser, live_server, registry):
    page = browser.new_page(viewport={"width": 360, "height": 740})
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "other_lurah")
    page.fill("input[name=password]", "rahasia-123")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/keluarga/")
    assert "1 keluarga" in page.inner_text("[data-testid=result-count]")
    assert "Jl. Kota" in page.content() and "Jl. Contoh" not in page.content()
    page.screenshot(path=str(os.environ.get("TEPAT_SCREENSHOT_DIR", "/tmp")) + "/tepat-phone.png")
