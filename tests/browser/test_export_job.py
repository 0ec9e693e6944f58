"""In Chromium: a family list above TEPAT_EXPORT_JOB_ROWS is made by the worker; the page shows its progress
(htmx polling, no inline script under the strict CSP) and then the link, which downloads the workbook."""

from __future__ import annotations

import openpyxl
import pytest

from tests.browser.test_e2e import browser  # noqa: F401  (fixture)
from tests.browser.test_e2e import pytestmark  # noqa: F401
from tests.files import family_rows, write_xlsx


@pytest.fixture
def registry(transactional_db, import_file, cast, tmp_path):
    rows = family_rows("A", base=1) + family_rows("B", base=2, kode="1274011001", alamat="Jl. Kota")
    import_file(write_xlsx(tmp_path / "a.xlsx", rows), cast["analyst"])


def test_a_big_family_list_download_shows_progress_then_its_link(browser, live_server, registry, settings, tmp_path):
    from tepat.jobs.models import Job
    from tepat.jobs.run import execute

    settings.TEPAT_EXPORT_JOB_ROWS, settings.TEPAT_IMPORT_RUNNER = 1, "worker"  # queued, no worker running yet
    page = browser.new_page(accept_downloads=True)
    page.goto(f"{live_server.url}/login/?next=/keluarga/")
    page.fill("input[name=username]", "analyst")
    page.fill("input[name=password]", "rahasia-123")
    page.click("button[type=submit]")
    page.click("text=Unduh xlsx")
    page.wait_for_selector("[data-testid=export-progress] progress")
    assert "/unduhan/" in page.url
    execute(Job.objects.select_related("user").get(kind="export"))  # the worker's part
    link = page.wait_for_selector("[data-testid=export-link]", timeout=10_000)  # swapped in by the polling
    with page.expect_download() as info:
        link.click()
    assert info.value.suggested_filename.startswith("keluarga-") and info.value.suggested_filename.endswith(".xlsx")
    info.value.save_as(tmp_path / "keluarga.xlsx")
    rows = list(openpyxl.load_workbook(tmp_path / "keluarga.xlsx").active.iter_rows(values_only=True))
    assert len(rows) == 3 and rows[0][1] == "id_keluarga" and {r[1] for r in rows[1:]} == {"A", "B"}
