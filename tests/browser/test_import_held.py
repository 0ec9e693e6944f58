"""In Chromium: a partial file is held with its numbers, written only after the confirmation, then reverted."""

from __future__ import annotations

import pytest

from tests.browser.test_e2e import browser  # noqa: F401  (fixture)
from tests.browser.test_e2e import pytestmark  # noqa: F401
from tests.files import family_rows, write_xlsx


def johor(count: int, **overrides) -> list[dict]:
    return [row for n in range(1, count + 1) for row in family_rows(f"J{n:03d}", base=n, size=2, **overrides)]


@pytest.fixture
def registry(transactional_db, import_file, cast, tmp_path):
    import_file(write_xlsx(tmp_path / "all.xlsx", johor(20)), cast["analyst"])


def test_an_analyst_confirms_a_partial_file_then_reverts_it(browser, live_server, registry, tmp_path):
    from tepat.registry.models import Family

    part = write_xlsx(tmp_path / "sebagian.xlsx", johor(3, jenis_lantai="Semen"))
    page = browser.new_page()
    page.goto(f"{live_server.url}/login/?next=/impor/")
    page.fill("input[name=username]", "analyst")
    page.fill("input[name=password]", "rahasia-123")
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=missing-explained]")
    assert "cakupan" in page.inner_text("[data-testid=missing-explained]")
    page.set_input_files("input[name=file]", str(part))
    page.click("[data-testid=upload-form] button[type=submit]")
    page.wait_for_selector("[data-testid=held]")
    assert page.inner_text("[data-testid=held-missing]") == "17"
    assert "20" in page.inner_text("[data-testid=held-numbers]")
    assert not Family.objects.filter(missing_since__isnull=False).exists()
    page.click("[data-testid=confirm-form] button[type=submit]")  # not ticked: the browser keeps the form
    assert page.locator("[data-testid=held]").is_visible()
    page.check("input[name=full_export]")
    page.click("[data-testid=confirm-form] button[type=submit]")
    page.wait_for_selector("[data-testid=revert-form]")
    assert "17" in page.inner_text("[data-testid=summary]")
    assert Family.objects.filter(missing_since__isnull=False).count() == 17
    page.fill("input[name=reason]", "berkas satu kelurahan saja")
    page.click("[data-testid=revert-form] button[type=submit]")
    page.wait_for_selector("[data-testid=reverted]")
    assert "berkas satu kelurahan saja" in page.inner_text("[data-testid=reverted]")
    assert not Family.objects.filter(missing_since__isnull=False).exists()
    assert set(Family.objects.values_list("jenis_lantai", flat=True)) == {"Tanah"}
