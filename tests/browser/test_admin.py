"""In Chromium: the admin deactivates a departed official from a phone; the official can no longer log in.
The access log works at a desktop width."""

from __future__ import annotations

import os

import pytest

from tests.browser.test_e2e import browser  # noqa: F401  (fixture)
from tests.browser.test_e2e import pytestmark  # noqa: F401


def _login(page, base: str, username: str, next_url: str = "/") -> None:
    page.goto(f"{base}/login/?next={next_url}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "rahasia-123")
    page.click("button[type=submit]")


def _shot(name: str) -> str:
    return os.path.join(os.environ.get("TEPAT_SCREENSHOT_DIR", "/tmp"), name)


def _fits(page) -> bool:
    """Nothing wider than the screen outside the scrolling table boxes."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def people(transactional_db, cast):
    return cast


def test_the_admin_deactivates_a_lurah_on_a_phone_and_the_lurah_cannot_log_in(browser, live_server, people):
    phone = browser.new_page(viewport={"width": 360, "height": 740})
    _login(phone, live_server.url, "admin", "/pengguna/")
    phone.wait_for_selector("[data-testid=user-table]")
    assert _fits(phone)
    phone.select_option("select[name=peran]", "lurah")
    phone.click("[data-testid=user-filters] button[type=submit]")
    phone.wait_for_url("**peran=lurah**")
    phone.click("[data-testid=user-table] a:text-is('other_lurah')")
    phone.wait_for_selector("[data-testid=deactivate]")
    assert _fits(phone)
    phone.click("[data-testid=deactivate]")
    phone.wait_for_selector("[data-testid=inactive]")
    assert "other_lurah dinonaktifkan" in phone.inner_text("main")
    phone.screenshot(path=_shot("tepat-admin-user-phone.png"), full_page=True)

    lurah = browser.new_page()
    _login(lurah, live_server.url, "other_lurah", "/keluarga/")
    lurah.wait_for_selector("p.error")
    assert "Nama pengguna atau kata sandi salah." in lurah.inner_text("p.error")
    assert lurah.url.startswith(f"{live_server.url}/login/")

    phone.click("[data-testid=reactivate]")
    phone.wait_for_selector("[data-testid=deactivate]")
    _login(lurah, live_server.url, "other_lurah", "/keluarga/")
    lurah.wait_for_url(f"{live_server.url}/keluarga/")


def test_the_access_log_at_desktop_width_finds_who_opened_a_family(browser, live_server, people):
    from tepat.accounts.masking import log_access
    from tepat.accounts.models import AccessKind

    log_access(people["lurah"], AccessKind.EXPORT, "daftar keluarga (xlsx) desil=1", records=12)
    desk = browser.new_page(viewport={"width": 1366, "height": 800})
    _login(desk, live_server.url, "admin", "/")
    desk.click("summary:text-is('Akuntabilitas')")
    desk.click("a:text-is('Log akses data pribadi')")
    desk.wait_for_selector("[data-testid=log-table]")
    desk.select_option("select[name=pengguna]", "lurah")
    desk.click("[data-testid=log-filters] button[type=submit]")
    desk.wait_for_url("**pengguna=lurah**")
    assert "daftar keluarga (xlsx) desil=1" in desk.inner_text("[data-testid=log-table]")
    assert "1 catatan" in desk.inner_text("[data-testid=log-count]")
    assert _fits(desk)
    desk.screenshot(path=_shot("tepat-access-log-desktop.png"), full_page=True)
    phone = browser.new_page(viewport={"width": 360, "height": 740})
    _login(phone, live_server.url, "admin", "/log-akses/")
    phone.wait_for_selector("[data-testid=log-table]")
    assert _fits(phone)
