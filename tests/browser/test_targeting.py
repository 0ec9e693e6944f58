"""End to end in Chromium: an analyst edits a rule, sees the preview change, freezes a target list, downloads it."""

from __future__ import annotations

import pytest

from tests.browser.test_e2e import browser  # noqa: F401  (fixture)
from tests.browser.test_e2e import pytestmark  # noqa: F401
from tests.files import family_rows, write_xlsx


@pytest.fixture
def registry(transactional_db, import_file, cast, tmp_path):
    from tepat.accounts.actions import ensure_shipped_opds
    from tepat.programs.catalogue import ensure_catalogue

    ensure_shipped_opds()
    ensure_catalogue(2026)
    rows = family_rows("A", base=1, desil="1", sumber_air_minum="Air Hujan") + family_rows(
        "B", base=2, desil="3", size=4
    )
    import_file(write_xlsx(tmp_path / "a.xlsx", rows), cast["analyst"])


def wait_for_total(page, text: str) -> None:
    script = "t => (document.querySelector('[data-testid=preview-total]') || {innerText: ''}).innerText.startsWith(t)"
    page.wait_for_function(script, arg=text)


def test_an_analyst_edits_a_rule_freezes_and_downloads_a_target_list(browser, live_server, registry, tmp_path):
    page = browser.new_page(accept_downloads=True)
    page.goto(f"{live_server.url}/login/?next=/program/air_bersih/")
    page.fill("input[name=username]", "analyst")
    page.fill("input[name=password]", "rahasia-123")
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=preview-total]")
    page.fill("[data-testid=rule-text]", "desil <= 3")
    wait_for_total(page, "2 keluarga")
    page.fill("[data-testid=rule-text]", "desl <= 3")
    page.wait_for_selector("[data-testid=rule-errors]")
    assert "desil" in page.inner_text("[data-testid=rule-errors]")
    page.fill("[data-testid=rule-text]", "desil <= 2")
    wait_for_total(page, "1 keluarga")
    page.fill("[data-testid=rule-reason]", "fokus desil 1-2")
    page.click("[data-testid=rule-form] button[type=submit]")
    page.wait_for_selector("text=v2")
    page.click("[data-testid=freeze-form] button[type=submit]")
    page.wait_for_selector("[data-testid=target-title]")
    assert "1 keluarga" in page.inner_text("[data-testid=target-count]")
    with page.expect_download() as info:
        page.click("[data-testid=download-xlsx]")
    path = tmp_path / "sasaran.xlsx"
    info.value.save_as(path)
    import openpyxl

    rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    assert rows[0][1] == "id_keluarga" and [r[1] for r in rows[1:]] == ["A"]
