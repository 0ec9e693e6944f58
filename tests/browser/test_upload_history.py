"""In Chromium, as an OPD operator would: upload a realisasi file with one bad row, find the upload in the
history on the same page, download its xlsx issue report, and read the bad row named in it."""

from __future__ import annotations

import openpyxl
import pytest

from tests.browser.test_e2e import browser  # noqa: F401  (fixture)
from tests.browser.test_e2e import pytestmark  # noqa: F401
from tests.files import family_rows, write_csv, write_xlsx
from tests.test_interventions import HEADER, row

UNKNOWN_NIK = "1274059999990001"


@pytest.fixture
def registry(transactional_db, import_file, cast, tmp_path):
    from tepat.accounts.actions import ensure_shipped_opds
    from tepat.programs.catalogue import ensure_catalogue

    ensure_shipped_opds()
    ensure_catalogue(2026)
    import_file(write_xlsx(tmp_path / "a.xlsx", family_rows("A", base=1) + family_rows("B", base=2)))


def test_an_upload_with_a_bad_row_is_in_the_history_and_its_report_names_the_row(
    browser,
    live_server,
    registry,
    tmp_path,
):
    upload = write_csv(tmp_path / "salur-maret.csv", [row(), row(nik=UNKNOWN_NIK)], header=HEADER, title=False)
    page = browser.new_page(accept_downloads=True)
    page.goto(f"{live_server.url}/login/?next=/realisasi/")
    page.fill("input[name=username]", "opd")
    page.fill("input[name=password]", "rahasia-123")
    page.click("button[type=submit]")
    page.set_input_files("[data-testid=realisasi-form] input[type=file]", str(upload))
    page.click("[data-testid=realisasi-form] button[type=submit]")
    listed = page.locator("[data-testid=upload-history] tbody tr", has_text="salur-maret.csv")
    listed.wait_for()
    cells = listed.locator("td").all_inner_texts()
    assert cells[1:] == ["opd", "salur-maret.csv", "selesai", "1", "1", "xlsx · csv"], cells
    with page.expect_download() as info:
        listed.locator("[data-testid=upload-xlsx]").click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    header, *rows = openpyxl.load_workbook(saved, read_only=True).active.iter_rows(values_only=True)
    assert header[1:6] == ("baris / row", "lembar / sheet", "kolom / column", "nilai / value", "kode / code")
    assert [(r[1], r[3], r[4], r[5], r[6]) for r in rows] == [
        (3, "nik", UNKNOWN_NIK, "nik_unknown", "NIK tidak ada di registri")
    ]
